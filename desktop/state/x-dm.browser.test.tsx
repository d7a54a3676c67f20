/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { render } from 'preact';
import { ConversationList } from '../components/conversation-list.tsx';
import { Transcript } from '../components/transcript.tsx';
import { setLocale } from '../i18n/index.ts';
import { CONVERSATION_ID, FakeAgentClient, ME, agentMessage, summary, textMessage } from '../testing/fakes.ts';
import { waitFor } from '../../widget/testing/wait-for.ts';
import type { Message } from '../../protocol/index.ts';
import type { Desk } from './desk.ts';
import { openDesk } from '../testing/open-desk.ts';

/** X direct messages in the desktop (issue 19): the channel's mark, the handle, delivery state, the 10,000 limit. */
const X_SUMMARY = summary({ channel: 'x_dm' });
const fromX = (seq: number, text: string): Message => ({ ...textMessage(seq, text, { author: { kind: 'visitor', id: null, name: 'Jo' } }), x: { dmEventId: '2080765901528535096', authorXId: '944480690', username: 'jo' } });

/** A desk with the customer's X DM open. */
const openXDesk = (client: FakeAgentClient, ids: string[] = []) => openDesk(client, { conversation: X_SUMMARY, messages: [fromX(1, 'Where is my order?')], ids });

describe('X direct messages in the desktop', () => {
  let container: HTMLElement;
  let desk: Desk | null = null;
  beforeEach(() => {
    setLocale('en');
    container = document.createElement('div');
    document.body.append(container);
  });
  afterEach(() => {
    render(null, container);
    container.remove();
    desk?.dispose();
    desk = null;
  });

  const show = (d: Desk) => {
    render(<Transcript messages={d.transcripts.get(CONVERSATION_ID).messages} pending={d.unsent(CONVERSATION_ID)} meId={ME.id} label="t" />, container);
    return [...container.querySelectorAll<HTMLElement>('[data-testid="transcript-row"]')];
  };
  const deliveryLine = () => container.querySelector<HTMLElement>('[data-testid="x-delivery"]');

  it('marks X conversations in the list and shows the customer\'s handle', async () => {
    render(<ConversationList kind="mine" title="Mine" empty="none" items={[X_SUMMARY, summary({ id: '22222222-2222-4222-8222-222222222222' })]} openId={null} onOpen={() => {}} />, container);
    const icons = container.querySelectorAll('[data-testid="x-icon"]');
    expect(icons).to.have.length(1);
    expect(icons[0]!.getAttribute('aria-label')).to.equal('X direct message');
    const client = new FakeAgentClient();
    desk = await openXDesk(client);
    render(null, container);
    const [row] = show(desk);
    expect(row!.querySelector('.x-handle')!.textContent).to.equal('@jo');
  });

  it('shows "Sending to X…", then the hold with its time, then nothing once sent; a refusal with X\'s reason', async () => {
    const client = new FakeAgentClient();
    const clientId = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
    desk = await openXDesk(client, [clientId]);
    const stored: Message = { ...agentMessage(2, 'It ships today', clientId), xDelivery: { state: 'pending', retryAt: null, reason: null } };
    client.respond('message:send', async () => ({ message: stored }));
    desk.editDraft(CONVERSATION_ID, 'It ships today');
    desk.sendDraft(CONVERSATION_ID);
    client.push('message', stored);
    await waitFor(() => desk!.unsent(CONVERSATION_ID).length === 0, { what: 'the ack taken' });
    show(desk);
    expect(deliveryLine()!.textContent).to.equal('Sending to X…');
    // Agent messages to X show their X state, not the web chat's receipts.
    expect(container.querySelector('[data-testid="receipt"]')).to.equal(null);

    const retryAt = new Date(Date.now() + 10 * 60_000);
    client.push('x:delivery', { conversationId: CONVERSATION_ID, messageId: stored.id, state: 'held', retryAt: retryAt.toISOString(), reason: null });
    show(desk);
    expect(deliveryLine()!.dataset.state).to.equal('held');
    expect(deliveryLine()!.textContent).to.match(/^Held by X’s limit — sends at \d{1,2}:\d{2}/);

    client.push('x:delivery', { conversationId: CONVERSATION_ID, messageId: stored.id, state: 'sent', retryAt: null, reason: null });
    show(desk);
    expect(deliveryLine()).to.equal(null);

    client.push('x:delivery', { conversationId: CONVERSATION_ID, messageId: stored.id, state: 'refused', retryAt: null, reason: 'You cannot send messages to this user.' });
    show(desk);
    expect(deliveryLine()!.textContent).to.equal('Not delivered: You cannot send messages to this user.');
    expect(deliveryLine()!.getAttribute('role')).to.equal('alert');
  });

  it('takes up to 10,000 characters in an X DM, where a web chat stops at 4,000', async () => {
    const client = new FakeAgentClient();
    desk = await openXDesk(client);
    client.respond('message:send', async (input) => ({ message: { ...agentMessage(2, (input as { text: string }).text, (input as { clientId: string }).clientId) } }));
    desk.editDraft(CONVERSATION_ID, 'a'.repeat(10_000));
    desk.sendDraft(CONVERSATION_ID);
    expect(desk.sendErrors.value[CONVERSATION_ID] ?? null).to.equal(null);
    await waitFor(() => client.callsOf('message:send').length === 1, { what: 'the long DM sent' });
    desk.editDraft(CONVERSATION_ID, 'a'.repeat(10_001));
    desk.sendDraft(CONVERSATION_ID);
    expect(desk.sendErrors.value[CONVERSATION_ID]).to.contain('10000');
  });

  it('shows the X state a sync brings when the live event was missed', async () => {
    const client = new FakeAgentClient();
    desk = await openXDesk(client);
    const pending: Message = { ...agentMessage(2, 'Hello', 'dddddddd-dddd-4ddd-8ddd-dddddddddddd'), xDelivery: { state: 'pending', retryAt: null, reason: null } };
    desk.transcripts.merge(CONVERSATION_ID, [pending]);
    desk.transcripts.merge(CONVERSATION_ID, [{ ...pending, xDelivery: { state: 'refused', retryAt: null, reason: 'Gone' } }]);
    show(desk);
    expect(deliveryLine()!.textContent).to.equal('Not delivered: Gone');
  });
});
