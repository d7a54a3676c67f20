import type { AgentCatalog, AgentProfile, ContactHistory, ConversationSummary, Directory, InboundInput, InboundOutput, Message, Offer, SessionCard, Website } from '../../protocol/index.ts';
import type { AgentClient, AgentPush, AgentRequest, AgentRequests, ConnectionState, PushPayload } from '../api/agent-client.ts';
import { ApiError } from '../api/api-error.ts';

/** Test doubles for browser tests: an in-memory agent client and protocol-shaped fixtures. */

type Responder<K extends AgentRequest> = (payload: InboundInput<AgentRequests, K>) => Promise<InboundOutput<AgentRequests, K>>;

export class FakeAgentClient implements AgentClient {
  readonly calls: { event: AgentRequest; payload: unknown }[] = [];
  private readonly responders: { [K in AgentRequest]?: Responder<K> } = {};
  private readonly pushHandlers = new Map<string, Set<(payload: never) => void>>();
  private readonly stateHandlers = new Set<(state: ConnectionState, error?: ApiError) => void>();
  closed = false;

  respond<K extends AgentRequest>(event: K, responder: Responder<K>): this {
    (this.responders as Record<string, unknown>)[event] = responder;
    return this;
  }

  request<K extends AgentRequest>(event: K, payload: InboundInput<AgentRequests, K>): Promise<InboundOutput<AgentRequests, K>> {
    this.calls.push({ event, payload });
    const responder = this.responders[event] as Responder<K> | undefined;
    return responder ? responder(payload) : Promise.reject(new ApiError('UNKNOWN_EVENT'));
  }

  on<K extends AgentPush>(event: K, handler: (payload: PushPayload<K>) => void): () => void {
    const set = this.pushHandlers.get(event) ?? new Set();
    set.add(handler as (payload: never) => void);
    this.pushHandlers.set(event, set);
    return () => set.delete(handler as (payload: never) => void);
  }

  onState(handler: (state: ConnectionState, error?: ApiError) => void): () => void {
    this.stateHandlers.add(handler);
    return () => this.stateHandlers.delete(handler);
  }

  close(): void {
    this.closed = true;
  }

  push<K extends AgentPush>(event: K, payload: PushPayload<K>): void {
    for (const handler of this.pushHandlers.get(event) ?? []) (handler as (p: PushPayload<K>) => void)(payload);
  }

  setState(state: ConnectionState, error?: ApiError): void {
    for (const handler of this.stateHandlers) handler(state, error);
  }

  callsOf(event: AgentRequest): unknown[] {
    return this.calls.filter((call) => call.event === event).map((call) => call.payload);
  }
}

export const ME: AgentProfile = { id: '00000000-0000-4000-8000-00000000a6e1', email: 'agent@demo.shop', name: 'Ada Lovelace', role: 'admin' };
export const CONVERSATION_ID = '11111111-1111-4111-8111-111111111111';
const CONTACT_ID = '22222222-2222-4222-8222-222222222222';
const WEBSITE_ID = '33333333-3333-4333-8333-333333333333';
/** The demo shop as Admin › Websites lists it. */
export const DEMO_WEBSITE: Website = {
  id: WEBSITE_ID,
  key: 'demo-shop',
  name: 'Demo Shop',
  allowedOrigins: ['http://localhost:3000'],
  defaultLocale: 'en',
  primaryColor: '#4f46e5',
  hasIdentitySecret: false,
  snippet: '<script async src="/widget/loader.js" data-website-key="demo-shop"></script>',
  messageRetentionDays: null,
  attachmentRetentionDays: null,
  journeyRetentionDays: 90,
  trackPages: true,
  createdAt: '2025-01-01T09:00:00.000Z',
};
export const SESSION_ID = '55555555-5555-4555-8555-555555555555';
export const GENERAL = { id: '66666666-6666-4666-8666-666666666661', name: 'General' };
export const BILLING = { id: '66666666-6666-4666-8666-666666666662', name: 'Billing' };
export const GRACE = { id: '00000000-0000-4000-8000-0000000067ac', name: 'Grace Hopper' };
export const SUPPORT_TEAM = { id: '77777777-7777-4777-8777-777777777777', name: 'Support' };

export function summary(overrides: Partial<ConversationSummary> = {}): ConversationSummary {
  return {
    id: CONVERSATION_ID,
    websiteId: WEBSITE_ID,
    channel: 'web',
    status: 'active',
    contact: { id: CONTACT_ID, name: null, email: null },
    agent: { id: ME.id, name: ME.name },
    session: { id: SESSION_ID, state: 'active', queue: GENERAL, endedBy: null },
    lastSeq: 0,
    lastMessage: null,
    createdAt: '2025-01-01T10:00:00.000Z',
    updatedAt: '2025-01-01T10:00:00.000Z',
    ...overrides,
  };
}

let counter = 0;
/** A text message; the author defaults to the visitor. */
export function textMessage(seq: number, text: string, overrides: Partial<Extract<Message, { kind: 'text' }>> = {}): Message {
  counter += 1;
  return {
    kind: 'text',
    id: `44444444-4444-4444-8444-${String(counter).padStart(12, '0')}`,
    conversationId: CONVERSATION_ID,
    seq,
    clientId: null,
    author: { kind: 'visitor', id: CONTACT_ID, name: null },
    createdAt: new Date(Date.UTC(2025, 0, 1, 10, seq)).toISOString(),
    text,
    ...overrides,
  };
}

export function agentMessage(seq: number, text: string, clientId: string): Message {
  return textMessage(seq, text, { clientId, author: { kind: 'agent', id: ME.id, name: ME.name } });
}

/** A promise plus its resolvers, to hold an ack back while a live event arrives. */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets pending promise callbacks and signal-driven renders run. */
export const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

/** A clock the test moves by hand; `advance` fires the desk's once-a-second ticks. */
export class FakeClock {
  private time: number;
  private readonly ticks = new Set<() => void>();
  constructor(start: string | number = '2025-01-01T10:00:00.000Z') {
    this.time = typeof start === 'number' ? start : Date.parse(start);
  }
  now(): number {
    return this.time;
  }
  every(_ms: number, tick: () => void): () => void {
    this.ticks.add(tick);
    return () => void this.ticks.delete(tick);
  }
  /** Moves time forward, ticking once per whole second passed. */
  advance(ms: number): void {
    for (let left = ms; left > 0; left -= 1000) {
      this.time += Math.min(1000, left);
      this.ticks.forEach((tick) => tick());
    }
  }
  iso(offsetMs = 0): string {
    return new Date(this.time + offsetMs).toISOString();
  }
}

/** Records what the offer alert was asked to do, silently. */
export class RecordingAlert {
  chimes = 0;
  counts: number[] = [];
  chime(): void {
    this.chimes += 1;
  }
  setCount(count: number): void {
    this.counts.push(count);
  }
}

export const OFFER_ID = '88888888-8888-4888-8888-888888888881';

export function offer(clock: FakeClock, overrides: Partial<Offer> = {}): Offer {
  return {
    id: OFFER_ID,
    sessionId: SESSION_ID,
    conversationId: CONVERSATION_ID,
    queue: GENERAL,
    contact: { id: CONTACT_ID, name: 'Marie Curie' },
    preview: 'Where is my parcel?',
    transferredBy: null,
    returning: false,
    offeredAt: clock.iso(),
    expiresAt: clock.iso(45_000),
    ...overrides,
  };
}

export function card(overrides: Partial<SessionCard> = {}): SessionCard {
  return {
    sessionId: SESSION_ID,
    conversationId: CONVERSATION_ID,
    websiteId: WEBSITE_ID,
    contact: { id: CONTACT_ID, name: 'Marie Curie' },
    channel: 'chat',
    state: 'active',
    endedBy: null,
    colour: 'blue',
    queue: GENERAL,
    agent: { id: ME.id, name: ME.name },
    wrapUpCode: null,
    wrapUpLabel: null,
    startedAt: '2025-01-01T09:58:00.000Z',
    endedAt: null,
    durations: { waitMs: 5000, handleMs: null, afterContactWorkMs: null },
    ...overrides,
  };
}

const queueEntry = (queue: { id: string; name: string }, isDefault: boolean) => ({
  ...queue,
  channel: 'chat' as const,
  policy: 'longest_idle' as const,
  offerTimeoutSec: 45,
  businessHours: null,
  wrapUpRequired: false,
  isDefault,
  waiting: 0,
  readyAgents: 1,
});

/** The demo address book: Ada (me), Grace, the Support team, General and Billing. */
export function directory(): Directory {
  const presence = (state: 'ready' | 'not_ready') => [{ channel: 'chat' as const, state, reason: null, since: '2025-01-01T09:00:00.000Z' }];
  const agent = (who: { id: string; name: string }, state: 'ready' | 'not_ready', load: number, max: number) => ({
    ...who,
    maxConcurrent: max,
    channels: ['chat' as const],
    queueIds: [GENERAL.id, BILLING.id],
    teamIds: [SUPPORT_TEAM.id],
    presence: presence(state),
    load,
  });
  return {
    agents: [agent(ME, 'ready', 1, 5), agent(GRACE, 'not_ready', 2, 3)],
    teams: [{ ...SUPPORT_TEAM, memberIds: [ME.id, GRACE.id] }],
    queues: [queueEntry(GENERAL, true), queueEntry(BILLING, false)],
  };
}

export const QUICK_GREETING = '99999999-0000-4000-8000-000000000001';
export const QUICK_ORDER = '99999999-0000-4000-8000-000000000002';
export const QUICK_BILLING = '99999999-0000-4000-8000-000000000003';

/** The demo catalogue: a greeting with known variables, "order status" asking for {{order_number}}, one Billing-only reply. */
export function catalog(overrides: Partial<AgentCatalog> = {}): AgentCatalog {
  const updatedAt = '2025-01-01T09:00:00.000Z';
  return {
    quickReplies: [
      { id: QUICK_GREETING, title: 'Greeting', body: 'Hello {{contact.name}}, I am {{agent.name}} (agent {{agent.id}}). How can I help?', queueId: null, updatedAt },
      { id: QUICK_ORDER, title: 'Order status', body: 'Your order {{order_number}} ships on {{ship_date}}.', queueId: null, updatedAt },
      { id: QUICK_BILLING, title: 'Refund policy', body: 'Refunds take 5 days.', queueId: BILLING.id, updatedAt },
    ],
    dispositions: [
      { id: '99999999-1111-4000-8000-000000000001', code: 'resolved', label: 'Resolved', queueIds: [], active: true },
      { id: '99999999-1111-4000-8000-000000000002', code: 'sale', label: 'Sale', queueIds: [], active: true },
      { id: '99999999-1111-4000-8000-000000000003', code: 'refund', label: 'Refund', queueIds: [BILLING.id], active: true },
      { id: '99999999-1111-4000-8000-000000000004', code: 'old', label: 'Old code', queueIds: [], active: false },
    ],
    tags: [
      { id: '99999999-2222-4000-8000-000000000001', name: 'billing' },
      { id: '99999999-2222-4000-8000-000000000002', name: 'shipping' },
    ],
    ...overrides,
  };
}

export const CONTACT = {
  id: CONTACT_ID,
  name: 'Marie Curie',
  email: 'marie@example.com',
  phone: null,
  verified: false,
  attributes: { order: 'A-1042', plan: 'gold' },
  identities: [{ channel: 'web' as const, value: 'visitor-1', verified: false }],
  createdAt: '2024-12-01T10:00:00.000Z',
};

/** A contact history: a previous closed session (seq 1-2) and the current one (seq 3-4). */
export function history(overrides: Partial<ContactHistory> = {}): ContactHistory {
  const previous = '55555555-5555-4555-8555-000000000001';
  const inSession = (message: Message, sessionId: string): Message => ({ ...message, sessionId });
  return {
    contact: CONTACT,
    conversationId: CONVERSATION_ID,
    sessions: [
      card({ sessionId: previous, state: 'closed', colour: 'grey', wrapUpCode: 'resolved', startedAt: '2024-12-01T10:00:00.000Z', endedAt: '2024-12-01T10:10:00.000Z' }),
      card(),
    ],
    messages: [
      inSession(textMessage(1, 'My parcel is late'), previous),
      inSession(agentMessage(2, 'Your parcel ships tomorrow', 'c-1'), previous),
      inSession(textMessage(3, 'The parcel arrived broken'), SESSION_ID),
      inSession(agentMessage(4, 'Sorry, sending a new one', 'c-2'), SESSION_ID),
    ],
    lastSeq: 4,
    receipts: { visitorReadSeq: 4, agentReadSeq: 3 },
    ...overrides,
  };
}

/** Timers the test runs by hand (the outbox's retries): nothing fires until `runAll`. */
export class ManualTimers {
  private pending: { ms: number; run: () => void }[] = [];
  readonly schedule = (ms: number, run: () => void): (() => void) => {
    const timer = { ms, run };
    this.pending.push(timer);
    return () => void (this.pending = this.pending.filter((t) => t !== timer));
  };
  /** Delays of the timers waiting now. */
  delays(): number[] {
    return this.pending.map((t) => t.ms);
  }
  runAll(): void {
    const due = this.pending;
    this.pending = [];
    due.forEach((t) => t.run());
  }
}
