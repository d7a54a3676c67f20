import { signal } from '@preact/signals';
import type { ErrorCode, Locale } from '../../protocol/index.ts';
import { en, type MessageKey } from './en.ts';
import { fr } from './fr.ts';

export type { MessageKey };
export const LOCALES = ['en', 'fr'] as const satisfies readonly Locale[];
export const catalogues: Record<Locale, Record<MessageKey, string>> = { en, fr };

// Every protocol error code must have a localized message (compile-time check).
type ErrorKeys = `error.${ErrorCode}`;
const _everyCodeHasAMessage: ErrorKeys extends MessageKey ? true : never = true;
void _everyCodeHasAMessage;

const STORAGE_KEY = 'parley:desktop:locale';

function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** The stored choice wins; otherwise the browser's language; English by default. */
export function detectLocale(): Locale {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (isLocale(stored)) return stored;
  } catch {
    // Storage may be blocked; fall through to the browser language.
  }
  const lang = (typeof navigator !== 'undefined' ? navigator.language : 'en').toLowerCase();
  return lang.startsWith('fr') ? 'fr' : 'en';
}

export const locale = signal<Locale>(detectLocale());

export function setLocale(next: Locale): void {
  locale.value = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // Not persisted when storage is blocked; the choice still applies now.
  }
  if (typeof document !== 'undefined') document.documentElement.lang = next;
}

/**
 * Text kept on screen (a notice, a toast) is stored as a function and called when rendered,
 * so switching the language re-translates what is already shown.
 */
export type Localized = () => string;

/** Translate `key` in the current locale, filling `{name}` placeholders from params. */
export function t(key: MessageKey, params?: Record<string, string | number>): string {
  const template = catalogues[locale.value][key] ?? en[key];
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** Keys that come as a pair `key.one` / `key.other`. */
type PluralKey = { [K in MessageKey]: K extends `${infer Base}.one` ? (`${Base}.other` extends MessageKey ? Base : never) : never }[MessageKey];

/** `key.one` or `key.other`, by the locale's plural rule for `count` (French counts 0 as singular), with `{count}` filled. */
export function tn(key: PluralKey, count: number, params?: Record<string, string | number>): string {
  const form = new Intl.PluralRules(locale.value).select(count) === 'one' ? 'one' : 'other';
  return t(`${key}.${form}` as MessageKey, { ...params, count });
}

/** "Label: value" with the locale's punctuation (French: "Libellé : valeur"). An empty value leaves "Label: " as a prefix. */
export function labelled(label: string, value: string | number = ''): string {
  return t('punct.labelled', { label, value });
}

/** Localized text for a protocol error code, falling back to the server's message. */
export function errorText(code: string | undefined, serverMessage?: string): string {
  const key = `error.${code ?? ''}`;
  if (key in en) return t(key as MessageKey);
  return serverMessage || t('error.generic');
}

/** A full date ("21 November 2026") in the current locale. */
export function formatDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : new Intl.DateTimeFormat(locale.value, { dateStyle: 'long' }).format(date);
}

const timeFormats = new Map<string, Intl.DateTimeFormat>();
/** Short time (and date when not today) in the current locale. */
export function formatTime(iso: string, now: Date = new Date()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const sameDay = date.toDateString() === now.toDateString();
  const id = `${locale.value}:${sameDay ? 't' : 'dt'}`;
  let format = timeFormats.get(id);
  if (!format) {
    format = new Intl.DateTimeFormat(locale.value, sameDay ? { hour: '2-digit', minute: '2-digit' } : { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
    timeFormats.set(id, format);
  }
  return format.format(date);
}
