/**
 * Key/value store for the widget, namespaced `parley:<websiteKey>:`. Values are JSON.
 * Every write is mirrored in memory so that, when localStorage is blocked (private
 * mode, sandboxed iframes, quota), the widget keeps working for the page's life.
 */
export interface KeyValueStore {
  get<T>(key: string): T | null;
  set(key: string, value: unknown): void;
  remove(key: string): void;
  /** False once localStorage has failed (or while consent is awaited): data then lives in memory only. */
  readonly persistent: boolean;
  /** Consent given (`deferUntilConsent`): what is in memory goes to localStorage, and so does what follows. */
  persist?(): void;
  /** Calls `listener` when another tab of this browser changes `key`; answers the unsubscribe. */
  watch?(key: string, listener: () => void): () => void;
}

/** The storage keys the widget uses (prefixed with `parley:<websiteKey>:`). */
export const STORAGE_KEYS = {
  token: 'token',
  outbox: 'outbox',
  transcript: 'transcript',
  lastSeq: 'lastSeq',
  open: 'open',
  unread: 'unread',
  /** A new value each time identify or logout switches the conversation: the other tabs follow. */
  session: 'session',
} as const;

export const storagePrefix = (websiteKey: string): string => `parley:${websiteKey}:`;

/** `deferred`: memory only (localStorage neither read nor written) until `persist()`. */
export function createStore(websiteKey: string, backing: () => Storage = () => window.localStorage, deferred = false): KeyValueStore {
  const prefix = storagePrefix(websiteKey);
  const memory = new Map<string, string>();
  let usable = !deferred;

  const read = (key: string): string | null => {
    if (usable) {
      try {
        return backing().getItem(prefix + key);
      } catch {
        usable = false;
      }
    }
    return memory.get(key) ?? null;
  };

  const write = (key: string, raw: string | null): void => {
    if (raw === null) memory.delete(key);
    else memory.set(key, raw);
    if (!usable) return;
    try {
      if (raw === null) backing().removeItem(prefix + key);
      else backing().setItem(prefix + key, raw);
    } catch {
      // Blocked or full: from now on memory is the source of truth.
      usable = false;
    }
  };

  return {
    get<T>(key: string): T | null {
      const raw = read(key);
      if (raw === null) return null;
      try {
        return JSON.parse(raw) as T;
      } catch {
        return null;
      }
    },
    set: (key, value) => write(key, JSON.stringify(value)),
    remove: (key) => write(key, null),
    persist() {
      if (!deferred) return;
      deferred = false;
      usable = true;
      memory.forEach((raw, key) => write(key, raw));
    },
    get persistent() {
      return usable;
    },
    // localStorage tells the other documents of the origin, never the one that wrote.
    watch(key, listener) {
      const onStorage = (e: StorageEvent) => {
        if (e.key === prefix + key && usable) listener();
      };
      window.addEventListener('storage', onStorage);
      return () => window.removeEventListener('storage', onStorage);
    },
  };
}
