import type { BotDefinition, BotOutput, BotStep, LocalizedText, Locale } from '../../../protocol/index.ts';
import { localize } from './text.ts';

/** Steps rendered as bubbles in the visitor's language (pure; the server turns each into one message). */

type Step<K extends BotStep['kind']> = Extract<BotStep, { kind: K }>;

export function textOutput(text: LocalizedText, lang: Locale, def: BotDefinition): BotOutput {
  return { kind: 'text', text: localize(text, lang, def) };
}

export function messageOutputs(step: Step<'message'>, lang: Locale, def: BotDefinition): BotOutput[] {
  const out: BotOutput[] = [textOutput(step.text, lang, def)];
  if (step.imageUrl) out.push({ kind: 'image', url: step.imageUrl });
  if (step.card) {
    const description = step.card.description ? localize(step.card.description, lang, def) : undefined;
    out.push({ kind: 'card', title: localize(step.card.title, lang, def), url: step.card.url, ...(description ? { description } : {}) });
  }
  return out;
}

/** The question of a waiting step: buttons for `ask`, the prompt for `collect`. */
export function promptOutput(step: Step<'ask'> | Step<'collect'>, lang: Locale, def: BotDefinition): BotOutput {
  if (step.kind === 'collect') return textOutput(step.prompt, lang, def);
  return {
    kind: 'quick_replies',
    text: localize(step.prompt, lang, def),
    options: step.options.map((o) => ({ value: o.value, label: localize(o.label, lang, def) })),
  };
}
