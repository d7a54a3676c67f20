import { errorText, t } from '../i18n/index.ts';
import type { OutboxEntry } from '../state/outbox.ts';

export interface OutboxActions {
  onRetry: (clientId: string) => void;
  onDelete: (clientId: string) => void;
}

/**
 * What the agent wrote and the server has not stored yet, after the stored messages, in the order
 * written: "Sending…" while the outbox holds it, "Not sent" with the reason and Retry / Delete once
 * refused. The state is said in words (the transcript is a live log), not only by colour.
 */
export function OutboxRows({ entries, actions, rowClass }: { entries: readonly OutboxEntry[]; actions?: OutboxActions | undefined; rowClass: string }) {
  return (
    <>
      {entries.map((item) => (
        <li
          key={item.clientId}
          class={`${rowClass} pending${item.status === 'failed' ? ' failed' : ''}`}
          data-testid="transcript-row"
          data-author-kind="agent"
          data-pending="true"
          data-status={item.status}
          data-client-id={item.clientId}
        >
          <div class="meta">
            <span class="author">{t('author.you')}</span>
            <span class="status" data-testid="outbox-status">
              {item.status === 'failed' ? `${t('message.failed')}: ${errorText(item.error?.code, item.error?.message)}` : t('message.pending')}
            </span>
          </div>
          <p class="bubble">{item.attachment ? t('image.label', { name: item.attachment.name }) : item.text}</p>
          {item.status === 'failed' && actions && (
            <div class="row-actions">
              <button type="button" class="button ghost" onClick={() => actions.onRetry(item.clientId)} data-testid="outbox-retry">
                {t('message.retry')}
              </button>
              <button type="button" class="button ghost" onClick={() => actions.onDelete(item.clientId)} data-testid="outbox-delete">
                {t('message.delete')}
              </button>
            </div>
          )}
        </li>
      ))}
    </>
  );
}
