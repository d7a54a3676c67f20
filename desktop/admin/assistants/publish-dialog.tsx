import { useEffect, useRef, useState } from 'preact/hooks';
import type { Assistant, Website } from '../../../protocol/index.ts';
import { t } from '../../i18n/index.ts';
import { ChannelChecks } from './channel-checks.tsx';

/**
 * Which channels (websites) the new version goes live on. Channels already
 * connected start checked; a channel held by another assistant says so.
 */
export function PublishDialog(props: { assistant: Assistant; others: readonly Assistant[]; websites: readonly Website[]; busy: boolean; onConfirm: (channels: string[]) => void; onCancel: () => void }) {
  const [chosen, setChosen] = useState<string[]>(props.assistant.channels);
  const [error, setError] = useState('');
  const dialog = useRef<HTMLDivElement>(null);
  useEffect(() => dialog.current?.querySelector<HTMLElement>('input')?.focus(), []);
  const confirm = () => {
    if (chosen.length === 0) return setError(t('bot.publish.chooseOne'));
    props.onConfirm(chosen);
  };
  return (
    <div ref={dialog} class="admin-form" role="dialog" aria-modal="false" aria-labelledby="publish-title" data-testid="publish-dialog" onKeyDown={(e) => e.key === 'Escape' && props.onCancel()}>
      <h3 id="publish-title">{t('bot.publish.title', { name: props.assistant.name })}</h3>
      <fieldset aria-describedby="publish-choose-error">
        <legend>{t('bot.publish.channels')}</legend>
        {props.websites.length === 0 && <p class="hint">{t('bot.publish.noWebsites')}</p>}
        <ChannelChecks assistant={props.assistant} others={props.others} websites={props.websites} chosen={chosen} onChange={setChosen} testid="publish-channel" />
      </fieldset>
      <p id="publish-choose-error" class="form-error" role="alert">
        {error}
      </p>
      <div class="admin-form-actions">
        <button type="button" class="button primary" disabled={props.busy} onClick={confirm} data-testid="publish-confirm">
          {t('bot.publish.confirm')}
        </button>
        <button type="button" class="button" onClick={props.onCancel}>
          {t('bot.publish.cancel')}
        </button>
      </div>
    </div>
  );
}
