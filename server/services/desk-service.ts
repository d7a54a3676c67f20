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
import { conversationById, markRead, toReceipts } from '../db/stores/conversations-store.ts';
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
   * Private = web chat and direct messages (every contact we have today). Public posts
   * arrive with the social channels; until then the Public filter is empty by design.
   */
  async function search(input: { query: string; visibility: Visibility; limit: number }, caller: Caller): Promise<{ contacts: ContactListItem[] }> {
    if (input.visibility === 'public') return { contacts: [] };
    return { contacts: await searchContacts(db, input.query, input.limit, scopeFilter(caller)) };
  }

  /** Every session (oldest first, for the headers) and every message (ascending, with sessionId). */
  async function history(conversationId: string): Promise<ContactHistory> {
    const conv = await conversationById(db, conversationId);
    if (!conv) throw new AppError('NOT_FOUND', 'No such conversation.');
    const contact = must(await contactById(db, conv.contactId), 'NOT_FOUND', 'No such contact.');
    const cards = await sessionCards(db, { conversationId, limit: HISTORY_LIMIT });
    cards.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
    const rows = await firstMessages(db, conversationId, HISTORY_LIMIT);
    const list: Message[] = rows.map((row) => forAgents(toMessage(row)));
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
