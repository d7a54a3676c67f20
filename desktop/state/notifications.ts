import { signal } from '@preact/signals';
import type { Localized } from '../i18n/index.ts';

export interface DeskNotification {
  id: number;
  text: Localized;
  /** The "Show" action, when there is somewhere to go. */
  conversationId: string | null;
}

/** Toasts on the desk (e.g. "Marie answered" with Show); stacked, dismissed by the agent. */
export function createNotifications() {
  const items = signal<readonly DeskNotification[]>([]);
  let next = 1;
  return {
    items,
    add(text: Localized, conversationId: string | null): void {
      items.value = [...items.value, { id: next++, text, conversationId }];
    },
    dismiss(id: number): void {
      items.value = items.value.filter((item) => item.id !== id);
    },
    /** The agent has the conversation in front of them: its toasts have served their purpose. */
    dismissFor(conversationId: string): void {
      if (items.value.some((item) => item.conversationId === conversationId)) items.value = items.value.filter((item) => item.conversationId !== conversationId);
    },
  };
}

export type Notifications = ReturnType<typeof createNotifications>;
