import type { ErrorCode, WireError } from '../../protocol/errors.ts';
import type { Attachment } from '../../protocol/attachments.ts';
import type { ConversationEventType, EventMessage, ImageMessage, Message, StructuredMessage, TextMessage } from '../../protocol/message.ts';
import { structuredFallbackText, type BotOutput } from '../../protocol/bots.ts';
import type { QueueStatus } from '../../protocol/routing.ts';
import type { Ack } from '../../protocol/result.ts';
import type { VisitorHandshake } from '../../protocol/visitor-events.ts';
import { NO_ANSWER, type LinkFactory, type LinkStatus, type VisitorLink } from '../transport/visitor-socket.ts';

const CONVERSATION = '6f1d7c2e-2b1a-4c3d-9e8f-0a1b2c3d4e5f';

/**
 * An in-memory stand-in for the server's /visitor namespace, for browser tests of
 * the widget: idempotent sends by clientId, per-conversation seq, paged sync,
 * live pushes, and switches to make it unreachable, drop acks or reject sends.
 */
export class FakeServer {
  readonly messages: Message[] = [];
  /** Every `postback:send` payload received, duplicates included. */
  readonly postbacks: { clientId: string; value: string; label: string }[] = [];
  /** Every `message:send` payload received, duplicates included. */
  readonly sends: { clientId: string; text: string; attachmentId?: string; firstSendProof?: string }[] = [];
  /** Uploads the fake server knows (by id): `message:send` with an `attachmentId` turns into an image message. */
  readonly attachments = new Map<string, Attachment>();
  readonly links: FakeLink[] = [];
  readonly handshakes: VisitorHandshake[] = [];
  reachable = true;
  dropAcks = 0;
  pageSize = 500;
  /** How far the agent side has read, as the visitor's `sync` answers it (undefined: not sent). */
  agentReadSeq: number | undefined;
  rejectWith: ErrorCode | null = null;
  /** Answers one `message:send` with this error instead of storing it (null: as usual); sees each payload and how often it came. */
  refuse: ((payload: { clientId: string; text: string }, attempt: number) => WireError | null) | null = null;
  /** Every `read` seq the visitor reported (read receipts). */
  readonly reads: number[] = [];
  /** Socket up but storage down (a database outage): every stored-data request answers UNAVAILABLE. */
  storageDown = false;
  token = 'visitor-token-1';
  /** Writes (without pushing) what the server stores together with the very first message. */
  withFirstMessage: ((server: FakeServer) => void) | null = null;
  /** Every request other than ping/typing/sync/message:send, in order (queue:status, conversation:end, followup:email). */
  readonly requests: { event: string; payload: unknown }[] = [];
  /** Issue 6 identity: the JWTs `identify` accepts, and the verified contact's conversation it switches to. */
  readonly validJwts = new Set<string>();
  contactHistory: Message[] = [];
  /** What `queue:status` answers; null = the server does not know the visitor (answers NOT_FOUND). */
  queue: QueueStatus | null = null;

  readonly factory: LinkFactory = (auth) => {
    const link = new FakeLink(this, auth);
    this.links.push(link);
    return link;
  };

  setReachable(reachable: boolean): void {
    this.reachable = reachable;
    for (const link of this.links) reachable ? link.tryConnect() : link.drop();
  }

  add(author: Message['author'], text: string, clientId: string | null = null): TextMessage {
    const message: TextMessage = {
      kind: 'text', id: crypto.randomUUID(), conversationId: CONVERSATION, seq: this.messages.length + 1,
      clientId, author, text, createdAt: new Date().toISOString(),
    };
    this.messages.push(message);
    return message;
  }

  /** An image (with caption) from `author`, stored; pushed when `push`. */
  image(author: Message['author'], attachment: Attachment, text: string, clientId: string | null = null, push = false): ImageMessage {
    const message: ImageMessage = {
      kind: 'image', id: crypto.randomUUID(), conversationId: CONVERSATION, seq: this.messages.length + 1,
      clientId, author, text, attachment, createdAt: new Date().toISOString(),
    };
    this.messages.push(message);
    if (push) this.push(message);
    return message;
  }

  /** An agent writes: stored, then pushed to connected visitors. */
  agentSays(text: string, push = true): TextMessage {
    const message = this.add({ kind: 'agent', id: 'agent-1', name: 'Ada' }, text);
    if (push) this.push(message);
    return message;
  }

  /** An assistant's structured bubble (fallback text derived like the server's), stored and pushed. */
  bot(payload: BotOutput, name = 'Kettle & Leaf assistant', push = true): StructuredMessage {
    const message: StructuredMessage = {
      kind: 'structured', id: crypto.randomUUID(), conversationId: CONVERSATION, seq: this.messages.length + 1, clientId: null,
      author: { kind: 'bot', id: 'assistant-1', name }, text: structuredFallbackText(payload), payload, createdAt: new Date().toISOString(),
    };
    this.messages.push(message);
    if (push) this.push(message);
    return message;
  }

  /** Values the flow accepts now: the options of the last quick replies, unless the visitor answered since. */
  offered(): string[] {
    const prompt = this.messages.findLastIndex((m) => m.kind === 'structured' && m.payload.kind === 'quick_replies');
    if (prompt < 0 || this.messages.slice(prompt + 1).some((m) => m.author.kind === 'visitor')) return [];
    const m = this.messages[prompt] as StructuredMessage;
    return m.payload.kind === 'quick_replies' ? m.payload.options.map((o) => o.value) : [];
  }

  /** A transcript event (joined, left, ended…), stored and pushed. */
  event(type: ConversationEventType, actorName: string | null = 'Ada', push = true): EventMessage {
    const message: EventMessage = {
      kind: 'event', id: crypto.randomUUID(), conversationId: CONVERSATION, seq: this.messages.length + 1, clientId: null,
      author: { kind: 'system', id: null, name: null }, event: { type, actorName }, createdAt: new Date().toISOString(),
    };
    this.messages.push(message);
    if (push) this.push(message);
    return message;
  }

  /** Changes the queue status and pushes it as the server does (`queue`). */
  setQueue(patch: Partial<QueueStatus>, push = true): void {
    this.queue = { ...waitingStatus(), ...this.queue, ...patch };
    if (push) for (const link of this.links) if (link.connected) link.emit('queue', this.queue);
  }

  /** The agent side read up to `agentReadSeq`: the server's `receipt` push. */
  receipt(agentReadSeq: number, visitorReadSeq = 0): void {
    const event = { conversationId: CONVERSATION, agentReadSeq, visitorReadSeq };
    for (const link of this.links) if (link.connected) link.emit('receipt', event);
  }

  push(message: Message): void {
    for (const link of this.links) if (link.connected) link.emit('message', message);
  }

  handle(event: string, payload: any): Ack<unknown> {
    if (event === 'ping') return { ok: true, data: { now: new Date().toISOString() } };
    if (event === 'typing') return { ok: true, data: {} };
    if (event === 'read') {
      this.reads.push(payload.seq);
      return { ok: true, data: {} };
    }
    if (this.storageDown) return { ok: false, error: { code: 'UNAVAILABLE', message: 'database down' } };
    if (event === 'queue:status' || event === 'conversation:end' || event === 'followup:email') return this.session(event, payload);
    if (event === 'identify' || event === 'attributes:set' || event === 'logout') return this.identity(event, payload);
    if (event === 'sync') {
      const events = this.messages.filter((m) => m.seq > payload.afterSeq).slice(0, this.pageSize);
      const last = events.at(-1)?.seq ?? payload.afterSeq;
      return { ok: true, data: { conversationId: CONVERSATION, events, lastSeq: last, hasMore: last < this.messages.length, ...(this.agentReadSeq === undefined ? {} : { agentReadSeq: this.agentReadSeq }) } };
    }
    if (event === 'postback:send') {
      // As the server: idempotent by clientId, stored as the visitor's text (the label); an option not offered → VALIDATION_FAILED.
      this.postbacks.push(payload);
      const existing = this.messages.find((m) => m.clientId === payload.clientId);
      if (!existing && !this.offered().includes(payload.value)) return { ok: false, error: { code: 'VALIDATION_FAILED', message: 'option not offered' } };
      const message = existing ?? this.add({ kind: 'visitor', id: 'contact-1', name: null }, payload.label, payload.clientId);
      return { ok: true, data: { message, conversationId: CONVERSATION, token: this.token } };
    }
    // message:send
    this.sends.push(payload);
    if (this.rejectWith) return { ok: false, error: { code: this.rejectWith, message: 'rejected by fake server' } };
    const refusal = this.refuse?.(payload, this.sends.filter((s) => s.clientId === payload.clientId).length);
    if (refusal) return { ok: false, error: refusal };
    const existing = this.messages.find((m) => m.clientId === payload.clientId);
    const visitor = { kind: 'visitor' as const, id: 'contact-1', name: null };
    if (!existing && payload.attachmentId) {
      const attachment = this.attachments.get(payload.attachmentId);
      if (!attachment) return { ok: false, error: { code: 'NOT_FOUND', message: 'no such attachment' } };
      const message = this.image(visitor, attachment, payload.text ?? '', payload.clientId);
      return { ok: true, data: { message, conversationId: CONVERSATION, token: this.token } };
    }
    const message = existing ?? this.add(visitor, payload.text, payload.clientId);
    // Like the real server: replies written with the session's first message are not pushed to this socket.
    if (!existing && this.messages.length === 1) this.withFirstMessage?.(this);
    return { ok: true, data: { message, conversationId: CONVERSATION, token: this.token } };
  }

  /** Issue 6: identify switches to the contact's history (`contactHistory`) for JWTs in `validJwts`; the rest is recorded. */
  private identity(event: string, payload: any): Ack<unknown> {
    this.requests.push({ event, payload });
    if (event !== 'identify') return { ok: true, data: {} };
    if (!this.validJwts.has(payload.jwt)) return { ok: false, error: { code: 'IDENTITY_INVALID', message: 'bad jwt' } };
    this.messages.splice(0, this.messages.length, ...this.contactHistory);
    return { ok: true, data: { token: 'contact-token', conversationId: CONVERSATION, contactId: 'contact-9' } };
  }

  /** Issue 3's visitor requests, with the server's semantics: ending while waiting abandons. */
  private session(event: string, payload: any): Ack<unknown> {
    this.requests.push({ event, payload });
    if (!this.queue) return { ok: false, error: { code: 'NOT_FOUND', message: 'no session' } };
    if (event === 'followup:email') {
      if (!/^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i.test(payload.email ?? '')) return { ok: false, error: { code: 'VALIDATION_FAILED', message: 'bad email' } };
      this.queue = { ...this.queue, followUpEmail: payload.email };
    }
    if (event === 'conversation:end') {
      const state = this.queue.state === 'active' ? 'wrap_up' : 'abandoned';
      this.queue = { ...this.queue, state, position: null, estimatedWaitSec: null, agent: null };
      this.event('conversation_ended', null);
    }
    return { ok: true, data: this.queue };
  }
}

/** A session waiting first in line with agents available (what tests start from). */
export const waitingStatus = (): QueueStatus => ({
  state: 'waiting', position: 1, estimatedWaitSec: 60, agentsAvailable: true, withinBusinessHours: true, agent: null, followUpEmail: null,
});

export class FakeLink implements VisitorLink {
  connected = false;
  wantsConnection = false;
  forcedReconnects = 0;
  private handlers = new Map<string, (payload: never) => void>();
  private statusHandlers: ((s: LinkStatus) => void)[] = [];

  constructor(private readonly server: FakeServer, private readonly auth: () => VisitorHandshake) {}

  request(event: string, payload: unknown, timeoutMs: number): Promise<never> {
    return new Promise((resolve) => {
      if (!this.connected) return setTimeout(() => resolve({ ok: false, error: { code: 'UNAVAILABLE', message: NO_ANSWER } } as never), timeoutMs);
      const answer = this.server.handle(event, payload);
      if ((event === 'message:send' || event === 'postback:send') && this.server.dropAcks > 0) {
        this.server.dropAcks--;
        return setTimeout(() => resolve({ ok: false, error: { code: 'UNAVAILABLE', message: NO_ANSWER } } as never), timeoutMs);
      }
      setTimeout(() => resolve(answer as never), 0);
    });
  }
  on(event: string, handler: (payload: never) => void): void {
    this.handlers.set(event, handler);
  }
  onStatus(handler: (s: LinkStatus) => void): void {
    this.statusHandlers.push(handler);
  }
  emit(event: string, payload: unknown): void {
    setTimeout(() => this.handlers.get(event)?.(payload as never), 0);
  }
  connect(): void {
    this.wantsConnection = true;
    this.tryConnect();
  }
  tryConnect(): void {
    if (!this.wantsConnection || this.connected || !this.server.reachable) return;
    setTimeout(() => {
      if (this.connected || !this.server.reachable || !this.wantsConnection) return;
      this.server.handshakes.push(this.auth());
      this.connected = true;
      this.statusHandlers.forEach((h) => h({ type: 'connect' }));
    }, 0);
  }
  drop(): void {
    if (!this.connected) return;
    this.connected = false;
    this.statusHandlers.forEach((h) => h({ type: 'disconnect' }));
  }
  forceReconnect(): void {
    this.forcedReconnects++;
    this.drop();
    this.tryConnect();
  }
  close(): void {
    this.wantsConnection = false;
    this.drop();
  }
}

/** Kept here for the tests that import it with the fake server. */
export { waitFor } from './wait-for.ts';
