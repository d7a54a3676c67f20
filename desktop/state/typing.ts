import { signal } from '@preact/signals';
import { TYPING_TTL_MS } from '../../protocol/index.ts';

/**
 * Who is typing, per conversation. An indicator expires after TYPING_TTL_MS
 * without a refresh, so a lost "stopped typing" event never leaves it stuck.
 */
export function createTypingStore(ttlMs: number = TYPING_TTL_MS) {
  const typing = signal<Readonly<Record<string, { name: string | null }>>>({});
  const timers = new Map<string, ReturnType<typeof setTimeout>>();

  function clear(conversationId: string): void {
    const timer = timers.get(conversationId);
    if (timer) clearTimeout(timer);
    timers.delete(conversationId);
    if (!(conversationId in typing.value)) return;
    const next = { ...typing.value };
    delete next[conversationId];
    typing.value = next;
  }

  function set(conversationId: string, isTyping: boolean, name: string | null): void {
    if (!isTyping) return clear(conversationId);
    const timer = timers.get(conversationId);
    if (timer) clearTimeout(timer);
    timers.set(conversationId, setTimeout(() => clear(conversationId), ttlMs));
    typing.value = { ...typing.value, [conversationId]: { name } };
  }

  function dispose(): void {
    for (const timer of timers.values()) clearTimeout(timer);
    timers.clear();
  }

  return { typing, set, clear, dispose };
}

/**
 * Throttles the agent's own typing notifications: at most one "typing" per
 * half TTL while keys are pressed, and one "stopped" after a pause or a send.
 */
export function createTypingSender(send: (conversationId: string, typing: boolean) => void, ttlMs: number = TYPING_TTL_MS) {
  const lastSent = new Map<string, number>();
  const idleTimers = new Map<string, ReturnType<typeof setTimeout>>();

  function stop(conversationId: string): void {
    const timer = idleTimers.get(conversationId);
    if (timer) clearTimeout(timer);
    idleTimers.delete(conversationId);
    if (lastSent.delete(conversationId)) send(conversationId, false);
  }

  function keystroke(conversationId: string, now: number = Date.now()): void {
    const last = lastSent.get(conversationId);
    if (last === undefined || now - last >= ttlMs / 2) {
      lastSent.set(conversationId, now);
      send(conversationId, true);
    }
    const timer = idleTimers.get(conversationId);
    if (timer) clearTimeout(timer);
    idleTimers.set(conversationId, setTimeout(() => stop(conversationId), ttlMs / 2));
  }

  function dispose(): void {
    for (const timer of idleTimers.values()) clearTimeout(timer);
    idleTimers.clear();
  }

  return { keystroke, stop, dispose };
}
