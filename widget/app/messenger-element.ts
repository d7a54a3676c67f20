import { html, LitElement, nothing } from 'lit';
import type { Translate } from '../i18n/index.ts';
import type { MessengerClient, MessengerState } from '../transport/messenger-client.ts';
import { STORAGE_KEYS, type KeyValueStore } from '../transport/storage.ts';
import { styles } from './styles.ts';
import { composer, errorText, header, launcher, transcript, typing } from './views.ts';

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
  };
  static override styles = styles;

  declare open: boolean;
  declare siteName: string;
  declare snapshot: MessengerState | null;
  declare draft: string;
  declare composerError: string | null;

  client!: MessengerClient;
  store!: KeyValueStore;
  t!: Translate;
  private cleanups: (() => void)[] = [];
  private lastRowCount = -1;

  constructor() {
    super();
    this.open = false;
    this.siteName = '';
    this.snapshot = null;
    this.draft = '';
    this.composerError = null;
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
        this.composerError = errorText(this.t, entry.error?.code ?? 'INTERNAL', entry.text.length);
        if (!this.draft) this.draft = entry.text;
      }),
      () => document.removeEventListener('visibilitychange', onVisibility),
    );
    this.syncVisibility();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.cleanups.splice(0).forEach((fn) => fn());
  }

  setOpen(open: boolean): void {
    this.open = open;
    this.store.set(STORAGE_KEYS.open, open);
    this.syncVisibility();
    if (open) void this.updateComplete.then(() => this.composerElement()?.focus());
  }

  composerElement(): HTMLTextAreaElement | null {
    return this.renderRoot.querySelector('textarea');
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
        ? html`<section class="panel" id="parley-panel" part="panel" data-testid="panel" role="dialog" aria-labelledby="parley-title">
            ${header(t, this.siteName, state.connection, () => this.setOpen(false))}
            ${transcript(t, state.rows, (id) => this.client.discard(id))}
            ${typing(t, state.agentTyping)}
            ${composer(t, {
              draft: this.draft,
              error: this.composerError,
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
