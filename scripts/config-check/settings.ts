import { z } from 'zod';
import { EnvSchema, PUBLIC_DEMO_PASSWORD, xSettingsProblem } from '../../server/env.ts';
import { webhookUnreachableReason } from '../../server/channels/x/webhook-reachability.ts';
import { error, warning, type Problem } from './problems.ts';

/** The settings that parsed, by name (those that did not are reported, not guessed). */
export type ParsedSettings = Partial<z.output<typeof EnvSchema>>;

/**
 * Each setting checked on its own with the server's own schema (server/env.ts), so that every invalid one
 * is reported, not only the first; empty values count as unset, as at start.
 */
export function parseEachSetting(source: Record<string, string | undefined>): { settings: ParsedSettings; problems: Problem[] } {
  const settings: Record<string, unknown> = {};
  const problems: Problem[] = [];
  for (const [name, schema] of Object.entries(EnvSchema.shape)) {
    const raw = source[name];
    const parsed = (schema as z.ZodType).safeParse(raw === '' ? undefined : raw);
    if (parsed.success) settings[name] = parsed.data;
    else problems.push(...parsed.error.issues.map((i) => error(name, i.message)));
  }
  return { settings: settings as ParsedSettings, problems };
}

/** What the server checks at start across settings, and what it cannot: the public URL, the proxy, production hygiene. */
export function checkSettings(s: ParsedSettings, invalid: ReadonlySet<string>): Problem[] {
  const problems: Problem[] = [];
  const production = s.NODE_ENV === 'production';
  const ok = (name: string) => !invalid.has(name);

  if (production && !s.SECRET && ok('SECRET')) problems.push(error('SECRET', 'required in production (at least 16 characters, the same on every node)'));
  if (s.SECRET && s.SECRET_PREVIOUS?.includes(s.SECRET)) problems.push(error('SECRET_PREVIOUS', 'must not contain the current SECRET'));

  const seedDemo = s.SEED_DEMO ?? !production;
  if (production && seedDemo && ok('DEMO_PASSWORD')) {
    if (!s.DEMO_PASSWORD) problems.push(error('DEMO_PASSWORD', 'required to seed the demo in production (SEED_DEMO=true)'));
    else if (s.DEMO_PASSWORD === PUBLIC_DEMO_PASSWORD) problems.push(error('DEMO_PASSWORD', `"${PUBLIC_DEMO_PASSWORD}" is public (README); choose a password of your own`));
  }

  if (ok('PUBLIC_URL')) problems.push(...checkPublicUrl(s));

  if (production && !s.METRICS_TOKEN && !s.METRICS_LISTEN && ok('METRICS_TOKEN') && ok('METRICS_LISTEN')) problems.push(warning('METRICS_TOKEN', 'unset, and no METRICS_LISTEN: /metrics answers 404 in production; set a token or a private listen address to scrape it'));
  if (production && s.WEBHOOKS_ALLOW_PRIVATE_TARGETS) problems.push(warning('WEBHOOKS_ALLOW_PRIVATE_TARGETS', 'on in production: webhooks may reach your private network (SSRF)'));
  if (production && !s.DATABASE_URL && ok('DATABASE_URL')) problems.push(warning('DATABASE_URL', 'unset: embedded PGlite, for one node only; use Postgres in production'));
  problems.push(...checkAttachmentsStorage(s, ok));
  problems.push(...checkX(s, ok));
  return problems;
}

/** The X channel (docs/channels/x.md): set partially is an error (the server refuses to start); what X could not reach, a warning. */
function checkX(s: ParsedSettings, ok: (name: string) => boolean): Problem[] {
  const names = ['X_CLIENT_ID', 'X_CLIENT_SECRET', 'X_CONSUMER_SECRET', 'X_APP_BEARER_TOKEN', 'X_WEBHOOK_URL'] as const;
  if (!names.every(ok)) return [];
  const problem = xSettingsProblem(s);
  if (problem) {
    const [setting, ...rest] = problem.split(': ');
    return [error(setting!, rest.join(': '))];
  }
  if (!s.X_CLIENT_ID) return [];
  if (!s.X_APP_BEARER_TOKEN) return [warning('X_APP_BEARER_TOKEN', 'unset: no webhook is registered, X accounts are polled (slower, and every read is billed)')];
  const webhookUrl = s.X_WEBHOOK_URL ?? (s.PUBLIC_URL ? `${s.PUBLIC_URL.replace(/\/+$/, '')}/api/v1/channels/x/webhook` : null);
  if (!webhookUrl) return [warning('X_WEBHOOK_URL', 'unset, and no PUBLIC_URL: X cannot be told where to post events; accounts are polled')];
  const unreachable = webhookUnreachableReason(webhookUrl, s.X_API_BASE_URL ?? 'https://api.x.com');
  return unreachable ? [warning(s.X_WEBHOOK_URL ? 'X_WEBHOOK_URL' : 'PUBLIC_URL', `${unreachable} (${webhookUrl}): accounts are polled instead`)] : [];
}

/** The S3 settings the `s3` store needs together, and `disk` where several nodes would each keep their own. */
function checkAttachmentsStorage(s: ParsedSettings, ok: (name: string) => boolean): Problem[] {
  if (s.ATTACHMENTS_STORAGE === 'disk' && s.REDIS_URL) {
    return [warning('ATTACHMENTS_STORAGE', 'disk with REDIS_URL (several nodes): an image uploaded through one node is not found on the others; use postgres or s3')];
  }
  if (s.ATTACHMENTS_STORAGE !== 's3') return [];
  const problems: Problem[] = [];
  // A bucket name that did not parse is reported as such, not as missing.
  if (!s.S3_BUCKET && ok('S3_BUCKET')) problems.push(error('S3_BUCKET', 'required with ATTACHMENTS_STORAGE=s3'));
  if (!s.S3_ACCESS_KEY_ID !== !s.S3_SECRET_ACCESS_KEY) problems.push(error('S3_ACCESS_KEY_ID', 'set both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or neither'));
  return problems;
}

function checkPublicUrl(s: ParsedSettings): Problem[] {
  const production = s.NODE_ENV === 'production';
  if (!s.PUBLIC_URL) {
    return production ? [error('PUBLIC_URL', 'required in production: the https:// origin visitors and agents use (unset, only http://localhost:<port> is accepted)')] : [];
  }
  const url = new URL(s.PUBLIC_URL);
  const problems: Problem[] = [];
  if (url.protocol !== 'https:' && url.protocol !== 'http:') problems.push(error('PUBLIC_URL', `must be an http:// or https:// URL, not ${url.protocol}`));
  // Used as an origin (the agent socket's only accepted origin, the snippet's base): a path would break both.
  if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) {
    problems.push(error('PUBLIC_URL', `must be an origin (scheme://host[:port]) without path, query or credentials: ${url.origin}`));
  }
  if (production && url.protocol === 'http:') problems.push(error('PUBLIC_URL', 'must be https:// in production (the session cookie is Secure only then)'));
  if (production && url.protocol === 'https:' && (s.TRUSTED_PROXIES ?? []).length === 0) {
    problems.push(warning('TRUSTED_PROXIES', 'empty while PUBLIC_URL is https://: behind a TLS-terminating proxy, list its address, or every visitor counts as the proxy in the abuse limits'));
  }
  return problems;
}
