import { useState } from 'preact/hooks';
import type { ContactListItem } from '../../protocol/index.ts';
import type { AgentClient } from '../api/agent-client.ts';
import { toApiError } from '../api/api-error.ts';
import { errorText, t } from '../i18n/index.ts';
import { contactLabel } from './labels.ts';

/**
 * Linking an X contact to an existing contact (issue 19 item 6): search the website's contacts by name or
 * email, pick one, and the X account with its conversations moves there (`contact:link`), so the
 * Conversation tab then shows the whole history across web and X. `onLinked` reloads what the panel shows.
 */
export function ContactLink({ client, contactId, onLinked }: { client: AgentClient; contactId: string; onLinked: (into: string) => void | Promise<void> }) {
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<ContactListItem[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);

  const fail = (cause: unknown) => {
    const error = toApiError(cause);
    setMessage({ error: true, text: errorText(error.code, error.message) });
  };

  async function search(event: Event) {
    event.preventDefault();
    setMessage(null);
    try {
      const { contacts } = await client.request('contacts:search', { query: query.trim(), visibility: 'private', limit: 20 });
      setFound(contacts.filter((item) => item.contact.id !== contactId));
    } catch (cause) {
      fail(cause);
    }
  }

  async function link(item: ContactListItem) {
    setBusy(true);
    try {
      await client.request('contact:link', { contactId, intoContactId: item.contact.id });
      setMessage({ error: false, text: t('contact.linked', { name: contactLabel(item.contact) }) });
      setFound(null);
      await onLinked(item.contact.id);
    } catch (cause) {
      fail(cause);
    } finally {
      setBusy(false);
    }
  }

  if (!open) {
    return (
      <p>
        <button type="button" class="button small" onClick={() => setOpen(true)} data-testid="contact-link-open">
          {t('contact.link')}
        </button>
        {message && <span role="status">{message.text}</span>}
      </p>
    );
  }
  return (
    <div class="contact-link" data-testid="contact-link">
      <form onSubmit={search} role="search">
        <label class="field">
          <span>{t('contact.linkSearch')}</span>
          <input type="search" value={query} onInput={(e) => setQuery(e.currentTarget.value)} data-testid="contact-link-query" />
        </label>
      </form>
      {found && found.length === 0 && <p class="list-empty">{t('contact.linkNone')}</p>}
      {found && found.length > 0 && (
        <ul class="plain-list">
          {found.map((item) => (
            <li key={item.contact.id}>
              {contactLabel(item.contact)} {item.contact.email ? `· ${item.contact.email}` : ''}{' '}
              <button type="button" class="button small" disabled={busy} onClick={() => void link(item)} data-testid="contact-link-into">
                {t('contact.linkInto')}
              </button>
            </li>
          ))}
        </ul>
      )}
      {message && (
        <p class={message.error ? 'form-error' : undefined} role={message.error ? 'alert' : 'status'} data-testid="contact-link-message">
          {message.text}
        </p>
      )}
    </div>
  );
}
