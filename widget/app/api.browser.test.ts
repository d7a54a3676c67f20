/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import type { AxeResults, RunOptions } from 'axe-core';
// axe-core is a UMD script: imported for its side effect, it sets window.axe.
import 'axe-core';
import type { Message } from '../../protocol/message.ts';
import type { Messenger, MessengerMessage } from '../api/types.ts';
import { badCall } from '../api/validate.ts';
import { createFacade } from '../loader/facade.ts';
import { FakeServer, waitFor } from '../testing/fake-server.ts';
import { settleToProveNothingMore } from '../testing/wait-for.ts';
import { createStore, STORAGE_KEYS, type KeyValueStore } from '../transport/storage.ts';
import { mount, type MessengerHandle } from './index.ts';
import { animationsDone } from '../testing/animations.ts';

/**
 * The public API end to end in the browser: the facade (what `window.Messenger` and
 * `createMessenger` are) in front of the real app, with a fake socket server.
 */
const axe = (globalThis as unknown as { axe: { run(context: Element, options: RunOptions): Promise<AxeResults> } }).axe;
const realFetch = window.fetch;
let n = 0;
let handle: MessengerHandle | null = null;
let key = '';

function setup(server = new FakeServer(), store?: KeyValueStore): Messenger {
  key = `api-test-${Date.now()}-${n++}`;
  window.fetch = (async () =>
    new Response(JSON.stringify({ websiteKey: key, name: 'Demo Shop', locale: 'en', theme: { primaryColor: '#3157d5' } }), { status: 200 })) as typeof fetch;
  return createFacade({
    origin: location.origin,
    websiteKey: key,
    check: badCall,
    importApp: async () => ({
      mount: async (options) => (handle = await mount({ ...options, linkFactory: server.factory, heartbeat: false, ...(store ? { store } : {}) })),
    }),
  });
}
const shadow = () => handle!.element.shadowRoot!;
const $ = <T extends HTMLElement = HTMLElement>(testid: string) => shadow().querySelector<T>(`[data-testid="${testid}"]`);
const texts = () => [...shadow().querySelectorAll('[data-testid="message-text"]')].map((el) => el.textContent);
const placeholder = () => document.querySelector('parley-launcher');
const storedKeys = () => Object.keys(localStorage).filter((k) => k.startsWith(`parley:${key}:`));
const rejection = async (p: PromiseLike<unknown>): Promise<string> => {
  try {
    await p;
  } catch (e) {
    return String(e);
  }
  throw new Error('expected a rejection');
};
async function send(text: string): Promise<void> {
  const area = $<HTMLTextAreaElement>('composer')!;
  area.value = text;
  area.dispatchEvent(new Event('input'));
  $('send')!.click();
  await waitFor(() => texts().includes(text) && !shadow().querySelector('[data-status="sending"]'), `"${text}" sent`);
}
const agentMessage = (seq: number, text: string): Message => ({
  kind: 'text', id: crypto.randomUUID(), conversationId: '6f1d7c2e-2b1a-4c3d-9e8f-0a1b2c3d4e5f', seq, clientId: null,
  author: { kind: 'agent', id: 'a1', name: 'Ada' }, text, createdAt: new Date().toISOString(),
});

describe('Messenger API (facade + app)', () => {
  afterEach(() => {
    handle?.destroy();
    handle = null;
    window.fetch = realFetch;
    placeholder()?.remove();
    storedKeys().forEach((k) => localStorage.removeItem(k));
  });

  it('replays the calls made before the app loaded, in order, and the `on` handlers registered before it get its events', async () => {
    const server = new FakeServer();
    const messenger = setup(server);
    const events: string[] = [];
    messenger('on', 'open', () => events.push('open'));
    messenger('on', 'close', () => events.push('close'));
    const calls = [messenger('hide'), messenger('open'), messenger('close'), messenger('show'), messenger('toggle')];
    await Promise.all(calls);
    expect(handle, 'the app loaded').to.not.equal(null);
    expect(handle!.element.hidden).to.equal(false); // hide then show
    expect(handle!.element.open).to.equal(true); // open, close, toggle
    await waitFor(() => events.at(-1) === 'open', 'open event');
    await messenger('close');
    await waitFor(() => events.at(-1) === 'close', 'close event');
    expect(placeholder(), 'the placeholder launcher was handed over').to.equal(null);
  });

  it('reports ready (replayed to late subscribers), new agent messages and the unread count; unsubscribe stops them', async () => {
    const server = new FakeServer();
    const messenger = setup(server);
    await messenger('boot', { websiteKey: key });
    const ready: unknown[] = [];
    await messenger('on', 'ready', (p) => ready.push(p)); // subscribed after ready happened
    expect(ready).to.deep.equal([{ websiteKey: key }]);

    const messages: MessengerMessage[] = [];
    const unread: number[] = [];
    const off = messenger('on', 'message', (m) => messages.push(m));
    messenger('on', 'unread', (count) => unread.push(count));
    await messenger('open');
    await send('hello');
    await messenger('close');
    server.agentSays('Hi, how can I help?');
    await waitFor(() => messages.length === 1, 'message event');
    expect(messages[0]).to.include({ text: 'Hi, how can I help?', kind: 'text' });
    expect(messages[0]!.author).to.deep.equal({ kind: 'agent', name: 'Ada' });
    expect(JSON.parse(JSON.stringify(messages[0]))).to.deep.equal(messages[0]); // plain JSON
    await waitFor(() => unread.at(-1) === 1, 'unread 1');

    off();
    server.agentSays('Still there?');
    await waitFor(() => unread.at(-1) === 2, 'unread 2');
    expect(messages).to.have.length(1);
    await messenger('open');
    await waitFor(() => unread.at(-1) === 0, 'read on open');
  });

  it('rejects unknown commands and bad arguments with a clear message, and keeps working', async () => {
    const messenger = setup() as unknown as (...args: unknown[]) => PromiseLike<unknown>;
    expect(await rejection(messenger('fly'))).to.match(/^Error: Messenger: unknown command "fly"/);
    expect(await rejection(messenger('boot', { websiteKey: key, theme: { position: 'top' } }))).to.contain('Messenger: boot: options.theme.position must be "right" or "left"');
    expect(await rejection(messenger('boot', {}))).to.contain('options.websiteKey must be a non-empty string');
    expect(await rejection(messenger('identify', 42))).to.contain('identify: token must be a JWT string or a function');
    expect(await rejection(messenger('setAttributes', { '1plan': 'pro' }))).to.contain('invalid name "1plan"');
    expect(await rejection(messenger('setAttributes', { plan: { nested: true } }))).to.contain('"plan" must be a string');
    expect(await rejection(messenger('setAttributes', { email: 'bob@example.com' }))).to.contain('comes only from the identity token');
    expect(await rejection(messenger('setAttributes', { Email: 'bob@example.com' }))).to.contain('comes only from the identity token');
    expect(await rejection(messenger('on', 'nope', () => undefined))).to.contain('on: event must be one of ready, open, close, message, unread');
    expect(await rejection(messenger('on', 'open'))).to.contain('on: handler must be a function');
    await messenger('open');
    await waitFor(() => $('panel'), 'panel opens after the bad calls');
  });

  it('applies the theme: colour (with readable text), left position, launcher label, dark scheme', async () => {
    const messenger = setup();
    await messenger('boot', { websiteKey: key, theme: { primaryColor: '#ffcc00', position: 'left', launcherLabel: 'Help', colorScheme: 'dark' } });
    const early = placeholder()!.shadowRoot!.querySelector('button')!;
    expect(early.getBoundingClientRect().left).to.be.lessThan(100);
    expect(early.textContent).to.contain('Help');
    await messenger('open');
    const button = await waitFor(() => $('launcher'), 'launcher');
    const style = getComputedStyle(button);
    expect(style.backgroundColor).to.equal('rgb(255, 204, 0)');
    expect(style.color).to.equal('rgb(29, 35, 48)'); // dark text on a light brand colour
    expect(button.getBoundingClientRect().left).to.be.lessThan(100);
    await messenger('close');
    await waitFor(() => $('launcher')!.textContent!.includes('Help'), 'label shown while closed');
    expect($('launcher')!.getAttribute('aria-label')).to.contain('Help');
    await messenger('open');
    const panel = await waitFor(() => $('panel'), 'panel');
    expect(getComputedStyle(panel).backgroundColor).to.equal('rgb(31, 35, 43)');
    expect(getComputedStyle($('transcript')!).backgroundColor).to.equal('rgb(22, 25, 31)');
  });

  it('hides and shows the whole widget, before and after the app is loaded', async () => {
    const messenger = setup();
    await messenger('boot', { websiteKey: key });
    await messenger('hide');
    expect(placeholder()!.getBoundingClientRect().height).to.equal(0);
    expect(placeholder()!.shadowRoot!.querySelector('button')!.getBoundingClientRect().width).to.equal(0);
    await messenger('open'); // loads the app, still hidden
    expect(handle!.element.getBoundingClientRect().width).to.equal(0);
    expect($('launcher')!.getBoundingClientRect().width).to.equal(0);
    await messenger('show');
    expect($('launcher')!.getBoundingClientRect().width).to.be.greaterThan(0);
  });

  it('has no axe violations, closed and open', async () => {
    const messenger = setup();
    await messenger('open');
    await messenger('close');
    await handle!.element.updateComplete;
    const closed = await axe.run(handle!.element, { resultTypes: ['violations'] });
    expect(closed.violations.map((v) => `${v.id}: ${v.nodes[0]?.html}`)).to.deep.equal([]);
    await messenger('open');
    await waitFor(() => $('panel'), 'panel');
    await animationsDone(handle!.element);
    const open = await axe.run(handle!.element, { resultTypes: ['violations'] });
    expect(open.violations.map((v) => `${v.id}: ${v.nodes[0]?.html}`)).to.deep.equal([]);
  });

  it('deferUntilConsent: nothing reaches localStorage until consent, then the conversation is kept', async () => {
    const messenger = setup();
    await messenger('boot', { websiteKey: key, deferUntilConsent: true });
    await messenger('open');
    await send('no cookies yet');
    expect(handle!.client.token).to.equal('visitor-token-1'); // the session works, in memory
    expect(storedKeys()).to.deep.equal([]);
    await messenger('consent');
    expect(storedKeys()).to.include.members([`parley:${key}:${STORAGE_KEYS.token}`, `parley:${key}:${STORAGE_KEYS.transcript}`]);
    expect(JSON.parse(localStorage.getItem(`parley:${key}:${STORAGE_KEYS.token}`)!)).to.equal('visitor-token-1');
  });

  it('works for the page when storage is blocked (private mode)', async () => {
    const blocked = () => {
      throw new DOMException('The operation is insecure.', 'SecurityError');
    };
    const messenger = setup(new FakeServer(), createStore('blocked', blocked));
    await messenger('open');
    await send('private mode');
    expect(handle!.client.token).to.equal('visitor-token-1');
  });

  it('identify: a refused JWT rejects and changes nothing; a valid one switches to the contact history, quietly', async () => {
    const server = new FakeServer();
    server.validJwts.add('jwt-ok');
    server.contactHistory = [agentMessage(1, 'Welcome back, Ada here')];
    const messenger = setup(server);
    const messages: unknown[] = [];
    messenger('on', 'message', (m) => messages.push(m));
    await messenger('open');
    await send('anonymous question');
    expect(await rejection(messenger('identify', 'forged'))).to.contain('Messenger: identify failed (IDENTITY_INVALID');
    expect(texts()).to.deep.equal(['anonymous question']);
    expect(handle!.client.token).to.equal('visitor-token-1');

    // An expired JWT from a callback: the widget asks for a fresh one once.
    const handed: string[] = [];
    await messenger('identify', async () => (handed.push(handed.length ? 'jwt-ok' : 'expired'), handed.at(-1)!));
    expect(handed).to.deep.equal(['expired', 'jwt-ok']);
    await waitFor(() => texts().includes('Welcome back, Ada here'), 'contact history');
    expect(texts()).to.deep.equal(['Welcome back, Ada here']);
    expect(handle!.client.token).to.equal('contact-token');
    expect(messages, 'history is not a new message').to.deep.equal([]);
  });

  it('setAttributes waits for a session; logout revokes, forgets local data and starts anonymous', async () => {
    const server = new FakeServer();
    server.validJwts.add('jwt-ok');
    const store = createStore(`attrs-${Date.now()}`);
    const messenger = setup(server, store);
    await messenger('setAttributes', { plan: 'pro', seats: 3 }); // held by the loader
    await messenger('open');
    await settleToProveNothingMore(); // nothing may reach the server before there is a session
    expect(server.requests.filter((r) => r.event === 'attributes:set')).to.deep.equal([]); // no session, no server row
    await messenger('boot', { websiteKey: key, user: { jwt: 'jwt-ok' } });
    await waitFor(() => server.requests.some((r) => r.event === 'attributes:set'), 'attributes sent once identified');
    expect(server.requests.find((r) => r.event === 'attributes:set')!.payload).to.deep.equal({ attributes: { plan: 'pro', seats: 3 } });
    expect(store.get(STORAGE_KEYS.token)).to.equal('contact-token');
    await send('as Ada');

    const reconnects = server.links[0]!.forcedReconnects;
    await messenger('logout');
    expect(server.requests.at(-1)!.event).to.equal('logout');
    expect(store.get(STORAGE_KEYS.token)).to.equal(null);
    expect(store.get(STORAGE_KEYS.transcript)).to.equal(null);
    expect(texts()).to.deep.equal([]);
    expect(server.links[0]!.forcedReconnects).to.be.greaterThan(reconnects);
    await waitFor(() => server.handshakes.at(-1) && !server.handshakes.at(-1)!.token, 'anonymous handshake');
  });
});
