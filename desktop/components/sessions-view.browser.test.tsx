/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { mountDesk, rerender, until, type MountedDesk } from '../testing/desk-harness.tsx';
import { BILLING, GENERAL, card } from '../testing/fakes.ts';

const id = (n: number) => `99999999-9999-4999-8999-${String(n).padStart(12, '0')}`;

describe('sessions view (supervisor cards)', () => {
  let ui: MountedDesk | null = null;
  afterEach(() => {
    ui?.unmount();
    ui = null;
  });

  async function openSessions() {
    ui = await mountDesk();
    ui.client.respond('sessions:cards', async () => ({
      cards: [
        card({ sessionId: id(1), startedAt: '2025-01-01T09:58:00.000Z' }),
        card({ sessionId: id(2), state: 'abandoned', colour: 'white', endedBy: 'customer', agent: null, queue: BILLING, startedAt: '2025-01-01T09:50:00.000Z', endedAt: '2025-01-01T09:51:30.000Z' }),
        card({ sessionId: id(3), state: 'closed', colour: 'grey', wrapUpCode: 'resolved', startedAt: '2025-01-01T09:40:00.000Z', endedAt: '2025-01-01T09:52:05.000Z' }),
      ],
    }));
    ui.$('tab-sessions')!.click();
    await until(() => ui!.$$('session-card').length === 3, 'the cards');
    return ui;
  }

  const cards = () => ui!.$$('session-card').map((el) => ({
    colour: el.dataset.colour,
    state: el.dataset.state,
    status: el.querySelector('[data-testid="session-card-status"]')!.textContent,
    duration: el.querySelector('.card-duration')!.textContent,
  }));

  it('shows blue active, white abandoned and grey closed cards with status or wrap-up code and duration', async () => {
    const ui = await openSessions();
    expect(ui.$('tab-sessions')!.getAttribute('aria-selected')).to.equal('true');
    expect(cards()).to.deep.equal([
      { colour: 'blue', state: 'active', status: 'Active', duration: '2:00' },
      { colour: 'white', state: 'abandoned', status: 'Ended by customer', duration: '1:30' },
      { colour: 'grey', state: 'closed', status: 'resolved', duration: '12:05' },
    ]);
    const first = ui.$$('session-card')[0]!;
    expect(first.textContent).to.contain('General').and.contain('Ada Lovelace').and.contain('Marie Curie');
    expect(first.querySelector('[role="img"]')!.getAttribute('aria-label')).to.equal('Chat');

    ui.clock.advance(3000); // a running session's duration is live
    await rerender();
    expect(cards()[0]!.duration).to.equal('2:03');
  });

  it('applies live updates and filters by queue and state', async () => {
    const ui = await openSessions();
    ui.client.push('session:card', card({ sessionId: id(1), state: 'closed', colour: 'grey', wrapUpCode: 'sale', wrapUpLabel: 'Sale made', endedAt: '2025-01-01T10:00:00.000Z' }));
    await rerender();
    // The card reads the disposition's label, not its code.
    expect(cards()[0]).to.deep.include({ colour: 'grey', status: 'Sale made' });

    const queue = ui.$('sessions-filter-queue') as HTMLSelectElement;
    queue.value = BILLING.id;
    queue.dispatchEvent(new Event('change', { bubbles: true }));
    await rerender();
    expect(cards().map((c) => c.state)).to.deep.equal(['abandoned']);

    queue.value = GENERAL.id;
    queue.dispatchEvent(new Event('change', { bubbles: true }));
    const state = ui.$('sessions-filter-state') as HTMLSelectElement;
    state.value = 'closed';
    state.dispatchEvent(new Event('change', { bubbles: true }));
    await rerender();
    expect(ui.$$('session-card').map((el) => el.dataset.sessionId)).to.deep.equal([id(1), id(3)]);
  });

  it('switches tabs with the arrow keys', async () => {
    const ui = await openSessions();
    ui.$('tab-sessions')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }));
    await rerender();
    expect(ui.$('tab-desk')!.getAttribute('aria-selected')).to.equal('true');
    expect(document.activeElement).to.equal(ui.$('tab-desk'));
    expect(ui.$('session-card')).to.equal(null);
  });
});
