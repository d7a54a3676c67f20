import { signal } from '@preact/signals';
import type { ConversationListResponse, ConversationSummary } from '../../protocol/index.ts';

/**
 * The two lists of the left column. `conversation:updated` pushes move a
 * conversation between them: waiting without an agent → Waiting; assigned to
 * me → Mine; assigned to someone else → gone from both.
 */
export function createConversationLists(meId: string) {
  const waiting = signal<ConversationSummary[]>([]);
  const mine = signal<ConversationSummary[]>([]);

  // Queue order: whoever waits longest first. Mine: most recent activity first.
  const byCreated = (a: ConversationSummary, b: ConversationSummary) => a.createdAt.localeCompare(b.createdAt);
  const byUpdatedDesc = (a: ConversationSummary, b: ConversationSummary) => b.updatedAt.localeCompare(a.updatedAt);

  function replace(lists: ConversationListResponse): void {
    waiting.value = [...lists.waiting].sort(byCreated);
    mine.value = [...lists.mine].sort(byUpdatedDesc);
  }

  function upsert(summary: ConversationSummary): void {
    const others = (list: ConversationSummary[]) => list.filter((item) => item.id !== summary.id);
    const isWaiting = summary.status === 'waiting' && summary.agent === null;
    const isMine = !isWaiting && summary.agent?.id === meId;
    waiting.value = isWaiting ? [...others(waiting.value), summary].sort(byCreated) : others(waiting.value);
    mine.value = isMine ? [...others(mine.value), summary].sort(byUpdatedDesc) : others(mine.value);
  }

  function find(id: string): ConversationSummary | undefined {
    return waiting.value.find((item) => item.id === id) ?? mine.value.find((item) => item.id === id);
  }

  return { waiting, mine, replace, upsert, find };
}

export type ConversationLists = ReturnType<typeof createConversationLists>;
