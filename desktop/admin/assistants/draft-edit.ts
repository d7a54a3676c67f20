import type { BotStep, BotStepKind, Locale } from '../../../protocol/index.ts';
import type { Draft } from './assistants-api.ts';

/**
 * Pure edits of a draft: the builder never mutates, it replaces. New steps
 * start unlinked (`next: ''`) so the server reports them until connected.
 */
export type Texts = Partial<Record<Locale, string>>;

export function newStepId(draft: Draft, kind: BotStepKind): string {
  const taken = new Set(draft.steps.map((s) => s.id));
  let n = draft.steps.length + 1;
  while (taken.has(`${kind}-${n}`)) n += 1;
  return `${kind}-${n}`;
}

export function blankStep(kind: BotStepKind, id: string, queueId: string): BotStep {
  const raw = ((): unknown => {
    switch (kind) {
      case 'message':
        return { id, kind, text: {}, next: '' };
      case 'ask':
        return { id, kind, prompt: {}, options: [{ id: `${id}-o1`, label: {}, value: 'yes', next: '' }], allowFreeText: false };
      case 'collect':
        return { id, kind, field: 'email', attribute: 'email', prompt: {}, invalidPrompt: {}, maxAttempts: 3, next: '', onFailure: '' };
      case 'branch':
        return { id, kind, on: { kind: 'language' }, cases: [{ equals: 'fr', next: '' }], otherwise: '' };
      case 'set':
        return { id, kind, attribute: 'source', value: '', next: '' };
      case 'handoff':
        return { id, kind, queueId, message: {} };
      case 'end':
        return { id, kind };
    }
  })();
  return raw as BotStep;
}

export const addStep = (draft: Draft, step: BotStep): Draft => ({ ...draft, steps: [...draft.steps, step] });

export const replaceStep = (draft: Draft, step: BotStep): Draft => ({ ...draft, steps: draft.steps.map((s) => (s.id === step.id ? step : s)) });

export function moveStep(draft: Draft, id: string, delta: -1 | 1): Draft {
  const steps = [...draft.steps];
  const from = steps.findIndex((s) => s.id === id);
  const to = from + delta;
  if (from < 0 || to < 0 || to >= steps.length) return draft;
  [steps[from], steps[to]] = [steps[to]!, steps[from]!];
  return { ...draft, steps };
}

/** Deleting leaves links to it dangling on purpose: the server names each step to fix. */
export function deleteStep(draft: Draft, id: string): Draft {
  const steps = draft.steps.filter((s) => s.id !== id);
  return { ...draft, steps, start: draft.start === id ? (steps[0]?.id ?? '') : draft.start };
}

/** Empty strings are dropped: a missing language is an issue the server names. */
export function setText(texts: Texts | undefined, locale: Locale, value: string): Texts {
  const next: Texts = { ...(texts ?? {}) };
  if (value.trim() === '') delete next[locale];
  else next[locale] = value;
  return next;
}

/** The step's main visitor-facing text, for the step list. */
export function stepSummary(step: BotStep, locale: Locale): string {
  const pick = (t: Texts | undefined) => t?.[locale] ?? Object.values(t ?? {})[0] ?? '';
  switch (step.kind) {
    case 'message':
      return pick(step.text);
    case 'ask':
    case 'collect':
      return pick(step.prompt);
    case 'handoff':
      return pick(step.message);
    case 'end':
      return pick(step.message);
    case 'set':
      return `${step.attribute} = ${step.value}`;
    case 'branch':
      return step.on.kind;
  }
}
