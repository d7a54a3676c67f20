import type { Attachment } from '../../protocol/attachments.ts';
import type { Locale } from '../../protocol/common.ts';
import type { WireError } from '../../protocol/errors.ts';
import { MAX_MESSAGE_LENGTH } from '../../protocol/limits.ts';
import type { Message } from '../../protocol/message.ts';
import type { QueueStatus } from '../../protocol/routing.ts';
import type { VisitorSendResult } from '../../protocol/visitor-events.ts';
import { Account } from './account.ts';
import { AgentTyping } from './agent-typing.ts';
import { Backoff } from './backoff.ts';
import { conversationSwitch } from './conversation-switch.ts';
import { isMessage, isTypingEvent } from './guards.ts';
import { startHeartbeat, type HeartbeatOptions } from './heartbeat.ts';
import { watchBrowserNetwork } from './network-watch.ts';
import { Outbox, type OutboxEntry } from './outbox.ts';
import { outboxDelivery } from './outbox-delivery.ts';
import { ReadReceipts, type AgentRead } from './receipts.ts';
import { isRetryable, isTokenRefused } from './retryable.ts';
import { SessionControls } from './session-controls.ts';
import { STORAGE_KEYS, type KeyValueStore } from './storage.ts';
import { Transcript } from './transcript.ts';
import { transcriptSync } from './transcript-sync.ts';
import { TypingThrottle } from './typing-throttle.ts';
import type { LinkFactory, LinkStatus, VisitorLink } from './visitor-socket.ts';

export type ConnectionState = 'connecting' | 'online' | 'reconnecting' | 'offline';

/** One transcript line: a message the server holds, or an outbox entry not yet acknowledged. */
export type Row = { type: 'message'; message: Message } | { type: 'outbox'; entry: OutboxEntry };

export interface MessengerState {
  connection: ConnectionState;
  rows: Row[];
  unread: number;
  /** Name of the agent currently typing ('' when unnamed), null when nobody is. */
  agentTyping: string | null;
  /** Latest queue status (position, wait, agent, availability); null until the server said. */
  queue: QueueStatus | null;
  /** Nobody can answer now (no agent Ready or outside business hours). */
  away: boolean;
  /** There is a session the visitor may end. */
  canEnd: boolean;
  /** How far the agent side has read (the visitor's messages up to it show "Read"). */
  agentRead: AgentRead | null;
}

export type SendResult = { ok: true } | { ok: false; error: WireError };

export interface MessengerClientOptions {
  websiteKey: string;
  locale?: Locale;
  store: KeyValueStore;
  linkFactory: LinkFactory;
  heartbeat?: HeartbeatOptions | false;
  ackTimeoutMs?: number;
  /** Backoff of retryable send errors while connected (base doubles up to max, with jitter). */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Retryable failures one outbox entry may have before it shows as not sent (RATE_LIMITED never counts). */
  maxAttempts?: number;
}

/** What the UI and the API use of the client. */
export interface MessengerClient {
  readonly outbox: Outbox;
  readonly transcript: Transcript;
  /** Queue status, end of conversation, follow-up email (issue 3). */
  readonly session: SessionControls;
  readonly receipts: ReadReceipts;
  /** identify / setAttributes / logout (issue 6). */
  readonly account: Account;
  /** The visitor token, once the first message (or identify) created a session. */
  readonly token: string | null;
  /** What the UI shows, computed when read. */
  readonly state: MessengerState;
  /** Called after every change of `state`. */
  subscribe(listener: () => void): () => void;
  /** New messages from the agent side (not history loaded after identify): the API's `message` event. */
  onIncoming(listener: (messages: Message[]) => void): () => void;
  /**
   * Called when an entry is refused for good: a message or image (kept in the outbox as failed, shown
   * "Not sent" with Retry and Delete), or a postback whose option is gone (already removed).
   */
  onFailure(listener: (entry: OutboxEntry) => void): () => void;
  start(): void;
  stop(): void;
  /** Queues a message: validated, written to the outbox first, then sent when possible. */
  send(raw: string): SendResult;
  /** Queues an uploaded image (with an optional caption) through the same outbox as text. */
  sendImage(attachment: Attachment, caption?: string): SendResult;
  /** A quick-reply press: shown at once as the visitor's pending bubble (the label), sent as `postback:send`. */
  sendPostback(value: string, label: string): SendResult;
  /** Removes a failed entry the visitor chose to delete. */
  discard(clientId: string): void;
  /** Sends a failed entry again (Retry), with a fresh count of attempts. */
  resend(clientId: string): void;
  keystroke(): void;
  /** The panel is open and the page is visible: agent messages count as read. */
  setVisible(visible: boolean): void;
}

/**
 * The widget's brain, free of any UI: the link and what the header says of it, typing, and
 * what happens on connect and after a failure. Composed in: what comes from the server
 * (transcript-sync.ts), the outbox's delivery (outbox-delivery.ts) and the conversation
 * switches of identify and logout (conversation-switch.ts). The UI subscribes and re-renders
 * from `state`.
 * Closures rather than a class: the minifier shortens local names, not properties (widget budget).
 */
export function createMessengerClient(options: MessengerClientOptions): MessengerClient {
  const { store } = options;
  const ackTimeout = options.ackTimeoutMs ?? 10_000;
  const listeners = new Set<() => void>();
  /** What start() set up besides the link: the heartbeat, the network and session watches. */
  const stops: (() => void)[] = [];
  let link: VisitorLink | null = null;
  let connection: ConnectionState = 'connecting';

  const emit = () => listeners.forEach((fn) => fn());
  const token = () => store.get<string>(STORAGE_KEYS.token);
  const hasSession = () => !!token();
  const currentLink = () => link;
  const timeoutMs = () => ackTimeout;

  const outbox = new Outbox(store);
  const transcript = new Transcript(store);
  const receipts = new ReadReceipts(store);
  const agentTyping = new AgentTyping(emit);
  /** Retries after a retryable error while connected (the link has its own reconnection backoff). */
  const retry = new Backoff(options.retryBaseMs ?? 1_000, options.retryMaxMs ?? 30_000);
  const typing = new TypingThrottle((isTyping) => {
    if (hasSession() && link?.connected) void link.request('typing', { typing: isTyping }, ackTimeout);
  });
  const account = new Account({
    link: currentLink,
    timeoutMs,
    hasSession,
    identified: (token) => conversation.to(token),
    forget: () => conversation.to(null),
  });
  const session = new SessionControls({ link: currentLink, timeoutMs, onChange: emit, afterEnd: () => void sync.syncAll() });
  const conversation = conversationSwitch({
    store,
    transcript,
    session,
    account,
    link: currentLink,
    left: () => {
      agentTyping.set(null);
      sync.left();
    },
    load: () => void sync.syncAll().then(() => session.refresh()),
    onChange: emit,
  });
  /** What the server-facing parts share: the stores, the link, and how the client reacts to an answer. */
  const shared = {
    store,
    transcript,
    outbox,
    session,
    link: currentLink,
    timeoutMs,
    hasSession,
    generation: conversation.generation,
    markServing,
    onRequestError,
    onChange: emit,
  };
  const sync = transcriptSync({ ...shared, receipts, agentTyping });
  const delivery = outboxDelivery({ ...shared, maxAttempts: options.maxAttempts ?? 8, stored });

  function onStatus(status: LinkStatus): void {
    if (status.type === 'connect') {
      connection = 'online';
      retry.reset();
      emit();
      void account.connected().then(sync.syncAll).then(() => {
        void session.refresh();
        return delivery.flush();
      });
      return;
    }
    if (status.type === 'disconnect') {
      connection = navigator.onLine === false ? 'offline' : 'reconnecting';
      agentTyping.set(null);
      return emit();
    }
    if (status.code && isTokenRefused(status.code)) {
      conversation.forget();
      link?.connect();
      return;
    }
    if (status.code && !isRetryable(status.code)) {
      // Origin not allowed, unknown website…: retrying cannot help.
      console.error(`[parley] The messenger cannot connect: ${status.code} (${status.message})`);
      connection = 'offline';
      return emit();
    }
    connection = navigator.onLine === false ? 'offline' : 'reconnecting';
    if (!status.willRetry) retry.schedule(() => link?.connect());
    emit();
  }

  /**
   * The server stored an outbox entry. A token may come with any ack (the server repeats it on
   * sockets that connected without one): only the first one starts the session.
   */
  function stored({ token, message }: VisitorSendResult): void {
    const started = !!token && !hasSession();
    if (token) store.set(STORAGE_KEYS.token, token);
    if (started) account.sessionStarted();
    if (isMessage(message)) sync.applyEvents([message]);
    // This send created the session: what the server wrote with it (a greeting, the
    // assistant's first answer) was pushed before this socket joined the conversation.
    if (started) void sync.syncAll();
    emit();
  }

  function onRequestError(error: WireError): void {
    if (error.code === 'RATE_LIMITED') {
      // Slowed down, not an outage: wait as long as the server says, then carry on where we were.
      const wait = retry.after(error.retryAfterMs, () => {
        delivery.holdUntil = 0;
        void sync.syncAll().then(delivery.flush);
      });
      delivery.holdUntil = Date.now() + wait;
    } else if (isTokenRefused(error.code)) {
      // The server no longer knows this visitor: start anonymous; pending messages open a new session.
      conversation.forget();
      link?.forceReconnect();
    } else if (isRetryable(error.code)) {
      // Connected but the server cannot store (database down…): for the visitor that is
      // the same as a lost connection, and the outbox keeps everything until it is back.
      if (connection === 'online') {
        connection = 'reconnecting';
        emit();
      }
      retry.schedule(() => void sync.syncAll().then(delivery.flush));
    }
  }

  /** The server answered (a success, or a refusal we stop waiting on): the header shows the link's state again. */
  function markServing(): void {
    if (connection === 'reconnecting' && link?.connected) {
      connection = 'online';
      retry.reset();
      emit();
    }
  }

  /** Writes an entry to the outbox (before anything is sent), then sends when possible. */
  function queue(text: string, attachment?: Attachment, postback?: string): SendResult {
    if (text.length > MAX_MESSAGE_LENGTH) {
      return { ok: false, error: { code: 'MESSAGE_TOO_LONG', message: `The text is longer than ${MAX_MESSAGE_LENGTH} characters.` } };
    }
    outbox.add(text, crypto.randomUUID(), attachment, postback);
    emit();
    void delivery.flush();
    return { ok: true };
  }

  return {
    outbox,
    transcript,
    session,
    receipts,
    account,
    get token() {
      return token();
    },
    get state() {
      const rows: Row[] = transcript.messages.map((message) => ({ type: 'message', message }));
      for (const entry of outbox.list()) {
        if (!transcript.hasClientId(entry.clientId)) rows.push({ type: 'outbox', entry });
      }
      const canEnd = session.canEnd(hasSession(), transcript.messages);
      const unread = store.get<number>(STORAGE_KEYS.unread) ?? 0;
      return { connection, rows, unread, agentTyping: agentTyping.name, queue: session.status, away: session.away, canEnd, agentRead: receipts.current };
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onIncoming(listener) {
      sync.incoming.add(listener);
      return () => sync.incoming.delete(listener);
    },
    onFailure(listener) {
      delivery.failed.add(listener);
      return () => delivery.failed.delete(listener);
    },
    start() {
      if (link) return;
      const opened = (link = options.linkFactory(() => {
        // Read on every (re)connection attempt, so that a token stored meanwhile is used.
        const current = token();
        return { websiteKey: options.websiteKey, ...(current ? { token: current } : {}), ...(options.locale ? { locale: options.locale } : {}) };
      }));
      opened.on('message', (message) => {
        if (isMessage(message)) sync.applyEvents([message]);
      });
      opened.on('typing', (event) => {
        if (!isTypingEvent(event) || event.author.kind === 'visitor') return;
        agentTyping.set(event.typing ? (event.author.name ?? '') : null);
        emit();
      });
      opened.on('queue', (status) => session.accept(status));
      opened.on('receipt', (event) => receipts.accept(event) && emit());
      opened.onStatus(onStatus);
      if (options.heartbeat !== false) stops.push(startHeartbeat(opened, options.heartbeat || {}));
      stops.push(
        // Offline: drop the socket and keep writing to the outbox. Online: reconnect, sync and flush at once, without waiting for the backoff.
        watchBrowserNetwork({
          offline: () => {
            opened.close();
            connection = 'offline';
            agentTyping.set(null);
            emit();
          },
          online: () => {
            connection = 'reconnecting';
            emit();
            opened.connect();
          },
        }),
        store.watch?.(STORAGE_KEYS.session, conversation.follow) ?? (() => {}),
      );
      opened.connect();
    },
    stop() {
      stops.splice(0).forEach((stop) => stop());
      retry.cancel();
      agentTyping.stop();
      typing.stop();
      link?.close();
      link = null;
    },
    send(raw) {
      const text = raw.trim();
      if (!text) return { ok: false, error: { code: 'VALIDATION_FAILED', message: 'The message is empty.' } };
      typing.stop();
      return queue(text);
    },
    sendImage(attachment, caption = '') {
      typing.stop();
      return queue(caption.trim(), attachment);
    },
    sendPostback: (value, label) => queue(label, undefined, value),
    discard(clientId) {
      if (outbox.remove(clientId)) emit();
    },
    resend(clientId) {
      outbox.retry(clientId);
      emit();
      void delivery.flush();
    },
    keystroke: () => typing.keystroke(),
    setVisible: sync.setVisible,
  };
}
