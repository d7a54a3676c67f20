import { nothing } from 'lit';
import type { MessengerElement } from './messenger-element.ts';

/**
 * The composer's emoji picker, kept out of the first load: its code (grid, keys, insertion
 * at the caret) is a chunk imported the first time the visitor opens it.
 */
export class EmojiControl {
  open = false;
  private picker: typeof import('./emoji-picker.ts') | undefined;

  constructor(private readonly host: MessengerElement) {}

  /** Opens (focus on the first emoji) or closes (focus back on `focusAfter`, if given). */
  async toggle(open = !this.open, focusAfter?: string): Promise<void> {
    const host = this.host;
    this.picker ??= await import('./emoji-picker.ts').catch(() => undefined);
    if (!this.picker || open === this.open) return; // offline: a later press tries again
    this.open = open;
    host.requestUpdate();
    await host.updateComplete;
    const target = open ? '[data-testid="emoji"]' : focusAfter;
    if (target) host.renderRoot.querySelector<HTMLElement>(target)?.focus();
  }

  view(label: string): unknown {
    return this.open && this.picker ? this.picker.emojiPicker(this.host, label, (focusAfter) => void this.toggle(false, focusAfter)) : nothing;
  }
}
