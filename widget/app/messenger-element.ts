import { html, LitElement, nothing, type PropertyValues } from 'lit';
import type { Translate } from '../i18n/index.ts';
import type { AttachmentIo } from '../transport/attachments.ts';
import type { MessengerClient, MessengerState } from '../transport/messenger-client.ts';
import { STORAGE_KEYS, type KeyValueStore } from '../transport/storage.ts';
import { styles } from './styles.ts';
import { DRAFT_KEY, saveDraft } from './tab-sync.ts';
import { awayNotice, endConfirm, queueStatus } from './session-views.ts';
import { Announcer } from './announcer.ts';
import { EmojiControl } from './emoji-control.ts';
import { EndConfirmation } from './end-confirmation.ts';
import { FollowUpForm } from './follow-up-form.ts';
import { ImageControl } from './image-control.ts';
import { focusedElement, followVisualViewport, trapTab } from './focus.ts';
import { composer, errorText, failure, header, launcher, liveRegion, transcript, typing } from './views.ts';

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
    launcherLabel: { attribute: false },
    snapshot: { state: true },
    draft: { state: true },
    composerError: { state: true },
    announcement: { state: true },
  };
  static override styles = styles;

  declare open: boolean;
  declare siteName: string;
  /** theme.launcherLabel: visible text on the launcher. */
  declare launcherLabel: string;
  declare snapshot: MessengerState | null;
  declare draft: string;
  declare composerError: string | null;
  /** The live region's text: the agent side's latest messages. */
  declare announcement: string;

  client!: MessengerClient;
  store!: KeyValueStore;
  t!: Translate;
  /** Image upload and download (HTTP); assigned by mount(). */
  attachments!: AttachmentIo;
  private cleanups: (() => void)[] = [];
  /** Quick-reply prompts (message ids) the visitor pressed a button of. */
  private pressed = new Set<string>();
  private lastRowCount = -1;
  private announcer: Announcer | null = null;
  private readonly imagery = new ImageControl(this);
  private readonly emoji = new EmojiControl(this);
  private readonly ending = new EndConfirmation(this);
  private readonly followUp = new FollowUpForm(this);
  /** Where focus was when the panel opened: it goes back there on close. */
  private opener: HTMLElement | null = null;

  constructor() {
    super();
    this.open = false;
    this.siteName = this.launcherLabel = '';
    this.snapshot = null;
    this.draft = '';
    this.composerError = null;
    this.announcement = '';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.open = this.store.get<boolean>(STORAGE_KEYS.open) === true;
    this.draft = this.store.get<string>(DRAFT_KEY) ?? '';
    this.snapshot = this.client.state;
    this.announcer = new Announcer(this.t);
    this.announce();
    const onVisibility = () => this.syncVisibility();
    document.addEventListener('visibilitychange', onVisibility);
    this.cleanups.push(
      this.client.subscribe(() => {
        this.snapshot = this.client.state;
        this.announce();
      }),
      followVisualViewport(this),
      this.client.onFailure((entry) => {
        // A press whose option is gone has no row: the composer says so. A message shows "Not sent" on its row; this tells screen readers.
        if (entry.postback && entry.error?.code === 'VALIDATION_FAILED') this.composerError = this.t('bot.optionGone');
        else this.announcement = this.t('message.failed', { error: failure(this.t, entry) });
      }),
      () => document.removeEventListener('visibilitychange', onVisibility),
    );
    this.syncVisibility();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.cleanups.splice(0).forEach((fn) => fn());
  }

  /** Puts the agent side's new messages in the polite live region. */
  private announce(): void {
    const text = this.announcer?.next(this.client.transcript.messages);
    if (text) this.announcement = text;
  }

  setOpen(open: boolean): void {
    // Focus goes back on close only if it was ours (a close from the API must not steal it from the page).
    const focused = focusedElement(this);
    const ours = !!focused && (focused === this || this.renderRoot.contains(focused));
    if (open && !this.open) this.opener = focused;
    const restore = !open && this.open && ours ? this.opener : undefined;
    this.open = open;
    if (!open) this.emoji.open = false;
    this.store.set(STORAGE_KEYS.open, open);
    this.syncVisibility();
    if (open) void this.updateComplete.then(() => this.composerElement()?.focus());
    if (restore !== undefined) {
      this.opener = null;
      void this.updateComplete.then(() => (restore?.isConnected ? restore : this.renderRoot.querySelector<HTMLElement>('[data-testid="launcher"]'))?.focus());
    }
  }

  composerElement(): HTMLTextAreaElement | null {
    return this.renderRoot.querySelector('textarea');
  }

  /** Moves focus once the next render is on screen (confirmation step, back to the header…). */
  focusLater(testid: string): void {
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`[data-testid="${testid}"]`)?.focus());
  }

  /** Public for tab-sync, which opens or closes the panel when another tab did. */
  syncVisibility(): void {
    this.client.setVisible(this.open && document.visibilityState !== 'hidden');
  }

  private submit(): void {
    const text = this.draft;
    const result = this.client.send(text);
    if (!result.ok) {
      if (result.error.code !== 'VALIDATION_FAILED' || text.trim()) this.composerError = errorText(this.t, result.error.code, text.trim().length);
      return;
    }
    this.draft = '';
    this.composerError = null;
  }

  protected override render() {
    const state = this.snapshot ?? this.client.state;
    const { t, ending, followUp } = this;
    return html`<div class="root" part="root">
      ${this.open
        ? html`<section class="panel" id="parley-panel" part="panel" data-testid="panel" role="dialog" aria-modal="true" aria-labelledby="parley-title"
            @keydown=${(e: KeyboardEvent) => (e.key === 'Escape' ? this.setOpen(false) : trapTab(e, e.currentTarget as HTMLElement))}>
            ${header(t, {
              siteName: this.siteName,
              connection: state.connection,
              agent: state.queue?.state === 'active' ? (state.queue.agent?.name ?? null) : null,
              canEnd: state.canEnd && !ending.asking,
              onEnd: () => ending.ask(true),
              onClose: () => this.setOpen(false),
            })}
            ${ending.asking && state.canEnd
              ? endConfirm(t, ending)
              : nothing}
            ${queueStatus(t, state.queue)}
            ${state.away && state.queue
              ? awayNotice(t, state.queue, !!this.client.token, followUp)
              : nothing}
            ${transcript(t, state.rows, {
              // The row's buttons go away with what they did: focus goes on to the composer.
              retry: (id) => (this.client.resend(id), this.focusLater('composer')),
              discard: (id) => (this.client.discard(id), this.focusLater('composer')),
            }, (a) => this.imagery.src(a), {
              answered: this.pressed,
              onChoose: (m, value, label) => {
                // Once per prompt, even for a double click before the next render.
                if (this.pressed.has(m.id)) return;
                this.pressed.add(m.id);
                this.composerError = null;
                this.client.sendPostback(value, label);
              },
            }, { locale: this.lang || 'en', agentRead: state.agentRead })}
            ${typing(t, state.agentTyping)}
            ${composer(t, {
              draft: this.draft,
              error: this.composerError,
              canAttach: !!this.client.token,
              uploadProgress: this.imagery.progress,
              onAttach: () => this.renderRoot.querySelector<HTMLInputElement>('[data-testid="attach-input"]')?.click(),
              onFile: (e) => void this.imagery.attach(e.target as HTMLInputElement),
              emojiOpen: this.emoji.open,
              emojiPicker: this.emoji.view(t('emoji.label')),
              onEmoji: () => void this.emoji.toggle(),
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
      ${launcher(t, this.open, state.unread, () => this.setOpen(!this.open), this.launcherLabel)}
      ${liveRegion(this.announcement)}
    </div>`;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('draft')) saveDraft(this.store, this.draft);
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
