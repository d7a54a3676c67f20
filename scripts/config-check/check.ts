import { checkDatabase } from './database.ts';
import type { Problem } from './problems.ts';
import { checkRedis } from './redis.ts';
import { checkSettings, parseEachSetting } from './settings.ts';
import { attachmentStorageProbes, checkStorage, dataDirProbes } from './storage.ts';

export interface ConfigReport {
  ok: boolean;
  /** Every error and warning found, errors first. */
  problems: Problem[];
}

/**
 * `npm run config:check`: the settings as the server would read them, then what they point at
 * (database, Redis, storage). Everything is checked, so that one run lists every problem.
 */
export async function checkConfig(source: Record<string, string | undefined>, options: { timeoutMs?: number } = {}): Promise<ConfigReport> {
  const timeoutMs = options.timeoutMs ?? 3_000;
  const parsed = parseEachSetting(source);
  const invalid = new Set(parsed.problems.map((p) => p.setting));
  const s = parsed.settings;
  const production = s.NODE_ENV === 'production';
  const reachable = await Promise.all([
    s.DATABASE_URL ? checkDatabase(s.DATABASE_URL, production, Math.ceil(timeoutMs / 1000)) : [],
    s.REDIS_URL ? checkRedis(s.REDIS_URL, timeoutMs) : [],
    checkStorage([...dataDirProbes(s), ...attachmentStorageProbes(s)], timeoutMs),
  ]);
  const problems = [...parsed.problems, ...checkSettings(s, invalid), ...reachable.flat()];
  problems.sort((a, b) => (a.level === b.level ? 0 : a.level === 'error' ? -1 : 1));
  return { ok: !problems.some((p) => p.level === 'error'), problems };
}

export function formatReport(report: ConfigReport): string {
  if (!report.problems.length) return 'Configuration OK.\n';
  const lines = report.problems.map((p) => `  ${p.level === 'error' ? 'error  ' : 'warning'}  ${p.setting}: ${p.message}`);
  const errors = report.problems.filter((p) => p.level === 'error').length;
  const head = report.ok ? 'Configuration OK, with warnings:' : `Configuration has ${errors} error(s):`;
  return `${head}\n${lines.join('\n')}\n`;
}
