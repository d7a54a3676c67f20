import { BotDefinition, type BotDefinitionInput, type LocalizedText } from '../../../protocol/index.ts';
import { fakeClock } from '../clock.ts';
import { advance, start, type AdvanceResult, type BotContext, type BotInput, type StepResult } from './interpreter.ts';

/** Shared fixtures for the bot core tests (not a test file itself). */

export const Q = '00000000-0000-4000-8000-000000000001';
export const Q2 = '00000000-0000-4000-8000-000000000002';
export const T0 = new Date('2025-01-06T09:00:00Z');

/** English and French text; French defaults to "<en> (fr)" so tests can tell them apart. */
export const t = (en: string, fr = `${en} (fr)`): LocalizedText => ({ en, fr });

type StepInput = BotDefinitionInput['steps'][number];

export function flow(steps: StepInput[], over: Partial<BotDefinitionInput> = {}): BotDefinition {
  return BotDefinition.parse({
    start: steps[0]!.id,
    languages: ['en', 'fr'],
    steps,
    ...over,
    settings: {
      reminderAfterSec: 120,
      closeAfterSec: 600,
      onTimeout: 'end',
      humanHandoff: { enabled: true, queueId: Q2, keywords: { en: ['agent', 'human', 'talk to someone'], fr: ['conseiller', 'humain'] }, message: t('Getting a person') },
      ...over.settings,
    },
  });
}

export function context(over: { locale?: string | null; open?: boolean } = {}): BotContext & { clock: ReturnType<typeof fakeClock> } {
  return { locale: over.locale === undefined ? 'en' : over.locale, clock: fakeClock(T0), businessHoursOpen: () => over.open ?? true };
}

/** Starts the flow and feeds inputs in order; every input must be accepted. */
export function play(def: BotDefinition, inputs: BotInput[], ctx: BotContext = context()): StepResult[] {
  const results: StepResult[] = [start(def, ctx, 1)];
  for (const input of inputs) results.push(accepted(advance(def, results.at(-1)!.cursor, input, ctx)));
  return results;
}

export function accepted(r: AdvanceResult): StepResult {
  if (!r.ok) throw new Error(`refused: ${r.reason}`);
  return r;
}

export const text = (value: string): BotInput => ({ kind: 'text', text: value });
export const press = (value: string, label = value): BotInput => ({ kind: 'postback', value, label });
/** What the visitor would read, one string per bubble. */
export const shown = (r: StepResult): string[] =>
  r.outputs.map((o) => (o.kind === 'quick_replies' ? `${o.text} [${o.options.map((x) => x.label).join('|')}]` : o.kind === 'image' ? `img:${o.url}` : o.kind === 'card' ? `card:${o.title}` : o.text));
