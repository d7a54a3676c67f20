/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import { FakeServer, waitFor } from '../testing/fake-server.ts';
import { settleToProveNothingMore } from '../testing/wait-for.ts';
import { createStore, STORAGE_KEYS } from '../transport/storage.ts';
import { mount, type MessengerHandle } from './index.ts';

/** Issue 3, visitor side: queue position and wait, away notice + follow-up email, ending, join/leave rows. */
let n = 0;
let handle: MessengerHandle | null = null;

/** A visitor who already wrote (token stored) on a server that knows their session. */
async function openWidget(server: FakeServer, locale = 'en'): Promise<MessengerHandle> {
  const store = createStore(`session-test-${Date.now()}-${n++}`);
  store.set(STORAGE_KEYS.token, server.token);
  store.set(STORAGE_KEYS.open, true);
  handle = await mount({ websiteKey: 'demo-shop', serverUrl: location.origin, locale, config: null, linkFactory: server.factory, store, heartbeat: false });
  await waitFor(() => server.links[0]?.connected, 'connected');
  return handle;
}
const $ = <T extends HTMLElement = HTMLElement>(h: MessengerHandle, testid: string) =>
  h.element.shadowRoot!.querySelector<T>(`[data-testid="${testid}"]`);
const text = (h: MessengerHandle, testid: string) => $(h, testid)?.textContent?.replace(/\s+/g, ' ').trim() ?? null;
const events = (h: MessengerHandle) =>
  [...h.element.shadowRoot!.querySelectorAll<HTMLElement>('[data-testid="event"]')].map((r) => `${r.dataset.event}:${r.textContent!.trim()}`);
const focused = (h: MessengerHandle) => (h.element.shadowRoot!.activeElement as HTMLElement | null)?.dataset.testid;

async function typeEmail(h: MessengerHandle, email: string): Promise<void> {
  $(h, 'followup-email')!.focus();
  await sendKeys({ type: email });
  await sendKeys({ press: 'Enter' });
}

describe('<parley-messenger> sessions and queue', () => {
  afterEach(() => {
    handle?.destroy();
    handle = null;
  });

  it('shows the position and estimated wait, and follows a queue push', async () => {
    const server = new FakeServer();
    server.setQueue({ position: 2, estimatedWaitSec: 170 }, false);
    const h = await openWidget(server);
    const status = await waitFor(() => $(h, 'queue-status'), 'queue status');
    expect(status.dataset.position).to.equal('2');
    expect(text(h, 'queue-status')).to.equal('You are number 2 in line · about 3 min');
    expect($(h, 'away-notice')).to.equal(null);

    server.setQueue({ position: 1, estimatedWaitSec: 40 });
    await waitFor(() => $(h, 'queue-status')?.dataset.position === '1', 'position 1');
    expect(text(h, 'queue-status')).to.equal('You are next in line · about 1 min');

    server.setQueue({ state: 'active', position: null, estimatedWaitSec: null, agent: { name: 'Ada Lovelace' } });
    await waitFor(() => text(h, 'agent-name') === 'Ada Lovelace', 'agent in header');
    expect($(h, 'queue-status')).to.equal(null);
  });

  it('tells the visitor nobody is available, saves a follow-up email and shows it', async () => {
    const server = new FakeServer();
    server.setQueue({ position: 1, estimatedWaitSec: null, agentsAvailable: false }, false);
    const h = await openWidget(server);
    await waitFor(() => $(h, 'away-notice'), 'away notice');
    expect(text(h, 'away-notice')).to.contain('Our team is away right now.');
    expect(text(h, 'away-notice')).to.contain('we will answer as soon as someone is back');
    expect(text(h, 'queue-status')).to.equal('You are next in line'); // no estimate without agents
    expect($(h, 'composer')).to.not.equal(null); // the visitor can keep writing

    await typeEmail(h, 'jane@example.com');
    const saved = await waitFor(() => $(h, 'followup-saved'), 'saved email');
    expect(saved.textContent).to.equal("Thanks! We'll reply here and by email at jane@example.com.");
    expect(server.requests.filter((r) => r.event === 'followup:email').map((r) => r.payload)).to.deep.equal([{ email: 'jane@example.com' }]);
    expect($(h, 'followup-email')).to.equal(null);
  });

  it('says when the queue is outside business hours', async () => {
    const server = new FakeServer();
    server.setQueue({ withinBusinessHours: false, agentsAvailable: false, estimatedWaitSec: null }, false);
    const h = await openWidget(server);
    await waitFor(() => $(h, 'away-notice'), 'away notice');
    expect(text(h, 'away-notice')).to.contain('We are outside our opening hours right now.');
  });

  it('refuses an invalid email inline without asking the server', async () => {
    const server = new FakeServer();
    server.setQueue({ agentsAvailable: false }, false);
    const h = await openWidget(server);
    await waitFor(() => $(h, 'followup-email'), 'email field');
    await typeEmail(h, 'jane@nowhere');
    const error = await waitFor(() => $(h, 'followup-error'), 'inline error');
    expect(error.textContent).to.equal('Please enter a valid email address.');
    expect(error.getAttribute('role')).to.equal('alert');
    expect($(h, 'followup-email')!.getAttribute('aria-invalid')).to.equal('true');
    expect(focused(h)).to.equal('followup-email');
    await settleToProveNothingMore(); // the invalid email must not reach the server
    expect(server.requests.some((r) => r.event === 'followup:email')).to.equal(false);
    expect($(h, 'followup-saved')).to.equal(null);
  });

  it('asks for confirmation before ending: cancel keeps the chat, confirm ends it and the visitor can write again', async () => {
    const server = new FakeServer();
    server.add({ kind: 'visitor', id: 'contact-1', name: null }, 'hello', 'c-1');
    server.setQueue({ state: 'active', position: null, agent: { name: 'Ada Lovelace' } }, false);
    const h = await openWidget(server);
    const end = await waitFor(() => $(h, 'end-conversation'), 'end button');
    expect(end.textContent!.trim()).to.equal('End conversation');

    end.click();
    await waitFor(() => focused(h) === 'end-cancel', 'focus on cancel');
    expect($(h, 'end-dialog')!.getAttribute('role')).to.equal('alertdialog');
    expect(text(h, 'end-dialog')).to.contain('End this conversation?');
    await sendKeys({ press: 'Enter' }); // Enter on the focused Cancel
    await waitFor(() => !$(h, 'end-dialog'), 'dialog closed');
    await waitFor(() => focused(h) === 'end-conversation', 'focus back on the end button');
    await sendKeys({ press: 'Enter' });
    await waitFor(() => $(h, 'end-dialog'), 'dialog again');
    await sendKeys({ press: 'Escape' });
    await waitFor(() => !$(h, 'end-dialog'), 'escape closes');
    await settleToProveNothingMore(); // cancelling must not end the conversation
    expect(server.requests.some((r) => r.event === 'conversation:end')).to.equal(false);

    $(h, 'end-conversation')!.click();
    (await waitFor(() => $(h, 'end-confirm'), 'confirm button')).click();
    await waitFor(() => events(h).includes('conversation_ended:Conversation ended'), 'ended row');
    expect(server.requests.filter((r) => r.event === 'conversation:end')).to.have.length(1);
    expect($(h, 'end-conversation')).to.equal(null);
    expect($(h, 'agent-name')).to.equal(null);
    await waitFor(() => focused(h) === 'composer', 'focus on the composer');

    await sendKeys({ type: 'one more thing' });
    await sendKeys({ press: 'Enter' });
    await waitFor(() => server.sends.some((s) => s.text === 'one more thing'), 'new message sent');
  });

  it('says why ending failed, and drops the question for good when the chat ends elsewhere meanwhile', async () => {
    const server = new FakeServer();
    server.add({ kind: 'visitor', id: 'contact-1', name: null }, 'hello', 'c-1');
    server.setQueue({ state: 'active', position: null, agent: { name: 'Ada Lovelace' } }, false);
    const h = await openWidget(server);
    (await waitFor(() => $(h, 'end-conversation'), 'end button')).click();
    await waitFor(() => $(h, 'end-dialog'), 'dialog');
    server.setReachable(false);
    await waitFor(() => h.client.state.connection !== 'online', 'link down');
    $(h, 'end-confirm')!.click();
    await waitFor(() => $(h, 'end-error'), 'error shown');
    expect(text(h, 'end-error')).to.equal('The conversation could not be ended (UNAVAILABLE). Try again.');
    expect($(h, 'end-dialog')).to.not.equal(null);

    server.setReachable(true);
    await waitFor(() => h.client.state.connection === 'online', 'back online');
    server.setQueue({ state: 'wrap_up', agent: null }); // the agent ended it
    await waitFor(() => !$(h, 'end-dialog'), 'question dropped');
    expect($(h, 'end-conversation')).to.equal(null);
    server.setQueue({ state: 'active', agent: { name: 'Ada Lovelace' } }); // a new chat: the old question stays gone
    await waitFor(() => $(h, 'end-conversation'), 'end button again');
    expect($(h, 'end-dialog')).to.equal(null); // same render as the button
    expect(server.requests.some((r) => r.event === 'conversation:end')).to.equal(false);
  });

  it('renders joined and left rows distinct from messages, and the agent in the header', async () => {
    const server = new FakeServer();
    server.setQueue({}, false);
    const h = await openWidget(server);
    server.event('agent_joined', 'Ada Lovelace');
    server.setQueue({ state: 'active', position: null, agent: { name: 'Ada Lovelace' } });
    await waitFor(() => events(h).length === 1, 'joined row');
    server.agentSays('Hi, how can I help?');
    server.event('agent_left', 'Ada Lovelace');
    await waitFor(() => events(h).length === 2, 'left row');
    expect(events(h)).to.deep.equal(['agent_joined:Ada Lovelace joined the conversation', 'agent_left:Ada Lovelace left the conversation']);
    const row = h.element.shadowRoot!.querySelector('[data-testid="event"]')!;
    expect(row.querySelector('[data-testid="message-text"]')).to.equal(null);
    expect(getComputedStyle(row).textAlign).to.equal('center');
    expect(text(h, 'agent-name')).to.equal('Ada Lovelace');
  });

  it('speaks French', async () => {
    const server = new FakeServer();
    server.add({ kind: 'visitor', id: 'contact-1', name: null }, 'bonjour', 'c-1');
    server.setQueue({ position: 3, estimatedWaitSec: 300, agentsAvailable: false, withinBusinessHours: true }, false);
    const h = await openWidget(server, 'fr');
    await waitFor(() => $(h, 'away-notice'), 'away notice');
    expect(text(h, 'queue-status')).to.equal('Vous êtes le numéro 3 dans la file · environ 5 min');
    expect(text(h, 'away-notice')).to.contain('Notre équipe est absente pour le moment.');
    expect(text(h, 'end-conversation')).to.equal('Terminer la conversation');
    await typeEmail(h, 'pas-un-email');
    expect(await waitFor(() => text(h, 'followup-error'), 'error')).to.equal('Saisissez une adresse e-mail valide.');
    server.event('agent_joined', 'Grace');
    await waitFor(() => events(h).includes('agent_joined:Grace a rejoint la conversation'), 'joined row in French');
    $(h, 'end-conversation')!.click();
    (await waitFor(() => $(h, 'end-confirm'), 'confirm')).click();
    await waitFor(() => events(h).includes('conversation_ended:Conversation terminée'), 'ended row in French');
  });
});
