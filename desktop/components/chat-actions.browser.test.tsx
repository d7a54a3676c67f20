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
    await until(() => ui!.$$('wrapup-tag').length === 2, 'the catalogue');
    const notes = ui.$('wrapup-notes') as HTMLTextAreaElement;
    notes.value = 'Refund sent';
    notes.dispatchEvent(new Event('input', { bubbles: true }));
    await rerender();
    ui.$('wrapup-save')!.click();
    await rerender();
    expect(ui.$('wrapup-error')!.textContent).to.equal('A wrap-up code is required to close this chat.');
    expect(ui.$('wrapup-disposition')!.getAttribute('aria-invalid')).to.equal('true');
    expect(ui.$$('mine-item')).to.have.length(1);
    expect(ui.$('conversation-pane')).to.not.equal(null);
    expect((ui.$('wrapup-notes') as HTMLTextAreaElement).value).to.equal('Refund sent');

    // Dispositions come from the catalogue: active, global (no queue here).
    const code = ui.$('wrapup-disposition') as HTMLSelectElement;
    expect([...code.options].map((o) => o.value)).to.deep.equal(['', 'resolved', 'sale']);
    code.value = 'resolved';
    code.dispatchEvent(new Event('change', { bubbles: true }));
    (ui.$$('wrapup-tag').find((el) => (el as HTMLInputElement).value === 'shipping') as HTMLInputElement).click();
    await rerender();
    ui.$('wrapup-save')!.click();
    await rerender();
    expect(ui.client.callsOf('session:wrap-up')).to.deep.equal([
      { sessionId: SESSION_ID, notes: 'Refund sent' },
      { sessionId: SESSION_ID, code: 'resolved', notes: 'Refund sent', tags: ['shipping'] },
    ]);
    expect(ui.$$('mine-item')).to.have.length(0);
    expect(ui.$('conversation-pane')).to.equal(null);
  });

  it('requires a disposition when the queue says so: inline error, nothing sent, nothing closed', async () => {
    const wrapUp = summary({ session: { id: SESSION_ID, state: 'wrap_up', queue: BILLING, endedBy: 'agent' } });
    ui = await mountDesk({ mine: [wrapUp] });
    const book = directory();
    book.queues = book.queues.map((queue) => (queue.id === BILLING.id ? { ...queue, wrapUpRequired: true } : queue));
    ui.client
      .respond('conversation:open', async () => ({ conversation: wrapUp, messages: [], hasMore: false }))
      .respond('directory:get', async () => book)
      .respond('session:wrap-up', async () => {
        throw new ApiError('VALIDATION_FAILED');
      });
    await ui.openChat();
    await until(() => ui!.container.querySelector('.wrap-up .required') !== null, 'the required marker');
    // Billing's own code is offered besides the global ones; the inactive one is not.
    expect([...(ui.$('wrapup-disposition') as HTMLSelectElement).options].map((o) => o.value)).to.deep.equal(['', 'resolved', 'sale', 'refund']);
    ui.$('wrapup-save')!.click();
    await rerender();
    expect(ui.$('wrapup-error')!.textContent).to.equal('A wrap-up code is required to close this chat.');
    expect(ui.client.callsOf('session:wrap-up')).to.have.length(0);
    expect(ui.$$('mine-item')).to.have.length(1);

    // A code the server refuses (VALIDATION_FAILED) is shown inline too, still nothing closed.
    const code = ui.$('wrapup-disposition') as HTMLSelectElement;
    code.value = 'refund';
    code.dispatchEvent(new Event('change', { bubbles: true }));
    await rerender();
    ui.$('wrapup-save')!.click();
    await rerender();
    expect(ui.client.callsOf('session:wrap-up')).to.deep.equal([{ sessionId: SESSION_ID, code: 'refund' }]);
    expect(ui.$('wrapup-error')!.textContent).to.equal('Please check the fields and try again.');
    expect(ui.$$('mine-item')).to.have.length(1);
  });
});
