import type { ErrorCode, WireError } from '../../protocol/errors.ts';
import { isRetryable } from './retryable.ts';
import { MAX_MESSAGE_LENGTH } from '../../protocol/limits.ts';
import type { Locale } from '../../protocol/common.ts';
import type { Attachment } from '../../protocol/attachments.ts';
import type { Message } from '../../protocol/message.ts';
import type { QueueStatus } from '../../protocol/routing.ts';
import { Account } from './account.ts';
import { AgentTyping } from './agent-typing.ts';
import { Backoff } from './backoff.ts';
import { isMessage, isTypingEvent } from './guards.ts';
import { startHeartbeat, type HeartbeatOptions } from './heartbeat.ts';
import { watchBrowserNetwork } from './network-watch.ts';
import { Outbox, type OutboxEntry } from './outbox.ts';
import { RECEIPT_KEY, ReadReceipts, type AgentRead } from './receipts.ts';
import { SessionControls } from './session-controls.ts';
import { STORAGE_KEYS, type KeyValueStore } from './storage.ts';
import { countOnce } from './tabs/count-once.ts';
import { Transcript } from './transcript.ts';
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

const TOKEN_ERRORS: readonly ErrorCode[] = ['TOKEN_INVALID', 'TOKEN_REVOKED'];

/**
 * The widget's brain, free of any UI: connection, outbox, resume cursor, unread
 * count, typing. The UI subscribes and re-renders from `state`.
 */
export class MessengerClient {
  readonly outbox: Outbox;
  readonly transcript: Transcript;
  /** Queue status, end of conversation, follow-up email (issue 3). */
  readonly session: SessionControls;
  readonly receipts: ReadReceipts;
  /** identify / setAttributes / logout (issue 6). */
  readonly account: Account;
  private readonly incomingListeners = new Set<(messages: Message[]) => void>();
  /** Bumped when the conversation changes under us (identify, logout): older answers are dropped. */
  private generation = 0;
  /** History is loading after a switch: it is not "new" (no unread, no message event). */
  private quiet = false;
  private readonly listeners = new Set<() => void>();
  private readonly failureListeners = new Set<(entry: OutboxEntry) => void>();
  private link: VisitorLink | null = null;
  private stopHeartbeat: (() => void) | null = null;
  private connection: ConnectionState = 'connecting';
  private visible = false;
  private readonly agentTyping = new AgentTyping(() => this.emit());
  /** Retries after a retryable error while connected (the link has its own reconnection backoff). */
  private readonly retry: Backoff;
  private flushing = false;
  /** Until when the server asked us to hold sends (RATE_LIMITED): a send before then would be refused again. */
  private holdUntil = 0;
  private syncing = false;
  private syncAgain = false;
  private unwatchNetwork: (() => void) | null = null;
  private unwatchSession: (() => void) | null = null;
  private reportedReadSeq = 0;
  private readonly typing = new TypingThrottle((typing) => {
    if (this.token && this.link?.connected) void this.link.request('typing', { typing }, this.ackTimeout);
  });

  constructor(private readonly options: MessengerClientOptions) {
    this.outbox = new Outbox(options.store);
    this.transcript = new Transcript(options.store);
    this.receipts = new ReadReceipts(options.store);
    this.account = new Account({
      link: () => this.link,
      timeoutMs: () => this.ackTimeout,
      hasSession: () => !!this.token,
      identified: (token) => this.switchSession(token),
      forget: () => this.switchSession(null),
    });
    this.retry = new Backoff(options.retryBaseMs ?? 1_000, options.retryMaxMs ?? 30_000);
    this.session = new SessionControls({
      link: () => this.link,
      timeoutMs: () => this.ackTimeout,
      onChange: () => this.emit(),
      afterEnd: () => void this.syncAll(),
    });
  }

  get token(): string | null {
    return this.options.store.get<string>(STORAGE_KEYS.token);
  }

  get state(): MessengerState {
    const rows: Row[] = this.transcript.messages.map((message) => ({ type: 'message', message }));
    for (const entry of this.outbox.list()) {
      if (!this.transcript.hasClientId(entry.clientId)) rows.push({ type: 'outbox', entry });
    }
    const unread = this.options.store.get<number>(STORAGE_KEYS.unread) ?? 0;
    const { session } = this;
    const canEnd = session.canEnd(!!this.token, this.transcript.messages);
    return { connection: this.connection, rows, unread, agentTyping: this.agentTyping.name, queue: session.status, away: session.away, canEnd, agentRead: this.receipts.current };
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** New messages from the agent side (not history loaded after identify): the API's `message` event. */
  onIncoming(listener: (messages: Message[]) => void): () => void {
    this.incomingListeners.add(listener);
    return () => this.incomingListeners.delete(listener);
  }

  /**
   * Called when an entry is refused for good: a message or image (kept in the outbox as failed, shown
   * "Not sent" with Retry and Delete), or a postback whose option is gone (already removed).
   */
  onFailure(listener: (entry: OutboxEntry) => void): () => void {
    this.failureListeners.add(listener);
    return () => this.failureListeners.delete(listener);
  }

  start(): void {
    if (this.link) return;
    const link = this.options.linkFactory(() => ({
      websiteKey: this.options.websiteKey,
      ...(this.token ? { token: this.token } : {}),
      ...(this.options.locale ? { locale: this.options.locale } : {}),
    }));
    this.link = link;
    link.on('message', (message) => {
      if (isMessage(message)) this.applyEvents([message]);
    });
    link.on('typing', (event) => {
      if (isTypingEvent(event) && event.author.kind !== 'visitor') this.setAgentTyping(event.typing ? (event.author.name ?? '') : null);
    });
    link.on('queue', (status) => this.session.accept(status));
    link.on('receipt', (event) => this.receipts.accept(event) && this.emit());
    link.onStatus((status) => this.onStatus(status));
    if (this.options.heartbeat !== false) this.stopHeartbeat = startHeartbeat(link, this.options.heartbeat || {});
    this.unwatchNetwork = this.watchNetwork(link);
    this.unwatchSession = this.options.store.watch?.(STORAGE_KEYS.session, () => this.followSwitch()) ?? null;
    link.connect();
  }

  /** Offline: drop the socket and keep writing to the outbox. Online: reconnect, sync and flush at once, without waiting for the backoff. */
  private watchNetwork(link: VisitorLink): () => void {
    return watchBrowserNetwork({
      offline: () => {
        link.close();
        this.connection = 'offline';
        this.setAgentTyping(null);
      },
      online: () => {
        this.connection = 'reconnecting';
        this.emit();
        link.connect();
      },
    });
  }

  stop(): void {
    this.stopHeartbeat?.();
    this.unwatchNetwork?.();
    this.unwatchSession?.();
    this.retry.cancel();
    this.agentTyping.stop();
    this.typing.stop();
    this.link?.close();
    this.link = null;
  }

  /** Queues a message: validated, written to the outbox first, then sent when possible. */
  send(raw: string): SendResult {
    const text = raw.trim();
    if (!text) return { ok: false, error: { code: 'VALIDATION_FAILED', message: 'The message is empty.' } };
    if (text.length > MAX_MESSAGE_LENGTH) {
      return { ok: false, error: { code: 'MESSAGE_TOO_LONG', message: `The message is longer than ${MAX_MESSAGE_LENGTH} characters.` } };
    }
    this.outbox.add(text);
    this.typing.stop();
    this.emit();
    void this.flush();
    return { ok: true };
  }

  /** Queues an uploaded image (with an optional caption) through the same outbox as text. */
  sendImage(attachment: Attachment, caption = ''): SendResult {
    const text = caption.trim();
    if (text.length > MAX_MESSAGE_LENGTH) {
      return { ok: false, error: { code: 'MESSAGE_TOO_LONG', message: `The caption is longer than ${MAX_MESSAGE_LENGTH} characters.` } };
    }
    this.outbox.add(text, crypto.randomUUID(), attachment);
    this.typing.stop();
    this.emit();
    void this.flush();
    return { ok: true };
  }

  /** A quick-reply press: shown at once as the visitor's pending bubble (the label), sent as `postback:send`. */
  sendPostback(value: string, label: string): SendResult {
    this.outbox.add(label, crypto.randomUUID(), undefined, value);
    this.emit();
    void this.flush();
    return { ok: true };
  }

  /** Removes a failed entry the visitor chose to delete. */
  discard(clientId: string): void {
    if (this.outbox.remove(clientId)) this.emit();
  }

  /** Sends a failed entry again (Retry), with a fresh count of attempts. */
  resend(clientId: string): void {
    this.outbox.retry(clientId);
    this.emit();
    void this.flush();
  }

  keystroke(): void {
    this.typing.keystroke();
  }

  /** The panel is open and the page is visible: agent messages count as read. */
  setVisible(visible: boolean): void {
    this.visible = visible;
    if (visible) this.reportRead();
    if (visible && this.state.unread > 0) {
      this.options.store.remove(STORAGE_KEYS.unread);
      this.emit();
    }
  }

  /** Tells the server (read receipts for the agent) how far the visitor has seen, once per new seq. */
  private reportRead(): void {
    const seq = this.transcript.lastSeq;
    if (!this.visible || !this.token || !this.link?.connected || seq <= this.reportedReadSeq) return;
    this.reportedReadSeq = seq;
    void this.link.request('read', { seq }, this.ackTimeout).then((answer) => {
      if (!answer.ok && this.reportedReadSeq === seq) this.reportedReadSeq = 0; // try again on the next occasion
    });
  }

  private get ackTimeout(): number {
    return this.options.ackTimeoutMs ?? 10_000;
  }

  private onStatus(status: LinkStatus): void {
    if (status.type === 'connect') {
      this.connection = 'online';
      this.retry.reset();
      this.emit();
      void this.account.connected().then(() => this.syncAll()).then(() => {
        void this.session.refresh();
        return this.flush();
      });
      return;
    }
    if (status.type === 'disconnect') {
      this.connection = navigator.onLine === false ? 'offline' : 'reconnecting';
      this.setAgentTyping(null);
      return this.emit();
    }
    if (status.code && TOKEN_ERRORS.includes(status.code)) {
      this.forgetSession();
      this.link?.connect();
      return;
    }
    if (status.code && !isRetryable(status.code)) {
      // Origin not allowed, unknown website…: retrying cannot help.
      console.error(`[parley] The messenger cannot connect: ${status.code} (${status.message})`);
      this.connection = 'offline';
      return this.emit();
    }
    this.connection = navigator.onLine === false ? 'offline' : 'reconnecting';
    if (!status.willRetry) this.retry.schedule(() => this.link?.connect());
    this.emit();
  }

  /** Pages through `sync` from the last applied seq until the server has nothing more. */
  private async syncAll(): Promise<void> {
    if (this.syncing) {
      this.syncAgain = true;
      return;
    }
    if (!this.token || !this.link) return;
    this.syncing = true;
    const generation = this.generation;
    let restart = false;
    try {
      do {
        this.syncAgain = false;
        for (;;) {
          const before = this.transcript.lastSeq;
          const answer = await this.link.request('sync', { afterSeq: before }, this.ackTimeout);
          if (generation !== this.generation) return void (restart = true); // asked for the previous conversation
          if (!answer.ok) return this.onRequestError(answer.error);
          this.markServing();
          this.applyEvents(answer.data.events.filter(isMessage), false);
          // A `receipt` pushed while this page was away is caught up here.
          if (this.receipts.accept(answer.data)) this.emit();
          if (!answer.data.hasMore || this.transcript.lastSeq === before) break;
        }
      } while (this.syncAgain);
      this.quiet = false;
    } finally {
      this.syncing = false;
      if (restart) void this.syncAll();
    }
  }

  /** Sends pending outbox entries one at a time, in order (the first one may create the session). */
  private async flush(): Promise<void> {
    if (this.flushing || Date.now() < this.holdUntil) return;
    this.flushing = true;
    let sent = false;
    try {
      for (let next = this.outbox.pending()[0]; next && this.link?.connected; next = this.outbox.pending()[0]) {
        if (this.transcript.hasClientId(next.clientId)) {
          this.outbox.remove(next.clientId);
          continue;
        }
        const { clientId, text, attachment, postback } = next;
        const generation = this.generation;
        const answer = postback
          ? await this.link.request('postback:send', { clientId, value: postback, label: text }, this.ackTimeout)
          : await this.link.request('message:send', attachment ? { clientId, attachmentId: attachment.id, text } : { clientId, text, firstSendProof: this.token ? undefined : next.proof }, this.ackTimeout);
        if (answer.ok) {
          this.markServing();
          // Sent before an identify/logout switched the session: only the outbox entry is settled.
          if (generation !== this.generation) {
            this.outbox.remove(next.clientId);
            continue;
          }
          // A token on a later ack too (the server repeats it on sockets that connected without one):
          // only the first one starts the session.
          const started = !!answer.data.token && !this.token;
          if (answer.data.token) this.options.store.set(STORAGE_KEYS.token, answer.data.token);
          if (started) this.account.sessionStarted();
          this.outbox.remove(next.clientId);
          sent = true;
          if (isMessage(answer.data.message)) this.applyEvents([answer.data.message]);
          // This send created the session: what the server wrote with it (a greeting, the
          // assistant's first answer) was pushed before this socket joined the conversation.
          if (started) void this.syncAll();
          this.emit();
        } else if (this.worthWaiting(next, answer.error)) {
          // Not now (outage, slow down, a session to start again): this entry and those after it wait.
          this.onRequestError(answer.error);
          break;
        } else if (postback && answer.error.code === 'VALIDATION_FAILED') {
          // The option is no longer offered: drop the bubble, the UI says why.
          this.outbox.remove(clientId);
          this.emit();
          this.failureListeners.forEach((fn) => fn({ ...next, status: 'failed', error: answer.error }));
        } else {
          // Refused for good, or failed too often: shown "Not sent" (Retry, Delete) and the next entry goes.
          this.outbox.fail(clientId, answer.error);
          this.markServing();
          this.emit();
          const failed = this.outbox.list().find((e) => e.clientId === clientId);
          if (failed) this.failureListeners.forEach((fn) => fn(failed));
        }
      }
    } finally {
      this.flushing = false;
    }
    // A first message (or the first after an end) starts a session: learn its place in the queue.
    if (sent && this.session.status?.state !== 'active') void this.session.refresh();
  }

  /**
   * Whether a failed send should hold the outbox and try again later. RATE_LIMITED always (the server
   * says when; it never counts). Other retryable errors only up to `maxAttempts` per entry, so that one
   * message the server keeps failing on cannot hold back the others; an answer lost with the
   * connection says nothing about the message and is not counted.
   */
  private worthWaiting(entry: OutboxEntry, error: WireError): boolean {
    if (error.code === 'RATE_LIMITED' || TOKEN_ERRORS.includes(error.code)) return true;
    if (!isRetryable(error.code)) return false;
    return !this.link?.connected || this.outbox.attempt(entry.clientId) < (this.options.maxAttempts ?? 8);
  }

  private onRequestError(error: WireError): void {
    if (error.code === 'RATE_LIMITED') {
      // Slowed down, not an outage: wait as long as the server says, then carry on where we were.
      const wait = this.retry.after(error.retryAfterMs, () => {
        this.holdUntil = 0;
        void this.syncAll().then(() => this.flush());
      });
      this.holdUntil = Date.now() + wait;
    } else if (TOKEN_ERRORS.includes(error.code)) {
      // The server no longer knows this visitor: start anonymous; pending messages open a new session.
      this.forgetSession();
      this.link?.forceReconnect();
    } else if (isRetryable(error.code)) {
      // Connected but the server cannot store (database down…): for the visitor that is
      // the same as a lost connection, and the outbox keeps everything until it is back.
      if (this.connection === 'online') {
        this.connection = 'reconnecting';
        this.emit();
      }
      this.retry.schedule(() => void this.syncAll().then(() => this.flush()));
    }
  }

  /** The server answered (a success, or a refusal we stop waiting on): the header shows the link's state again. */
  private markServing(): void {
    if (this.connection === 'reconnecting' && this.link?.connected) {
      this.connection = 'online';
      this.retry.reset();
      this.emit();
    }
  }

  private applyEvents(events: Message[], syncOnGap = true): void {
    const { applied, gap } = this.transcript.apply(events);
    const incoming: Message[] = [];
    // Joined, left, ended, reopened: the agent or the queue changed, ask where we stand.
    if (applied.some((m) => m.kind === 'event')) void this.session.refresh();
    for (const message of applied) {
      if (message.clientId) this.outbox.remove(message.clientId);
      if (message.author.kind === 'agent' || message.author.kind === 'bot') {
        this.setAgentTyping(null, false);
        if (message.kind !== 'event' && !this.quiet) incoming.push(message);
      }
    }
    // Each tab applies the same messages: count them once; a tab showing the panel has read them.
    const unread = countOnce(this.options.store, incoming);
    if (this.visible) this.options.store.remove(STORAGE_KEYS.unread);
    else if (unread > 0) this.options.store.set(STORAGE_KEYS.unread, this.state.unread + unread);
    if (incoming.length > 0) this.incomingListeners.forEach((fn) => fn(incoming));
    if (gap && syncOnGap) void this.syncAll();
    if (applied.length > 0) {
      this.reportRead();
      this.emit();
    }
  }

  private setAgentTyping(name: string | null, notify = true): void {
    this.agentTyping.set(name);
    if (notify) this.emit();
  }

  private forgetSession(): void {
    const { store } = this.options;
    store.remove(STORAGE_KEYS.token);
    store.remove(STORAGE_KEYS.unread);
    this.transcript.reset();
    this.session.reset();
    this.account.tokenRefused();
  }

  /**
   * identify (the verified contact's token) or logout (null): another conversation. Local data of the
   * previous one goes; after identify the contact's history loads from seq 0, quietly (not "new").
   */
  private switchSession(token: string | null): void {
    const { store } = this.options;
    if (token) store.set(STORAGE_KEYS.token, token);
    else [STORAGE_KEYS.token, STORAGE_KEYS.outbox].forEach((key) => store.remove(key));
    store.remove(STORAGE_KEYS.unread);
    store.remove(RECEIPT_KEY);
    this.transcript.reset();
    this.leaveConversation();
    // The other tabs of this browser follow (followSwitch).
    store.set(STORAGE_KEYS.session, crypto.randomUUID());
    // After logout the socket still speaks for the old visitor: reconnect anonymously.
    if (token) void this.syncAll().then(() => this.session.refresh());
    else this.link?.forceReconnect();
    this.emit();
  }

  /**
   * Another tab of this browser identified or logged out, and its storage already holds the new
   * session (token, transcript reset or freshly synced). This tab follows without a reload: what
   * it shows of the previous conversation goes, and it reconnects, so that a socket of its own
   * speaks for the new visitor too (a shared one reconnects once more, harmlessly); the connect
   * syncs the new conversation.
   */
  private followSwitch(): void {
    this.transcript.reload();
    this.leaveConversation();
    this.link?.forceReconnect();
    this.emit();
  }

  /** The in-memory side of a switch: answers for the previous conversation are dropped, its state goes. */
  private leaveConversation(): void {
    this.generation++;
    this.session.reset();
    this.reportedReadSeq = 0;
    this.setAgentTyping(null, false);
    // A new visitor's history is not "new" to them: it loads quietly.
    this.quiet = !!this.token;
  }

  private emit(): void {
    this.listeners.forEach((fn) => fn());
  }
}
