import { BotDefinition, type BotStep, type DefinitionIssue, type LocalizedText } from '../../../protocol/index.ts';
import { canFinish, indexSteps, links, loopsWithoutInput, reachableFrom } from './graph.ts';

/**
 * Whether a definition may be published. Shape first (zod), then the graph:
 * unique ids, known start, no dangling link, every reachable step can still
 * reach a handoff or end, no loop that never waits for the visitor, texts in
 * every declared language, queues that exist. Unreachable steps are only
 * warnings: a draft may hold steps not wired in yet, and they never run.
 */
export type ValidationResult =
  | { ok: true; definition: BotDefinition; warnings: DefinitionIssue[] }
  | { ok: false; errors: DefinitionIssue[]; warnings: DefinitionIssue[] };

export interface ValidationContext {
  /** Ids of the queues that exist now. */
  queueIds: Iterable<string>;
}

const err = (stepId: string | null, code: string, message: string): DefinitionIssue => ({ stepId, code, message, level: 'error' });

export function validateDefinition(input: unknown, ctx: ValidationContext): ValidationResult {
  const parsed = BotDefinition.safeParse(input);
  if (!parsed.success) {
    const rawSteps = (input as { steps?: unknown })?.steps;
    const errors = parsed.error.issues.map((issue) => {
      const [head, index] = issue.path;
      const raw = head === 'steps' && typeof index === 'number' && Array.isArray(rawSteps) ? (rawSteps[index] as { id?: unknown }) : undefined;
      const stepId = typeof raw?.id === 'string' ? raw.id : null;
      return err(stepId, 'INVALID_SHAPE', `${issue.path.join('.') || 'definition'}: ${issue.message}`);
    });
    return { ok: false, errors, warnings: [] };
  }
  const def = parsed.data;
  const issues = [...structureIssues(def), ...stepIssues(def, new Set(ctx.queueIds)), ...settingsIssues(def, new Set(ctx.queueIds))];
  const errors = issues.filter((i) => i.level === 'error');
  const warnings = issues.filter((i) => i.level === 'warning');
  return errors.length ? { ok: false, errors, warnings } : { ok: true, definition: def, warnings };
}

function structureIssues(def: BotDefinition): DefinitionIssue[] {
  const out: DefinitionIssue[] = [];
  const index = indexSteps(def);
  const seen = new Set<string>();
  for (const s of def.steps) {
    if (seen.has(s.id)) out.push(err(s.id, 'DUPLICATE_STEP_ID', `Another step already has the id "${s.id}".`));
    seen.add(s.id);
  }
  if (!index.has(def.start)) out.push(err(null, 'UNKNOWN_START', `The start step "${def.start}" does not exist.`));
  const dangling = new Set<string>();
  for (const s of index.values()) {
    for (const l of links(s)) {
      if (index.has(l.to)) continue;
      dangling.add(s.id);
      out.push(err(s.id, 'DANGLING_NEXT', `${l.field} leads to "${l.to}", which does not exist.`));
    }
  }
  const reachable = reachableFrom(index, def.start);
  const finishing = canFinish(index);
  for (const s of index.values()) {
    if (!reachable.has(s.id)) out.push({ stepId: s.id, code: 'UNREACHABLE_STEP', message: 'No path from the start leads to this step.', level: 'warning' });
    // A dangling link is the cause already reported; NO_END on the same step would only repeat it.
    else if (!finishing.has(s.id) && !dangling.has(s.id)) out.push(err(s.id, 'NO_END', 'No path from this step reaches a handoff or an end.'));
  }
  for (const id of loopsWithoutInput(index)) {
    if (reachable.has(id)) out.push(err(id, 'LOOP_WITHOUT_INPUT', 'This step is on a loop that never waits for the visitor.'));
  }
  return out;
}

/** Every LocalizedText of a step, with the field it sits in. */
function texts(s: BotStep): [string, LocalizedText | undefined][] {
  switch (s.kind) {
    case 'message':
      return [['text', s.text], ['card.title', s.card?.title], ['card.description', s.card?.description]];
    case 'ask':
      return [['prompt', s.prompt], ...s.options.map((o): [string, LocalizedText] => [`options.${o.id}.label`, o.label])];
    case 'collect':
      return [['prompt', s.prompt], ['invalidPrompt', s.invalidPrompt]];
    case 'handoff':
      return [['message', s.message]];
    case 'end':
      return [['message', s.message]];
    default:
      return [];
  }
}

function missingLanguages(def: BotDefinition, stepId: string | null, field: string, text: LocalizedText | undefined): DefinitionIssue[] {
  if (!text) return [];
  return def.languages.filter((l) => !text[l]).map((l) => err(stepId, 'MISSING_TRANSLATION', `${field} has no "${l}" text.`));
}

function stepIssues(def: BotDefinition, queues: Set<string>): DefinitionIssue[] {
  const out: DefinitionIssue[] = [];
  const index = indexSteps(def);
  for (const s of def.steps) {
    for (const [field, text] of texts(s)) out.push(...missingLanguages(def, s.id, field, text));
    if (s.kind === 'handoff' && !queues.has(s.queueId)) out.push(err(s.id, 'UNKNOWN_QUEUE', `Queue ${s.queueId} does not exist.`));
    if (s.kind === 'ask') {
      if (new Set(s.options.map((o) => o.value)).size !== s.options.length) out.push(err(s.id, 'DUPLICATE_OPTION', 'Two options have the same value.'));
      if (new Set(s.options.map((o) => o.id)).size !== s.options.length) out.push(err(s.id, 'DUPLICATE_OPTION', 'Two options have the same id.'));
      if (s.allowFreeText && !s.freeTextNext) out.push(err(s.id, 'FREE_TEXT_NEXT_MISSING', 'Free text is allowed but leads nowhere.'));
    }
    if (s.kind === 'branch') out.push(...branchIssues(def, s, index, queues));
  }
  return out;
}

function branchIssues(def: BotDefinition, s: Extract<BotStep, { kind: 'branch' }>, index: ReturnType<typeof indexSteps>, queues: Set<string>): DefinitionIssue[] {
  const out: DefinitionIssue[] = [];
  const on = s.on;
  if ((on.kind === 'answer' || on.kind === 'attribute') && s.cases.length === 0) out.push(err(s.id, 'EMPTY_CASES', 'A branch on an answer or attribute needs at least one case.'));
  if (on.kind === 'answer') {
    const target = index.get(on.stepId);
    if (!target || (target.kind !== 'ask' && target.kind !== 'collect')) out.push(err(s.id, 'UNKNOWN_ANSWER_STEP', `"${on.stepId}" is not an ask or collect step.`));
  }
  const allowed = on.kind === 'language' ? def.languages : on.kind === 'business_hours' ? ['open', 'closed'] : null;
  for (const c of s.cases) {
    if (allowed && !allowed.includes(c.equals as never)) out.push(err(s.id, 'CASE_VALUE_INVALID', `"${c.equals}" is not one of ${allowed.join(', ')}.`));
  }
  if (on.kind === 'business_hours' && !queues.has(on.queueId)) out.push(err(s.id, 'UNKNOWN_QUEUE', `Queue ${on.queueId} does not exist.`));
  return out;
}

function settingsIssues(def: BotDefinition, queues: Set<string>): DefinitionIssue[] {
  const out: DefinitionIssue[] = [];
  const { settings } = def;
  const queueCheck = (field: string, id: string | undefined) => {
    if (id && !queues.has(id)) out.push(err(null, 'UNKNOWN_QUEUE', `settings.${field}: queue ${id} does not exist.`));
  };
  if (settings.closeAfterSec <= settings.reminderAfterSec) out.push(err(null, 'TIMERS_INVALID', 'closeAfterSec must be longer than reminderAfterSec.'));
  queueCheck('timeoutQueueId', settings.timeoutQueueId);
  if (settings.onTimeout === 'handoff' && !settings.timeoutQueueId && !settings.humanHandoff.queueId) {
    out.push(err(null, 'HANDOFF_QUEUE_MISSING', 'Timeouts hand off but no queue is set.'));
  }
  out.push(...missingLanguages(def, null, 'settings.timeoutMessage', settings.timeoutMessage));
  const human = settings.humanHandoff;
  if (human.enabled) {
    if (!human.queueId) out.push(err(null, 'HANDOFF_QUEUE_MISSING', '"Talk to a person" is on but no queue is set.'));
    queueCheck('humanHandoff.queueId', human.queueId);
    for (const l of def.languages) {
      if (!human.keywords[l]?.length) out.push(err(null, 'MISSING_TRANSLATION', `settings.humanHandoff.keywords has no "${l}" keyword.`));
    }
    out.push(...missingLanguages(def, null, 'settings.humanHandoff.message', human.message));
  }
  return out;
}
