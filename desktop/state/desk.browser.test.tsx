/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { render } from 'preact';
import { Transcript } from '../components/transcript.tsx';
import { setLocale } from '../i18n/index.ts';
import { ApiError } from '../api/api-error.ts';
import { CONVERSATION_ID, FakeAgentClient, ME, agentMessage, deferred, summary, textMessage } from '../testing/fakes.ts';
import { waitFor } from '../../widget/testing/wait-for.ts';
import { createDesk, type Desk } from './desk.ts';
import { memoryOutboxStorage } from './outbox-storage.ts';
import { openDesk } from '../testing/open-desk.ts';

describe('desk state', () => {
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
    const transcript = d.transcripts.get(CONVERSATION_ID);
    render(<Transcript messages={transcript.messages} pending={d.unsent(CONVERSATION_ID)} meId={ME.id} label="t" />, container);
    return [...container.querySelectorAll<HTMLElement>('[data-testid="transcript-row"]')];
  };

  it('shows a reply as pending, then exactly once when the live event and the ack both arrive', async () => {
    const client = new FakeAgentClient();
    const clientId = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
    desk = await openDesk(client, { ids: [clientId] });
    const ack = deferred<{ message: ReturnType<typeof agentMessage> }>();
    client.respond('message:send', () => ack.promise);

    desk.editDraft(CONVERSATION_ID, 'Let me check that for you');
    desk.sendDraft(CONVERSATION_ID);
    let rows = show(desk);
    expect(rows.at(-1)!.dataset.pending).to.equal('true');
    expect(desk.drafts.value[CONVERSATION_ID]).to.equal('');

    // The server broadcasts before our ack comes back.
    const stored = agentMessage(2, 'Let me check that for you', clientId);
    client.push('message', stored);
    ack.resolve({ message: stored });
    await waitFor(() => desk!.unsent(CONVERSATION_ID).length === 0 && desk!.outbox.of(CONVERSATION_ID).length === 0, { what: 'the ack taken' });
    client.push('message', stored); // a duplicate delivery changes nothing

    rows = show(desk);
    const replies = rows.filter((row) => row.textContent!.includes('Let me check that for you'));
    expect(replies).to.have.length(1);
    expect(replies[0]!.dataset.pending).to.equal(undefined);
    expect(rows.map((row) => row.dataset.seq)).to.deep.equal(['1', '2']);
    expect(client.callsOf('message:send')).to.deep.equal([{ conversationId: CONVERSATION_ID, clientId, text: 'Let me check that for you' }]);
  });

  it('shows a refused reply as not sent, with the reason, and Retry sends it again with the same clientId', async () => {
    const client = new FakeAgentClient();
    desk = await openDesk(client, { ids: ['bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', 'cccccccc-cccc-4ccc-8ccc-cccccccccccc'] });
    client.respond('message:send', async () => {
      throw new ApiError('CONVERSATION_NOT_ACTIVE');
    });
    desk.editDraft(CONVERSATION_ID, 'Are you still there?');
    desk.sendDraft(CONVERSATION_ID);
    await waitFor(() => show(desk!).at(-1)?.dataset.status === 'failed', { what: 'the refusal shown' });

    expect(desk.drafts.value[CONVERSATION_ID]).to.equal('');
    const failed = show(desk).at(-1)!;
    expect(failed.dataset.status).to.equal('failed');
    expect(failed.textContent).to.include('Not sent: The conversation is not active.');

    client.respond('message:send', async (payload) => ({ message: agentMessage(2, payload.text, payload.clientId) }));
    desk.outbox.retry('bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb');
    await waitFor(() => desk!.outbox.of(CONVERSATION_ID).length === 0, { what: 'the retry acked' });
    const sends = client.callsOf('message:send') as { clientId: string }[];
    expect(sends.map((send) => send.clientId)).to.deep.equal(['bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb']);
    const rows = show(desk).filter((row) => row.textContent!.includes('Are you still there?'));
    expect(rows).to.have.length(1);
    expect(rows[0]!.dataset.pending).to.equal(undefined);
  });

  it('refuses a reply with a character that cannot be sent, saying so, without sending it', async () => {
    const client = new FakeAgentClient();
    desk = await openDesk(client);
    desk.editDraft(CONVERSATION_ID, 'pasted \u0000 binary');
    desk.sendDraft(CONVERSATION_ID);
    expect(client.callsOf('message:send')).to.have.length(0);
    expect(desk.drafts.value[CONVERSATION_ID]).to.equal('pasted \u0000 binary');
    expect(desk.sendErrors.value[CONVERSATION_ID]).to.equal('The message contains a character that cannot be sent (a NUL or half of an emoji).');
  });

  it('refuses a reply over the length limit without sending it', async () => {
    const client = new FakeAgentClient();
    desk = await openDesk(client);
    desk.editDraft(CONVERSATION_ID, 'x'.repeat(4001));
    desk.sendDraft(CONVERSATION_ID);
    expect(client.callsOf('message:send')).to.have.length(0);
    expect(desk.drafts.value[CONVERSATION_ID]).to.have.length(4001);
    expect(desk.sendErrors.value[CONVERSATION_ID]).to.contain('4001');
  });

  it('on reconnect re-lists and syncs the open conversation from its last seq', async () => {
    const client = new FakeAgentClient();
    desk = await openDesk(client);
    client.push('message', textMessage(2, 'Anyone?'));
    client.push('message', textMessage(2, 'Anyone?')); // same seq twice: shown once
    client.respond('sync', async ({ afterSeq }) => ({
      conversationId: CONVERSATION_ID,
      events: afterSeq < 3 ? [textMessage(3, 'Hello?'), textMessage(4, 'I will wait')].filter((m) => m.seq > afterSeq) : [],
      lastSeq: 4,
      hasMore: false,
    }));
    const listsBefore = client.callsOf('conversations:list').length;

    client.setState('reconnecting');
    client.setState('connected');
    await waitFor(() => desk!.transcripts.get(CONVERSATION_ID)?.lastSeq === 4, { what: 'the open conversation synced' });

    expect(client.callsOf('conversations:list')).to.have.length(listsBefore + 1);
    expect(client.callsOf('conversation:open')).to.have.length(2); // rejoins the conversation's room
    expect(client.callsOf('sync')).to.deep.equal([{ conversationId: CONVERSATION_ID, afterSeq: 2 }]);
    expect(show(desk).map((row) => row.querySelector('.bubble')!.textContent)).to.deep.equal(['Hello, my order is late', 'Anyone?', 'Hello?', 'I will wait']);
  });

  it('moves a taken conversation from Waiting to Mine and shows the visitor typing', async () => {
    const client = new FakeAgentClient();
    const waiting = summary({ status: 'waiting', agent: null });
    client
      .respond('conversations:list', async () => ({ waiting: [waiting], mine: [] }))
      .respond('conversation:take', async () => ({ conversation: summary() }))
      .respond('conversation:open', async () => ({ conversation: summary(), messages: [], hasMore: false }));
    desk = createDesk(client, ME);
    client.setState('connected');
    await waitFor(() => desk!.waiting.value.length > 0, { what: 'the lists loaded' });
    expect(desk.waiting.value.map((c) => c.id)).to.deep.equal([CONVERSATION_ID]);

    await desk.take(CONVERSATION_ID);
    expect(desk.waiting.value).to.have.length(0);
    expect(desk.mine.value.map((c) => c.id)).to.deep.equal([CONVERSATION_ID]);
    expect(desk.openId.value).to.equal(CONVERSATION_ID);

    client.push('typing', { conversationId: CONVERSATION_ID, author: { kind: 'visitor', id: null, name: 'Marie' }, typing: true });
    expect(desk.visitorTyping.value[CONVERSATION_ID]).to.deep.equal({ name: 'Marie' });
    client.push('message', textMessage(1, 'ok'));
    expect(desk.visitorTyping.value[CONVERSATION_ID]).to.equal(undefined);
  });

  it('lists a conversation under Waiting only once its assistant has handed it over', async () => {
    const client = new FakeAgentClient();
    client.respond('conversations:list', async () => ({ waiting: [], mine: [] }));
    desk = createDesk(client, ME);
    client.setState('connected');
    // The (empty) lists are applied before the desk asks for its agent state: pushes after that are not overwritten.
    await waitFor(() => client.callsOf('agent:state').length > 0, { what: 'the lists loaded' });
    const withBot = summary({ status: 'waiting', agent: null, session: { ...summary().session!, state: 'bot', queue: null } });
    client.push('conversation:updated', withBot);
    expect(desk.waiting.value).to.have.length(0);
    client.push('conversation:updated', summary({ status: 'waiting', agent: null, session: { ...summary().session!, state: 'waiting' } }));
    expect(desk.waiting.value.map((c) => c.id)).to.deep.equal([CONVERSATION_ID]);
  });

  it('moves a row’s preview at once on a live message or an ack, and never back to an older one', async () => {
    const client = new FakeAgentClient();
    const other = summary({ id: '99999999-9999-4999-8999-999999999999', updatedAt: '2025-01-01T10:30:00.000Z' });
    client
      .respond('conversations:list', async () => ({ waiting: [], mine: [summary(), other] }))
      .respond('conversation:open', async () => ({ conversation: summary(), messages: [], hasMore: false }));
    desk = createDesk(client, ME, { newId: () => 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', outboxStorage: memoryOutboxStorage() });
    client.setState('connected');
    await waitFor(() => desk!.mine.value.length === 2, { what: 'the lists loaded' });
    expect(desk.mine.value.map((c) => c.id)).to.deep.equal([other.id, CONVERSATION_ID]);

    // A conversation this desk has not opened: the preview still follows (the server's summary comes later).
    client.push('message', textMessage(40, 'Where is my parcel?'));
    const row = () => desk!.mine.value.find((c) => c.id === CONVERSATION_ID)!;
    expect(row().lastMessage).to.deep.equal({ text: 'Where is my parcel?', authorKind: 'visitor', createdAt: textMessage(40, '').createdAt });
    expect(row().lastSeq).to.equal(40);
    expect(desk.mine.value[0]!.id).to.equal(CONVERSATION_ID); // most recent activity first

    client.push('message', textMessage(39, 'an older copy'));
    expect(row().lastMessage!.text).to.equal('Where is my parcel?');

    client.respond('message:send', async () => ({ message: agentMessage(41, 'On its way', 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb') }));
    await desk.open(CONVERSATION_ID);
    desk.editDraft(CONVERSATION_ID, 'On its way');
    desk.sendDraft(CONVERSATION_ID);
    await waitFor(() => desk!.outbox.of(CONVERSATION_ID).length === 0, { what: 'the reply acked' });
    expect(row().lastMessage).to.include({ text: 'On its way', authorKind: 'agent' });
    expect(row().lastSeq).to.equal(41);
  });
});
