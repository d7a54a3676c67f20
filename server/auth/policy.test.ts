import { describe, expect, it } from 'vitest';
import { agentInbound, visitorInbound } from '../../protocol/index.ts';
import { backends } from '../db/test-backends.ts';
import { startTestServer } from '../testing/test-kit.ts';
import { isHandlerRoute } from '../http/authorize.ts';
import { AGENT_EVENT_POLICY, REST_POLICY, restKey, VISITOR_EVENT_POLICY } from './policy.ts';

/**
 * The authorization table covers everything the server answers, and names nothing that does
 * not exist: a new route or socket event fails here until it has its entry.
 */
describe('the authorization table', () => {
  // Starts a whole server (migrations, seed) inside the test: give it the hook's time on a busy machine.
  it('has an entry for every REST route the app registers, and no entry for a route that is gone', { timeout: 60_000 }, async () => {
    const database = await backends[0]!.open();
    const server = await startTestServer(database);
    try {
      const handlers = server.app.routes.filter(isHandlerRoute).map((r) => restKey(r.method, r.path));
      const registered = new Set(handlers);
      expect([...registered].filter((key) => !(key in REST_POLICY)), 'routes without an entry').toEqual([]);
      expect(Object.keys(REST_POLICY).filter((key) => !registered.has(key)), 'entries without a route').toEqual([]);
    } finally {
      await server.close();
      await database.close();
    }
  });

  it('has an entry for every socket event of both namespaces, and none for an event that is gone', () => {
    expect(Object.keys(AGENT_EVENT_POLICY).sort()).toEqual(Object.keys(agentInbound).sort());
    expect(Object.keys(VISITOR_EVENT_POLICY).sort()).toEqual(Object.keys(visitorInbound).sort());
  });

  it('admits only roles it knows, and names the input field each guard reads', () => {
    const shapes: Record<string, Record<string, unknown>> = {
      ...Object.fromEntries(Object.entries(agentInbound).map(([event, { input }]) => [`agent ${event}`, inputKeys(input)])),
    };
    for (const [event, rule] of Object.entries(AGENT_EVENT_POLICY)) {
      expect(rule.auth, event).toBe('staff');
      if (rule.auth !== 'staff') continue;
      expect(rule.roles.length, event).toBeGreaterThan(0);
      if ('key' in rule.guard) expect(shapes[`agent ${event}`], event).toHaveProperty(rule.guard.key);
    }
    for (const [route, rule] of Object.entries(REST_POLICY)) {
      if (rule.auth === 'staff' && 'key' in rule.guard) expect(route, route).toContain(`:${rule.guard.key}`);
    }
  });
});

/** The top-level keys an input schema accepts (objects and intersections of objects). */
function inputKeys(schema: unknown): Record<string, unknown> {
  const def = (schema as { _zod?: { def?: { type?: string; shape?: Record<string, unknown>; left?: unknown; right?: unknown } } })._zod?.def;
  if (!def) return {};
  if (def.type === 'object') return def.shape ?? {};
  if (def.type === 'intersection') return { ...inputKeys(def.left), ...inputKeys(def.right) };
  return {};
}
