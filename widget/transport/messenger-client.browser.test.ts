/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { FakeServer, waitFor } from '../testing/fake-server.ts';
import { settleToProveNothingMore } from '../testing/wait-for.ts';
import { createMessengerClient, type MessengerClient, type MessengerClientOptions, type Row } from './messenger-client.ts';
import { NO_ANSWER } from './visitor-socket.ts';
import { createStore, STORAGE_KEYS, type KeyValueStore } from './storage.ts';

let n = 0;
const freshStore = (): KeyValueStore => createStore(`client-test-${Date.now()}-${n++}`);
const texts = (rows: Row[]) => rows.map((r) => (r.type === 'message' ? (r.message.kind === 'event' ? r.message.event.type : r.message.text) : `pending:${r.entry.text}`));

function client(server: FakeServer, store: KeyValueStore, extra: Partial<MessengerClientOptions> = {}) {
  return createMessengerClient({ websiteKey: 'demo-shop', store, linkFactory: server.factory, heartbeat: false, ackTimeoutMs: 200, retryBaseMs: 20, ...extra });
}

describe('MessengerClient (fake socket)', () => {
  const started: MessengerClient[] = [];
  afterEach(() => started.splice(0).forEach((c) => c.stop()));
  const start = (c: MessengerClient) => (started.push(c), c.start(), c);

  it('keeps a message in the outbox until the server acks it, then stores the token', async () => {
    const server = new FakeServer();
    server.reachable = false;
    const store = freshStore();
    const c = start(client(server, store));
    expect(c.send('hello').ok).to.equal(true);
    expect(store.get<unknown[]>(STORAGE_KEYS.outbox)).to.have.length(1);
    expect(texts(c.state.rows)).to.deep.equal(['pending:hello']);

    server.setReachable(true);
    await waitFor(() => c.state.rows[0]?.type === 'message', 'ack');
    expect(texts(c.state.rows)).to.deep.equal(['hello']);
    expect(store.get(STORAGE_KEYS.outbox)).to.equal(null);
    expect(store.get(STORAGE_KEYS.token)).to.equal('visitor-token-1');
  });

  it('delivers exactly once when an ack is lost and the message is retried', async () => {
    const server = new FakeServer();
    server.dropAcks = 1;
    const c = start(client(server, freshStore()));
    await waitFor(() => c.state.connection === 'online', 'online');
    c.send('are you there?');
    await waitFor(() => server.sends.length >= 2 && c.state.rows[0]?.type === 'message', 'retry and ack');
    expect(server.messages).to.have.length(1);
    expect(new Set(server.sends.map((s) => s.clientId)).size).to.equal(1);
    expect(texts(c.state.rows)).to.deep.equal(['are you there?']);
  });

  it('proves a first message is its own: one proof on every try of it, after a reload too, and none once there is a token', async () => {
    const server = new FakeServer();
    server.dropAcks = 1;
    const store = freshStore();
    const page = start(client(server, store));
    page.send('first words');
    await waitFor(() => server.sends.length === 1, 'first try, its ack lost');
    page.stop(); // the page is left before the ack came: the next page retries from the outbox

    const reloaded = start(client(server, store));
    await waitFor(() => reloaded.state.rows[0]?.type === 'message', 'delivered after the reload');
    reloaded.send('second words');
    await waitFor(() => server.sends.length === 3 && store.get(STORAGE_KEYS.outbox) === null, 'second message acked');
    const [firstTry, retry, second] = server.sends;
    expect(firstTry!.firstSendProof).to.match(/^[A-Za-z0-9_-]{22,128}$/);
    expect(retry!.firstSendProof).to.equal(firstTry!.firstSendProof);
    expect(second!.firstSendProof).to.equal(undefined);
    expect(server.messages).to.have.length(2);
  });

  it('drops the socket when the browser goes offline and delivers what was typed, once, when it is back online', async () => {
    const server = new FakeServer();
    const c = start(client(server, freshStore()));
    await waitFor(() => c.state.connection === 'online', 'online');
    window.dispatchEvent(new Event('offline'));
    expect(c.state.connection).to.equal('offline');
    c.send('typed while offline');
    await settleToProveNothingMore(); // offline: nothing may be sent
    expect(server.messages).to.have.length(0);
    expect(texts(c.state.rows)).to.deep.equal(['pending:typed while offline']);

    window.dispatchEvent(new Event('online'));
    await waitFor(() => c.state.rows[0]?.type === 'message', 'delivered after online');
    expect(c.state.connection).to.equal('online');
    expect(server.messages).to.have.length(1);
  });

  it('shows reconnecting while the server cannot store, keeps the message, and delivers it once storage is back', async () => {
    const server = new FakeServer();
    const c = start(client(server, freshStore()));
    await waitFor(() => c.state.connection === 'online', 'online');
    server.storageDown = true;
    c.send('during the outage');
    await waitFor(() => c.state.connection === 'reconnecting', 'reconnecting');
    expect(texts(c.state.rows)).to.deep.equal(['pending:during the outage']);

    server.storageDown = false;
    await waitFor(() => c.state.rows[0]?.type === 'message', 'delivered after the outage');
    expect(c.state.connection).to.equal('online');
    expect(server.messages).to.have.length(1);
  });

  it('reports what the visitor has seen (read receipts) only while the panel is visible, once per new message', async () => {
    const server = new FakeServer();
    const c = start(client(server, freshStore()));
    await waitFor(() => c.state.connection === 'online', 'online');
    c.send('hello');
    await waitFor(() => c.state.rows[0]?.type === 'message', 'acked');
    server.agentSays('Hi, how can I help?');
    await waitFor(() => c.state.rows.length === 2, 'agent message');
    expect(server.reads).to.deep.equal([]);

    c.setVisible(true);
    await waitFor(() => server.reads.length === 1, 'read reported on open');
    expect(server.reads).to.deep.equal([2]);
    c.setVisible(true);
    server.agentSays('Still there?');
    await waitFor(() => server.reads.length === 2, 'read reported for the new message');
    expect(server.reads).to.deep.equal([2, 3]);
  });

  it('catches up on a read receipt sent while it was away, from its sync', async () => {
    const server = new FakeServer();
    server.agentReadSeq = 1;
    const c = start(client(server, freshStore()));
    c.send('hello');
    // The first ack starts the session, which syncs: the agent had already read message 1.
    await waitFor(() => c.state.agentRead !== null, 'receipt from sync');
    expect(c.state.agentRead).to.deep.include({ seq: 1 });
  });

  it('shows at once what the server wrote with the first message (a greeting), though it was never pushed', async () => {
    const server = new FakeServer();
    server.withFirstMessage = (s) => void s.agentSays('Hi! We usually answer within a few minutes.', false);
    const c = start(client(server, freshStore()));
    await waitFor(() => c.state.connection === 'online', 'online');
    c.send('hello');
    await waitFor(() => c.state.rows.length === 2, 'greeting synced');
    expect(texts(c.state.rows)).to.deep.equal(['hello', 'Hi! We usually answer within a few minutes.']);
  });

  it('sends the outbox in order, one at a time, so only the first send creates the session', async () => {
    const server = new FakeServer();
    server.reachable = false;
    const c = start(client(server, freshStore()));
    c.send('one');
    c.send('two');
    c.send('three');
    server.setReachable(true);
    await waitFor(() => c.state.rows.every((r) => r.type === 'message') && c.state.rows.length === 3, 'all acked');
    expect(server.messages.map((m) => (m.kind === 'text' ? m.text : ''))).to.deep.equal(['one', 'two', 'three']);
  });

  it('applies events once and in seq order when the same event arrives live and in a sync answer', async () => {
    const server = new FakeServer();
    server.pageSize = 2; // force paging through hasMore
    const store = freshStore();
    store.set(STORAGE_KEYS.token, 'visitor-token-1');
    server.agentSays('a', false);
    server.agentSays('b', false);
    server.agentSays('c', false);
    const c = start(client(server, store));
    await waitFor(() => c.transcript.lastSeq === 3, 'synced');
    // The same events again, live and out of order, plus one the client never saw.
    server.push(server.messages[1]!);
    server.push(server.messages[0]!);
    const d = server.agentSays('d', false);
    server.agentSays('e', false);
    server.push(server.messages[4]!); // seq 5 before seq 4: a gap, so the client syncs
    server.push(d);
    await waitFor(() => c.transcript.lastSeq === 5, 'gap filled');
    await settleToProveNothingMore(); // no duplicate row from the replayed pushes or the sync
    expect(texts(c.state.rows)).to.deep.equal(['a', 'b', 'c', 'd', 'e']);
    expect(c.state.rows.map((r) => (r.type === 'message' ? r.message.seq : 0))).to.deep.equal([1, 2, 3, 4, 5]);
  });

  it('paints the cached transcript before connecting and resumes from the last applied seq', async () => {
    const server = new FakeServer();
    const store = freshStore();
    store.set(STORAGE_KEYS.token, 'visitor-token-1');
    server.agentSays('old', false);
    const first = start(client(server, store));
    first.setVisible(true); // the visitor reads 'old' on the first page
    await waitFor(() => first.transcript.lastSeq === 1, 'first sync');
    first.stop();

    server.agentSays('new while away', false);
    server.reachable = false;
    const second = start(client(server, store));
    expect(texts(second.state.rows)).to.deep.equal(['old']); // painted from cache, offline
    server.setReachable(true);
    await waitFor(() => second.transcript.lastSeq === 2, 'resume');
    expect(texts(second.state.rows)).to.deep.equal(['old', 'new while away']);
    expect(second.state.unread).to.equal(1);
  });

  it('counts agent messages as unread while hidden and clears them when visible', async () => {
    const server = new FakeServer();
    const store = freshStore();
    store.set(STORAGE_KEYS.token, 'visitor-token-1');
    const c = start(client(server, store));
    await waitFor(() => c.state.connection === 'online', 'online');
    server.agentSays('hi');
    server.agentSays('anyone?');
    await waitFor(() => c.state.unread === 2, 'two unread');
    c.setVisible(true);
    expect(c.state.unread).to.equal(0);
    server.agentSays('now visible');
    await waitFor(() => c.transcript.lastSeq === 3, 'third');
    expect(c.state.unread).to.equal(0);
  });

  it('marks a non-retryable rejection as failed and reports it, keeping the text', async () => {
    const server = new FakeServer();
    server.rejectWith = 'MESSAGE_TOO_LONG';
    const c = start(client(server, freshStore()));
    const failures: string[] = [];
    c.onFailure((entry) => failures.push(entry.text));
    c.send('rejected text');
    await waitFor(() => failures.length === 1, 'failure');
    const row = c.state.rows[0];
    expect(row?.type === 'outbox' && row.entry.status).to.equal('failed');
    expect(row?.type === 'outbox' && row.entry.error?.code).to.equal('MESSAGE_TOO_LONG');
    expect(failures).to.deep.equal(['rejected text']);
    expect(server.sends).to.have.length(1); // not retried
  });

  it('keeps a retryable rejection pending and retries with backoff', async () => {
    const server = new FakeServer();
    server.rejectWith = 'UNAVAILABLE';
    const c = start(client(server, freshStore()));
    c.send('db is down');
    await waitFor(() => server.sends.length >= 2, 'retries');
    expect(c.state.rows[0]?.type === 'outbox' && c.state.rows[0].entry.status).to.equal('pending');
    server.rejectWith = null;
    await waitFor(() => c.state.rows[0]?.type === 'message', 'delivered after recovery');
    expect(server.messages).to.have.length(1);
  });

  it('refuses text over 4,000 characters without queueing it', () => {
    const c = client(new FakeServer(), freshStore());
    const result = c.send('x'.repeat(4001));
    expect(result.ok === false && result.error.code).to.equal('MESSAGE_TOO_LONG');
    expect(c.outbox.list()).to.have.length(0);
  });

  it('forgets a revoked token and starts anonymous, keeping pending messages', async () => {
    const server = new FakeServer();
    const store = freshStore();
    store.set(STORAGE_KEYS.token, 'revoked');
    store.set(STORAGE_KEYS.lastSeq, 7);
    const original = server.handle.bind(server);
    server.handle = (event, payload) => (event === 'sync' && server.handshakes.at(-1)?.token ? { ok: false, error: { code: 'TOKEN_REVOKED', message: 'revoked' } } : original(event, payload));
    const c = start(client(server, store));
    c.send('after revocation');
    await waitFor(() => c.state.rows[0]?.type === 'message', 'delivered anonymously');
    expect(server.handshakes.at(-1)?.token).to.equal(undefined);
    expect(store.get(STORAGE_KEYS.token)).to.equal('visitor-token-1');
    expect(c.transcript.lastSeq).to.equal(1);
  });

  it('forces a reconnect when a heartbeat ping gets no answer (half-open socket)', async () => {
    const server = new FakeServer();
    const c = start(client(server, freshStore(), { heartbeat: { intervalMs: 20, timeoutMs: 20 } }));
    await waitFor(() => c.state.connection === 'online', 'online');
    const link = server.links[0]!;
    const original = server.handle.bind(server);
    let pings = 0;
    link.request = ((event: string, payload: unknown, timeout: number) =>
      event === 'ping' && ++pings === 1
        ? new Promise((r) => setTimeout(() => r({ ok: false, error: { code: 'UNAVAILABLE', message: NO_ANSWER } } as never), timeout))
        : Promise.resolve(original(event, payload))) as typeof link.request;
    await waitFor(() => link.forcedReconnects === 1, 'forced reconnect');
    await waitFor(() => c.state.connection === 'online', 'online again');
  });

  it('asks for the queue status after connecting, keeps the latest push and ignores malformed ones', async () => {
    const server = new FakeServer();
    server.setQueue({ position: 4, estimatedWaitSec: 240 }, false);
    const store = freshStore();
    store.set(STORAGE_KEYS.token, server.token);
    const c = start(client(server, store));
    await waitFor(() => c.state.queue?.position === 4, 'status after connect');
    expect(server.requests.map((r) => r.event)).to.include('queue:status');
    expect(c.state.canEnd).to.equal(true);

    server.links[0]!.emit('queue', { position: 'first' }); // not a QueueStatus: dropped
    server.setQueue({ position: 3 });
    await waitFor(() => c.state.queue?.position === 3, 'pushed status');
    server.setQueue({ agentsAvailable: false, estimatedWaitSec: null });
    await waitFor(() => c.state.away, 'away');
    expect(c.state.queue?.position).to.equal(3);
  });

  it('ends a waiting session as abandoned and applies the ended row', async () => {
    const server = new FakeServer();
    server.setQueue({}, false);
    const store = freshStore();
    store.set(STORAGE_KEYS.token, server.token);
    const c = start(client(server, store));
    await waitFor(() => c.state.queue, 'status');
    expect((await c.session.end()).ok).to.equal(true);
    await waitFor(() => texts(c.state.rows).includes('conversation_ended'), 'ended row');
    expect(c.state.queue?.state).to.equal('abandoned');
    expect(c.state.canEnd).to.equal(false);
  });
});
