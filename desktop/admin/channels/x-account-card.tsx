import { useState } from 'preact/hooks';
import type { XAccount, XCapabilities } from '../../../protocol/index.ts';
import { toApiError } from '../../api/api-error.ts';
import { errorText, t } from '../../i18n/index.ts';
import { channelsApi } from './channels-api.ts';

/**
 * A connected X account in Admin › Channels: who it is, its state (connected, token expired → Reconnect, webhook
 * invalid → Re-validate, rate-limited until …), how events arrive, the plan's capabilities, and Disconnect
 * (confirmed first).
 */
export function XAccountCard(props: { account: XAccount; webhooks: boolean; onChanged: (account: XAccount | null) => void; onReconnect: () => void; busy: boolean }) {
  const { account } = props;
  const [confirming, setConfirming] = useState(false);
  const [working, setWorking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  async function run<T>(action: () => Promise<T>, done: (value: T) => void) {
    setError(null);
    setNotice(null);
    setWorking(true);
    try {
      done(await action());
    } catch (cause) {
      const apiError = toApiError(cause);
      setError(errorText(apiError.code, apiError.message));
    } finally {
      setWorking(false);
    }
  }
  const revalidate = () =>
    run(
      () => channelsApi.revalidate(account.id),
      (next) => {
        setNotice(next.webhook.valid ? t('admin.x.revalidated') : t('admin.x.revalidateFailed'));
        props.onChanged(next);
      },
    );
  const setCapability = (key: keyof XCapabilities, value: boolean) => run(() => channelsApi.setCapabilities(account.id, { [key]: value }), props.onChanged);
  const disconnect = () =>
    run(
      () => channelsApi.disconnect(account.id),
      () => props.onChanged(null),
    );

  const limitedUntil = account.rateLimitedUntil ? new Date(account.rateLimitedUntil).toLocaleTimeString() : '';
  const disabled = working || props.busy;
  return (
    <div class="x-account" data-testid="x-account">
      <p>
        <strong data-testid="x-account-handle">@{account.username}</strong> <span class="hint">{account.name}</span>{' '}
        <span class={`badge x-status x-status-${account.status}`} data-testid="x-account-status">
          {t(`admin.x.status.${account.status}`, { until: limitedUntil })}
        </span>
      </p>
      <p class="hint" data-testid="x-account-delivery">
        {account.webhook.registered && account.webhook.valid ? t('admin.x.delivery.webhook') : t('admin.x.delivery.polling')}
      </p>
      {account.status === 'token_expired' && (
        <p>
          <span class="hint">{t('admin.x.tokenExpiredHint')}</span>{' '}
          <button type="button" class="button small" disabled={disabled} onClick={props.onReconnect} data-testid="x-reconnect">
            {t('admin.x.reconnect')}
          </button>
        </p>
      )}
      {/* Without an app bearer token and consumer secret the server registers no webhook: nothing to re-validate. */}
      {props.webhooks && (account.status === 'webhook_invalid' || !account.webhook.valid) && (
        <p>
          {account.status === 'webhook_invalid' && <span class="hint">{t('admin.x.webhookInvalidHint')} </span>}
          <button type="button" class="button small" disabled={disabled} onClick={() => void revalidate()} data-testid="x-revalidate">
            {t('admin.x.revalidate')}
          </button>
        </p>
      )}
      {account.lastError && (
        <p class="hint" data-testid="x-account-error">
          {account.lastError}
        </p>
      )}
      <fieldset class="x-capabilities">
        <legend>{t('admin.x.capabilities')}</legend>
        <p class="hint">{t('admin.x.capabilitiesHint')}</p>
        <label>
          <input type="checkbox" checked={account.capabilities.likes} disabled={disabled} onChange={(e) => void setCapability('likes', e.currentTarget.checked)} data-testid="x-cap-likes" />{' '}
          {t('admin.x.cap.likes')}
        </label>
        <label>
          <input
            type="checkbox"
            checked={account.capabilities.unsummonedReplies}
            disabled={disabled}
            onChange={(e) => void setCapability('unsummonedReplies', e.currentTarget.checked)}
            data-testid="x-cap-unsummoned"
          />{' '}
          {t('admin.x.cap.unsummonedReplies')}
        </label>
      </fieldset>
      <p>
        {confirming ? (
          <>
            <span role="alert">{t('admin.x.disconnectConfirm', { handle: `@${account.username}` })}</span>{' '}
            <button type="button" class="button small danger" disabled={disabled} onClick={() => void disconnect()} data-testid="x-disconnect-confirm">
              {t('admin.x.disconnect')}
            </button>{' '}
            <button type="button" class="button small" onClick={() => setConfirming(false)} data-testid="x-disconnect-cancel">
              {t('admin.cancel')}
            </button>
          </>
        ) : (
          <button type="button" class="button small" disabled={disabled} onClick={() => setConfirming(true)} data-testid="x-disconnect">
            {t('admin.x.disconnect')}
          </button>
        )}
      </p>
      <p role="status" class="hint">
        {notice ?? ''}
      </p>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
