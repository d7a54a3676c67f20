import { describe, expect, it } from 'vitest';
import { loadEnv } from '../env.ts';
import { createSocketBudget } from './socket-budget.ts';

/** Replays a scripted session through the default budget on a simulated clock; answers the refused events. */
function replay(events: { at: number; event: string }[]): string[] {
  let now = 0;
  const { limits } = loadEnv({});
  const budget = createSocketBudget(
    { events: { burst: limits.socketEventsBurst, perMinute: limits.socketEventsPerMinute }, typing: { burst: limits.socketTypingBurst, perMinute: limits.socketTypingPerMinute } },
    () => now,
  );
  const socket = {};
  const refused: string[] = [];
  for (const { at, event } of events) {
    now = at;
    if (budget.take(socket, event) > 0) refused.push(`${event}@${at}`);
  }
  return refused;
}

describe('the default socket budget', () => {
  it('never refuses a visitor typing fast for ten minutes (a message every 2 s, typing, reads, heartbeat)', () => {
    const events: { at: number; event: string }[] = [];
    for (let t = 0; t < 600_000; t += 2_000) events.push({ at: t, event: 'typing' }, { at: t + 1_500, event: 'message:send' }, { at: t + 1_600, event: 'read' });
    for (let t = 0; t < 600_000; t += 15_000) events.push({ at: t + 7, event: 'ping' });
    expect(replay(events.sort((a, b) => a.at - b.at))).toEqual([]);
  });

  it('never refuses a widget resending a 50-message outbox at once after a reconnect', () => {
    const events = [{ at: 0, event: 'sync' }, { at: 0, event: 'queue:status' }, ...Array.from({ length: 50 }, (_, i) => ({ at: i, event: 'message:send' })), { at: 60, event: 'sync' }];
    expect(replay(events)).toEqual([]);
  });

  it('never refuses an agent with 12 chats: a resync of all of them, then quick replies pasted into each, for ten minutes', () => {
    const events: { at: number; event: string }[] = [];
    for (const e of ['conversations:list', 'agent:state', 'directory:get', 'catalog:get']) events.push({ at: 0, event: e });
    for (let chat = 0; chat < 12; chat++) for (const e of ['conversation:open', 'sync', 'read']) events.push({ at: 1, event: e });
    // Every 5 s: a quick reply into each of the 12 chats within one second, each chat marked read, typing in between.
    for (let t = 1_000; t < 600_000; t += 5_000) {
      for (let chat = 0; chat < 12; chat++) events.push({ at: t + chat * 80, event: 'typing' }, { at: t + chat * 80 + 40, event: 'message:send' }, { at: t + chat * 80 + 60, event: 'read' });
    }
    expect(replay(events)).toEqual([]);
  });

  it('keeps typing from holding a message back', () => {
    const events = [...Array.from({ length: 200 }, (_, i) => ({ at: i, event: 'typing' })), { at: 200, event: 'message:send' }];
    const refused = replay(events);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused).not.toContain('message:send@200');
  });
});
