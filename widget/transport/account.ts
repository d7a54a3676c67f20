import type { WireError } from '../../protocol/errors.ts';
import { isRetryable } from './retryable.ts';
import type { VisitorLink } from './visitor-socket.ts';

/** A signed identity token, or a function the site gives to fetch a fresh one (called again when one expires). */
export type JwtSource = string | (() => string | Promise<string>);
export type Attributes = Record<string, string | number | boolean | null>;

export interface AccountDeps {
  link: () => VisitorLink | null;
  timeoutMs: () => number;
  hasSession: () => boolean;
  /** The server bound this browser to a verified contact: store the token, switch conversation. */
  identified: (token: string) => void;
  /** Forget everything local about the visitor (logout). */
  forget: () => void;
}

/** Error of the API (`Messenger: …`): the site's Promise rejects with it. */
export const apiError = (message: string, error?: WireError): Error =>
  new Error(`Messenger: ${message}${error ? ` (${error.code}: ${error.message})` : ''}`);

/**
 * The visitor's identity as the site tells it (issue 6): `identify` with a JWT or a
 * JWT callback, custom attributes held until a session exists, and `logout`.
 * Kept apart from MessengerClient, which calls `connected()` on every connect and
 * `sessionStarted()` / `tokenRefused()` when the session changes.
 */
export class Account {
  private source: JwtSource | null = null;
  /** Attributes not yet acknowledged by the server (merged; null deletes a key). */
  private pending: Attributes = {};
  /** Every attribute the site set, to send again to a newly identified contact. */
  private known: Attributes = {};
  private identifying: Promise<void> | null = null;
  private waiters: (() => void)[] = [];
  /** The stored token was refused while a JWT callback is known: identify again on the next connect. */
  private reidentify = false;

  constructor(private readonly deps: AccountDeps) {}

  /** Links this browser to the verified contact. Rejects (visitor unchanged) when the server refuses the JWT. */
  identify(source: JwtSource): Promise<void> {
    this.source = source;
    this.reidentify = false;
    const run = (this.identifying = this.whenConnected().then(() => this.exchange(source, true)));
    const done = () => {
      if (this.identifying !== run) return;
      this.identifying = null;
      void this.flushAttributes().catch(() => undefined);
    };
    run.then(done, done);
    return run;
  }

  /** Held in memory, sent once a session exists (now, or after the first message / identify). */
  setAttributes(attributes: Attributes): Promise<void> {
    Object.assign(this.pending, attributes);
    Object.assign(this.known, attributes);
    return this.flushAttributes();
  }

  /** Revokes the token on the server when possible, then forgets everything local. */
  async logout(): Promise<void> {
    await this.identifying?.catch(() => undefined);
    this.source = null;
    this.reidentify = false;
    this.pending = {};
    this.known = {};
    const link = this.deps.link();
    // Offline: the token is forgotten here anyway, so nobody can use it again from this browser.
    if (this.deps.hasSession() && link?.connected) await link.request('logout', {}, this.deps.timeoutMs());
    this.deps.forget();
  }

  /** Called on every connect, before the sync: a pending re-identification runs first. */
  async connected(): Promise<void> {
    this.waiters.splice(0).forEach((wake) => wake());
    if (this.reidentify && this.source && !this.identifying) {
      this.reidentify = false;
      await this.identify(this.source).catch((e: unknown) => console.warn(e));
    }
    await this.identifying?.catch(() => undefined);
    void this.flushAttributes().catch(() => undefined);
  }

  /** The first message created the session: the held attributes can go. */
  sessionStarted(): void {
    void this.flushAttributes().catch(() => undefined);
  }

  /** The server refused the stored token: with a JWT callback, the visitor is identified again. */
  tokenRefused(): void {
    if (typeof this.source === 'function') this.reidentify = true;
  }

  private whenConnected(): Promise<void> {
    return this.deps.link()?.connected ? Promise.resolve() : new Promise((wake) => this.waiters.push(wake));
  }

  private async exchange(source: JwtSource, retry: boolean): Promise<void> {
    let jwt: unknown;
    try {
      jwt = typeof source === 'function' ? await source() : source;
    } catch (error) {
      throw apiError(`the identify callback failed: ${String(error)}`);
    }
    if (typeof jwt !== 'string' || !jwt) throw apiError('the identify callback must return a JWT string');
    const link = this.deps.link();
    const answer = link ? await link.request('identify', { jwt }, this.deps.timeoutMs()) : null;
    if (answer?.ok) {
      this.deps.identified(answer.data.token);
      this.pending = { ...this.known }; // the contact changed: it gets the attributes too
      return;
    }
    // An expired JWT from a callback: ask the site for a fresh one, once.
    if (retry && typeof source === 'function' && answer?.error.code === 'IDENTITY_INVALID') return this.exchange(source, false);
    throw apiError('identify failed', answer?.error ?? { code: 'UNAVAILABLE', message: 'Not connected.' });
  }

  private async flushAttributes(): Promise<void> {
    const link = this.deps.link();
    const attributes = this.pending;
    if (!Object.keys(attributes).length || this.identifying || !this.deps.hasSession() || !link?.connected) return;
    this.pending = {};
    const answer = await link.request('attributes:set', { attributes }, this.deps.timeoutMs());
    if (answer.ok) return;
    if (!isRetryable(answer.error.code)) throw apiError('setAttributes refused', answer.error);
    // Not stored now: keep them (unless newer values came meanwhile) for the next connect.
    this.pending = { ...attributes, ...this.pending };
  }
}
