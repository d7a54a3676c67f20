/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { FakeServer, waitFor } from '../testing/fake-server.ts';
import { createStore, STORAGE_KEYS, type KeyValueStore } from '../transport/storage.ts';
import { mount, type MessengerHandle } from './index.ts';

/** Issue 6 §7 on the visitor's side: sending → delivered → read, message times, the unread badge. */
let n = 0;
let handle: MessengerHandle | null = null;

async function mountWith(server: FakeServer, store: KeyValueStore, locale = 'en'): Promise<MessengerHandle> {
  handle = await mount({ websiteKey: 'demo-shop', serverUrl: location.origin, locale, config: null, linkFactory: server.factory, store, heartbeat: false });
  await handle.element.updateComplete;
  return handle;
}
const freshStore = (open = true) => {
  const store = createStore(`receipts-test-${Date.now()}-${n++}`);
  if (open) store.set(STORAGE_KEYS.open, true);
  return store;
};
const root = (h: MessengerHandle) => h.element.shadowRoot!;
const byId = <T extends HTMLElement = HTMLElement>(h: MessengerHandle, testid: string) => root(h).querySelector<T>(`[data-testid="${testid}"]`);
const visitorRows = (h: MessengerHandle) => [...root(h).querySelectorAll<HTMLElement>('[data-testid="message"][data-author="visitor"]')];
const receiptText = (h: MessengerHandle) => [...root(h).querySelectorAll('[data-testid="receipt"]')].map((r) => r.textContent!.replace(/\s+/g, ' ').trim());

function send(h: MessengerHandle, text: string): void {
  const area = byId<HTMLTextAreaElement>(h, 'composer')!;
  area.value = text;
  area.dispatchEvent(new InputEvent('input'));
  byId<HTMLButtonElement>(h, 'send')!.click();
}

describe('<parley-messenger> receipts', () => {
  afterEach(() => {
    handle?.destroy();
    handle = null;
  });

  it('shows sending, then delivered once stored, then read when the agent has read it', async () => {
    const server = new FakeServer();
    server.reachable = false;
    const h = await mountWith(server, freshStore());
    send(h, 'Is my order shipped?');
    await waitFor(() => visitorRows(h)[0]?.dataset['status'] === 'sending', 'pending row');
    expect(visitorRows(h)[0]!.textContent).to.contain('Sending…');
    expect(receiptText(h)).to.deep.equal([]);

    server.setReachable(true);
    await waitFor(() => visitorRows(h)[0]?.dataset['receipt'] === 'delivered', 'delivered');
    expect(receiptText(h)).to.deep.equal(['· Delivered']);
    send(h, 'Order 1042');
    await waitFor(() => visitorRows(h).length === 2 && visitorRows(h)[1]!.dataset['receipt'] === 'delivered', 'second delivered');
    expect(receiptText(h)).to.deep.equal(['· Delivered']); // on the latest message only

    server.receipt(1); // the agent read the first one
    await waitFor(() => visitorRows(h)[0]!.dataset['receipt'] === 'read', 'first read');
    expect(visitorRows(h)[1]!.dataset['receipt']).to.equal('delivered');
    expect(receiptText(h)).to.deep.equal(['· Delivered']);
    server.agentSays('Yes, it left this morning');
    server.receipt(3);
    await waitFor(() => receiptText(h).join() === '· Read', 'latest read');
    server.receipt(2); // a late, older receipt changes nothing
    // The server's pushes arrive in order: once the next one is shown, the late receipt has been handled.
    server.agentSays('Anything else?');
    await waitFor(() => h.element.shadowRoot!.textContent!.includes('Anything else?'), 'the push after the late receipt');
    expect(visitorRows(h).map((r) => r.dataset['receipt'])).to.deep.equal(['read', 'read']);
  });

  it('keeps the read mark across a reload, and a receipt of another conversation marks nothing', async () => {
    const server = new FakeServer();
    const store = freshStore();
    let h = await mountWith(server, store);
    send(h, 'Hello');
    await waitFor(() => visitorRows(h)[0]?.dataset['receipt'] === 'delivered', 'delivered');
    for (const link of server.links) if (link.connected) link.emit('receipt', { conversationId: crypto.randomUUID(), agentReadSeq: 5, visitorReadSeq: 0 });
    await waitFor(() => h.client.state.agentRead?.seq === 5, 'other conversation receipt taken');
    await h.element.updateComplete;
    expect(visitorRows(h)[0]!.dataset['receipt']).to.equal('delivered');
    server.receipt(1);
    await waitFor(() => visitorRows(h)[0]!.dataset['receipt'] === 'read', 'read');
    h.destroy();

    h = await mountWith(server, store);
    await waitFor(() => visitorRows(h)[0]?.dataset['receipt'] === 'read', 'still read after reload');
    expect(receiptText(h)).to.deep.equal(['· Read']);
  });

  it('gives every message a machine-readable time in the visitor’s locale', async () => {
    const server = new FakeServer();
    const agent = server.agentSays('Bonjour', false);
    agent.createdAt = '2026-03-05T14:07:00.000Z';
    const store = freshStore();
    store.set(STORAGE_KEYS.token, server.token);
    const h = await mountWith(server, store, 'fr');
    await waitFor(() => byId(h, 'message-time'), 'time shown');
    const time = byId(h, 'message-time')!;
    expect(time.tagName).to.equal('TIME');
    expect(time.getAttribute('datetime')).to.equal('2026-03-05T14:07:00.000Z');
    expect(time.textContent).to.equal(new Intl.DateTimeFormat('fr', { hour: 'numeric', minute: '2-digit' }).format(new Date(agent.createdAt)));
    send(h, 'Merci');
    await waitFor(() => receiptText(h).join() === '· Distribué', 'French receipt');
  });

  it('counts unread agent messages on the launcher while the panel is closed', async () => {
    const server = new FakeServer();
    const store = freshStore(false);
    store.set(STORAGE_KEYS.token, server.token);
    const h = await mountWith(server, store);
    await waitFor(() => h.client.state.connection === 'online', 'online');
    server.agentSays('One');
    server.agentSays('Two');
    await waitFor(() => byId(h, 'badge')?.textContent === '2', 'badge shows 2');
    expect(byId(h, 'launcher')!.getAttribute('aria-label')).to.equal('Open chat (2 unread messages)');
    byId(h, 'launcher')!.click();
    await waitFor(() => !byId(h, 'badge'), 'badge cleared on open');
    await waitFor(() => server.reads.includes(2), 'read reported to the agent side');
  });
});
