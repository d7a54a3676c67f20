import { describe, expect, it } from 'vitest';
import type { BranchOn } from '../../../protocol/index.ts';
import { advance, start } from './interpreter.ts';
import { context, flow, play, press, Q, Q2, shown, t, text } from './test-flows.ts';

const menu = (over: Record<string, unknown> = {}) => ({
  id: 'menu',
  kind: 'ask' as const,
  prompt: t('Pick one'),
  attribute: 'topic',
  options: [
    { id: 'o-a', value: 'billing', label: t('Billing', 'Facturation'), next: 'end-a' },
    { id: 'o-b', value: 'tech', label: t('Tech'), next: 'end-b' },
  ],
  ...over,
});
const endA = { id: 'end-a', kind: 'end' as const, message: t('Bye A') };
const endB = { id: 'end-b', kind: 'end' as const, message: t('Bye B') };
const ask = flow([menu(), endA, endB]);

describe('message step', () => {
  const def = flow([
    { id: 'hi', kind: 'message', text: t('Hello', 'Bonjour'), imageUrl: 'https://cdn.example/hi.png', card: { title: t('Docs', 'Aide'), url: 'https://example.com/docs' }, next: 'bye' },
    { id: 'bye', kind: 'end' },
  ]);

  it.each([
    { locale: 'en', want: ['Hello', 'img:https://cdn.example/hi.png', 'card:Docs'] },
    { locale: 'fr-CA', want: ['Bonjour', 'img:https://cdn.example/hi.png', 'card:Aide'] },
    { locale: 'de', want: ['Hello', 'img:https://cdn.example/hi.png', 'card:Docs'] },
    { locale: null, want: ['Hello', 'img:https://cdn.example/hi.png', 'card:Docs'] },
  ])('sends text, image and card in $locale (undeclared → first language), then runs on to the end', ({ locale, want }) => {
    const r = start(def, context({ locale }), 1);
    expect(shown(r)).toEqual(want);
    expect(r).toMatchObject({ ended: true, timers: null, cursor: { stepId: 'bye', awaiting: null } });
  });

  it('falls back to the first declared language when a French visitor meets a French-less bot', () => {
    const enOnly = flow([{ id: 'bye', kind: 'end', message: { en: 'Bye' } }], { languages: ['en'] });
    expect(shown(start(enOnly, context({ locale: 'fr' })))).toEqual(['Bye']);
  });
});

describe('ask step', () => {
  it('shows the prompt with localized buttons and waits', () => {
    const r = start(ask, context({ locale: 'fr' }), 1);
    expect(r.outputs).toEqual([{ kind: 'quick_replies', text: 'Pick one (fr)', options: [{ value: 'billing', label: 'Facturation' }, { value: 'tech', label: 'Tech (fr)' }] }]);
    expect(r.cursor).toMatchObject({ stepId: 'menu', awaiting: 'answer', versionNumber: 1 });
  });

  it('a button press follows its option and records the answer and attribute', () => {
    const last = play(ask, [press('tech', 'Tech')]).at(-1)!;
    expect(shown(last)).toEqual(['Bye B']);
    expect(last.cursor).toMatchObject({ answers: { menu: 'tech' }, attributes: { topic: 'tech' } });
  });

  it.each(['hello?', 'I need help', '3'])('free text %j where a button is expected re-prompts with the same buttons', (typed) => {
    const [first, again] = play(ask, [text(typed)]);
    expect(again!.outputs).toEqual(first!.outputs);
    expect(again!.cursor).toEqual(first!.cursor);
  });

  it.each(['facturation', 'FACTURATION ', 'billing'])('typing an option label or value (%j) picks it', (typed) => {
    expect(shown(play(ask, [text(typed)]).at(-1)!)).toEqual(['Bye A']);
  });

  it('with free text allowed, the text is the answer', () => {
    const def = flow([menu({ allowFreeText: true, freeTextNext: 'end-b' }), endA, endB]);
    const last = play(def, [text('  my printer is on fire ')]).at(-1)!;
    expect(shown(last)).toEqual(['Bye B']);
    expect(last.cursor.answers).toEqual({ menu: 'my printer is on fire' });
  });

  it.each([
    { name: 'an option that does not exist', input: press('refund') },
    { name: 'a label-only match (values drive postbacks)', input: press('Billing') },
  ])('a postback for $name is refused and the cursor stays', ({ input }) => {
    const first = start(ask, context(), 1);
    const r = advance(ask, first.cursor, input, context());
    expect(r).toMatchObject({ ok: false, reason: 'option_not_offered', error: { code: 'VALIDATION_FAILED' } });
    expect(r.cursor).toBe(first.cursor);
  });

  it('an option from an earlier question is refused at the current one', () => {
    const def = flow([
      menu({ options: [{ id: 'o-a', value: 'billing', label: t('Billing'), next: 'second' }] }),
      { id: 'second', kind: 'ask', prompt: t('Sure?'), options: [{ id: 'y', value: 'yes', label: t('Yes'), next: 'end-a' }] },
      endA,
    ]);
    const atSecond = play(def, [press('billing')]).at(-1)!;
    expect(advance(def, atSecond.cursor, press('billing'), context())).toMatchObject({ ok: false, reason: 'option_not_offered' });
  });
});

describe('collect step', () => {
  const collect = (field: 'name' | 'email' | 'phone' | 'text', maxAttempts = 3) =>
    flow([
      { id: 'ask-it', kind: 'collect', field, attribute: 'value', prompt: t('Your value?'), invalidPrompt: t('Invalid, again?'), maxAttempts, next: 'done', onFailure: 'gave-up' },
      { id: 'done', kind: 'handoff', queueId: Q, message: t('Thanks') },
      { id: 'gave-up', kind: 'end', message: t('Never mind') },
    ]);

  it('asks, re-asks on invalid input (attempts + 1), then stores the valid value and moves on', () => {
    const [asked, invalid, valid] = play(collect('email'), [text('not-an-email'), text(' ada@example.com ')]);
    expect(shown(asked!)).toEqual(['Your value?']);
    expect(shown(invalid!)).toEqual(['Invalid, again?']);
    expect(invalid!.cursor).toMatchObject({ stepId: 'ask-it', awaiting: 'field', attempts: 1 });
    expect(shown(valid!)).toEqual(['Thanks']);
    expect(valid!.handoff).toEqual({ queueId: Q, attributes: { value: 'ada@example.com' }, reason: 'flow' });
    expect(valid!.cursor.answers).toEqual({ 'ask-it': 'ada@example.com' });
  });

  it('after maxAttempts invalid answers it follows onFailure', () => {
    const results = play(collect('phone', 2), [text('call me'), text('12')]);
    expect(results.map(shown)).toEqual([['Your value?'], ['Invalid, again?'], ['Never mind']]);
    expect(results.at(-1)).toMatchObject({ ended: true, cursor: { attempts: 0 } });
  });

  it('a button press while a field is expected is refused', () => {
    const first = start(collect('name'), context(), 1);
    expect(advance(collect('name'), first.cursor, press('x'), context())).toMatchObject({ ok: false, reason: 'option_not_offered', cursor: first.cursor });
  });
});

describe('branch step', () => {
  const branchFlow = (on: BranchOn, cases: { equals: string; next: string }[]) =>
    flow([
      menu({ options: [{ id: 'o-a', value: 'billing', label: t('Billing'), next: 'set-tier' }, { id: 'o-b', value: 'tech', label: t('Tech'), next: 'set-tier' }] }),
      { id: 'set-tier', kind: 'set', attribute: 'tier', value: 'Gold', next: 'split' },
      { id: 'split', kind: 'branch', on, cases, otherwise: 'end-b' },
      endA,
      endB,
    ]);

  type Case = { name: string; on: BranchOn; cases: { equals: string; next: string }[]; press: string; locale?: string; open?: boolean; want: string };
  it.each<Case>([
    { name: 'answer matches', on: { kind: 'answer', stepId: 'menu' }, cases: [{ equals: 'billing', next: 'end-a' }], press: 'billing', want: 'Bye A' },
    { name: 'answer differs → otherwise', on: { kind: 'answer', stepId: 'menu' }, cases: [{ equals: 'billing', next: 'end-a' }], press: 'tech', want: 'Bye B' },
    { name: 'attribute (case-insensitive)', on: { kind: 'attribute', name: 'tier' }, cases: [{ equals: 'gold', next: 'end-a' }], press: 'tech', want: 'Bye A' },
    { name: 'missing attribute → otherwise', on: { kind: 'attribute', name: 'plan' }, cases: [{ equals: 'gold', next: 'end-a' }], press: 'tech', want: 'Bye B' },
    { name: 'language fr', on: { kind: 'language' }, cases: [{ equals: 'fr', next: 'end-a' }], press: 'tech', locale: 'fr', want: 'Bye A (fr)' },
    { name: 'language en', on: { kind: 'language' }, cases: [{ equals: 'fr', next: 'end-a' }], press: 'tech', locale: 'en', want: 'Bye B' },
    { name: 'business hours open', on: { kind: 'business_hours', queueId: Q }, cases: [{ equals: 'open', next: 'end-a' }], press: 'tech', open: true, want: 'Bye A' },
    { name: 'business hours closed', on: { kind: 'business_hours', queueId: Q }, cases: [{ equals: 'open', next: 'end-a' }], press: 'tech', open: false, want: 'Bye B' },
  ])('$name', ({ on, cases, press: value, locale, open, want }) => {
    const last = play(branchFlow(on, cases), [press(value)], context({ locale: locale ?? 'en', open })).at(-1)!;
    expect(shown(last)).toEqual([want]);
  });
});

describe('set, handoff and end', () => {
  const def = flow([
    { id: 'email', kind: 'collect', field: 'email', attribute: 'email', prompt: t('Email?'), invalidPrompt: t('Again?'), next: 'vip', onFailure: 'bye' },
    { id: 'vip', kind: 'set', attribute: 'segment', value: 'vip', next: 'to-queue' },
    { id: 'to-queue', kind: 'handoff', queueId: Q, message: t('Passing you to billing') },
    { id: 'bye', kind: 'end' },
  ]);

  it('the handoff carries every collected and set attribute, and the flow is finished', () => {
    const last = play(def, [text('ada@example.com')]).at(-1)!;
    expect(last).toMatchObject({ handoff: { queueId: Q, attributes: { email: 'ada@example.com', segment: 'vip' }, reason: 'flow' }, timers: null, cursor: { awaiting: null } });
    expect(shown(last)).toEqual(['Passing you to billing']);
    expect(advance(def, last.cursor, text('hello?'), context())).toMatchObject({ ok: false, reason: 'finished', error: { code: 'SESSION_STATE_INVALID' } });
  });

  it('an end without a message ends silently', () => {
    const last = play(def, [text('x'), text('y'), text('z')]).at(-1)!;
    expect(last).toMatchObject({ ended: true, outputs: [], timers: null });
    expect(last.handoff).toBeUndefined();
  });
});

describe('"talk to a person"', () => {
  it.each([
    { typed: 'I want to talk to an AGENT!', locale: 'en' },
    { typed: 'human please', locale: 'en' },
    { typed: 'Can I talk to someone?', locale: 'en' },
    { typed: 'Je veux parler à un Conseiller', locale: 'fr' },
    { typed: 'un HUMAIN svp', locale: 'fr' },
    { typed: 'humaín', locale: 'fr' },
    { typed: 'conseiller', locale: 'en' },
  ])('$typed ($locale) hands off to the human queue with what was collected', ({ typed, locale }) => {
    const def = flow([menu({ options: [{ id: 'o-a', value: 'billing', label: t('Billing'), next: 'email' }] }), { id: 'email', kind: 'collect', field: 'name', attribute: 'name', prompt: t('Name?'), invalidPrompt: t('Again?'), next: 'end-a', onFailure: 'end-a' }, endA]);
    const last = play(def, [press('billing'), text(typed)], context({ locale })).at(-1)!;
    expect(last.handoff).toEqual({ queueId: Q2, attributes: { topic: 'billing' }, reason: 'visitor_request' });
    expect(shown(last)).toEqual([locale === 'fr' ? 'Getting a person (fr)' : 'Getting a person']);
  });

  it.each(['reagent', 'humanity', 'agents of change'])('%j is not a keyword (whole words only)', (typed) => {
    expect(play(ask, [text(typed)]).at(-1)!.handoff).toBeUndefined();
  });

  it('when the admin turned it off, the keyword is just text (re-prompt)', () => {
    const def = flow([menu(), endA, endB], { settings: { humanHandoff: { enabled: false, queueId: Q2, keywords: { en: ['agent'] } } } });
    const last = play(def, [text('agent')]).at(-1)!;
    expect(last.handoff).toBeUndefined();
    expect(last.cursor).toMatchObject({ stepId: 'menu', awaiting: 'answer' });
  });
});
