import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createFakeX, type FakeXOptions } from './index.ts';

// For the fake's own tests: a fake on a free port with a clock the test moves, a real HTTP receiver that
// answers CRCs and checks signatures with its own reference code (not the fake's), and an OAuth walk.

export const BRAND = { id: '17200003', username: 'Brand', name: 'The Brand' };
export const CUSTOMER = { id: '944480690', username: 'jo', name: 'Jo' };
export const CONSUMER_SECRET = 'consumer-secret-for-tests';
export const CLIENT_ID = 'client-id-for-tests';
export const REDIRECT_URI = 'http://127.0.0.1:9/callback';
export const ALL_SCOPES = 'tweet.read tweet.write users.read dm.read dm.write like.write media.write offline.access';

export async function startFake(overrides: Partial<FakeXOptions> = {}) {
  const clock = { now: Date.parse('2026-07-24T21:23:23.000Z') };
  const fake = createFakeX({
    mode: 'self-serve',
    consumerSecret: CONSUMER_SECRET,
    clientId: CLIENT_ID,
    brand: BRAND,
    now: () => clock.now,
    retryDelaysMs: [],
    ...overrides,
  });
  const server = await fake.listen();
  const call = async (method: string, path: string, init: { token?: string; json?: unknown; form?: Record<string, string>; headers?: Record<string, string>; body?: BodyInit } = {}) => {
    const headers: Record<string, string> = { ...init.headers };
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    let body = init.body;
    if (init.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(init.json);
    }
    if (init.form) body = new URLSearchParams(init.form);
    const res = await fetch(server.url + path, { method, headers, ...(body !== undefined ? { body } : {}), redirect: 'manual' });
    const text = await res.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, json, text };
  };
  return { fake, control: fake.control, url: server.url, close: server.close, clock, call };
}

export type Harness = Awaited<ReturnType<typeof startFake>>;

export const pkce = () => {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
};

/** The authorize redirect's code, as the product's callback would receive it. */
export async function authorizeCode(h: Harness, challenge: string, scope = ALL_SCOPES): Promise<string> {
  const q = new URLSearchParams({ response_type: 'code', client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, scope, state: 'st4te', code_challenge: challenge, code_challenge_method: 'S256' });
  const res = await h.call('GET', `/i/oauth2/authorize?${q}`);
  if (res.status !== 302) throw new Error(`authorize answered ${res.status}`);
  const location = new URL(res.headers.get('location')!);
  if (location.searchParams.get('state') !== 'st4te') throw new Error('state not echoed');
  return location.searchParams.get('code')!;
}

/** The whole Authorization Code + PKCE walk: the token response. */
export async function connect(h: Harness, scope = ALL_SCOPES) {
  const { verifier, challenge } = pkce();
  const code = await authorizeCode(h, challenge, scope);
  const res = await h.call('POST', '/2/oauth2/token', { form: { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier, client_id: CLIENT_ID } });
  if (res.status !== 200) throw new Error(`token answered ${res.status} ${res.text}`);
  return res.json as { access_token: string; refresh_token: string; scope: string; expires_in: number; token_type: string };
}

export interface Received {
  headers: IncomingHttpHeaders;
  raw: string;
  body: any;
  /** Checked by this receiver's own HMAC code against the consumer secret. */
  signatureValid: boolean;
}

/** A webhook receiver as X's docs describe one, written independently of the fake's signing code. */
export async function startReceiver(secret = CONSUMER_SECRET) {
  const state = {
    crc: 'ok' as 'ok' | 'wrong' | 'redirect',
    postStatus: 200,
    /** Never answer deliveries (a receiver that hangs). */
    hang: false,
    crcTokens: [] as string[],
    received: [] as Received[],
  };
  const sign = (data: string) => 'sha256=' + createHmac('sha256', secret).update(data).digest('base64');
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://receiver');
    if (req.method === 'GET') {
      const token = url.searchParams.get('crc_token') ?? '';
      state.crcTokens.push(token);
      if (state.crc === 'redirect') return res.writeHead(302, { location: 'http://127.0.0.1:9/' }).end();
      const response_token = state.crc === 'ok' ? sign(token) : sign(token + 'x');
      return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ response_token }));
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (state.hang) return;
      const raw = Buffer.concat(chunks).toString('utf8');
      const expected = Buffer.from(sign(raw));
      const got = Buffer.from(String(req.headers['x-twitter-webhooks-signature'] ?? ''));
      state.received.push({ headers: req.headers, raw, body: JSON.parse(raw), signatureValid: got.length === expected.length && timingSafeEqual(got, expected) });
      res.writeHead(state.postStatus, state.postStatus >= 300 && state.postStatus < 400 ? { location: 'http://127.0.0.1:9/' } : {}).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/x`;
  return { url, state, close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) };
}

/** Registers the receiver as the app's webhook and subscribes the brand to `events`. */
export async function subscribe(h: Harness, receiverUrl: string, events: string[]) {
  const wh = await h.call('POST', '/2/webhooks', { token: h.control.appBearerToken, json: { url: receiverUrl } });
  if (wh.status !== 200) throw new Error(`webhook: ${wh.status} ${wh.text}`);
  for (const event_type of events) {
    const s = await h.call('POST', '/2/activity/subscriptions', {
      token: h.control.appBearerToken,
      json: { event_type, filter: { user_id: BRAND.id }, webhook_id: wh.json.data.id, tag: event_type.startsWith('dm') ? 'dm-inbound' : 'mentions' },
    });
    if (s.status !== 200) throw new Error(`subscription: ${s.status} ${s.text}`);
  }
  return wh.json.data.id as string;
}
