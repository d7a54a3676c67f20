import type { Message } from '../../protocol/message.ts';
import type { Translate } from '../i18n/index.ts';

/**
 * History synced in after the page loaded (an empty cache, a new device, identify) is not
 * news: only messages written after the page loaded are read out. The margin absorbs a
 * visitor clock slightly ahead of the server's, so a live answer is never missed.
 */
const CLOCK_MARGIN_MS = 60_000;
/** A long catch-up is summed up by its last few messages. */
const MAX_ANNOUNCED = 3;

/**
 * Decides what the polite live region says: messages of the agent side (agent, assistant,
 * conversation events) stored after the last announced seq, each once, as "author: text".
 * The visitor's own messages are never read back to them.
 */
export class Announcer {
  private lastSeq: number | null = null;
  private readonly since: number;

  constructor(private readonly t: Translate, now = Date.now()) {
    this.since = now - CLOCK_MARGIN_MS;
  }

  /** New text for the live region, or null when there is nothing new to say. */
  next(messages: readonly Message[]): string | null {
    const last = messages.at(-1)?.seq ?? 0;
    // First look, or the transcript was reset (logout, other conversation): start from here.
    if (this.lastSeq === null || last < this.lastSeq) {
      const first = this.lastSeq === null;
      this.lastSeq = first ? last : 0;
      if (first) return null;
    }
    const since = this.lastSeq;
    this.lastSeq = Math.max(since, last);
    const fresh = messages.filter((m) => m.seq > since && m.author.kind !== 'visitor' && Date.parse(m.createdAt) >= this.since);
    if (fresh.length === 0) return null;
    return fresh.slice(-MAX_ANNOUNCED).map((m) => this.say(m)).join('\n');
  }

  private say(m: Message): string {
    const { t } = this;
    if (m.kind === 'event') return t(`event.${m.event.type}`, { name: m.event.actorName ?? t('event.someone') });
    const author = m.author.name ?? t(m.author.kind === 'bot' ? 'author.bot' : 'author.agent');
    const text = m.text || (m.kind === 'image' ? t('image.alt') : '');
    return t('announce.message', { author, text });
  }
}
