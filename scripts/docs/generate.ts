import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { configurationPage } from './configuration-page.ts';
import { envExample } from './env-example.ts';
import { errorsPage } from './errors-page.ts';
import { openApiDocument } from './openapi-page.ts';
import { socketEventsPage } from './socket-events-page.ts';

/**
 * The reference pages that would drift if written by hand, generated from the code
 * (`npm run docs:generate`). generate.test.ts fails when a committed page is stale.
 */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const GENERATED: Record<string, () => string> = {
  'docs/api/socket-events.md': socketEventsPage,
  'docs/api/errors.md': errorsPage,
  'docs/operations/configuration.md': configurationPage,
  '.env.example': envExample,
  'docs/api/openapi.json': openApiDocument,
};

/** Writes every page; returns those whose content changed. */
export function writeGeneratedDocs(): string[] {
  const changed: string[] = [];
  for (const [path, page] of Object.entries(GENERATED)) {
    const file = `${ROOT}${path}`;
    const content = page();
    let current: string | null = null;
    try {
      current = readFileSync(file, 'utf8');
    } catch {
      // a new page
    }
    if (current === content) continue;
    writeFileSync(file, content);
    changed.push(path);
  }
  return changed;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const changed = writeGeneratedDocs();
  console.log(changed.length ? `Updated ${changed.join(', ')}.` : 'Generated docs were up to date.');
}
