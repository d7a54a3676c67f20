import type { ErrorCode } from '../../protocol/index.ts';

/** A message the agent wrote that the server has not stored yet (or refused for good). */
export interface OutboxEntry {
  clientId: string;
  conversationId: string;
  text: string;
  /** An image already uploaded: only its message is left to send. */
  attachment?: { id: string; name: string };
  createdAt: string;
  status: 'sending' | 'failed';
  /** Why it was refused (status `failed`). */
  error?: { code: ErrorCode; message: string };
}

export interface OutboxStorage {
  load(): OutboxEntry[];
  save(entries: readonly OutboxEntry[]): void;
  clear(): void;
}

const keyFor = (agentId: string) => `parley:desktop:outbox:${agentId}`;

const isEntry = (value: unknown): value is OutboxEntry => {
  if (!value || typeof value !== 'object') return false;
  const entry = value as Record<string, unknown>;
  return (
    typeof entry.clientId === 'string' &&
    typeof entry.conversationId === 'string' &&
    typeof entry.text === 'string' &&
    typeof entry.createdAt === 'string' &&
    (entry.status === 'sending' || entry.status === 'failed')
  );
};

/**
 * The outbox survives a reload: kept in sessionStorage, per agent. Like the drafts, it is this tab's
 * (two tabs never send each other's queue) and gone with the tab, so nothing lingers on a shared
 * computer; logging out clears it. A different agent signing in on the same tab gets their own key.
 */
export function sessionOutboxStorage(agentId: string): OutboxStorage {
  const key = keyFor(agentId);
  return {
    load() {
      try {
        const raw: unknown = JSON.parse(sessionStorage.getItem(key) ?? '[]');
        return Array.isArray(raw) ? raw.filter(isEntry) : [];
      } catch {
        return [];
      }
    },
    save(entries) {
      try {
        if (entries.length === 0) sessionStorage.removeItem(key);
        else sessionStorage.setItem(key, JSON.stringify(entries));
      } catch {
        // Storage full or blocked: the queue still lives in memory.
      }
    },
    clear() {
      try {
        sessionStorage.removeItem(key);
      } catch {
        // Blocked storage held nothing.
      }
    },
  };
}

export const memoryOutboxStorage = (initial: OutboxEntry[] = []): OutboxStorage & { saved: () => OutboxEntry[] } => {
  let stored = [...initial];
  return {
    load: () => [...stored],
    save: (entries) => void (stored = [...entries]),
    clear: () => void (stored = []),
    saved: () => [...stored],
  };
};
