/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { ApiError } from '../api/api-error.ts';
import { READY_CHAT, mountDesk, rerender, type MountedDesk } from '../testing/desk-harness.tsx';
import { ME } from '../testing/fakes.ts';

const refused = { channel: 'chat' as const, state: 'refused' as const, reason: 'Offer expired', since: '2025-01-01T10:00:45.000Z' };

describe('presence selector', () => {
  let ui: MountedDesk | null = null;
  afterEach(() => {
    ui?.unmount();
    ui = null;
  });

  const select = (channel: string) => ui!.container.querySelector<HTMLSelectElement>(`[data-testid="presence-select"][data-channel="${channel}"]`)!;
  const choose = async (channel: string, value: string) => {
    const element = select(channel);
    element.value = value;
    element.dispatchEvent(new Event('change', { bubbles: true }));
    await rerender();
  };

  it('has one labelled control per channel the agent has, showing the state loaded from agent:state', async () => {
    ui = await mountDesk({ state: { channels: ['chat', 'twitter'], presence: [READY_CHAT, { ...READY_CHAT, channel: 'twitter', state: 'away' }] } });
    expect(ui.$$('presence-select').map((el) => [el.dataset.channel, el.dataset.state])).to.deep.equal([
      ['chat', 'ready'],
      ['twitter', 'away'],
    ]);
    expect(select('chat').labels[0]!.textContent).to.equal('Chat status');
  });

  it('shows Refused set by the system with a hint, and Ready again clears it', async () => {
    ui = await mountDesk();
    ui.client.push('presence', { agentId: ME.id, presence: [refused] });
    await rerender();
    expect(select('chat').dataset.state).to.equal('refused');
    expect(select('chat').selectedOptions[0]!.textContent).to.equal('Refused');
    expect(ui.$('presence-hint')!.textContent).to.equal('Set Ready to receive chats again');
    const emptyDesk = () => ui!.container.querySelector('.contact-tabs .list-empty')!.textContent;
    expect(emptyDesk()).to.equal('No active chats. Set Ready to receive offers.');

    ui.client.respond('presence:set', async (input) => ({ presence: [{ ...READY_CHAT, state: input.state }] }));
    await choose('chat', 'ready');
    expect(ui.client.callsOf('presence:set')).to.deep.equal([{ channel: 'chat', state: 'ready' }]);
    expect(select('chat').dataset.state).to.equal('ready');
    expect(ui.$('presence-hint')).to.equal(null);
    expect(emptyDesk()).to.equal('No active chats. You are Ready: new chats will be offered to you here.');
  });

  it('ignores presence pushes about other agents', async () => {
    ui = await mountDesk();
    ui.client.push('presence', { agentId: '00000000-0000-4000-8000-000000000999', presence: [refused] });
    await rerender();
    expect(select('chat').dataset.state).to.equal('ready');
  });

  it('sets Not Ready, then a reason typed or picked from the list', async () => {
    ui = await mountDesk();
    ui.client.respond('presence:set', async (input) => ({ presence: [{ ...READY_CHAT, state: input.state, reason: input.reason ?? null }] }));
    await choose('chat', 'not_ready');
    const reason = ui.$<HTMLInputElement>('presence-reason')! as HTMLInputElement;
    reason.value = 'Lunch';
    reason.dispatchEvent(new Event('input', { bubbles: true }));
    reason.dispatchEvent(new Event('change', { bubbles: true }));
    await rerender();
    expect(ui.client.callsOf('presence:set')).to.deep.equal([
      { channel: 'chat', state: 'not_ready' },
      { channel: 'chat', state: 'not_ready', reason: 'Lunch' },
    ]);
    expect(ui.desk.presence.of('chat')!.reason).to.equal('Lunch');
  });

  it('shows a typed error when the server refuses the channel', async () => {
    ui = await mountDesk();
    ui.client.respond('presence:set', async () => {
      throw new ApiError('CHANNEL_NOT_ALLOWED');
    });
    await choose('chat', 'away');
    expect(ui.container.querySelector('.presence [role="alert"]')!.textContent).to.equal('You are not enabled on this channel.');
  });
});
