import { SYSTEM_PRESENCE_REASONS, type Author, type ContactRef, type EventMessage, type SystemPresenceReason } from '../../protocol/index.ts';
import { t } from '../i18n/index.ts';

/** The contact's name, else their email, else "Visitor 1a2b3c": the same label on every list and tab. */
export function contactLabel(contact: ContactRef): string {
  return contact.name?.trim() || contact.email?.trim() || t('contact.visitor', { id: contact.id.replace(/-/g, '').slice(0, 6) });
}

export function authorLabel(author: Author, meId: string | null, visitorName?: string): string {
  if (author.kind === 'agent' && author.id !== null && author.id === meId) return t('author.you');
  const name = author.name?.trim();
  if (name) return name;
  return author.kind === 'visitor' && visitorName ? visitorName : t(`author.${author.kind}`);
}

export function eventLabel(message: EventMessage): string {
  const name = message.event.actorName ?? message.author.name ?? t('event.someone');
  return t(`event.${message.event.type}`, { name });
}

/** A presence reason: the system's codes translated, an agent's own words as they typed them. */
export function presenceReasonLabel(reason: string): string {
  return (SYSTEM_PRESENCE_REASONS as readonly string[]).includes(reason) ? t(`presence.systemReason.${reason as SystemPresenceReason}`) : reason;
}
