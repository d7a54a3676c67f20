import { effect, signal, type ReadonlySignal } from '@preact/signals';
import type { AgentProfile, ConversationDetail, Message } from '../../protocol/index.ts';
import type { AgentClient } from '../api/agent-client.ts';
import { t } from '../i18n/index.ts';
import { createCatalog } from './catalog.ts';
import { createContactStore } from './contact-store.ts';
import { createNotifications } from './notifications.ts';
import type { OfferAlert } from './offer-alert.ts';
import { createReceipts } from './receipts.ts';
import type { Transcripts } from './transcripts.ts';
import { createUnread } from './unread.ts';
import { setUnreadCount } from './window-title.ts';

interface ChatWorkspaceDeps {
  client: AgentClient;
  me: AgentProfile;
  openId: ReadonlySignal<string | null>;
  /** True while the Chats view is shown (not Sessions, Communication…). */
  onChats: ReadonlySignal<boolean>;
  transcripts: Transcripts;
  alert: OfferAlert;
  isOnDesk: (conversationId: string) => boolean;
  /** Whether the window has focus (injectable for tests). */
  focused?: ReadonlySignal<boolean>;
  setTitleCount?: (count: number) => void;
}

/** Tracks window focus, so reads are only reported for what the agent can actually see. */
function windowFocus(): ReadonlySignal<boolean> {
  const focused = signal(typeof document !== 'undefined' && document.hasFocus());
  window.addEventListener('focus', () => void (focused.value = true));
  window.addEventListener('blur', () => void (focused.value = false));
  return focused;
}

/**
 * What the chat workspace adds around the desk: unread markers and the title
 * count, read receipts both ways, the catalogue, contacts, and notifications
 * such as "the contact answered" (asynchronous follow-up).
 */
export function createChatWorkspace(deps: ChatWorkspaceDeps) {
  const { client, openId, onChats, transcripts, alert } = deps;
  const focused = deps.focused ?? windowFocus();
  const unread = createUnread();
  const receipts = createReceipts(client);
  const catalog = createCatalog(client);
  const contacts = createContactStore(client);
  const notifications = createNotifications();
  const inView = (id: string) => openId.value === id && onChats.value && focused.value;

  function onMessage(message: Message): void {
    const id = message.conversationId;
    if (message.author.kind === 'agent' && message.author.id === deps.me.id) return;
    if (message.kind === 'event' || inView(id) || !deps.isOnDesk(id)) return;
    unread.add(id);
  }

  function onDetail(detail: ConversationDetail): void {
    if (detail.receipts) receipts.apply(detail.conversation.id, detail.receipts);
  }

  const stops = [
    // The chat in view is read: clear its marker and tell the server up to where.
    effect(() => {
      const id = openId.value;
      if (!id || !onChats.value || !focused.value) return;
      unread.clear(id);
      const lastSeq = transcripts.all.value.get(id)?.lastSeq ?? 0;
      if (lastSeq > 0) receipts.markRead(id, lastSeq);
    }),
    effect(() => (deps.setTitleCount ?? setUnreadCount)(unread.total.value)),
    client.on('contact:replied', (event) => {
      const named = event.contact.name?.trim();
      const preview = event.preview.length > 80 ? `${event.preview.slice(0, 79)}…` : event.preview;
      notifications.add(() => t('notify.replied', { name: named || t('contact.someone'), preview }), event.conversationId);
      alert.chime();
    }),
    receipts.dispose,
    contacts.dispose,
  ];

  return { unread, receipts, catalog, contacts, notifications, onMessage, onDetail, dispose: () => stops.forEach((stop) => stop()) };
}

export type ChatWorkspace = ReturnType<typeof createChatWorkspace>;
