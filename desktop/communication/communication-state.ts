import { batch, signal } from '@preact/signals';
import { SendText, type ContactHistory, type ContactListItem, type Message, type Visibility } from '../../protocol/index.ts';
import type { AgentClient } from '../api/agent-client.ts';
import { toApiError } from '../api/api-error.ts';
import { errorText, t } from '../i18n/index.ts';
import { previewOf } from '../state/conversation-lists.ts';
import type { Outbox } from '../state/outbox.ts';
import { communicationTarget } from './navigation.ts';

/** Pause after the last keystroke before searching, so typing does not flood the server. */
export const SEARCH_DEBOUNCE_MS = 250;

export interface CommunicationOptions {
  newId?: () => string;
  /** After "Open as chat" succeeded: show the chat in the agent's tabs. */
  onOpenedAsChat?: (conversationId: string) => void | Promise<void>;
}

/**
 * The Communication tab's data: contact search (debounced), the selected
 * contact's whole history, asynchronous follow-ups (through the desk's outbox)
 * and "Open as chat".
 */
export function createCommunication(client: AgentClient, outbox: Outbox, options: CommunicationOptions = {}) {
  const newId = options.newId ?? (() => crypto.randomUUID());
  const query = signal('');
  const visibility = signal<Visibility>('private');
  const contacts = signal<ContactListItem[]>([]);
  const searching = signal(false);
  const listError = signal<string | null>(null);
  const history = signal<ContactHistory | null>(null);
  const historyLoading = signal(false);
  const historyError = signal<string | null>(null);
  const draft = signal('');
  const actionError = signal<string | null>(null);
  const openingChat = signal(false);
  let timer: ReturnType<typeof setTimeout> | null = null;
  let searchRun = 0;

  const describe = (cause: unknown) => {
    const error = toApiError(cause);
    return errorText(error.code, error.message);
  };

  async function search(): Promise<void> {
    const run = ++searchRun;
    batch(() => {
      searching.value = true;
      listError.value = null;
    });
    try {
      const result = await client.request('contacts:search', { query: query.value.trim(), visibility: visibility.value, limit: 50 });
      if (run === searchRun) contacts.value = result.contacts;
    } catch (cause) {
      if (run === searchRun) listError.value = describe(cause);
    } finally {
      if (run === searchRun) searching.value = false;
    }
  }

  function setQuery(text: string): void {
    query.value = text;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void search(), SEARCH_DEBOUNCE_MS);
  }

  function setVisibility(next: Visibility): void {
    visibility.value = next;
    void search();
  }

  async function select(conversationId: string): Promise<void> {
    batch(() => {
      communicationTarget.value = conversationId;
      historyLoading.value = true;
      historyError.value = null;
      actionError.value = null;
    });
    try {
      const result = await client.request('contact:history', { conversationId });
      if (communicationTarget.value === conversationId) history.value = result;
    } catch (cause) {
      if (communicationTarget.value === conversationId) historyError.value = describe(cause);
    } finally {
      if (communicationTarget.value === conversationId) historyLoading.value = false;
    }
  }

  /**
   * Hands the draft to the outbox (it shows "Sending…" until stored); on a conversation with no
   * open session it is an asynchronous follow-up.
   */
  function send(): void {
    const current = history.value;
    if (!current) return;
    const parsed = SendText.safeParse({ clientId: newId(), text: draft.value });
    if (!parsed.success) {
      const tooLong = parsed.error.issues.some((issue) => issue.code === 'too_big');
      actionError.value = !draft.value.trim() ? t('comm.emptyMessage') : tooLong ? t('comm.tooLong') : t('comm.unsendable');
      return;
    }
    batch(() => {
      actionError.value = null;
      draft.value = '';
      outbox.enqueue({ conversationId: current.conversationId, clientId: parsed.data.clientId, text: parsed.data.text });
    });
  }

  /** The outbox's entries of the selected conversation that its history does not show yet. */
  function unsent() {
    const current = history.value;
    if (!current) return [];
    return outbox.of(current.conversationId).filter((entry) => !current.messages.some((m) => m.clientId === entry.clientId));
  }

  /** Turns the conversation into a live chat on this agent's desk (handling time is recorded). */
  async function openAsChat(): Promise<void> {
    const current = history.value;
    if (!current || openingChat.value) return;
    batch(() => {
      openingChat.value = true;
      actionError.value = null;
    });
    try {
      await client.request('conversation:open-as-chat', { conversationId: current.conversationId });
      await options.onOpenedAsChat?.(current.conversationId);
    } catch (cause) {
      actionError.value = describe(cause);
    } finally {
      openingChat.value = false;
    }
  }

  /** Adds a message of the selected conversation to its history, once. */
  function extendHistory(message: Message): void {
    const current = history.value;
    if (!current || current.messages.some((m) => m.id === message.id)) return;
    history.value = { ...current, messages: [...current.messages, message], lastSeq: Math.max(current.lastSeq, message.seq) };
  }

  /** A live message moves its contact to the top of the list with the new preview (events and bot cards leave the row as it is). */
  function bumpContact(message: Message): void {
    const row = contacts.value.find((item) => item.conversationId === message.conversationId);
    const preview = previewOf(message);
    if (!row || !preview || (row.lastMessage && row.lastMessage.createdAt > message.createdAt)) return;
    const bumped = { ...row, lastMessage: preview };
    contacts.value = [bumped, ...contacts.value.filter((item) => item !== row)];
  }

  const stops = [
    // A live message on the selected conversation extends its transcript.
    client.on('message', (message) => {
      batch(() => {
        bumpContact(message);
        if (history.value?.conversationId === message.conversationId) extendHistory(message);
      });
    }),
    // A contact answered a follow-up: they may be new to the list, or move up it.
    client.on('contact:replied', () => void search()),
    // Our own message comes back in its ack, not as a live event.
    outbox.onStored((message) => {
      batch(() => {
        bumpContact(message);
        if (history.value?.conversationId === message.conversationId) extendHistory(message);
      });
    }),
  ];

  return {
    query,
    visibility,
    contacts,
    searching,
    listError,
    history,
    historyLoading,
    historyError,
    draft,
    actionError,
    openingChat,
    search,
    setQuery,
    setVisibility,
    select,
    send,
    unsent,
    retry: outbox.retry,
    remove: outbox.remove,
    openAsChat,
    dispose: () => {
      stops.forEach((stop) => stop());
      if (timer) clearTimeout(timer);
    },
  };
}

export type Communication = ReturnType<typeof createCommunication>;
