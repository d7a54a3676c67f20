/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { mountDesk, rerender, until, type MountedDesk } from '../testing/desk-harness.tsx';
import { CONVERSATION_ID, FakeClock, GENERAL, SESSION_ID, agentMessage, summary, textMessage } from '../testing/fakes.ts';
import { memoryDraftStorage } from '../state/drafts-storage.ts';
import { setLocale } from '../i18n/index.ts';

const OTHER_ID = '11111111-1111-4111-8111-222222222222';
const tab = (ui: MountedDesk, id: string) => ui.container.querySelector<HTMLElement>(`[data-testid="contact-tab"][data-conversation-id="${id}"]`)!;
const timer = (ui: MountedDesk, id: string, kind: string) => tab(ui, id).querySelector(`[data-testid="timer-${kind}"]`)?.textContent?.replace(/^.*: /, '') ?? null;

describe('contact tabs', () => {
  let ui: MountedDesk | null = null;
  afterEach(() => {
    ui?.unmount();
    ui = null;
    setLocale('en');
  });

  it('shows grey handling time, blue waiting only while the contact wrote last, purple after-contact work', async () => {
    const clock = new FakeClock('2025-01-01T10:05:00.000Z');
    const live = summary({ session: { id: SESSION_ID, state: 'active', queue: GENERAL, endedBy: null, connectedAt: '2025-01-01T10:00:30.000Z', endedAt: null } });
    ui = await mountDesk({ clock, mine: [live] });
    // The contact wrote at 10:01 (seq 1): waiting 4 minutes.
    await ui.openChat();
    expect(timer(ui, CONVERSATION_ID, 'handle')).to.equal('4:30');
    expect(timer(ui, CONVERSATION_ID, 'waiting')).to.equal('4:00');
    expect(timer(ui, CONVERSATION_ID, 'acw')).to.equal(null);

    clock.advance(5000);
    await rerender();
    expect(timer(ui, CONVERSATION_ID, 'handle')).to.equal('4:35');
    expect(timer(ui, CONVERSATION_ID, 'waiting')).to.equal('4:05');

    // The agent answers: the blue timer goes.
    ui.client.push('message', agentMessage(2, 'Let me check', 'c-1'));
    await rerender();
    expect(timer(ui, CONVERSATION_ID, 'waiting')).to.equal(null);
    // The contact writes again: blue counts from their new message.
    ui.client.push('message', textMessage(3, 'Thanks', { createdAt: clock.iso(-2000) }));
    await rerender();
    expect(timer(ui, CONVERSATION_ID, 'waiting')).to.equal('0:02');

    // The chat ends: handling stops at the end, purple counts after-contact work, no blue.
    const endedAt = clock.iso();
    ui.client.push('conversation:updated', { ...live, session: { ...live.session!, state: 'wrap_up', endedBy: 'agent', endedAt } });
    clock.advance(30_000);
    await rerender();
    expect(timer(ui, CONVERSATION_ID, 'handle')).to.equal('4:35');
    expect(timer(ui, CONVERSATION_ID, 'acw')).to.equal('0:30');
    expect(timer(ui, CONVERSATION_ID, 'waiting')).to.equal(null);
  });

  it('keeps drafts across tab switches and reloads, and marks unread chats with the title count', async () => {
    const storage = memoryDraftStorage();
    const other = summary({ id: OTHER_ID, contact: { id: '22222222-2222-4222-8222-333333333333', name: 'Grace', email: null } });
    ui = await mountDesk({ storage, mine: [summary(), other] });
    ui.client.respond('conversation:open', async ({ conversationId }) => ({
      conversation: conversationId === OTHER_ID ? other : summary(),
      messages: [textMessage(1, 'Hello', { conversationId })],
      hasMore: false,
    }));
    tab(ui, CONVERSATION_ID).click();
    await until(() => ui!.$('composer-input') !== null, 'the composer');
    const input = () => ui!.$('composer-input') as HTMLTextAreaElement;
    input().value = 'Half-written answer';
    input().dispatchEvent(new Event('input', { bubbles: true }));
    await rerender();

    tab(ui, OTHER_ID).click();
    await until(() => ui!.$('conversation-pane')?.dataset.conversationId === OTHER_ID, 'the other chat');
    expect(input().value).to.equal('');
    // The tab shows the started reply, not the contact's last message.
    expect(tab(ui, CONVERSATION_ID).querySelector('.item-preview')!.textContent).to.equal('Draft: Half-written answer');
    // A message in the chat not in view: unread marker and title count.
    ui.client.push('message', textMessage(2, 'Are you there?'));
    ui.client.push('message', textMessage(3, 'Hello?'));
    await rerender();
    expect(tab(ui, CONVERSATION_ID).querySelector('[data-testid="tab-unread"]')!.textContent).to.contain('2');
    expect(ui.titleCounts.at(-1)).to.equal(2);

    tab(ui, CONVERSATION_ID).click();
    await until(() => ui!.$('conversation-pane')?.dataset.conversationId === CONVERSATION_ID, 'back to the first chat');
    expect(input().value).to.equal('Half-written answer');
    expect(tab(ui, CONVERSATION_ID).querySelector('[data-testid="tab-unread"]')).to.equal(null);
    expect(ui.titleCounts.at(-1)).to.equal(0);

    // A reload (a new desk on the same storage) keeps the draft.
    ui.unmount();
    ui = await mountDesk({ storage, mine: [summary()] });
    await ui.openChat();
    expect((ui.$('composer-input') as HTMLTextAreaElement).value).to.equal('Half-written answer');
  });

  it('reports reads only while the chat is in view and the window focused, and shows receipts', async () => {
    ui = await mountDesk({ mine: [summary()] });
    ui.client.respond('conversation:open', async () => ({
      conversation: summary(),
      messages: [textMessage(1, 'Hi'), agentMessage(2, 'Hello!', 'c-1'), agentMessage(3, 'How can I help?', 'c-2')],
      hasMore: false,
      receipts: { visitorReadSeq: 2, agentReadSeq: 0 },
    }));
    await ui.openChat();
    const states = () => ui!.$$('receipt').map((el) => el.dataset.state);
    expect(states()).to.deep.equal(['read', 'delivered']);
    expect(ui.client.callsOf('read')).to.deep.equal([{ conversationId: CONVERSATION_ID, seq: 3 }]);

    ui.client.push('receipt', { conversationId: CONVERSATION_ID, visitorReadSeq: 3, agentReadSeq: 3 });
    await rerender();
    expect(states()).to.deep.equal(['read', 'read']);

    // Window not focused: a new message is not reported read until focus comes back.
    ui.focused.value = false;
    ui.client.push('message', textMessage(4, 'A photo of the box'));
    await rerender();
    expect(ui.client.callsOf('read')).to.have.length(1);
    ui.focused.value = true;
    await rerender();
    expect(ui.client.callsOf('read')).to.deep.equal([
      { conversationId: CONVERSATION_ID, seq: 3 },
      { conversationId: CONVERSATION_ID, seq: 4 },
    ]);
  });

  it('notifies with a Show action and a chime when a contact answers a follow-up', async () => {
    ui = await mountDesk();
    ui.client.push('contact:replied', { conversationId: CONVERSATION_ID, contact: { id: '22222222-2222-4222-8222-222222222222', name: 'Marie Curie' }, preview: 'Thanks!', at: ui.clock.iso() });
    await rerender();
    expect(ui.$('notification')!.textContent).to.contain('Marie Curie answered: “Thanks!”');
    expect(ui.alert.chimes).to.equal(1);
    // A toast already on screen follows a switch of language.
    setLocale('fr');
    await rerender();
    expect(ui.$('notification')!.textContent).to.contain('Marie Curie a répondu : « Thanks! »');
    setLocale('en');
    await rerender();
    const { communicationTarget } = await import('../communication/navigation.ts');
    ui.$('notification-show')!.click();
    await rerender();
    expect(communicationTarget.value).to.equal(CONVERSATION_ID);
    expect(ui.$('notification')).to.equal(null);
  });
});
