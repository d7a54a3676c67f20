import { describe, expect, it } from 'vitest';
import type { BotDefinitionInput } from '../../../protocol/index.ts';
import { demoAssistantDefinition } from './demo-assistant.ts';
import { Q, Q2, t } from './test-flows.ts';
import { validateDefinition } from './validate.ts';

type Steps = BotDefinitionInput['steps'];
const queueIds = [Q, Q2];

/** A valid menu that loops back to itself until the visitor picks an exit. */
const base = (): BotDefinitionInput => ({
  start: 'menu',
  languages: ['en', 'fr'],
  steps: [
    {
      id: 'menu',
      kind: 'ask',
      prompt: t('Pick one'),
      options: [
        { id: 'o-help', value: 'help', label: t('Help'), next: 'info' },
        { id: 'o-agent', value: 'agent', label: t('Agent'), next: 'to-queue' },
        { id: 'o-bye', value: 'bye', label: t('Bye'), next: 'bye' },
      ],
    },
    { id: 'info', kind: 'message', text: t('Here is some help'), next: 'menu' },
    { id: 'to-queue', kind: 'handoff', queueId: Q, message: t('Connecting') },
    { id: 'bye', kind: 'end' },
  ],
  settings: { humanHandoff: { enabled: true, queueId: Q2, keywords: { en: ['agent'], fr: ['conseiller'] } } },
});

const withSteps = (mutate: (steps: Steps) => Steps, over: Partial<BotDefinitionInput> = {}): BotDefinitionInput => ({ ...base(), steps: mutate(structuredClone(base().steps)), ...over });
const replace = (id: string, step: Steps[number]) => (steps: Steps) => steps.map((s) => (s.id === id ? step : s));

describe('definition validation', () => {
  it('accepts a menu that loops back as long as it can exit, and the demo assistant', () => {
    expect(validateDefinition(base(), { queueIds })).toMatchObject({ ok: true, warnings: [] });
    expect(validateDefinition(demoAssistantDefinition(Q), { queueIds })).toMatchObject({ ok: true, warnings: [] });
  });

  it.each([
    { name: 'duplicate id', def: withSteps((s) => [...s, { id: 'bye', kind: 'end' }]), want: [{ stepId: 'bye', code: 'DUPLICATE_STEP_ID' }] },
    { name: 'unknown start', def: { ...base(), start: 'nope' }, want: [{ stepId: null, code: 'UNKNOWN_START' }] },
    { name: 'dangling next', def: withSteps(replace('info', { id: 'info', kind: 'message', text: t('Help'), next: 'ghost' })), want: [{ stepId: 'info', code: 'DANGLING_NEXT' }] },
    {
      name: 'a path that never ends',
      def: withSteps(replace('menu', { id: 'menu', kind: 'ask', prompt: t('Pick one'), options: [{ id: 'o-help', value: 'help', label: t('Help'), next: 'info' }] })),
      want: [{ stepId: 'menu', code: 'NO_END' }, { stepId: 'info', code: 'NO_END' }],
    },
    {
      name: 'a loop that never waits',
      def: withSteps((s) => [...replace('info', { id: 'info', kind: 'message', text: t('Help'), next: 'again' })(s), { id: 'again', kind: 'branch', on: { kind: 'language' }, cases: [{ equals: 'fr', next: 'bye' }], otherwise: 'info' }]),
      want: [{ stepId: 'info', code: 'LOOP_WITHOUT_INPUT' }, { stepId: 'again', code: 'LOOP_WITHOUT_INPUT' }],
    },
    { name: 'missing language text', def: withSteps(replace('to-queue', { id: 'to-queue', kind: 'handoff', queueId: Q, message: { en: 'Connecting' } })), want: [{ stepId: 'to-queue', code: 'MISSING_TRANSLATION' }] },
    {
      name: 'missing option label translation',
      def: withSteps(replace('menu', { ...(base().steps[0] as Extract<Steps[number], { kind: 'ask' }>), options: [{ id: 'o-bye', value: 'bye', label: { fr: 'Au revoir' }, next: 'bye' }, { id: 'o-help', value: 'help', label: t('Help'), next: 'info' }, { id: 'o-agent', value: 'agent', label: t('Agent'), next: 'to-queue' }] })),
      want: [{ stepId: 'menu', code: 'MISSING_TRANSLATION' }],
    },
    { name: 'unknown queue', def: withSteps(replace('to-queue', { id: 'to-queue', kind: 'handoff', queueId: '00000000-0000-4000-8000-0000000000ff', message: t('Connecting') })), want: [{ stepId: 'to-queue', code: 'UNKNOWN_QUEUE' }] },
    {
      name: 'empty cases on an attribute branch',
      def: withSteps(replace('info', { id: 'info', kind: 'branch', on: { kind: 'attribute', name: 'plan' }, cases: [], otherwise: 'bye' })),
      want: [{ stepId: 'info', code: 'EMPTY_CASES' }],
    },
    {
      name: 'language case not declared',
      def: withSteps(replace('info', { id: 'info', kind: 'branch', on: { kind: 'language' }, cases: [{ equals: 'de', next: 'bye' }], otherwise: 'menu' })),
      want: [{ stepId: 'info', code: 'CASE_VALUE_INVALID' }],
    },
    {
      name: 'branch on the answer of a message step',
      def: withSteps(replace('info', { id: 'info', kind: 'branch', on: { kind: 'answer', stepId: 'bye' }, cases: [{ equals: 'x', next: 'bye' }], otherwise: 'menu' })),
      want: [{ stepId: 'info', code: 'UNKNOWN_ANSWER_STEP' }],
    },
    {
      name: 'human handoff without keywords in French or an existing queue',
      def: { ...base(), settings: { humanHandoff: { enabled: true, queueId: '00000000-0000-4000-8000-0000000000ff', keywords: { en: ['agent'] } } } },
      want: [{ stepId: null, code: 'UNKNOWN_QUEUE' }, { stepId: null, code: 'MISSING_TRANSLATION' }],
    },
    { name: 'close before reminder', def: { ...base(), settings: { ...base().settings, reminderAfterSec: 300, closeAfterSec: 200 } }, want: [{ stepId: null, code: 'TIMERS_INVALID' }] },
    { name: 'bad shape is reported on the step', def: withSteps(replace('bye', { id: 'bye', kind: 'end', message: { en: '' } } as never)), want: [{ stepId: 'bye', code: 'INVALID_SHAPE' }] },
    { name: 'unknown step kind', def: withSteps((s) => [...s, { id: 'x', kind: 'teleport' } as never]), want: [{ stepId: 'x', code: 'INVALID_SHAPE' }] },
  ])('$name', ({ def, want }) => {
    const result = validateDefinition(def, { queueIds });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map(({ stepId, code }) => ({ stepId, code }))).toEqual(want);
    expect(result.errors.every((e) => e.message.length > 0 && e.level === 'error')).toBe(true);
  });

  it('unreachable steps are warnings only (a draft may hold unwired steps)', () => {
    const result = validateDefinition(
      withSteps((s) => [...s, { id: 'later', kind: 'end', message: t('Later') }]),
      { queueIds },
    );
    expect(result).toMatchObject({ ok: true, warnings: [{ stepId: 'later', code: 'UNREACHABLE_STEP', level: 'warning' }] });
  });
});
