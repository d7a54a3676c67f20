import { batch, signal } from '@preact/signals';
import type { ContactRef, ConversationListResponse, ConversationSummary, Message } from '../../protocol/index.ts';

/** A chat on the agent's desk: their session is connected or in after-contact work. */
export function isOnDesk(summary: ConversationSummary, meId: string): boolean {
  if (summary.agent?.id !== meId) return false;
  const state = summary.session?.state;
  return state ? state === 'active' || state === 'wrap_up' : summary.status === 'active';
}

/** The list preview a live message gives its row: text and images change it; events and assistant bubbles do not (null). */
export function previewOf(message: Message): { text: string; authorKind: Message['author']['kind']; createdAt: string } | null {
  const text = message.kind === 'text' ? message.text : message.kind === 'image' ? message.text || message.attachment.name : null;
  return text === null ? null : { text, authorKind: message.author.kind, createdAt: message.createdAt };
}

/** In the queue overview: waiting for an agent (queued or being offered); not while an assistant still runs it, as the server lists it. */
export function isWaiting(summary: ConversationSummary): boolean {
  return summary.status === 'waiting' && summary.agent === null && summary.session?.state !== 'bot';
}

/**
 * The two lists of the left column. `conversation:updated` pushes move a
 * conversation between them: waiting without an agent → Waiting (the queue
 * overview); my active or wrap-up session → Mine; anything else → gone from both.
 * Both lists change in one batch(), so no view sees a conversation in both, or in neither.
 */
export function createConversationLists(meId: string) {
  const waiting = signal<ConversationSummary[]>([]);
  const mine = signal<ConversationSummary[]>([]);

  // Queue order: whoever waits longest first. Mine: most recent activity first.
  const byCreated = (a: ConversationSummary, b: ConversationSummary) => a.createdAt.localeCompare(b.createdAt);
  const byUpdatedDesc = (a: ConversationSummary, b: ConversationSummary) => b.updatedAt.localeCompare(a.updatedAt);

  function replace(lists: ConversationListResponse): void {
    batch(() => {
      waiting.value = lists.waiting.filter(isWaiting).sort(byCreated);
      mine.value = lists.mine.filter((item) => isOnDesk(item, meId)).sort(byUpdatedDesc);
    });
  }

  function upsert(summary: ConversationSummary): void {
    const others = (list: ConversationSummary[]) => list.filter((item) => item.id !== summary.id);
    const toWaiting = isWaiting(summary);
    const toMine = !toWaiting && isOnDesk(summary, meId);
    batch(() => {
      waiting.value = toWaiting ? [...others(waiting.value), summary].sort(byCreated) : others(waiting.value);
      mine.value = toMine ? [...others(mine.value), summary].sort(byUpdatedDesc) : others(mine.value);
    });
  }

  function remove(id: string): void {
    batch(() => {
      waiting.value = waiting.value.filter((item) => item.id !== id);
      mine.value = mine.value.filter((item) => item.id !== id);
    });
  }

  function find(id: string): ConversationSummary | undefined {
    return waiting.value.find((item) => item.id === id) ?? mine.value.find((item) => item.id === id);
  }

  /** A contact was renamed or edited: every chat with them shows the new name at once. */
  function applyContact(contact: ContactRef): void {
    const patch = (list: ConversationSummary[]) =>
      list.some((item) => item.contact.id === contact.id)
        ? list.map((item) => (item.contact.id === contact.id ? { ...item, contact: { id: contact.id, name: contact.name, email: contact.email } } : item))
        : list;
    batch(() => {
      waiting.value = patch(waiting.value);
      mine.value = patch(mine.value);
    });
  }

  /**
   * A message seen live (the room's copy, or the ack of our own send) moves its row's preview and
   * cursor forward, as the server's next summary will: text and images change the preview text;
   * events and assistant bubbles only the cursor. Older than what the row shows: ignored.
   */
  function applyMessage(message: Message): void {
    const preview = previewOf(message);
    const patch = (item: ConversationSummary): ConversationSummary => ({
      ...item,
      lastSeq: message.seq,
      updatedAt: message.createdAt > item.updatedAt ? message.createdAt : item.updatedAt,
      ...(preview ? { lastMessage: preview } : {}),
    });
    const apply = (list: ConversationSummary[]) => (list.some((item) => item.id === message.conversationId && item.lastSeq < message.seq) ? list.map((item) => (item.id === message.conversationId ? patch(item) : item)) : list);
    batch(() => {
      waiting.value = apply(waiting.value);
      const mineNext = apply(mine.value);
      if (mineNext !== mine.value) mine.value = mineNext.sort(byUpdatedDesc);
    });
  }

  return { waiting, mine, replace, upsert, remove, find, applyContact, applyMessage };
}

export type ConversationLists = ReturnType<typeof createConversationLists>;
