import { useState } from 'preact/hooks';
import { t } from '../i18n/index.ts';
import type { Desk } from '../state/desk.ts';
import { ContactPanel } from './contact-panel.tsx';
import { ConversationHistory } from './conversation-history.tsx';

type SideTab = 'conversation' | 'contact';
const TABS: readonly SideTab[] = ['conversation', 'contact'];

/** The chat's right panel: Conversation (all sessions with this contact) and Contact tabs. */
export function SidePanel({ desk, conversationId, visitorName }: { desk: Desk; conversationId: string; visitorName: string }) {
  const [tab, setTab] = useState<SideTab>('conversation');
  function onKeyDown(event: KeyboardEvent) {
    if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
    event.preventDefault();
    const next = TABS[(TABS.indexOf(tab) + 1) % TABS.length]!;
    setTab(next);
    document.getElementById(`side-tab-${next}`)?.focus();
  }
  return (
    <aside class="side-panel" aria-label={t('side.label')}>
      <div class="side-tabs" role="tablist" aria-label={t('side.label')} onKeyDown={onKeyDown}>
        {TABS.map((name) => (
          <button
            key={name}
            id={`side-tab-${name}`}
            type="button"
            role="tab"
            class="view-tab"
            aria-selected={tab === name}
            aria-controls={`side-panel-${name}`}
            tabIndex={tab === name ? 0 : -1}
            onClick={() => setTab(name)}
            data-testid={`tab-${name}`}
          >
            {t(`side.${name}`)}
          </button>
        ))}
      </div>
      <div id={`side-panel-${tab}`} role="tabpanel" aria-labelledby={`side-tab-${tab}`} class="side-body">
        {tab === 'conversation' ? (
          <ConversationHistory desk={desk} conversationId={conversationId} visitorName={visitorName} />
        ) : (
          <ContactPanel desk={desk} conversationId={conversationId} />
        )}
      </div>
    </aside>
  );
}
