import { html, nothing, type TemplateResult } from 'lit';
import type { QueueStatus } from '../../protocol/routing.ts';
import type { Translate } from '../i18n/index.ts';

/**
 * Templates of issue 3's visitor side: queue position and wait, the "team is away"
 * notice with its follow-up email form, and the in-panel "end conversation?" step.
 * Stateless like views.ts; the element owns drafts, errors and focus.
 */

/** "You are number 2 in line · about 3 min"; nothing when not queued. */
export function queueStatus(t: Translate, q: QueueStatus | null): TemplateResult | typeof nothing {
  if (q?.state === 'offered') {
    return html`<div class="notice queue" part="queue-status" data-testid="queue-status" data-state="offered" role="status">${t('queue.offered')}</div>`;
  }
  if (q?.position == null || (q.state !== 'waiting' && q.state !== 'bot')) return nothing;
  const place = q.position === 1 ? t('queue.next') : t('queue.position', { position: q.position });
  const wait = q.estimatedWaitSec == null ? '' : ` · ${t('queue.wait', { minutes: Math.max(1, Math.round(q.estimatedWaitSec / 60)) })}`;
  return html`<div class="notice queue" part="queue-status" data-testid="queue-status" data-state="waiting" data-position=${q.position}
    role="status">${place}${wait}</div>`;
}

export interface AwayProps {
  queue: QueueStatus;
  /** The follow-up email needs a session (the visitor wrote at least once). */
  hasSession: boolean;
  editing: boolean;
  draft: string;
  error: string | null;
  busy: boolean;
  onInput: (e: InputEvent) => void;
  onSubmit: (e: Event) => void;
  onChange: () => void;
}

export function awayNotice(t: Translate, p: AwayProps): TemplateResult {
  const saved = p.queue.followUpEmail;
  return html`<div class="notice away" part="away-notice" data-testid="away-notice" role="status">
    <p class="strong">${p.queue.withinBusinessHours ? t('away.busy') : t('away.closed')}</p>
    <p>${t('away.body')}</p>
    ${!p.hasSession ? nothing : saved && !p.editing
      ? html`<p class="saved"><span data-testid="followup-saved">${t('followup.saved', { email: saved })}</span>
          <button type="button" class="link" data-testid="followup-change" @click=${p.onChange}>${t('followup.change')}</button></p>`
      : html`<form class="followup" novalidate @submit=${p.onSubmit}>
          <label for="parley-followup">${t('followup.hint')}</label>
          <div class="line">
            <input id="parley-followup" type="email" autocomplete="email" data-testid="followup-email" .value=${p.draft}
              placeholder=${t('followup.placeholder')} aria-label=${t('followup.label')} aria-invalid=${p.error ? 'true' : 'false'}
              aria-describedby="parley-followup-error" @input=${p.onInput} />
            <button class="small" type="submit" data-testid="followup-submit" ?disabled=${p.busy}>${t('followup.submit')}</button>
          </div>
          ${p.error ? html`<span class="error" id="parley-followup-error" data-testid="followup-error" role="alert">${p.error}</span>` : nothing}
        </form>`}
  </div>`;
}

export interface EndProps {
  busy: boolean;
  error: string | null;
  onConfirm: () => void;
  onCancel: () => void;
}

/** The confirmation step: an in-panel alert dialog, Escape or Cancel backs out. */
export function endConfirm(t: Translate, p: EndProps): TemplateResult {
  return html`<div class="notice confirm" part="end-dialog" data-testid="end-dialog" role="alertdialog"
    aria-labelledby="parley-end-q" aria-describedby="parley-end-d"
    @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && (e.stopPropagation(), p.onCancel())}>
    <p class="strong" id="parley-end-q">${t('end.question')}</p>
    <p id="parley-end-d">${t('end.detail')}</p>
    <div class="actions">
      <button class="small" type="button" data-testid="end-cancel" @click=${p.onCancel}>${t('end.cancel')}</button>
      <button class="small danger" type="button" data-testid="end-confirm" ?disabled=${p.busy} @click=${p.onConfirm}>${t('end.confirm')}</button>
    </div>
    ${p.error ? html`<span class="error" data-testid="end-error" role="alert">${p.error}</span>` : nothing}
  </div>`;
}
