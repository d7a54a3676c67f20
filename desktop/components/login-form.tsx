import { useState } from 'preact/hooks';
import type { AgentProfile } from '../../protocol/index.ts';
import { login } from '../api/http.ts';
import { toApiError } from '../api/api-error.ts';
import { errorText, t } from '../i18n/index.ts';
import { LocaleSelect } from './locale-select.tsx';

/** Email + password; the server sets the session cookie. Errors come from the typed JSON body. */
export function LoginForm({ onLoggedIn, notice }: { onLoggedIn: (agent: AgentProfile) => void; notice?: string | null }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(notice ?? null);

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onLoggedIn(await login({ email: email.trim(), password }));
    } catch (cause) {
      const apiError = toApiError(cause);
      setError(errorText(apiError.code, apiError.message));
      setBusy(false);
    }
  }

  return (
    <main class="login-screen">
      <form class="login-card" onSubmit={submit} aria-labelledby="login-title" noValidate={false}>
        <div class="login-head">
          <span class="brand-mark" aria-hidden="true">P</span>
          <LocaleSelect />
        </div>
        <h1 id="login-title">{t('login.title')}</h1>
        <label class="field">
          <span>{t('login.email')}</span>
          <input
            type="email"
            name="email"
            autocomplete="username"
            required
            value={email}
            onInput={(e) => setEmail(e.currentTarget.value)}
            data-testid="login-email"
          />
        </label>
        <label class="field">
          <span>{t('login.password')}</span>
          <input
            type="password"
            name="password"
            autocomplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
            data-testid="login-password"
          />
        </label>
        {error && (
          <p class="form-error" role="alert" data-testid="login-error">
            {error}
          </p>
        )}
        <button type="submit" class="button primary" disabled={busy} data-testid="login-submit">
          {busy ? t('login.submitting') : t('login.submit')}
        </button>
        <p class="hint">{t('login.hint')}</p>
      </form>
    </main>
  );
}
