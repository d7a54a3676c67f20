import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ActionMapInput, CounterIncrements, PageViewInput, TrackEventInput, WireCondition, WireRule } from './engagement.ts';
import { capAllows, conditionHolds, evaluate, globMatch, secondsUntilNextCheck, urlMatches, type EvalContext, type Memory } from './engagement-eval.ts';

const NOW = Date.parse('2026-12-07T12:00:00Z');
const DAY = 86_400_000;
const R1 = '00000000-0000-4000-8000-000000000001';
const R2 = '00000000-0000-4000-8000-000000000002';

function rule(over: Partial<WireRule> = {}): WireRule {
  return {
    id: R1,
    priority: 100,
    conditions: [],
    action: { type: 'offer', message: { en: 'Need help with tea?', fr: 'Besoin d’aide ?' }, from: { kind: 'agent', name: 'Alice' } },
    cap: { oncePerSession: true, dismissCooldownDays: 7 },
    ...over,
  };
}

function ctx(over: Partial<EvalContext['page']> = {}, rest: Partial<EvalContext> = {}): EvalContext {
  return {
    page: { url: 'https://shop.example/tea/green?ref=x#top', timeOnPageSec: 0, scrollPercent: 0, exitIntent: false, events: [], attributes: {}, shown: [], dismissed: [], ...over },
    locale: 'en',
    defaultLocale: 'en',
    availability: { [R1]: { open: true, agentsAvailable: true } },
    ...rest,
  };
}

const memory = (over: Partial<Memory> = {}): Memory => ({
  pagesInSession: 1,
  visits: 1,
  returning: false,
  sessionUrls: [],
  sessionEvents: [],
  conversationEvents: [],
  shownThisSession: [],
  dismissedAt: {},
  ...over,
});

const holds = (c: WireCondition, context: EvalContext, now = NOW) => conditionHolds(c, context, R1, now);

describe('globMatch', () => {
  it.each([
    ['/tea/*', '/tea/green', true],
    ['/tea/*', '/tea/', true],
    ['/tea/*', '/tea', false],
    ['*/thanks', '/checkout/thanks', true],
    ['/a*b*c', '/aXXbYYc', true],
    ['/a*b*c', '/aXXbYY', false],
    ['/exact', '/exact', true],
    ['/exact', '/exactly', false],
    ['*', '', true],
    ['/(.*)+$', '/(.*)+$', true],
    ['/(.*)+$', '/anything', false],
  ])('%s ~ %s → %s', (p, t, want) => expect(globMatch(p, t)).toBe(want));

  it('treats every character but * literally (no regex)', () => {
    fc.assert(fc.property(fc.string({ maxLength: 40 }).filter((s) => !s.includes('*')), (s) => globMatch(s, s)));
    fc.assert(fc.property(fc.string({ maxLength: 40 }).filter((s) => !s.includes('*')), fc.string({ minLength: 1, maxLength: 5 }), (s, extra) => !globMatch(s, s + extra)));
  });

  it('matches prefix*suffix exactly when the text starts and ends with them', () => {
    const noStar = fc.string({ maxLength: 10 }).filter((s) => !s.includes('*'));
    fc.assert(
      fc.property(noStar, noStar, fc.string({ maxLength: 20 }), (pre, suf, middle) => {
        expect(globMatch(`${pre}*${suf}`, pre + middle + suf)).toBe(true);
      }),
    );
    fc.assert(
      fc.property(noStar, noStar, fc.string({ maxLength: 30 }), (pre, suf, text) => {
        const want = text.length >= pre.length + suf.length && text.startsWith(pre) && text.endsWith(suf);
        expect(globMatch(`${pre}*${suf}`, text)).toBe(want);
      }),
    );
  });

  it('stays fast on adversarial patterns at the size limits', () => {
    const pattern = '*a'.repeat(150);
    const text = 'a'.repeat(2000) + 'b';
    expect(globMatch(pattern, text)).toBe(false);
  });
});

describe('urlMatches', () => {
  const url = 'https://shop.example/tea/green?ref=x#top';
  it('matches a /path pattern against the path only', () => {
    expect(urlMatches('/tea/*', url)).toBe(true);
    expect(urlMatches('/tea/green', url)).toBe(true);
    expect(urlMatches('/coffee*', url)).toBe(false);
  });
  it('includes the query when the pattern has a ?', () => {
    expect(urlMatches('/tea/green?ref=*', url)).toBe(true);
    expect(urlMatches('/tea/green?ref=y', url)).toBe(false);
  });
  it('matches a full-URL pattern without the fragment', () => {
    expect(urlMatches('https://shop.example/tea/*', url)).toBe(true);
    expect(urlMatches('*#top', url)).toBe(false);
    expect(urlMatches('https://other.example/*', url)).toBe(false);
  });
  it('is false for a URL that does not parse', () => expect(urlMatches('*', 'not a url')).toBe(false));
});

describe('conditions without memory', () => {
  it('url, with negate', () => {
    expect(holds({ type: 'url', pattern: '/tea/*', negate: false }, ctx())).toBe(true);
    expect(holds({ type: 'url', pattern: '/tea/*', negate: true }, ctx())).toBe(false);
  });
  it('time on page, scroll depth, exit intent', () => {
    expect(holds({ type: 'time_on_page', atLeastSec: 10 }, ctx({ timeOnPageSec: 9 }))).toBe(false);
    expect(holds({ type: 'time_on_page', atLeastSec: 10 }, ctx({ timeOnPageSec: 10 }))).toBe(true);
    expect(holds({ type: 'scroll_depth', atLeastPercent: 50 }, ctx({ scrollPercent: 49 }))).toBe(false);
    expect(holds({ type: 'scroll_depth', atLeastPercent: 50 }, ctx({ scrollPercent: 80 }))).toBe(true);
    expect(holds({ type: 'exit_intent' }, ctx())).toBe(false);
    expect(holds({ type: 'exit_intent' }, ctx({ exitIntent: true }))).toBe(true);
  });
  it('custom event fired on this page', () => {
    expect(holds({ type: 'custom_event', name: 'cart' }, ctx())).toBe(false);
    expect(holds({ type: 'custom_event', name: 'cart' }, ctx({ events: ['cart'] }))).toBe(true);
  });
  it('attributes: equals is exact, contains ignores case, missing or null never holds', () => {
    const page = ctx({ attributes: { plan: 'Gold', n: 3, vip: true, gone: null } });
    expect(holds({ type: 'attribute', key: 'plan', op: 'equals', value: 'Gold' }, page)).toBe(true);
    expect(holds({ type: 'attribute', key: 'plan', op: 'equals', value: 'gold' }, page)).toBe(false);
    expect(holds({ type: 'attribute', key: 'plan', op: 'contains', value: 'OL' }, page)).toBe(true);
    expect(holds({ type: 'attribute', key: 'n', op: 'equals', value: '3' }, page)).toBe(true);
    expect(holds({ type: 'attribute', key: 'vip', op: 'equals', value: 'true' }, page)).toBe(true);
    expect(holds({ type: 'attribute', key: 'gone', op: 'contains', value: '' }, page)).toBe(false);
    expect(holds({ type: 'attribute', key: 'absent', op: 'contains', value: '' }, page)).toBe(false);
  });
  it('business hours and agents available come from the availability of the rule', () => {
    const closed = ctx({}, { availability: { [R1]: { open: false, agentsAvailable: false } } });
    expect(holds({ type: 'business_hours' }, ctx())).toBe(true);
    expect(holds({ type: 'agents_available' }, ctx())).toBe(true);
    expect(holds({ type: 'business_hours' }, closed)).toBe(false);
    expect(holds({ type: 'agents_available' }, closed)).toBe(false);
    expect(holds({ type: 'agents_available' }, ctx({}, { availability: {} }))).toBe(false);
  });
});

describe('conditions that need memory', () => {
  const memoryConditions: WireCondition[] = [
    { type: 'pages_in_session', atLeast: 0 },
    { type: 'visits', atLeast: 0 },
    { type: 'returning_visitor', is: false },
    { type: 'conversation_event', event: 'abandoned', withinHours: 24 },
    { type: 'visited', pattern: '*' },
  ];
  it('never hold without memory, whatever the page says', () => {
    for (const c of memoryConditions) expect(holds(c, ctx({ timeOnPageSec: 999, events: ['x'] }))).toBe(false);
  });
  it('read the memory when present', () => {
    const m = ctx({}, { memory: memory({ pagesInSession: 3, visits: 2, returning: true, sessionUrls: ['https://shop.example/tea/'], sessionEvents: ['cart'] }) });
    expect(holds({ type: 'pages_in_session', atLeast: 3 }, m)).toBe(true);
    expect(holds({ type: 'pages_in_session', atLeast: 4 }, m)).toBe(false);
    expect(holds({ type: 'visits', atLeast: 2 }, m)).toBe(true);
    expect(holds({ type: 'returning_visitor', is: true }, m)).toBe(true);
    expect(holds({ type: 'returning_visitor', is: false }, m)).toBe(false);
    expect(holds({ type: 'visited', pattern: '/tea/*' }, m)).toBe(true);
    expect(holds({ type: 'visited', pattern: '/coffee*' }, m)).toBe(false);
    expect(holds({ type: 'custom_event', name: 'cart' }, m)).toBe(true);
  });
  it('a conversation event counts within its window only, and not from the future', () => {
    const at = (ms: number) => ctx({}, { memory: memory({ conversationEvents: [{ type: 'abandoned', at: ms }] }) });
    const c: WireCondition = { type: 'conversation_event', event: 'abandoned', withinHours: 24 };
    expect(holds(c, at(NOW - 3_600_000))).toBe(true);
    expect(holds(c, at(NOW - 24 * 3_600_000))).toBe(true);
    expect(holds(c, at(NOW - 24 * 3_600_000 - 1))).toBe(false);
    expect(holds(c, at(NOW + 1))).toBe(false);
    expect(holds({ ...c, event: 'connected' }, at(NOW - 1))).toBe(false);
  });
});

describe('frequency caps', () => {
  it('once per session: not again on this page, nor (with memory) in this web session', () => {
    expect(capAllows(rule(), ctx({ shown: [R1] }), NOW)).toBe(false);
    expect(capAllows(rule(), ctx({}, { memory: memory({ shownThisSession: [R1] }) }), NOW)).toBe(false);
    expect(capAllows(rule({ cap: { oncePerSession: false, dismissCooldownDays: 0 } }), ctx({ shown: [R1] }), NOW)).toBe(true);
  });
  it('a dismissal on this page always stops it; a remembered one for N days', () => {
    expect(capAllows(rule({ cap: { oncePerSession: false, dismissCooldownDays: 0 } }), ctx({ dismissed: [R1] }), NOW)).toBe(false);
    const dismissed = (ms: number) => ctx({}, { memory: memory({ dismissedAt: { [R1]: ms } }) });
    expect(capAllows(rule(), dismissed(NOW - 7 * DAY + 1), NOW)).toBe(false);
    expect(capAllows(rule(), dismissed(NOW - 7 * DAY), NOW)).toBe(true);
    expect(capAllows(rule({ cap: { oncePerSession: true, dismissCooldownDays: 0 } }), dismissed(NOW), NOW)).toBe(true);
  });
});

describe('evaluate', () => {
  const teaRule = rule({ conditions: [{ type: 'url', pattern: '/tea/*', negate: false }, { type: 'time_on_page', atLeastSec: 10 }, { type: 'agents_available' }] });

  it('offers when every condition holds, in the visitor’s locale', () => {
    expect(evaluate([teaRule], ctx({ timeOnPageSec: 9 }), NOW)).toBeNull();
    expect(evaluate([teaRule], ctx({ timeOnPageSec: 10 }), NOW)).toEqual({ ruleId: R1, type: 'offer', message: 'Need help with tea?', from: { kind: 'agent', name: 'Alice' } });
    expect(evaluate([teaRule], ctx({ timeOnPageSec: 10 }, { locale: 'fr' }), NOW)?.message).toBe('Besoin d’aide ?');
  });
  it('falls back to the website’s language, then any', () => {
    const only = (message: Partial<Record<'en' | 'fr', string>>) => rule({ action: { type: 'offer', message, from: { kind: 'assistant', name: 'Bot' } } });
    expect(evaluate([only({ fr: 'Bonjour' })], ctx({}, { locale: 'en', defaultLocale: 'fr' }), NOW)?.message).toBe('Bonjour');
    expect(evaluate([only({ fr: 'Bonjour' })], ctx({}, { locale: 'en', defaultLocale: 'en' }), NOW)?.message).toBe('Bonjour');
  });
  it('opening the assistant carries no sender', () => {
    const open = rule({ action: { type: 'open_assistant' } });
    expect(evaluate([open], ctx(), NOW)).toEqual({ ruleId: R1, type: 'open_assistant', message: '', from: null });
  });
  it('picks the highest priority, then the smallest id, whatever the order given', () => {
    const low = rule({ id: R1, priority: 1 });
    const high = rule({ id: R2, priority: 5 });
    expect(evaluate([low, high], ctx(), NOW)?.ruleId).toBe(R2);
    expect(evaluate([high, low], ctx(), NOW)?.ruleId).toBe(R2);
    expect(evaluate([rule({ id: R2 }), rule({ id: R1 })], ctx(), NOW)?.ruleId).toBe(R1);
  });
  it('skips a capped rule for the next one', () => {
    const second = rule({ id: R2, priority: 1 });
    expect(evaluate([rule({ priority: 9 }), second], ctx({ dismissed: [R1] }), NOW)?.ruleId).toBe(R2);
  });
  it('no rules, no offer', () => expect(evaluate([], ctx(), NOW)).toBeNull());

  it('property: without memory, a rule with a memory condition is never offered', () => {
    const memoryCondition = fc.constantFrom<WireCondition>(
      { type: 'pages_in_session', atLeast: 0 },
      { type: 'visits', atLeast: 0 },
      { type: 'returning_visitor', is: false },
      { type: 'returning_visitor', is: true },
      { type: 'visited', pattern: '*' },
      { type: 'conversation_event', event: 'queued', withinHours: 1 },
    );
    fc.assert(
      fc.property(memoryCondition, fc.nat(3600), fc.nat(100), fc.boolean(), (c, t, s, exit) => {
        expect(evaluate([rule({ conditions: [c] })], ctx({ timeOnPageSec: t, scrollPercent: s, exitIntent: exit }), NOW)).toBeNull();
      }),
    );
  });

  it('property: the offer is always an eligible rule of maximal priority, and adding a condition never widens', () => {
    const condition = fc.constantFrom<WireCondition>(
      { type: 'time_on_page', atLeastSec: 5 },
      { type: 'scroll_depth', atLeastPercent: 50 },
      { type: 'exit_intent' },
      { type: 'url', pattern: '/tea/*', negate: false },
      { type: 'url', pattern: '/coffee*', negate: false },
      { type: 'agents_available' },
    );
    const ids = [R1, R2, '00000000-0000-4000-8000-000000000003'];
    const rules = fc.uniqueArray(fc.record({ id: fc.constantFrom(...ids), priority: fc.nat(3), conditions: fc.array(condition, { maxLength: 3 }) }), { selector: (r) => r.id, maxLength: 3 });
    fc.assert(
      fc.property(rules, fc.nat(20), fc.nat(100), fc.boolean(), condition, (specs, t, s, exit, extra) => {
        const list = specs.map((r) => rule(r));
        const context = ctx({ timeOnPageSec: t, scrollPercent: s, exitIntent: exit });
        const got = evaluate(list, context, NOW);
        const eligible = list.filter((r) => r.conditions.every((c) => conditionHolds(c, context, r.id, NOW)));
        if (!got) {
          expect(eligible).toEqual([]);
          return;
        }
        const chosen = list.find((r) => r.id === got.ruleId)!;
        expect(eligible).toContain(chosen);
        expect(Math.max(...eligible.map((r) => r.priority))).toBe(chosen.priority);
        const narrowed = list.map((r) => ({ ...r, conditions: [...r.conditions, extra] }));
        const after = evaluate(narrowed, context, NOW);
        if (after) expect(eligible.map((r) => r.id)).toContain(after.ruleId);
      }),
    );
  });

  it('property: it is deterministic and does not touch its inputs', () => {
    fc.assert(
      fc.property(fc.nat(30), fc.boolean(), (t, exit) => {
        const rules = [teaRule, rule({ id: R2, priority: 100, conditions: [{ type: 'exit_intent' }] })];
        const context = ctx({ timeOnPageSec: t, exitIntent: exit });
        const frozen = JSON.stringify({ rules, context });
        expect(evaluate(rules, context, NOW)).toEqual(evaluate(rules, context, NOW));
        expect(JSON.stringify({ rules, context })).toBe(frozen);
      }),
    );
  });
});

describe('secondsUntilNextCheck', () => {
  it('is the nearest pending time threshold, or null', () => {
    const rules = [rule({ conditions: [{ type: 'time_on_page', atLeastSec: 10 }] }), rule({ id: R2, conditions: [{ type: 'time_on_page', atLeastSec: 30 }] })];
    expect(secondsUntilNextCheck(rules, ctx({ timeOnPageSec: 4 }))).toBe(6);
    expect(secondsUntilNextCheck(rules, ctx({ timeOnPageSec: 12 }))).toBe(18);
    expect(secondsUntilNextCheck(rules, ctx({ timeOnPageSec: 30 }))).toBeNull();
  });
});

describe('the contract’s schemas', () => {
  const base = { name: 'Tea', conditions: [], action: { type: 'offer', message: { en: 'Hi' }, from: { kind: 'assistant' } } };
  it('fills defaults and refuses an offer without any language', () => {
    const parsed = ActionMapInput.parse(base);
    expect(parsed).toMatchObject({ enabled: true, priority: 100, cap: { oncePerSession: true, dismissCooldownDays: 7 } });
    expect(ActionMapInput.safeParse({ ...base, action: { ...base.action, message: {} } }).success).toBe(false);
  });
  it('refuses too many conditions and an unknown condition', () => {
    expect(ActionMapInput.safeParse({ ...base, conditions: Array.from({ length: 21 }, () => ({ type: 'exit_intent' })) }).success).toBe(false);
    expect(ActionMapInput.safeParse({ ...base, conditions: [{ type: 'regex', pattern: '.*' }] }).success).toBe(false);
  });
  it('bounds custom events: name ≤ 64, data size and depth', () => {
    expect(TrackEventInput.safeParse({ name: 'a'.repeat(64) }).success).toBe(true);
    expect(TrackEventInput.safeParse({ name: 'a'.repeat(65) }).success).toBe(false);
    expect(TrackEventInput.safeParse({ name: 'x', data: { s: 'y'.repeat(3000) } }).success).toBe(false);
    expect(TrackEventInput.safeParse({ name: 'x', data: [[[[[1]]]]] }).success).toBe(false);
    expect(TrackEventInput.safeParse({ name: 'x', data: { ok: [1, 2] } }).success).toBe(true);
  });
  it('page views take http(s) URLs only', () => {
    expect(PageViewInput.safeParse({ url: 'javascript:alert(1)' }).success).toBe(false);
    expect(PageViewInput.parse({ url: 'https://shop.example/tea/' })).toEqual({ url: 'https://shop.example/tea/', title: '', referrer: '' });
  });
  it('counter increments are bounded', () => {
    const ok = { increments: [{ ruleId: R1, shown: 1 }] };
    expect(CounterIncrements.parse(ok).increments[0]).toEqual({ ruleId: R1, shown: 1, dismissed: 0 });
    expect(CounterIncrements.safeParse({ ...ok, increments: [{ ruleId: R1, shown: 11 }] }).success).toBe(false);
    expect(CounterIncrements.safeParse({ ...ok, increments: [] }).success).toBe(false);
  });
});
