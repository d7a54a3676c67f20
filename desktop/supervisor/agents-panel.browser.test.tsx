/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { mountDesk, until, type MountedDesk } from '../testing/desk-harness.tsx';
import { card, GRACE, ME } from '../testing/fakes.ts';

const profile = (id: string, name: string, state: 'ready' | 'away', load: number) => ({
  id,
  name,
  maxConcurrent: 4,
  channels: ['chat' as const],
  queueIds: [],
  teamIds: [],
  presence: [{ channel: 'chat' as const, state, reason: null, since: '2025-01-01T09:00:00.000Z' }],
  load,
});

describe('supervisor Agents panel', () => {
  let ui: MountedDesk | null = null;
  afterEach(() => ui?.unmount());

  it('lists agents with presence and load, live', async () => {
    ui = await mountDesk();
    let graceLoad = 1;
    ui.client.respond('sessions:cards', async () => ({ cards: [] }));
    ui.client.respond('directory:get', async () => ({ agents: [profile(ME.id, ME.name, 'ready', 2), profile(GRACE.id, GRACE.name, 'away', graceLoad)], teams: [], queues: [] }));
    ui.$('tab-sessions')!.click();
    await until(() => ui!.$$('agent-row').length === 2, 'the agent rows');
    const grace = () => ui!.container.querySelector<HTMLElement>(`[data-agent-id="${GRACE.id}"]`)!;
    expect(grace().dataset.state).to.equal('away');
    expect(grace().textContent).to.contain('1 / 4');
    ui.client.push('presence', { agentId: GRACE.id, presence: [{ channel: 'chat', state: 'ready', reason: null, since: '2025-01-01T10:00:00.000Z' }] });
    await until(() => grace().dataset.state === 'ready', 'the live presence');
    graceLoad = 2;
    ui.client.push('session:card', card({ agent: GRACE }));
    await until(() => (grace().textContent ?? '').includes('2 / 4'), 'the live load');
  });
});
