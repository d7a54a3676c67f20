/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import { mountDesk, rerender, until, type MountedDesk } from '../testing/desk-harness.tsx';
import { CONVERSATION_ID, ME, QUICK_GREETING, QUICK_ORDER, summary } from '../testing/fakes.ts';

const item = (ui: MountedDesk, id: string) => ui.container.querySelector<HTMLElement>(`[data-testid="quick-reply-item"][data-id="${id}"]`)!;
const variable = (ui: MountedDesk, name: string) => ui.container.querySelector<HTMLInputElement>(`[data-testid="quick-reply-variable"][data-name="${name}"]`)!;

describe('quick replies', () => {
  let ui: MountedDesk | null = null;
  afterEach(() => {
    ui?.unmount();
    ui = null;
  });

  async function openPanel() {
    ui = await mountDesk({ mine: [summary({ contact: { id: '22222222-2222-4222-8222-222222222222', name: 'Marie Curie', email: null } })] });
    await ui.openChat();
    ui.$('composer-input')!.focus();
    // The keyboard shortcut opens the slide-out, focus in its search box.
    await sendKeys({ down: 'Alt' });
    await sendKeys({ press: 'q' });
    await sendKeys({ up: 'Alt' });
    await until(() => ui!.$$('quick-reply-item').length > 0, 'the quick replies');
    return ui;
  }

  it('lists global and queue replies, searchable', async () => {
    const ui = await openPanel();
    // General queue: the Billing-only reply is not offered.
    expect(ui.$$('quick-reply-item').map((el) => el.querySelector('.quick-item-title')!.textContent)).to.deep.equal(['Greeting', 'Order status']);
    expect(document.activeElement).to.equal(ui.$('quick-reply-search'));
    await sendKeys({ type: 'order' });
    await rerender();
    expect(ui.$$('quick-reply-item').map((el) => el.dataset.id)).to.deep.equal([QUICK_ORDER]);
  });

  it('pre-fills known variables for the agent to check and inserts the text in the composer', async () => {
    const ui = await openPanel();
    item(ui, QUICK_GREETING).click();
    await rerender();
    expect(variable(ui, 'contact.name').value).to.equal('Marie Curie');
    expect(variable(ui, 'agent.name').value).to.equal(ME.name);
    expect(variable(ui, 'agent.id').value).to.equal(ME.id);
    // The agent corrects a pre-filled value before inserting.
    variable(ui, 'contact.name').value = 'Marie';
    variable(ui, 'contact.name').dispatchEvent(new Event('input', { bubbles: true }));
    await rerender();
    ui.$('quick-reply-insert')!.click();
    await rerender();
    const composer = ui.$('composer-input') as HTMLTextAreaElement;
    expect(composer.value).to.equal(`Hello Marie, I am ${ME.name} (agent ${ME.id}). How can I help?`);
    expect(ui.$('quick-replies')).to.equal(null);
    expect(ui.desk.drafts.value[CONVERSATION_ID]).to.equal(composer.value);
  });

  it('asks for unknown variables and blocks Insert while one is missing; never a literal {{…}}', async () => {
    const ui = await openPanel();
    item(ui, QUICK_ORDER).click();
    await rerender();
    expect(variable(ui, 'order_number').value).to.equal('');
    expect(variable(ui, 'ship_date').value).to.equal('');
    const insert = ui.$('quick-reply-insert') as HTMLButtonElement;
    expect(insert.disabled).to.equal(true);
    expect(ui.$('quick-reply-missing')!.textContent).to.equal('Fill in: order_number, ship_date');

    variable(ui, 'order_number').value = 'A-1042';
    variable(ui, 'order_number').dispatchEvent(new Event('input', { bubbles: true }));
    await rerender();
    expect(insert.disabled).to.equal(true);
    expect(ui.$('quick-reply-missing')!.textContent).to.equal('Fill in: ship_date');
    // Enter in the form does not insert either.
    variable(ui, 'order_number').dispatchEvent(new Event('submit', { bubbles: true }));
    (ui.container.querySelector('.quick-fill') as HTMLFormElement).requestSubmit();
    await rerender();
    expect((ui.$('composer-input') as HTMLTextAreaElement).value).to.equal('');

    variable(ui, 'ship_date').value = 'Monday';
    variable(ui, 'ship_date').dispatchEvent(new Event('input', { bubbles: true }));
    await rerender();
    insert.click();
    await rerender();
    const text = (ui.$('composer-input') as HTMLTextAreaElement).value;
    expect(text).to.equal('Your order A-1042 ships on Monday.');
    expect(text).to.not.contain('{{');
  });

  it('closes with Escape and gives focus back to the >> button', async () => {
    const ui = await openPanel();
    await sendKeys({ press: 'Escape' });
    await rerender();
    expect(ui.$('quick-replies')).to.equal(null);
    expect(document.activeElement).to.equal(ui.$('quick-replies-button'));
  });
});
