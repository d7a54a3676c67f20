import { AppError, SYNC_PAGE_SIZE, type Author, type QueueStatus, type Receipts, type SendPostback, type SyncResult, type VisitorSendMessage, type VisitorSendResult } from '../../protocol/index.ts';
import { firstSendResumable, hashFirstSendProof } from '../core/first-send-proof.ts';
import { isOriginAllowed } from '../core/origin.ts';
import { isOpenAt } from '../core/routing/business-hours.ts';
import { assertVisitorClaims } from '../core/visitor-token.ts';
import { attachImage } from '../attachments/attach.ts';
import { createConversation, markRead } from '../db/stores/conversations-store.ts';
import { findByClientId, insertEvents, lockConversation, messagesAfter, toMessage, type MessageDraft } from '../db/stores/messages-store.ts';
import { liveAssistantOf } from '../db/stores/bots-store.ts';
import { ensureDefaultQueue, readyCount } from '../db/stores/routing-store.ts';
import { lockOpenSession } from '../db/stores/sessions-store.ts';
import { ensureConversationOfContact } from '../db/stores/identity-store.ts';
import { createVisitorWithContact, lockFirstSend, provenFirstSend, visitorById, visitorWithConversation } from '../db/stores/visitors-store.ts';
import { websiteByKey } from '../db/stores/websites-store.ts';
import type { ContactRow, ConversationRow, VisitorRow, WebsiteRow } from '../db/schema.ts';
import type { Tx } from '../db/client.ts';
import type { BotService, BotStep } from './bot-service.ts';
import { defaultGreeting } from './default-response.ts';
import type { ServiceDeps } from './deps.ts';
import { createLastSeen } from './last-seen.ts';
import type { Sender } from './message-publication.ts';
import type { MessageWriter } from './message-writer.ts';
import type { QueueStatusReader } from './queue-status.ts';
import type { Note } from './routing-notes.ts';
import type { RoutingService } from './routing-service.ts';
import type { SessionService } from './session-service.ts';
import { must } from '../db/must.ts';

/**
 * The visitor's use cases. A context starts anonymous (no row: lazy session) and
 * gains a visitor and conversation on the first send; the gateway keeps it per socket.
 * A message with no open session opens one, waiting in the website's default queue.
 */
export interface VisitorContext {
  website: WebsiteRow;
  visitor: VisitorRow | null;
  conversationId: string | null;
  /** The widget's locale from the handshake (bot and default-response language). */
  locale?: string | null;
  /**
   * True when this socket's handshake carried a visitor token. Without one, every send ack carries
   * the token: the ack of the send that created the session may have been lost (an ack timeout and
   * a retry on the same socket), and a client left without a token would start a second conversation
   * after its next reconnect.
   */
  tokenFromHandshake?: boolean;
  /** The token last signed for this socket, reused while the visitor row and its token version stay the same. */
  issued?: { key: string; token: string };
}

/** A visitor token for this socket's visitor: signed once, then reused (a send ack may repeat it). */
async function tokenFor(ctx: VisitorContext, visitor: VisitorRow, sign: (v: VisitorRow) => Promise<string>): Promise<string> {
  const key = `${visitor.id}:${visitor.tokenVersion}`;
  if (ctx.issued?.key !== key) ctx.issued = { key, token: await sign(visitor) };
  return ctx.issued.token;
}

/**
 * The sockets of one website hold one shared copy of its row while it stays the same: ten thousand
 * idle visitors then cost one row, not ten thousand. A changed row replaces the shared copy.
 */
const sharedWebsites = new Map<string, { json: string; row: WebsiteRow }>();
function shareWebsite(row: WebsiteRow): WebsiteRow {
  const json = JSON.stringify(row);
  const known = sharedWebsites.get(row.id);
  if (known?.json === json) return known.row;
  sharedWebsites.set(row.id, { json, row });
  return row;
}

const visitorAuthor = (contactId: string, contact?: Pick<ContactRow, 'name'> | null): Author => ({
  kind: 'visitor',
  id: contactId,
  name: contact?.name ?? null,
});

export interface VisitorServiceDeps extends ServiceDeps {
  routing: RoutingService;
  sessions: SessionService;
  status: QueueStatusReader;
  bot: BotService;
  writer: MessageWriter;
}

export function createVisitorService({ db, clock, tokens, publisher, logger, routing, sessions, status, bot, writer }: VisitorServiceDeps) {
  const lastSeen = createLastSeen(db, logger);

  /**
   * What answers a visitor's message, under the conversation lock: the running assistant's
   * next step; or, with no open session, a new one run by the website's live assistant, or
   * (none published) queued in the default queue with the default greeting. An answer to an
   * agent's asynchronous follow-up skips both: the conversation is already with a person, so it
   * queues at once (and goes back to that agent when Ready). A button press outside a bot
   * session is refused before anything is written.
   */
  async function answerTo(tx: Tx, ctx: VisitorContext, locked: ConversationRow, text: MessageDraft, notes: Note[], postback?: { value: string; label: string }): Promise<BotStep & { opened: boolean }> {
    const open = await lockOpenSession(tx, locked.id);
    if (open?.state === 'bot' && (postback || text.kind === 'text')) {
      const input = postback ? { kind: 'postback' as const, ...postback } : { kind: 'text' as const, text: text.kind === 'text' ? text.text : '' };
      return { ...(await bot.advanceRun(tx, locked, open, input, notes)), opened: false };
    }
    if (postback) throw new AppError('VALIDATION_FAILED', 'This option is not offered now.');
    if (open) return { drafts: [], patch: {}, opened: false };
    if (locked.followUpAgentId) return { drafts: [], patch: (await sessions.openSessionForVisitor(tx, locked, notes)) ?? {}, opened: true };
    const live = await liveAssistantOf(tx, locked.websiteId);
    if (live) return { ...(await bot.startRun(tx, locked, live, ctx.locale ?? null, notes)), opened: true };
    const patch = (await sessions.openSessionForVisitor(tx, locked, notes)) ?? {};
    return { drafts: [defaultGreeting(ctx.website, ctx.locale)], patch, opened: true };
  }

  /** Appends the visitor's message and its answer (reopened marker first if the conversation had ended); the visitor's row is `own`. */
  async function appendWithSession(tx: Tx, ctx: VisitorContext, locked: ConversationRow, text: MessageDraft, notes: Note[], postback?: { value: string; label: string }, sender?: Sender) {
    const answer = await answerTo(tx, ctx, locked, text, notes, postback);
    const reopened: MessageDraft[] =
      answer.opened && locked.currentSessionId ? [{ kind: 'event', type: 'conversation_reopened', actorName: null, author: { kind: 'system', id: null, name: null } }] : [];
    // The visitor answers an asynchronous follow-up: its author hears of it once.
    const followUpAgentId = locked.followUpAgentId;
    const rows = await insertEvents(tx, locked, [...reopened, text, ...answer.drafts], { ...answer.patch, ...(followUpAgentId ? { followUpAgentId: null } : {}) });
    notes.push({ kind: 'messages', conversationId: locked.id, rows, sender }, { kind: 'conversation', conversationId: locked.id });
    const own = rows[reopened.length]!;
    if (followUpAgentId) {
      const preview = text.kind === 'event' || text.kind === 'structured' ? '' : text.text || (text.kind === 'image' ? text.attachment.name : '');
      notes.push({ kind: 'replied', agentId: followUpAgentId, conversationId: locked.id, contactId: locked.contactId, preview: preview.slice(0, 200), at: own.createdAt.toISOString() });
    }
    return own;
  }

  /**
   * Handshake: the website must exist, the browser's Origin must be one of its
   * allowed origins, and a token, when given, must be valid, unrevoked and for this site.
   */
  async function resolve(websiteKey: string, token: string | undefined, origin: string | undefined, locale: string | null = null): Promise<VisitorContext> {
    const row = await websiteByKey(db, websiteKey);
    if (!row) throw new AppError('UNKNOWN_WEBSITE');
    const website = shareWebsite(row);
    if (!isOriginAllowed(origin, website.allowedOrigins)) throw new AppError('ORIGIN_NOT_ALLOWED');
    if (!token) return { website, visitor: null, conversationId: null, locale };
    const claims = await tokens.verify(token);
    const found = await visitorWithConversation(db, claims.sub);
    assertVisitorClaims(claims, found?.visitor ?? null, website.id, clock);
    const returning = must(found, 'TOKEN_INVALID'); // assertVisitorClaims refused a missing visitor already
    lastSeen.touch(returning.visitor.id);
    return { website, visitor: returning.visitor, conversationId: returning.conversationId, locale, tokenFromHandshake: true };
  }

  /**
   * Whether the session a handshake resolved is still the visitor's current one. Asked once the socket
   * has joined its rooms: a logout or identify that bumped the token version between the handshake and
   * the join broadcast its disconnect to a room the socket was not in yet, and only this second read sees it.
   */
  async function stillCurrent(ctx: VisitorContext): Promise<boolean> {
    if (!ctx.visitor) return true;
    const row = await visitorById(db, ctx.visitor.id);
    return row !== null && row.tokenVersion === ctx.visitor.tokenVersion;
  }

  /**
   * First send: contact + visitor + conversation + session + message in one transaction. A retry from
   * another socket finds them again only with the proof sent the first time, and only while that session
   * was never revoked. Anyone else (a replayed client id, a logged-out browser) is answered as if the
   * client id were new to them: a conversation of their own, nothing of the other one.
   */
  async function firstSend(ctx: VisitorContext, input: VisitorSendMessage): Promise<VisitorSendResult> {
    // An upload needs a conversation, so a first message is always text.
    if ('attachmentId' in input) throw new AppError('NOT_FOUND', 'No such attachment.');
    const proofHash = input.firstSendProof ? hashFirstSendProof(input.firstSendProof) : null;
    const outcome = await routing.run(async (tx, notes) => {
      // Two racing retries of the same first message serialise here instead of creating two visitors.
      await lockFirstSend(tx, ctx.website.id, input.clientId);
      const retried = proofHash ? await provenFirstSend(tx, ctx.website.id, input.clientId, proofHash) : null;
      if (retried && firstSendResumable(retried.visitor)) {
        const conversationId = retried.message.conversationId;
        await lockConversation(tx, conversationId);
        return { visitor: retried.visitor, conversationId, row: retried.message };
      }
      const { visitor, contact } = await createVisitorWithContact(tx, ctx.website.id, proofHash);
      const conv = await createConversation(tx, { websiteId: ctx.website.id, contactId: contact.id });
      const locked = must(await lockConversation(tx, conv.id), 'NOT_FOUND', 'The conversation no longer exists.');
      const text: MessageDraft = { kind: 'text', text: input.text, clientId: input.clientId, author: visitorAuthor(contact.id, contact) };
      return { visitor, conversationId: conv.id, row: await appendWithSession(tx, ctx, locked, text, notes) };
    });
    ctx.visitor = outcome.visitor;
    ctx.conversationId = outcome.conversationId;
    const message = toMessage(outcome.row);
    return { message, conversationId: outcome.conversationId, token: await tokenFor(ctx, outcome.visitor, tokens.sign) };
  }

  /** `socketId`: the sending socket, which has the stored message from its ack (the room skips it). */
  async function send(ctx: VisitorContext, input: VisitorSendMessage, socketId?: string): Promise<VisitorSendResult> {
    if (!ctx.visitor) return firstSend(ctx, input);
    const visitor = ctx.visitor;
    if (!ctx.conversationId) {
      // A verified contact's other browser may have started the thread since this socket identified;
      // otherwise (none yet, or deleted by an admin) a fresh thread starts.
      ctx.conversationId = (await db.transaction((tx) => ensureConversationOfContact(tx, ctx.website.id, visitor.contactId))).id;
    }
    const conversationId = ctx.conversationId;
    const author = visitorAuthor(visitor.contactId);
    // The full transaction: routing, the assistant, reopening, answering a follow-up, images.
    const full = async () =>
      toMessage(
        await routing.run(async (tx, notes) => {
          const locked = await lockConversation(tx, conversationId);
          if (!locked) throw new AppError('NOT_FOUND', 'The conversation no longer exists.');
          const existing = await findByClientId(tx, conversationId, input.clientId);
          if (existing) return existing;
          const text: MessageDraft =
            'attachmentId' in input
              ? { kind: 'image', text: input.text, clientId: input.clientId, author, attachment: await attachImage(tx, { attachmentId: input.attachmentId, conversationId, uploader: { kind: 'visitor', id: visitor.id } }) }
              : { kind: 'text', text: input.text, clientId: input.clientId, author };
          return appendWithSession(tx, ctx, locked, text, notes, undefined, { socketId, clientId: input.clientId });
        }),
      );
    // A plain text into a session already queued or in an agent's hands: the batched write path.
    const message = 'attachmentId' in input ? await full() : await writer.send({ conversationId, clientId: input.clientId, text: input.text, author: { ...author, kind: 'visitor' }, originSocketId: socketId }, full);
    // Signed after the write: an await before it would let a socket's pipelined sends overtake each other.
    return ctx.tokenFromHandshake ? { message, conversationId } : { message, conversationId, token: await tokenFor(ctx, visitor, tokens.sign) };
  }

  /**
   * A quick-reply press: the label is stored as the visitor's message (value in its payload),
   * idempotent by clientId, then fed to the assistant. An option not offered now → VALIDATION_FAILED,
   * and the transaction rolls back: nothing stored, the cursor unchanged.
   */
  async function postback(ctx: VisitorContext, input: SendPostback): Promise<VisitorSendResult> {
    const visitor = ctx.visitor;
    const conversationId = ctx.conversationId;
    if (!visitor || !conversationId) throw new AppError('VALIDATION_FAILED', 'This option is not offered now.');
    const row = await routing.run(async (tx, notes) => {
      const locked = await lockConversation(tx, conversationId);
      if (!locked) throw new AppError('NOT_FOUND', 'The conversation no longer exists.');
      const existing = await findByClientId(tx, conversationId, input.clientId);
      if (existing) return existing;
      const text: MessageDraft = { kind: 'text', text: input.label, clientId: input.clientId, author: visitorAuthor(visitor.contactId), postback: input.value };
      return appendWithSession(tx, ctx, locked, text, notes, { value: input.value, label: input.label });
    });
    return { message: toMessage(row), conversationId };
  }

  async function sync(ctx: VisitorContext, afterSeq: number): Promise<SyncResult> {
    if (!ctx.conversationId) return { conversationId: null, events: [], lastSeq: 0, hasMore: false };
    const page = await messagesAfter(db, ctx.conversationId, afterSeq, SYNC_PAGE_SIZE);
    return { conversationId: ctx.conversationId, ...page };
  }

  /** The visitor has seen up to `seq`: stored (max) and pushed to both sides' tabs. */
  async function read(ctx: VisitorContext, seq: number): Promise<Record<string, never>> {
    if (!ctx.conversationId) return {};
    const receipts: Receipts | null = await markRead(db, ctx.conversationId, 'visitor', seq);
    if (receipts) publisher.receipt({ conversationId: ctx.conversationId, ...receipts });
    return {};
  }

  function typing(ctx: VisitorContext, isTyping: boolean): void {
    if (!ctx.conversationId || !ctx.visitor) return; // nobody can be watching a conversation that does not exist yet
    publisher.visitorTyping(ctx.conversationId, visitorAuthor(ctx.visitor.contactId), isTyping);
  }

  /** Before the first message: availability of the website's default queue, no position. */
  async function queueStatus(ctx: VisitorContext): Promise<QueueStatus> {
    if (ctx.conversationId) return status.forConversation(ctx.conversationId);
    const queue = await ensureDefaultQueue(db, ctx.website.id);
    const ready = await readyCount(db, queue.id, queue.channel);
    return { state: null, position: null, estimatedWaitSec: null, agentsAvailable: ready > 0, withinBusinessHours: isOpenAt(queue.businessHours ?? null, clock.now()), agent: null, followUpEmail: null };
  }

  async function end(ctx: VisitorContext): Promise<QueueStatus> {
    if (ctx.conversationId) await sessions.endByCustomer(ctx.conversationId);
    return queueStatus(ctx);
  }

  async function followUp(ctx: VisitorContext, email: string): Promise<QueueStatus> {
    if (!ctx.conversationId) throw new AppError('CONVERSATION_NOT_ACTIVE', 'Write a message first.');
    await sessions.followUpEmail(ctx.conversationId, email);
    return queueStatus(ctx);
  }

  return { resolve, stillCurrent, send, postback, read, sync, typing, queueStatus, end, followUp };
}
export type VisitorService = ReturnType<typeof createVisitorService>;
