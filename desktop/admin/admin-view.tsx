import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n/index.ts';
import { createAdminData } from './admin-data.ts';
import { ResourceSection } from './resource-section.tsx';
import { ADMIN_SECTIONS, sectionSpecs, type AdminSection } from './sections.tsx';

/** Admin pages (admin role only): a section list on the left, the chosen section's list and form. */
export function AdminView() {
  const [data] = useState(createAdminData);
  const [specs] = useState(() => sectionSpecs(data));
  const [section, setSection] = useState<AdminSection>('agents');
  useEffect(() => void data.loadAll(), []);
  const spec = specs[section];
  return (
    <section class="admin-view" aria-labelledby="admin-title">
      <h2 id="admin-title" class="visually-hidden">
        {t('admin.title')}
      </h2>
      <div class="admin-columns">
        <nav class="admin-nav" aria-label={t('admin.sections')}>
          <ul>
            {ADMIN_SECTIONS.map((name) => (
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
          <ResourceSection key={section} spec={spec} />
        </div>
      </div>
    </section>
  );
}
