/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { FakeServer, waitFor } from '../testing/fake-server.ts';
import { createMessengerClient, type MessengerClient } from './messenger-client.ts';
import { createStore, STORAGE_KEYS, type KeyValueStore } from './storage.ts';
import type { OutboxEntry } from './outbox.ts';

let n = 0;
const freshStore = (): KeyValueStore => createStore(`postback-test-${Date.now()}-${n++}`);
const ask = { kind: 'quick_replies' as const, text: 'Which one?', options: [{ value: 'order', label: 'My order' }, { value: 'other', label: 'Something else' }] };

describe('MessengerClient postbacks (fake socket)', () => {
  const started: MessengerClient[] = [];
  afterEach(() => started.splice(0).forEach((c) => c.stop()));
  function start(server: FakeServer, store = freshStore()): MessengerClient {
    store.set(STORAGE_KEYS.token, server.token); // a session exists: the prompt comes with the sync
    const c = createMessengerClient({ websiteKey: 'demo-shop', store, linkFactory: server.factory, heartbeat: false, ackTimeoutMs: 200, retryBaseMs: 20 });
    started.push(c);
    c.start();
    return c;
  }

  it('writes the press to the outbox before sending and delivers it once when an ack is lost', async () => {
    const server = new FakeServer();
    server.reachable = false;
    server.bot(ask, undefined, false);
    const store = freshStore();
    const c = start(server, store);
    c.sendPostback('order', 'My order');
    expect(store.get<OutboxEntry[]>(STORAGE_KEYS.outbox)!.map((e) => [e.text, e.postback])).to.deep.equal([['My order', 'order']]);

    server.dropAcks = 1;
    server.setReachable(true);
    await waitFor(() => store.get(STORAGE_KEYS.outbox) === null && server.messages.length === 2, 'delivered');
    // The lost ack is recovered by the retry (sync shows the clientId delivered, or a resend deduplicated by it).
    expect(server.messages.filter((m) => m.author.kind === 'visitor')).to.have.length(1);
    expect(new Set(server.postbacks.map((p) => p.clientId)).size).to.equal(1);
    expect(server.postbacks[0]).to.include({ value: 'order', label: 'My order' });
    expect(server.sends).to.have.length(0); // never sent as a plain message
    await waitFor(() => c.state.rows.length === 2, 'rows');
    const last = c.state.rows[1]!;
    expect(last.type === 'message' && last.message.kind === 'text' && last.message.author.kind === 'visitor' && last.message.text).to.equal('My order');
  });

  it('drops a press the flow no longer offers and reports it, without a failed row', async () => {
    const server = new FakeServer();
    server.bot(ask, undefined, false);
    const c = start(server);
    const failures: OutboxEntry[] = [];
    c.onFailure((e) => failures.push(e));
    await waitFor(() => c.state.connection === 'online', 'online');
    c.sendPostback('refund', 'Refund');
    await waitFor(() => failures.length === 1, 'refusal');
    expect(failures[0]!.error?.code).to.equal('VALIDATION_FAILED');
    expect(c.state.rows.filter((r) => r.type === 'outbox')).to.have.length(0);
    expect(server.messages).to.have.length(1);
  });
});
