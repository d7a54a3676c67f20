import { html, nothing, type TemplateResult } from 'lit';
import { MAX_MESSAGE_LENGTH } from '../../protocol/limits.ts';
import type { Attachment } from '../../protocol/attachments.ts';
import type { ImageMessage, Message, StructuredMessage } from '../../protocol/message.ts';
import type { Translate } from '../i18n/index.ts';
import type { ConnectionState, Row } from '../transport/messenger-client.ts';
import { ACCEPTED_IMAGE_TYPES } from '../transport/attachments.ts';
import { botPayload, safeUrl } from '../transport/guards.ts';
import type { OutboxEntry } from '../transport/outbox.ts';
import { isReadBy, type AgentRead } from '../transport/receipts.ts';

/**
 * Stateless templates. Text is always interpolated as a text binding (never
 * unsafeHTML), so a message cannot inject markup. `data-testid` and `part`
 * attributes are the stable hooks for tests and (issue 6) theming.
 */
const CHAT_ICON = html`<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z" /></svg>`;
const CLIP_ICON = html`<svg viewBox="0 0 24 24" aria-hidden="true" width="20" height="20" style="display:block;fill:currentColor"><path d="M16.5 6.5v10a4.5 4.5 0 0 1-9 0V5a3 3 0 0 1 6 0v10.5a1.5 1.5 0 0 1-3 0V6.5H9v9a3 3 0 0 0 6 0V5a4.5 4.5 0 0 0-9 0v11.5a6 6 0 0 0 12 0v-10z" /></svg>`;
const SMILE_ICON = html`<svg viewBox="0 0 24 24" aria-hidden="true" width="20" height="20" style="display:block;fill:currentColor"><path d="M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm0 18a8 8 0 1 1 0-16 8 8 0 0 1 0 16zM8.5 11a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3zm7 0a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3zM12 17.5c2.3 0 4.3-1.4 5-3.5H7c.7 2.1 2.7 3.5 5 3.5z" /></svg>`;
const CLOSE_ICON = html`<svg viewBox="0 0 24 24" aria-hidden="true" width="20" height="20" style="display:block;fill:currentColor"><path d="M18.3 5.7 12 12l6.3 6.3-1.4 1.4L10.6 13.4 4.3 19.7 2.9 18.3 9.2 12 2.9 5.7 4.3 4.3l6.3 6.3 6.3-6.3z" /></svg>`;

/** `text`: the site's launcher label (theme.launcherLabel), shown next to the icon while closed. */
export function launcher(t: Translate, open: boolean, unread: number, onClick: () => void, text = ''): TemplateResult {
  const label = open ? t('launcher.close') : text || t('launcher.open');
  const unreadLabel = unread === 1 ? t('launcher.unread.one') : t('launcher.unread.other', { count: unread });
  return html`<button class="launcher" part="launcher" data-testid="launcher" type="button"
    aria-label=${unread > 0 ? `${label} (${unreadLabel})` : label} aria-expanded=${open ? 'true' : 'false'}
    aria-controls="parley-panel" @click=${onClick}>
    ${open ? CLOSE_ICON : CHAT_ICON}${!open && text ? html`<span part="launcher-label">${text}</span>` : nothing}
    ${unread > 0 ? html`<span class="badge" part="badge" data-testid="badge" aria-hidden="true">${unread > 99 ? '99+' : unread}</span>` : nothing}
  </button>`;
}

export interface HeaderProps {
  siteName: string;
  connection: ConnectionState;
  /** The connected agent's name while a session is active. */
  agent: string | null;
  canEnd: boolean;
  onEnd: () => void;
  onClose: () => void;
}

export function header(t: Translate, p: HeaderProps): TemplateResult {
  return html`<div class="header" part="header">
    <div class="top">
      <span class="title" id="parley-title">${t('panel.title', { name: p.siteName || t('panel.defaultName') })}</span>
      <button class="close" type="button" data-testid="close" aria-label=${t('panel.close')} @click=${p.onClose}>${CLOSE_ICON}</button>
    </div>
    <div class="sub">
      <span class="state" part="connection" data-testid="connection" data-state=${p.connection} role="status">${t(`connection.${p.connection}`)}</span>
      ${p.agent ? html`<span class="agent"><span class="sr-only">${t('header.agent')}</span> <span data-testid="agent-name">${p.agent}</span></span>` : nothing}
      ${p.canEnd ? html`<button class="end" type="button" part="end-conversation" data-testid="end-conversation" @click=${p.onEnd}>${t('end.button')}</button>` : nothing}
    </div>
  </div>`;
}

/** The displayable src of an attachment: a URL, `undefined` while loading, `null` when it cannot be shown. */
export type ImageSource = (attachment: Attachment) => string | null | undefined;

/** A quick-reply press; `answered` lists the prompts (message ids) already pressed. */
export interface Choices {
  answered: ReadonlySet<string>;
  onChoose: (m: StructuredMessage, value: string, label: string) => void;
}

/** What the meta line under a stored message needs: the locale of its time, and the agent side's read mark. */
export interface Marks {
  locale: string;
  agentRead: AgentRead | null;
}

/** Per stored message: its time, and for the visitor's latest message the receipt ("Delivered", "Read"). */
interface Meta {
  marks: Marks;
  /** The visitor's latest stored message carries the receipt for all the ones before it. */
  receiptOn: string | null;
}

/** What the visitor can do with a message shown "Not sent". */
export interface FailedActions {
  retry: (clientId: string) => void;
  discard: (clientId: string) => void;
}

export function transcript(t: Translate, rows: Row[], failed: FailedActions, image: ImageSource, choices: Choices, marks: Marks): TemplateResult {
  // Buttons above the visitor's latest message (sent or pending) were answered one way or another.
  const lastVisitor = rows.findLastIndex((r) => r.type === 'outbox' || r.message.author.kind === 'visitor');
  const lastStored = rows.findLast((r) => r.type === 'message' && r.message.author.kind === 'visitor');
  const meta: Meta = { marks, receiptOn: lastStored?.type === 'message' ? lastStored.message.id : null };
  // No aria-live here: the live region announces the other side's messages only, once each.
  return html`<ol class="transcript" part="transcript" data-testid="transcript" aria-label=${t('transcript.label')} tabindex="0">
    ${rows.length === 0 ? html`<li class="empty">${t('transcript.empty')}</li>` : nothing}
    ${rows.map((row, i) =>
      row.type === 'outbox'
        ? pending(t, row.entry, failed, image)
        : row.message.kind === 'structured'
          ? structured(t, row.message, i < lastVisitor || choices.answered.has(row.message.id), choices.onChoose, meta)
          : message(t, row.message, image, meta),
    )}
  </ol>`;
}

const timeFormats = new Map<string, Intl.DateTimeFormat>();
const clock = (locale: string) => {
  let format = timeFormats.get(locale);
  if (!format) timeFormats.set(locale, (format = new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit' })));
  return format;
};

/** "10:42 · Read": a machine-readable <time>, and the receipt on the visitor's latest message. */
function metaLine(t: Translate, m: Message, meta: Meta): TemplateResult {
  const when = new Date(m.createdAt);
  const time = Number.isNaN(when.getTime()) ? nothing : html`<time datetime=${m.createdAt} data-testid="message-time">${clock(meta.marks.locale).format(when)}</time>`;
  const receipt = m.id !== meta.receiptOn ? nothing : isReadBy(meta.marks.agentRead, m)
    ? html`<span data-testid="receipt" data-receipt="read">· ${t('receipt.read')}</span>`
    : html`<span data-testid="receipt" data-receipt="delivered">· ${t('receipt.delivered')}</span>`;
  return html`<span class="meta">${time}${receipt}</span>`;
}

/** `data-receipt` on every visitor row: delivered (stored) or read (the agent side saw it). */
const receiptOf = (m: Message, meta: Meta) => (m.author.kind !== 'visitor' ? nothing : isReadBy(meta.marks.agentRead, m) ? 'read' : 'delivered');

const authorName = (t: Translate, m: Message) =>
  m.author.kind === 'visitor' ? t('author.you') : (m.author.name ?? t(m.author.kind === 'bot' ? 'author.bot' : 'author.agent'));

/** Who wrote a received bubble; an assistant (or the website's default response) is named as such. */
const authorLine = (t: Translate, m: Message) =>
  m.author.kind === 'visitor'
    ? nothing
    : html`<span class="author" data-testid=${m.author.kind === 'bot' ? 'bot-name' : nothing}>${authorName(t, m)}</span>`;

/** An assistant's bubble: text, image, link card or quick replies; an unreadable payload shows the fallback text. */
function structured(t: Translate, m: StructuredMessage, answered: boolean, onChoose: Choices['onChoose'], meta: Meta): TemplateResult {
  const p = botPayload(m.payload);
  const text = (s: string) => html`<span class="bubble" data-testid="message-text">${s}</span>`;
  let body: unknown = text(p?.kind === 'text' || p?.kind === 'quick_replies' ? p.text : m.text);
  if (p?.kind === 'image') {
    const src = safeUrl(p.url);
    if (src) body = html`<span class="picture"><img src=${src} alt=${p.alt ?? t('image.alt')} data-testid="message-image" /></span>`;
  } else if (p?.kind === 'card') {
    const href = safeUrl(p.url);
    body = html`<span class="bubble card" data-testid="bot-card">
      ${href ? html`<a class="strong" href=${href} target="_blank" rel="noopener noreferrer" data-testid="bot-card-link">${p.title}</a>` : html`<span class="strong">${p.title}</span>`}
      ${p.description ? html`<span class="desc">${p.description}</span>` : nothing}
    </span>`;
  } else if (p?.kind === 'quick_replies') {
    body = html`${body}<span class="replies" role="group" aria-label=${p.text}>
      ${p.options.map(
        (o) => html`<button class="small" type="button" data-testid="bot-button" data-value=${o.value} ?disabled=${answered}
          @click=${() => onChoose(m, o.value, o.label)}>${o.label}</button>`,
      )}
    </span>`;
  }
  return html`<li class="row" part="message" data-testid="message" data-kind="structured" data-payload=${p?.kind ?? 'text'}
    data-author=${m.author.kind} data-seq=${m.seq} data-client-id=${m.clientId ?? ''} data-status="sent" data-receipt=${receiptOf(m, meta)}>
    ${authorLine(t, m)} ${body} ${metaLine(t, m, meta)}
  </li>`;
}

/** Thumbnail linking to the full image in a new tab; the caption is alt text and a text line, never markup. */
function picture(t: Translate, attachment: Attachment, caption: string, image: ImageSource): TemplateResult {
  const src = image(attachment);
  const alt = caption || t('image.alt');
  if (!src) return html`<span class="picture placeholder" data-testid="image-placeholder">${src === null ? t('image.unavailable') : t('image.loading')}</span>`;
  return html`<a class="picture" href=${src} target="_blank" rel="noopener noreferrer" data-testid="image-link" title=${t('image.open')}>
    <img src=${src} alt=${alt} data-testid="message-image" width=${attachment.width ?? nothing} height=${attachment.height ?? nothing} />
  </a>`;
}

function imageRow(t: Translate, m: ImageMessage, image: ImageSource, meta: Meta): TemplateResult {
  return html`<li class="row" part="message" data-testid="message" data-kind="image" data-author=${m.author.kind} data-seq=${m.seq}
    data-client-id=${m.clientId ?? ''} data-status="sent" data-receipt=${receiptOf(m, meta)}>
    ${authorLine(t, m)}
    ${picture(t, m.attachment, m.text, image)}
    ${m.text ? html`<span class="bubble" data-testid="message-text">${m.text}</span>` : nothing}
    ${metaLine(t, m, meta)}
  </li>`;
}

function message(t: Translate, m: Message, image: ImageSource, meta: Meta): TemplateResult {
  if (m.kind === 'event') {
    const name = m.event.actorName ?? t('event.someone');
    return html`<li class="row event" part="event" data-testid="event" data-seq=${m.seq} data-event=${m.event.type}>${t(`event.${m.event.type}`, { name })}</li>`;
  }
  if (m.kind === 'image') return imageRow(t, m, image, meta);
  return html`<li class="row" part="message" data-testid="message" data-kind="text" data-author=${m.author.kind} data-seq=${m.seq}
    data-client-id=${m.clientId ?? ''} data-status="sent" data-receipt=${receiptOf(m, meta)}>
    ${authorLine(t, m)}
    <span class="bubble" data-testid="message-text">${m.text}</span>
    ${metaLine(t, m, meta)}
  </li>`;
}

/** An outbox entry: "Sending…", or "Not sent: why" with Retry and Delete (the bubble describes both buttons). */
function pending(t: Translate, entry: OutboxEntry, actions: FailedActions, image: ImageSource): TemplateResult {
  const { clientId } = entry;
  const failed = entry.status === 'failed';
  const id = `parley-${clientId}`;
  return html`<li class="row" part="message" data-testid="message" data-kind=${entry.attachment ? 'image' : 'text'} data-author="visitor" data-client-id=${clientId} data-status=${failed ? 'failed' : 'sending'}>
    ${entry.attachment ? picture(t, entry.attachment, entry.text, image) : nothing}
    ${entry.text || !entry.attachment ? html`<span class="bubble" id=${id} data-testid="message-text">${entry.text}</span>` : nothing}
    <span class="meta">
      ${failed
        ? html`${t('message.failed', { error: failure(t, entry) })}
            <button type="button" data-testid="retry" aria-describedby=${id} @click=${() => actions.retry(clientId)}>${t('message.retry')}</button>
            <button type="button" data-testid="discard" aria-describedby=${id} @click=${() => actions.discard(clientId)}>${t('message.discard')}</button>`
        : t('message.sending')}
    </span>
  </li>`;
}

/** Why an entry was not sent, in the visitor's words. */
export function failure(t: Translate, entry: OutboxEntry): string {
  const code = entry.error?.code ?? 'INTERNAL';
  return entry.attachment ? attachError(t, code) : errorText(t, code, entry.text.length);
}

export function errorText(t: Translate, code: string, length: number): string {
  if (code === 'MESSAGE_TOO_LONG') return t('error.MESSAGE_TOO_LONG', { count: length, max: MAX_MESSAGE_LENGTH });
  if (code === 'VALIDATION_FAILED') return t('error.VALIDATION_FAILED');
  return t('error.generic', { code });
}

/** Upload and image-send errors, typed by code. */
export function attachError(t: Translate, code: string): string {
  if (code === 'MESSAGE_TOO_LONG') return t('attach.tooLarge');
  if (code === 'VALIDATION_FAILED') return t('attach.unsupported');
  return t('attach.failed', { code });
}

/** The polite live region: what the agent side just wrote, read out once by screen readers. */
export function liveRegion(text: string): TemplateResult {
  return html`<div class="sr-only" role="status" data-testid="live-region">${text}</div>`;
}

export function typing(t: Translate, who: string | null): TemplateResult | typeof nothing {
  if (who === null) return nothing;
  return html`<div class="typing" part="typing" data-testid="typing" aria-live="polite">${who ? t('typing.named', { name: who }) : t('typing.anonymous')}</div>`;
}

export interface ComposerProps {
  draft: string;
  error: string | null;
  onInput: (e: InputEvent) => void;
  onKeyDown: (e: KeyboardEvent) => void;
  onSubmit: (e: Event) => void;
  /** Shown once the visitor has a conversation (uploads go to it). */
  canAttach: boolean;
  /** 0..1 while an image uploads, else null. */
  uploadProgress: number | null;
  onAttach: () => void;
  onFile: (e: Event) => void;
  /** The emoji picker (loaded on demand) when open, else `nothing`. */
  emojiPicker: unknown;
  emojiOpen: boolean;
  onEmoji: () => void;
}

export function composer(t: Translate, p: ComposerProps): TemplateResult {
  const length = p.draft.trim().length;
  const over = length > MAX_MESSAGE_LENGTH;
  return html`<form class="composer" part="composer-form" @submit=${p.onSubmit}>
    ${p.emojiPicker}
    <div class="line">
      <label class="sr-only" for="parley-composer">${t('composer.label')}</label>
      <textarea id="parley-composer" part="composer" data-testid="composer" rows="1" placeholder=${t('composer.placeholder')}
        aria-invalid=${over || p.error ? 'true' : 'false'} aria-describedby="parley-hint parley-error"
        .value=${p.draft} @input=${p.onInput} @keydown=${p.onKeyDown}></textarea>
      ${p.canAttach
        ? html`<button class="attach" part="attach" data-testid="attach-button" type="button" aria-label=${t('attach.button')} title=${t('attach.button')}
              ?disabled=${p.uploadProgress !== null} @click=${p.onAttach}>${CLIP_ICON}</button>
            <input class="sr-only" type="file" tabindex="-1" aria-hidden="true" data-testid="attach-input" accept=${ACCEPTED_IMAGE_TYPES.join(',')} @change=${p.onFile} />`
        : nothing}
      <button class="attach" part="emoji-button" data-testid="emoji-button" type="button" aria-label=${t('emoji.button')} title=${t('emoji.button')}
        aria-expanded=${p.emojiOpen ? 'true' : 'false'} @click=${p.onEmoji}>${SMILE_ICON}</button>
      <button class="send" part="send" data-testid="send" type="submit">${t('composer.send')}</button>
    </div>
    ${p.uploadProgress !== null
      ? html`<label class="progress" data-testid="upload-status">${t('attach.uploading', { percent: Math.round(p.uploadProgress * 100) })}
          <progress data-testid="upload-progress" max="100" value=${Math.round(p.uploadProgress * 100)}></progress></label>`
      : nothing}
    ${length > MAX_MESSAGE_LENGTH * 0.8
      ? html`<span class="hint" id="parley-hint" data-testid="composer-hint" ?data-over=${over}>${t('composer.count', { count: length, max: MAX_MESSAGE_LENGTH })}</span>`
      : nothing}
    ${p.error ? html`<span class="error" id="parley-error" part="composer-error" data-testid="composer-error" role="alert">${p.error}</span>` : nothing}
  </form>`;
}
