import { signal } from '@preact/signals';
import type { AgentCatalog, Disposition, QuickReply } from '../../protocol/index.ts';
import type { AgentClient } from '../api/agent-client.ts';
import { toApiError } from '../api/api-error.ts';
import { errorText } from '../i18n/index.ts';

/** Quick replies, dispositions and tags, loaded once per connection (`catalog:get`). */
export function createCatalog(client: AgentClient) {
  const catalog = signal<AgentCatalog | null>(null);
  const error = signal<string | null>(null);
  let loading: Promise<void> | null = null;

  function load(force = false): Promise<void> {
    if (loading && !force) return loading;
    error.value = null;
    loading = client
      .request('catalog:get', {})
      .then((data) => void (catalog.value = data))
      .catch((cause) => {
        const apiError = toApiError(cause);
        error.value = errorText(apiError.code, apiError.message);
        loading = null;
      });
    return loading;
  }

  /** Global quick replies plus the chat queue's ones. */
  function quickRepliesFor(queueId: string | null | undefined): QuickReply[] {
    return (catalog.value?.quickReplies ?? []).filter((reply) => reply.queueId === null || reply.queueId === queueId);
  }

  /** Active wrap-up codes usable in this queue (global or listing it). */
  function dispositionsFor(queueId: string | null | undefined): Disposition[] {
    return (catalog.value?.dispositions ?? []).filter((d) => d.active && (d.queueIds.length === 0 || (queueId ? d.queueIds.includes(queueId) : false)));
  }

  return { catalog, error, load, quickRepliesFor, dispositionsFor, tags: () => catalog.value?.tags ?? [] };
}

export type Catalog = ReturnType<typeof createCatalog>;
