import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: plain .mjs build helper, no types
import { widgetDts } from './widget-dts.mjs';

/** Type-checks a consumer file against the npm entry's index.d.ts, as a site's TypeScript would. */
const dir = mkdtempSync(join(tmpdir(), 'parley-dts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function diagnostics(consumer: string): string[] {
  writeFileSync(join(dir, 'index.d.ts'), widgetDts());
  writeFileSync(join(dir, 'consumer.ts'), consumer);
  const program = ts.createProgram([join(dir, 'consumer.ts')], {
    strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler, lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'], types: [],
  });
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('parley/widget type declarations', () => {
  it('type the command API for a site: correct calls compile, wrong ones do not', () => {
    const errors = diagnostics(`
      import { createMessenger, type MessengerMessage } from './index.js';
      const messenger = createMessenger({ serverUrl: 'https://chat.example.com', websiteKey: 'demo', theme: { position: 'left', colorScheme: 'auto' } });
      const opened: Promise<void> = messenger('open');
      void messenger('identify', async () => 'jwt');
      void messenger('setAttributes', { plan: 'pro', seats: 3, trial: false, coupon: null });
      const off = messenger('on', 'message', (m: MessengerMessage) => m.text.toUpperCase());
      off();
      void messenger('on', 'unread', (count) => count.toFixed()).then(() => undefined);
      // @ts-expect-error: unknown command
      void messenger('fly');
      // @ts-expect-error: attributes are flat
      void messenger('setAttributes', { plan: { nested: true } });
      // @ts-expect-error: unread gives a number
      messenger('on', 'unread', (count: string) => count);
      // @ts-expect-error: position is right or left
      createMessenger({ serverUrl: 'x', websiteKey: 'k', theme: { position: 'top' } });
      void opened;
    `);
    expect(errors).toEqual([]);
  });

  it('is what package.json exports as "parley/widget", next to the built ESM entry', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(pkg.exports['./widget']).toEqual({ types: './dist/widget/esm/index.d.ts', import: './dist/widget/esm/index.js' });
    const rollup = readFileSync(new URL('../rollup.config.mjs', import.meta.url), 'utf8');
    expect(rollup).toContain("input: { index: 'widget/esm.ts' }");
    expect(rollup).toContain("dir: 'dist/widget/esm'");
  });
});
