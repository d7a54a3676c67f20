import { afterEach, beforeEach } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import type { Ack, AgentClientEvents, AgentServerEvents, VisitorClientEvents, VisitorServerEvents, WireError } from '../../protocol/index.ts';
import type { Database } from '../db/client.ts';
import type { TestBackend } from '../db/test-backends.ts';
import { startServer, type RunningServer, type StartOptions } from '../main.ts';
import { DEMO } from '../services/seed-demo.ts';

/** Helpers for integration tests: a real server on port 0 and real socket.io-client sockets. */

export type VisitorSocket = Socket<VisitorServerEvents, VisitorClientEvents>;
export type AgentSocket = Socket<AgentServerEvents, AgentClientEvents>;

/**
 * The demo seed without its assistant unless asked: most tests exercise direct queueing
 * (with the default messaging response); bot tests publish what they need.
 */
export function startTestServer(database: Database, env: StartOptions['env'] = {}, options: Omit<StartOptions, 'database' | 'env'> = {}): Promise<RunningServer> {
  return startServer({
    database,
    env: { port: 0, host: '127.0.0.1', publicUrl: null, seedDemo: true, seedDemoAssistant: false, logLevel: 'silent', secret: 'integration-test-secret-0123456789', ...env },
    banner: false,
    requireAssets: false,
    ...options,
  });
}

const sockets = new Set<Socket>();
/** Disconnects every socket a test opened. */
export function closeSockets(): void {
  for (const s of sockets) s.disconnect();
  sockets.clear();
}

function open<S extends Socket>(socket: S): Promise<S> {
  sockets.add(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => {
      socket.disconnect();
      reject(err);
    });
  });
}

export interface VisitorOptions {
  websiteKey?: string;
  token?: string;
  /** Browser Origin header; defaults to the server's own origin (allowed for the demo site). */
  origin?: string | null;
  locale?: 'en' | 'fr';
  /** An X-Forwarded-For header, as a proxy in front of the server would add. */
  forwardedFor?: string;
}

export function visitorSocket(server: RunningServer, opts: VisitorOptions = {}): VisitorSocket {
  const origin = opts.origin === undefined ? new URL(server.url).origin : opts.origin;
  return io(`${server.url}/visitor`, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: { websiteKey: opts.websiteKey ?? DEMO.websiteKey, ...(opts.token ? { token: opts.token } : {}), ...(opts.locale ? { locale: opts.locale } : {}) },
    extraHeaders: { ...(origin ? { origin } : {}), ...(opts.forwardedFor ? { 'x-forwarded-for': opts.forwardedFor } : {}) },
  });
}

export const connectVisitor = (server: RunningServer, opts: VisitorOptions = {}) => open(visitorSocket(server, opts));

/**
 * Connects as soon as the address has a free visitor slot again: a server frees the slot of a
 * socket that left when it sees the disconnect, a moment after the client closed it.
 */
export async function connectVisitorOnceFree(server: RunningServer, opts: VisitorOptions = {}): Promise<VisitorSocket> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    try {
      return await connectVisitor(server, opts);
    } catch (err) {
      if ((err as { data?: WireError }).data?.code !== 'RATE_LIMITED' || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** The refusal a handshake gets: `connect_error` with `data.code`. */
export async function handshakeRefusal(socket: Socket): Promise<string | undefined> {
  sockets.add(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => reject(new Error('handshake unexpectedly accepted')));
    socket.once('connect_error', (err: Error & { data?: { code?: string } }) => resolve(err.data?.code));
  });
}

/** The whole refusal a handshake gets (`connect_error.data`: code, message, retryAfterMs…). */
export async function handshakeRefusalError(socket: Socket): Promise<WireError | undefined> {
  sockets.add(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => reject(new Error('handshake unexpectedly accepted')));
    socket.once('connect_error', (err: Error & { data?: WireError }) => resolve(err.data));
  });
}

export async function loginCookie(server: RunningServer, email: string = DEMO.agentEmail, password: string = DEMO.agentPassword): Promise<string> {
  const res = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status}`);
  const cookie = res.headers.get('set-cookie') ?? '';
  return cookie.split(';')[0]!;
}

export function agentSocket(server: RunningServer, cookie?: string): AgentSocket {
  return io(`${server.url}/agent`, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    extraHeaders: cookie ? { cookie } : {},
  });
}

export const connectAgent = async (server: RunningServer, email?: string, password?: string) =>
  open(agentSocket(server, await loginCookie(server, email, password)));

/** Emits an event (typed or not) and resolves with its ack. */
export function call<T = unknown>(socket: Socket, event: string, ...args: unknown[]): Promise<Ack<T>> {
  return new Promise((resolve) => (socket as unknown as { emit(e: string, ...a: unknown[]): void }).emit(event, ...args, resolve));
}

/** Unwraps a positive ack or fails with the error code. */
export async function expectOk<T>(ack: Promise<Ack<T>>): Promise<T> {
  const result = await ack;
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}: ${result.error.message}`);
  return result.data;
}

/** Resolves with the next `count` payloads of an event. */
export function nextEvents<T>(socket: Socket, event: string, count = 1): Promise<T[]> {
  const got: T[] = [];
  return new Promise((resolve) => {
    const on = (payload: T) => {
      got.push(payload);
      if (got.length === count) {
        (socket as unknown as { off(e: string, f: unknown): void }).off(event, on);
        resolve(got);
      }
    };
    (socket as unknown as { on(e: string, f: unknown): void }).on(event, on);
  });
}

/** Resolves with the next payload of an event that satisfies `ok` (any, by default). */
export function nextMatching<T>(socket: Socket, event: string, ok: (payload: T) => boolean = () => true): Promise<T> {
  const typed = socket as unknown as { on(e: string, f: (p: T) => void): void; off(e: string, f: (p: T) => void): void };
  return new Promise((resolve) => {
    const on = (payload: T) => {
      if (!ok(payload)) return;
      typed.off(event, on);
      resolve(payload);
    };
    typed.on(event, on);
  });
}

/** Collects every payload of an event from now on, to assert later that nothing arrived. */
export function collect<T>(socket: Socket, event: string): T[] {
  const got: T[] = [];
  (socket as unknown as { on(e: string, f: (p: T) => void): void }).on(event, (p) => got.push(p));
  return got;
}

/** Lets in-flight socket frames land (used only to assert that something did NOT arrive). */
export const settle = () => new Promise((r) => setTimeout(r, 150));

/** A JSON call to the REST API with the agent's cookie; answers status and parsed body. */
export async function api<T = any>(server: RunningServer, cookie: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

/**
 * For a `describe.each(backends)` block: a fresh database and server before each
 * test, sockets, server and database closed after it. `bind` receives them.
 */
export function useTestServer(backend: TestBackend, bind: (database: Database, server: RunningServer) => void, env: StartOptions['env'] = {}): void {
  let database: Database | undefined;
  let server: RunningServer | undefined;
  beforeEach(async () => {
    database = await backend.open();
    server = await startTestServer(database, env);
    bind(database, server);
  });
  afterEach(async () => {
    closeSockets();
    await server?.close();
    await database?.close();
  });
}
