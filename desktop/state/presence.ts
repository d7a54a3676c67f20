import { batch, signal } from '@preact/signals';
import type { AgentState, ChannelPresence, MediaChannel } from '../../protocol/index.ts';
import type { AgentClient } from '../api/agent-client.ts';
import { toApiError } from '../api/api-error.ts';
import { errorText } from '../i18n/index.ts';

export type SelectableState = 'ready' | 'not_ready' | 'away';

/**
 * The agent's own presence per channel (Ready / Not Ready / Away, or Refused /
 * Offline set by the system). Loaded from `agent:state`, changed with
 * `presence:set`, kept live by `presence` pushes about this agent.
 */
export function createPresence(client: AgentClient, meId: string) {
  const channels = signal<readonly MediaChannel[]>([]);
  const presence = signal<readonly ChannelPresence[]>([]);
  const maxConcurrent = signal<number | null>(null);
  const busy = signal<ReadonlySet<MediaChannel>>(new Set());
  const error = signal<string | null>(null);

  function load(state: AgentState): void {
    batch(() => {
      channels.value = state.channels;
      presence.value = state.presence;
      maxConcurrent.value = state.maxConcurrent;
    });
  }

  function of(channel: MediaChannel): ChannelPresence | null {
    return presence.value.find((item) => item.channel === channel) ?? null;
  }

  function mark(channel: MediaChannel, on: boolean): void {
    const next = new Set(busy.value);
    if (on) next.add(channel);
    else next.delete(channel);
    busy.value = next;
  }

  async function set(channel: MediaChannel, state: SelectableState, reason?: string): Promise<void> {
    batch(() => {
      mark(channel, true);
      error.value = null;
    });
    try {
      const trimmed = reason?.trim();
      const result = await client.request('presence:set', trimmed ? { channel, state, reason: trimmed } : { channel, state });
      presence.value = result.presence;
    } catch (cause) {
      const apiError = toApiError(cause);
      error.value = errorText(apiError.code, apiError.message);
    } finally {
      mark(channel, false);
    }
  }

  const off = client.on('presence', (event) => {
    if (event.agentId === meId) presence.value = event.presence;
  });

  return { channels, presence, maxConcurrent, busy, error, load, of, set, dispose: off };
}

export type Presence = ReturnType<typeof createPresence>;
