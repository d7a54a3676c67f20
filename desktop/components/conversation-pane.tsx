import type { Desk } from '../state/desk.ts';
import { t } from '../i18n/index.ts';
import { Composer } from './composer.tsx';
import { contactLabel } from './labels.ts';
import { Transcript } from './transcript.tsx';
import { TypingIndicator } from './typing-indicator.tsx';

/** The right side: the open conversation's header, transcript, typing indicator and composer. */
export function ConversationPane({ desk }: { desk: Desk }) {
  const id = desk.openId.value;
  const conversation = desk.openConversation.value;
  if (!id) {
    return (
      <section class="pane pane-empty" aria-label={t('conversation.none')}>
        <p>{t('conversation.none')}</p>
      </section>
    );
  }
  if (!conversation || desk.openLoading.value) {
    return (
      <section class="pane pane-empty" aria-busy="true">
        <p>{t('conversation.loading')}</p>
        {desk.notice.value && <p class="form-error" role="alert">{desk.notice.value}</p>}
      </section>
    );
  }

  const name = contactLabel(conversation.contact);
  const transcript = desk.transcripts.get(id);
  const typing = desk.visitorTyping.value[id];
  const isMine = conversation.agent?.id === desk.me.id;
  const takingNow = desk.taking.value.has(id);

  return (
    <section class="pane" aria-labelledby="pane-title" data-testid="conversation-pane" data-conversation-id={id}>
      <header class="pane-head">
        <div>
          <h2 id="pane-title">{name}</h2>
          <p class="pane-sub">
            <span class={`pill pill-${conversation.status}`}>{t(`conversation.status.${conversation.status}`)}</span>
            {conversation.contact.email && <span>{conversation.contact.email}</span>}
            {conversation.agent && !isMine && <span>{t('conversation.handledBy', { name: conversation.agent.name })}</span>}
          </p>
        </div>
      </header>
      {desk.notice.value && (
        <p class="notice" role="alert" data-testid="desk-notice">
          {desk.notice.value}
        </p>
      )}
      <Transcript messages={transcript.messages} pending={transcript.pending} meId={desk.me.id} label={t('conversation.transcript', { name })} visitorName={name} />
      <TypingIndicator name={typing ? (typing.name?.trim() || name) : null} />
      {isMine ? (
        <Composer
          value={desk.drafts.value[id] ?? ''}
          error={desk.sendErrors.value[id] ?? null}
          onInput={(text) => desk.editDraft(id, text)}
          onSend={() => void desk.sendDraft(id)}
        />
      ) : (
        <div class="take-bar">
          <p>{conversation.status === 'waiting' ? t('conversation.takeToReply') : ''}</p>
          {conversation.status === 'waiting' && (
            <button type="button" class="button primary" disabled={takingNow} onClick={() => void desk.take(id)} data-testid="pane-take-button">
              {takingNow ? t('lists.taking') : t('lists.take')}
            </button>
          )}
        </div>
      )}
    </section>
  );
}
