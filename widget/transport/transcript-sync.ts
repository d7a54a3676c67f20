import type { WireError } from '../../protocol/errors.ts';
import type { Message } from '../../protocol/message.ts';
import type { AgentTyping } from './agent-typing.ts';
import { isMessage } from './guards.ts';
import type { Outbox } from './outbox.ts';
import type { ReadReceipts } from './receipts.ts';
import type { SessionControls } from './session-controls.ts';
import { STORAGE_KEYS, type KeyValueStore } from './storage.ts';
import { countOnce } from './tabs/count-once.ts';
import type { Transcript } from './transcript.ts';
import type { VisitorLink } from './visitor-socket.ts';

export interface SyncDeps {
  store: KeyValueStore;
  transcript: Transcript;
  /** An entry whose message comes back (live, in a sync, in its ack) leaves it. */
  outbox: Outbox;
  /** A joined, left, ended or reopened row changes where the visitor stands: its queue status is asked for. */
  session: SessionControls;
  receipts: ReadReceipts;
  /** A message from the agent side ends their "typing". */
  agentTyping: AgentTyping;
  link: () => VisitorLink | null;
  timeoutMs: () => number;
  hasSession: () => boolean;
  /** Bumped when identify or logout switches the conversation. */
  generation: () => number;
  /** The server answered: a header that says "reconnecting" can say "online" again. */
  markServing: () => void;
  /** A sync refused (outage, slow down, token refused): the client waits it out. */
  onRequestError: (error: WireError) => void;
  onChange: () => void;
}

export interface TranscriptSync {
  /** Pages through `sync` from the last applied seq until the server has nothing more. */
  syncAll(): Promise<void>;
  /** Applies server events once and in seq order; a gap (with `syncOnGap`) is filled by a sync. */
  applyEvents(events: Message[], syncOnGap?: boolean): void;
  /** Told of new messages from the agent side (not history loaded after identify): the API's `message` event. */
  incoming: Set<(messages: Message[]) => void>;
  /** The panel is open and the page is visible: agent messages count as read. */
  setVisible(visible: boolean): void;
  /** Identify or logout left the conversation: read reports start over, and the next history loads quietly. */
  left(): void;
}

/**
 * What comes from the server into the transcript: caught up by cursor (`sync`), applied once
 * and in order whether it came live or in a sync answer, counted unread once across tabs, and
 * reported read to the agent side while the visitor can see it.
 * Closures rather than a class: the minifier shortens local names, not properties (widget budget).
 */
export function transcriptSync(deps: SyncDeps): TranscriptSync {
  const { store, transcript } = deps;
  let visible = false;
  /** History is loading after a switch: it is not "new" (no unread, no message event). */
  let quiet = false;
  let syncing = false;
  let syncAgain = false;
  let reportedReadSeq = 0;
  const unread = () => store.get<number>(STORAGE_KEYS.unread) ?? 0;

  /** Tells the server (read receipts for the agent) how far the visitor has seen, once per new seq. */
  const reportRead = () => {
    const seq = transcript.lastSeq;
    const link = deps.link();
    if (!visible || !deps.hasSession() || !link?.connected || seq <= reportedReadSeq) return;
    reportedReadSeq = seq;
    void link.request('read', { seq }, deps.timeoutMs()).then((answer) => {
      if (!answer.ok && reportedReadSeq === seq) reportedReadSeq = 0; // try again on the next occasion
    });
  };

  const sync: TranscriptSync = {
    incoming: new Set(),
    async syncAll() {
      if (syncing) {
        syncAgain = true;
        return;
      }
      const link = deps.link();
      if (!deps.hasSession() || !link) return;
      syncing = true;
      const generation = deps.generation();
      let restart = false;
      try {
        do {
          syncAgain = false;
          for (;;) {
            const before = transcript.lastSeq;
            const answer = await link.request('sync', { afterSeq: before }, deps.timeoutMs());
            if (generation !== deps.generation()) return void (restart = true); // asked for the previous conversation
            if (!answer.ok) return deps.onRequestError(answer.error);
            deps.markServing();
            sync.applyEvents(answer.data.events.filter(isMessage), false);
            // A `receipt` pushed while this page was away is caught up here.
            if (deps.receipts.accept(answer.data)) deps.onChange();
            if (!answer.data.hasMore || transcript.lastSeq === before) break;
          }
        } while (syncAgain);
        quiet = false;
      } finally {
        syncing = false;
        if (restart) void sync.syncAll();
      }
    },
    applyEvents(events, syncOnGap = true) {
      const { applied, gap } = transcript.apply(events);
      const incoming: Message[] = [];
      // Joined, left, ended, reopened: the agent or the queue changed, ask where we stand.
      if (applied.some((m) => m.kind === 'event')) void deps.session.refresh();
      for (const message of applied) {
        if (message.clientId) deps.outbox.remove(message.clientId);
        if (message.author.kind === 'agent' || message.author.kind === 'bot') {
          deps.agentTyping.set(null);
          if (message.kind !== 'event' && !quiet) incoming.push(message);
        }
      }
      // Each tab applies the same messages: count them once; a tab showing the panel has read them.
      const counted = countOnce(store, incoming);
      if (visible) store.remove(STORAGE_KEYS.unread);
      else if (counted > 0) store.set(STORAGE_KEYS.unread, unread() + counted);
      if (incoming.length > 0) sync.incoming.forEach((fn) => fn(incoming));
      if (gap && syncOnGap) void sync.syncAll();
      if (applied.length > 0) {
        reportRead();
        deps.onChange();
      }
    },
    setVisible(shown) {
      visible = shown;
      if (shown) reportRead();
      if (shown && unread() > 0) {
        store.remove(STORAGE_KEYS.unread);
        deps.onChange();
      }
    },
    left() {
      reportedReadSeq = 0;
      // A new visitor's history is not "new" to them: it loads quietly.
      quiet = deps.hasSession();
    },
  };
  return sync;
}
