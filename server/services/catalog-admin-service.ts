import { AppError, malformedPlaceholders, type Disposition, type QuickReply, type Tag } from '../../protocol/index.ts';
import type { Tx } from '../db/client.ts';
import { missingIds } from '../db/stores/admin-store.ts';
import * as C from '../db/stores/catalog-store.ts';
import type { AuditActor, RecordAudit } from './audit.ts';
import type { ServiceDeps } from './deps.ts';
import { must } from '../db/must.ts';

/** Admin CRUD of the desk's lists: quick replies, dispositions, tags. */
const invalid = (path: string, message: string) => new AppError('VALIDATION_FAILED', message, [{ path, message }]);

export function createCatalogAdminService({ db, audit }: ServiceDeps & { audit: RecordAudit }) {
  async function checkQueues(tx: Tx, ids: (string | null | undefined)[]) {
    const real = ids.filter((id): id is string => !!id);
    if ((await missingIds(tx, 'queues', real)).length) throw invalid('queueId', 'Unknown queue id.');
  }

  function checkBody(body: string | undefined) {
    if (body === undefined) return;
    const bad = malformedPlaceholders(body);
    if (bad.length) throw invalid('body', `Malformed placeholder(s): ${bad.join(' ')}. Use {{name}} with a letter first.`);
  }

  const listQuickReplies = async (): Promise<{ quickReplies: QuickReply[] }> => ({ quickReplies: await C.listQuickReplies(db) });

  async function createQuickReply(input: { title: string; body: string; queueId: string | null }, actor: AuditActor) {
    checkBody(input.body);
    const row = await db.transaction(async (tx) => {
      await checkQueues(tx, [input.queueId]);
      const created = await C.insertQuickReply(tx, input);
      await audit(tx, actor, { action: 'quick_reply.create', targetType: 'quick_reply', targetId: created.id, changes: input });
      return created;
    });
    return { quickReply: C.toQuickReply(row) };
  }

  async function updateQuickReply(id: string, patch: Partial<{ title: string; body: string; queueId: string | null }>, actor: AuditActor) {
    checkBody(patch.body);
    const row = await db.transaction(async (tx) => {
      await checkQueues(tx, [patch.queueId]);
      const updated = await C.updateQuickReply(tx, id, patch);
      if (!updated) throw new AppError('NOT_FOUND', 'No such quick reply.');
      await audit(tx, actor, { action: 'quick_reply.update', targetType: 'quick_reply', targetId: id, changes: patch });
      return updated;
    });
    return { quickReply: C.toQuickReply(row) };
  }

  async function deleteQuickReply(id: string, actor: AuditActor) {
    await db.transaction(async (tx) => {
      if (!(await C.deleteQuickReply(tx, id))) throw new AppError('NOT_FOUND', 'No such quick reply.');
      await audit(tx, actor, { action: 'quick_reply.delete', targetType: 'quick_reply', targetId: id });
    });
    return { ok: true as const };
  }

  const listDispositions = async (): Promise<{ dispositions: Disposition[] }> => ({ dispositions: await C.listDispositions(db) });

  async function saveDisposition(id: string | null, input: Partial<Omit<Disposition, 'id'>>, actor: AuditActor): Promise<{ disposition: Disposition }> {
    const savedId = await db.transaction(async (tx) => {
      const current = id ? must(await C.dispositionById(tx, id), 'NOT_FOUND', 'No such disposition.') : null;
      if (current && input.code) {
        if (current.code !== input.code && (await C.dispositionUsed(tx, current.code))) throw new AppError('CONFLICT', 'Closed sessions use this code; add a new disposition instead of renaming it.');
      }
      await checkQueues(tx, input.queueIds ?? []);
      const saved = await C.saveDisposition(tx, id, input);
      if (!saved) throw new AppError('CONFLICT', 'A disposition with this code exists.');
      await audit(tx, actor, { action: id ? 'disposition.update' : 'disposition.create', targetType: 'disposition', targetId: saved, changes: input });
      return saved;
    });
    return { disposition: must(await C.dispositionById(db, savedId), 'NOT_FOUND', 'No such disposition.') };
  }

  /** A code closed sessions carry is history: CONFLICT, deactivate it instead. */
  async function deleteDisposition(id: string, actor: AuditActor) {
    await db.transaction(async (tx) => {
      const d = await C.dispositionById(tx, id);
      if (!d) throw new AppError('NOT_FOUND', 'No such disposition.');
      if (await C.dispositionUsed(tx, d.code)) throw new AppError('CONFLICT', 'Closed sessions use this disposition; deactivate it instead.');
      await C.deleteDisposition(tx, id);
      await audit(tx, actor, { action: 'disposition.delete', targetType: 'disposition', targetId: id, changes: { code: d.code } });
    });
    return { ok: true as const };
  }

  const listTags = async (): Promise<{ tags: Tag[] }> => ({ tags: await C.listTags(db) });

  async function createTag(name: string, actor: AuditActor) {
    const row = await db.transaction(async (tx) => {
      const created = await C.insertTag(tx, name);
      if (!created) throw new AppError('CONFLICT', 'This tag exists.');
      await audit(tx, actor, { action: 'tag.create', targetType: 'tag', targetId: created.id, changes: { name } });
      return created;
    });
    return { tag: C.toTag(row) };
  }

  async function renameTag(id: string, name: string, actor: AuditActor) {
    const row = await db.transaction(async (tx) => {
      if (!(await C.tagById(tx, id))) throw new AppError('NOT_FOUND', 'No such tag.');
      const clash = (await C.listTags(tx)).find((t) => t.name === name && t.id !== id);
      if (clash) throw new AppError('CONFLICT', 'This tag exists.');
      const renamed = must(await C.renameTag(tx, id, name), 'NOT_FOUND', 'No such tag.');
      await audit(tx, actor, { action: 'tag.update', targetType: 'tag', targetId: id, changes: { name } });
      return renamed;
    });
    return { tag: C.toTag(row) };
  }

  /** Sessions keep the tag names they were closed with; removing a tag only stops new use. */
  async function deleteTag(id: string, actor: AuditActor) {
    await db.transaction(async (tx) => {
      const tag = await C.tagById(tx, id);
      if (!tag) throw new AppError('NOT_FOUND', 'No such tag.');
      await C.deleteTag(tx, id);
      await audit(tx, actor, { action: 'tag.delete', targetType: 'tag', targetId: id, changes: { name: tag.name } });
    });
    return { ok: true as const };
  }

  return { listQuickReplies, createQuickReply, updateQuickReply, deleteQuickReply, listDispositions, saveDisposition, deleteDisposition, listTags, createTag, renameTag, deleteTag };
}
export type CatalogAdminService = ReturnType<typeof createCatalogAdminService>;
