import { useEffect, useRef, useState } from 'preact/hooks';
import type { Contact } from '../../protocol/index.ts';
import { formatTime, labelled, t } from '../i18n/index.ts';
import type { ContactFields, FieldErrors } from '../state/contact-store.ts';
import type { Desk } from '../state/desk.ts';
import { ContactLink } from './contact-link.tsx';

const fieldsOf = (contact: Contact): ContactFields => ({ name: contact.name ?? '', email: contact.email ?? '', phone: contact.phone ?? '' });

/**
 * The contact panel (issue 4 §8): editable name, email, phone (validated with
 * ContactPatch), channel identities, attributes (bots' too), the verified flag
 * with a manual Verify, past sessions. Live through `contact:updated`.
 */
export function ContactPanel({ desk, conversationId }: { desk: Desk; conversationId: string }) {
  const history = desk.contacts.get(conversationId);
  useEffect(() => {
    if (!history) void desk.contacts.load(conversationId);
  }, [conversationId]);
  if (!history) return <p aria-busy="true">{t('history.loading')}</p>;
  return <ContactDetails key={history.contact.id} desk={desk} conversationId={conversationId} contact={history.contact} sessions={history.sessions} />;
}

function ContactDetails({ desk, conversationId, contact, sessions }: { desk: Desk; conversationId: string; contact: Contact; sessions: NonNullable<ReturnType<Desk['contacts']['get']>>['sessions'] }) {
  const [fields, setFields] = useState<ContactFields>(() => fieldsOf(contact));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [saved, setSaved] = useState(false);
  const [dirty, setDirty] = useState(false);
  // A live update replaces the form unless the agent is editing it.
  const shown = useRef(contact);
  useEffect(() => {
    if (shown.current === contact) return; // first render: the state already holds it
    shown.current = contact;
    if (!dirty) setFields(fieldsOf(contact));
  }, [contact]);
  const saving = desk.contacts.saving.value;
  const serverError = desk.contacts.errors.value[conversationId] ?? null;

  async function save(event: Event) {
    event.preventDefault();
    setSaved(false);
    // Read the inputs themselves: a click right after typing may precede the re-render.
    const form = event.currentTarget as HTMLFormElement;
    const read = (name: keyof ContactFields) => (form.elements.namedItem(name) as HTMLInputElement).value;
    const result = await desk.contacts.update(conversationId, contact.id, { name: read('name'), email: read('email'), phone: read('phone') });
    if (!result) return;
    setErrors(result);
    if (Object.keys(result).length === 0) {
      setDirty(false);
      setSaved(true);
    }
  }

  const field = (name: keyof ContactFields, type: string, testid: string) => (
    <label class="field">
      <span>{t(`contact.${name}`)}</span>
      <input
        type={type}
        name={name}
        value={fields[name]}
        onInput={(e) => {
          setFields({ ...fields, [name]: e.currentTarget.value });
          setDirty(true);
          setSaved(false);
        }}
        aria-invalid={errors[name] ? 'true' : undefined}
        aria-describedby={errors[name] ? `contact-${name}-error` : undefined}
        data-testid={testid}
      />
      {errors[name] && (
        <span id={`contact-${name}-error`} class="form-error">
          {errors[name]}
        </span>
      )}
    </label>
  );

  return (
    <div class="contact-panel">
      <form onSubmit={save} noValidate aria-label={t('contact.edit')}>
        {field('name', 'text', 'contact-name')}
        {field('email', 'email', 'contact-email')}
        {field('phone', 'tel', 'contact-phone')}
        <p class="form-error" role="alert">{serverError ?? ''}</p>
        <div class="row-actions">
          <button type="submit" class="button primary" disabled={saving} data-testid="contact-save">
            {t('contact.save')}
          </button>
          <span role="status">{saved ? t('contact.saved') : ''}</span>
        </div>
      </form>
      <p class="verified-line">
        <span class={`pill ${contact.verified ? 'pill-active' : 'pill-waiting'}`} data-testid="contact-verified" data-verified={String(contact.verified)}>
          {contact.verified ? t('contact.verified') : t('contact.unverified')}
        </span>{' '}
        <button type="button" class="button small" disabled={saving} onClick={() => void desk.contacts.verify(conversationId, contact.id, !contact.verified)} data-testid="contact-verify">
          {contact.verified ? t('contact.unverify') : t('contact.verify')}
        </button>
      </p>
      <h3>{t('contact.identities')}</h3>
      {contact.identities.length === 0 ? (
        <p class="list-empty">{t('contact.none')}</p>
      ) : (
        <ul class="plain-list" data-testid="contact-identities">
          {contact.identities.map((identity) => (
            <li key={`${identity.channel}:${identity.value}`}>
              {labelled(t(`identity.${identity.channel}`), identity.value)}
              {identity.externalId ? ` · id ${identity.externalId}` : ''} {identity.verified ? `(${t('contact.verified')})` : ''}
              {identity.channel === 'twitter' && (
                <>
                  {' '}
                  <a href={`https://x.com/${encodeURIComponent(identity.value.replace(/^@/, ''))}`} target="_blank" rel="noopener noreferrer">
                    {t('xpublic.profile', { username: identity.value.replace(/^@/, '') })}
                  </a>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      {/* Issue 19: an X contact can be linked to the person the website already knows. */}
      {contact.identities.some((identity) => identity.channel === 'twitter') && (
        <ContactLink client={desk.client} contactId={contact.id} onLinked={() => desk.contacts.load(conversationId)} />
      )}
      <h3>{t('contact.attributes')}</h3>
      {Object.keys(contact.attributes).length === 0 ? (
        <p class="list-empty">{t('contact.none')}</p>
      ) : (
        <dl class="attributes" data-testid="contact-attributes">
          {Object.entries(contact.attributes).map(([key, value]) => (
            <div key={key}>
              <dt>{key}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      )}
      <h3>{t('contact.sessions')}</h3>
      {sessions.length === 0 ? (
        <p class="list-empty">{t('contact.none')}</p>
      ) : (
        <ul class="plain-list" data-testid="contact-sessions">
          {[...sessions].reverse().map((card) => (
            <li key={card.sessionId}>
              {formatTime(card.startedAt, new Date(0))} · {card.queue?.name ?? t('sessions.noQueue')} · {card.agent?.name ?? t('sessions.noAgent')} ·{' '}
              {card.wrapUpCode ?? t(`session.state.${card.state}`)}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
