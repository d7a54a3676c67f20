/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import { ApiError } from '../api/api-error.ts';
import { mountDesk, rerender, until, type MountedDesk } from '../testing/desk-harness.tsx';
import { BILLING, CONVERSATION_ID, GRACE, SESSION_ID, card, directory, summary } from '../testing/fakes.ts';

describe('chat actions: transfer, end, wrap-up', () => {
  let ui: MountedDesk | null = null;
  afterEach(() => {
    ui?.unmount();
    ui = null;
  });

  async function openMine() {
    ui = await mountDesk({ mine: [summary()] });
    await ui.openChat();
    return ui;
  }

  it('transfers through the address book and the chat leaves the desk', async () => {
    const ui = await openMine();
    ui.client.respond('directory:get', async () => directory()).respond('session:transfer', async () => ({}));
    ui.$('transfer-button')!.click();
    await until(() => ui.$$('transfer-target').length > 0, 'the address book');
    const dialog = ui.container.querySelector('dialog')!;
    expect(dialog.open).to.equal(true);
    // Myself is not a target; agents show their state and load.
    expect(ui.$$('transfer-target').map((el) => `${el.dataset.kind}:${el.querySelector('.target-name')!.textContent}`)).to.deep.equal([
      'agent:Grace Hopper',
      'team:Support',
      'queue:General',
      'queue:Billing',
    ]);
    expect(ui.$$('transfer-target')[0]!.textContent).to.contain('Not Ready').and.contain('2/3');

    ui.$('transfer-search')!.focus();
    await sendKeys({ type: 'bill' });
    await until(() => ui.$$('transfer-target').length === 1, 'the search to filter');
    const targets = ui.$$('transfer-target');
    expect(targets.map((el) => el.dataset.id)).to.deep.equal([BILLING.id]);
    expect((ui.$('transfer-confirm') as HTMLButtonElement).disabled).to.equal(true);
    targets[0]!.click();
    await rerender();
    ui.$('transfer-confirm')!.click();
    await rerender();

    expect(ui.client.callsOf('session:transfer')).to.deep.equal([{ conversationId: CONVERSATION_ID, target: { kind: 'queue', id: BILLING.id } }]);
    expect(ui.$$('mine-item')).to.have.length(0);
    expect(ui.$('conversation-pane')).to.equal(null);
    expect(ui.container.querySelector('dialog')).to.equal(null);
    expect(ui.$('desk-notice')!.textContent).to.contain('was transferred');
    // The server's echo changes nothing more.
    ui.client.push('conversation:removed', { conversationId: CONVERSATION_ID, reason: 'transferred' });
    await rerender();
    expect(ui.$$('mine-item')).to.have.length(0);
  });

  it('keeps the chat and shows the error inline when the target is invalid', async () => {
    const ui = await openMine();
    ui.client.respond('directory:get', async () => directory()).respond('session:transfer', async () => {
      throw new ApiError('TRANSFER_TARGET_INVALID');
    });
    ui.$('transfer-button')!.click();
    await until(() => ui.$$('transfer-target').length > 0, 'the address book');
    ui.container.querySelector<HTMLElement>(`[data-testid="transfer-target"][data-id="${GRACE.id}"]`)!.click();
    await rerender();
    ui.$('transfer-confirm')!.click();
    await rerender();
    expect(ui.$('transfer-error')!.textContent).to.equal('This target does not exist or has nobody to receive the chat.');
    expect(ui.$$('mine-item')).to.have.length(1);
    expect(ui.container.querySelector('dialog')!.open).to.equal(true);
  });

  it('ends the chat only after a second confirmation, then shows the wrap-up form', async () => {
    const ui = await openMine();
    ui.client.respond('session:end', async () => ({ session: card({ state: 'wrap_up', endedBy: 'agent', endedAt: '2025-01-01T10:05:00.000Z' }) }));
    ui.$('end-chat')!.click();
    await rerender();
    expect(ui.client.callsOf('session:end')).to.have.length(0);
    await until(() => document.activeElement === ui.$('end-chat-confirm'), 'focus on the confirmation');

    ui.$('end-chat-confirm')!.click();
    await rerender();
    expect(ui.client.callsOf('session:end')).to.deep.equal([{ conversationId: CONVERSATION_ID }]);
    expect(ui.$('wrapup-save')).to.not.equal(null);
    expect(ui.$('composer-input')).to.equal(null);
    expect(ui.$('end-chat')).to.equal(null);
  });

  it('backs out of ending with "Keep chatting"', async () => {
    const ui = await openMine();
    ui.$('end-chat')!.click();
    await rerender();
    ui.$('end-chat-cancel')!.click();
    await rerender();
    expect(ui.$('end-chat-confirm')).to.equal(null);
    expect(ui.client.callsOf('session:end')).to.have.length(0);
  });

  it('shows WRAP_UP_REQUIRED inline and closes nothing; a code then saves and closes', async () => {
    ui = await mountDesk({ mine: [summary({ session: { id: SESSION_ID, state: 'wrap_up', queue: null, endedBy: 'customer' } })] });
    ui.client.respond('conversation:open', async () => ({
      conversation: summary({ session: { id: SESSION_ID, state: 'wrap_up', queue: null, endedBy: 'customer' } }),
      messages: [],
      hasMore: false,
    }));
    await ui.openChat();
    ui.client.respond('session:wrap-up', async (input) => {
      if (!input.code) throw new ApiError('WRAP_UP_REQUIRED');
      return { session: card({ state: 'closed', colour: 'grey', wrapUpCode: input.code }) };
    });
    const notes = ui.$('wrapup-notes') as HTMLTextAreaElement;
    notes.value = 'Refund sent';
    notes.dispatchEvent(new Event('input', { bubbles: true }));
    await rerender();
    ui.$('wrapup-save')!.click();
    await rerender();
    expect(ui.$('wrapup-error')!.textContent).to.equal('A wrap-up code is required to close this chat.');
    expect(ui.$('wrapup-code')!.getAttribute('aria-invalid')).to.equal('true');
    expect(ui.$$('mine-item')).to.have.length(1);
    expect(ui.$('conversation-pane')).to.not.equal(null);
    expect((ui.$('wrapup-notes') as HTMLTextAreaElement).value).to.equal('Refund sent');

    const code = ui.$('wrapup-code') as HTMLInputElement;
    code.value = 'resolved';
    code.dispatchEvent(new Event('input', { bubbles: true }));
    await rerender();
    ui.$('wrapup-save')!.click();
    await rerender();
    expect(ui.client.callsOf('session:wrap-up')).to.deep.equal([
      { sessionId: SESSION_ID, notes: 'Refund sent' },
      { sessionId: SESSION_ID, code: 'resolved', notes: 'Refund sent' },
    ]);
    expect(ui.$$('mine-item')).to.have.length(0);
    expect(ui.$('conversation-pane')).to.equal(null);
  });
});
