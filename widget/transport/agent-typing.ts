import { TYPING_TTL_MS } from '../../protocol/limits.ts';

/**
 * "Agent is typing": the name of whoever types on the agent side ('' when unnamed), or
 * null. It goes off by itself after TYPING_TTL_MS, so a lost "stopped typing" cannot
 * leave the indicator on forever.
 */
export class AgentTyping {
  private current: string | null = null;
  private expiry: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly onExpire: () => void) {}

  get name(): string | null {
    return this.current;
  }

  set(name: string | null): void {
    clearTimeout(this.expiry);
    this.current = name;
    if (name !== null) {
      this.expiry = setTimeout(() => {
        this.current = null;
        this.onExpire();
      }, TYPING_TTL_MS);
    }
  }

  stop(): void {
    clearTimeout(this.expiry);
  }
}
