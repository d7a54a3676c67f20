import { describe, expect, it } from 'vitest';
import { ERROR_CODES, agentInbound, agentOutbound, visitorInbound, visitorOutbound } from '../../protocol/index.ts';
import { EnvSchema } from '../../server/env.ts';
import { createApp, type AppDeps } from '../../server/http/app.ts';
import { markdownPages, read, ROOT } from './docs-tree.ts';
import { GENERATED } from './generate.ts';

/**
 * What the hand-written docs name exists in the code: settings and error codes (in backticks, in capitals),
 * socket events (`word:word`), and the REST routes of docs/api/rest.md, which must also list every route
 * the app serves. The generated pages are right by construction.
 */
const handWritten = markdownPages().filter((page) => !(page in GENERATED));
const codeSpans = (text: string) => [...text.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!.trim());

/** SETTING_LIKE names the docs may use that are neither settings nor error codes: knobs of the test and bench tools, and others'. */
const OTHER_NAMES = new Set([
  ...['CHROME_PATH', 'REDIS_SERVER', 'CHAOS_VISITORS', 'CHAOS_MESSAGES', 'CHAOS_PACE_MS', 'CHAOS_BUDGET_MS', 'CHAOS_LOG_LEVEL', 'BENCH_SERVER_LOGS', 'BENCH_NODE_ARGS', 'FUZZ_SEED', 'FUZZ_SCALE', 'TEST_ALL_SERIAL'],
  ...['DEBIAN_FRONTEND', 'ALLOW_CONNECTIONS', 'DEFAULT_WRITE_PATH'],
  // Tables in the code the docs point at (server/auth/policy.ts).
  ...['REST_POLICY', 'AGENT_EVENT_POLICY', 'VISITOR_EVENT_POLICY'],
]);
const npmScripts = new Set(Object.keys((JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts));

describe('names in the docs', () => {
  it('are real settings or error codes when written LIKE_THIS', () => {
    const known = new Set([...Object.keys(EnvSchema.shape), ...Object.keys(ERROR_CODES), ...OTHER_NAMES]);
    const unknown = handWritten.flatMap((page) =>
      codeSpans(read(page))
        .flatMap((span) => span.match(/\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b/g) ?? [])
        .filter((name) => !known.has(name) && !name.startsWith('FAKE_X_')) // the fake X API's own flags (test/fakes/x-api/main.ts)
        .map((name) => `${page}: ${name}`),
    );
    expect(unknown).toEqual([]);
  });

  it('are real socket events when written as `word:word`', () => {
    const events = new Set([visitorInbound, visitorOutbound, agentInbound, agentOutbound].flatMap((table) => Object.keys(table)));
    const unknown = handWritten.flatMap((page) =>
      codeSpans(read(page))
        .filter((span) => /^[a-z]+(?::[a-z-]+)+$/.test(span) && !span.startsWith('parley:') && span !== 'about:blank' && !npmScripts.has(span))
        .filter((event) => !events.has(event))
        .map((event) => `${page}: ${event}`),
    );
    expect(unknown).toEqual([]);
  });

  it('document in docs/api/rest.md exactly the routes the HTTP app serves under /api/v1', () => {
    // Stand-in dependencies: building the app only registers its routes, and nothing here is called.
    const anything: unknown = new Proxy(function () {}, {
      get: (_, key) => (key === 'then' ? undefined : key === Symbol.toPrimitive ? () => '' : anything),
      apply: () => anything,
    });
    const deps = new Proxy({}, { get: (_, key) => (key === 'staticPaths' ? { widget: ROOT, desktop: ROOT, demo: ROOT } : anything) }) as AppDeps;
    const served = new Set(createApp(deps).routes.filter((r) => r.method !== 'ALL' && r.path.startsWith('/api/v1/')).map((r) => `${r.method} ${r.path}`));
    const documented = new Set([...read('docs/api/rest.md').matchAll(/`(GET|POST|PUT|PATCH|DELETE) (\/api\/v1\/[^`?\s]*)/g)].map((m) => `${m[1]} ${m[2]}`));
    expect([...documented].filter((route) => !served.has(route)), 'documented but not served').toEqual([]);
    expect([...served].filter((route) => !documented.has(route)), 'served but not in docs/api/rest.md').toEqual([]);
  });
});
