import { useEffect, useState } from 'preact/hooks';
import type { AgentProfile } from '../protocol/index.ts';
import type { AgentClient } from './api/agent-client.ts';
import { logout, me } from './api/http.ts';
import { LoginForm } from './components/login-form.tsx';
import { Workspace } from './components/workspace.tsx';
import { locale, t } from './i18n/index.ts';

type Session = { status: 'checking' } | { status: 'anonymous'; notice: string | null } | { status: 'authenticated'; agent: AgentProfile; attempt: number };

/** Pause before reconnecting a refused socket whose session is still valid. */
const RETRY_DELAY_MS = 3000;

/** Session gate: an existing cookie skips the login screen (`GET /auth/me`). */
export function App({ connect }: { connect: () => AgentClient }) {
  const [session, setSession] = useState<Session>({ status: 'checking' });

  useEffect(() => {
    me()
      .then((agent) => setSession(agent ? { status: 'authenticated', agent, attempt: 0 } : { status: 'anonymous', notice: null }))
      .catch(() => setSession({ status: 'anonymous', notice: t('error.UNAVAILABLE') }));
  }, []);

  useEffect(() => {
    document.documentElement.lang = locale.value;
    document.title = t('app.title');
  }, [locale.value]);

  if (session.status === 'checking') return <p class="splash">{t('app.loading')}</p>;
  if (session.status === 'anonymous') {
    return <LoginForm notice={session.notice} onLoggedIn={(agent) => setSession({ status: 'authenticated', agent, attempt: 0 })} />;
  }
  return (
    <Workspace
      key={`${session.agent.id}:${session.attempt}`}
      agent={session.agent}
      connect={connect}
      onLogout={() => {
        logout()
          .catch(() => undefined)
          .finally(() => setSession({ status: 'anonymous', notice: null }));
      }}
      onOffline={() => {
        // Refused socket: if the session is gone, back to login; otherwise a fresh socket after a pause.
        const retry = () => setTimeout(() => setSession({ ...session, attempt: session.attempt + 1 }), RETRY_DELAY_MS);
        me()
          .then((agent) => (agent ? retry() : setSession({ status: 'anonymous', notice: t('error.UNAUTHENTICATED') })))
          .catch(retry);
      }}
    />
  );
}
