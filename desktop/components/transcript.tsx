import { useEffect, useRef } from 'preact/hooks';
import type { ImageMessage, Message, Receipts, StructuredMessage, TextMessage } from '../../protocol/index.ts';
import { formatTime, t } from '../i18n/index.ts';
import { deliveryState } from '../state/receipts.ts';
import type { OutboxEntry } from '../state/outbox.ts';
import { authorLabel, eventLabel } from './labels.ts';
import { OutboxRows, type OutboxActions } from './outbox-rows.tsx';

interface TranscriptProps {
  messages: readonly Message[];
  /** The outbox's entries of this conversation that are not stored yet. */
  pending: readonly OutboxEntry[];
  /** Retry / Delete of a message that was not sent (without them, none is offered). */
  outbox?: OutboxActions;
  meId: string | null;
  label: string;
  /** How to call a visitor who never gave a name (the contact's label). */
  visitorName?: string;
  /** Read cursors: agent messages show delivered / read. */
  receipts?: Receipts | undefined;
}

/**
 * The conversation as a log. Text is rendered as a text node (never as HTML),
 * with `white-space: pre-wrap` for line breaks. Pending sends come last.
 */
export function Transcript({ messages, pending, outbox, meId, label, visitorName, receipts }: TranscriptProps) {
  const list = useRef<HTMLDivElement>(null);
  const count = messages.length + pending.length;

  useEffect(() => {
    // Follow new messages to the bottom.
    const element = list.current;
    if (element) element.scrollTop = element.scrollHeight;
  }, [count]);

  return (
    <div class="transcript" ref={list} role="log" aria-live="polite" aria-label={label} tabIndex={0} data-testid="transcript">
      <ol class="transcript-rows">
      {count === 0 && <li class="transcript-empty">{t('conversation.empty')}</li>}
      {messages.map((message) =>
        message.kind === 'event' ? (
          <li key={message.seq} class="row event" data-testid="transcript-row" data-author-kind={message.author.kind} data-seq={message.seq}>
            <span>{eventLabel(message)}</span>
            <time dateTime={message.createdAt}>{formatTime(message.createdAt)}</time>
          </li>
        ) : (
          <li
            key={message.seq}
            class={`row text from-${message.author.kind}${message.author.id === meId ? ' mine' : ''}`}
            data-testid="transcript-row"
            data-author-kind={message.author.kind}
            data-seq={message.seq}
          >
            <div class="meta">
              <span class="author">{authorLabel(message.author, meId, visitorName)}</span>
              <time dateTime={message.createdAt}>{formatTime(message.createdAt)}</time>
              {message.author.kind === 'bot' && <span class="bot-badge">{t('transcript.assistant')}</span>}
              {message.x && message.author.kind === 'visitor' && (
                <span class="x-handle" aria-label={t('x.handle', { handle: `@${message.x.username}` })}>
                  @{message.x.username}
                </span>
              )}
              {message.author.kind === 'agent' && !message.xDelivery && <Receipt state={deliveryState(message, receipts)} />}
            </div>
            <Body message={message} />
            {message.xDelivery && message.xDelivery.state !== 'sent' && <XDeliveryLine delivery={message.xDelivery} />}
          </li>
        ),
      )}
      <OutboxRows entries={pending} rowClass="row text from-agent mine" actions={outbox} />
      </ol>
    </div>
  );
}

/** Where an agent's message to X stands (the outbound queue); nothing once sent. */
function XDeliveryLine({ delivery }: { delivery: NonNullable<Message['xDelivery']> }) {
  const text =
    delivery.state === 'held'
      ? t('x.held', { time: delivery.retryAt ? formatTime(delivery.retryAt) : '…' })
      : delivery.state === 'refused'
        ? t('x.refused', { reason: delivery.reason ?? '' })
        : t('x.sending');
  return (
    <p class={`x-delivery x-delivery-${delivery.state}`} data-testid="x-delivery" data-state={delivery.state} role={delivery.state === 'refused' ? 'alert' : undefined}>
      {text}
    </p>
  );
}

function Receipt({ state }: { state: 'delivered' | 'read' }) {
  return (
    <span class={`receipt receipt-${state}`} data-testid="receipt" data-state={state}>
      <span aria-hidden="true">{state === 'read' ? '✓✓ ' : '✓ '}</span>
      {t(`receipt.${state}`)}
    </span>
  );
}

/** Text as a text node; an image as a thumbnail linking to the full picture, with its caption. */
export function Body({ message }: { message: TextMessage | ImageMessage | StructuredMessage }) {
  if (message.kind === 'text') return <p class="bubble">{message.text}</p>;
  if (message.kind === 'structured') return <StructuredBody message={message} />;
  const { attachment } = message;
  return (
    <div class="bubble bubble-image">
      <a href={attachment.url} target="_blank" rel="noopener noreferrer">
        <img class="thumbnail" src={attachment.url} alt={message.text || attachment.name || t('image.alt')} loading="lazy" data-testid="message-image" />
      </a>
      {message.text && <p class="caption">{message.text}</p>}
    </div>
  );
}

/** An assistant's bubble for the agent: buttons as a plain list (the agent cannot press them), cards as a link. */
function StructuredBody({ message }: { message: StructuredMessage }) {
  const p = message.payload;
  if (p.kind === 'quick_replies')
    return (
      <div class="bubble bubble-bot" data-testid="structured-message">
        <p>{p.text}</p>
        <p class="bot-options">{t('transcript.options', { list: p.options.map((o) => o.label).join(', ') })}</p>
      </div>
    );
  if (p.kind === 'card')
    return (
      <div class="bubble bubble-bot" data-testid="structured-message">
        <a href={p.url} target="_blank" rel="noopener noreferrer">
          {p.title}
        </a>
        {p.description && <p>{p.description}</p>}
      </div>
    );
  if (p.kind === 'image')
    return (
      <div class="bubble bubble-image" data-testid="structured-message">
        <img class="thumbnail" src={p.url} alt={p.alt ?? t('image.alt')} loading="lazy" />
      </div>
    );
  return (
    <p class="bubble bubble-bot" data-testid="structured-message">
      {p.text}
    </p>
  );
}
