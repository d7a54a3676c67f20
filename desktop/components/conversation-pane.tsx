import { useEffect, useState } from 'preact/hooks';
import type { Desk } from '../state/desk.ts';
import { t } from '../i18n/index.ts';
import { Composer } from './composer.tsx';
import { CopyChatButton } from './copy-chat-button.tsx';
import { QuickRepliesPanel } from './quick-replies-panel.tsx';
import { SidePanel } from './side-panel.tsx';
import { EndChatButton } from './end-chat-button.tsx';
import { contactLabel } from './labels.ts';
import { Transcript } from './transcript.tsx';
import { TransferDialog } from './transfer-dialog.tsx';
import { TypingIndicator } from './typing-indicator.tsx';
import { WrapUpForm } from './wrap-up-form.tsx';
import { XThreadView } from './x-thread-view.tsx';
import { openInCommunication } from '../communication/navigation.ts';

/** The right side: the open conversation's header (with chat actions), transcript, typing indicator and composer or wrap-up. */
export function ConversationPane({ desk }: { desk: Desk }) {
  const [transferring, setTransferring] = useState(false);
  const [quickOpen, setQuickOpen] = useState(false);
  const id = desk.openId.value;
  const queueId = desk.openConversation.value?.session?.queue?.id ?? null;
  const inWrapUpNow = desk.openConversation.value?.session?.state === 'wrap_up';
  const required = useWrapUpRequired(desk, inWrapUpNow ? queueId : null);
  useEffect(() => {
    if (quickOpen || inWrapUpNow) void desk.catalog.load();
  }, [quickOpen, inWrapUpNow]);
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
      </section>
    );
  }

  const name = contactLabel(conversation.contact);
  const transcript = desk.transcripts.get(id);
  const typing = desk.visitorTyping.value[id];
  const isMine = conversation.agent?.id === desk.me.id;
  const sessionState = conversation.session?.state ?? null;
  const inWrapUp = isMine && sessionState === 'wrap_up';
  const canAct = isMine && (sessionState === 'active' || (sessionState === null && conversation.status === 'active'));
  const takingNow = desk.taking.value.has(id);
  const busy = desk.actions.busy.value.has(id);
  const endError = desk.actions.endErrors.value[id] ?? null;

  return (
    <section class="pane" aria-labelledby="pane-title" data-testid="conversation-pane" data-conversation-id={id} data-session-state={sessionState ?? ''}>
      <header class="pane-head">
        <div>
          <h2 id="pane-title">{name}</h2>
          <p class="pane-sub">
            {sessionState ? (
              <span class={`pill pill-${conversation.status} pill-session-${sessionState}`}>{t(`session.state.${sessionState}`)}</span>
            ) : (
              <span class={`pill pill-${conversation.status}`}>{t(`conversation.status.${conversation.status}`)}</span>
            )}
            {conversation.session?.endedBy === 'customer' && <span>{t('session.endedByCustomer')}</span>}
            {conversation.session?.queue && <span>{t('offer.queue', { queue: conversation.session.queue.name })}</span>}
            {conversation.contact.email && <span>{conversation.contact.email}</span>}
            {conversation.agent && !isMine && <span>{t('conversation.handledBy', { name: conversation.agent.name })}</span>}
          </p>
        </div>
        <div class="chat-actions" role="toolbar" aria-label={t('chat.actions')}>
          <CopyChatButton messages={transcript.messages} visitorName={name} queueName={conversation.session?.queue?.name ?? null} />
        {canAct && (
          <>
            <button type="button" class="button" disabled={busy} onClick={() => setTransferring(true)} data-testid="transfer-button">
              {t('transfer.button')}
            </button>
            <EndChatButton busy={busy} onEnd={() => void desk.actions.end(id)} />
          </>
        )}
        </div>
      </header>
      {endError && (
        <p class="notice" role="alert" data-testid="end-chat-error">
          {endError}
        </p>
      )}
      <div class="chat-body">
      <div class="chat-main">
      {conversation.channel === 'x_public' ? (
        // Seed 000: a public interaction has no transcript or message field; the agent answers with Reply on a post.
        <XThreadView client={desk.client} conversationId={id} readOnly={!canAct} onMovedToDm={openInCommunication} />
      ) : (
      <>
      <Transcript
        messages={transcript.messages}
        pending={desk.unsent(id)}
        outbox={{ onRetry: desk.outbox.retry, onDelete: desk.outbox.remove }}
        meId={desk.me.id}
        label={t('conversation.transcript', { name })}
        visitorName={name}
        receipts={desk.receipts.all.value.get(id)}
      />
      <TypingIndicator name={typing ? (typing.name?.trim() || name) : null} />
      {quickOpen && canAct && (
        <QuickRepliesPanel
          key={id}
          replies={desk.catalog.quickRepliesFor(queueId)}
          context={{
            'agent.name': desk.me.name,
            'agent.id': desk.me.id,
            'agent.email': desk.me.email,
            'contact.name': conversation.contact.name,
            'contact.email': desk.contacts.get(id)?.contact.email ?? conversation.contact.email,
            'contact.phone': desk.contacts.get(id)?.contact.phone ?? null,
            'queue.name': conversation.session?.queue?.name ?? null,
          }}
          loading={desk.catalog.catalog.value === null && !desk.catalog.error.value}
          error={desk.catalog.error.value}
          onInsert={(text) => {
            const draft = desk.drafts.value[id] ?? '';
            desk.editDraft(id, draft && !/\s$/.test(draft) ? `${draft} ${text}` : draft + text);
            setQuickOpen(false);
            document.getElementById('composer-input')?.focus();
          }}
          onClose={() => {
            setQuickOpen(false);
            document.querySelector<HTMLElement>('[data-testid="quick-replies-button"]')?.focus();
          }}
        />
      )}
      </>
      )}
      {inWrapUp ? (
        <WrapUpForm
          key={id}
          busy={busy}
          error={desk.actions.wrapUpErrors.value[id] ?? null}
          dispositions={desk.catalog.dispositionsFor(queueId)}
          tags={desk.catalog.tags()}
          required={required}
          onSave={(input) => void desk.actions.wrapUp(id, input)}
        />
      ) : isMine && conversation.channel !== 'x_public' ? (
        <Composer
          value={desk.drafts.value[id] ?? ''}
          error={desk.sendErrors.value[id] ?? null}
          disabled={!canAct}
          onInput={(text) => desk.editDraft(id, text)}
          onSend={() => void desk.sendDraft(id)}
          onImage={(file) => void desk.sendImage(id, file)}
          uploading={desk.uploads.value[id] ?? null}
          onQuickReplies={() => setQuickOpen(!quickOpen)}
          quickRepliesOpen={quickOpen}
        />
      ) : isMine ? null : (
        <div class="take-bar">
          <p>{conversation.status === 'waiting' ? t('conversation.takeToReply') : ''}</p>
          {conversation.status === 'waiting' && (
            <button type="button" class="button primary" disabled={takingNow} onClick={() => void desk.take(id)} data-testid="pane-take-button">
              {takingNow ? t('lists.taking') : t('lists.take')}
            </button>
          )}
        </div>
      )}
      </div>
      <SidePanel key={id} desk={desk} conversationId={id} visitorName={name} />
      </div>
      {transferring && <TransferDialog key={id} conversationId={id} contactName={name} meId={desk.me.id} actions={desk.actions} onClose={() => setTransferring(false)} />}
    </section>
  );
}

/** Whether the chat's queue requires a disposition (from the address book's queues). */
function useWrapUpRequired(desk: Desk, queueId: string | null): boolean {
  const [required, setRequired] = useState(false);
  useEffect(() => {
    setRequired(false);
    if (!queueId) return;
    let live = true;
    desk.actions
      .directory()
      .then((book) => live && setRequired(book.queues.some((queue) => queue.id === queueId && queue.wrapUpRequired)))
      .catch(() => undefined); // the server still enforces it (WRAP_UP_REQUIRED inline)
    return () => void (live = false);
  }, [queueId]);
  return required;
}
