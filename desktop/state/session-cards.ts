import { batch, computed, signal } from '@preact/signals';
import type { SessionCard, SessionState } from '../../protocol/index.ts';
import type { AgentClient } from '../api/agent-client.ts';
import { toApiError } from '../api/api-error.ts';
import { errorText } from '../i18n/index.ts';

/**
 * The supervisor's live session cards: loaded with `sessions:cards`, kept live by
 * `session:card` pushes. Filters apply on the client so live updates obey them.
 */
export function createSessionCards(client: AgentClient) {
  const cards = signal<ReadonlyMap<string, SessionCard>>(new Map());
  const queueFilter = signal<string>('');
  const stateFilter = signal<SessionState | ''>('');
  const loading = signal(false);
  const error = signal<string | null>(null);
  let loaded = false;

  const put = (list: readonly SessionCard[], reset = false) => {
    const next = new Map(reset ? [] : cards.value);
    list.forEach((card) => next.set(card.sessionId, card));
    cards.value = next;
  };

  async function load(): Promise<void> {
    batch(() => {
      loading.value = true;
      error.value = null;
    });
    try {
      put((await client.request('sessions:cards', {})).cards, true);
      loaded = true;
    } catch (cause) {
      const apiError = toApiError(cause);
      error.value = errorText(apiError.code, apiError.message);
    } finally {
      loading.value = false;
    }
  }

  /** Newest first, filtered by queue and state. */
  const visible = computed(() =>
    [...cards.value.values()]
      .filter((card) => !queueFilter.value || card.queue?.id === queueFilter.value)
      .filter((card) => !stateFilter.value || card.state === stateFilter.value)
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt)),
  );
  /** Queues seen on cards, for the filter. */
  const queues = computed(() => {
    const byId = new Map<string, string>();
    cards.value.forEach((card) => card.queue && byId.set(card.queue.id, card.queue.name));
    return [...byId].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name));
  });

  const off = client.on('session:card', (card) => put([card]));

  return {
    cards,
    visible,
    queues,
    queueFilter,
    stateFilter,
    loading,
    error,
    load,
    /** Reload after a reconnect, only if the view was ever opened. */
    refresh: () => (loaded ? load() : Promise.resolve()),
    dispose: off,
  };
}

export type SessionCards = ReturnType<typeof createSessionCards>;
