/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { ApiError } from '../api/api-error.ts';
import { setLocale } from '../i18n/index.ts';
import { mountDesk, rerender, type MountedDesk } from '../testing/desk-harness.tsx';
import { CONVERSATION_ID, OFFER_ID, offer, summary, textMessage } from '../testing/fakes.ts';

describe('offer popup', () => {
  let ui: MountedDesk | null = null;
  afterEach(() => {
    ui?.unmount();
    ui = null;
    setLocale('en');
  });

  it('counts down on the clock, notifies, and disappears at expiry with a notice', async () => {
    ui = await mountDesk();
    ui.client.push('offer', offer(ui.clock, { transferredBy: 'Grace Hopper' }));
    await rerender();

    const popup = ui.$('offer')!;
    expect(popup.getAttribute('role')).to.equal('alertdialog');
    expect(popup.dataset.offerId).to.equal(OFFER_ID);
    expect(popup.textContent).to.contain('Marie Curie').and.contain('General').and.contain('Where is my parcel?').and.contain('Transferred by Grace Hopper');
    expect(ui.$('offer-countdown')!.textContent).to.equal('45 s left');
    expect(ui.alert.chimes).to.equal(1);
    expect(ui.alert.counts.at(-1)).to.equal(1);

    ui.clock.advance(30_000);
    await rerender();
    expect(ui.$('offer-countdown')!.textContent).to.equal('15 s left');

    ui.clock.advance(15_000);
    await rerender();
    expect(ui.$('offer')).to.equal(null);
    expect(ui.alert.counts.at(-1)).to.equal(0);
    expect(ui.$('desk-notice')!.textContent).to.contain('did not answer in time');
  });

  it('stacks several offers and removes one when the server revokes it', async () => {
    ui = await mountDesk();
    const second = '88888888-8888-4888-8888-888888888882';
    ui.client.push('offer', offer(ui.clock));
    ui.client.push('offer', offer(ui.clock, { id: second, contact: { id: '22222222-2222-4222-8222-222222222223', name: 'Alan Turing' }, returning: true }));
    await rerender();
    expect(ui.$$('offer').map((el) => el.dataset.offerId)).to.deep.equal([OFFER_ID, second]);
    // Only the contact coming back to this agent says so.
    expect(ui.$$('offer-returning').map((el) => el.closest<HTMLElement>('[data-offer-id]')!.dataset.offerId)).to.deep.equal([second]);
    expect(ui.$('offer-returning')!.textContent).to.equal('Back to you: this contact was last in touch with you');
    expect(ui.alert.counts.at(-1)).to.equal(2);

    ui.client.push('offer:revoked', { offerId: OFFER_ID, reason: 'abandoned' });
    await rerender();
    expect(ui.$$('offer').map((el) => el.dataset.offerId)).to.deep.equal([second]);
    expect(ui.$('desk-notice')!.textContent).to.contain('visitor left');
  });

  it('stacks offers and toasts in one column under the top bar, even when it wraps; opening the chat clears its toast', async () => {
    const sheet = Object.assign(document.createElement('link'), { rel: 'stylesheet', href: new URL('../desktop.css', import.meta.url).href });
    await new Promise((resolve, reject) => {
      sheet.onload = resolve;
      sheet.onerror = reject;
      document.head.append(sheet);
    });
    try {
      ui = await mountDesk();
      ui.container.style.width = '700px'; // narrow: the top bar wraps onto several lines
      ui.client.push('offer', offer(ui.clock));
      ui.client.push('contact:replied', { conversationId: CONVERSATION_ID, contact: { id: '22222222-2222-4222-8222-222222222222', name: 'Marie Curie' }, preview: 'Thanks!', at: ui.clock.iso() });
      await rerender();
      await new Promise((r) => requestAnimationFrame(r));
      await rerender();
      const bar = ui.container.querySelector('.topbar')!.getBoundingClientRect();
      const card = ui.$('offer')!.getBoundingClientRect();
      const toast = ui.$('notification')!.getBoundingClientRect();
      expect(card.top).to.be.at.least(bar.bottom);
      expect(toast.top).to.be.at.least(card.bottom);

      ui.client.respond('offer:accept', async () => ({ conversation: summary(), messages: [textMessage(1, 'Thanks!')], hasMore: false }));
      ui.$('offer-accept')!.click();
      await rerender();
      expect(ui.$('notification')).to.equal(null);
    } finally {
      sheet.remove();
    }
  });

  it('Accept opens the conversation with its whole transcript', async () => {
    ui = await mountDesk();
    ui.client.respond('offer:accept', async () => ({
      conversation: summary(),
      messages: [textMessage(1, 'Hello?'), textMessage(2, 'Where is my parcel?')],
      hasMore: false,
    }));
    ui.client.push('offer', offer(ui.clock));
    await rerender();
    ui.$('offer-accept')!.click();
    await rerender();

    expect(ui.client.callsOf('offer:accept')).to.deep.equal([{ offerId: OFFER_ID }]);
    expect(ui.$('offer')).to.equal(null);
    expect(ui.$('conversation-pane')!.dataset.conversationId).to.equal(CONVERSATION_ID);
    expect(ui.$$('transcript-row').map((row) => row.querySelector('.bubble')!.textContent)).to.deep.equal(['Hello?', 'Where is my parcel?']);
    expect(ui.$$('mine-item').map((row) => row.dataset.conversationId)).to.deep.equal([CONVERSATION_ID]);
  });

  it('says "This chat was taken or expired" when Accept comes too late', async () => {
    ui = await mountDesk();
    ui.client.respond('offer:accept', async () => {
      throw new ApiError('OFFER_GONE');
    });
    ui.client.push('offer', offer(ui.clock));
    await rerender();
    ui.$('offer-accept')!.click();
    await rerender();
    expect(ui.$('offer')).to.equal(null);
    expect(ui.$('desk-notice')!.textContent).to.equal('This chat was taken or expired');
    expect(ui.$('conversation-pane')).to.equal(null);
    // The notice already shown follows a switch of language.
    setLocale('fr');
    await rerender();
    expect(ui.$('desk-notice')!.textContent).to.equal('Ce chat a été pris ou a expiré');
  });

  it('Reject sends offer:reject and removes the popup', async () => {
    ui = await mountDesk();
    ui.client.respond('offer:reject', async () => ({}));
    ui.client.push('offer', offer(ui.clock));
    await rerender();
    ui.$('offer-reject')!.click();
    await rerender();
    expect(ui.client.callsOf('offer:reject')).to.deep.equal([{ offerId: OFFER_ID }]);
    expect(ui.$('offer')).to.equal(null);
  });
});
