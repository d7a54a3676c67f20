import type { Account } from './account.ts';
import { RECEIPT_KEY } from './receipts.ts';
import type { SessionControls } from './session-controls.ts';
import { STORAGE_KEYS, type KeyValueStore } from './storage.ts';
import type { Transcript } from './transcript.ts';
import type { VisitorLink } from './visitor-socket.ts';

export interface SwitchDeps {
  store: KeyValueStore;
  transcript: Transcript;
  /** Its queue status belongs to the conversation left. */
  session: SessionControls;
  /** Told when the server refused the stored token (a JWT callback then identifies again). */
  account: Account;
  link: () => VisitorLink | null;
  /** The client forgets what else memory holds of the conversation left (read reports, agent typing). */
  left: () => void;
  /** Loads the conversation identify switched to: its history (from seq 0), then its queue status. */
  load: () => void;
  onChange: () => void;
}

export interface ConversationSwitch {
  /** Bumped on every switch: answers asked for the previous conversation are dropped. */
  generation(): number;
  /** identify (the verified contact's token) or logout (null) in this tab. */
  to(token: string | null): void;
  /** Another tab identified or logged out (the `session` key changed): this one follows. */
  follow(): void;
  /** The server no longer knows the stored token: start anonymous, keeping the outbox. */
  forget(): void;
}

/**
 * Which conversation this browser is in. Identify and logout switch it (what is stored of the
 * previous one goes; after identify, the contact's history loads), the other tabs follow through
 * storage, and a refused token starts the visitor anonymous again.
 * Closures rather than a class: the minifier shortens local names, not properties (widget budget).
 */
export function conversationSwitch(deps: SwitchDeps): ConversationSwitch {
  const { store, transcript, session } = deps;
  let generation = 0;

  /** The in-memory side of a switch: answers for the previous conversation are dropped, its state goes. */
  const leave = () => {
    generation++;
    session.reset();
    deps.left();
  };

  return {
    generation: () => generation,
    to(token) {
      if (token) store.set(STORAGE_KEYS.token, token);
      else [STORAGE_KEYS.token, STORAGE_KEYS.outbox].forEach((key) => store.remove(key));
      store.remove(STORAGE_KEYS.unread);
      store.remove(RECEIPT_KEY);
      transcript.reset();
      leave();
      // The other tabs of this browser follow (follow()).
      store.set(STORAGE_KEYS.session, crypto.randomUUID());
      // After logout the socket still speaks for the old visitor: reconnect anonymously.
      if (token) deps.load();
      else deps.link()?.forceReconnect();
      deps.onChange();
    },
    /**
     * The other tab's storage already holds the new session (token, transcript reset or freshly
     * synced). This tab follows without a reload: what it shows of the previous conversation goes,
     * and it reconnects, so that a socket of its own speaks for the new visitor too (a shared one
     * reconnects once more, harmlessly); the connect syncs the new conversation.
     */
    follow() {
      transcript.reload();
      leave();
      deps.link()?.forceReconnect();
      deps.onChange();
    },
    forget() {
      store.remove(STORAGE_KEYS.token);
      store.remove(STORAGE_KEYS.unread);
      transcript.reset();
      session.reset();
      deps.account.tokenRefused();
    },
  };
}
