import {
  AppError,
  type AgentCatalog,
  type Contact,
  type ContactHistory,
  type ContactListItem,
  type ConversationDetail,
  type Message,
  type Visibility,
} from '../../protocol/index.ts';
import { forAgents } from '../core/message-audience.ts';
import { listDispositions, listTags, quickRepliesForAgent } from '../db/stores/catalog-store.ts';
import { contactById, searchContacts, toContact, updateContact } from '../db/stores/contacts-store.ts';
import { conversationById, conversationsOfContact, markRead, toReceipts } from '../db/stores/conversations-store.ts';
import { firstMessages, toMessage } from '../db/stores/messages-store.ts';
import { sessionCards } from '../db/stores/sessions-store.ts';
import type { ContactRow } from '../db/schema.ts';
import type { AgentIdentity, AgentService } from './agent-service.ts';
import type { ServiceDeps } from './deps.ts';
import { scopeFilter, type Caller } from '../core/access.ts';
import type { SessionService } from './session-service.ts';
import { must } from '../db/must.ts';

/**
 * The desk around the chat (issue 4): read receipts from agents, the catalog
 * (quick replies, dispositions, tags), the Communication tab's contacts and
 * histories, the contact panel's edits, and "Open as chat".
 */
const HISTORY_LIMIT = 5000;

export interface DeskServiceDeps extends ServiceDeps {
  agents: AgentService;
  sessions: SessionService;
}

export function createDeskService({ db, publisher, agents, sessions }: DeskServiceDeps) {
  async function read(conversationId: string, seq: number): Promise<Record<string, never>> {
    const receipts = await markRead(db, conversationId, 'agent', seq);
    if (!receipts) throw new AppError('NOT_FOUND', 'No such conversation.');
    publisher.receipt({ conversationId, ...receipts });
    return {};
  }

  /** Quick replies: global + the agent's queues. Dispositions: every active one (the desktop filters by the chat's queue). */
  async function catalog(agent: AgentIdentity): Promise<AgentCatalog> {
    const [quickReplies, dispositions, tags] = await Promise.all([quickRepliesForAgent(db, agent.id), listDispositions(db, true), listTags(db)]);
    return { quickReplies, dispositions, tags };
  }

  /**
   * Private = web chat and X direct messages; Public = X public threads (issue 19). Each contact once,
   * by its latest conversation of that kind.
   */
  async function search(input: { query: string; visibility: Visibility; limit: number }, caller: Caller): Promise<{ contacts: ContactListItem[] }> {
    const channels = input.visibility === 'public' ? (['x_public'] as const) : (['web', 'x_dm'] as const);
    return { contacts: await searchContacts(db, input.query, input.limit, scopeFilter(caller), channels) };
  }

  /**
   * Every session (oldest first, for the headers) and every message (in time order, with sessionId) of
   * the contact on this website: web chats and X conversations together once an X contact was linked
   * (issue 19). `lastSeq` and `receipts` are those of the conversation asked for (where a follow-up goes).
   */
  async function history(conversationId: string): Promise<ContactHistory> {
    const conv = await conversationById(db, conversationId);
    if (!conv) throw new AppError('NOT_FOUND', 'No such conversation.');
    const contact = must(await contactById(db, conv.contactId), 'NOT_FOUND', 'No such contact.');
    const all = await conversationsOfContact(db, conv.websiteId, conv.contactId);
    const ids = all.some((c) => c.id === conv.id) ? all.map((c) => c.id) : [conv.id];
    const cards = await sessionCards(db, { conversationIds: ids, limit: HISTORY_LIMIT });
    cards.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
    const rows = (await Promise.all(ids.map((id) => firstMessages(db, id, HISTORY_LIMIT)))).flat();
    // Time order across conversations; seq order within one (rows of one transaction share a time).
    if (ids.length > 1) rows.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.conversationId === b.conversationId ? a.seq - b.seq : a.conversationId.localeCompare(b.conversationId)));
    const list: Message[] = rows.slice(0, HISTORY_LIMIT).map((row) => forAgents(toMessage(row)));
    return { contact: await toContact(db, contact), conversationId, sessions: cards, messages: list, lastSeq: conv.lastSeq, receipts: toReceipts(conv) };
  }

  async function changeContact(contactId: string, patch: Partial<Pick<ContactRow, 'name' | 'email' | 'phone' | 'attributes' | 'verified'>>): Promise<{ contact: Contact }> {
    if (!(await contactById(db, contactId))) throw new AppError('NOT_FOUND', 'No such contact.');
    const row = must(Object.keys(patch).length ? await updateContact(db, contactId, patch) : await contactById(db, contactId), 'NOT_FOUND', 'No such contact.');
    const contact = await toContact(db, row);
    publisher.contactUpdated(contact, row.websiteId);
    return { contact };
  }

  /** Fields given replace the stored ones (`attributes` as a whole map); omitted fields are kept. */
  const update = (contactId: string, patch: Partial<Pick<Contact, 'name' | 'email' | 'phone' | 'attributes'>>) => changeContact(contactId, patch);

  /** An agent vouches for (or withdraws) the contact's identity by hand. */
  const verify = (contactId: string, verified: boolean) => changeContact(contactId, { verified });

  /** A live session connected to this agent (capacity and holder checked by `take`), then the detail. */
  async function openAsChat(agent: AgentIdentity, conversationId: string): Promise<ConversationDetail> {
    await sessions.take(agent, conversationId);
    return agents.open(conversationId);
  }

  return { read, catalog, search, history, update, verify, openAsChat };
}
export type DeskService = ReturnType<typeof createDeskService>;
