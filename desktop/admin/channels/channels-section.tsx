import { useEffect, useState } from 'preact/hooks';
import type { Website, XAccount, XAccountList } from '../../../protocol/index.ts';
import { toApiError } from '../../api/api-error.ts';
import { errorText, t } from '../../i18n/index.ts';
import { takeXConnectResult, type XConnectResult } from './callback-result.ts';
import { channelsApi, navigation } from './channels-api.ts';
import { XAccountCard } from './x-account-card.tsx';

/**
 * Admin › Channels (issue 19): per website, its channels. The web widget is always there; X is connected with
 * OAuth (Connect sends the admin to X's authorization page; X sends them back to the callback, which redirects
 * here with the result), then shown with its state.
 */
export function ChannelsSection() {
  const [websites, setWebsites] = useState<Website[] | null>(null);
  const [x, setX] = useState<XAccountList | null>(null);
  const [result] = useState<XConnectResult | null>(takeXConnectResult);
  const [error, setError] = useState<string | null>(null);
  const [connecting, setConnecting] = useState<string | null>(null);

  const fail = (cause: unknown) => {
    const apiError = toApiError(cause);
    setError(errorText(apiError.code, apiError.message));
  };
  const load = () =>
    Promise.all([channelsApi.websites(), channelsApi.xAccounts()]).then(([sites, accounts]) => {
      setWebsites(sites);
      setX(accounts);
    }, fail);
  useEffect(() => void load(), []);

  async function connect(websiteId: string) {
    setError(null);
    setConnecting(websiteId);
    try {
      navigation.go(await channelsApi.connect(websiteId));
    } catch (cause) {
      fail(cause);
      setConnecting(null);
    }
  }
  const replace = (websiteId: string, account: XAccount | null) =>
    setX((list) => list && { ...list, accounts: [...list.accounts.filter((a) => a.websiteId !== websiteId), ...(account ? [account] : [])] });

  return (
    <div class="channels-section" data-testid="admin-channels">
      <p class="hint">{t('admin.channels.intro')}</p>
      {result && (
        <p class={result.ok ? 'notice' : 'form-error'} role={result.ok ? 'status' : 'alert'} data-testid="x-connect-result">
          {result.ok ? t('admin.x.result.connected') : t(`admin.x.result.${result.reason}`)}
        </p>
      )}
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      {websites === null && !error && <p class="hint">{t('app.loading')}</p>}
      {websites?.map((website) => {
        const account = x?.accounts.find((a) => a.websiteId === website.id) ?? null;
        return (
          <section key={website.id} class="channels-website" aria-labelledby={`channels-${website.id}`} data-testid={`channels-website-${website.key}`}>
            <h4 id={`channels-${website.id}`}>{website.name}</h4>
            <ul class="channel-list">
              <li>
                <strong>{t('admin.channels.web')}</strong> <span class="hint">{t('admin.channels.webAlways')}</span>
              </li>
              <li data-testid="channel-x">
                <strong>{t('admin.channels.x')}</strong>{' '}
                {!x?.configured ? (
                  <span class="hint" data-testid="x-not-configured">
                    {t('admin.x.notConfigured')}
                  </span>
                ) : account ? (
                  <XAccountCard account={account} webhooks={x.webhooks} busy={connecting !== null} onChanged={(next) => replace(website.id, next)} onReconnect={() => void connect(website.id)} />
                ) : (
                  <>
                    <span class="hint">{t('admin.x.notConnected')}</span>{' '}
                    <button type="button" class="button small" disabled={connecting !== null} onClick={() => void connect(website.id)} data-testid="x-connect">
                      {t('admin.x.connect')}
                    </button>
                    {!x.webhooks && <p class="hint">{t('admin.x.pollingOnly')}</p>}
                  </>
                )}
              </li>
            </ul>
          </section>
        );
      })}
    </div>
  );
}
