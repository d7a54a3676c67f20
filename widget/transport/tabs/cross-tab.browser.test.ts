/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { FakeServer } from '../../testing/fake-server.ts';
import { createStore } from '../storage.ts';
import { connectedLinks, freshKey as keyFor, shownRows, untilInTabs as until, useTabs, type TabFrame } from '../../testing/tab-frames.ts';

const freshKey = () => keyFor('tabs');


describe('one connection per browser (tabs as same-origin iframes)', function () {
  this.timeout(45_000);
  const open = useTabs();

  it('shares one socket between two tabs, and both show an incoming message', async () => {
    const server = new FakeServer();
    const key = freshKey();
    const a = await open(server, key);
    const b = await open(server, key);
    await a.handle.command('open');
    await until(() => a.handle.client.state.connection === 'online' && b.handle.client.state.connection === 'online', 'both online');
    expect(server.links).to.have.length(1); // the spy on the transport: one socket for the browser
    expect(a.links).to.have.length(1);
    expect(b.links).to.have.length(0);

    server.agentSays('Hello from Ada');
    await until(() => shownRows(a).includes('sent:Hello from Ada') && shownRows(b).includes('sent:Hello from Ada'), 'both tabs show it');
    expect(server.links).to.have.length(1);
  });

  it("sends a follower tab's message through the leader's socket, once, and shows it in every tab", async () => {
    const server = new FakeServer();
    const key = freshKey();
    const a = await open(server, key);
    const b = await open(server, key);
    await b.handle.command('open');
    await until(() => b.handle.client.state.connection === 'online', 'follower online');

    expect(b.handle.client.send('Written in the second tab').ok).to.equal(true);
    await until(() => shownRows(b).includes('sent:Written in the second tab'), 'acked in the sending tab');
    await until(() => shownRows(a).includes('sent:Written in the second tab'), 'shown in the other tab');
    expect(server.sends.map((s) => s.text)).to.deep.equal(['Written in the second tab']);
    expect(server.links).to.have.length(1);
    expect(b.handle.client.token).to.equal('visitor-token-1'); // the session is the browser's, shared by both tabs
  });

  it('hands the socket over when the leader tab closes, without losing a message', async () => {
    const server = new FakeServer();
    const key = freshKey();
    const a = await open(server, key);
    const b = await open(server, key);
    const c = await open(server, key);
    await a.handle.command('open');
    await until(() => [a, b, c].every((t) => t.handle.client.state.connection === 'online'), 'all online');
    b.handle.client.send('Before the leader goes');
    await until(() => server.messages.length === 1, 'first message stored');

    a.close();
    // Nobody holds a socket for a moment: what is written on either side meanwhile must arrive.
    server.agentSays('Said while no tab was connected');
    c.handle.client.send('Written during the handover');

    await until(() => connectedLinks(server).length === 1 && server.links.length === 2, 'a new leader opened one socket');
    const expected = ['sent:Before the leader goes', 'sent:Said while no tab was connected', 'sent:Written during the handover'];
    await until(() => [b, c].every((t) => expected.every((row) => shownRows(t).includes(row))), 'both remaining tabs caught up');
    expect(server.messages.map((m) => (m.kind === 'text' ? m.text : m.kind))).to.deep.equal([
      'Before the leader goes', 'Said while no tab was connected', 'Written during the handover',
    ]);
    expect(b.links.length + c.links.length).to.equal(1); // exactly one of them leads now

    server.agentSays('After the handover');
    await until(() => [b, c].every((t) => shownRows(t).includes('sent:After the handover')), 'live again in both tabs');
    expect(server.links).to.have.length(2);
  });

  it('follows an identify and a logout made in another tab, without a reload', async () => {
    const server = new FakeServer();
    const key = freshKey();
    server.validJwts.add('jwt-of-marie');
    const a = await open(server, key);
    const b = await open(server, key);
    await a.handle.command('open'); // the panel opens in both tabs
    await until(() => a.handle.client.state.connection === 'online' && b.handle.client.state.connection === 'online', 'both online');
    a.handle.client.send('Asked before signing in');
    await until(() => shownRows(b).includes('sent:Asked before signing in'), 'anonymous message in both tabs');

    // The site signs Marie in from tab A: her verified history replaces the anonymous conversation in both tabs.
    server.contactHistory = [{
      kind: 'text', id: crypto.randomUUID(), conversationId: server.messages[0]!.conversationId, seq: 1, clientId: crypto.randomUUID(),
      author: { kind: 'visitor', id: 'contact-9', name: 'Marie' }, text: 'Marie, last week', createdAt: new Date().toISOString(),
    }];
    await a.handle.command('identify', ['jwt-of-marie']);
    await until(() => shownRows(a).join() === 'sent:Marie, last week', 'tab A shows her history');
    await until(() => shownRows(b).join() === 'sent:Marie, last week', 'tab B shows her history');
    // The socket speaks for Marie now (tab B's reconnect may still be under way when her history shows).
    await until(() => server.handshakes.at(-1)?.token === 'contact-token', 'the socket reconnected with her token');

    // She signs out from tab B: nothing of hers stays on screen in tab A either.
    await b.handle.command('logout');
    await until(() => shownRows(b).length === 0 && shownRows(a).length === 0, 'both tabs emptied');
    await until(() => a.handle.client.state.connection === 'online', 'tab A online again');
    expect(server.handshakes.at(-1)?.token).to.equal(undefined); // anonymous from then on
    expect(a.handle.client.token).to.equal(null);
  });

  it('keeps one socket per tab when the browser has no Web Locks', async () => {
    const server = new FakeServer();
    const key = freshKey();
    const noLocks = { before: (win: Window) => Object.defineProperty(win.navigator, 'locks', { value: undefined }) };
    const a = await open(server, key, noLocks);
    const b = await open(server, key, noLocks);
    await until(() => a.handle.client.state.connection === 'online' && b.handle.client.state.connection === 'online', 'both online');
    expect(server.links).to.have.length(2);
  });

  it('keeps one socket per tab when storage is blocked (the tabs are then different visitors)', async () => {
    const server = new FakeServer();
    const key = freshKey();
    const blocked = () => ({ options: { store: createStore(key, () => { throw new DOMException('blocked', 'SecurityError'); }) } });
    const a = await open(server, key, blocked());
    const b = await open(server, key, blocked());
    await until(() => a.handle.client.state.connection === 'online' && b.handle.client.state.connection === 'online', 'both online');
    expect(server.links).to.have.length(2);
  });
});
