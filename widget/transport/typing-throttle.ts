/** How often a "still typing" refresh may be sent, and when silence means "stopped". */
const REFRESH_MS = 3_000;
const IDLE_MS = 4_000;

/**
 * Throttles the visitor's own typing signal: one `true` per REFRESH_MS while keys
 * are pressed, one `false` after IDLE_MS of silence or when the message is sent.
 */
export class TypingThrottle {
  private sentAt = 0;
  private active = false;
  private idle: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly send: (typing: boolean) => void) {}

  keystroke(now = Date.now()): void {
    if (!this.active || now - this.sentAt >= REFRESH_MS) {
      this.active = true;
      this.sentAt = now;
      this.send(true);
    }
    clearTimeout(this.idle);
    this.idle = setTimeout(() => this.stop(), IDLE_MS);
  }

  stop(): void {
    clearTimeout(this.idle);
    if (!this.active) return;
    this.active = false;
    this.send(false);
  }
}
