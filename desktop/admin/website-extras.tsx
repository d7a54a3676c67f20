import { useState } from 'preact/hooks';
import { IdentitySecretResponse, type Website } from '../../protocol/index.ts';
import { toApiError } from '../api/api-error.ts';
import { errorText, t } from '../i18n/index.ts';
import { apiRequest } from '../api/http.ts';
import { copyText } from './clipboard.ts';

function CopyButton({ text, label, testid }: { text: string; label: string; testid: string }) {
  const [copied, setCopied] = useState<boolean | null>(null);
  return (
    <>
      <button type="button" class="button small" onClick={() => void copyText(text).then(setCopied)} data-testid={testid}>
        {label}
      </button>
      <span role="status" class="hint">
        {copied === null ? '' : copied ? t('admin.copied') : t('admin.copyFailed')}
      </span>
    </>
  );
}

/** Per website: the embed snippet to copy, and a new identity secret shown once. */
export function WebsiteExtras({ website }: { website: Website }) {
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  async function generate() {
    setError(null);
    try {
      const result = await apiRequest('POST', `/websites/${encodeURIComponent(website.id)}/identity-secret`, IdentitySecretResponse);
      setSecret(result.identitySecret);
    } catch (cause) {
      const apiError = toApiError(cause);
      setError(errorText(apiError.code, apiError.message));
    }
  }
  return (
    <div class="website-extras">
      <div class="snippet">
        <span class="hint">{t('admin.website.snippet')}</span>
        <pre data-testid="website-snippet" tabIndex={0} aria-label={t('admin.website.snippet')}>
          {website.snippet}
        </pre>
        <CopyButton text={website.snippet} label={t('admin.website.copySnippet')} testid="copy-snippet" />
      </div>
      <div class="secret">
        <button type="button" class="button small" onClick={() => void generate()} data-testid="generate-secret">
          {website.hasIdentitySecret || secret ? t('admin.website.regenerateSecret') : t('admin.website.generateSecret')}
        </button>
        {secret && (
          <>
            <p class="hint">{t('admin.website.secretOnce')}</p>
            <code data-testid="identity-secret">{secret}</code>
            <CopyButton text={secret} label={t('admin.website.copySecret')} testid="copy-secret" />
          </>
        )}
        {error && <p class="form-error" role="alert">{error}</p>}
      </div>
    </div>
  );
}
