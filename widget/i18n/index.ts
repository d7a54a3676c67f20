import type { Locale } from '../../protocol/common.ts';
import type { Catalogue, MessageKey } from './en.ts';

export type { Catalogue, MessageKey };
export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

const SUPPORTED: readonly Locale[] = ['en', 'fr'];

/** `fr-CA` → `fr`; unsupported → null. */
export function matchLocale(tag: string | null | undefined): Locale | null {
  const base = (tag ?? '').trim().toLowerCase().split(/[-_]/)[0] as Locale;
  return SUPPORTED.includes(base) ? base : null;
}

/** Locale from the option, else `<html lang>`, else the browser, else the fallback. */
export function resolveLocale(option?: string | null, fallback: Locale = 'en'): Locale {
  return (
    matchLocale(option) ??
    matchLocale(document.documentElement.lang) ??
    matchLocale(typeof navigator !== 'undefined' ? navigator.language : null) ??
    fallback
  );
}

/** Catalogues are separate chunks: a page only downloads the language it shows. */
export async function loadCatalogue(locale: Locale): Promise<Catalogue> {
  const mod = locale === 'fr' ? await import('./fr.ts') : await import('./en.ts');
  return mod.default;
}

/** `t('typing.named', { name: 'Ada' })`; unknown placeholders stay visible to be noticed. */
export function createTranslate(catalogue: Catalogue): Translate {
  return (key, params) =>
    (catalogue[key] ?? key).replace(/\{(\w+)\}/g, (match, name: string) => (params && name in params ? String(params[name]) : match));
}
