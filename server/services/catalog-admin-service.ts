import { AppError, malformedPlaceholders, type Disposition, type QuickReply, type Tag } from '../../protocol/index.ts';
import type { Tx } from '../db/client.ts';
import { missingIds } from '../db/stores/admin-store.ts';
import * as C from '../db/stores/catalog-store.ts';
import type { ServiceDeps } from './deps.ts';
import { must } from '../db/must.ts';

/** Admin CRUD of the desk's lists: quick replies, dispositions, tags. */
const invalid = (path: string, message: string) => new AppError('VALIDATION_FAILED', message, [{ path, message }]);

export function createCatalogAdminService({ db }: ServiceDeps) {
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

  async function createQuickReply(input: { title: string; body: string; queueId: string | null }) {
    checkBody(input.body);
    await checkQueues(db, [input.queueId]);
    return { quickReply: C.toQuickReply(await C.insertQuickReply(db, input)) };
  }

  async function updateQuickReply(id: string, patch: Partial<{ title: string; body: string; queueId: string | null }>) {
    checkBody(patch.body);
    await checkQueues(db, [patch.queueId]);
    const row = await C.updateQuickReply(db, id, patch);
    if (!row) throw new AppError('NOT_FOUND', 'No such quick reply.');
    return { quickReply: C.toQuickReply(row) };
  }

  async function deleteQuickReply(id: string) {
    if (!(await C.deleteQuickReply(db, id))) throw new AppError('NOT_FOUND', 'No such quick reply.');
    return { ok: true as const };
  }

  const listDispositions = async (): Promise<{ dispositions: Disposition[] }> => ({ dispositions: await C.listDispositions(db) });

  async function saveDisposition(id: string | null, input: Partial<Omit<Disposition, 'id'>>): Promise<{ disposition: Disposition }> {
    const savedId = await db.transaction(async (tx) => {
      const current = id ? must(await C.dispositionById(tx, id), 'NOT_FOUND', 'No such disposition.') : null;
      if (current && input.code) {
        if (current.code !== input.code && (await C.dispositionUsed(tx, current.code))) throw new AppError('CONFLICT', 'Closed sessions use this code; add a new disposition instead of renaming it.');
      }
      await checkQueues(tx, input.queueIds ?? []);
      const saved = await C.saveDisposition(tx, id, input);
      if (!saved) throw new AppError('CONFLICT', 'A disposition with this code exists.');
      return saved;
    });
    return { disposition: (await C.dispositionById(db, savedId))! };
  }

  /** A code closed sessions carry is history: CONFLICT, deactivate it instead. */
  async function deleteDisposition(id: string) {
    await db.transaction(async (tx) => {
      const d = await C.dispositionById(tx, id);
      if (!d) throw new AppError('NOT_FOUND', 'No such disposition.');
      if (await C.dispositionUsed(tx, d.code)) throw new AppError('CONFLICT', 'Closed sessions use this disposition; deactivate it instead.');
      await C.deleteDisposition(tx, id);
    });
    return { ok: true as const };
  }

  const listTags = async (): Promise<{ tags: Tag[] }> => ({ tags: await C.listTags(db) });

  async function createTag(name: string) {
    const row = await C.insertTag(db, name);
    if (!row) throw new AppError('CONFLICT', 'This tag exists.');
    return { tag: C.toTag(row) };
  }

  async function renameTag(id: string, name: string) {
    if (!(await C.tagById(db, id))) throw new AppError('NOT_FOUND', 'No such tag.');
    const clash = (await C.listTags(db)).find((t) => t.name === name && t.id !== id);
    if (clash) throw new AppError('CONFLICT', 'This tag exists.');
    return { tag: C.toTag(must(await C.renameTag(db, id, name), 'NOT_FOUND', 'No such tag.')) };
  }

  /** Sessions keep the tag names they were closed with; removing a tag only stops new use. */
  async function deleteTag(id: string) {
    if (!(await C.tagById(db, id))) throw new AppError('NOT_FOUND', 'No such tag.');
    await C.deleteTag(db, id);
    return { ok: true as const };
  }

  return { listQuickReplies, createQuickReply, updateQuickReply, deleteQuickReply, listDispositions, saveDisposition, deleteDisposition, listTags, createTag, renameTag, deleteTag };
}
export type CatalogAdminService = ReturnType<typeof createCatalogAdminService>;
