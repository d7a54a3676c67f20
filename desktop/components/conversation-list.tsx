import type { ConversationSummary } from '../../protocol/index.ts';
import { formatTime, t } from '../i18n/index.ts';
import { contactLabel } from './labels.ts';
import { XMark } from './x-mark.tsx';

interface ConversationListProps {
  kind: 'waiting' | 'mine';
  title: string;
  empty: string;
  items: readonly ConversationSummary[];
  openId: string | null;
  taking?: ReadonlySet<string>;
  onOpen: (id: string) => void;
  onTake?: (id: string) => void;
}

/** One section of the left column: a titled list of conversations, each openable, waiting ones takeable. */
export function ConversationList({ kind, title, empty, items, openId, taking, onOpen, onTake }: ConversationListProps) {
  const headingId = `list-${kind}-title`;
  return (
    <section class="conversation-list" aria-labelledby={headingId}>
      <h2 id={headingId}>
        {title} <span class="count">{items.length}</span>
      </h2>
      {items.length === 0 ? (
        <p class="list-empty">{empty}</p>
      ) : (
        <ul data-testid={`${kind}-list`}>
          {items.map((item) => (
            <ConversationItem
              key={item.id}
              kind={kind}
              item={item}
              current={item.id === openId}
              busy={taking?.has(item.id) ?? false}
              onOpen={onOpen}
              onTake={onTake}
            />
          ))}
        </ul>
      )}
    </section>
  );
}

interface ItemProps {
  kind: 'waiting' | 'mine';
  item: ConversationSummary;
  current: boolean;
  busy: boolean;
  onOpen: (id: string) => void;
  onTake?: ((id: string) => void) | undefined;
}

function ConversationItem({ kind, item, current, busy, onOpen, onTake }: ItemProps) {
  const name = contactLabel(item.contact);
  const last = item.lastMessage;
  return (
    <li class={`conversation-item${current ? ' current' : ''}`} data-testid={`${kind}-item`} data-conversation-id={item.id}>
      <button type="button" class="item-open" aria-current={current ? 'true' : undefined} onClick={() => onOpen(item.id)}>
        <span class="item-top">
          <span class="item-name">
            <XMark channel={item.channel} />
            {name}
          </span>
          <time class="item-time" dateTime={last?.createdAt ?? item.updatedAt}>
            {formatTime(last?.createdAt ?? item.updatedAt)}
          </time>
        </span>
        <span class="item-preview">{last ? last.text : t('lists.noMessage')}</span>
      </button>
      {kind === 'waiting' && onTake && (
        <button
          type="button"
          class="button small primary item-take"
          disabled={busy}
          onClick={() => onTake(item.id)}
          aria-label={`${t('lists.take')} — ${name}`}
          data-testid="take-button"
        >
          {busy ? t('lists.taking') : t('lists.take')}
        </button>
      )}
    </li>
  );
}
