import { MAX_MESSAGE_LENGTH, type Message, type PublicThreads, type XMessageRef } from '../../protocol/index.ts';
import { postClientId } from '../channels/x/x-ids.ts';
import type { InboundPost, XInboundSink } from '../channels/x/contracts.ts';
import { forAgents } from '../core/message-audience.ts';
import { must } from '../db/must.ts';
import { contactById } from '../db/stores/contacts-store.ts';
import { conversationById } from '../db/stores/conversations-store.ts';
import { findByClientId, insertEvents, lockConversation, toMessage, type MessageDraft } from '../db/stores/messages-store.ts';
import { lockOpenSession } from '../db/stores/sessions-store.ts';
import { upsertXContact, xContactsOf } from '../db/stores/x-contacts-store.ts';
import { outboundByXId } from '../db/stores/x-dm-store.ts';
import { findOrCreateXConversation, xConversationOf, patchMessageX, postMessagesOf, publicThreadsOf, xAccountOfWebsite } from '../db/stores/x-public-store.ts';
import type { XAccountRow } from '../db/schema.ts';
import type { ServiceDeps } from './deps.ts';
import type { RoutingService } from './routing-service.ts';
import type { SessionService } from './session-service.ts';

/**
 * X public posts as open media (issue 19, seed 000 "Twitter Public"). `post` is the public half of the
 * `XInboundSink`: a mention or a reply to the brand becomes a message of the Parley conversation of its
 * X thread (one per `conversation_id`), written by its author's contact (matched by X user id). A post
 * in a thread with no open session opens one in the website's Twitter queue, offered like a chat to
 * agents Ready on Twitter. Idempotent: the client id is a UUID v5 of the post id, so the webhook,
 * polling and X's duplicate deliveries store it once. Posts the brand wrote are stored on the agent
 * side and never sent again; our own replies echoed back only learn their post id.
 */
export interface XPublicServiceDeps extends ServiceDeps {
  routing: RoutingService;
  sessions: SessionService;
}

const clip = (text: string) => (text.length > MAX_MESSAGE_LENGTH ? text.slice(0, MAX_MESSAGE_LENGTH) : text);

export function createXPublicService({ db, routing, sessions }: XPublicServiceDeps) {
  async function post(account: XAccountRow, p: InboundPost): Promise<void> {
    const ours = p.author.id === account.xUserId;
    const clientId = postClientId(p.id);
    await routing.run(async (tx, notes) => {
      if (ours) {
        // Our reply, echoed: it is stored already; only its post id is news.
        const sent = await outboundByXId(tx, account.id, p.id);
        if (sent?.messageId) return patchMessageX(tx, sent.messageId, { postId: p.id });
      }
      const author = ours ? null : await upsertXContact(tx, { websiteId: account.websiteId, xUserId: p.author.id, username: p.author.username, name: p.author.name });
      const thread = { websiteId: account.websiteId, accountId: account.id, channel: 'x_public' as const, threadId: p.conversationId };
      // The brand wrote on X directly: it joins a thread we already follow, never starts one.
      const conv = author ? await findOrCreateXConversation(tx, { ...thread, contactId: author.contactId }) : await xConversationOf(tx, thread);
      if (!conv) return;
      const locked = must(await lockConversation(tx, conv.id), 'NOT_FOUND', 'The conversation no longer exists.');
      if (await findByClientId(tx, conv.id, clientId)) return;
      const x: XMessageRef = {
        postId: p.id,
        inReplyToPostId: p.inReplyToPostId,
        authorXId: p.author.id,
        username: p.author.username,
        summonedBrand: p.summonedBrand,
        postedAt: p.createdAt.toISOString(),
      };
      const draft: MessageDraft = author
        ? { kind: 'text', text: clip(p.text), clientId, author: { kind: 'visitor', id: author.contactId, name: author.name ?? `@${author.username}` }, x }
        : { kind: 'text', text: clip(p.text), clientId, author: { kind: 'agent', id: null, name: account.name }, x };
      // A customer's post asks for an agent: a thread with no open session gets one, queued on Twitter.
      const open = author ? await lockOpenSession(tx, conv.id) : null;
      const patch = author && !open ? ((await sessions.openSessionForVisitor(tx, locked, notes)) ?? {}) : {};
      const reopened: MessageDraft[] = patch.currentSessionId && locked.currentSessionId ? [{ kind: 'event', type: 'conversation_reopened', actorName: null, author: { kind: 'system', id: null, name: null } }] : [];
      const rows = await insertEvents(tx, locked, [...reopened, draft], patch);
      notes.push({ kind: 'messages', conversationId: conv.id, rows }, { kind: 'conversation', conversationId: conv.id });
    });
  }

  /** Every public thread of the conversation's contact on its website, for the thread view. */
  async function threads(conversationId: string): Promise<PublicThreads> {
    const conv = must(await conversationById(db, conversationId), 'NOT_FOUND', 'No such conversation.');
    const contact = must(await contactById(db, conv.contactId), 'NOT_FOUND', 'No such contact.');
    const [account, xUsers, list] = await Promise.all([xAccountOfWebsite(db, conv.websiteId), xContactsOf(db, contact.id), publicThreadsOf(db, conv.websiteId, contact.id)]);
    const rows = await postMessagesOf(
      db,
      list.map((t) => t.conv.id),
    );
    const byConversation = new Map<string, Message[]>();
    for (const row of rows) {
      const message = forAgents(toMessage(row));
      if (!message.x) continue;
      byConversation.set(row.conversationId, [...(byConversation.get(row.conversationId) ?? []), message]);
    }
    const xUser = xUsers[xUsers.length - 1];
    return {
      contact: { id: contact.id, name: contact.name },
      xUser: xUser ? { id: xUser.xUserId, username: xUser.username, name: xUser.name } : null,
      account: account ? { xUserId: account.xUserId, username: account.username, name: account.name, capabilities: account.capabilities } : null,
      threads: list.map(({ conv: c, open }) => ({ conversationId: c.id, rootPostId: c.externalThreadId ?? '', open, posts: byConversation.get(c.id) ?? [] })),
    };
  }

  const sink: Pick<XInboundSink, 'post'> = { post };
  return { post, sink, threads };
}
export type XPublicService = ReturnType<typeof createXPublicService>;
