/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import type { WireError } from '../../protocol/errors.ts';
import { FakeServer, waitFor } from '../testing/fake-server.ts';
import { createMessengerClient, type MessengerClient, type MessengerClientOptions, type Row } from './messenger-client.ts';
import type { OutboxEntry } from './outbox.ts';
import { createStore, STORAGE_KEYS, type KeyValueStore } from './storage.ts';

/**
 * Issue 16 finding 7: one message the server will not take must not hold back the others.
 * Refused for good (or failed too often) → "failed", persisted, and the rest of the outbox flows;
 * RATE_LIMITED → wait as long as the server says and resend, never counted, never dropped.
 */
let n = 0;
const freshStore = (): KeyValueStore => createStore(`refusal-test-${Date.now()}-${n++}`);
const shown = (rows: Row[]) => rows.map((r) => (r.type === 'message' ? (r.message.kind === 'text' ? `sent:${r.message.text}` : r.message.kind) : `${r.entry.status}:${r.entry.text}`));
const stored = (store: KeyValueStore) => (store.get<OutboxEntry[]>(STORAGE_KEYS.outbox) ?? []).map((e) => `${e.status}:${e.text}`);
const refusal = (code: WireError['code'], extra: Partial<WireError> = {}): WireError => ({ code, message: 'refused by the fake server', ...extra });

describe('MessengerClient: messages the server refuses', () => {
  const started: MessengerClient[] = [];
  afterEach(() => started.splice(0).forEach((c) => c.stop()));
  function start(server: FakeServer, store = freshStore(), extra: Partial<MessengerClientOptions> = {}): MessengerClient {
    const c = createMessengerClient({ websiteKey: 'demo-shop', store, linkFactory: server.factory, heartbeat: false, ackTimeoutMs: 200, retryBaseMs: 10, retryMaxMs: 40, ...extra });
    started.push(c);
    c.start();
    return c;
  }

  it('marks a message refused with INTERNAL as failed, in storage too, and delivers the ones after it in order', async () => {
    const server = new FakeServer();
    server.refuse = (p) => (p.text.includes('\u0000') ? refusal('INTERNAL') : null);
    const store = freshStore();
    const c = start(server, store);
    c.send('first');
    c.send('bad \u0000 byte');
    c.send('after it');
    c.send('and this');
    await waitFor(() => shown(c.state.rows).join('|') === 'sent:first|sent:after it|sent:and this|failed:bad \u0000 byte', 'the others delivered');
    expect(stored(store)).to.deep.equal(['failed:bad \u0000 byte']);
    expect(server.sends.filter((s) => s.text.includes('\u0000'))).to.have.length(1); // refused for good: not resent
    expect(c.state.connection).to.equal('online');
  });

  it('gives up on a message the server keeps failing with a retryable error after maxAttempts, and the next one goes', async () => {
    const server = new FakeServer();
    server.refuse = (p) => (p.text === 'poison' ? refusal('UNAVAILABLE') : null);
    const store = freshStore();
    const c = start(server, store, { maxAttempts: 3 });
    c.send('poison');
    c.send('next one');
    await waitFor(() => shown(c.state.rows).join('|') === 'sent:next one|failed:poison', 'failed after the cap, next delivered');
    expect(server.sends.filter((s) => s.text === 'poison')).to.have.length(3);
    expect(store.get<OutboxEntry[]>(STORAGE_KEYS.outbox)![0]).to.deep.include({ status: 'failed', text: 'poison', attempts: 3 });
    await waitFor(() => c.state.connection === 'online', 'online again once a message went through');
  });

  it('sends a failed entry again on Retry, with a fresh count, and delivers it once', async () => {
    const server = new FakeServer();
    let down = true;
    server.refuse = () => (down ? refusal('UNAVAILABLE') : null);
    const c = start(server, freshStore(), { maxAttempts: 2 });
    c.send('during an outage');
    await waitFor(() => shown(c.state.rows)[0] === 'failed:during an outage', 'failed after the cap');
    down = false;
    const entry = c.outbox.list()[0]!;
    c.resend(entry.clientId);
    expect(c.outbox.list()[0]).to.deep.include({ status: 'pending' }).and.not.have.property('attempts');
    await waitFor(() => shown(c.state.rows)[0] === 'sent:during an outage', 'delivered on retry');
    expect(server.messages).to.have.length(1);
    expect(c.outbox.list()).to.deep.equal([]);
  });

  it('deletes a failed entry from the outbox and from storage', async () => {
    const server = new FakeServer();
    server.rejectWith = 'VALIDATION_FAILED';
    const store = freshStore();
    const c = start(server, store);
    c.send('never to be sent');
    await waitFor(() => shown(c.state.rows)[0] === 'failed:never to be sent', 'failed');
    c.discard(c.outbox.list()[0]!.clientId);
    expect(c.state.rows).to.deep.equal([]);
    expect(store.get(STORAGE_KEYS.outbox)).to.equal(null);
  });

  it('honours RATE_LIMITED: waits retryAfterMs, resends, never counts it against the cap, delivers once', async () => {
    const server = new FakeServer();
    const refusedAt: number[] = [];
    let resentAt = 0;
    server.refuse = (p, attempt) => {
      if (p.text !== 'slow down') return null;
      if (attempt > 3) return (resentAt = performance.now()), null;
      refusedAt.push(performance.now());
      // The visitor types again while the widget waits (the refusal has landed by 30 ms, the delay runs
      // to 150): that must not send anything before the delay is over. Not a wait but the visitor's
      // keystroke, placed inside the server's real delay, which is the behaviour under test.
      if (attempt === 1) setTimeout(() => c.send('typed meanwhile'), 30);
      return refusal('RATE_LIMITED', { retryAfterMs: 150 });
    };
    const c = start(server, freshStore(), { maxAttempts: 1 });
    c.send('slow down');
    c.send('right behind');
    await waitFor(() => shown(c.state.rows).join('|') === 'sent:slow down|sent:right behind|sent:typed meanwhile', 'all delivered, in order', 5_000);
    expect(server.messages).to.have.length(3);
    expect(new Set(server.sends.map((s) => s.clientId)).size).to.equal(3);
    // Each resend came once the server's delay had passed (a lower bound: never earlier than asked).
    const resends = [...refusedAt.slice(1), resentAt];
    resends.forEach((at, i) => expect(at - refusedAt[i]!).to.be.at.least(149));
    expect(c.state.connection).to.equal('online'); // slowed down is not an outage
  });
});
