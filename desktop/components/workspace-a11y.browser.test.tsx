/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import type { AxeResults, RunOptions } from 'axe-core';
// axe-core is a UMD script: imported for its side effect, it sets window.axe.
import 'axe-core';

const axe = (globalThis as unknown as { axe: { run(context: Element, options: RunOptions): Promise<AxeResults> } }).axe;
import { mountDesk, rerender, until, type MountedDesk } from '../testing/desk-harness.tsx';
import { card, offer, summary } from '../testing/fakes.ts';

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
});
