import { signal } from '@preact/signals';
import { MAX_MESSAGE_LENGTH } from '../../protocol/index.ts';
import type { AgentClient } from '../api/agent-client.ts';
import { toApiError } from '../api/api-error.ts';
import { errorText, t } from '../i18n/index.ts';
import type { Transcripts } from './transcripts.ts';

/**
 * Drafts and sending, per conversation. A draft survives switching
 * conversations. A send clears the draft and shows a pending row; a failure puts
 * the text back with the error, and resending the same text reuses its clientId
 * so a send whose ack was lost is never stored twice.
 */
export function createComposerState(client: AgentClient, transcripts: Transcripts, newId: () => string = () => crypto.randomUUID()) {
  const drafts = signal<Readonly<Record<string, string>>>({});
  const errors = signal<Readonly<Record<string, string | null>>>({});
  const lastFailed = new Map<string, { text: string; clientId: string }>();

  const setDraft = (conversationId: string, text: string) => {
    drafts.value = { ...drafts.value, [conversationId]: text };
  };
  const setError = (conversationId: string, message: string | null) => {
    errors.value = { ...errors.value, [conversationId]: message };
  };

  async function sendDraft(conversationId: string): Promise<void> {
    const draft = drafts.value[conversationId] ?? '';
    const text = draft.trim();
    if (!text) return;
    if (text.length > MAX_MESSAGE_LENGTH) {
      setError(conversationId, t('composer.tooLong', { count: text.length, max: MAX_MESSAGE_LENGTH }));
      return;
    }
    const failed = lastFailed.get(conversationId);
    const clientId = failed && failed.text === text ? failed.clientId : newId();
    setError(conversationId, null);
    setDraft(conversationId, '');
    transcripts.addPending(conversationId, { clientId, text, createdAt: new Date().toISOString() });
    try {
      const { message } = await client.request('message:send', { conversationId, clientId, text });
      lastFailed.delete(conversationId);
      transcripts.merge(conversationId, [message]);
    } catch (cause) {
      const error = toApiError(cause);
      transcripts.removePending(conversationId, clientId);
      lastFailed.set(conversationId, { text, clientId });
      // Keep whatever the agent typed meanwhile, after the text that failed.
      const typedSince = drafts.value[conversationId] ?? '';
      setDraft(conversationId, typedSince ? `${draft}\n${typedSince}` : draft);
      setError(conversationId, errorText(error.code, error.message));
    }
  }

  return { drafts, errors, setDraft, setError, sendDraft };
}

export type ComposerState = ReturnType<typeof createComposerState>;
