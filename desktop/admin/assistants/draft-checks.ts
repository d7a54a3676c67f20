import type { z } from 'zod';
import { BotSettings, HttpUrl, type BotStep } from '../../../protocol/index.ts';
import { t } from '../../i18n/index.ts';
import type { Draft } from './assistants-api.ts';

/**
 * Checks the builder runs before a save: links and numbers the server would
 * store as they are but that must never leave the desk invalid (a `javascript:`
 * card link, a reminder outside the protocol limits). Messages are translated.
 */
export type SettingsInput = z.input<typeof BotSettings>;

export const settingsOf = (draft: Draft): SettingsInput => (draft.settings && typeof draft.settings === 'object' ? (draft.settings as SettingsInput) : {});

/** Empty means "no link"; anything else must be an http(s) URL. */
export const urlError = (value: string | undefined): string | undefined => (value === undefined || value === '' || HttpUrl.safeParse(value).success ? undefined : t('bot.error.url'));

/** Field path (`reminderAfterSec`, `humanHandoff.keywords.en`, …) → translated error. */
export function settingsErrors(settings: SettingsInput): Record<string, string> {
  const parsed = BotSettings.safeParse(settings);
  const errors: Record<string, string> = {};
  if (parsed.success) return errors;
  for (const issue of parsed.error.issues) {
    const [head, second, third] = issue.path.map(String);
    const key = head === 'humanHandoff' && second === 'keywords' && third ? `humanHandoff.keywords.${third}` : head === 'humanHandoff' ? `humanHandoff.${second}` : (head ?? '');
    errors[key] ??= settingsMessage(key);
  }
  return errors;
}

function settingsMessage(key: string): string {
  if (key === 'reminderAfterSec') return t('bot.error.range', { min: 10, max: 86_400 });
  if (key === 'closeAfterSec') return t('bot.error.range', { min: 20, max: 7 * 86_400 });
  if (key.startsWith('humanHandoff.keywords')) return t('bot.error.keywords');
  return t('bot.error.setting');
}

/** A card needs an http(s) link. */
export const cardUrlError = (card: { url: string } | undefined): string | undefined => (card && !HttpUrl.safeParse(card.url).success ? t('bot.error.url') : undefined);

function stepUrlErrors(step: BotStep): string[] {
  if (step.kind !== 'message') return [];
  return [urlError(step.imageUrl), cardUrlError(step.card)].filter((e): e is string => e !== undefined);
}

/** First blocking problem of the draft, or null when it may be saved. */
export function saveBlocker(draft: Draft): string | null {
  const bad = draft.steps.find((s) => stepUrlErrors(s).length > 0);
  if (bad) return t('bot.error.blockedStep', { id: bad.id });
  if (Object.keys(settingsErrors(settingsOf(draft))).length) return t('bot.error.blockedSettings');
  return null;
}
