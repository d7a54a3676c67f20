import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EnvSchema } from '../../server/env.ts';
import { parseEachSetting } from '../config-check/settings.ts';
import { ROOT } from './generate.ts';

/** `.env.example` (generated; its staleness is checked with the other generated files) is whole and valid. */
describe('.env.example', () => {
  const lines = readFileSync(`${ROOT}.env.example`, 'utf8').split('\n');
  const settings = lines.map((l) => /^(# )?([A-Z][A-Z0-9_]*)=(.*)$/.exec(l)).filter((m) => m !== null);

  it('lists every setting of server/env.ts, once', () => {
    expect(settings.map((m) => m[2]).sort()).toEqual(Object.keys(EnvSchema.shape).sort());
  });

  it('gives only values the server accepts, commented or not', () => {
    for (const m of settings) {
      const { problems } = parseEachSetting({ [m[2]!]: m[3] });
      expect(problems, `${m[2]}=${m[3]}`).toEqual([]);
    }
  });
});
