import type { Attachment } from '../../protocol/index.ts';
import type { InboundDm, XMediaRef } from '../channels/x/contracts.ts';
import { dmClientId } from '../channels/x/x-ids.ts';
import type { XAccountRow } from '../db/schema.ts';
import type { Tx } from '../db/client.ts';
import { findByClientId, insertEvents, lockConversation, type MessageDraft } from '../db/stores/messages-store.ts';
import { outboundByXId, unsettledAttempts } from '../db/stores/x-dm-store.ts';
import { upsertXContact } from '../db/stores/x-contacts-store.ts';
import { findOrCreateXConversation } from '../db/stores/x-public-store.ts';
import { must } from '../db/must.ts';
import type { ServiceDeps } from './deps.ts';
import type { RoutingService } from './routing-service.ts';
import type { SessionService } from './session-service.ts';

/**
 * X direct messages in (issue 19; docs/channels/x.md#direct-messages). A DM thread is one
 * Parley conversation (channel `x_dm`, one per account and `dm_conversation_id`) with the X sender as
 * its contact (matched by X user id). A customer's DM is written like a web visitor's message, under
 * the conversation lock, and routes the same way, but on the website's Twitter queue: a new or ended
 * conversation gets a session there, offered to agents Ready on Twitter. The assistant does not answer
 * X DMs. Idempotent: the message's client id is a UUID v5 of the DM event id, so the webhook and
 * polling deliveries of one DM store it once.
 *
 * The brand's own DMs come back too (`dm.sent`, and in `dm_events`): ours (an `x_outbound.x_id`) are
 * skipped; one written in X's own app is stored as an agent-side message so the transcript stays whole.
 */

/** Thrown to be asked again later (the inbox retries; a poll keeps its cursor): X answered a send we have not recorded yet. */
export class RetryLater extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RetryLater';
  }
}

export interface XDmMedia {
  /** An inbound image stored as an upload of the contact's, or null when X has none to give. */
  store(account: XAccountRow, media: XMediaRef, conversationId: string, contactId: string): Promise<Attachment | null>;
}

export interface XDmServiceDeps extends ServiceDeps {
  routing: RoutingService;
  sessions: SessionService;
  media?: XDmMedia;
}

const dmConversation = (tx: Tx, account: XAccountRow, threadId: string, contactId: string) =>
  findOrCreateXConversation(tx, { websiteId: account.websiteId, accountId: account.id, channel: 'x_dm', threadId, contactId });

export function createXDmService({ db, logger, routing, sessions, media }: XDmServiceDeps) {
  async function receive(account: XAccountRow, dm: InboundDm): Promise<void> {
    if (dm.sender.id === account.xUserId) return fromBrand(account, dm);
    if (dm.recipientId !== account.xUserId) return; // not this account's thread
    const clientId = dmClientId(dm.eventId);
    const { conversationId, contactId } = await db.transaction(async (tx) => {
      const { contactId } = await upsertXContact(tx, { websiteId: account.websiteId, xUserId: dm.sender.id, username: dm.sender.username, name: dm.sender.name });
      const conv = await dmConversation(tx, account, dm.dmConversationId, contactId);
      return { conversationId: conv.id, contactId: conv.contactId };
    });
    // A repeated delivery stops here, before any download.
    if (await findByClientId(db, conversationId, clientId)) return;
    const attachment = dm.media[0] && media ? await media.store(account, dm.media[0], conversationId, contactId).catch((err: unknown) => {
      logger.warn({ err, dmEventId: dm.eventId }, 'X DM image could not be stored; the text is kept');
      return null;
    }) : null;
    const author = { kind: 'visitor' as const, id: contactId, name: dm.sender.name ?? `@${dm.sender.username}` };
    const x = { dmEventId: dm.eventId, authorXId: dm.sender.id, username: dm.sender.username };
    const text = dm.text || (dm.media.length && !attachment ? '[image]' : '');
    const draft: MessageDraft = attachment ? { kind: 'image', text: dm.text, attachment, clientId, author, x } : { kind: 'text', text, clientId, author, x };
    await routing.run(async (tx, notes) => {
      const locked = must(await lockConversation(tx, conversationId), 'NOT_FOUND', 'The conversation no longer exists.');
      if (await findByClientId(tx, conversationId, clientId)) return;
      const patch = (await sessions.openSessionForVisitor(tx, locked, notes)) ?? {};
      const reopened: MessageDraft[] = patch.currentSessionId && locked.currentSessionId ? [{ kind: 'event', type: 'conversation_reopened', actorName: null, author: { kind: 'system', id: null, name: null } }] : [];
      const followUpAgentId = locked.followUpAgentId;
      const rows = await insertEvents(tx, locked, [...reopened, draft], { ...patch, ...(followUpAgentId ? { followUpAgentId: null } : {}) });
      notes.push({ kind: 'messages', conversationId, rows }, { kind: 'conversation', conversationId });
      if (followUpAgentId) {
        const own = rows[rows.length - 1]!;
        notes.push({ kind: 'replied', agentId: followUpAgentId, conversationId, contactId, preview: (dm.text || '').slice(0, 200), at: own.createdAt.toISOString() });
      }
    });
  }

  async function fromBrand(account: XAccountRow, dm: InboundDm): Promise<void> {
    if (await outboundByXId(db, account.id, dm.eventId)) return; // the echo of our own send
    const conv = await db.transaction(async (tx) => {
      const other = dm.dmConversationId.split('-').find((id) => id !== account.xUserId) ?? dm.recipientId;
      const { contactId } = await upsertXContact(tx, { websiteId: account.websiteId, xUserId: other, username: other, name: null });
      return dmConversation(tx, account, dm.dmConversationId, contactId);
    });
    // One of our sends is out with X and not recorded yet: this may be its echo. Asked again shortly.
    if (await unsettledAttempts(db, conv.id)) throw new RetryLater('an X send of this conversation is not settled yet');
    const clientId = dmClientId(dm.eventId);
    await routing.run(async (tx, notes) => {
      const locked = must(await lockConversation(tx, conv.id), 'NOT_FOUND', 'The conversation no longer exists.');
      if (await findByClientId(tx, conv.id, clientId)) return;
      if (await outboundByXId(tx, account.id, dm.eventId)) return;
      const draft: MessageDraft = {
        kind: 'text',
        text: dm.text || '[image]',
        clientId,
        author: { kind: 'agent', id: null, name: `@${account.username}` },
        x: { dmEventId: dm.eventId, authorXId: account.xUserId, username: account.username },
        xDelivery: { state: 'sent', retryAt: null, reason: null },
      };
      const rows = await insertEvents(tx, locked, [draft]);
      notes.push({ kind: 'messages', conversationId: conv.id, rows }, { kind: 'conversation', conversationId: conv.id });
    });
  }

  return { receive };
}
export type XDmService = ReturnType<typeof createXDmService>;
