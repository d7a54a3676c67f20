import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { undescribedSettings } from './configuration-page.ts';
import { GENERATED, ROOT } from './generate.ts';
import { undescribedEvents } from './socket-events-page.ts';

/** The generated references (socket events, errors, configuration) match the code they come from. */
describe('generated docs', () => {
  for (const [path, page] of Object.entries(GENERATED)) {
    it(`${path} is up to date`, () => {
      let committed = '';
      try {
        committed = readFileSync(`${ROOT}${path}`, 'utf8');
      } catch {
        // missing: reported as stale below
      }
      expect(committed === page(), `${path} is stale: run \`npm run docs:generate\` and commit the result`).toBe(true);
    });
  }

  it('describes every socket event (a `description` in the inbound tables, `.describe()` on outbound payloads)', () => {
    expect(undescribedEvents()).toEqual([]);
  });

  it('describes every environment setting (a `.describe()` on its line of EnvSchema in server/env.ts)', () => {
    expect(undescribedSettings()).toEqual([]);
  });
});
