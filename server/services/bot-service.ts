import { AppError, type BotCursor, type BotDefinition } from '../../protocol/index.ts';
import { advance, businessHoursFrom, start, type BotContext, type BotInput, type BotTimers, type StepResult } from '../core/bots/index.ts';
import * as M from '../core/routing/session-machine.ts';
import type { Tx } from '../db/client.ts';
import { assistantName, botRunOf, insertBotRun, saveCursor, versionDefinition, type LiveAssistant } from '../db/stores/bots-store.ts';
import { insertEvents, lockConversation, type ConversationPatch, type DraftAuthor, type MessageDraft } from '../db/stores/messages-store.ts';
import { clearTimer, ensureDefaultQueue, queueById, queuesOfWebsite, setTimer } from '../db/stores/routing-store.ts';
import { applyTransition, insertSession, lockSession, recordSessionEvent, returningAgentOf, sessionById } from '../db/stores/sessions-store.ts';
import type { ConversationRow, SessionRow } from '../db/schema.ts';
import { mergeCollectedFields } from '../db/stores/contacts-store.ts';
import type { ServiceDeps } from './deps.ts';
import type { Note } from './routing-notes.ts';

/**
 * The assistant runtime (issue 5): runs the pure interpreter on a session in
 * state `bot` and writes its effects in the caller's transaction, under the
 * conversation lock: the outputs as `structured` messages, the cursor (after
 * every step), the reminder/close timers (rows any node's sweeper claims), and
 * the handoff (session waits in the step's queue, attributes on the contact) or
 * the end. The caller appends the returned drafts with the returned patch.
 */
export interface BotStep {
  drafts: MessageDraft[];
  patch: ConversationPatch;
}

interface RunInfo {
  sessionId: string;
  assistantId: string;
  versionNumber: number;
  name: string;
  def: BotDefinition;
}

export function createBotService({ clock }: ServiceDeps) {
  async function contextFor(tx: Tx, locale: string | null): Promise<BotContext> {
    return { locale, clock, businessHoursOpen: businessHoursFrom(await queuesOfWebsite(tx, null), clock) };
  }

  async function schedule(tx: Tx, sessionId: string, t: BotTimers | null): Promise<void> {
    if (t?.reminderAt) await setTimer(tx, 'bot_reminder', sessionId, t.reminderAt);
    else await clearTimer(tx, 'bot_reminder', sessionId);
    if (t) await setTimer(tx, 'bot_close', sessionId, t.closeAt);
    else await clearTimer(tx, 'bot_close', sessionId);
  }

  /** Collected attributes go on the contact; name/email/phone also fill the profile where it is empty (unverified). */
  async function writeAttributes(tx: Tx, contactId: string, attrs: Record<string, string>): Promise<void> {
    if (!Object.keys(attrs).length) return;
    await mergeCollectedFields(tx, contactId, attrs);
  }

  /** Persists one interpreter step: cursor, timers, session transition, and the drafts to append. */
  async function apply(tx: Tx, conv: ConversationRow, session: SessionRow, run: RunInfo, result: StepResult, notes: Note[]): Promise<BotStep> {
    const author: DraftAuthor = { kind: 'bot', id: run.assistantId, name: run.name };
    const drafts: MessageDraft[] = result.outputs.map((payload) => ({ kind: 'structured', payload, author }));
    await saveCursor(tx, session.id, result.cursor);
    await schedule(tx, session.id, result.timers);
    const now = clock.now();
    if (result.handoff) {
      // An older pinned version may name a queue deleted since: the default queue takes it then.
      const queue = (await queueById(tx, result.handoff.queueId)) ?? (await ensureDefaultQueue(tx, conv.websiteId));
      const data = { reason: result.handoff.reason, assistantId: run.assistantId, versionNumber: run.versionNumber, attributes: result.handoff.attributes };
      await applyTransition(tx, session, M.handoffFromBot(session, queue.id, now, data));
      await writeAttributes(tx, conv.contactId, result.handoff.attributes);
      notes.push({ kind: 'card', sessionId: session.id }, { kind: 'queue', queueId: queue.id }, { kind: 'visitor', conversationId: conv.id }, { kind: 'conversation', conversationId: conv.id }, { kind: 'dispatch' });
      return { drafts, patch: { status: 'waiting', assignedAgentId: null } };
    }
    if (result.ended) {
      await applyTransition(tx, session, M.endByBot(session, now, { assistantId: run.assistantId, versionNumber: run.versionNumber, stepId: result.cursor.stepId }));
      drafts.push({ kind: 'event', type: 'conversation_ended', actorName: run.name, author });
      notes.push({ kind: 'card', sessionId: session.id }, { kind: 'visitor', conversationId: conv.id }, { kind: 'conversation', conversationId: conv.id });
      return { drafts, patch: { status: 'ended', assignedAgentId: null } };
    }
    return { drafts, patch: {} };
  }

  /** A new session run by the website's live assistant: pinned to its live version (a handoff prefers the returning contact's agent). */
  async function startRun(tx: Tx, conv: ConversationRow, live: LiveAssistant, locale: string | null, notes: Note[]): Promise<BotStep> {
    const preferredAgentId = await returningAgentOf(tx, conv);
    const { snapshot, events } = M.startBot(clock.now(), { assistantId: live.assistantId, versionNumber: live.versionNumber });
    const s = await insertSession(tx, { ...snapshot, conversationId: conv.id, websiteId: conv.websiteId, channel: 'chat', preferredAgentId });
    for (const e of events) await recordSessionEvent(tx, s, e);
    const result = start(live.definition, await contextFor(tx, locale), live.versionNumber);
    await insertBotRun(tx, { sessionId: s.id, conversationId: conv.id, assistantId: live.assistantId, versionNumber: live.versionNumber, locale, cursor: result.cursor });
    notes.push({ kind: 'card', sessionId: s.id }, { kind: 'conversation', conversationId: conv.id }, { kind: 'visitor', conversationId: conv.id });
    const step = await apply(tx, conv, s, { sessionId: s.id, ...live, def: live.definition }, result, notes);
    return { drafts: step.drafts, patch: { status: 'waiting', assignedAgentId: null, ...step.patch, currentSessionId: s.id } };
  }

  async function runInfo(tx: Tx, sessionId: string): Promise<(RunInfo & { cursor: BotCursor; locale: string | null }) | null> {
    const run = await botRunOf(tx, sessionId);
    const def = run ? await versionDefinition(tx, run.assistantId, run.versionNumber) : null;
    if (!run || !def) return null;
    return { sessionId, assistantId: run.assistantId, versionNumber: run.versionNumber, name: await assistantName(tx, run.assistantId), def, cursor: run.cursor, locale: run.locale };
  }

  /**
   * The visitor's text or button press in a bot session (locked by the caller). A button not
   * offered now throws VALIDATION_FAILED before anything is written; a run that cannot go on
   * (its version gone) hands the visitor to the default queue rather than strand them.
   */
  async function advanceRun(tx: Tx, conv: ConversationRow, session: SessionRow, input: BotInput, notes: Note[]): Promise<BotStep> {
    const run = await runInfo(tx, session.id);
    if (run) {
      const result = advance(run.def, run.cursor, input, await contextFor(tx, run.locale));
      if (result.ok) return apply(tx, conv, session, run, result, notes);
      if (input.kind === 'postback') throw new AppError(result.error.code, result.error.message);
    } else if (input.kind === 'postback') {
      throw new AppError('VALIDATION_FAILED', 'This option is not offered now.');
    }
    // The run cannot go on: the default queue takes the visitor with what was collected.
    const queue = await ensureDefaultQueue(tx, conv.websiteId);
    const attributes = run?.cursor.attributes ?? {};
    await schedule(tx, session.id, null);
    await applyTransition(tx, session, M.handoffFromBot(session, queue.id, clock.now(), { reason: 'flow', attributes }));
    await writeAttributes(tx, conv.contactId, attributes);
    notes.push({ kind: 'card', sessionId: session.id }, { kind: 'queue', queueId: queue.id }, { kind: 'visitor', conversationId: conv.id }, { kind: 'dispatch' });
    return { drafts: [], patch: { status: 'waiting', assignedAgentId: null } };
  }

  /** A reminder or close timer claimed by the sweeper (in its transaction); stale ones change nothing. */
  async function onTimer(tx: Tx, which: 'reminder' | 'close', sessionId: string, notes: Note[]): Promise<void> {
    const peek = await sessionById(tx, sessionId);
    if (!peek || peek.state !== 'bot') return;
    const conv = await lockConversation(tx, peek.conversationId);
    const s = conv ? await lockSession(tx, sessionId) : null;
    if (!conv || !s || s.state !== 'bot') return;
    const run = await runInfo(tx, sessionId);
    if (!run) return;
    const result = advance(run.def, run.cursor, { kind: 'timeout', which }, await contextFor(tx, run.locale));
    if (!result.ok) return;
    if (result.ignored) return schedule(tx, sessionId, result.timers);
    const step = await apply(tx, conv, s, run, result, notes);
    const rows = await insertEvents(tx, conv, step.drafts, step.patch);
    notes.push({ kind: 'messages', conversationId: conv.id, rows });
  }

  return { startRun, advanceRun, onTimer };
}
export type BotService = ReturnType<typeof createBotService>;
