import { computed, signal } from '@preact/signals';

/** Messages that arrived in chats not in view, per conversation; opening the chat clears its count. */
export function createUnread() {
  const counts = signal<Readonly<Record<string, number>>>({});
  const total = computed(() => Object.values(counts.value).reduce((sum, n) => sum + n, 0));

  function add(conversationId: string): void {
    counts.value = { ...counts.value, [conversationId]: (counts.value[conversationId] ?? 0) + 1 };
  }

  function clear(conversationId: string): void {
    if (!counts.value[conversationId]) return;
    const next = { ...counts.value };
    delete next[conversationId];
    counts.value = next;
  }

  return { counts, total, add, clear };
}

export type Unread = ReturnType<typeof createUnread>;
