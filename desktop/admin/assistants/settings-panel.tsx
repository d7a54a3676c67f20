import { useState } from 'preact/hooks';
import type { Locale, Queue } from '../../../protocol/index.ts';
import { t } from '../../i18n/index.ts';
import { settingsErrors, type SettingsInput } from './draft-checks.ts';
import { LocalizedInputs, SelectInput, TextInput } from './step-fields.tsx';

type Handoff = NonNullable<SettingsInput['humanHandoff']>;
interface Props {
  settings: SettingsInput;
  languages: readonly Locale[];
  queues: readonly Queue[];
  onChange: (settings: SettingsInput) => void;
}

/** Drops a key when its value is empty, so the protocol default applies. */
function put<T extends object, K extends keyof T>(obj: T, key: K, value: T[K] | undefined): T {
  const copy = { ...obj };
  const empty = value === undefined || value === '' || (typeof value === 'object' && value !== null && Object.keys(value).length === 0);
  if (empty) delete copy[key];
  else copy[key] = value;
  return copy;
}
const toNumber = (v: string) => (v.trim() === '' ? undefined : Number(v));
const parseKeywords = (v: string) => v.split(',').map((k) => k.trim()).filter(Boolean);

/** Flow-wide settings: silence timers, what a timeout does, and the "talk to a person" escape. */
export function SettingsPanel({ settings, languages, queues, onChange }: Props) {
  const errors = settingsErrors(settings);
  const handoff: Handoff = settings.humanHandoff ?? {};
  const setHandoff = <K extends keyof Handoff>(key: K, value: Handoff[K] | undefined) => onChange({ ...settings, humanHandoff: put(handoff, key, value) });
  // Keywords are typed as free text; the draft gets the parsed list on every keystroke.
  const [keywordText, setKeywordText] = useState<Partial<Record<Locale, string>>>(() => Object.fromEntries(languages.map((l) => [l, (handoff.keywords?.[l] ?? []).join(', ')])));
  const queueOptions = [{ value: '', label: t('bot.field.noQueue') }, ...queues.map((q) => ({ value: q.id, label: q.name }))];
  const onTimeout = settings.onTimeout ?? 'end';

  return (
    <fieldset class="admin-form" data-testid="builder-settings">
      <legend>{t('bot.settings')}</legend>
      <TextInput id="settings-reminder" label="bot.settings.reminder" type="number" value={String(settings.reminderAfterSec ?? '')} onChange={(v) => onChange(put(settings, 'reminderAfterSec', toNumber(v)))} testid="settings-reminder" error={errors.reminderAfterSec} />
      <TextInput id="settings-close" label="bot.settings.close" type="number" value={String(settings.closeAfterSec ?? '')} onChange={(v) => onChange(put(settings, 'closeAfterSec', toNumber(v)))} testid="settings-close" error={errors.closeAfterSec} />
      <SelectInput id="settings-on-timeout" label="bot.settings.onTimeout" value={onTimeout} options={(['end', 'handoff'] as const).map((v) => ({ value: v, label: t(`bot.settings.onTimeout.${v}`) }))} onChange={(v) => onChange({ ...settings, onTimeout: v as 'end' | 'handoff' })} testid="settings-on-timeout" />
      {onTimeout === 'handoff' && <SelectInput id="settings-timeout-queue" label="bot.settings.timeoutQueue" value={settings.timeoutQueueId ?? ''} options={queueOptions} onChange={(v) => onChange(put(settings, 'timeoutQueueId', v))} testid="settings-timeout-queue" />}
      <LocalizedInputs idBase="settings-timeout-message" label="bot.settings.timeoutMessage" texts={settings.timeoutMessage} languages={languages} onChange={(v) => onChange(put(settings, 'timeoutMessage', v))} testPrefix="settings-timeout-message" multiline />
      <fieldset class="admin-form">
        <legend>{t('bot.settings.handoff')}</legend>
        <label class="check">
          <input type="checkbox" checked={handoff.enabled ?? true} onChange={(e) => setHandoff('enabled', e.currentTarget.checked)} data-testid="settings-handoff-enabled" />
          {t('bot.settings.handoffEnabled')}
        </label>
        <SelectInput id="settings-handoff-queue" label="bot.field.queue" value={handoff.queueId ?? ''} options={queueOptions} onChange={(v) => setHandoff('queueId', v)} testid="settings-handoff-queue" />
        {languages.map((lang) => (
          <TextInput
            key={lang}
            id={`settings-handoff-keywords-${lang}`}
            label="bot.settings.keywords"
            labelParams={{ language: t(`locale.${lang}`) }}
            value={keywordText[lang] ?? ''}
            onChange={(v) => (setKeywordText({ ...keywordText, [lang]: v }), setHandoff('keywords', put(handoff.keywords ?? {}, lang, parseKeywords(v))))}
            testid={`settings-handoff-keywords-${lang}`}
            error={errors[`humanHandoff.keywords.${lang}`]}
          />
        ))}
        <LocalizedInputs idBase="settings-handoff-message" label="bot.settings.handoffMessage" texts={handoff.message} languages={languages} onChange={(v) => setHandoff('message', v)} testPrefix="settings-handoff-message" multiline />
      </fieldset>
    </fieldset>
  );
}
