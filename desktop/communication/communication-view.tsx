import { useEffect, useState } from 'preact/hooks';
import type { Visibility } from '../../protocol/index.ts';
import type { AgentClient } from '../api/agent-client.ts';
import { contactLabel } from '../components/labels.ts';
import { formatTime, t } from '../i18n/index.ts';
import { CommTranscript } from './comm-transcript.tsx';
import type { Outbox } from '../state/outbox.ts';
import { createCommunication, type Communication, type CommunicationOptions } from './communication-state.ts';
import { communicationTarget } from './navigation.ts';
import { XThreadView } from '../components/x-thread-view.tsx';

const VISIBILITIES: readonly Visibility[] = ['private', 'public'];

function ContactList({ comm, hidden }: { comm: Communication; hidden: boolean }) {
  const selected = communicationTarget.value;
  const items = comm.contacts.value;
  return (
    <aside class="comm-contacts" aria-label={t('comm.contacts')} id="comm-contacts" hidden={hidden}>
      <label class="field">
        <span>{t('comm.search')}</span>
        <input type="search" value={comm.query.value} onInput={(e) => comm.setQuery(e.currentTarget.value)} data-testid="contact-search" />
      </label>
      <div class="comm-visibility" role="group" aria-label={t('comm.visibility')}>
        {VISIBILITIES.map((name) => (
          <button
            key={name}
            type="button"
            class={`button small${comm.visibility.value === name ? ' primary' : ''}`}
            aria-pressed={comm.visibility.value === name}
            onClick={() => comm.setVisibility(name)}
            data-testid={`visibility-${name}`}
          >
            {t(`comm.visibility.${name}`)}
          </button>
        ))}
      </div>
      {comm.listError.value && (
        <p class="form-error" role="alert">
          {comm.listError.value}
        </p>
      )}
      {items.length === 0 && !comm.searching.value ? (
        <p class="list-empty" data-testid="contacts-empty">
          {comm.visibility.value === 'public' ? t('comm.publicEmpty') : t('comm.noContacts')}
        </p>
      ) : (
        <ul class="comm-contact-list" aria-busy={comm.searching.value}>
          {items.map((item) => (
            <li key={item.conversationId}>
              <button
                type="button"
                class={`comm-contact${selected === item.conversationId ? ' current' : ''}`}
                aria-current={selected === item.conversationId ? 'true' : undefined}
                onClick={() => void comm.select(item.conversationId)}
                data-testid="contact-item"
                data-conversation-id={item.conversationId}
              >
                <span class="item-top">
                  <span class="item-name">{contactLabel(item.contact)}</span>
                  {item.lastMessage && <span class="item-time">{formatTime(item.lastMessage.createdAt)}</span>}
                </span>
                <span class="item-preview">{item.open ? `${t('comm.openSession')} · ` : ''}{item.lastMessage?.text ?? t('lists.noMessage')}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </aside>
  );
}

function Conversation({ comm, client }: { comm: Communication; client: AgentClient }) {
  const history = comm.history.value;
  // Public (open media, seed 000): the contact's X threads, answered post by post.
  const target = communicationTarget.value;
  if (comm.visibility.value === 'public' && target) {
    return (
      <XThreadView
        key={target}
        client={client}
        conversationId={target}
        onMovedToDm={(conversationId) => {
          comm.setVisibility('private');
          void comm.select(conversationId);
        }}
        onOpenAsChat={comm.history.value?.conversationId === target ? () => void comm.openAsChat() : undefined}
      />
    );
  }
  if (comm.historyError.value) return <p class="form-error" role="alert">{comm.historyError.value}</p>;
  if (!history) return <p class="list-empty">{comm.historyLoading.value ? t('comm.loading') : t('comm.pick')}</p>;
  const name = history.contact.name ?? history.contact.email ?? contactLabel({ id: history.contact.id, name: null, email: null });
  return (
    <div class="comm-conversation">
      <header class="comm-head">
        <h3>{name}</h3>
        <button type="button" class="button" onClick={() => void comm.openAsChat()} disabled={comm.openingChat.value} data-testid="open-as-chat">
          {t('comm.openAsChat')}
        </button>
      </header>
      <CommTranscript history={history} pending={comm.unsent()} actions={{ onRetry: comm.retry, onDelete: comm.remove }} />
      <form
        class="comm-composer"
        onSubmit={(e) => {
          e.preventDefault();
          comm.send();
        }}
      >
        <label class="field">
          <span>{t('comm.write')}</span>
          <textarea
            rows={3}
            value={comm.draft.value}
            onInput={(e) => (comm.draft.value = e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && !e.shiftKey) {
                e.preventDefault();
                comm.send();
              }
            }}
            data-testid="comm-composer"
          />
        </label>
        <p class="form-error" role="alert" data-testid="comm-error">
          {comm.actionError.value ?? ''}
        </p>
        <button type="submit" class="button primary" data-testid="comm-send">
          {t('comm.send')}
        </button>
      </form>
    </div>
  );
}

/** Communication tab (seed 002): contacts on the left, the whole transcript and a follow-up composer on the right. */
export function CommunicationView({ client, outbox, options }: { client: AgentClient; outbox: Outbox; options?: CommunicationOptions }) {
  const [comm] = useState(() => createCommunication(client, outbox, options));
  const [showContacts, setShowContacts] = useState(true);
  useEffect(() => {
    void comm.search();
    if (communicationTarget.value) void comm.select(communicationTarget.value);
    return comm.dispose;
  }, []);
  // "Show" from a notification while the tab is already open.
  const target = communicationTarget.value;
  useEffect(() => {
    if (target && comm.history.value?.conversationId !== target && !comm.historyLoading.value) void comm.select(target);
  }, [target]);

  return (
    <section class="communication-view" aria-labelledby="comm-title">
      <header class="sessions-head">
        <h2 id="comm-title">{t('comm.title')}</h2>
        <button
          type="button"
          class="button small"
          aria-expanded={showContacts}
          aria-controls="comm-contacts"
          onClick={() => setShowContacts(!showContacts)}
          data-testid="toggle-contacts"
        >
          {showContacts ? t('comm.hideContacts') : t('comm.showContacts')}
        </button>
      </header>
      <div class={`comm-columns${showContacts ? '' : ' no-contacts'}`}>
        <ContactList comm={comm} hidden={!showContacts} />
        <div class="comm-main">
          <Conversation comm={comm} client={client} />
        </div>
      </div>
    </section>
  );
}
