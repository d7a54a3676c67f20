import type { Locale } from '../../protocol/index.ts';
import type { MessageDraft } from '../db/stores/messages-store.ts';
import type { WebsiteRow } from '../db/schema.ts';

/**
 * The channel's default messaging response (issue 5), active while no assistant
 * is published on the website: one short greeting with what to expect, sent
 * once per new session, written by the website itself (author kind `bot`).
 */
export const DEFAULT_GREETING: Record<Locale, string> = {
  en: 'Hello! Thanks for your message. An agent will reply as soon as possible; you can keep writing here meanwhile.',
  fr: 'Bonjour ! Merci pour votre message. Un conseiller vous répondra dès que possible ; vous pouvez continuer à écrire ici en attendant.',
};

/** The visitor's language when we have it ('fr-CA' → fr), else the website's default. */
export function greetingLocale(locale: string | null | undefined, fallback: Locale): Locale {
  const primary = (locale ?? '').toLowerCase().split(/[-_]/)[0];
  return primary === 'fr' || primary === 'en' ? primary : fallback;
}

export function defaultGreeting(website: Pick<WebsiteRow, 'id' | 'name' | 'defaultLocale'>, locale: string | null | undefined): MessageDraft {
  const text = DEFAULT_GREETING[greetingLocale(locale, website.defaultLocale)];
  return { kind: 'structured', payload: { kind: 'text', text }, author: { kind: 'bot', id: null, name: website.name } };
}
