/** The REST calls the benchmark's setup needs: agent logins and creating the bench agents (admin API). */
import { DEMO } from '../../server/services/seed-demo.ts';

export const BENCH_PASSWORD = 'bench-password-0123';
/** The demo agents' password on the bench's nodes (DEMO_PASSWORD): production refuses the public one. */
export const BENCH_DEMO_PASSWORD = 'bench-demo-password-0123';

export async function login(url: string, email: string, password: string): Promise<string> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const res = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
    if (res.status === 200) return (res.headers.get('set-cookie') ?? '').split(';')[0]!;
    // Right after start the demo seed may still be running.
    if (Date.now() > deadline) throw new Error(`login ${email} failed: ${res.status} ${await res.text()}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

async function json<T>(url: string, cookie: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${url}/api/v1${path}`, {
    method,
    headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** The demo admin's session cookie. */
export const adminCookie = (url: string) => login(url, DEMO.agentEmail, BENCH_DEMO_PASSWORD);

/**
 * `count` agents at the maximum of 12 chats each, members of the demo's default queue,
 * logged in: one cookie each. Created through the admin API like an administrator would.
 */
export async function createBenchAgents(url: string, count: number): Promise<string[]> {
  const admin = await adminCookie(url);
  const { queues } = await json<{ queues: { id: string; name: string; isDefault?: boolean }[] }>(url, admin, 'GET', '/queues');
  const general = queues.find((q) => q.name === 'General') ?? queues[0];
  if (!general) throw new Error('the demo seed has no queue');
  const cookies: string[] = [];
  // Password hashing is deliberately slow: a few at a time.
  for (let i = 0; i < count; i += 4) {
    const batch = Array.from({ length: Math.min(4, count - i) }, (_, k) => i + k);
    cookies.push(
      ...(await Promise.all(
        batch.map(async (n) => {
          const email = `bench-agent-${n}@bench.test`;
          await json(url, admin, 'POST', '/agents', { email, name: `Bench Agent ${n}`, password: BENCH_PASSWORD, maxConcurrent: 12, channels: ['chat'], queueIds: [general.id] });
          return login(url, email, BENCH_PASSWORD);
        }),
      )),
    );
  }
  return cookies;
}
