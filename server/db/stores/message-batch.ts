import { sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { preparedQuery } from '../prepared-query.ts';
import type { MessageRow } from '../schema.ts';
import type { DraftAuthor } from './messages-store.ts';

/**
 * The write path's one statement for many plain text messages (group commit), the SQL
 * function `parley_append_messages` (migration 0008):
 *
 *   1. lock every touched conversation, ORDER BY id (deadlock-free against other batches);
 *   2. in a fresh snapshot, a multi-row INSERT … SELECT … ON CONFLICT DO NOTHING RETURNING whose
 *      seq is last_seq + row_number() per conversation, after dropping client ids already
 *      stored and appends that are not eligible; the same statement moves each conversation's
 *      cursor and preview (a data-modifying CTE), so nothing is read back per message;
 *   3. only when something was not inserted, after commit: one SELECT of the rows stored
 *      earlier under those client ids (duplicates).
 *
 * Steps 1 and 2 are one statement, so one round trip and its own transaction: no BEGIN or
 * COMMIT to send. It is prepared once per connection. ON CONFLICT is only the safety net.
 *
 * Eligible (else the caller runs the full transactional path: routing, assistant, reopen, follow-up):
 * - the conversation has an open session that is not run by an assistant (state waiting,
 *   offered, active or wrap_up); every change to that state happens under the conversation lock;
 * - a visitor: no asynchronous follow-up is waiting for their answer (`follow_up_agent_id` null);
 * - an agent: the open session is active or in wrap-up and held by this very agent
 *   (what `takeInTx` lets through without taking anything).
 */
export interface FastAppend {
  conversationId: string;
  clientId: string;
  text: string;
  author: DraftAuthor & { kind: 'visitor' | 'agent' };
  /** The socket that sent it: it learns of the stored message from its ack, not from the room. */
  originSocketId?: string;
}

export type FastOutcome =
  | { kind: 'created'; row: MessageRow }
  /** This client id was already stored: nothing written, no seq consumed. */
  | { kind: 'duplicate'; row: MessageRow }
  /** Not for the fast path (or the conversation is gone): the caller runs the full path. */
  | { kind: 'ineligible' };

/** Raw columns as both drivers hand them back from `execute` (timestamps may be strings, bigints strings). */
interface RawMessage {
  id: string;
  conversation_id: string;
  seq: number | string | bigint;
  client_id: string | null;
  author_kind: MessageRow['authorKind'];
  author_id: string | null;
  author_name: string | null;
  kind: MessageRow['kind'];
  session_id: string | null;
  body: string | null;
  created_at: Date | string;
}

const toRow = (r: RawMessage): MessageRow => ({
  id: r.id,
  conversationId: r.conversation_id,
  seq: Number(r.seq),
  clientId: r.client_id,
  authorKind: r.author_kind,
  authorId: r.author_id,
  authorName: r.author_name,
  kind: r.kind,
  sessionId: r.session_id,
  body: r.body,
  payload: null,
  createdAt: r.created_at instanceof Date ? r.created_at : new Date(r.created_at),
});

/** postgres-js answers an array of rows, PGlite `{ rows }`. */
const rowsOf = <T>(result: unknown): T[] => (Array.isArray(result) ? result : ((result as { rows?: T[] }).rows ?? [])) as T[];

/** Postgres answers uuids in lower case; a client may have sent upper case. */
const keyOf = (conversationId: string, clientId: string | null) => `${conversationId}/${clientId}`.toLowerCase();

/**
 * The whole batch in one statement: `parley_append_messages` (migration 0008) locks the touched
 * conversations, then inserts the eligible appends numbered last_seq + row_number() per
 * conversation and moves each conversation's cursor and preview, all in one round trip and one
 * implicit transaction. $1 is the batch as one JSON text, so the statement text never changes.
 */
const APPEND = 'select * from parley_append_messages($1)';

const batchJson = (appends: readonly FastAppend[]) =>
  JSON.stringify(appends.map((a, i) => ({ i, conversation_id: a.conversationId, client_id: a.clientId, body: a.text, author_kind: a.author.kind, author_id: a.author.id, author_name: a.author.name })));

/** Rows already stored under the given client ids: committed, so readable after our own commit. */
async function storedRows(db: Db, missing: readonly FastAppend[]): Promise<MessageRow[]> {
  const input = JSON.stringify(missing.map((a) => ({ conversation_id: a.conversationId, client_id: a.clientId })));
  const result = await db.execute(sql`
    select m.id, m.conversation_id, m.seq, m.client_id, m.author_kind, m.author_id, m.author_name, m.kind, m.session_id, m.body, m.created_at, m.payload
    from jsonb_to_recordset(${input}::text::jsonb) as x(conversation_id uuid, client_id uuid)
    join messages m on m.conversation_id = x.conversation_id and m.client_id = x.client_id`);
  return rowsOf<RawMessage & { payload: unknown }>(result).map((r) => ({ ...toRow(r), payload: parsePayload(r.payload) }));
}

/** A stored duplicate may be an image (its payload holds the attachment); PGlite parses jsonb, postgres-js too. */
const parsePayload = (p: unknown): Record<string, unknown> | null => (typeof p === 'string' ? (JSON.parse(p) as Record<string, unknown>) : ((p as Record<string, unknown> | null) ?? null));

/**
 * Writes one batch in one statement and answers an outcome per append, in input order.
 * Appends sharing a conversation and client id must be merged by the caller first.
 * Throws (nothing committed) when the statement fails.
 */
export async function writeMessageBatch(db: Db, appends: readonly FastAppend[]): Promise<FastOutcome[]> {
  if (appends.length === 0) return [];
  const inserted = (await preparedQuery(db, APPEND)([batchJson(appends)])) as unknown as RawMessage[];
  const created = new Map(inserted.map(toRow).map((row) => [keyOf(row.conversationId, row.clientId), row]));
  // A client id that was not inserted was stored before (a duplicate), else the append was not eligible.
  const missing = appends.filter((a) => !created.has(keyOf(a.conversationId, a.clientId)));
  const stored = missing.length ? new Map((await storedRows(db, missing)).map((row) => [keyOf(row.conversationId, row.clientId), row])) : new Map<string, MessageRow>();
  return appends.map((a): FastOutcome => {
    const key = keyOf(a.conversationId, a.clientId);
    const row = created.get(key);
    if (row) return { kind: 'created', row };
    const existing = stored.get(key);
    return existing ? { kind: 'duplicate', row: existing } : { kind: 'ineligible' };
  });
}
