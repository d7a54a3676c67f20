import type { ReactiveControllerHost } from 'lit';
import type { Translate } from '../i18n/index.ts';
import type { SessionControls } from '../transport/session-controls.ts';

/** What the follow-up form needs of its element. */
export interface FollowUpHost extends ReactiveControllerHost {
  readonly t: Translate;
  readonly client: { readonly session: Pick<SessionControls, 'followUp'> };
  focusLater(testid: string): void;
}

/**
 * The away notice's follow-up email: the address typed, whether a saved one is being changed, the
 * request and its error. Focus stays on the field after an error, and goes to "Change" once saved.
 */
export class FollowUpForm {
  draft = '';
  editing = false;
  busy = false;
  error: string | null = null;

  constructor(private readonly host: FollowUpHost) {}

  input(e: InputEvent): void {
    this.draft = (e.target as HTMLInputElement).value;
    this.error = null;
    this.host.requestUpdate();
  }

  /** "Change": edit the saved address. */
  change(saved: string): void {
    this.editing = true;
    this.draft = saved;
    this.host.requestUpdate();
    this.host.focusLater('followup-email');
  }

  async save(e: Event): Promise<void> {
    e.preventDefault();
    const host = this.host;
    if (this.busy) return;
    this.busy = true;
    host.requestUpdate();
    const result = await host.client.session.followUp(this.draft);
    this.busy = false;
    if (result.ok) {
      this.editing = false;
      this.error = null;
    } else this.error = host.t(result.error.code === 'VALIDATION_FAILED' ? 'followup.invalid' : 'followup.error', { code: result.error.code });
    host.requestUpdate();
    host.focusLater(result.ok ? 'followup-change' : 'followup-email');
  }
}
