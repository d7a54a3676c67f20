import { z } from 'zod';
import { EnvSchema } from '../../server/env.ts';
import { code, generatedNotice, table } from './markdown.ts';
import type { JsonSchema } from './schema-text.ts';

/** docs/operations/configuration.md, from `EnvSchema` in server/env.ts (each setting's `.describe()`). */

type Setting = JsonSchema & { constraint?: string };

/** Settings without a `.describe()` (a test requires none). */
export function undescribedSettings(): string[] {
  return Object.entries(EnvSchema.shape)
    .filter(([, schema]) => !schema.description)
    .map(([name]) => name);
}

function constraintOf(s: Setting): string {
  if (s.constraint) return s.constraint;
  if (s.enum) return `one of ${s.enum.map((v) => code(String(v))).join(', ')}`;
  if (s.type === 'integer' || s.type === 'number') {
    const bounds = s.minimum !== undefined && s.maximum !== undefined ? `, ${s.minimum}–${s.maximum}` : s.minimum !== undefined ? `, ≥ ${s.minimum}` : '';
    return `${s.type === 'integer' ? 'an integer' : 'a number'}${bounds}`;
  }
  if (s.format === 'uri') return 'a URL';
  if (s.pattern) return `matches ${code(s.pattern.replace(/\\\//g, '/'))}`;
  if (s.minLength && s.minLength > 1) return `at least ${s.minLength} characters`;
  return 'text';
}

const defaultOf = (s: Setting) => (s.default === undefined ? 'unset' : code(String(s.default)));

export function configurationPage(): string {
  // What may be set reads best from the input side; defaults only show on the output side of a transform (booleans).
  const accepted = z.toJSONSchema(EnvSchema, { io: 'input', unrepresentable: 'any' }).properties as Record<string, Setting>;
  const parsed = z.toJSONSchema(EnvSchema, { io: 'output', unrepresentable: 'any' }).properties as Record<string, Setting>;
  const rows = Object.entries(accepted).map(([name, s]) => [code(name), defaultOf(parsed[name] ?? s), constraintOf(s), s.description ?? '']);
  return `${generatedNotice('server/env.ts')}

# Configuration

Parley is configured with environment variables only. \`server/env.ts\` reads them once, at start (it is the only
reader of \`process.env\`), and checks them with zod: an empty value counts as unset, and an invalid one stops the
server at start with a message naming the variable. With \`NODE_ENV=production\`, \`SECRET\` is required.

${table(['Variable', 'Default', 'Accepts', 'What it does'], rows)}

Every setting with an example value: [\`.env.example\`](../../.env.example). Check a node's settings, and what they point at,
before starting it: \`npm run config:check\` ([configuration check](configuration-check.md)).

Running several nodes: [scaling out](scaling-out.md); behind nginx: [reverse proxy](reverse-proxy.md). \`/metrics\` and its token: [health and metrics](health-and-metrics.md).
Shutdown: [graceful shutdown](shutdown.md). \`SECRET\` and rotating it: [secrets](secrets.md).
`;
}
