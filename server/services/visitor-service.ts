import { sql } from 'drizzle-orm';
import { AppError, SYNC_PAGE_SIZE, type Author, type SendText, type SyncResult, type VisitorSendResult } from '../../protocol/index.ts';
import { visitorWrites } from '../core/conversation-lifecycle.ts';
import { isOriginAllowed } from '../core/origin.ts';
import { assertVisitorClaims } from '../core/visitor-token.ts';
import { conversationOfContact, conversationSummary, createConversation } from '../db/stores/conversations-store.ts';
import { findByClientId, findFirstVisitorMessage, insertEvents, lockConversation, messagesAfter, toMessage } from '../db/stores/messages-store.ts';
import { createVisitorWithContact, touchVisitor, visitorById, visitorOfContact } from '../db/stores/visitors-store.ts';
import { websiteByKey } from '../db/stores/websites-store.ts';
import type { ContactRow, VisitorRow, WebsiteRow } from '../db/schema.ts';
import type { ServiceDeps } from './deps.ts';

/**
 * The visitor's use cases. A context starts anonymous (no row: lazy session) and
 * gains a visitor and conversation on the first send; the gateway keeps it per socket.
 */
export interface VisitorContext {
  website: WebsiteRow;
  visitor: VisitorRow | null;
  conversationId: string | null;
}

const visitorAuthor = (contactId: string, contact?: Pick<ContactRow, 'name'> | null): Author => ({
  kind: 'visitor',
  id: contactId,
  name: contact?.name ?? null,
});

export function createVisitorService({ db, clock, tokens, publisher }: ServiceDeps) {
  async function publishCommitted(conversationId: string, rows: Parameters<typeof toMessage>[0][]) {
    if (rows.length === 0) return;
    publisher.messages(conversationId, rows.map(toMessage));
    const summary = await conversationSummary(db, conversationId);
    if (summary) publisher.conversationUpdated(summary);
  }

  /**
   * Handshake: the website must exist, the browser's Origin must be one of its
   * allowed origins, and a token, when given, must be valid, unrevoked and for this site.
   */
  async function resolve(websiteKey: string, token: string | undefined, origin: string | undefined): Promise<VisitorContext> {
    const website = await websiteByKey(db, websiteKey);
    if (!website) throw new AppError('UNKNOWN_WEBSITE');
    if (!isOriginAllowed(origin, website.allowedOrigins)) throw new AppError('ORIGIN_NOT_ALLOWED');
    if (!token) return { website, visitor: null, conversationId: null };
    const claims = await tokens.verify(token);
    const visitor = await visitorById(db, claims.sub);
    assertVisitorClaims(claims, visitor, website.id, clock);
    await touchVisitor(db, visitor!.id);
    const conversation = await conversationOfContact(db, website.id, visitor!.contactId);
    return { website, visitor, conversationId: conversation?.id ?? null };
  }

  /** First send: contact + visitor + conversation + message in one transaction; a retry finds them again. */
  async function firstSend(ctx: VisitorContext, input: SendText): Promise<VisitorSendResult> {
    const outcome = await db.transaction(async (tx) => {
      // Two racing retries of the same first message serialise here instead of creating two visitors.
      await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`${ctx.website.id}:${input.clientId}`}, 0))`);
      const existing = await findFirstVisitorMessage(tx, ctx.website.id, input.clientId);
      if (existing) {
        const conv = (await lockConversation(tx, existing.conversationId))!;
        return { visitor: (await visitorOfContact(tx, conv.contactId))!, conversationId: conv.id, rows: [existing], created: false };
      }
      const { visitor, contact } = await createVisitorWithContact(tx, ctx.website.id);
      const conv = await createConversation(tx, { websiteId: ctx.website.id, contactId: contact.id });
      const locked = (await lockConversation(tx, conv.id))!;
      const rows = await insertEvents(tx, locked, [{ kind: 'text', text: input.text, clientId: input.clientId, author: visitorAuthor(contact.id, contact) }]);
      return { visitor, conversationId: conv.id, rows, created: true };
    });
    ctx.visitor = outcome.visitor;
    ctx.conversationId = outcome.conversationId;
    if (outcome.created) await publishCommitted(outcome.conversationId, outcome.rows);
    return { message: toMessage(outcome.rows[0]!), conversationId: outcome.conversationId, token: await tokens.sign(outcome.visitor) };
  }

  async function send(ctx: VisitorContext, input: SendText): Promise<VisitorSendResult> {
    if (!ctx.visitor) return firstSend(ctx, input);
    const visitor = ctx.visitor;
    if (!ctx.conversationId) {
      // A visitor whose conversation disappeared (e.g. deleted by an admin) starts a fresh thread.
      ctx.conversationId = (await createConversation(db, { websiteId: ctx.website.id, contactId: visitor.contactId })).id;
    }
    const conversationId = ctx.conversationId;
    const outcome = await db.transaction(async (tx) => {
      const locked = await lockConversation(tx, conversationId);
      if (!locked) throw new AppError('NOT_FOUND', 'The conversation no longer exists.');
      const existing = await findByClientId(tx, conversationId, input.clientId);
      if (existing) return { rows: [existing], created: false };
      const effect = visitorWrites(locked);
      const rows = await insertEvents(
        tx,
        locked,
        [
          ...effect.events.map((e) => ({ kind: 'event' as const, ...e, author: { kind: 'system' as const, id: null, name: null } })),
          { kind: 'text', text: input.text, clientId: input.clientId, author: visitorAuthor(visitor.contactId) },
        ],
        effect.patch,
      );
      return { rows, created: true };
    });
    if (outcome.created) await publishCommitted(conversationId, outcome.rows);
    const message = toMessage(outcome.rows[outcome.rows.length - 1]!);
    return { message, conversationId };
  }

  async function sync(ctx: VisitorContext, afterSeq: number): Promise<SyncResult> {
    if (!ctx.conversationId) return { conversationId: null, events: [], lastSeq: 0, hasMore: false };
    const page = await messagesAfter(db, ctx.conversationId, afterSeq, SYNC_PAGE_SIZE);
    return { conversationId: ctx.conversationId, ...page };
  }

  function typing(ctx: VisitorContext, isTyping: boolean): void {
    if (!ctx.conversationId || !ctx.visitor) return; // nobody can be watching a conversation that does not exist yet
    publisher.visitorTyping(ctx.conversationId, visitorAuthor(ctx.visitor.contactId), isTyping);
  }

  return { resolve, send, sync, typing };
}

export type VisitorService = ReturnType<typeof createVisitorService>;
