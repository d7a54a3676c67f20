import { createIdGenerator, randomToken } from './ids.ts';
import type { Mode, XUser, DmEvent, Post, Media, AuthCode, AccessToken, RefreshToken, Webhook, Subscription, DeliveryAttempt, RecordedDelivery, Like, RateOverride } from './records.ts';

export type * from './records.ts';

// Everything the fake remembers, in memory. One object so that `reset` is one assignment and every module
// reads the same truth.

export interface FakeXOptions {
  mode: Mode;
  consumerSecret: string;
  clientId: string;
  /** Set for a confidential client: the token endpoint then requires Basic auth. */
  clientSecret?: string;
  brand: XUser;
  now?: () => number;
  webhookFetch?: typeof fetch;
  /** Show a consent page on /i/oauth2/authorize instead of approving at once. */
  interactiveConsent?: boolean;
  /** The app-only bearer token (webhook management); random when omitted. */
  appBearerToken?: string;
  /** Waits before retrying a failed webhook delivery; two retries with backoff by default. */
  retryDelaysMs?: number[];
  /** How long a receiver has to answer a delivery (10 s on X; shorter in a test of the timeout). */
  deliveryTimeoutMs?: number;
  /** How many webhooks the app may register (1 on pay-per-use, brief §0). */
  maxWebhooks?: number;
}

export interface FakeXState {
  mode: Mode;
  users: Map<string, XUser>;
  dms: DmEvent[];
  posts: Map<string, Post>;
  media: Map<string, Media>;
  codes: Map<string, AuthCode>;
  accessTokens: Map<string, AccessToken>;
  refreshTokens: Map<string, RefreshToken>;
  webhooks: Map<string, Webhook>;
  subscriptions: Map<string, Subscription>;
  deliveries: DeliveryAttempt[];
  recorded: Map<string, RecordedDelivery>;
  likes: Like[];
  /** Request times per bucket and user, for the sliding windows. */
  hits: Map<string, number[]>;
  overrides: Map<string, RateOverride>;
}

export function freshState(options: FakeXOptions): FakeXState {
  return {
    mode: options.mode,
    users: new Map([[options.brand.id, { ...options.brand }]]),
    dms: [],
    posts: new Map(),
    media: new Map(),
    codes: new Map(),
    accessTokens: new Map(),
    refreshTokens: new Map(),
    webhooks: new Map(),
    subscriptions: new Map(),
    deliveries: [],
    recorded: new Map(),
    likes: [],
    hits: new Map(),
    overrides: new Map(),
  };
}

/** What every module is handed: the options, the mutable state, the clock, the id source. */
export interface FakeX {
  options: FakeXOptions;
  state: FakeXState;
  now: () => number;
  nextId: () => string;
  appBearerToken: string;
  /** The fake's own origin (for media URLs in webhook bodies), known once it listens or serves a request. */
  baseUrl: string;
  /** Pending retry timers, cleared on reset and close. */
  timers: Set<ReturnType<typeof setTimeout>>;
}

export function createContext(options: FakeXOptions): FakeX {
  const now = options.now ?? Date.now;
  return {
    options,
    state: freshState(options),
    now,
    nextId: createIdGenerator(now),
    appBearerToken: options.appBearerToken ?? randomToken(40),
    baseUrl: 'http://127.0.0.1',
    timers: new Set(),
  };
}

export const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '.000Z');

export const conversationIdOf = (a: string, b: string): string => (BigInt(a) < BigInt(b) ? `${a}-${b}` : `${b}-${a}`);

export const ID = /^[0-9]{1,19}$/;
