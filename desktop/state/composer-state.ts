import { batch, signal } from '@preact/signals';
import { isStorableText, MAX_MESSAGE_LENGTH } from '../../protocol/index.ts';
import { toApiError } from '../api/api-error.ts';
import { errorText, t } from '../i18n/index.ts';
import { checkImage, uploadAttachment, type Uploader } from '../api/attachments.ts';
import { sessionDraftStorage, type DraftStorage } from './drafts-storage.ts';
import type { Outbox } from './outbox.ts';

export interface ComposerOptions {
  newId?: () => string;
  storage?: DraftStorage;
  upload?: Uploader;
  /** The longest message a conversation takes (X DMs: 10,000; default MAX_MESSAGE_LENGTH). */
  limitOf?: (conversationId: string) => number;
}

/**
 * Drafts and sending, per conversation. A draft survives switching
 * conversations. A send checks the text, clears the draft and hands the message
 * to the outbox (which shows it "Sending…" until the server stored it); an image
 * is uploaded first, and its message then goes through the outbox too.
 */
export function createComposerState(outbox: Outbox, options: ComposerOptions = {}) {
  const newId = options.newId ?? (() => crypto.randomUUID());
  const storage = options.storage ?? sessionDraftStorage;
  const upload = options.upload ?? uploadAttachment;
  const drafts = signal<Readonly<Record<string, string>>>(storage.load());
  const errors = signal<Readonly<Record<string, string | null>>>({});
  /** Upload progress (0..1) per conversation while an image is on its way. */
  const uploads = signal<Readonly<Record<string, number>>>({});

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

  function sendDraft(conversationId: string): void {
    const text = (drafts.value[conversationId] ?? '').trim();
    if (!text) return;
    const max = options.limitOf?.(conversationId) ?? MAX_MESSAGE_LENGTH;
    if (text.length > max) {
      setError(conversationId, t('composer.tooLong', { count: text.length, max }));
      return;
    }
    // The server would refuse it (VALIDATION_FAILED): say why here, where the agent can fix it.
    if (!isStorableText(text)) return setError(conversationId, t('composer.unsendable'));
    batch(() => {
      setError(conversationId, null);
      setDraft(conversationId, '');
      outbox.enqueue({ conversationId, clientId: newId(), text });
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
      outbox.enqueue({ conversationId, clientId: newId(), text: '', attachment: { id: attachment.id, name: file.name } });
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
