/**
 * Test clients that behave like the widget and the desktop where it matters
 * for the chaos test: socket.io-client with automatic reconnection, every send
 * carries a client-generated clientId and is retried (same clientId) until
 * acked, live messages are applied by seq, and a gap or a reconnect triggers a
 * `sync` from the last contiguous seq.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { ERROR_CODES, type Ack, type ConversationDetail, type ErrorCode, type Message, type Offer, type SyncResult } from '../../protocol/index.ts';
import { PUBLIC_URL } from './cluster.ts';

const ACK_TIMEOUT_MS = 5_000;
const RECONNECT = { reconnectionDelay: 200, reconnectionDelayMax: 2_000, randomizationFactor: 0.5 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Emits until a definitive answer: ok, or an error that retrying cannot fix. Timeouts and UNAVAILABLE are retried. */
export async function deliver<T>(socket: Socket, event: string, payload: unknown, deadline: number): Promise<Ack<T>> {
  let pause = 100;
  for (;;) {
    if (Date.now() > deadline) throw new Error(`${event} was never acked`);
    if (socket.connected) {
      const ack = (await socket
        .timeout(ACK_TIMEOUT_MS)
        .emitWithAck(event, payload)
        .catch(() => null)) as Ack<T> | null;
      if (ack && (ack.ok || !ERROR_CODES[ack.error.code as ErrorCode]?.retryable)) return ack;
    }
    await sleep(pause);
    pause = Math.min(pause * 2, 2_000);
  }
}

/** A transcript as a client holds it: messages by seq, and how far it is complete. */
export class Transcript {
  readonly bySeq = new Map<number, Message>();
  contiguous = 0;
  /** Applies messages; true when one arrived beyond a hole (time to sync). */
  apply(messages: readonly Message[]): boolean {
    let gap = false;
    for (const m of messages) {
      if (!this.bySeq.has(m.seq)) this.bySeq.set(m.seq, m);
      if (m.seq > this.contiguous + 1) gap = true;
    }
    while (this.bySeq.has(this.contiguous + 1)) this.contiguous++;
    return gap && this.bySeq.size !== this.contiguous;
  }
  ids(): string[] {
    return [...this.bySeq.keys()].sort((a, b) => a - b).map((seq) => `${seq}:${this.bySeq.get(seq)!.id}`);
  }
}

/** Catch-up through `sync` pages; concurrent calls collapse into one pass plus one more. */
function syncer(run: () => Promise<void>): () => void {
  let running = false;
  let again = false;
  const loop = async () => {
    running = true;
    let failures = 0;
    do {
      again = false;
      await run().catch(async () => {
        again = ++failures < 100; // failed (e.g. cut mid-way): try again shortly, not forever
        await sleep(200);
      });
    } while (again);
    running = false;
  };
  return () => {
    if (running) again = true;
    else void loop();
  };
}

export class ChaosVisitor {
  readonly socket: Socket;
  token: string | null = null;
  conversationId: string | null = null;
  readonly transcript = new Transcript();
  /** clientIds and texts of what this visitor sent, in order (each acked). */
  readonly sent: { clientId: string; text: string }[] = [];
  /** A send that landed in another conversation than the previous ones (must never happen). */
  readonly switched: string[] = [];
  readonly catchUp: () => void;

  constructor(url: string, websiteKey: string) {
    this.socket = io(`${url}/visitor`, {
      transports: ['websocket'],
      forceNew: true,
      ...RECONNECT,
      auth: (cb) => cb({ websiteKey, ...(this.token ? { token: this.token } : {}) }),
      extraHeaders: { origin: PUBLIC_URL },
    });
    this.catchUp = syncer(async () => {
      if (!this.token) return;
      for (;;) {
        const before = this.transcript.contiguous;
        const ack = await deliver<SyncResult>(this.socket, 'sync', { afterSeq: before }, Date.now() + 30_000);
        if (!ack.ok) throw new Error(`visitor sync: ${ack.error.code}`);
        this.transcript.apply(ack.data.events);
        if (!ack.data.hasMore || this.transcript.contiguous === before) break;
      }
    });
    this.socket.on('connect', () => this.catchUp());
    this.socket.on('message', (m: Message) => {
      if (this.transcript.apply([m])) this.catchUp();
    });
  }

  async send(text: string, deadline: number): Promise<void> {
    const clientId = randomUUID();
    // Without a token this send may open the session: like the widget, every retry of it (perhaps on
    // another node, after the ack was lost) carries the same first-send proof.
    const payload = this.token ? { clientId, text } : { clientId, text, firstSendProof: randomBytes(24).toString('base64url') };
    const ack = await deliver<{ conversationId: string; token?: string; message: Message }>(this.socket, 'message:send', payload, deadline);
    if (!ack.ok) throw new Error(`visitor send refused: ${ack.error.code} ${ack.error.message}`);
    if (ack.data.token) this.token = ack.data.token;
    if (this.conversationId && ack.data.conversationId !== this.conversationId) {
      this.switched.push(`${text}: ${this.conversationId} → ${ack.data.conversationId} (had token: ${!!this.token}, new token: ${!!ack.data.token})`);
    }
    this.conversationId = ack.data.conversationId;
    this.sent.push({ clientId, text });
    if (this.transcript.apply([ack.data.message])) this.catchUp();
  }
}

export class ChaosAgent {
  readonly socket: Socket;
  readonly conversations = new Map<string, Transcript>();
  /** clientIds of the replies this agent got acked. */
  readonly replies: string[] = [];
  private readonly repliedTo = new Set<string>();
  private readonly pending = new Set<Promise<unknown>>();
  private readonly catchUps = new Map<string, () => void>();

  constructor(
    url: string,
    cookie: string,
    /** Which visitor messages get an answer (so agent and visitor messages interleave). */
    private readonly shouldReply: (m: Message) => boolean,
    private readonly deadline: () => number,
  ) {
    this.socket = io(`${url}/agent`, { transports: ['websocket'], forceNew: true, ...RECONNECT, extraHeaders: { cookie, origin: PUBLIC_URL } });
    this.socket.on('connect', () => this.track(this.resume()));
    this.socket.on('offer', (offer: Offer) => this.track(this.accept(offer.id)));
    this.socket.on('presence', ({ presence }: { presence: { state: string }[] }) => {
      if (presence.some((p) => p.state === 'refused')) this.track(deliver(this.socket, 'presence:set', { channel: 'chat', state: 'ready' }, this.deadline()));
    });
    this.socket.on('message', (m: Message) => this.receive(m.conversationId, [m]));
  }

  /** Resolves once no accept, reply or catch-up is in flight. */
  async settled(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  private track(p: Promise<unknown>): void {
    const tracked = p.catch(() => {}).finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }

  /** On every (re)connect, as the desktop does: Ready, pending offers, re-open (watch) and catch up every chat. */
  private async resume(): Promise<void> {
    await deliver(this.socket, 'presence:set', { channel: 'chat', state: 'ready' }, this.deadline());
    const state = await deliver<{ offers: Offer[] }>(this.socket, 'agent:state', {}, this.deadline());
    if (state.ok) for (const offer of state.data.offers) this.track(this.accept(offer.id));
    const list = await deliver<{ mine: { id: string }[] }>(this.socket, 'conversations:list', {}, this.deadline());
    if (!list.ok) return;
    for (const { id } of list.data.mine) {
      const detail = await deliver<ConversationDetail>(this.socket, 'conversation:open', { conversationId: id }, this.deadline());
      if (detail.ok) this.receive(id, detail.data.messages, true);
    }
  }

  private async accept(offerId: string): Promise<void> {
    const ack = await deliver<ConversationDetail>(this.socket, 'offer:accept', { offerId }, this.deadline());
    if (ack.ok) this.receive(ack.data.conversation.id, ack.data.messages, true);
  }

  private receive(conversationId: string, messages: readonly Message[], forceCatchUp = false): void {
    let transcript = this.conversations.get(conversationId);
    if (!transcript) {
      // Live messages of a conversation this agent does not hold (e.g. before an accept completes) are ignored.
      if (!forceCatchUp) return;
      transcript = new Transcript();
      this.conversations.set(conversationId, transcript);
    }
    const gap = transcript.apply(messages);
    for (const m of messages) if (this.shouldReply(m) && !this.repliedTo.has(m.id)) this.reply(conversationId, m);
    if (gap || forceCatchUp) this.catchUpOf(conversationId)();
  }

  private reply(conversationId: string, to: Message): void {
    this.repliedTo.add(to.id);
    const clientId = randomUUID();
    this.track(
      deliver<{ message: Message }>(this.socket, 'message:send', { conversationId, clientId, text: `re: ${to.kind === 'text' ? to.text : to.id}` }, this.deadline()).then((ack) => {
        if (!ack.ok) return;
        this.replies.push(clientId);
        // As the desktop does: the sending socket has its message from the ack, not from the room.
        this.receive(conversationId, [ack.data.message]);
      }),
    );
  }

  private catchUpOf(conversationId: string): () => void {
    let run = this.catchUps.get(conversationId);
    if (!run) {
      const transcript = this.conversations.get(conversationId)!;
      run = syncer(async () => {
        for (;;) {
          const before = transcript.contiguous;
          const ack = await deliver<SyncResult>(this.socket, 'sync', { conversationId, afterSeq: before }, this.deadline());
          if (!ack.ok) throw new Error(`agent sync: ${ack.error.code}`);
          this.receive(conversationId, ack.data.events);
          if (!ack.data.hasMore || transcript.contiguous === before) break;
        }
      });
      this.catchUps.set(conversationId, run);
    }
    return run;
  }
}

export async function login(url: string, email: string, password: string): Promise<string> {
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: PUBLIC_URL },
    body: JSON.stringify({ email, password }),
  });
  if (res.status !== 200) throw new Error(`login ${email}: ${res.status} ${await res.text()}`);
  return (res.headers.get('set-cookie') ?? '').split(';')[0]!;
}
