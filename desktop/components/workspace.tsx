import { useEffect, useState } from 'preact/hooks';
import type { AgentProfile } from '../../protocol/index.ts';
import type { AgentClient } from '../api/agent-client.ts';
import { t } from '../i18n/index.ts';
import { createDesk, type Desk } from '../state/desk.ts';
import { ConnectionBadge } from './connection-badge.tsx';
import { ConversationList } from './conversation-list.tsx';
import { ConversationPane } from './conversation-pane.tsx';
import { LocaleSelect } from './locale-select.tsx';

interface WorkspaceProps {
  agent: AgentProfile;
  connect: () => AgentClient;
  onLogout: () => void;
  /** Called when the socket is refused for good (e.g. the session expired). */
  onOffline: () => void;
}

/** The logged-in screen: top bar, the two lists on the left, the open conversation on the right. */
export function Workspace({ agent, connect, onLogout, onOffline }: WorkspaceProps) {
  const [desk] = useState<Desk>(() => createDesk(connect(), agent));
  useEffect(() => () => desk.dispose(), [desk]);

  const state = desk.connection.value;
  useEffect(() => {
    if (state === 'offline') onOffline();
  }, [state]);

  return (
    <div class="workspace">
      <header class="topbar">
        <h1 class="brand">
          <span class="brand-mark" aria-hidden="true">P</span>
          <span>{t('app.title')}</span>
        </h1>
        <div class="topbar-right">
          <ConnectionBadge state={state} />
          <LocaleSelect />
          <span class="agent-name" title={agent.email}>
            {t('session.signedInAs', { name: agent.name })}
          </span>
          <button type="button" class="button ghost" onClick={onLogout} data-testid="logout">
            {t('session.logout')}
          </button>
        </div>
      </header>
      <div class="columns">
        <nav class="sidebar" aria-label={`${t('lists.waiting')} / ${t('lists.mine')}`}>
          <ConversationList
            kind="waiting"
            title={t('lists.waiting')}
            empty={t('lists.emptyWaiting')}
            items={desk.waiting.value}
            openId={desk.openId.value}
            taking={desk.taking.value}
            onOpen={(id) => void desk.open(id)}
            onTake={(id) => void desk.take(id)}
          />
          <ConversationList
            kind="mine"
            title={t('lists.mine')}
            empty={t('lists.emptyMine')}
            items={desk.mine.value}
            openId={desk.openId.value}
            onOpen={(id) => void desk.open(id)}
          />
        </nav>
        <main class="main">
          <ConversationPane desk={desk} />
        </main>
      </div>
    </div>
  );
}
