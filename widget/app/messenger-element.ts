import { html, LitElement, nothing } from 'lit';
import type { Attachment } from '../../protocol/attachments.ts';
import type { Translate } from '../i18n/index.ts';
import { checkImage, type AttachmentIo } from '../transport/attachments.ts';
import type { MessengerClient, MessengerState } from '../transport/messenger-client.ts';
import { STORAGE_KEYS, type KeyValueStore } from '../transport/storage.ts';
import { styles } from './styles.ts';
import { awayNotice, endConfirm, queueStatus } from './session-views.ts';
import { attachError, composer, errorText, header, launcher, transcript, typing } from './views.ts';

export const ELEMENT_NAME = 'parley-messenger';

/**
 * `<parley-messenger>`: the whole widget UI in one shadow root. It owns only view
 * state (open, draft, composer error); everything else comes from the client.
 * Assign `client`, `store` and `t` before attaching it to the document.
 */
export class MessengerElement extends LitElement {
  static override properties = {
    open: { type: Boolean, reflect: true },
    siteName: { attribute: false },
    snapshot: { state: true },
    draft: { state: true },
    composerError: { state: true },
    confirmingEnd: { state: true },
    endBusy: { state: true },
    endError: { state: true },
    emailDraft: { state: true },
    emailError: { state: true },
    emailBusy: { state: true },
    editingEmail: { state: true },
    uploadProgress: { state: true },
  };
  static override styles = styles;

  declare open: boolean;
  declare siteName: string;
  declare snapshot: MessengerState | null;
  declare draft: string;
  declare composerError: string | null;
  declare confirmingEnd: boolean;
  declare endBusy: boolean;
  declare endError: string | null;
  declare emailDraft: string;
  declare emailError: string | null;
  declare emailBusy: boolean;
  declare editingEmail: boolean;
  declare uploadProgress: number | null;

  client!: MessengerClient;
  store!: KeyValueStore;
  t!: Translate;
  /** Image upload and download (HTTP); assigned by mount(). */
  attachments!: AttachmentIo;
  /** attachment id → blob URL, or null when it could not be loaded; absent = loading. */
  private images = new Map<string, string | null>();
  private loadingImages = new Set<string>();
  private cleanups: (() => void)[] = [];
  /** Quick-reply prompts (message ids) the visitor pressed a button of. */
  private pressed = new Set<string>();
  private lastRowCount = -1;

  constructor() {
    super();
    this.open = false;
    this.siteName = '';
    this.snapshot = null;
    this.draft = '';
    this.composerError = null;
    this.confirmingEnd = this.endBusy = this.emailBusy = this.editingEmail = false;
    this.endError = this.emailError = null;
    this.emailDraft = '';
    this.uploadProgress = null;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.open = this.store.get<boolean>(STORAGE_KEYS.open) === true;
    this.snapshot = this.client.state;
    const onVisibility = () => this.syncVisibility();
    document.addEventListener('visibilitychange', onVisibility);
    this.cleanups.push(
      this.client.subscribe(() => (this.snapshot = this.client.state)),
      this.client.onFailure((entry) => {
        const code = entry.error?.code ?? 'INTERNAL';
        if (entry.postback) {
          this.composerError = code === 'VALIDATION_FAILED' ? this.t('bot.optionGone') : this.t('error.generic', { code });
          return;
        }
        this.composerError = entry.attachment ? attachError(this.t, code) : errorText(this.t, code, entry.text.length);
        if (!this.draft) this.draft = entry.text;
      }),
      () => document.removeEventListener('visibilitychange', onVisibility),
    );
    this.syncVisibility();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.cleanups.splice(0).forEach((fn) => fn());
    this.images.forEach((src) => src && URL.revokeObjectURL(src));
    this.images.clear();
  }

  /** Starts loading an image once; the row re-renders when it is there. */
  private imageSrc(attachment: Attachment): string | null | undefined {
    if (this.images.has(attachment.id)) return this.images.get(attachment.id);
    if (!this.loadingImages.has(attachment.id)) {
      this.loadingImages.add(attachment.id);
      void this.attachments.imageSrc(attachment.url).then(
        (src) => this.imageLoaded(attachment.id, src),
        () => this.imageLoaded(attachment.id, null),
      );
    }
    return undefined;
  }

  private imageLoaded(id: string, src: string | null): void {
    this.loadingImages.delete(id);
    this.images.set(id, src);
    this.requestUpdate();
  }

  /** The visitor picked a file: pre-check, upload with progress, then send through the outbox. */
  private async attach(input: HTMLInputElement): Promise<void> {
    const file = input.files?.[0];
    input.value = ''; // picking the same file again must fire `change`
    if (!file || this.uploadProgress !== null) return;
    const refused = checkImage(file);
    if (refused) {
      this.composerError = attachError(this.t, refused.code);
      return;
    }
    this.composerError = null;
    this.uploadProgress = 0;
    const result = await this.attachments.upload(file, (fraction) => (this.uploadProgress = fraction));
    this.uploadProgress = null;
    if (!result.ok) {
      this.composerError = attachError(this.t, result.error.code);
      return;
    }
    // The draft, if any, becomes the caption.
    const sent = this.client.sendImage(result.attachment, this.draft);
    if (!sent.ok) {
      this.composerError = errorText(this.t, sent.error.code, this.draft.trim().length);
      return;
    }
    this.draft = '';
  }

  setOpen(open: boolean): void {
    this.open = open;
    this.store.set(STORAGE_KEYS.open, open);
    this.syncVisibility();
    if (open) void this.updateComplete.then(() => this.composerElement()?.focus());
  }

  /** Escape closes the panel and gives focus back to the launcher, as for any dialog. */
  private closeFromKeyboard(): void {
    this.setOpen(false);
    this.focusLater('launcher');
  }

  composerElement(): HTMLTextAreaElement | null {
    return this.renderRoot.querySelector('textarea');
  }

  /** Moves focus once the next render is on screen (confirmation step, back to the header…). */
  private focusLater(testid: string): void {
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`[data-testid="${testid}"]`)?.focus());
  }

  private askEnd(confirming: boolean): void {
    this.confirmingEnd = confirming;
    this.endError = null;
    this.focusLater(confirming ? 'end-cancel' : 'end-conversation');
  }

  private async confirmEnd(): Promise<void> {
    this.endBusy = true;
    const result = await this.client.session.end();
    this.endBusy = false;
    if (!result.ok) {
      this.endError = this.t('end.error', { code: result.error.code });
      return;
    }
    this.confirmingEnd = false;
    this.focusLater('composer');
  }

  private async saveEmail(): Promise<void> {
    if (this.emailBusy) return;
    this.emailBusy = true;
    const result = await this.client.session.followUp(this.emailDraft);
    this.emailBusy = false;
    if (!result.ok) {
      this.emailError = this.t(result.error.code === 'VALIDATION_FAILED' ? 'followup.invalid' : 'followup.error', { code: result.error.code });
      this.focusLater('followup-email');
      return;
    }
    this.editingEmail = false;
    this.emailError = null;
    this.focusLater('followup-change');
  }

  private syncVisibility(): void {
    this.client.setVisible(this.open && document.visibilityState !== 'hidden');
  }

  private submit(): void {
    const text = this.draft;
    const result = this.client.send(text);
    if (!result.ok) {
      if (result.error.code !== 'VALIDATION_FAILED' || text.trim()) this.composerError = errorText(this.t, result.error.code, text.trim().length);
      return;
    }
    // Re-sending a text that failed before replaces the failed row.
    for (const row of this.client.state.rows) {
      if (row.type === 'outbox' && row.entry.status === 'failed' && row.entry.text === text.trim()) this.client.discard(row.entry.clientId);
    }
    this.draft = '';
    this.composerError = null;
  }

  protected override render() {
    const state = this.snapshot ?? this.client.state;
    const t = this.t;
    return html`<div class="root" part="root">
      ${this.open
        ? html`<section class="panel" id="parley-panel" part="panel" data-testid="panel" role="dialog" aria-labelledby="parley-title"
            @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && this.closeFromKeyboard()}>
            ${header(t, {
              siteName: this.siteName,
              connection: state.connection,
              agent: state.queue?.state === 'active' ? (state.queue.agent?.name ?? null) : null,
              canEnd: state.canEnd && !this.confirmingEnd,
              onEnd: () => this.askEnd(true),
              onClose: () => this.setOpen(false),
            })}
            ${this.confirmingEnd && state.canEnd
              ? endConfirm(t, { busy: this.endBusy, error: this.endError, onConfirm: () => void this.confirmEnd(), onCancel: () => this.askEnd(false) })
              : nothing}
            ${queueStatus(t, state.queue)}
            ${state.away && state.queue
              ? awayNotice(t, {
                  queue: state.queue,
                  hasSession: !!this.client.token,
                  editing: this.editingEmail,
                  draft: this.emailDraft,
                  error: this.emailError,
                  busy: this.emailBusy,
                  onInput: (e) => {
                    this.emailDraft = (e.target as HTMLInputElement).value;
                    this.emailError = null;
                  },
                  onSubmit: (e) => {
                    e.preventDefault();
                    void this.saveEmail();
                  },
                  onChange: () => {
                    this.editingEmail = true;
                    this.emailDraft = state.queue?.followUpEmail ?? '';
                    this.focusLater('followup-email');
                  },
                })
              : nothing}
            ${transcript(t, state.rows, (id) => this.client.discard(id), (a) => this.imageSrc(a), {
              answered: this.pressed,
              onChoose: (m, value, label) => {
                // Once per prompt, even for a double click before the next render.
                if (this.pressed.has(m.id)) return;
                this.pressed.add(m.id);
                this.composerError = null;
                this.client.sendPostback(value, label);
              },
            })}
            ${typing(t, state.agentTyping)}
            ${composer(t, {
              draft: this.draft,
              error: this.composerError,
              canAttach: !!this.client.token,
              uploadProgress: this.uploadProgress,
              onAttach: () => this.renderRoot.querySelector<HTMLInputElement>('[data-testid="attach-input"]')?.click(),
              onFile: (e) => void this.attach(e.target as HTMLInputElement),
              onInput: (e) => {
                this.draft = (e.target as HTMLTextAreaElement).value;
                this.composerError = null;
                this.client.keystroke();
              },
              onKeyDown: (e) => {
                if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
                  e.preventDefault();
                  this.submit();
                }
              },
              onSubmit: (e) => {
                e.preventDefault();
                this.submit();
              },
            })}
          </section>`
        : nothing}
      ${launcher(t, this.open, state.unread, () => this.setOpen(!this.open))}
    </div>`;
  }

  protected override willUpdate(): void {
    // The session ended elsewhere (agent, another tab) while asking: drop the question.
    if (this.confirmingEnd && this.snapshot && !this.snapshot.canEnd) this.confirmingEnd = false;
  }

  protected override updated(): void {
    // Keep the newest message in view when rows are added.
    const list = this.renderRoot.querySelector('.transcript');
    const count = this.snapshot?.rows.length ?? 0;
    if (list && count !== this.lastRowCount) list.scrollTop = list.scrollHeight;
    this.lastRowCount = list ? count : -1;
  }
}

if (!customElements.get(ELEMENT_NAME)) customElements.define(ELEMENT_NAME, MessengerElement);

declare global {
  interface HTMLElementTagNameMap {
    [ELEMENT_NAME]: MessengerElement;
  }
}
