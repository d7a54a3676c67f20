import { describe, expect, it } from 'vitest';
import { AppError } from '../../../protocol/index.ts';
import { chooseAgent, type Candidate } from './agent-choice.ts';
import { isOpenAt } from './business-hours.ts';
import { estimateWaitSec } from './estimated-wait.ts';
import { connected, offline, refused, setByAgent, type PresenceSnapshot } from './presence.ts';
import { cardColour, durations } from './session-card.ts';
import * as M from './session-machine.ts';
import { resolveTransfer, type Directory } from './transfer.ts';

const T0 = new Date('2025-01-06T09:00:00Z');
const at = (s: number) => new Date(T0.getTime() + s * 1000);
const Q = 'q-general';

const agent = (id: string, over: Partial<Candidate> = {}): Candidate => ({
  id,
  channels: ['chat'],
  queueIds: [Q],
  state: 'ready',
  idleSince: at(0),
  load: 0,
  maxConcurrent: 3,
  ...over,
});
const need = { channel: 'chat' as const, queueId: Q };

function codeOf(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (err) {
    return err instanceof AppError ? err.code : String(err);
  }
}

describe('agent choice', () => {
  it.each([
    { name: 'longest idle wins', agents: [agent('a', { idleSince: at(30) }), agent('b', { idleSince: at(10) }), agent('c', { idleSince: at(20) })], want: 'b' },
    { name: 'a busier agent still wins on idle time', agents: [agent('a', { idleSince: at(5), load: 2 }), agent('b', { idleSince: at(9) })], want: 'a' },
    { name: 'not Ready is skipped', agents: [agent('a', { idleSince: at(1), state: 'not_ready' }), agent('b', { idleSince: at(9) })], want: 'b' },
    { name: 'Refused is skipped', agents: [agent('a', { idleSince: at(1), state: 'refused' }), agent('b', { idleSince: at(9) })], want: 'b' },
    { name: 'Away is skipped', agents: [agent('a', { idleSince: at(1), state: 'away' }), agent('b', { idleSince: at(9) })], want: 'b' },
    { name: 'other queue is skipped', agents: [agent('a', { idleSince: at(1), queueIds: ['billing'] }), agent('b', { idleSince: at(9) })], want: 'b' },
    { name: 'missing channel is skipped', agents: [agent('a', { idleSince: at(1), channels: ['twitter'] }), agent('b', { idleSince: at(9) })], want: 'b' },
    { name: 'full agent is skipped', agents: [agent('a', { idleSince: at(1), load: 3, maxConcurrent: 3 }), agent('b', { idleSince: at(9) })], want: 'b' },
    { name: 'nobody eligible', agents: [agent('a', { state: 'offline' }), agent('b', { load: 1, maxConcurrent: 1 })], want: null },
    { name: 'ties break on id', agents: [agent('b'), agent('a')], want: 'a' },
  ])('longest_idle: $name', ({ agents, want }) => {
    expect(chooseAgent(agents, need, 'longest_idle')?.id ?? null).toBe(want);
  });

  it('least_busy prefers the lowest share of the limit in use', () => {
    const agents = [agent('a', { idleSince: at(1), load: 2, maxConcurrent: 4 }), agent('b', { idleSince: at(9), load: 1, maxConcurrent: 4 })];
    expect(chooseAgent(agents, need, 'least_busy')?.id).toBe('b');
    expect(chooseAgent(agents, need, 'longest_idle')?.id).toBe('a');
  });

  it.each(Array.from({ length: 12 }, (_, i) => i + 1))('respects a limit of %i concurrent sessions', (limit) => {
    let load = 0;
    while (chooseAgent([agent('a', { maxConcurrent: limit, load })], need, 'longest_idle')) load++;
    expect(load).toBe(limit);
  });

  describe('a returning contact goes back to the agent who last helped them', () => {
    const pool = [agent('a', { idleSince: at(1) }), agent('b', { idleSince: at(9), load: 2 })];
    it.each(['longest_idle', 'least_busy'] as const)('%s: chosen over the policy’s pick when eligible', (policy) => {
      expect(chooseAgent(pool, need, policy)?.id).toBe('a');
      expect(chooseAgent(pool, { ...need, preferred: 'b' }, policy)?.id).toBe('b');
    });
    it.each([
      { name: 'not Ready', over: { state: 'not_ready' as const } },
      { name: 'Refused (rejected this very offer)', over: { state: 'refused' as const } },
      { name: 'full', over: { load: 3 } },
      { name: 'not in the queue', over: { queueIds: ['billing'] } },
    ])('passed over when $name: the policy decides', ({ over }) => {
      expect(chooseAgent([agent('a', { idleSince: at(1) }), agent('b', { idleSince: at(9), ...over })], { ...need, preferred: 'b' }, 'longest_idle')?.id).toBe('a');
    });
    it('an excluded agent (who transferred it away) is not preferred', () => {
      expect(chooseAgent(pool, { ...need, preferred: 'b', exclude: ['b'] }, 'longest_idle')?.id).toBe('a');
    });
    it('an unknown or deleted agent changes nothing', () => {
      expect(chooseAgent(pool, { ...need, preferred: 'gone' }, 'longest_idle')?.id).toBe('a');
      expect(chooseAgent(pool, { ...need, preferred: null }, 'longest_idle')?.id).toBe('a');
    });
  });

  it('clamps stored limits outside 1..12', () => {
    expect(chooseAgent([agent('a', { maxConcurrent: 40, load: 12 })], need, 'longest_idle')).toBeNull();
    expect(chooseAgent([agent('a', { maxConcurrent: 0, load: 0 })], need, 'longest_idle')?.id).toBe('a');
  });
});

describe('session lifecycle', () => {
  const start = () => M.enqueue(Q, at(0)).snapshot;

  it('queued → offered → connected → ended by agent → wrapped up, with exact events and durations', () => {
    const { snapshot, events: queued } = M.enqueue(Q, at(0));
    const offered = M.offer(snapshot, 'ada', 'o1', at(5), at(50));
    let s = M.apply(snapshot, offered);
    const conn = M.connect(s, 'ada', at(12), 'offer', 'o1');
    s = M.apply(s, conn);
    const end = M.endByAgent(s, 'ada', at(72));
    s = M.apply(s, end);
    const wrap = M.wrapUp(s, { code: 'Resolved' }, false, at(102));
    s = M.apply(s, wrap);
    const types = [queued, offered.events, conn.events, end.events, wrap.events].flat().map((e) => [e.type, (e.at.getTime() - T0.getTime()) / 1000]);
    expect(types).toEqual([
      ['queued', 0],
      ['offered', 5],
      ['connected', 12],
      ['ended_by_agent', 72],
      ['wrapped_up', 102],
    ]);
    expect(s).toMatchObject({ state: 'closed', endedBy: 'agent', wrapUpCode: 'Resolved', agentId: 'ada' });
    expect(durations(s)).toEqual({ waitMs: 12_000, handleMs: 60_000, afterContactWorkMs: 30_000 });
    expect(cardColour(s.state)).toBe('grey');
  });

  it('an assistant’s session: bot_started, then either queued on handoff (the wait starts there) or bot_ended, closed by the system', () => {
    const run = { assistantId: 'demo', versionNumber: 3 };
    const { snapshot: bot, events: started } = M.startBot(at(0), run);
    expect(started).toEqual([{ type: 'bot_started', at: at(0), agentId: null, queueId: null, data: run }]);
    expect(bot).toMatchObject({ state: 'bot', queueId: null });

    const handoff = M.handoffFromBot(bot, Q, at(40), { reason: 'flow', ...run });
    expect(handoff.events.map((e) => [e.type, e.queueId, e.data.from])).toEqual([['queued', Q, 'bot']]);
    expect(durations(M.apply(M.apply(bot, handoff), M.connect(M.apply(bot, handoff), 'ada', at(55), 'pick'))).waitMs).toBe(15_000);

    const ended = M.endByBot(bot, at(90), { ...run, stepId: 'bye' });
    expect(ended.events).toEqual([{ type: 'bot_ended', at: at(90), agentId: null, queueId: null, data: { ...run, stepId: 'bye' } }]);
    expect(M.apply(bot, ended)).toMatchObject({ state: 'closed', endedBy: 'system', closedAt: at(90) });
    expect(codeOf(() => M.endByBot(M.apply(bot, handoff), at(90), run))).toBe('SESSION_STATE_INVALID');
  });

  it.each(['rejected', 'expired'] as const)('%s offer goes back to the front of the queue (queued time kept) and frees the agent', (how) => {
    const s0 = start();
    const s1 = M.apply(s0, M.offer(s0, 'ada', 'o1', at(5), at(50)));
    const t = M.refuse(s1, how, 'o1', at(50));
    const s2 = M.apply(s1, t);
    expect(s2).toMatchObject({ state: 'waiting', agentId: null, queuedAt: at(0) });
    expect(t.events.map((e) => [e.type, e.agentId])).toEqual([[how === 'rejected' ? 'offer_rejected' : 'offer_expired', 'ada']]);
  });

  it('a customer ending while waiting or offered abandons; while active it goes to wrap-up', () => {
    const waiting = start();
    const abandoned = M.apply(waiting, M.endByCustomer(waiting, at(30)));
    expect(abandoned).toMatchObject({ state: 'abandoned', endedBy: 'customer' });
    expect(durations(abandoned).waitMs).toBe(30_000);
    expect(cardColour('abandoned')).toBe('white');
    const offered = M.apply(waiting, M.offer(waiting, 'ada', 'o1', at(5), at(50)));
    expect(M.endByCustomer(offered, at(8)).events[0]).toMatchObject({ type: 'abandoned', data: { offeredTo: 'ada' } });
    const active = M.apply(offered, M.connect(offered, 'ada', at(9), 'offer', 'o1'));
    const ended = M.apply(active, M.endByCustomer(active, at(20)));
    expect(ended).toMatchObject({ state: 'wrap_up', endedBy: 'customer', agentId: 'ada' });
    expect(cardColour('wrap_up')).toBe('blue');
  });

  it('wrap-up closes, and requires a code when the queue says so', () => {
    const s = { ...start(), state: 'wrap_up' as const, agentId: 'ada', connectedAt: at(1), endedAt: at(2) };
    expect(codeOf(() => M.wrapUp(s, {}, true, at(3)))).toBe('WRAP_UP_REQUIRED');
    expect(M.apply(s, M.wrapUp(s, { notes: 'ok' }, false, at(3))).state).toBe('closed');
  });

  it.each([
    ['offer an active session', (s: M.SessionSnapshot) => M.offer({ ...s, state: 'active' }, 'a', 'o', at(1), at(2))],
    ['accept an offer made to someone else', (s: M.SessionSnapshot) => M.connect({ ...s, state: 'offered', agentId: 'bob' }, 'ada', at(1), 'offer')],
    ['end a waiting session as agent', (s: M.SessionSnapshot) => M.endByAgent(s, 'a', at(1))],
    ['wrap up an active session', (s: M.SessionSnapshot) => M.wrapUp({ ...s, state: 'active' }, {}, false, at(1))],
    ['transfer a waiting session', (s: M.SessionSnapshot) => M.transfer(s, { id: 'a', name: 'A' }, { queueId: Q, target: { kind: 'queue', id: Q } }, at(1))],
    ['end a closed session', (s: M.SessionSnapshot) => M.endByCustomer({ ...s, state: 'closed' }, at(1))],
  ])('refuses to %s', (_name, fn) => {
    expect(codeOf(() => fn(start()))).toMatch(/SESSION_STATE_INVALID|OFFER_GONE/);
  });

  it('transfer frees the agent and waits in the destination queue keeping its place in time', () => {
    const s0 = start();
    const active = { ...s0, state: 'active' as const, agentId: 'ada', connectedAt: at(3) };
    const t = M.transfer(active, { id: 'ada', name: 'Ada' }, { queueId: 'billing', target: { kind: 'queue', id: 'billing' } }, at(10));
    expect(M.apply(active, t)).toMatchObject({ state: 'waiting', agentId: null, queueId: 'billing', queuedAt: at(0), connectedAt: at(3) });
    expect(t.events[0]).toMatchObject({ type: 'transferred', agentId: 'ada', queueId: 'billing', data: { fromQueueId: Q } });
  });
});

describe('presence', () => {
  const p0: PresenceSnapshot = { channel: 'chat', state: 'not_ready', reason: null, since: at(0), idleSince: at(0) };

  it('refuses Ready on a channel the agent lacks', () => {
    expect(codeOf(() => setByAgent(['chat'], null, { channel: 'twitter', state: 'ready' }, at(1)))).toBe('CHANNEL_NOT_ALLOWED');
  });

  it('Refused stops offers until Ready again, which resumes them', () => {
    const ready = setByAgent(['chat'], p0, { channel: 'chat', state: 'ready' }, at(5));
    const ref = refused(ready, 'expired', at(50));
    const cand = (p: PresenceSnapshot) => agent('ada', { state: p.state, idleSince: p.idleSince });
    expect(chooseAgent([cand(ready)], need, 'longest_idle')?.id).toBe('ada');
    expect(chooseAgent([cand(ref)], need, 'longest_idle')).toBeNull();
    const again = setByAgent(['chat'], ref, { channel: 'chat', state: 'ready' }, at(60));
    expect(chooseAgent([cand(again)], need, 'longest_idle')?.id).toBe('ada');
    expect(again.idleSince).toEqual(at(60));
  });

  it('offline after disconnect, Not Ready (not Ready) when a desktop comes back', () => {
    const off = offline(setByAgent(['chat'], p0, { channel: 'chat', state: 'ready' }, at(1)), at(2));
    expect(off.state).toBe('offline');
    expect(connected(off, at(3)).state).toBe('not_ready');
  });
});

describe('transfer target resolution', () => {
  const dir: Directory = {
    agents: [
      { id: 'ada', channels: ['chat'], queueIds: [Q] },
      { id: 'grace', channels: ['chat'], queueIds: ['billing'] },
      { id: 'tw', channels: ['twitter'], queueIds: [] },
    ],
    teams: [
      { id: 'support', memberIds: ['ada', 'grace'] },
      { id: 'empty', memberIds: [] },
    ],
    queues: [
      { id: Q, channel: 'chat' },
      { id: 'billing', channel: 'chat' },
    ],
  };
  const session = { queueId: Q, channel: 'chat' as const, agentId: 'ada' };
  it.each([
    [{ kind: 'agent', id: 'grace' }, { queueId: 'billing', offerTo: ['grace'] }],
    [{ kind: 'team', id: 'support' }, { queueId: Q, offerTo: ['grace'] }],
    [{ kind: 'queue', id: 'billing' }, { queueId: 'billing', offerTo: [] }],
  ] as const)('%o → %o', (target, plan) => {
    expect(resolveTransfer(target, session, dir)).toEqual(plan);
  });
  it.each([
    { kind: 'agent', id: 'nobody' },
    { kind: 'agent', id: 'ada' },
    { kind: 'agent', id: 'tw' },
    { kind: 'team', id: 'empty' },
    { kind: 'team', id: 'nope' },
    { kind: 'queue', id: 'nope' },
  ] as const)('refuses %o with TRANSFER_TARGET_INVALID', (target) => {
    expect(codeOf(() => resolveTransfer(target, session, dir))).toBe('TRANSFER_TARGET_INVALID');
  });
});

describe('business hours and estimated wait', () => {
  const hours = { timezone: 'Europe/Paris', days: [{ day: 1, open: '09:00', close: '17:00' }] };
  it.each([
    ['2025-01-06T07:59:00Z', false], // Monday 08:59 in Paris (UTC+1)
    ['2025-01-06T08:00:00Z', true],
    ['2025-01-06T15:59:00Z', true],
    ['2025-01-06T16:00:00Z', false],
    ['2025-07-07T07:30:00Z', true], // summer: UTC+2, 09:30
    ['2025-01-07T10:00:00Z', false], // Tuesday: closed
  ])('%s open=%s', (iso, open) => {
    expect(isOpenAt(hours, new Date(iso))).toBe(open);
  });
  it('spans midnight and treats no hours as always open', () => {
    const night = { timezone: 'UTC', days: [{ day: 5, open: '22:00', close: '02:00' }] };
    expect(isOpenAt(night, new Date('2025-01-11T01:00:00Z'))).toBe(true); // Saturday 01:00
    expect(isOpenAt(night, new Date('2025-01-11T03:00:00Z'))).toBe(false);
    expect(isOpenAt(null, new Date())).toBe(true);
  });
  it('estimates from the median recent wait per Ready agent, null with nobody Ready', () => {
    expect(estimateWaitSec({ position: 1, recentWaitsMs: [10_000, 30_000, 20_000], readyAgents: 2 })).toBe(20);
    expect(estimateWaitSec({ position: 3, recentWaitsMs: [10_000, 30_000, 20_000], readyAgents: 2 })).toBe(40);
    expect(estimateWaitSec({ position: 1, recentWaitsMs: [], readyAgents: 1 })).toBe(60);
    expect(estimateWaitSec({ position: 1, recentWaitsMs: [5000], readyAgents: 0 })).toBeNull();
  });
});
