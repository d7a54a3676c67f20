import { z } from 'zod';
import { EnvSchema } from '../../server/env.ts';

/**
 * `.env.example` at the repository root, from `EnvSchema` in server/env.ts: every setting with its
 * description. Settings with a default are shown commented out at that default; the ones a production
 * deployment sets are filled in with example values (SECRET left empty: it must be generated).
 */

/** Example values, uncommented: what a production node behind a proxy sets (checked against the schema by a test). */
export const PRODUCTION_EXAMPLES: Partial<Record<keyof typeof EnvSchema.shape, string>> = {
  NODE_ENV: 'production',
  PUBLIC_URL: 'https://chat.example.com',
  DATABASE_URL: 'postgres://parley:change-me@db.internal:5432/parley',
  REDIS_URL: 'redis://redis.internal:6379',
  SECRET: '',
  TRUSTED_PROXIES: '10.0.0.2',
  METRICS_TOKEN: '',
};

/** Example values of optional settings without a default, commented out. */
const OPTIONAL_EXAMPLES: Partial<Record<keyof typeof EnvSchema.shape, string>> = {
  UPLOAD_DIR: '/var/lib/parley/uploads',
  SECRET_PREVIOUS: '',
  SEED_DEMO: 'false',
  DEMO_PASSWORD: '',
};

const NOTES: Partial<Record<keyof typeof EnvSchema.shape, string>> = {
  SECRET: 'Generate it once and give every node the same: `openssl rand -base64 32`. Empty: the server refuses to start in production.',
  METRICS_TOKEN: 'Generate it: `openssl rand -hex 24`.',
  TRUSTED_PROXIES: 'The address nginx connects to the nodes from (deploy/nginx/parley.conf).',
};

function wrap(text: string, width = 100): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width - 2) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.map((l) => `# ${l}`);
}

export function envExample(): string {
  const output = z.toJSONSchema(EnvSchema, { io: 'output', unrepresentable: 'any' }).properties as Record<string, { default?: unknown }>;
  const blocks = Object.entries(EnvSchema.shape).map(([name, schema]) => {
    const key = name as keyof typeof EnvSchema.shape;
    const comment = wrap([schema.description ?? '', NOTES[key] ?? ''].join(' ').trim());
    const fallback = output[name]?.default;
    const shown = Array.isArray(fallback) ? fallback.join(',') : fallback;
    let line: string;
    if (key in PRODUCTION_EXAMPLES) line = `${name}=${PRODUCTION_EXAMPLES[key]}`;
    else if (shown !== undefined) line = `# ${name}=${String(shown)}`;
    else line = `# ${name}=${OPTIONAL_EXAMPLES[key] ?? ''}`;
    return [...comment, line].join('\n');
  });
  return `# Parley's settings, one per variable (docs/operations/configuration.md explains each one).
# Generated from server/env.ts by \`npm run docs:generate\`: do not edit here, copy it.
# The server reads its environment only: pass this file with your service manager
# (systemd EnvironmentFile=, docker --env-file) or \`node --env-file=.env\`.
# Check it before starting: \`node --env-file=.env --import tsx scripts/config-check.ts\`.
# Uncommented lines are a production node behind a proxy; commented ones show the default.
# An empty value counts as unset.

${blocks.join('\n\n')}
`;
}
