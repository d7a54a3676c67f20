import type { BotDefinition, LocalizedText, Locale } from '../../../protocol/index.ts';

/** Lower case, no accents, single spaces: how keywords, typed labels and branch values compare. */
export function normalize(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** The visitor's language when the bot speaks it ('fr-CA' → 'fr'), else the first declared one. */
export function resolveLanguage(def: BotDefinition, locale: string | null | undefined): Locale {
  const primary = (locale ?? '').toLowerCase().split(/[-_]/)[0];
  return def.languages.find((l) => l === primary) ?? def.languages[0]!;
}

/** A text in `lang`, falling back to the bot's first language, then to any translation. */
export function localize(text: LocalizedText, lang: Locale, def: BotDefinition): string {
  return text[lang] ?? text[def.languages[0]!] ?? Object.values(text).find((t) => t !== undefined) ?? '';
}

/** Whether `text` contains `phrase` as whole words (both normalized). */
export function containsPhrase(text: string, phrase: string): boolean {
  const t = ` ${normalize(text)} `;
  const p = normalize(phrase);
  return p.length > 0 && t.includes(` ${p} `);
}
