import { batch, signal } from '@preact/signals';
import { isStorableText, MAX_MESSAGE_LENGTH } from '../../protocol/index.ts';
import type { AgentClient } from '../api/agent-client.ts';
import { toApiError } from '../api/api-error.ts';
import { errorText, t } from '../i18n/index.ts';
import { checkImage, uploadAttachment, type Uploader } from '../api/attachments.ts';
import { sessionDraftStorage, type DraftStorage } from './drafts-storage.ts';
import type { Transcripts } from './transcripts.ts';
import type { Message } from '../../protocol/index.ts';

export interface ComposerOptions {
  newId?: () => string;
  storage?: DraftStorage;
  upload?: Uploader;
  /** A message of ours is stored (its ack came back): the list preview follows at once. */
  onStored?: (message: Message) => void;
}

/**
 * Drafts and sending, per conversation. A draft survives switching
 * conversations. A send clears the draft and shows a pending row; a failure puts
 * the text back with the error, and resending the same text reuses its clientId
 * so a send whose ack was lost is never stored twice.
 */
export function createComposerState(client: AgentClient, transcripts: Transcripts, options: ComposerOptions = {}) {
  const newId = options.newId ?? (() => crypto.randomUUID());
  const storage = options.storage ?? sessionDraftStorage;
  const upload = options.upload ?? uploadAttachment;
  const drafts = signal<Readonly<Record<string, string>>>(storage.load());
  const errors = signal<Readonly<Record<string, string | null>>>({});
  /** Upload progress (0..1) per conversation while an image is on its way. */
  const uploads = signal<Readonly<Record<string, number>>>({});
  const lastFailed = new Map<string, { text: string; clientId: string }>();

  const setDraft = (conversationId: string, text: string) => {
    drafts.value = { ...drafts.value, [conversationId]: text };
    storage.save(drafts.value);
  };
  const setUpload = (conversationId: string, fraction: number | null) => {
    const next = { ...uploads.value };
    if (fraction === null) delete next[conversationId];
    else next[conversationId] = fraction;
    uploads.value = next;
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
    // The server would refuse it (VALIDATION_FAILED): say why here, where the agent can fix it.
    if (!isStorableText(text)) return setError(conversationId, t('composer.unsendable'));
    const failed = lastFailed.get(conversationId);
    const clientId = failed && failed.text === text ? failed.clientId : newId();
    batch(() => {
      setError(conversationId, null);
      setDraft(conversationId, '');
      transcripts.addPending(conversationId, { clientId, text, createdAt: new Date().toISOString() });
    });
    try {
      const { message } = await client.request('message:send', { conversationId, clientId, text });
      lastFailed.delete(conversationId);
      stored(conversationId, message);
    } catch (cause) {
      const error = toApiError(cause);
      lastFailed.set(conversationId, { text, clientId });
      // Keep whatever the agent typed meanwhile, after the text that failed.
      const typedSince = drafts.value[conversationId] ?? '';
      batch(() => {
        transcripts.removePending(conversationId, clientId);
        setDraft(conversationId, typedSince ? `${draft}\n${typedSince}` : draft);
        setError(conversationId, errorText(error.code, error.message));
      });
    }
  }

  /** The server stored a message of ours: the transcript and the list's preview show it together. */
  function stored(conversationId: string, message: Message): void {
    batch(() => {
      transcripts.merge(conversationId, [message]);
      options.onStored?.(message);
    });
  }

  /** Uploads an image (with progress), then sends it as a message; errors show under the composer. */
  async function sendImage(conversationId: string, file: File): Promise<void> {
    const invalid = checkImage(file);
    if (invalid) return setError(conversationId, t('attach.invalid'));
    batch(() => {
      setError(conversationId, null);
      setUpload(conversationId, 0);
    });
    try {
      const attachment = await upload(conversationId, file, (fraction) => setUpload(conversationId, fraction));
      const { message } = await client.request('message:send', { conversationId, clientId: newId(), attachmentId: attachment.id, text: '' });
      stored(conversationId, message);
    } catch (cause) {
      const error = toApiError(cause);
      setError(conversationId, errorText(error.code, error.message));
    } finally {
      setUpload(conversationId, null);
    }
  }

  return { drafts, errors, uploads, setDraft, setError, sendDraft, sendImage };
}

export type ComposerState = ReturnType<typeof createComposerState>;
