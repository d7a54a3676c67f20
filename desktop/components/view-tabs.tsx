import { t } from '../i18n/index.ts';
import type { DeskView } from '../state/desk.ts';
import { useEffect } from 'preact/hooks';
import type { AgentRole } from '../../protocol/index.ts';
import { registerViewSelector } from '../communication/navigation.ts';
import { viewsFor } from '../supervisor/extra-views.tsx';


/** Top-level tabs (Chats / Sessions); arrow keys move between them (WAI-ARIA tabs pattern). */
export function ViewTabs({ view, onSelect, role = 'admin' }: { view: DeskView; onSelect: (view: DeskView) => void; role?: AgentRole }) {
  // Communication / Sessions (supervisors, admins) / Admin (admins): see supervisor/extra-views.tsx.
  const VIEWS = viewsFor(role);
  useEffect(() => registerViewSelector(onSelect), [onSelect]);
  function onKeyDown(event: KeyboardEvent) {
    if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
    event.preventDefault();
    const index = VIEWS.indexOf(view);
    const next = VIEWS[(index + (event.key === 'ArrowRight' ? 1 : VIEWS.length - 1)) % VIEWS.length]!;
    onSelect(next);
    document.getElementById(`tab-${next}`)?.focus();
  }
  return (
    <div class="view-tabs" role="tablist" aria-label={t('tabs.label')} onKeyDown={onKeyDown}>
      {VIEWS.map((name) => (
        <button
          key={name}
          id={`tab-${name}`}
          type="button"
          role="tab"
          class="view-tab"
          aria-selected={view === name}
          aria-controls={`panel-${name}`}
          tabIndex={view === name ? 0 : -1}
          onClick={() => onSelect(name)}
          data-testid={`tab-${name}`}
        >
          {t(`tabs.${name}`)}
        </button>
      ))}
    </div>
  );
}
