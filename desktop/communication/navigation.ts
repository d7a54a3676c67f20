import { signal } from '@preact/signals';

/**
 * Cross-view navigation into the Communication tab (used by the "Show" action of
 * `contact:replied` notifications). The tab bar registers how to switch views, so
 * this module needs no reference to the desk.
 */
export type ViewSelector = (view: 'communication') => void;

/** The conversation the Communication tab should show (null = none chosen). */
export const communicationTarget = signal<string | null>(null);

let selectView: ViewSelector | null = null;

/** Called by the tab bar while mounted; returns the unregister function. */
export function registerViewSelector(selector: ViewSelector): () => void {
  selectView = selector;
  return () => {
    if (selectView === selector) selectView = null;
  };
}

/** Selects the Communication view and that contact's conversation. */
export function openInCommunication(conversationId: string): void {
  communicationTarget.value = conversationId;
  selectView?.('communication');
}
