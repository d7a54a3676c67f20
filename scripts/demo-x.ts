import { randomBytes } from 'node:crypto';
import { createFakeX } from '../test/fakes/x-api/index.ts';
import type { XSettings } from '../server/env.ts';
import type { RunningServer } from '../server/main.ts';
import { websiteByKey } from '../server/db/stores/websites-store.ts';
import { DEMO } from '../server/services/seed-demo.ts';

/**
 * The demo's X channel (issue 19; docs/channels/x.md): `npm start` runs the fake X API (test/fakes/x-api) in this
 * process, points the X settings at it, and connects a demo X account to the demo website through the real OAuth
 * flow (the fake approves at once), so that X conversations can be tried at once from the fake's page ("post as a
 * customer"). Never in production (server/env.ts `XSettings.fake`).
 */
export const DEMO_X_BRAND = { id: '1700000000000000001', username: 'ParleyDemo', name: 'Parley Demo' };

export interface DemoX {
  /** The settings that point the server at the fake. */
  settings: Partial<XSettings>;
  /** The fake's page where a newcomer writes to the brand as a customer. */
  pageUrl: string;
  close(): Promise<void>;
}

/** Starts the fake on `port` (0: any free port) on loopback. Its secrets are made up per run: they guard nothing real. */
export async function startDemoFakeX(port: number): Promise<DemoX> {
  const consumerSecret = randomBytes(24).toString('base64url');
  const appBearerToken = randomBytes(24).toString('base64url');
  const clientId = 'parley-demo';
  const fake = createFakeX({ mode: 'self-serve', consumerSecret, clientId, appBearerToken, brand: DEMO_X_BRAND });
  const { url, close } = await fake.listen(port, '127.0.0.1');
  return {
    settings: { apiBaseUrl: url, authorizeUrl: `${url}/i/oauth2/authorize`, clientId, clientSecret: null, consumerSecret, appBearerToken },
    pageUrl: `${url}/__fake/`,
    close,
  };
}

/**
 * Connects the demo X account to the demo website as an admin would (Connect, X's page, the callback); again at
 * every start, since the fake forgets its tokens when the process ends. The account as connected.
 */
export async function connectDemoXAccount(server: RunningServer): Promise<{ ok: boolean; location: string | null }> {
  const website = await websiteByKey(server.database.db, DEMO.websiteKey);
  if (!website) return { ok: false, location: null };
  const { authorizeUrl } = await server.services.xAccounts.startConnect(website.id, null);
  const atX = await fetch(authorizeUrl, { redirect: 'manual' });
  const callback = atX.headers.get('location');
  if (!callback) return { ok: false, location: null };
  // The callback as the server itself is reached (PUBLIC_URL may name a proxy in front of it).
  const back = new URL(callback);
  const local = new URL(`${back.pathname}${back.search}`, `http://127.0.0.1:${server.port}`);
  const done = await fetch(local, { redirect: 'manual' });
  const location = done.headers.get('location');
  return { ok: location?.includes('x_connect=connected') ?? false, location };
}
