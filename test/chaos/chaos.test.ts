/**
 * Chaos (issue 7 §6): two server processes on one Postgres and a private Redis,
 * behind a loopback balancer. Visitors write (each message retried with its
 * clientId until acked), agents accept and answer, while one node is killed
 * with SIGKILL and restarted, Redis crashes and comes back, every client
 * connection is cut, and the other node is stopped gracefully (SIGTERM) and
 * restarted. Then: every message is stored exactly once, and every visitor and
 * agent holds the whole transcript, in order, as the database has it.
 *
 * Short form by default (50 visitors × 20 messages); the full form:
 * CHAOS_VISITORS=200 CHAOS_MESSAGES=50 npm run test:chaos. Needs DATABASE_URL
 * (a fresh database is created and dropped) and `redis-server` on the PATH.
 */
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '../../protocol/index.ts';
import { ChaosAgent, ChaosVisitor, login } from './clients.ts';
import { PUBLIC_URL, startCluster, type ChaosCluster } from './cluster.ts';

const VISITORS = Number(process.env.CHAOS_VISITORS ?? 50);
const MESSAGES = Number(process.env.CHAOS_MESSAGES ?? 20);
/** Pause between one visitor's messages: keeps traffic flowing for the whole chaos. */
const PACE_MS = Number(process.env.CHAOS_PACE_MS ?? 300);
const AGENTS = Math.ceil(VISITORS / 12) + 1;
const ADMIN = { email: 'agent@demo.shop', password: 'parley-demo' };
const AGENT_PASSWORD = 'chaos-agent-password';
/** Every run is bounded: no step may take longer than this overall budget. */
const BUDGET_MS = Number(process.env.CHAOS_BUDGET_MS ?? 8 * 60_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const textOf = (m: Message) => (m.kind === 'text' ? m.text : '');
/** Agents answer every fifth visitor message, so both sides' messages interleave. */
const shouldReply = (m: Message) => m.kind === 'text' && m.author.kind === 'visitor' && /#\d*4$|#\d*9$/.test(m.text);

describe.runIf(!!process.env.DATABASE_URL)('chaos: two nodes, Postgres, Redis', () => {
  let cluster: ChaosCluster;
  const visitors: ChaosVisitor[] = [];
  const agents: ChaosAgent[] = [];
  const deadline = Date.now() + BUDGET_MS;

  beforeAll(async () => {
    cluster = await startCluster({ nodes: 2, baseDatabaseUrl: process.env.DATABASE_URL! });
  });
  afterAll(async () => {
    for (const c of [...visitors, ...agents]) c.socket.disconnect();
    await cluster?.stop();
  });

  async function api(cookie: string, method: string, path: string, body?: unknown) {
    const res = await fetch(`${cluster.url}/api/v1${path}`, {
      method,
      headers: { cookie, origin: PUBLIC_URL, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  }

  it(`stores ${VISITORS} × ${MESSAGES} messages exactly once and every transcript ends whole and in order`, async () => {
    // Agents with room for every visitor, all in the default queue; short offers so a lost one comes back soon.
    const admin = await login(cluster.url, ADMIN.email, ADMIN.password);
    const { queues } = (await api(admin, 'GET', '/queues')) as { queues: { id: string; name: string }[] };
    const general = queues.find((q) => q.name === 'General')!;
    await api(admin, 'PATCH', `/queues/${general.id}`, { offerTimeoutSec: 10 });
    for (let i = 0; i < AGENTS; i++) {
      const email = `chaos${i}@test.dev`;
      await api(admin, 'POST', '/agents', { email, name: `Chaos ${i}`, password: AGENT_PASSWORD, maxConcurrent: 12, channels: ['chat'], queueIds: [general.id] });
      agents.push(new ChaosAgent(cluster.url, await login(cluster.url, email, AGENT_PASSWORD), shouldReply, () => deadline));
    }

    let acked = 0;
    const total = VISITORS * MESSAGES;
    let chaosDone!: () => void;
    const chaosFinished = new Promise<void>((resolve) => (chaosDone = resolve));
    const log: string[] = [];
    const note = (what: string) => log.push(`${what} at ${acked}/${total} acked`);
    const progress = async (share: number) => {
      while (acked < total * share) await sleep(50);
    };
    // Each chaos step starts at a share of the traffic, and the messages past that share wait for it
    // to start: whatever the machine's speed, every step happens with traffic still to come.
    const SHARES = [0.1, 0.25, 0.4, 0.55];
    const started = SHARES.map(() => {
      let go!: () => void;
      const p = new Promise<void>((resolve) => (go = resolve));
      return { p, go };
    });
    const step = async (i: number) => {
      await progress(SHARES[i]!);
      started[i]!.go();
    };

    const chaos = (async () => {
      const [a, b] = cluster.nodes as [ChaosCluster['nodes'][0], ChaosCluster['nodes'][0]];
      await step(0);
      note('SIGKILL node B');
      await b.stop('SIGKILL');
      await sleep(1_000);
      await b.start();
      note('node B back');

      await step(1);
      note('Redis crash');
      await cluster.redis.stop(true);
      await sleep(1_000);
      await cluster.redis.start();
      note('Redis back');

      await step(2);
      const cut = cluster.cutConnections();
      for (const v of visitors.filter((_, i) => i % 4 === 0)) v.socket.io.engine?.close();
      note(`cut ${cut} connections`);

      await step(3);
      note('SIGTERM node A');
      const code = await a.stop('SIGTERM');
      note(`node A exited with ${code}`);
      expect(code, `graceful shutdown exits 0; node A said:\n${a.output().slice(-3_000)}`).toBe(0);
      await a.start();
      note('node A back');
    })().finally(() => chaosDone());

    const writers = Array.from({ length: VISITORS }, async (_, i) => {
      await sleep((i * 2_000) / VISITORS); // arrivals spread over two seconds
      const visitor = new ChaosVisitor(cluster.url, 'demo-shop');
      visitors.push(visitor);
      for (let k = 0; k < MESSAGES; k++) {
        // The last tenth waits for the chaos to be over, so the chaos always happens under traffic.
        for (const [j, share] of SHARES.entries()) if (k >= Math.ceil(share * MESSAGES)) await started[j]!.p;
        if (k >= MESSAGES * 0.9) await chaosFinished;
        await visitor.send(`v${i} #${k}`, deadline);
        acked++;
        await sleep(PACE_MS * (0.5 + Math.random()));
      }
    });
    await Promise.all([...writers, chaos]);
    await Promise.all(agents.map((agent) => agent.settled()));
    console.log(`chaos timeline:\n  ${log.join('\n  ')}`);

    const sql = postgres(cluster.databaseUrl, { max: 2, onnotice: () => {} });
    try {
      // Exactly once: every acked clientId is stored, none twice.
      const sentIds = [...visitors.flatMap((v) => v.sent.map((s) => s.clientId)), ...agents.flatMap((a) => a.replies)];
      expect(visitors.reduce((n, v) => n + v.sent.length, 0)).toBe(total);
      const counts = await sql<{ client_id: string; n: number }[]>`select client_id, count(*)::int as n from messages where client_id is not null group by client_id`;
      expect(counts.filter((r) => r.n !== 1)).toEqual([]);
      const stored = new Set(counts.map((r) => r.client_id));
      expect(sentIds.filter((id) => !stored.has(id))).toEqual([]);
      expect(agents.reduce((n, a) => n + a.replies.length, 0)).toBeGreaterThan(0);

      const truth = async (conversationId: string) => {
        const rows = await sql<{ seq: string; id: string; author_kind: string; body: string | null }[]>`
          select seq, id, author_kind, body from messages where conversation_id = ${conversationId} order by seq`;
        return { ids: rows.map((r) => `${Number(r.seq)}:${r.id}`), rows };
      };

      // One conversation per visitor, whatever reconnected where.
      expect(visitors.flatMap((v) => v.switched)).toEqual([]);
      // Each visitor's own messages are in the database in the order sent, with gap-free seqs.
      for (const v of visitors) {
        const { rows } = await truth(v.conversationId!);
        expect(rows.map((r) => Number(r.seq))).toEqual(rows.map((_, i) => i + 1));
        expect(rows.filter((r) => r.author_kind === 'visitor').map((r) => r.body)).toEqual(v.sent.map((s) => s.text));
      }

      // Every client ends up holding the whole transcript (live events plus its own catch-up syncs).
      const mismatches = async () => {
        const problems: string[] = [];
        const held = new Map<string, number>();
        for (const a of agents) for (const id of a.conversations.keys()) held.set(id, (held.get(id) ?? 0) + 1);
        for (const [i, v] of visitors.entries()) {
          const { ids } = await truth(v.conversationId!);
          if (JSON.stringify(v.transcript.ids()) !== JSON.stringify(ids)) problems.push(`visitor ${i} holds ${v.transcript.bySeq.size}/${ids.length}`);
          if (held.get(v.conversationId!) !== 1) problems.push(`visitor ${i}'s conversation held by ${held.get(v.conversationId!) ?? 0} agents`);
        }
        for (const [j, a] of agents.entries()) {
          for (const [conversationId, transcript] of a.conversations) {
            const { ids } = await truth(conversationId);
            if (JSON.stringify(transcript.ids()) !== JSON.stringify(ids)) problems.push(`agent ${j} holds ${transcript.bySeq.size}/${ids.length} of ${conversationId}`);
          }
        }
        return problems;
      };
      let problems = await mismatches();
      const settleBy = Date.now() + 60_000;
      while (problems.length && Date.now() < settleBy) {
        await sleep(500);
        problems = await mismatches();
      }
      expect(problems).toEqual([]);
      // The agents' side really interleaved with the visitors'.
      const sample = visitors[0]!.transcript;
      expect([...sample.bySeq.values()].some((m) => m.author.kind === 'agent' && textOf(m).startsWith('re: '))).toBe(true);
    } finally {
      await sql.end();
    }
  });
});
