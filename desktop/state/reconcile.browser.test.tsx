/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { READY_CHAT, mountDesk, rerender, until, type MountedDesk } from '../testing/desk-harness.tsx';
import { CONVERSATION_ID, OFFER_ID, offer, summary } from '../testing/fakes.ts';

describe('desk reconciliation (stale desktop)', () => {
  let ui: MountedDesk | null = null;
  afterEach(() => {
    ui?.unmount();
    ui = null;
  });

  it('loads presence and pending offers from agent:state on connect', async () => {
    ui = await mountDesk();
    const pending = offer(ui.clock);
    ui.client.respond('agent:state', async () => ({ presence: [READY_CHAT], channels: ['chat'], maxConcurrent: 5, offers: [pending] }));
    ui.client.setState('reconnecting');
    ui.client.setState('connected');
    await rerender();
    expect(ui.$$('offer').map((el) => el.dataset.offerId)).to.deep.equal([OFFER_ID]);
    expect(ui.client.callsOf('agent:state')).to.have.length(2);
  });

  it('after a reconnect, drops an offer gone and a chat transferred elsewhere, and says why', async () => {
    ui = await mountDesk({ mine: [summary()] });
    ui.client.push('offer', offer(ui.clock));
    await ui.openChat();
    expect(ui.$('conversation-pane')).to.not.equal(null);

    // While offline the offer expired and a supervisor moved the chat away.
    ui.client.respond('conversations:list', async () => ({ waiting: [], mine: [] }));
    ui.client.setState('reconnecting');
    ui.client.setState('connected');
    await until(() => ui!.$('desk-notice') !== null, 'the notice of what left while away');

    expect(ui.$('offer')).to.equal(null);
    expect(ui.$$('mine-item')).to.have.length(0);
    expect(ui.$('conversation-pane')).to.equal(null);
    expect(ui.$('desk-notice')!.textContent).to.contain('left your desk while you were disconnected').and.contain('A chat offer ended');
  });

  it('removes a chat the server moved away live, with the reason', async () => {
    ui = await mountDesk({ mine: [summary({ contact: { id: '22222222-2222-4222-8222-222222222222', name: 'Marie Curie', email: null } })] });
    await ui.openChat();
    ui.client.push('conversation:removed', { conversationId: CONVERSATION_ID, reason: 'taken' });
    await rerender();
    expect(ui.$$('mine-item')).to.have.length(0);
    expect(ui.$('conversation-pane')).to.equal(null);
    expect(ui.$('desk-notice')!.textContent).to.equal('The chat with Marie Curie is now handled by another agent.');
  });

  it('keeps only active and wrap-up sessions in My chats; waiting ones stay in the queue overview', async () => {
    ui = await mountDesk();
    ui.client.push('conversation:updated', summary({ status: 'waiting', agent: null, session: { id: '55555555-5555-4555-8555-555555555556', state: 'waiting', queue: null, endedBy: null } }));
    await rerender();
    expect(ui.$$('waiting-item')).to.have.length(1);
    expect(ui.$$('take-button')).to.have.length(1);
    ui.client.push('conversation:updated', summary());
    await rerender();
    expect(ui.$$('mine-item')).to.have.length(1);
    ui.client.push('conversation:updated', summary({ status: 'ended', session: { id: '55555555-5555-4555-8555-555555555556', state: 'closed', queue: null, endedBy: 'agent' } }));
    await rerender();
    expect(ui.$$('mine-item')).to.have.length(0);
    expect(ui.$$('waiting-item')).to.have.length(0);
  });
});
