/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import { FakeServer, waitFor } from '../testing/fake-server.ts';
import { settleToProveNothingMore } from '../testing/wait-for.ts';
import { createStore, STORAGE_KEYS, type KeyValueStore } from '../transport/storage.ts';
import { mount, type MessengerHandle } from './index.ts';

let n = 0;
const freshKey = () => `ui-test-${Date.now()}-${n++}`;
let handle: MessengerHandle | null = null;

async function mountWith(server: FakeServer, store: KeyValueStore, locale = 'en'): Promise<MessengerHandle> {
  handle = await mount({ websiteKey: 'demo-shop', serverUrl: location.origin, locale, config: null, linkFactory: server.factory, store, heartbeat: false });
  await handle.element.updateComplete;
  return handle;
}
const $ = <T extends Element = HTMLElement>(h: MessengerHandle, testid: string) =>
  h.element.shadowRoot!.querySelector<T & Element>(`[data-testid="${testid}"]`);
const $$ = (h: MessengerHandle, testid: string) => [...h.element.shadowRoot!.querySelectorAll<HTMLElement>(`[data-testid="${testid}"]`)];
const composer = (h: MessengerHandle) => $<HTMLTextAreaElement>(h, 'composer')!;
const rows = (h: MessengerHandle) => $$(h, 'message').map((r) => `${r.dataset.status}:${r.querySelector('[data-testid="message-text"]')!.textContent}`);
const sized = (el: Element | null) => !!el && el.getBoundingClientRect().width > 0 && el.getBoundingClientRect().height > 0;

async function openPanel(h: MessengerHandle): Promise<void> {
  $(h, 'launcher')!.click();
  await waitFor(() => sized($(h, 'panel')), 'panel visible');
}
async function typeAndSend(h: MessengerHandle, text: string): Promise<void> {
  composer(h).focus();
  await sendKeys({ type: text });
  await sendKeys({ press: 'Enter' });
}

describe('<parley-messenger>', () => {
  afterEach(() => {
    handle?.destroy();
    handle = null;
    document.querySelectorAll('style[data-hostile]').forEach((s) => s.remove());
  });

  it('renders inside a shadow root and stays usable under hostile host-page CSS', async () => {
    const hostile = document.createElement('style');
    hostile.dataset.hostile = '';
    hostile.textContent =
      '* { all: unset !important; } div { display: none !important; } button { display: none !important; } ' +
      'textarea { display: none !important; } section, ol, li, span, form { display: none !important; }';
    document.head.append(hostile);
    const h = await mountWith(new FakeServer(), createStore(freshKey()));
    expect(h.element.shadowRoot).to.not.equal(null);
    expect(document.querySelector('[data-testid="launcher"]')).to.equal(null); // nothing leaks into the page DOM
    expect(sized($(h, 'launcher'))).to.equal(true);
    await openPanel(h);
    expect(sized(composer(h))).to.equal(true);
    expect(sized($(h, 'send'))).to.equal(true);
    await typeAndSend(h, 'still works');
    await waitFor(() => rows(h).includes('sent:still works'), 'message sent');
    expect(sized($(h, 'message'))).to.equal(true);
  });

  it('keeps a pending message across a reload and delivers it exactly once', async () => {
    const key = freshKey();
    const offline = new FakeServer();
    offline.reachable = false;
    let h = await mountWith(offline, createStore(key));
    await openPanel(h);
    await typeAndSend(h, 'written offline');
    await waitFor(() => rows(h).includes('sending:written offline'), 'pending row');
    h.destroy(); // the page goes away

    const server = new FakeServer();
    server.reachable = false;
    h = await mountWith(server, createStore(key)); // a new page over the same storage
    expect(rows(h)).to.deep.equal(['sending:written offline']);
    expect(sized($(h, 'panel'))).to.equal(true); // open state kept across pages
    server.setReachable(true);
    await waitFor(() => rows(h).includes('sent:written offline'), 'delivered');
    await settleToProveNothingMore(); // delivered once: no second send from the old page's outbox
    expect(rows(h)).to.deep.equal(['sent:written offline']);
    expect(server.sends).to.have.length(1);
    expect(offline.sends).to.have.length(0);
    expect(createStore(key).get(STORAGE_KEYS.outbox)).to.equal(null);
  });

  it('refuses text over 4,000 characters with an error and keeps it in the composer', async () => {
    const server = new FakeServer();
    const h = await mountWith(server, createStore(freshKey()));
    await openPanel(h);
    const long = 'x'.repeat(4001);
    const box = composer(h);
    box.value = long;
    box.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
    box.focus();
    await sendKeys({ press: 'Enter' });
    const error = await waitFor(() => $(h, 'composer-error'), 'error');
    expect(error.textContent).to.contain('4001');
    expect(error.getAttribute('role')).to.equal('alert');
    expect(composer(h).value).to.equal(long);
    expect($(h, 'composer-hint')!.hasAttribute('data-over')).to.equal(true);
    expect(server.sends).to.have.length(0);
  });

  it('shows a refused message as Not sent with Retry and Delete, and delivers the next one meanwhile', async () => {
    const server = new FakeServer();
    server.refuse = (p) => (p.text.startsWith('bad') ? { code: 'INTERNAL', message: 'refused' } : null);
    const h = await mountWith(server, createStore(freshKey()));
    await openPanel(h);
    await typeAndSend(h, 'bad one');
    await typeAndSend(h, 'good one');
    await waitFor(() => rows(h).join('|') === 'sent:good one|failed:bad one', 'failed row, next delivered');
    const failed = $$(h, 'message').find((r) => r.dataset.status === 'failed')!;
    expect(failed.textContent).to.contain('Not sent: The message could not be sent (INTERNAL).');
    const buttons = [...failed.querySelectorAll('button')];
    expect(buttons.map((b) => [b.type, b.textContent!.trim()])).to.deep.equal([['button', 'Retry'], ['button', 'Delete']]);
    // Each button says which message it acts on; the failure is read out; the composer is left to the visitor.
    expect(buttons.map((b) => h.element.shadowRoot!.getElementById(b.getAttribute('aria-describedby')!)?.textContent)).to.deep.equal(['bad one', 'bad one']);
    expect($(h, 'live-region')!.textContent).to.contain('Not sent');
    expect(composer(h).value).to.equal('');
    expect($(h, 'composer-error')).to.equal(null);
  });

  it('keeps a failed message failed across a reload, sends it again on Retry and removes it on Delete', async () => {
    const key = freshKey();
    const server = new FakeServer();
    server.rejectWith = 'VALIDATION_FAILED';
    let h = await mountWith(server, createStore(key));
    await openPanel(h);
    await typeAndSend(h, 'one');
    await typeAndSend(h, 'two');
    await waitFor(() => rows(h).join('|') === 'failed:one|failed:two', 'both failed');
    h.destroy(); // the page goes away

    h = await mountWith(server, createStore(key));
    expect(rows(h)).to.deep.equal(['failed:one', 'failed:two']); // not "Sending…" forever
    await waitFor(() => h.client.state.connection === 'online', 'online');
    expect(server.sends).to.have.length(2); // a reload does not resend what was refused

    server.rejectWith = null;
    const retry = $$(h, 'retry')[0]!;
    retry.focus();
    retry.click();
    await waitFor(() => rows(h).join('|') === 'sent:one|failed:two', 'delivered on Retry');
    await waitFor(() => h.element.shadowRoot!.activeElement === composer(h), 'focus on the composer');
    $(h, 'discard')!.click();
    await waitFor(() => rows(h).join('|') === 'sent:one', 'deleted');
    expect(createStore(key).get(STORAGE_KEYS.outbox)).to.equal(null);
    expect(server.messages.map((m) => (m.kind === 'text' ? m.text : ''))).to.deep.equal(['one']);
  });

  it('sends on Enter and inserts a newline on Shift+Enter', async () => {
    const server = new FakeServer();
    const h = await mountWith(server, createStore(freshKey()));
    await openPanel(h);
    composer(h).focus();
    await sendKeys({ type: 'line one' });
    await sendKeys({ down: 'Shift' });
    await sendKeys({ press: 'Enter' });
    await sendKeys({ up: 'Shift' });
    await sendKeys({ type: 'line two' });
    expect(composer(h).value).to.equal('line one\nline two');
    expect(server.sends).to.have.length(0);
    await sendKeys({ press: 'Enter' });
    await waitFor(() => server.sends.length === 1, 'sent');
    expect(server.sends[0]!.text).to.equal('line one\nline two');
    expect(composer(h).value).to.equal('');
  });

  it('closes on Escape and gives focus back to the launcher', async () => {
    const h = await mountWith(new FakeServer(), createStore(freshKey()));
    await openPanel(h);
    await waitFor(() => h.element.shadowRoot!.activeElement === composer(h), 'composer focused on open');
    await sendKeys({ press: 'Escape' });
    await waitFor(() => !$(h, 'panel'), 'panel closed');
    await waitFor(() => h.element.shadowRoot!.activeElement === $(h, 'launcher'), 'launcher focused');
  });

  it('shows the unread badge for agent messages while closed and clears it on open', async () => {
    const server = new FakeServer();
    const store = createStore(freshKey());
    store.set(STORAGE_KEYS.token, 'visitor-token-1');
    const h = await mountWith(server, store);
    await waitFor(() => server.links[0]?.connected, 'connected');
    server.agentSays('Hello from Ada');
    const badge = await waitFor(() => $(h, 'badge'), 'badge');
    expect(badge.textContent!.trim()).to.equal('1');
    expect($(h, 'launcher')!.getAttribute('aria-label')).to.contain('1 unread message');
    await openPanel(h);
    await waitFor(() => !$(h, 'badge'), 'badge cleared');
    expect(rows(h)).to.deep.equal(['sent:Hello from Ada']);
  });

  it('renders message text as text, never as HTML', async () => {
    const server = new FakeServer();
    const store = createStore(freshKey());
    store.set(STORAGE_KEYS.token, 'visitor-token-1');
    const h = await mountWith(server, store);
    await openPanel(h);
    await waitFor(() => server.links[0]?.connected, 'connected');
    server.agentSays('<img src=x onerror="window.__pwned=1"><b>bold</b>');
    await waitFor(() => $$(h, 'message').length === 1, 'row');
    expect(h.element.shadowRoot!.querySelector('img, b')).to.equal(null);
    expect(rows(h)).to.deep.equal(['sent:<img src=x onerror="window.__pwned=1"><b>bold</b>']);
  });

  it('shows the connection state and the agent typing indicator', async () => {
    const server = new FakeServer();
    const h = await mountWith(server, createStore(freshKey()));
    await openPanel(h);
    await waitFor(() => $(h, 'connection')!.dataset.state === 'online', 'online');
    server.links[0]!.emit('typing', { author: { kind: 'agent', id: 'a', name: 'Ada' }, typing: true });
    const typing = await waitFor(() => $(h, 'typing'), 'typing');
    expect(typing.textContent).to.contain('Ada is typing');
    server.setReachable(false);
    await waitFor(() => $(h, 'connection')!.dataset.state === 'reconnecting', 'reconnecting');
    expect($(h, 'typing')).to.equal(null);
  });

  it('works with storage blocked (memory fallback)', async () => {
    const server = new FakeServer();
    const blocked = () => {
      throw new DOMException('blocked', 'SecurityError');
    };
    const h = await mountWith(server, createStore(freshKey(), blocked));
    await openPanel(h);
    await typeAndSend(h, 'private mode');
    await waitFor(() => rows(h).includes('sent:private mode'), 'delivered');
  });

  it('speaks French when the locale is fr', async () => {
    const h = await mountWith(new FakeServer(), createStore(freshKey()), 'fr');
    expect($(h, 'launcher')!.getAttribute('aria-label')).to.equal('Ouvrir la discussion');
    await openPanel(h);
    expect(composer(h).placeholder).to.equal('Votre message…');
  });

  it('answers API commands and rejects unknown ones', async () => {
    const h = await mountWith(new FakeServer(), createStore(freshKey()));
    await h.command('open');
    expect(h.element.open).to.equal(true);
    await h.command('toggle');
    expect(h.element.open).to.equal(false);
    let error: unknown;
    await h.command('explode').catch((e: unknown) => (error = e));
    expect(String(error)).to.contain('unknown command "explode"');
  });
});
