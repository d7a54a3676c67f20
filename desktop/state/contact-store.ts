import { batch, signal } from '@preact/signals';
import type { z } from 'zod';
import { ContactPatch, type Contact, type ContactHistory } from '../../protocol/index.ts';
import type { AgentClient } from '../api/agent-client.ts';
import { toApiError } from '../api/api-error.ts';
import { errorText, t } from '../i18n/index.ts';

export type ContactFields = { name: string; email: string; phone: string };
export type FieldErrors = Partial<Record<keyof ContactFields, string>>;

/** Form values → a ContactPatch (empty = cleared), or the fields that fail the protocol schema. */
export function toPatch(fields: ContactFields): { ok: true; patch: PatchBody } | { ok: false; errors: FieldErrors } {
  const value = (text: string) => (text.trim() === '' ? null : text.trim());
  const parsed = ContactPatch.safeParse({ name: value(fields.name), email: value(fields.email), phone: value(fields.phone) });
  if (parsed.success) return { ok: true, patch: parsed.data };
  const errors: FieldErrors = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path[0];
    if (field === 'name' || field === 'email' || field === 'phone') errors[field] = t(`contact.invalid.${field}`);
  }
  return { ok: false, errors };
}
type PatchBody = z.output<typeof ContactPatch>;

/**
 * The contact behind each open chat and their whole history (`contact:history`),
 * edited with `contact:update` / `contact:verify`, kept live by `contact:updated`.
 */
export function createContactStore(client: AgentClient) {
  const histories = signal<ReadonlyMap<string, ContactHistory>>(new Map());
  const loading = signal<ReadonlySet<string>>(new Set());
  const errors = signal<Readonly<Record<string, string | null>>>({});
  const saving = signal(false);

  const setError = (id: string, text: string | null) => void (errors.value = { ...errors.value, [id]: text });
  const setLoading = (id: string, on: boolean) => {
    const next = new Set(loading.value);
    if (on) next.add(id);
    else next.delete(id);
    loading.value = next;
  };

  async function load(conversationId: string): Promise<void> {
    batch(() => {
      setLoading(conversationId, true);
      setError(conversationId, null);
    });
    try {
      const history = await client.request('contact:history', { conversationId });
      histories.value = new Map(histories.value).set(conversationId, history);
    } catch (cause) {
      const error = toApiError(cause);
      setError(conversationId, errorText(error.code, error.message));
    } finally {
      setLoading(conversationId, false);
    }
  }

  function applyContact(contact: Contact): void {
    let changed = false;
    const next = new Map(histories.value);
    for (const [id, history] of next) {
      if (history.contact.id !== contact.id) continue;
      next.set(id, { ...history, contact });
      changed = true;
    }
    if (changed) histories.value = next;
  }

  /** Saves; resolves to field errors (empty when saved) so the form shows them inline. */
  async function update(conversationId: string, contactId: string, fields: ContactFields): Promise<FieldErrors | null> {
    const checked = toPatch(fields);
    if (!checked.ok) return checked.errors;
    return run(conversationId, async () => applyContact((await client.request('contact:update', { contactId, patch: checked.patch })).contact));
  }

  const verify = (conversationId: string, contactId: string, verified: boolean) =>
    run(conversationId, async () => applyContact((await client.request('contact:verify', { contactId, verified })).contact));

  async function run(conversationId: string, work: () => Promise<void>): Promise<FieldErrors | null> {
    batch(() => {
      saving.value = true;
      setError(conversationId, null);
    });
    try {
      await work();
      return {};
    } catch (cause) {
      const error = toApiError(cause);
      setError(conversationId, errorText(error.code, error.message));
      return null;
    } finally {
      saving.value = false;
    }
  }

  const off = client.on('contact:updated', applyContact);
  return { histories, loading, errors, saving, load, update, verify, get: (id: string) => histories.value.get(id), dispose: off };
}

export type ContactStore = ReturnType<typeof createContactStore>;
