import { AppError, type AskOption, type BotCursor, type BotDefinition, type BotOutput, type BotStep, type ErrorCode, type Locale, type WireError } from '../../../protocol/index.ts';
import type { Clock } from '../clock.ts';
import { validateField } from './fields.ts';
import { indexSteps, type StepIndex } from './graph.ts';
import { messageOutputs, promptOutput, textOutput } from './outputs.ts';
import { containsPhrase, normalize, resolveLanguage } from './text.ts';

/**
 * The bot flow interpreter (issue 5): (definition, cursor, input) → (cursor,
 * outputs, handoff?). Pure: time comes from the injected clock, business hours
 * from the context, and effects come back as data for the service to persist
 * (cursor after every step), send (outputs) and schedule (timers).
 */

export interface BotContext {
  /** The visitor's locale ('fr', 'fr-CA'…); undeclared → the bot's first language. */
  locale: string | null;
  clock: Clock;
  businessHoursOpen(queueId: string): boolean;
}

export type BotInput = { kind: 'text'; text: string } | { kind: 'postback'; value: string; label: string } | { kind: 'timeout'; which: 'reminder' | 'close' };
export type HandoffReason = 'flow' | 'visitor_request' | 'timeout';
export interface BotHandoff {
  queueId: string;
  attributes: Record<string, string>;
  reason: HandoffReason;
}
/** When to call `advance` with a timeout; null once the flow is finished. */
export interface BotTimers {
  reminderAt: Date | null;
  closeAt: Date;
}

export interface StepResult {
  ok: true;
  cursor: BotCursor;
  outputs: BotOutput[];
  handoff?: BotHandoff;
  ended?: true;
  timers: BotTimers | null;
  /** A timeout that is stale (the visitor answered since) or already served: nothing changed. */
  ignored?: true;
}
export type RefusalReason = 'option_not_offered' | 'finished' | 'unknown_step';
/** The input was refused; `cursor` is the one passed in, unchanged. */
export interface StepRefusal {
  ok: false;
  reason: RefusalReason;
  error: WireError;
  cursor: BotCursor;
}
export type AdvanceResult = StepResult | StepRefusal;

/** Automatic steps (message/set/branch) in a row before we call it a loop; the validator rejects such loops. */
const MAX_AUTO_STEPS = 500;

interface Run {
  def: BotDefinition;
  index: StepIndex;
  ctx: BotContext;
  lang: Locale;
}

export function start(def: BotDefinition, ctx: BotContext, versionNumber = 0): StepResult {
  const cursor: BotCursor = { stepId: def.start, attempts: 0, attributes: {}, answers: {}, awaiting: null, versionNumber, waitingSince: null, reminded: false };
  return runFrom(prepare(def, ctx), cursor, def.start, []);
}

export function advance(def: BotDefinition, cursor: BotCursor, input: BotInput, ctx: BotContext): AdvanceResult {
  const r = prepare(def, ctx);
  if (cursor.awaiting === null) return refuse(cursor, 'finished', 'SESSION_STATE_INVALID', 'The assistant has already finished.');
  const step = r.index.get(cursor.stepId);
  if (!step || (step.kind !== 'ask' && step.kind !== 'collect')) return refuse(cursor, 'unknown_step', 'NOT_FOUND', `Step "${cursor.stepId}" is not a question in this version.`);
  if (input.kind === 'timeout') return input.which === 'reminder' ? remind(r, cursor, step) : closeOnSilence(r, cursor);
  if (input.kind === 'postback') {
    const option = step.kind === 'ask' ? step.options.find((o) => o.value === input.value) : undefined;
    if (!option || step.kind !== 'ask') return refuse(cursor, 'option_not_offered', 'VALIDATION_FAILED', 'This option is not offered now.');
    return choose(r, cursor, step, option);
  }
  if (wantsHuman(def, input.text)) return handoffToHuman(r, cursor);
  return step.kind === 'ask' ? answerWithText(r, cursor, step, input.text) : collect(r, cursor, step, input.text);
}

/** Whether the visitor asks for a person ("agent", "humain"…, any declared language) and the bot allows it. */
export function wantsHuman(def: BotDefinition, text: string): boolean {
  const human = def.settings.humanHandoff;
  if (!human.enabled || !human.queueId) return false;
  return Object.values(human.keywords).some((words) => words?.some((w) => containsPhrase(text, w)));
}

/** The timers a cursor implies (what the service schedules after persisting it). */
export function timersFor(def: BotDefinition, cursor: BotCursor): BotTimers | null {
  if (cursor.awaiting === null || !cursor.waitingSince) return null;
  const since = Date.parse(cursor.waitingSince);
  return {
    reminderAt: cursor.reminded ? null : new Date(since + def.settings.reminderAfterSec * 1000),
    closeAt: new Date(since + def.settings.closeAfterSec * 1000),
  };
}

function prepare(def: BotDefinition, ctx: BotContext): Run {
  return { def, index: indexSteps(def), ctx, lang: resolveLanguage(def, ctx.locale) };
}

function refuse(cursor: BotCursor, reason: RefusalReason, code: ErrorCode, message: string): StepRefusal {
  return { ok: false, reason, error: { code, message }, cursor };
}

/** Executes steps from `stepId` until one waits for the visitor or the flow hands off / ends. */
function runFrom(r: Run, cursor: BotCursor, stepId: string, outputs: BotOutput[]): StepResult {
  let c: BotCursor = { ...cursor, stepId, attempts: 0 };
  for (let i = 0; i < MAX_AUTO_STEPS; i++) {
    const step = r.index.get(c.stepId);
    if (!step) throw new AppError('VALIDATION_FAILED', `Step "${c.stepId}" does not exist in this version.`);
    switch (step.kind) {
      case 'message':
        outputs.push(...messageOutputs(step, r.lang, r.def));
        c = { ...c, stepId: step.next };
        break;
      case 'set':
        c = { ...c, stepId: step.next, attributes: { ...c.attributes, [step.attribute]: step.value } };
        break;
      case 'branch':
        c = { ...c, stepId: branchTarget(r, c, step) };
        break;
      case 'ask':
      case 'collect':
        return waitFor(r, c, step, [...outputs, promptOutput(step, r.lang, r.def)]);
      case 'handoff':
        return finish(c, [...outputs, textOutput(step.message, r.lang, r.def)], { handoff: { queueId: step.queueId, attributes: c.attributes, reason: 'flow' } });
      case 'end':
        return finish(c, step.message ? [...outputs, textOutput(step.message, r.lang, r.def)] : outputs, { ended: true });
    }
  }
  throw new AppError('VALIDATION_FAILED', 'The flow loops without waiting for the visitor.');
}

function branchTarget(r: Run, c: BotCursor, step: Extract<BotStep, { kind: 'branch' }>): string {
  const on = step.on;
  const value =
    on.kind === 'answer'
      ? c.answers[on.stepId]
      : on.kind === 'attribute'
        ? c.attributes[on.name]
        : on.kind === 'language'
          ? r.lang
          : r.ctx.businessHoursOpen(on.queueId)
            ? 'open'
            : 'closed';
  if (value === undefined) return step.otherwise;
  return step.cases.find((k) => normalize(k.equals) === normalize(value))?.next ?? step.otherwise;
}

/** A prompt went out: wait for the visitor, timers restart from now. */
function waitFor(r: Run, c: BotCursor, step: BotStep & { kind: 'ask' | 'collect' }, outputs: BotOutput[]): StepResult {
  const cursor: BotCursor = { ...c, awaiting: step.kind === 'ask' ? 'answer' : 'field', waitingSince: r.ctx.clock.now().toISOString(), reminded: false };
  return { ok: true, cursor, outputs, timers: timersFor(r.def, cursor) };
}

function finish(c: BotCursor, outputs: BotOutput[], how: { handoff: BotHandoff } | { ended: true }): StepResult {
  return { ok: true, cursor: { ...c, awaiting: null, waitingSince: null, reminded: false }, outputs, timers: null, ...how };
}

function choose(r: Run, c: BotCursor, step: Extract<BotStep, { kind: 'ask' }>, option: AskOption): StepResult {
  const attributes = step.attribute ? { ...c.attributes, [step.attribute]: option.value } : c.attributes;
  return runFrom(r, { ...c, attributes, answers: { ...c.answers, [step.id]: option.value } }, option.next, []);
}

/** Typed text at a button step: a typed label or value picks that option; else free text if allowed; else re-prompt. */
function answerWithText(r: Run, c: BotCursor, step: Extract<BotStep, { kind: 'ask' }>, text: string): StepResult {
  const typed = normalize(text);
  const option = step.options.find((o) => normalize(o.value) === typed || Object.values(o.label).some((l) => l !== undefined && normalize(l) === typed));
  if (option) return choose(r, c, step, option);
  if (step.allowFreeText && step.freeTextNext && text.trim()) {
    return runFrom(r, { ...c, answers: { ...c.answers, [step.id]: text.trim() } }, step.freeTextNext, []);
  }
  return waitFor(r, c, step, [promptOutput(step, r.lang, r.def)]);
}

function collect(r: Run, c: BotCursor, step: Extract<BotStep, { kind: 'collect' }>, text: string): StepResult {
  const value = validateField(step.field, text);
  if (value !== null) {
    return runFrom(r, { ...c, attributes: { ...c.attributes, [step.attribute]: value }, answers: { ...c.answers, [step.id]: value } }, step.next, []);
  }
  const attempts = c.attempts + 1;
  if (attempts >= step.maxAttempts) return runFrom(r, c, step.onFailure, []);
  return waitFor(r, { ...c, attempts }, step, [textOutput(step.invalidPrompt, r.lang, r.def)]);
}

function handoffToHuman(r: Run, c: BotCursor): StepResult {
  const human = r.def.settings.humanHandoff;
  const outputs = human.message ? [textOutput(human.message, r.lang, r.def)] : [];
  return finish(c, outputs, { handoff: { queueId: human.queueId!, attributes: c.attributes, reason: 'visitor_request' } });
}

const ignore = (r: Run, c: BotCursor): StepResult => ({ ok: true, cursor: c, outputs: [], timers: timersFor(r.def, c), ignored: true });

/** Re-sends the current question once, when it is due (a stale or repeated reminder is ignored). */
function remind(r: Run, c: BotCursor, step: BotStep & { kind: 'ask' | 'collect' }): StepResult {
  const due = timersFor(r.def, c)?.reminderAt;
  if (!due || r.ctx.clock.now() < due) return ignore(r, c);
  const cursor = { ...c, reminded: true };
  return { ok: true, cursor, outputs: [promptOutput(step, r.lang, r.def)], timers: timersFor(r.def, cursor) };
}

/** Silence past closeAfterSec: hand off or end, as the settings say. */
function closeOnSilence(r: Run, c: BotCursor): StepResult {
  const due = timersFor(r.def, c)?.closeAt;
  if (!due || r.ctx.clock.now() < due) return ignore(r, c);
  const s = r.def.settings;
  const outputs = s.timeoutMessage ? [textOutput(s.timeoutMessage, r.lang, r.def)] : [];
  const queueId = s.timeoutQueueId ?? s.humanHandoff.queueId;
  if (s.onTimeout === 'handoff' && queueId) return finish(c, outputs, { handoff: { queueId, attributes: c.attributes, reason: 'timeout' } });
  return finish(c, outputs, { ended: true });
}
