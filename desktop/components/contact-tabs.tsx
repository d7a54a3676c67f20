import type { ConversationSummary } from '../../protocol/index.ts';
import { labelled, t } from '../i18n/index.ts';
import { formatDuration } from '../state/clock.ts';
import { contactTimers } from '../state/contact-timers.ts';
import type { Desk } from '../state/desk.ts';
import { contactLabel } from './labels.ts';
import { XMark } from './x-mark.tsx';

/** Up to 12 concurrent chats (seed 001); more are still listed, the server caps capacity. */
export const MAX_TABS = 12;

/**
 * The agent's chats as contact tabs on the left, each with its timers: grey
 * handling time, blue waiting time (the contact wrote last), purple after-contact
 * work. Arrow keys move between tabs; the list keeps its drafts per chat.
 */
export function ContactTabs({ desk }: { desk: Desk }) {
  const items = desk.mine.value;
  const openId = desk.openId.value;

  function onKeyDown(event: KeyboardEvent) {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    const index = items.findIndex((item) => item.id === (event.target as HTMLElement).closest<HTMLElement>('[data-conversation-id]')?.dataset.conversationId);
    if (index < 0) return;
    event.preventDefault();
    const next = items[(index + (event.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length]!;
    void desk.open(next.id);
    document.querySelector<HTMLElement>(`[data-testid="contact-tab"][data-conversation-id="${next.id}"]`)?.focus();
  }

  return (
    <section class="conversation-list contact-tabs" aria-labelledby="list-mine-title">
      <h2 id="list-mine-title">
        {t('lists.mine')} <span class="count">{items.length}</span>
      </h2>
      {items.length === 0 ? (
        <p class="list-empty">{t(desk.presence.presence.value.some((p) => p.state === 'ready') ? 'lists.emptyMineReady' : 'lists.emptyMine')}</p>
      ) : (
        <ul data-testid="mine-list" onKeyDown={onKeyDown}>
          {items.slice(0, MAX_TABS).map((item) => (
            <ContactTab key={item.id} desk={desk} item={item} current={item.id === openId} />
          ))}
        </ul>
      )}
    </section>
  );
}

function ContactTab({ desk, item, current }: { desk: Desk; item: ConversationSummary; current: boolean }) {
  const name = contactLabel(item.contact);
  const timers = contactTimers(item, desk.transcripts.get(item.id).messages, desk.now.value);
  const unread = desk.unread.counts.value[item.id] ?? 0;
  const draft = (desk.drafts.value[item.id] ?? '').trim();
  const wrapUp = item.session?.state === 'wrap_up';
  return (
    <li class={`conversation-item contact-tab-item${current ? ' current' : ''}${wrapUp ? ' acw' : ''}`} data-testid="mine-item" data-conversation-id={item.id}>
      <button
        type="button"
        class="item-open contact-tab"
        aria-current={current ? 'true' : undefined}
        onClick={() => void desk.open(item.id)}
        data-testid="contact-tab"
        data-conversation-id={item.id}
      >
        <span class="item-top">
          <span class="item-name">
            <XMark channel={item.channel} />
            {name}
          </span>
          {unread > 0 && (
            <span class="tab-unread" data-testid="tab-unread">
              {unread}
              <span class="visually-hidden"> {t('tabs.unread', { count: unread })}</span>
            </span>
          )}
        </span>
        <span class="item-preview">
          {/* A started reply is what the agent needs to see again, so it replaces the last message. */}
          {draft !== '' ? (
            <>
              <span class="draft-mark">{t('tabs.draft')} </span>
              {draft}
            </>
          ) : item.lastMessage ? (
            item.lastMessage.text
          ) : (
            t('lists.noMessage')
          )}
        </span>
        <span class="timers">
          {timers.handle !== null && <Timer kind="handle" ms={timers.handle} />}
          {timers.waiting !== null && <Timer kind="waiting" ms={timers.waiting} />}
          {timers.acw !== null && <Timer kind="acw" ms={timers.acw} />}
        </span>
      </button>
    </li>
  );
}

function Timer({ kind, ms }: { kind: 'handle' | 'waiting' | 'acw'; ms: number }) {
  const text = formatDuration(ms);
  return (
    <span class={`timer timer-${kind}`} data-testid={`timer-${kind}`} title={t(`timer.${kind}`)}>
      <span class="visually-hidden">{labelled(t(`timer.${kind}`))}</span>
      {text}
    </span>
  );
}
