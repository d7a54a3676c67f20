import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { AgentProfile } from '../../protocol/index.ts';
import type { AgentClient } from '../api/agent-client.ts';
import { t } from '../i18n/index.ts';
import { createDesk, type Desk } from '../state/desk.ts';
import { ConnectionBadge } from './connection-badge.tsx';
import { ContactTabs } from './contact-tabs.tsx';
import { NotificationToasts } from './notification-toasts.tsx';
import { ConversationList } from './conversation-list.tsx';
import { ConversationPane } from './conversation-pane.tsx';
import { DeskNotice } from './desk-notice.tsx';
import { LocaleSelect } from './locale-select.tsx';
import { OfferStack } from './offer-stack.tsx';
import { PresenceSelector } from './presence-selector.tsx';
import { SessionsView } from './sessions-view.tsx';
import { ViewTabs } from './view-tabs.tsx';
import { ExtraViewPanel, isExtraView, SupervisorAgents } from '../supervisor/extra-views.tsx';

interface WorkspaceProps {
  agent: AgentProfile;
  connect: () => AgentClient;
  onLogout: () => void;
  /** Called when the socket is refused for good (e.g. the session expired). */
  onOffline: () => void;
}

/** The logged-in screen: top bar with status and tabs, offers, and the Chats or Sessions view. */
export function Workspace({ agent, connect, onLogout, onOffline }: WorkspaceProps) {
  const [desk] = useState<Desk>(() => createDesk(connect(), agent));
  useEffect(() => () => desk.dispose(), [desk]);
  return <DeskScreen desk={desk} onLogout={onLogout} onOffline={onOffline} />;
}

/** An element's height, followed as it changes (the top bar wraps on narrow screens and in longer languages). */
function useHeight<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  const [height, setHeight] = useState(0);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setHeight(el.offsetHeight));
    observer.observe(el);
    setHeight(el.offsetHeight);
    return () => observer.disconnect();
  }, []);
  return [ref, height] as const;
}

/** The workspace for a given desk (tests render it on a fake client). */
export function DeskScreen({ desk, onLogout, onOffline }: { desk: Desk; onLogout: () => void; onOffline: () => void }) {
  const agent = desk.me;

  const state = desk.connection.value;
  const [topbar, topbarHeight] = useHeight<HTMLElement>();
  useEffect(() => {
    if (state === 'offline') onOffline();
  }, [state]);
  useEffect(() => {
    // A reload keeps the outbox (sessionStorage), closing the tab does not: the browser asks first.
    const warn = (event: BeforeUnloadEvent) => {
      if (desk.outbox.entries.value.some((entry) => entry.status === 'sending')) event.preventDefault();
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [desk]);

  return (
    <div class="workspace">
      <header class="topbar" ref={topbar}>
        <h1 class="brand">
          <span class="brand-mark" aria-hidden="true">P</span>
          <span>{t('app.title')}</span>
        </h1>
        <ViewTabs view={desk.view.value} onSelect={(view) => (desk.view.value = view)} role={agent.role} />
        <PresenceSelector presence={desk.presence} />
        <div class="topbar-right">
          <ConnectionBadge state={state} />
          <LocaleSelect />
          <span class="agent-name" title={agent.email}>
            {t('session.signedInAs', { name: agent.name })}
          </span>
          <button
            type="button"
            class="button ghost"
            onClick={() => {
              // Nothing of this agent's unsent messages stays in the tab.
              desk.outbox.clear();
              onLogout();
            }}
            data-testid="logout"
          >
            {t('session.logout')}
          </button>
        </div>
      </header>
      <DeskNotice text={desk.notice.value} onDismiss={desk.dismissNotice} />
      {/* One column under the top bar: offers first, then toasts, never over each other or the bar. */}
      <div class="overlays" style={{ top: `${topbarHeight + 8}px` }}>
        <OfferStack offers={desk.offers} />
        <NotificationToasts notifications={desk.notifications} />
      </div>
      {isExtraView(desk.view.value) ? (
        <ExtraViewPanel desk={desk} />
      ) : desk.view.value === 'sessions' ? (
        <div id="panel-sessions" role="tabpanel" aria-labelledby="tab-sessions" class="panel">
          <SessionsView desk={desk} />
          <SupervisorAgents desk={desk} />
        </div>
      ) : (
      <div id="panel-desk" role="tabpanel" aria-labelledby="tab-desk" class="columns panel">
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
          <ContactTabs desk={desk} />
        </nav>
        <main class="main">
          <ConversationPane desk={desk} />
        </main>
      </div>
      )}
    </div>
  );
}
