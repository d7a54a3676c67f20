import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n/index.ts';
import { createAdminData } from './admin-data.ts';
import { ResourceSection } from './resource-section.tsx';
import { AssistantsSection } from './assistants/assistants-section.tsx';
import { AuditLogSection } from './audit-log-section.tsx';
import { xConnectResult } from './channels/callback-result.ts';
import { ChannelsSection } from './channels/channels-section.tsx';
import { ADMIN_SECTIONS, sectionSpecs, type AdminSection } from './sections.tsx';

/** Resource sections plus the assistants page (its own builder), the channels (X accounts) and the audit log (read only). */
const NAV = [...ADMIN_SECTIONS, 'channels', 'assistants', 'audit-log'] as const;
type NavSection = (typeof NAV)[number];

/** Admin pages (admin role only): a section list on the left, the chosen section's list and form. */
export function AdminView() {
  const [data] = useState(createAdminData);
  const [specs] = useState(() => sectionSpecs(data));
  // Back from X's authorization page: the channels, where the result is shown.
  const [section, setSection] = useState<NavSection>(() => (xConnectResult() ? 'channels' : 'agents'));
  useEffect(() => void data.loadAll(), []);
  const spec = section === 'assistants' || section === 'audit-log' || section === 'channels' ? null : specs[section as AdminSection];
  return (
    <section class="admin-view" aria-labelledby="admin-title">
      <h2 id="admin-title" class="visually-hidden">
        {t('admin.title')}
      </h2>
      <div class="admin-columns">
        <nav class="admin-nav" aria-label={t('admin.sections')}>
          <ul>
            {NAV.map((name) => (
              <li key={name}>
                <button
                  type="button"
                  class={`admin-nav-item${section === name ? ' current' : ''}`}
                  aria-current={section === name ? 'page' : undefined}
                  onClick={() => setSection(name)}
                  data-testid={`admin-section-${name}`}
                >
                  {t(`admin.section.${name}`)}
                </button>
              </li>
            ))}
          </ul>
        </nav>
        <div class="admin-main">
          <h3 class="admin-section-title">{t(`admin.section.${section}`)}</h3>
          {spec ? (
            <ResourceSection key={section} spec={spec} />
          ) : section === 'audit-log' ? (
            <AuditLogSection />
          ) : section === 'channels' ? (
            <ChannelsSection />
          ) : (
            <AssistantsSection />
          )}
        </div>
      </div>
    </section>
  );
}
