/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import type { AxeResults, RunOptions } from 'axe-core';
import 'axe-core';
import type { ContactHistory, ContactListItem } from '../../protocol/index.ts';
import { ApiError } from '../api/api-error.ts';
import { mountDesk, rerender, until, type MountedDesk } from '../testing/desk-harness.tsx';
import { card, CONVERSATION_ID, GENERAL, SESSION_ID, textMessage, agentMessage, ME } from '../testing/fakes.ts';
import { openInCommunication } from './navigation.ts';

const axe = (globalThis as unknown as { axe: { run(context: Element, options: RunOptions): Promise<AxeResults> } }).axe;
const CONTACT_ID = '22222222-2222-4222-8222-222222222222';
const SECOND_SESSION = '55555555-5555-4555-8555-000000000002';

const item: ContactListItem = {
  contact: { id: CONTACT_ID, name: 'Marie Curie', email: 'marie@example.com', verified: false },
  conversationId: CONVERSATION_ID,
  lastMessage: { text: 'Thanks!', authorKind: 'visitor', createdAt: '2025-01-02T10:00:00.000Z' },
  open: false,
};

function history(): ContactHistory {
  return {
    contact: { id: CONTACT_ID, name: 'Marie Curie', email: 'marie@example.com', phone: null, verified: false, attributes: {}, identities: [], createdAt: '2025-01-01T09:00:00.000Z' },
    conversationId: CONVERSATION_ID,
    sessions: [
      card({ wrapUpCode: 'resolved', state: 'closed', colour: 'grey' }),
      card({ sessionId: SECOND_SESSION, state: 'closed', colour: 'grey', wrapUpCode: 'follow_up', startedAt: '2025-01-02T09:00:00.000Z' }),
    ],
    messages: [
      textMessage(1, 'Where is my order?', { sessionId: SESSION_ID }),
      agentMessage(2, 'Let me check', '99999999-9999-4999-8999-000000000001'),
      textMessage(3, 'Hello again', { sessionId: SECOND_SESSION }),
    ].map((m, i) => (i === 1 ? { ...m, sessionId: SESSION_ID } : m)),
    lastSeq: 3,
    receipts: { visitorReadSeq: 3, agentReadSeq: 3 },
  };
}

async function openCommunication(ui: MountedDesk, contacts: ContactListItem[] = [item]) {
  ui.client.respond('contacts:search', async (input) => ({ contacts: input.visibility === 'public' ? [] : contacts.filter((c) => !input.query || c.contact.name!.toLowerCase().includes(input.query.toLowerCase())) }));
  ui.client.respond('contact:history', async () => history());
  ui.$('tab-communication')!.click();
  await until(() => ui.$$('contact-item').length === contacts.length && ui.client.callsOf('contacts:search').length > 0, 'the contact list');
}

async function selectMarie(ui: MountedDesk) {
  ui.$('contact-item')!.click();
  await until(() => ui.$$('comm-message').length === 3, 'the transcript');
}

describe('Communication tab', () => {
  let ui: MountedDesk | null = null;
  afterEach(() => {
    ui?.unmount();
    ui = null;
  });

  it('searches contacts (debounced) and shows the whole history with session headers', async () => {
    ui = await mountDesk();
    await openCommunication(ui, [item, { ...item, conversationId: '11111111-1111-4111-8111-000000000009', contact: { ...item.contact, id: '22222222-2222-4222-8222-000000000009', name: 'Pierre' } }]);
    const input = ui.$<HTMLInputElement>('contact-search')!;
    const before = ui.client.callsOf('contacts:search').length;
    for (const text of ['m', 'ma', 'mar']) {
      input.value = text;
      input.dispatchEvent(new Event('input', { bubbles: true }));
    }
    await until(() => ui!.$$('contact-item').length === 1, 'the filtered list');
    expect(ui.client.callsOf('contacts:search').slice(before)).to.deep.equal([{ query: 'mar', visibility: 'private', limit: 50 }]);
    await selectMarie(ui);
    const headers = ui.$$('comm-session-header').map((h) => h.textContent ?? '');
    expect(headers).to.have.length(2);
    expect(headers[0]).to.contain('resolved').and.contain(GENERAL.name);
    expect(headers[1]).to.contain('follow_up');
    expect(ui.$('comm-transcript')!.textContent).to.contain('Where is my order?').and.contain('Hello again');
  });

  it('keeps the contact list live: a new message moves its contact up with the preview; an answer to a follow-up re-lists', async () => {
    ui = await mountDesk();
    const pierre = { ...item, conversationId: '11111111-1111-4111-8111-000000000009', contact: { ...item.contact, id: '22222222-2222-4222-8222-000000000009', name: 'Pierre' }, lastMessage: null };
    await openCommunication(ui, [item, pierre]);
    const names = () => ui!.$$('contact-item').map((el) => el.querySelector('.item-name')!.textContent);
    expect(names()).to.deep.equal(['Marie Curie', 'Pierre']);
    ui.client.push('message', textMessage(7, 'Is my order on its way?', { conversationId: pierre.conversationId, createdAt: '2025-01-03T10:00:00.000Z' }));
    await rerender();
    expect(names()).to.deep.equal(['Pierre', 'Marie Curie']);
    expect(ui.$$('contact-item')[0]!.querySelector('.item-preview')!.textContent).to.equal('Is my order on its way?');

    const searches = ui.client.callsOf('contacts:search').length;
    ui.client.push('contact:replied', { conversationId: CONVERSATION_ID, contact: { id: CONTACT_ID, name: 'Marie Curie' }, preview: 'Thanks!', at: '2025-01-03T11:00:00.000Z' });
    await until(() => ui!.client.callsOf('contacts:search').length === searches + 1, 'a fresh search');
  });

  it('sends an asynchronous follow-up on the selected conversation', async () => {
    ui = await mountDesk();
    ui.client.respond('message:send', async (input) => ({ message: { ...agentMessage(4, (input as { text: string }).text, (input as { clientId: string }).clientId), sessionId: null } }));
    await openCommunication(ui);
    await selectMarie(ui);
    const composer = ui.$<HTMLTextAreaElement>('comm-composer')!;
    composer.value = 'Your parcel left today.';
    composer.dispatchEvent(new Event('input', { bubbles: true }));
    ui.$('comm-send')!.click();
    await until(() => ui!.$$('comm-message').length === 4, 'the sent follow-up');
    expect(ui.client.callsOf('message:send')[0]).to.include({ conversationId: CONVERSATION_ID, text: 'Your parcel left today.' });
    expect(ui.$$('comm-session-header').at(-1)!.textContent).to.equal('Messages outside a session');
    expect(composer.value).to.equal('');
  });

  it('refuses a character that cannot be sent, and holds a follow-up the server slowed down until it is stored, once', async () => {
    ui = await mountDesk();
    const limited = new ApiError('RATE_LIMITED');
    limited.retryAfterMs = 2000;
    ui.client.respond('message:send', async () => Promise.reject(limited));
    await openCommunication(ui);
    await selectMarie(ui);
    const composer = ui.$<HTMLTextAreaElement>('comm-composer')!;
    const write = (text: string) => {
      composer.value = text;
      composer.dispatchEvent(new Event('input', { bubbles: true }));
      ui!.$('comm-send')!.click();
    };
    write('bad \u0000 byte');
    await until(() => (ui!.$('comm-error')!.textContent ?? '') !== '', 'the refusal');
    expect(ui.$('comm-error')!.textContent).to.equal('This message contains a character that cannot be sent (a NUL or half of an emoji).');
    expect(ui.client.callsOf('message:send')).to.have.length(0);

    write('Your parcel left today.');
    await until(() => ui!.timers.delays().length === 1, 'the retry after the server\'s delay');
    expect(ui.timers.delays()[0]).to.be.within(2000, 2250);
    expect(composer.value).to.equal('');
    const pending = ui.$('transcript-row')!;
    expect(pending.dataset.status).to.equal('sending');
    expect(pending.textContent).to.include('Sending…');
    expect(pending.textContent).to.include('Your parcel left today.');

    ui.client.respond('message:send', async (input) => ({ message: { ...agentMessage(4, input.text, input.clientId), sessionId: null } }));
    ui.timers.runAll();
    await until(() => ui!.$$('comm-message').length === 4 && !ui!.$('transcript-row'), 'the stored follow-up');
    const sends = ui.client.callsOf('message:send') as { clientId: string }[];
    expect(sends).to.have.length(2);
    expect(sends[1]!.clientId).to.equal(sends[0]!.clientId);
  });

  it('shows why "Open as chat" failed', async () => {
    ui = await mountDesk();
    ui.client.respond('conversation:open-as-chat', async () => Promise.reject(new ApiError('CAPACITY_REACHED')));
    await openCommunication(ui);
    await selectMarie(ui);
    ui.$('open-as-chat')!.click();
    await until(() => (ui!.$('comm-error')!.textContent ?? '') !== '', 'the error');
    expect(ui.$('comm-error')!.textContent).to.equal('You already handle as many chats as you are allowed.');
    expect(ui.desk.view.value).to.equal('communication');
  });

  it('says public posts are not available yet under Public, and toggles the contact list', async () => {
    ui = await mountDesk();
    await openCommunication(ui);
    ui.$('visibility-public')!.click();
    await until(() => ui!.$('contacts-empty') !== null, 'the empty state');
    expect(ui.$('contacts-empty')!.textContent).to.contain('No public posts');
    expect(ui.$('visibility-public')!.getAttribute('aria-pressed')).to.equal('true');
    ui.$('toggle-contacts')!.click();
    await rerender();
    expect(ui.container.querySelector<HTMLElement>('#comm-contacts')!.hidden).to.equal(true);
  });

  it('opens a contact from elsewhere (notification "Show") and has no axe violations', async () => {
    ui = await mountDesk();
    ui.client.respond('contacts:search', async () => ({ contacts: [item] }));
    ui.client.respond('contact:history', async () => history());
    openInCommunication(CONVERSATION_ID);
    await until(() => ui!.$$('comm-message').length === 3, 'the transcript');
    expect(ui.desk.view.value).to.equal('communication');
    expect(ui.$('contact-item')!.getAttribute('aria-current')).to.equal('true');
    const result = await axe.run(ui.container, { resultTypes: ['violations'] });
    expect(result.violations.map((v) => `${v.id}: ${v.nodes[0]?.html ?? ''}`)).to.deep.equal([]);
    void ME;
  });
});

describe('withSessionHeaders', () => {
  it('opens one section per session and one for follow-ups; events without a session stay where they are', async () => {
    const { withSessionHeaders } = await import('./comm-transcript.tsx');
    const joined = {
      ...textMessage(2, ''),
      kind: 'event' as const,
      sessionId: null,
      author: { kind: 'system' as const, id: null, name: null },
      event: { type: 'agent_joined' as const, actorName: 'Ada' },
    };
    const rows = withSessionHeaders({
      contact: { id: ME.id, name: null, email: null, phone: null, verified: false, attributes: {}, identities: [], createdAt: new Date().toISOString() },
      conversationId: CONVERSATION_ID,
      sessions: [card()],
      messages: [textMessage(1, 'hello', { sessionId: SESSION_ID }), joined as never, textMessage(3, 'thanks', { sessionId: SESSION_ID }), textMessage(4, 'later', { sessionId: null })],
      lastSeq: 4,
      receipts: { visitorReadSeq: 0, agentReadSeq: 0 },
    } as ContactHistory);
    expect(rows.map((r) => (r.kind === 'header' ? `header:${r.session ? 'session' : 'follow-ups'}` : r.message.seq))).to.deep.equal([
      'header:session',
      1,
      2,
      3,
      'header:follow-ups',
      4,
    ]);
  });
});
