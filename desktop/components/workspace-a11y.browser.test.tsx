/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import type { AxeResults, RunOptions } from 'axe-core';
// axe-core is a UMD script: imported for its side effect, it sets window.axe.
import 'axe-core';

const axe = (globalThis as unknown as { axe: { run(context: Element, options: RunOptions): Promise<AxeResults> } }).axe;
import { mountDesk, rerender, until, type MountedDesk } from '../testing/desk-harness.tsx';
import { card, history, offer, summary } from '../testing/fakes.ts';

/** Violations axe-core finds in the mounted workspace (rule id + first offending node). */
async function violations(root: HTMLElement): Promise<string[]> {
  const result = await axe.run(root, { resultTypes: ['violations'] });
  return result.violations.map((v) => `${v.id}: ${v.nodes[0]?.html ?? ''}`);
}

describe('workspace accessibility (axe-core)', () => {
  let ui: MountedDesk | null = null;
  afterEach(() => {
    ui?.unmount();
    ui = null;
  });

  it('has no violations with an open chat, an offer and Not Ready status', async () => {
    ui = await mountDesk({ mine: [summary()], state: { presence: [{ channel: 'chat', state: 'not_ready', reason: 'Lunch', since: '2025-01-01T09:00:00.000Z' }] } });
    await ui.openChat();
    ui.client.push('offer', offer(ui.clock, { transferredBy: 'Grace Hopper' }));
    await rerender();
    expect(await violations(ui.container)).to.deep.equal([]);
  });

  it('has no violations in the Sessions view', async () => {
    ui = await mountDesk();
    ui.client.respond('sessions:cards', async () => ({ cards: [card(), card({ sessionId: '99999999-9999-4999-8999-000000000002', colour: 'grey', state: 'closed', wrapUpCode: 'resolved' })] }));
    ui.$('tab-sessions')!.click();
    await until(() => ui!.$$('session-card').length === 2, 'the cards');
    expect(await violations(ui.container)).to.deep.equal([]);
  });

  it('has no violations with contact tabs, quick replies open, the Conversation search and the contact panel', async () => {
    const other = summary({ id: '11111111-1111-4111-8111-222222222222', contact: { id: '22222222-2222-4222-8222-333333333333', name: 'Grace', email: null } });
    ui = await mountDesk({ mine: [summary(), other] });
    ui.client.respond('contact:history', async () => history());
    await ui.openChat();
    ui.client.push('message', { ...(await import('../testing/fakes.ts')).textMessage(2, 'Hi', { conversationId: other.id }) });
    ui.$('quick-replies-button')!.click();
    await until(() => ui!.$$('quick-reply-item').length > 0, 'the quick replies');
    ui.$$('quick-reply-item')[1]!.click();
    await until(() => ui!.$$('session-header').length === 2, 'the history');
    const search = ui.$('history-search') as HTMLInputElement;
    search.value = 'parcel';
    search.dispatchEvent(new Event('input', { bubbles: true }));
    await rerender();
    expect(await violations(ui.container)).to.deep.equal([]);

    ui.$('tab-contact')!.click();
    await until(() => ui!.$('contact-name') !== null, 'the contact panel');
    ui.$('emoji-button')!.click();
    await until(() => ui!.$$('emoji-option').length > 0, 'the emoji picker');
    expect(await violations(ui.container)).to.deep.equal([]);
  });
});
