import { batch, computed, signal } from '@preact/signals';
import type { AgentProfile, ConversationDetail, ConversationSummary, Message } from '../../protocol/index.ts';
import { MAX_MESSAGE_LENGTH, MAX_X_DM_LENGTH } from '../../protocol/index.ts';
import type { AgentClient, ConnectionState } from '../api/agent-client.ts';
import { toApiError, type ApiError } from '../api/api-error.ts';
import { contactLabel } from '../components/labels.ts';
import { errorText, t, type Localized } from '../i18n/index.ts';
import { createTicker, systemClock, type Clock } from './clock.ts';
import type { ReadonlySignal } from '@preact/signals';
import type { Uploader } from '../api/attachments.ts';
import { createChatWorkspace } from './chat-workspace.ts';
import { createComposerState } from './composer-state.ts';
import { createOutbox } from './outbox.ts';
import { sessionOutboxStorage, type OutboxStorage } from './outbox-storage.ts';
import type { DraftStorage } from './drafts-storage.ts';
import { createConversationLists } from './conversation-lists.ts';
import { browserOfferAlert, type OfferAlert } from './offer-alert.ts';
import { createOffers } from './offers.ts';
import { createPresence } from './presence.ts';
import { createSessionActions } from './session-actions.ts';
import { createSessionCards } from './session-cards.ts';
import { hasClientId, hasGapBefore } from './transcript-state.ts';
import { createTranscripts } from './transcripts.ts';
import { createTypingSender, createTypingStore } from './typing.ts';
import { xConnectResult } from '../admin/channels/callback-result.ts';

export interface DeskOptions {
  newId?: () => string;
  clock?: Clock;
  alert?: OfferAlert;
  storage?: DraftStorage;
  /** Where unsent messages wait across a reload (default: this tab's sessionStorage, per agent). */
  outboxStorage?: OutboxStorage;
  /** The outbox's retry timers (tests run them by hand). */
  schedule?: (ms: number, run: () => void) => () => void;
  upload?: Uploader;
  /** Window focus (tests pass a signal). */
  focused?: ReadonlySignal<boolean>;
  setTitleCount?: (count: number) => void;
}

/** Communication and Admin are rendered by desktop/supervisor/extra-views.tsx. */
export type DeskView = 'desk' | 'sessions' | 'communication' | 'admin';

/**
 * The logged-in workspace: wires the agent socket to the stores. On every
 * (re)connect it re-lists, reloads presence and offers (`agent:state`), drops
 * what left the desk meanwhile with a notice, and syncs the open conversation
 * from its last seq, so nothing missed while offline is lost or shown twice.
 * Signals that change together change in one batch(): the effects that follow them (the
 * read receipt of the chat in view, the title count) run once, on the whole change.
 */
export function createDesk(client: AgentClient, me: AgentProfile, options: DeskOptions = {}) {
  const connection = signal<ConnectionState>('connecting');
  const connectionError = signal<ApiError | null>(null);
  const lists = createConversationLists(me.id);
  const transcripts = createTranscripts();
  const visitorTyping = createTypingStore();
  const outbox = createOutbox({
    send: async (entry) => {
      const { conversationId, clientId, text, attachment } = entry;
      const input = attachment ? { conversationId, clientId, text, attachmentId: attachment.id } : { conversationId, clientId, text };
      return (await client.request('message:send', input)).message;
    },
    connected: () => connection.value === 'connected',
    isStored: (entry) => hasClientId(transcripts.get(entry.conversationId), entry.clientId),
    storage: options.outboxStorage ?? sessionOutboxStorage(me.id),
    schedule: options.schedule,
  });
  // X DMs take X's 10,000 characters; web chats keep theirs.
  const limitOf = (conversationId: string) => (findSummary(conversationId)?.channel === 'x_dm' ? MAX_X_DM_LENGTH : MAX_MESSAGE_LENGTH);
  const composer = createComposerState(outbox, { newId: options.newId, storage: options.storage, upload: options.upload, limitOf });
  const typingSender = createTypingSender((conversationId, typing) => {
    client.request('typing', { conversationId, typing }).catch(() => undefined); // best effort
  });

  const openId = signal<string | null>(null);
  const openDetail = signal<ConversationSummary | null>(null);
  const openLoading = signal(false);
  const notice = signal<Localized | null>(null);
  const taking = signal<ReadonlySet<string>>(new Set());
  // Back from X's authorization page (Admin › Channels, issue 19): open on the admin pages, which show the result.
  const view = signal<DeskView>(xConnectResult() && me.role === 'admin' ? 'admin' : 'desk');
  const findSummary = (id: string) => lists.find(id) ?? (openDetail.value?.id === id ? openDetail.value : null);
  const openConversation = computed(() => {
    const id = openId.value;
    return id ? findSummary(id) : null;
  });
  const ticker = createTicker(options.clock ?? systemClock);
  const presence = createPresence(client, me.id);
  const say = (text: Localized) => {
    notice.value = text;
  };
  const offers = createOffers({ client, now: ticker.now, onTick: ticker.onTick, alert: options.alert ?? browserOfferAlert, onAccepted: adopt, notify: say });
  const actions = createSessionActions({ client, find: findSummary, update: onUpdated, leave });
  const cards = createSessionCards(client);
  const work = createChatWorkspace({
    client,
    me,
    openId,
    onChats: computed(() => view.value === 'desk'),
    transcripts,
    alert: options.alert ?? browserOfferAlert,
    isOnDesk: (id) => lists.mine.value.some((item) => item.id === id),
    focused: options.focused,
    setTitleCount: options.setTitleCount,
  });

  const report = (cause: unknown) => {
    const error = toApiError(cause);
    notice.value = () => errorText(error.code, error.message);
    return error;
  };

  async function refreshLists(): Promise<void> {
    try {
      lists.replace(await client.request('conversations:list', {}));
    } catch (cause) {
      report(cause);
    }
  }

  /** Pulls every event after our cursor, page by page. */
  async function sync(conversationId: string): Promise<void> {
    for (let page = 0; page < 1000; page += 1) {
      const before = transcripts.get(conversationId).lastSeq;
      const result = await client.request('sync', { conversationId, afterSeq: before });
      transcripts.merge(conversationId, result.events);
      if (!result.hasMore || transcripts.get(conversationId).lastSeq === before) return;
    }
  }

  async function open(conversationId: string): Promise<void> {
    batch(() => {
      openId.value = conversationId;
      notice.value = null;
      work.notifications.dismissFor(conversationId);
      openLoading.value = !transcripts.has(conversationId);
    });
    try {
      const detail = await client.request('conversation:open', { conversationId });
      if (openId.value !== conversationId) return; // the agent moved on meanwhile
      showDetail(detail);
      if (detail.hasMore) await sync(conversationId);
    } catch (cause) {
      if (openId.value === conversationId) report(cause);
    } finally {
      if (openId.value === conversationId) openLoading.value = false;
    }
  }

  /**
   * After a reconnect: re-open (the server puts a fresh socket back in the
   * conversation's room and we get the current summary), then sync from our cursor.
   */
  async function resume(conversationId: string): Promise<void> {
    try {
      showDetail(await client.request('conversation:open', { conversationId }));
      await sync(conversationId);
    } catch (cause) {
      report(cause);
    }
  }

  async function take(conversationId: string): Promise<void> {
    taking.value = new Set([...taking.value, conversationId]);
    try {
      const { conversation } = await client.request('conversation:take', { conversationId });
      lists.upsert(conversation);
      await open(conversationId);
    } catch (cause) {
      const error = report(cause);
      if (error.code === 'CONVERSATION_TAKEN' || error.code === 'CONVERSATION_NOT_ACTIVE') await refreshLists();
    } finally {
      const next = new Set(taking.value);
      next.delete(conversationId);
      taking.value = next;
    }
  }

  /** A conversation's summary, read cursors and messages, as `conversation:open` (or an accepted offer) gives them. */
  function showDetail(detail: ConversationDetail): void {
    const id = detail.conversation.id;
    batch(() => {
      if (openId.value === id) openDetail.value = detail.conversation;
      work.onDetail(detail);
      transcripts.merge(id, detail.messages);
    });
  }

  /** An accepted offer: the chat lands on the desk, open, with its whole transcript. */
  function adopt(detail: ConversationDetail): void {
    const id = detail.conversation.id;
    batch(() => {
      lists.upsert(detail.conversation);
      openId.value = id;
      showDetail(detail);
      openLoading.value = false;
      notice.value = null;
      work.notifications.dismissFor(id);
      view.value = 'desk';
    });
    if (detail.hasMore) sync(id).catch(report);
  }

  /** A chat leaves the desk (transferred, closed, taken elsewhere); says why unless `quiet`. */
  function leave(conversationId: string, reason: 'transferred' | 'closed' | 'taken', quiet = false): void {
    const summary = findSummary(conversationId);
    const wasOpen = openId.value === conversationId;
    if (!summary && !wasOpen) return; // already gone (our own action's echo)
    const contact = summary?.contact;
    batch(() => {
      lists.remove(conversationId);
      work.unread.clear(conversationId);
      if (wasOpen) close();
      if (!quiet) notice.value = () => t(`desk.removed.${reason}`, { name: contact ? contactLabel(contact) : '' });
    });
  }

  /** No conversation open any more. */
  function close(): void {
    batch(() => {
      openId.value = null;
      openDetail.value = null;
    });
  }

  /** Presence and pending offers; returns how many shown offers were gone meanwhile. */
  async function loadAgentState(): Promise<number> {
    try {
      const state = await client.request('agent:state', {});
      return batch(() => {
        presence.load(state);
        return offers.replace(state.offers);
      });
    } catch (cause) {
      report(cause);
      return 0;
    }
  }

  /** After a (re)connect: what left the desk while we were away goes, with a notice. */
  async function reconcile(): Promise<void> {
    const before = lists.mine.value.map((item) => item.id);
    const wasOpen = openId.value; // opened later = freshly loaded by open()
    await refreshLists();
    const gone = before.filter((id) => !lists.mine.value.some((item) => item.id === id));
    if (openId.value && gone.includes(openId.value)) close();
    const offersGone = await loadAgentState();
    // Say why things vanished while we were away (both reasons when both happened).
    if (gone.length > 0 || offersGone > 0) {
      const count = gone.length;
      notice.value = () => [count > 0 ? t('desk.removed.whileAway', { count }) : '', offersGone > 0 ? t('offer.goneWhileAway') : ''].filter(Boolean).join(' ');
    }
    if (wasOpen && openId.value === wasOpen) await resume(wasOpen);
    await cards.refresh();
    void work.catalog.load(true);
  }

  function onMessage(message: Message): void {
    const id = message.conversationId;
    const gap = transcripts.has(id) && hasGapBefore(transcripts.get(id), message);
    batch(() => {
      if (message.author.kind === 'visitor') visitorTyping.clear(id);
      work.onMessage(message);
      // The list row shows it at once; the server's coalesced `conversation:updated` follows.
      lists.applyMessage(message);
      if (transcripts.has(id)) transcripts.merge(id, [message]);
    });
    if (gap) sync(id).catch(report);
  }

  function onUpdated(summary: ConversationSummary): void {
    batch(() => {
      lists.upsert(summary);
      if (openDetail.value?.id === summary.id) openDetail.value = summary;
    });
  }

  const unsubscribe = [
    client.on('message', onMessage),
    client.on('conversation:updated', onUpdated),
    client.on('x:delivery', (delivery) => transcripts.xDelivery(delivery)),
    client.on('typing', (event) => {
      if (event.author.kind === 'visitor') visitorTyping.set(event.conversationId, event.typing, event.author.name);
    }),
    client.on('conversation:removed', ({ conversationId, reason }) => leave(conversationId, reason)),
    client.on('contact:updated', (contact) => {
      const detail = openDetail.value;
      batch(() => {
        lists.applyContact(contact);
        if (detail?.contact.id === contact.id) openDetail.value = { ...detail, contact: { id: contact.id, name: contact.name, email: contact.email } };
      });
    }),
    client.onState((state, error) => {
      batch(() => {
        connection.value = state;
        connectionError.value = error ?? null;
        if (state === 'connected') notice.value = null;
      });
      if (state === 'connected') {
        outbox.flush();
        void reconcile();
      }
    }),
    // A message of ours is stored (its ack came back): the transcript and the list's preview show it together.
    outbox.onStored((message) => {
      batch(() => {
        transcripts.merge(message.conversationId, [message]);
        lists.applyMessage(message);
      });
    }),
    // A message refused where the agent is not looking: say so, or it would wait there unseen.
    outbox.onFailed((entry) => {
      if (view.value === 'desk' && openId.value === entry.conversationId) return;
      const contact = findSummary(entry.conversationId)?.contact;
      notice.value = () => t('outbox.notSentElsewhere', { name: contact ? contactLabel(contact) : t('author.visitor') });
    }),
    outbox.dispose,
    presence.dispose,
    offers.dispose,
    cards.dispose,
    ticker.dispose,
    work.dispose,
  ];

  function sendDraft(conversationId: string): void {
    typingSender.stop(conversationId);
    composer.sendDraft(conversationId);
  }

  /** The outbox's entries of a conversation that its transcript does not show yet. */
  function unsent(conversationId: string) {
    const transcript = transcripts.get(conversationId);
    return outbox.of(conversationId).filter((entry) => !hasClientId(transcript, entry.clientId));
  }

  function editDraft(conversationId: string, text: string): void {
    composer.setDraft(conversationId, text);
    if (text) typingSender.keystroke(conversationId);
    else typingSender.stop(conversationId);
  }

  function dispose(): void {
    unsubscribe.forEach((off) => off());
    visitorTyping.dispose();
    typingSender.dispose();
    client.close();
  }

  return {
    me,
    /** The socket client, for views that make their own requests (Communication, Agents panel). */
    client,
    connection,
    connectionError,
    waiting: lists.waiting,
    mine: lists.mine,
    transcripts,
    outbox,
    unsent,
    visitorTyping: visitorTyping.typing,
    drafts: composer.drafts,
    sendErrors: composer.errors,
    uploads: composer.uploads,
    sendImage: composer.sendImage,
    unread: work.unread,
    receipts: work.receipts,
    catalog: work.catalog,
    contacts: work.contacts,
    notifications: work.notifications,
    openId,
    openConversation,
    openLoading,
    notice,
    taking,
    view,
    now: ticker.now,
    presence,
    offers,
    actions,
    cards,
    refreshLists,
    open,
    take,
    sendDraft,
    editDraft,
    dispose,
    dismissNotice: () => void (notice.value = null),
  };
}

export type Desk = ReturnType<typeof createDesk>;
