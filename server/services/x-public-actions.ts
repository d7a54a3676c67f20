import { AppError, type ConversationSummary, type Message, type XLikeInput, type XReplyInput } from '../../protocol/index.ts';
import { MAX_POST_LENGTH, postLength } from '../../protocol/post-length.ts';
import { attachImage } from '../attachments/attach.ts';
import { must } from '../db/must.ts';
import { findByClientId, insertEvents, lockConversation, toMessage, type MessageDraft } from '../db/stores/messages-store.ts';
import { lockOpenSession } from '../db/stores/sessions-store.ts';
import { xContactsOf } from '../db/stores/x-contacts-store.ts';
import { xAccountById } from '../db/stores/x-accounts-store.ts';
import { enqueuePostAction, findOrCreateXConversation, messageOfPost, patchMessageX } from '../db/stores/x-public-store.ts';
import type { Tx } from '../db/client.ts';
import type { ConversationRow, XAccountRow } from '../db/schema.ts';
import type { AgentIdentity } from './agent-service.ts';
import type { ConversationDetails } from './conversation-details.ts';
import type { ServiceDeps } from './deps.ts';
import type { RoutingService } from './routing-service.ts';
import type { SessionService } from './session-service.ts';

/**
 * What an agent does on an X public thread (issue 19, seed 000 "Twitter Public"): reply publicly to
 * one of its posts, like or unlike a post, move the exchange to direct messages. Replies and likes
 * are written with their `x_outbound` row in one transaction (the outbound queue sends them, once);
 * what X would refuse is refused here first, with the reason, so nothing is queued to fail.
 */
export interface XPublicActionsDeps extends ServiceDeps {
  routing: RoutingService;
  sessions: SessionService;
  details: ConversationDetails;
  /** Wakes the outbound dispatcher: a reply or a like was just queued (it also looks every second). */
  xOutboundQueued?: () => void;
}

/** The X DM conversation id of two users: `{smaller}-{larger}`, compared as numbers (ids are up to 19 digits). */
export function dmConversationId(a: string, b: string): string {
  return BigInt(a) < BigInt(b) ? `${a}-${b}` : `${b}-${a}`;
}

async function publicThread(tx: Tx, conversationId: string): Promise<{ conv: ConversationRow; account: XAccountRow }> {
  const conv = must(await lockConversation(tx, conversationId), 'NOT_FOUND', 'No such conversation.');
  if (conv.channel !== 'x_public' || !conv.xAccountId) throw new AppError('VALIDATION_FAILED', 'This conversation is not an X public thread.');
  const account = await xAccountById(tx, conv.xAccountId);
  if (!account) throw new AppError('CONFLICT', 'The X account of this thread is no longer connected.');
  return { conv, account };
}

export function createXPublicActions({ clock, routing, sessions, details, xOutboundQueued }: XPublicActionsDeps) {
  /** `socketId`: the sending desktop, which has the message from its ack. */
  async function reply(agent: AgentIdentity, input: XReplyInput, socketId?: string): Promise<{ message: Message }> {
    if (!input.text && !input.attachmentId) throw new AppError('VALIDATION_FAILED', 'A reply needs text or an image.', [{ path: 'text', message: 'Required' }]);
    const length = postLength(input.text);
    if (length.weightedLength > MAX_POST_LENGTH) {
      throw new AppError('MESSAGE_TOO_LONG', `A public reply is at most ${MAX_POST_LENGTH} characters as X counts them; this one has ${length.weightedLength}.`);
    }
    const row = await routing.run(async (tx, notes) => {
      const { conv, account } = await publicThread(tx, input.conversationId);
      const existing = await findByClientId(tx, conv.id, input.clientId);
      if (existing) return existing;
      const target = await messageOfPost(tx, conv.id, input.inReplyToPostId);
      const x = target ? toMessage(target).x : undefined;
      if (!x) throw new AppError('NOT_FOUND', 'No such post in this thread.');
      // X (self-serve plans, since 2026): a reply only to a post whose author mentioned or quoted the brand.
      if (!account.capabilities.unsummonedReplies && x.authorXId !== account.xUserId && !x.summonedBrand) {
        throw new AppError('X_NOT_ALLOWED', `X lets this account reply only to posts that mention or quote @${account.username}; this post does not. Move to a direct message instead.`);
      }
      const followUp = !(await lockOpenSession(tx, conv.id));
      const events = followUp ? [] : await sessions.takeInTx(tx, agent, conv, notes);
      const author = { kind: 'agent' as const, id: agent.id, name: agent.name };
      const ref = { inReplyToPostId: input.inReplyToPostId, authorXId: account.xUserId, username: account.username };
      const content: MessageDraft = input.attachmentId
        ? { kind: 'image', text: input.text, clientId: input.clientId, author, x: ref, attachment: await attachImage(tx, { attachmentId: input.attachmentId, conversationId: conv.id, uploader: { kind: 'agent', id: agent.id } }) }
        : { kind: 'text', text: input.text, clientId: input.clientId, author, x: ref };
      const patch = followUp ? { followUpAgentId: agent.id } : events.length ? { status: 'active' as const, assignedAgentId: agent.id, currentSessionId: conv.currentSessionId } : {};
      const rows = await insertEvents(tx, conv, [...events, followUp ? { ...content, sessionId: null } : content], patch);
      const own = rows[rows.length - 1]!;
      await enqueuePostAction(tx, { accountId: account.id, conversationId: conv.id, kind: 'reply', messageId: own.id, targetPostId: input.inReplyToPostId, at: clock.now() });
      notes.push({ kind: 'messages', conversationId: conv.id, rows, sender: { socketId, clientId: input.clientId } }, { kind: 'conversation', conversationId: conv.id });
      return own;
    });
    xOutboundQueued?.();
    return { message: toMessage(row) };
  }

  /** Likes need an X plan with likes (Enterprise since 2026-04-20): refused up front otherwise. Asking for the state it has already queues nothing. */
  async function like(_agent: AgentIdentity, input: XLikeInput): Promise<{ postId: string; liked: boolean }> {
    const result = await routing.run(async (tx) => {
      const { conv, account } = await publicThread(tx, input.conversationId);
      if (!account.capabilities.likes) throw new AppError('X_NOT_ALLOWED', 'Likes need an X plan that includes them (Enterprise); this account cannot like posts.');
      const target = await messageOfPost(tx, conv.id, input.postId);
      const x = target ? toMessage(target).x : undefined;
      if (!target || !x) throw new AppError('NOT_FOUND', 'No such post in this thread.');
      if ((x.liked ?? false) === input.liked) return { postId: input.postId, liked: input.liked };
      await patchMessageX(tx, target.id, { liked: input.liked });
      await enqueuePostAction(tx, { accountId: account.id, conversationId: conv.id, kind: input.liked ? 'like' : 'unlike', messageId: null, targetPostId: input.postId, at: clock.now() });
      return { postId: input.postId, liked: input.liked };
    });
    xOutboundQueued?.();
    return result;
  }

  /** The X DM conversation with the thread's contact (found, or opened empty): the agent writes there, the DM part sends. */
  async function moveToDm(_agent: AgentIdentity, conversationId: string): Promise<{ conversation: ConversationSummary }> {
    const id = await routing.run(async (tx) => {
      const { conv, account } = await publicThread(tx, conversationId);
      const xUser = (await xContactsOf(tx, conv.contactId)).at(-1);
      if (!xUser) throw new AppError('VALIDATION_FAILED', 'This contact has no X account to write to.');
      const dm = await findOrCreateXConversation(tx, { websiteId: conv.websiteId, contactId: conv.contactId, accountId: account.id, channel: 'x_dm', threadId: dmConversationId(account.xUserId, xUser.xUserId) });
      return dm.id;
    });
    return { conversation: await details.summary(id) };
  }

  return { reply, like, moveToDm };
}
export type XPublicActions = ReturnType<typeof createXPublicActions>;
