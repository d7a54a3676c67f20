/**
 * Drafts survive a reload: kept per conversation in sessionStorage (this tab
 * only, gone when it closes, so nothing lingers on a shared computer).
 */
const KEY = 'parley:desktop:drafts';

export interface DraftStorage {
  load(): Record<string, string>;
  save(drafts: Readonly<Record<string, string>>): void;
}

export const sessionDraftStorage: DraftStorage = {
  load() {
    try {
      const raw: unknown = JSON.parse(sessionStorage.getItem(KEY) ?? '{}');
      if (!raw || typeof raw !== 'object') return {};
      return Object.fromEntries(Object.entries(raw).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
    } catch {
      return {};
    }
  },
  save(drafts) {
    try {
      const kept = Object.fromEntries(Object.entries(drafts).filter(([, text]) => text !== ''));
      sessionStorage.setItem(KEY, JSON.stringify(kept));
    } catch {
      // Storage full or blocked: drafts still live in memory.
    }
  },
};

export const memoryDraftStorage = (): DraftStorage => {
  let stored: Record<string, string> = {};
  return { load: () => ({ ...stored }), save: (drafts) => void (stored = { ...drafts }) };
};
