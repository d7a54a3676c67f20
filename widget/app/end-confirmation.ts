import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Translate } from '../i18n/index.ts';
import type { SessionControls } from '../transport/session-controls.ts';

/** What the confirmation step needs of its element. */
export interface EndHost extends ReactiveControllerHost {
  readonly t: Translate;
  readonly client: { readonly session: Pick<SessionControls, 'end'> };
  /** The client's latest state, as rendered. */
  readonly snapshot: { readonly canEnd: boolean } | null;
  focusLater(testid: string): void;
}

/**
 * "End conversation?": the in-panel confirmation step, the request it makes and its error.
 * Focus goes to Cancel when it opens, back to the header's button when the visitor backs out,
 * and to the composer once the conversation has ended.
 */
export class EndConfirmation implements ReactiveController {
  asking = false;
  busy = false;
  error: string | null = null;

  constructor(private readonly host: EndHost) {
    host.addController(this);
  }

  /** The session ended elsewhere (agent, another tab) while asking: the question goes. */
  hostUpdate(): void {
    if (this.asking && this.host.snapshot && !this.host.snapshot.canEnd) this.asking = false;
  }

  ask(asking: boolean): void {
    this.asking = asking;
    this.error = null;
    this.host.requestUpdate();
    this.host.focusLater(asking ? 'end-cancel' : 'end-conversation');
  }

  async confirm(): Promise<void> {
    const host = this.host;
    this.busy = true;
    host.requestUpdate();
    const result = await host.client.session.end();
    this.busy = false;
    if (result.ok) this.asking = false;
    else this.error = host.t('end.error', { code: result.error.code });
    host.requestUpdate();
    if (result.ok) host.focusLater('composer');
  }
}
