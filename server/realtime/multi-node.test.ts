import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Offer } from '../../protocol/index.ts';
import { agentQueues, agents, offers, queues, sessions } from '../db/schema.ts';
import type { RunningServer } from '../main.ts';
import { hashPassword } from '../services/passwords.ts';
import { call, connectAgent, connectVisitor, expectOk, type AgentSocket } from '../testing/test-kit.ts';
import { useTwoNodes } from '../testing/two-nodes.ts';
import { until, waitFor } from '../testing/wait-for.ts';

/**
 * Two server instances in this process (separate connection pools, separate
 * Socket.IO servers and sweepers) on one fresh Postgres database, fanning out
 * through Redis. 50 visitors, 6 agents with limits 1..12 split across the nodes,
 * random accept / reject / no answer with 1 s offer timeouts.
 */
const databaseUrl = process.env.DATABASE_URL;
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const LIMITS = [1, 2, 3, 5, 8, 12];
const VISITORS = 50;
/** How many rejected and how many expired offers make the chaos phase long enough to count. */
const CHAOS_ROUNDS = 3;

describe.skipIf(!databaseUrl)('two nodes on one Postgres', () => {
  const { nodes, db: sharedDb } = useTwoNodes(databaseUrl!, redisUrl, 8);

  it('never offers a session twice at once, never exceeds a limit, loses no session', { timeout: 60_000 }, async () => {
    const db = sharedDb();
    const [general] = await db.update(queues).set({ offerTimeoutSec: 1 }).where(eq(queues.name, 'General')).returning();
    const hash = await hashPassword('load-test-pw');
    const people: { email: string; limit: number; id: string }[] = [];
    for (const [i, limit] of LIMITS.entries()) {
      const [row] = await db.insert(agents).values({ email: `load${i}@test.dev`, name: `Load ${i}`, passwordHash: hash, maxConcurrent: limit, channels: ['chat'] }).returning();
      await db.insert(agentQueues).values({ agentId: row!.id, queueId: general!.id });
      people.push({ email: row!.email, limit, id: row!.id });
    }

    let calm = false;
    const sockets: AgentSocket[] = [];
    for (const [i, p] of people.entries()) {
      const socket = await connectAgent(nodes[i % 2]!, p.email, 'load-test-pw');
      sockets.push(socket);
      // Random accept / reject / no answer while the chaos lasts; accept everything once calm.
      socket.on('offer', (offer: Offer) => {
        const roll = Math.random();
        if (calm || roll < 0.5) void call(socket, 'offer:accept', { offerId: offer.id });
        else if (roll < 0.75) void call(socket, 'offer:reject', { offerId: offer.id });
      });
      socket.on('presence', ({ presence }) => {
        if (presence.some((c) => c.state === 'refused')) setTimeout(() => void call(socket, 'presence:set', { channel: 'chat', state: 'ready' }), 150);
      });
      await expectOk(call(socket, 'presence:set', { channel: 'chat', state: 'ready' }));
    }

    const violations: string[] = [];
    // The invariants, sampled every 100 ms. A sample that fails is a failure of the test, not a
    // sample skipped: an invariant check that cannot fail proves nothing.
    let samples = 0;
    let sampling: Promise<void> | null = null;
    const sample = async () => {
      const loads = await db.execute(
        sql`select a.email, a.max_concurrent as max, count(s.id)::int as load from agents a left join sessions s on s.agent_id = a.id and s.state in ('offered','active','wrap_up') group by a.id having count(s.id) > a.max_concurrent`,
      );
      for (const r of loads as unknown as { email: string; max: number; load: number }[]) violations.push(`${r.email} at ${r.load}/${r.max}`);
      const doubles = await db.execute(sql`select session_id from offers where outcome = 'pending' group by session_id having count(*) > 1`);
      if ((doubles as unknown as unknown[]).length) violations.push('two pending offers for one session');
      samples++;
    };
    const sampler = setInterval(() => {
      if (sampling) return; // one sample at a time: the next tick takes over
      sampling = sample()
        .catch((err: unknown) => void violations.push(`the invariant sample failed: ${err instanceof Error ? err.message : String(err)}`))
        .finally(() => (sampling = null));
    }, 100);

    const conversations: string[] = [];
    await Promise.all(
      Array.from({ length: VISITORS }, async (_, i) => {
        await new Promise((r) => setTimeout(r, i * 40));
        const v = await connectVisitor(nodes[i % 2]!);
        const sent = await expectOk(call<{ conversationId: string }>(v, 'message:send', { clientId: randomUUID(), text: `visitor ${i}` }));
        conversations.push(sent.conversationId);
      }),
    );
    // The chaos lasts until it has really happened, several times over: offers rejected and offers expired.
    const outcomes = async () => (await db.select({ outcome: offers.outcome }).from(offers)).map((o) => o.outcome);
    await waitFor(async () => {
      const seen = await outcomes();
      return seen.filter((o) => o === 'rejected').length >= CHAOS_ROUNDS && seen.filter((o) => o === 'expired').length >= CHAOS_ROUNDS;
    }, { timeoutMs: 20_000, intervalMs: 100, what: `${CHAOS_ROUNDS} rejected and ${CHAOS_ROUNDS} expired offers` });
    calm = true;
    for (const s of sockets) void call(s, 'presence:set', { channel: 'chat', state: 'ready' });

    const capacity = LIMITS.reduce((a, b) => a + b, 0);
    // Calm: until every agent is full (or every visitor served) and no offer is left pending; asserted below.
    await until(
      async () => ({
        active: (await db.select({ state: sessions.state }).from(sessions)).filter((s) => s.state === 'active').length,
        pending: (await db.select().from(offers).where(eq(offers.outcome, 'pending'))).length,
      }),
      ({ active, pending }) => active === Math.min(VISITORS, capacity) && pending === 0,
      { timeoutMs: 25_000, intervalMs: 100 },
    );
    clearInterval(sampler);
    await sampling;

    expect(violations).toEqual([]);
    expect(samples, 'the invariants were sampled during the run').toBeGreaterThan(0);
    // None lost, none doubled: one session per conversation, each connected or still waiting.
    const all = await db.select().from(sessions);
    expect(all).toHaveLength(VISITORS);
    expect(new Set(all.map((s) => s.conversationId))).toEqual(new Set(conversations));
    expect(all.every((s) => s.state === 'active' || s.state === 'waiting')).toBe(true);
    expect(all.filter((s) => s.state === 'active')).toHaveLength(Math.min(VISITORS, capacity));
    for (const p of people) expect(all.filter((s) => s.agentId === p.id && s.state === 'active').length).toBeLessThanOrEqual(p.limit);
    // Offers of one session never overlap in time: each was decided before the next was made.
    const history = await db.select().from(offers).orderBy(offers.sessionId, offers.offeredAt);
    for (let i = 1; i < history.length; i++) {
      const prev = history[i - 1]!;
      const cur = history[i]!;
      if (prev.sessionId !== cur.sessionId) continue;
      expect(prev.decidedAt, 'an earlier offer was still open').not.toBeNull();
      expect(prev.decidedAt!.getTime()).toBeLessThanOrEqual(cur.offeredAt.getTime());
    }
    // The chaos really happened: offers were rejected and expired along the way.
    expect(history.some((o) => o.outcome === 'rejected')).toBe(true);
    expect(history.some((o) => o.outcome === 'expired')).toBe(true);
  });
});
