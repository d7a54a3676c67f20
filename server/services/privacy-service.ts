import { AppError, type ContactEraseResult } from '../../protocol/index.ts';
import type { AttachmentService } from '../attachments/attachment-service.ts';
import { toContact } from '../db/stores/contacts-store.ts';
import { messagesAfter } from '../db/stores/messages-store.ts';
import {
  attachmentsOfConversations,
  conversationsOfContact,
  eraseContactRows,
  lockContactRow,
  openSessionCount,
  sessionsWithEvents,
  visitorsOfContact,
} from '../db/stores/privacy-store.ts';
import { contactById } from '../db/stores/contacts-store.ts';
import { toSessionEvent } from '../db/stores/sessions-store.ts';
import type { AttachmentRow, ConversationRow } from '../db/schema.ts';
import type { AuditActor, RecordAudit } from './audit.ts';
import type { ServiceDeps } from './deps.ts';
import { toWebSession, webSessionEntries, webSessionsOf } from '../db/stores/journeys-store.ts';

/** Web sessions in an export: far above what a retention period leaves. */
const JOURNEY_EXPORT_MAX = 100_000;

/**
 * A data subject's requests (docs/widget/privacy.md): everything stored about a contact, as one JSON
 * document produced piece by piece (a long history never sits in memory whole), and its erasure.
 * Attachments are read and deleted through the attachment service, whatever stores their bytes.
 */
export type AttachmentFiles = Pick<AttachmentService, 'read' | 'removeBytes'>;

const MESSAGE_PAGE = 500;

export interface PrivacyDeps extends ServiceDeps {
  files: AttachmentFiles;
  audit: RecordAudit;
}

export function createPrivacyService({ db, clock, publisher, files, audit }: PrivacyDeps) {
  /**
   * Checks the contact exists and records the export, then hands back the document's chunks. Read
   * outside one transaction: a message written meanwhile may or may not be in it.
   */
  async function exportContact(contactId: string, actor: AuditActor): Promise<AsyncIterable<string>> {
    await db.transaction(async (tx) => {
      if (!(await lockContactRow(tx, contactId))) throw new AppError('NOT_FOUND', 'No such contact.');
      await audit(tx, actor, { action: 'contact.export', targetType: 'contact', targetId: contactId });
    });
    return exportChunks(contactId);
  }

  async function* exportChunks(contactId: string): AsyncGenerator<string> {
    const row = await contactById(db, contactId);
    if (!row) return;
    const contact = { ...(await toContact(db, row)), erasedAt: row.erasedAt?.toISOString() ?? null };
    const browsers = (await visitorsOfContact(db, contactId)).map((v) => ({ id: v.id, websiteId: v.websiteId, createdAt: v.createdAt.toISOString(), lastSeenAt: v.lastSeenAt.toISOString() }));
    yield `{"exportedAt":${JSON.stringify(clock.now().toISOString())},"contact":${JSON.stringify(contact)},"visitors":${JSON.stringify(browsers)},"conversations":[`;
    const convs = await conversationsOfContact(db, contactId);
    for (const [i, conv] of convs.entries()) {
      if (i) yield ',';
      yield* conversationChunks(conv);
    }
    yield '],"attachments":[';
    for (const [i, file] of (await attachmentsOfConversations(db, convs.map((c) => c.id))).entries()) {
      yield (i ? ',' : '') + JSON.stringify(await attachmentEntry(file));
    }
    // The journey (issue 20): web sessions, then their page views, events and outcomes reached, one web session at a time.
    yield '],"webSessions":[';
    for (const [i, ws] of (await webSessionsOf(db, contactId, JOURNEY_EXPORT_MAX)).reverse().entries()) {
      yield (i ? ',' : '') + JSON.stringify({ ...toWebSession(ws), entries: await webSessionEntries(db, ws.id) });
    }
    yield ']}';
  }

  async function* conversationChunks(conv: ConversationRow): AsyncGenerator<string> {
    const sessions = (await sessionsWithEvents(db, conv.id)).map(({ session: s, events }) => ({
      id: s.id,
      state: s.state,
      queueId: s.queueId,
      agentId: s.agentId,
      queuedAt: s.queuedAt.toISOString(),
      connectedAt: s.connectedAt?.toISOString() ?? null,
      endedAt: s.endedAt?.toISOString() ?? null,
      wrapUpCode: s.wrapUpCode,
      notes: s.notes,
      tags: s.tags,
      followUpEmail: s.followUpEmail,
      events: events.map(toSessionEvent),
    }));
    const head = { id: conv.id, websiteId: conv.websiteId, status: conv.status, createdAt: conv.createdAt.toISOString(), sessions };
    yield `${JSON.stringify(head).slice(0, -1)},"messages":[`;
    let afterSeq = 0;
    let first = true;
    for (;;) {
      const page = await messagesAfter(db, conv.id, afterSeq, MESSAGE_PAGE);
      for (const message of page.events) {
        yield (first ? '' : ',') + JSON.stringify(message);
        first = false;
        afterSeq = message.seq;
      }
      if (!page.hasMore) break;
    }
    yield ']}';
  }

  /** The file with its bytes in base64; `base64: null` when the bytes are gone from the store. */
  async function attachmentEntry(file: AttachmentRow) {
    const meta = { id: file.id, conversationId: file.conversationId, name: file.originalName, type: file.type, size: file.size, sha256: file.sha256, uploadedBy: file.uploaderKind, createdAt: file.createdAt.toISOString() };
    try {
      const { body } = await files.read(file.id, async () => true);
      return { ...meta, base64: Buffer.from(await new Response(body.stream).arrayBuffer()).toString('base64') };
    } catch (err) {
      if (err instanceof AppError && err.code === 'NOT_FOUND') return { ...meta, base64: null };
      throw err;
    }
  }

  /**
   * Erases the contact in one transaction (privacy-store.ts says what goes and what stays), the
   * attachments' bytes with it; then closes its browsers' sockets. Running it again changes nothing
   * and answers zero counts. Refused (CONFLICT) while one of its sessions is being handled.
   */
  async function eraseContact(contactId: string, actor: AuditActor): Promise<ContactEraseResult> {
    const result = await db.transaction(async (tx) => {
      const contact = await lockContactRow(tx, contactId);
      if (!contact) throw new AppError('NOT_FOUND', 'No such contact.');
      const convIds = (await conversationsOfContact(tx, contactId)).map((c) => c.id);
      if (await openSessionCount(tx, convIds)) throw new AppError('CONFLICT', 'The contact has a conversation in progress; end it before erasing the contact.');
      const erasedAt = contact.erasedAt ?? clock.now();
      const rows = await eraseContactRows(tx, contact, erasedAt);
      // Inside the transaction: if the bytes cannot be deleted, nothing is erased and the admin retries.
      await files.removeBytes(rows.attachmentKeys, tx);
      const removed = { messages: rows.messages, attachments: rows.attachmentKeys.length, visitors: rows.visitorIds.length, conversations: contact.erasedAt ? 0 : rows.conversations };
      await audit(tx, actor, { action: 'contact.erase', targetType: 'contact', targetId: contactId, changes: removed });
      return { contactId, erasedAt: erasedAt.toISOString(), removed, visitorIds: rows.visitorIds };
    });
    publisher.disconnectVisitors(result.visitorIds);
    const { visitorIds: _v, ...answer } = result;
    return answer;
  }

  return { exportContact, eraseContact };
}

export type PrivacyService = ReturnType<typeof createPrivacyService>;
