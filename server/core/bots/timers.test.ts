import { describe, expect, it } from 'vitest';
import { BotCursor, type AssistantVersion } from '../../../protocol/index.ts';
import { AppError } from '../../../protocol/index.ts';
import { businessHoursFrom } from './context.ts';
import { advance, start, type BotInput } from './interpreter.ts';
import { accepted, context, flow, press, Q, shown, T0, t, text } from './test-flows.ts';
import { definitionFor, latestVersion } from './versions.ts';

const at = (sec: number) => new Date(T0.getTime() + sec * 1000);
const reminder: BotInput = { kind: 'timeout', which: 'reminder' };
const close: BotInput = { kind: 'timeout', which: 'close' };

const def = (onTimeout: 'handoff' | 'end') =>
  flow(
    [
      { id: 'menu', kind: 'ask', prompt: t('Pick one'), options: [{ id: 'a', value: 'a', label: t('A'), next: 'email' }] },
      { id: 'email', kind: 'collect', field: 'email', attribute: 'email', prompt: t('Email?'), invalidPrompt: t('Again?'), next: 'done', onFailure: 'done' },
      { id: 'done', kind: 'end', message: t('Done') },
    ],
    { settings: { onTimeout, timeoutQueueId: Q, timeoutMessage: t('Still there? Closing.') } },
  );

describe('timeouts (fake clock)', () => {
  it('every prompt sets reminder and close timers from now', () => {
    const ctx = context();
    const first = start(def('end'), ctx, 1);
    expect(first.timers).toEqual({ reminderAt: at(120), closeAt: at(600) });
    ctx.clock.set(at(50));
    const next = accepted(advance(def('end'), first.cursor, press('a'), ctx));
    expect(next.timers).toEqual({ reminderAt: at(170), closeAt: at(650) });
  });

  it.each(['handoff', 'end'] as const)('reminds once, then on close applies onTimeout = %s', (onTimeout) => {
    const d = def(onTimeout);
    const ctx = context();
    let cursor = start(d, ctx, 1).cursor;

    ctx.clock.set(at(119));
    const early = accepted(advance(d, cursor, reminder, ctx));
    expect(early).toMatchObject({ ignored: true, outputs: [] });

    ctx.clock.set(at(120));
    const reminded = accepted(advance(d, cursor, reminder, ctx));
    expect(shown(reminded)).toEqual(['Pick one [A]']);
    expect(reminded.timers).toEqual({ reminderAt: null, closeAt: at(600) });
    cursor = reminded.cursor;

    ctx.clock.set(at(300));
    expect(accepted(advance(d, cursor, reminder, ctx))).toMatchObject({ ignored: true, outputs: [] });

    ctx.clock.set(at(600));
    const closed = accepted(advance(d, cursor, close, ctx));
    expect(shown(closed)).toEqual(['Still there? Closing.']);
    expect(closed.timers).toBeNull();
    if (onTimeout === 'handoff') expect(closed.handoff).toEqual({ queueId: Q, attributes: {}, reason: 'timeout' });
    else expect([closed.ended, closed.handoff]).toEqual([true, undefined]);
  });

  it('a close timer scheduled before the visitor answered is stale and ignored', () => {
    const d = def('end');
    const ctx = context();
    const first = start(d, ctx, 1);
    ctx.clock.set(at(500));
    const answered = accepted(advance(d, first.cursor, press('a'), ctx));
    ctx.clock.set(at(600)); // the first prompt's closeAt
    const r = accepted(advance(d, answered.cursor, close, ctx));
    expect(r).toMatchObject({ ignored: true, outputs: [], cursor: answered.cursor, timers: { closeAt: at(1100) } });
  });

  it('an invalid answer restarts the timers and re-arms the reminder', () => {
    const d = def('end');
    const ctx = context();
    const atEmail = accepted(advance(d, start(d, ctx, 1).cursor, press('a'), ctx));
    ctx.clock.set(at(120));
    const reminded = accepted(advance(d, atEmail.cursor, reminder, ctx));
    expect(shown(reminded)).toEqual(['Email?']);
    ctx.clock.set(at(200));
    const invalid = accepted(advance(d, reminded.cursor, text('nope'), ctx));
    expect(invalid.timers).toEqual({ reminderAt: at(320), closeAt: at(800) });
  });
});

describe('persistence and version pinning', () => {
  it('a cursor that went through JSON (server restart) resumes exactly where it was', () => {
    const d = def('handoff');
    const ctx = context();
    const afterInvalid = [press('a'), text('bad')].reduce((r, input) => accepted(advance(d, r.cursor, input, ctx)), start(d, ctx, 3));
    const restored = BotCursor.parse(JSON.parse(JSON.stringify(afterInvalid.cursor)));
    expect(restored).toEqual(afterInvalid.cursor);
    for (const input of [text('bad again'), text('ada@example.com'), reminder] as BotInput[]) {
      expect(advance(d, restored, input, ctx)).toEqual(advance(d, afterInvalid.cursor, input, ctx));
    }
    expect(accepted(advance(d, restored, text('ada@example.com'), ctx)).cursor).toMatchObject({ versionNumber: 3, attributes: { email: 'ada@example.com' } });
  });

  it('a conversation keeps the version it started with after a newer publish', () => {
    const v1 = flow([{ id: 'q', kind: 'ask', prompt: t('v1?'), options: [{ id: 'o', value: 'go', label: t('Go'), next: 'bye' }] }, { id: 'bye', kind: 'end', message: t('Bye from v1') }]);
    const v2 = flow([{ id: 'q', kind: 'ask', prompt: t('v2?'), options: [{ id: 'o', value: 'go', label: t('Go'), next: 'bye' }] }, { id: 'bye', kind: 'end', message: t('Bye from v2') }]);
    const versions: AssistantVersion[] = [
      { number: 1, publishedAt: T0.toISOString(), definition: v1 },
      { number: 2, publishedAt: at(60).toISOString(), definition: v2 },
    ];
    const running = start(v1, context(), 1);
    expect(latestVersion(versions)?.number).toBe(2);
    const pinned = definitionFor(running.cursor, versions);
    expect(shown(accepted(advance(pinned, running.cursor, press('go'), context())))).toEqual(['Bye from v1']);
    expect(definitionFor({ versionNumber: 0 }, versions, v2)).toBe(v2);
    expect(() => definitionFor({ versionNumber: 9 }, versions)).toThrow(AppError);
  });
});

describe('business hours context', () => {
  const queues = [{ id: Q, businessHours: { timezone: 'Europe/Paris', days: [{ day: 1, open: '09:00', close: '17:00' }] } }];
  it.each([
    { when: '2025-01-06T09:00:00Z', want: true }, // Monday 10:00 in Paris
    { when: '2025-01-06T17:00:00Z', want: false }, // Monday 18:00
    { when: '2025-01-05T10:00:00Z', want: false }, // Sunday
  ])('queue open at $when: $want', ({ when, want }) => {
    expect(businessHoursFrom(queues, { now: () => new Date(when) })(Q)).toBe(want);
  });
  it('an unknown queue counts as closed', () => {
    expect(businessHoursFrom(queues, { now: () => T0 })('00000000-0000-4000-8000-00000000dead')).toBe(false);
  });
});
