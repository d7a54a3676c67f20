import { z } from 'zod';
import { AppError, BotCursor, BotDefinition, Locale, type AssistantDetail, type AssistantInput, type AssistantSettingsInput, type DefinitionIssue, type PreviewInput, type PreviewResult } from '../../protocol/index.ts';
import { advance, businessHoursFrom, start, validateDefinition, type AdvanceResult } from '../core/bots/index.ts';
import type { Tx } from '../db/client.ts';
import { assistantById, assistantList, nextVersionNumber, runningConversations, versionsOf } from '../db/stores/bots-store.ts';
import { queuesOfWebsite } from '../db/stores/routing-store.ts';
import { channelAssignments, channelsOf, deleteAssistant, disconnectChannelsExcept, firstDefaultQueueId, insertAssistant, insertVersion, missingWebsiteIds, moveChannelsToVersion, runOnChannel, saveAssistantDraft, updateAssistantNaming } from '../db/stores/assistants-admin-store.ts';
import { starterDefinition } from './assistant-starter.ts';
import type { AuditActor, RecordAudit } from './audit.ts';
import type { ServiceDeps } from './deps.ts';
import { must } from '../db/must.ts';

/**
 * Admin use cases of assistants (issue 5): list, create with a starter draft,
 * general settings (name, brand, connected channels), save the draft (even
 * invalid; its issues come back), publish it as a new immutable version on
 * channels (replacing their assistant), roll back, delete (once disconnected
 * and idle), and preview the draft with the interpreter (nothing stored).
 */
const issueDetails = (issues: DefinitionIssue[]) => issues.map((i) => ({ path: i.stepId ?? 'definition', message: i.message }));

export function createAssistantService({ db, clock, audit }: ServiceDeps & { audit: RecordAudit }) {
  const queueIds = async (tx: Tx) => (await queuesOfWebsite(tx, null)).map((q) => q.id);

  async function detail(tx: Tx, id: string): Promise<AssistantDetail> {
    const row = await assistantById(tx, id);
    if (!row) throw new AppError('NOT_FOUND', 'No such assistant.');
    const [assistant] = await assistantList(tx, [id]);
    const v = validateDefinition(row.draft, { queueIds: await queueIds(tx) });
    const issues = v.ok ? v.warnings : [...v.errors, ...v.warnings];
    const versions = (await versionsOf(tx, id)).map(({ number, publishedAt }) => ({ number, publishedAt }));
    // The draft goes back as saved (possibly invalid) so the builder shows what the admin wrote.
    return { assistant: must(assistant, 'NOT_FOUND', 'No such assistant.'), draft: row.draft as BotDefinition, issues, versions };
  }

  const list = async () => ({ assistants: await assistantList(db) });
  const get = (id: string) => detail(db, id);

  /** A new assistant opens as a draft handing off to the first website's default queue. */
  async function create(input: z.output<typeof AssistantInput>, actor: AuditActor) {
    const draft = starterDefinition(input.languages, (await firstDefaultQueueId(db)) ?? '00000000-0000-0000-0000-000000000000');
    const id = await db.transaction(async (tx) => {
      const created = await insertAssistant(tx, { name: input.name, brand: input.brand ?? null, languages: input.languages, draft });
      await audit(tx, actor, { action: 'assistant.create', targetType: 'assistant', targetId: created, changes: input });
      return created;
    });
    return { assistant: must((await assistantList(db, [id]))[0], 'NOT_FOUND', 'No such assistant.') };
  }

  async function saveDraft(id: string, definition: unknown, actor: AuditActor): Promise<AssistantDetail> {
    const languages = z.array(Locale).min(1).safeParse((definition as { languages?: unknown } | null)?.languages);
    await db.transaction(async (tx) => {
      const saved = await saveAssistantDraft(tx, id, definition ?? {}, languages.success ? [...new Set(languages.data)] : null);
      if (!saved) throw new AppError('NOT_FOUND', 'No such assistant.');
      // The flow itself is in the draft (and in every published version); the log says only that it changed.
      await audit(tx, actor, { action: 'assistant.draft_save', targetType: 'assistant', targetId: id });
    });
    return detail(db, id);
  }

  /** Validates a definition for publishing: 422 with one detail per problem (step id or 'definition'). */
  async function publishable(tx: Tx, definition: unknown): Promise<BotDefinition> {
    const v = validateDefinition(definition, { queueIds: await queueIds(tx) });
    if (!v.ok) throw new AppError('VALIDATION_FAILED', 'The assistant has errors; fix them before publishing.', issueDetails(v.errors));
    return v.definition;
  }

  /** A new immutable version; `channels` (or the assistant's current ones) now run it. */
  async function putLive(tx: Tx, id: string, definition: BotDefinition, channels: string[] | null): Promise<void> {
    const number = await nextVersionNumber(tx, id);
    await insertVersion(tx, { assistantId: id, number, definition, publishedAt: clock.now() });
    if (channels === null) {
      await moveChannelsToVersion(tx, id, number, clock.now());
      return;
    }
    // One assistant per channel: publishing here replaces whichever was live.
    for (const websiteId of channels) await runOnChannel(tx, websiteId, id, number, clock.now());
  }

  async function publish(id: string, channels: string[], actor: AuditActor): Promise<AssistantDetail> {
    return db.transaction(async (tx) => {
      const row = await assistantById(tx, id, true);
      if (!row) throw new AppError('NOT_FOUND', 'No such assistant.');
      const definition = await publishable(tx, row.draft);
      await putLive(tx, id, definition, await knownChannels(tx, channels));
      await audit(tx, actor, { action: 'assistant.publish', targetType: 'assistant', targetId: id, changes: { channels, version: (await nextVersionNumber(tx, id)) - 1 } });
      return detail(tx, id);
    });
  }

  /** Every id must be a website (else VALIDATION_FAILED); duplicates count once. */
  async function knownChannels(tx: Tx, channels: string[]): Promise<string[]> {
    const unique = [...new Set(channels)];
    if ((await missingWebsiteIds(tx, unique)).length) throw new AppError('VALIDATION_FAILED', 'Unknown channel.', [{ path: 'channels', message: 'Unknown website id.' }]);
    return unique;
  }

  /**
   * The general settings: rename, rebrand, and choose the connected channels. Channels left out go
   * back to the default response (conversations the assistant is already running finish on their
   * version); new ones run the latest published version, replacing their assistant.
   */
  async function updateSettings(id: string, input: z.output<typeof AssistantSettingsInput>, actor: AuditActor): Promise<AssistantDetail> {
    return db.transaction(async (tx) => {
      if (!(await assistantById(tx, id, true))) throw new AppError('NOT_FOUND', 'No such assistant.');
      await audit(tx, actor, { action: 'assistant.update', targetType: 'assistant', targetId: id, changes: input });
      if (input.name !== undefined || input.brand !== undefined) {
        await updateAssistantNaming(tx, id, { ...(input.name !== undefined ? { name: input.name } : {}), ...(input.brand !== undefined ? { brand: input.brand || null } : {}) });
      }
      if (input.channels) {
        const channels = await knownChannels(tx, input.channels);
        const latest = (await nextVersionNumber(tx, id)) - 1;
        if (channels.length && latest === 0) {
          throw new AppError('VALIDATION_FAILED', 'Publish the assistant before connecting it to channels.', [{ path: 'channels', message: 'Never published.' }]);
        }
        await disconnectChannelsExcept(tx, id, channels);
        const held = await channelAssignments(tx, channels);
        for (const websiteId of channels) {
          if (held.some((h) => h.websiteId === websiteId && h.assistantId === id)) continue; // already connected: unchanged
          await runOnChannel(tx, websiteId, id, latest, clock.now());
        }
      }
      return detail(tx, id);
    });
  }

  /**
   * Deletes an assistant with its versions. Refused (CONFLICT) while it is connected to a channel
   * (disconnect it first, in its general settings) or still running a conversation: a visitor
   * mid-flow would be left with nobody to answer. Its messages stay in the transcripts.
   */
  async function remove(id: string, actor: AuditActor): Promise<{ ok: true }> {
    return db.transaction(async (tx) => {
      if (!(await assistantById(tx, id, true))) throw new AppError('NOT_FOUND', 'No such assistant.');
      if ((await channelsOf(tx, id)).length) throw new AppError('CONFLICT', 'Disconnect the assistant from its channels before deleting it.');
      const running = await runningConversations(tx, id);
      if (running) throw new AppError('CONFLICT', `The assistant is still running ${running} conversation(s); delete it once they have moved on.`);
      await deleteAssistant(tx, id);
      await audit(tx, actor, { action: 'assistant.delete', targetType: 'assistant', targetId: id });
      return { ok: true as const };
    });
  }

  /** Republishes an earlier version's definition as a new version on the assistant's channels; the draft is untouched. */
  async function rollback(id: string, version: number, actor: AuditActor): Promise<AssistantDetail> {
    return db.transaction(async (tx) => {
      if (!(await assistantById(tx, id, true))) throw new AppError('NOT_FOUND', 'No such assistant.');
      const old = (await versionsOf(tx, id)).find((v) => v.number === version);
      if (!old) throw new AppError('NOT_FOUND', `Version ${version} does not exist.`);
      await putLive(tx, id, await publishable(tx, old.definition), null);
      await audit(tx, actor, { action: 'assistant.rollback', targetType: 'assistant', targetId: id, changes: { toVersion: version } });
      return detail(tx, id);
    });
  }

  /** One step of the draft (version 0) in the given language; refusals come back as `error`, the cursor unchanged. */
  async function preview(id: string, input: z.output<typeof PreviewInput>): Promise<PreviewResult> {
    const row = await assistantById(db, id);
    if (!row) throw new AppError('NOT_FOUND', 'No such assistant.');
    const parsed = BotDefinition.safeParse(row.draft);
    if (!parsed.success) {
      const v = validateDefinition(row.draft, { queueIds: [] });
      throw new AppError('VALIDATION_FAILED', 'The draft is not a complete flow yet.', v.ok ? [] : issueDetails(v.errors));
    }
    const def = parsed.data;
    const ctx = { locale: input.locale, clock, businessHoursOpen: businessHoursFrom(await queuesOfWebsite(db, null), clock) };
    let result: AdvanceResult;
    if (input.input.kind === 'start') result = start(def, ctx, 0);
    else {
      const cursor = BotCursor.safeParse(input.cursor);
      if (!cursor.success) throw new AppError('VALIDATION_FAILED', 'Start the preview first.', [{ path: 'cursor', message: 'Not a cursor of this flow.' }]);
      result = advance(def, cursor.data, input.input, ctx);
    }
    if (!result.ok) return { cursor: result.cursor, outputs: [], handoff: null, ended: false, error: result.error };
    const handoff = result.handoff ? { queueId: result.handoff.queueId, attributes: result.handoff.attributes } : null;
    return { cursor: result.cursor, outputs: result.outputs, handoff, ended: !!result.ended, error: null };
  }

  return { list, get, create, updateSettings, remove, saveDraft, publish, rollback, preview };
}
export type AssistantService = ReturnType<typeof createAssistantService>;
