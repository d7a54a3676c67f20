import { html, nothing, type TemplateResult } from 'lit';
import type { QueueStatus } from '../../protocol/routing.ts';
import type { Translate } from '../i18n/index.ts';
import type { EndConfirmation } from './end-confirmation.ts';
import type { FollowUpForm } from './follow-up-form.ts';

/**
 * Templates of issue 3's visitor side: queue position and wait, the "team is away"
 * notice with its follow-up email form, and the in-panel "end conversation?" step.
 * Stateless like views.ts: the step's and the form's state are the element's controllers
 * (end-confirmation.ts, follow-up-form.ts).
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

/** `hasSession`: the follow-up email needs a session (the visitor wrote at least once). */
export function awayNotice(t: Translate, queue: QueueStatus, hasSession: boolean, form: FollowUpForm): TemplateResult {
  const saved = queue.followUpEmail;
  return html`<div class="notice away" part="away-notice" data-testid="away-notice" role="status">
    <p class="strong">${queue.withinBusinessHours ? t('away.busy') : t('away.closed')}</p>
    <p>${t('away.body')}</p>
    ${!hasSession ? nothing : saved && !form.editing
      ? html`<p class="saved"><span data-testid="followup-saved">${t('followup.saved', { email: saved })}</span>
          <button type="button" class="link" data-testid="followup-change" @click=${() => form.change(saved)}>${t('followup.change')}</button></p>`
      : html`<form class="followup" novalidate @submit=${(e: Event) => void form.save(e)}>
          <label for="parley-followup">${t('followup.hint')}</label>
          <div class="line">
            <input id="parley-followup" type="email" autocomplete="email" data-testid="followup-email" .value=${form.draft}
              placeholder=${t('followup.placeholder')} aria-label=${t('followup.label')} aria-invalid=${form.error ? 'true' : 'false'}
              aria-describedby="parley-followup-error" @input=${(e: InputEvent) => form.input(e)} />
            <button class="small" type="submit" data-testid="followup-submit" ?disabled=${form.busy}>${t('followup.submit')}</button>
          </div>
          ${form.error ? html`<span class="error" id="parley-followup-error" data-testid="followup-error" role="alert">${form.error}</span>` : nothing}
        </form>`}
  </div>`;
}

/** The confirmation step: an in-panel alert dialog, Escape or Cancel backs out. */
export function endConfirm(t: Translate, step: EndConfirmation): TemplateResult {
  const cancel = () => step.ask(false);
  return html`<div class="notice confirm" part="end-dialog" data-testid="end-dialog" role="alertdialog"
    aria-labelledby="parley-end-q" aria-describedby="parley-end-d"
    @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && (e.stopPropagation(), cancel())}>
    <p class="strong" id="parley-end-q">${t('end.question')}</p>
    <p id="parley-end-d">${t('end.detail')}</p>
    <div class="actions">
      <button class="small" type="button" data-testid="end-cancel" @click=${cancel}>${t('end.cancel')}</button>
      <button class="small danger" type="button" data-testid="end-confirm" ?disabled=${step.busy} @click=${() => void step.confirm()}>${t('end.confirm')}</button>
    </div>
    ${step.error ? html`<span class="error" data-testid="end-error" role="alert">${step.error}</span>` : nothing}
  </div>`;
}
