import { useState } from 'preact/hooks';
import { AssistantSettingsInput, type Assistant, type Website } from '../../../protocol/index.ts';
import { t } from '../../i18n/index.ts';
import { ChannelChecks } from './channel-checks.tsx';

export type GeneralSettings = { name: string; brand: string | null; channels: string[] };

/**
 * The assistant's general settings: name (what the widget shows), brand, and the channels that
 * run its published version. Unchecking a channel gives it back its default response. A
 * never-published assistant connects by publishing.
 */
export function GeneralPanel(props: { assistant: Assistant; others: readonly Assistant[]; websites: readonly Website[]; busy: boolean; onSave: (settings: GeneralSettings) => void }) {
  const { assistant } = props;
  const [name, setName] = useState(assistant.name);
  const [brand, setBrand] = useState(assistant.brand ?? '');
  const [channels, setChannels] = useState<string[]>(assistant.channels);
  const [nameError, setNameError] = useState('');
  const published = assistant.publishedVersion !== null;
  const save = (event: Event) => {
    event.preventDefault();
    const settings = { name: name.trim(), brand: brand.trim() || null, channels };
    if (!AssistantSettingsInput.safeParse(settings).success) return setNameError(t('bot.nameRequired'));
    setNameError('');
    props.onSave(settings);
  };
  return (
    <form class="admin-form" noValidate onSubmit={save} aria-labelledby="general-title" data-testid="builder-general">
      <h4 id="general-title">{t('bot.general')}</h4>
      <div class="field">
        <label for="general-name">{t('bot.name')}</label>
        <input id="general-name" maxLength={100} value={name} onInput={(e) => setName(e.currentTarget.value)} aria-invalid={nameError ? true : undefined} aria-describedby={nameError ? 'general-name-error' : undefined} data-testid="general-name" />
        {nameError && (
          <span id="general-name-error" class="form-error" data-testid="general-name-error">
            {nameError}
          </span>
        )}
      </div>
      <div class="field">
        <label for="general-brand">{t('bot.brand')}</label>
        <input id="general-brand" maxLength={100} value={brand} onInput={(e) => setBrand(e.currentTarget.value)} data-testid="general-brand" />
      </div>
      <fieldset aria-describedby="general-channels-hint">
        <legend>{t('bot.general.channels')}</legend>
        <ChannelChecks assistant={assistant} others={props.others} websites={props.websites} chosen={channels} onChange={setChannels} disabled={!published} testid="general-channel" />
        <p id="general-channels-hint" class="hint">
          {published ? t('bot.general.channelsHint') : t('bot.general.publishFirst')}
        </p>
      </fieldset>
      <div class="admin-form-actions">
        <button type="submit" class="button" disabled={props.busy} data-testid="general-save">
          {t('bot.general.save')}
        </button>
      </div>
    </form>
  );
}
