import { batch, signal } from '@preact/signals';
import type { ConversationSummary, Directory, SessionCard, TransferTarget } from '../../protocol/index.ts';
import type { AgentClient } from '../api/agent-client.ts';
import { ApiError, toApiError } from '../api/api-error.ts';
import { errorText } from '../i18n/index.ts';

interface SessionActionsDeps {
  client: AgentClient;
  find: (conversationId: string) => ConversationSummary | null;
  /** Puts an updated summary on the desk (the ended session in wrap-up). */
  update: (summary: ConversationSummary) => void;
  /** Takes the chat off the desk (transferred, closed). */
  leave: (conversationId: string, reason: 'transferred' | 'closed', quiet?: boolean) => void;
}

type Errors = Readonly<Record<string, string | null>>;

/**
 * What an agent does to a chat's session: transfer it, end it, wrap it up.
 * Errors are kept per conversation so the dialog or form can show them inline.
 */
export function createSessionActions({ client, find, update, leave }: SessionActionsDeps) {
  const busy = signal<ReadonlySet<string>>(new Set());
  const transferErrors = signal<Errors>({});
  const endErrors = signal<Errors>({});
  const wrapUpErrors = signal<Errors>({});

  const setIn = (store: typeof transferErrors, id: string, text: string | null) => {
    store.value = { ...store.value, [id]: text };
  };
  async function run(id: string, errors: typeof transferErrors, work: () => Promise<void>): Promise<boolean> {
    batch(() => {
      busy.value = new Set(busy.value).add(id);
      setIn(errors, id, null);
    });
    try {
      await work();
      return true;
    } catch (cause) {
      const error = toApiError(cause);
      setIn(errors, id, errorText(error.code, error.message));
      return false;
    } finally {
      const rest = new Set(busy.value);
      rest.delete(id);
      busy.value = rest;
    }
  }

  function applyCard(conversationId: string, card: SessionCard): void {
    const summary = find(conversationId);
    if (!summary) return;
    update({
      ...summary,
      session: { ...summary.session, id: card.sessionId, state: card.state, queue: card.queue, endedBy: card.endedBy, endedAt: card.endedAt ?? summary.session?.endedAt ?? null },
    });
  }

  const directory = (): Promise<Directory> => client.request('directory:get', {});

  const transfer = (conversationId: string, target: TransferTarget) =>
    run(conversationId, transferErrors, async () => {
      await client.request('session:transfer', { conversationId, target });
      leave(conversationId, 'transferred');
    });

  const end = (conversationId: string) =>
    run(conversationId, endErrors, async () => {
      const { session } = await client.request('session:end', { conversationId });
      applyCard(conversationId, session);
    });

  const wrapUp = (conversationId: string, input: { code: string; notes: string; tags?: readonly string[] }) =>
    run(conversationId, wrapUpErrors, async () => {
      const sessionId = find(conversationId)?.session?.id;
      if (!sessionId) throw new ApiError('SESSION_STATE_INVALID');
      const code = input.code.trim();
      const notes = input.notes.trim();
      const tags = input.tags ?? [];
      await client.request('session:wrap-up', { sessionId, ...(code ? { code } : {}), ...(notes ? { notes } : {}), ...(tags.length ? { tags: [...tags] } : {}) });
      leave(conversationId, 'closed', true);
    });

  return { busy, transferErrors, endErrors, wrapUpErrors, directory, transfer, end, wrapUp };
}

export type SessionActions = ReturnType<typeof createSessionActions>;
