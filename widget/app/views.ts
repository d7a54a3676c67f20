import { html, nothing, type TemplateResult } from 'lit';
import { MAX_MESSAGE_LENGTH } from '../../protocol/limits.ts';
import type { Message } from '../../protocol/message.ts';
import type { Translate } from '../i18n/index.ts';
import type { ConnectionState, Row } from '../transport/messenger-client.ts';
import type { OutboxEntry } from '../transport/outbox.ts';

/**
 * Stateless templates. Text is always interpolated as a text binding (never
 * unsafeHTML), so a message cannot inject markup. `data-testid` and `part`
 * attributes are the stable hooks for tests and (issue 6) theming.
 */
const CHAT_ICON = html`<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z" /></svg>`;
const CLOSE_ICON = html`<svg viewBox="0 0 24 24" aria-hidden="true" width="20" height="20" style="display:block;fill:currentColor"><path d="M18.3 5.7 12 12l6.3 6.3-1.4 1.4L10.6 13.4 4.3 19.7 2.9 18.3 9.2 12 2.9 5.7 4.3 4.3l6.3 6.3 6.3-6.3z" /></svg>`;

export function launcher(t: Translate, open: boolean, unread: number, onClick: () => void): TemplateResult {
  const label = open ? t('launcher.close') : t('launcher.open');
  const unreadLabel = unread === 1 ? t('launcher.unread.one') : t('launcher.unread.other', { count: unread });
  return html`<button class="launcher" part="launcher" data-testid="launcher" type="button"
    aria-label=${unread > 0 ? `${label} (${unreadLabel})` : label} aria-expanded=${open ? 'true' : 'false'}
    aria-controls="parley-panel" @click=${onClick}>
    ${open ? CLOSE_ICON : CHAT_ICON}
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

export function transcript(t: Translate, rows: Row[], onDiscard: (clientId: string) => void): TemplateResult {
  return html`<ol class="transcript" part="transcript" data-testid="transcript" aria-label=${t('transcript.label')} aria-live="polite">
    ${rows.length === 0 ? html`<li class="empty">${t('transcript.empty')}</li>` : nothing}
    ${rows.map((row) => (row.type === 'message' ? message(t, row.message) : pending(t, row.entry, onDiscard)))}
  </ol>`;
}

function message(t: Translate, m: Message): TemplateResult {
  if (m.kind === 'event') {
    const name = m.event.actorName ?? t('event.someone');
    return html`<li class="row event" part="event" data-testid="event" data-seq=${m.seq} data-event=${m.event.type}>${t(`event.${m.event.type}`, { name })}</li>`;
  }
  const kind = m.author.kind;
  const author = kind === 'visitor' ? t('author.you') : (m.author.name ?? t(kind === 'bot' ? 'author.bot' : 'author.agent'));
  return html`<li class="row" part="message" data-testid="message" data-author=${kind} data-seq=${m.seq}
    data-client-id=${m.clientId ?? ''} data-status="sent">
    ${kind === 'visitor' ? nothing : html`<span class="author">${author}</span>`}
    <span class="bubble" data-testid="message-text">${m.text}</span>
  </li>`;
}

function pending(t: Translate, entry: OutboxEntry, onDiscard: (clientId: string) => void): TemplateResult {
  const failed = entry.status === 'failed';
  const status = failed ? 'failed' : 'sending';
  return html`<li class="row" part="message" data-testid="message" data-author="visitor" data-client-id=${entry.clientId} data-status=${status}>
    <span class="bubble" data-testid="message-text">${entry.text}</span>
    <span class="meta">
      ${failed ? t('message.failed', { error: errorText(t, entry.error?.code ?? 'INTERNAL', entry.text.length) }) : t('message.sending')}
      ${failed ? html`<button type="button" data-testid="discard" @click=${() => onDiscard(entry.clientId)}>${t('message.discard')}</button>` : nothing}
    </span>
  </li>`;
}

export function errorText(t: Translate, code: string, length: number): string {
  if (code === 'MESSAGE_TOO_LONG') return t('error.MESSAGE_TOO_LONG', { count: length, max: MAX_MESSAGE_LENGTH });
  if (code === 'VALIDATION_FAILED') return t('error.VALIDATION_FAILED');
  return t('error.generic', { code });
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
}

export function composer(t: Translate, p: ComposerProps): TemplateResult {
  const length = p.draft.trim().length;
  const over = length > MAX_MESSAGE_LENGTH;
  return html`<form class="composer" part="composer-form" @submit=${p.onSubmit}>
    <div class="line">
      <label class="sr-only" for="parley-composer">${t('composer.label')}</label>
      <textarea id="parley-composer" part="composer" data-testid="composer" rows="1" placeholder=${t('composer.placeholder')}
        aria-invalid=${over || p.error ? 'true' : 'false'} aria-describedby="parley-hint parley-error"
        .value=${p.draft} @input=${p.onInput} @keydown=${p.onKeyDown}></textarea>
      <button class="send" part="send" data-testid="send" type="submit">${t('composer.send')}</button>
    </div>
    ${length > MAX_MESSAGE_LENGTH * 0.8
      ? html`<span class="hint" id="parley-hint" data-testid="composer-hint" ?data-over=${over}>${t('composer.count', { count: length, max: MAX_MESSAGE_LENGTH })}</span>`
      : nothing}
    ${p.error ? html`<span class="error" id="parley-error" part="composer-error" data-testid="composer-error" role="alert">${p.error}</span>` : nothing}
  </form>`;
}
