import { useEffect, useState } from 'preact/hooks';
import { AuditLogPage, AuditTargetType, type AuditEntry } from '../../protocol/index.ts';
import { toApiError } from '../api/api-error.ts';
import { apiRequest } from '../api/http.ts';
import { errorText, locale, t, type MessageKey } from '../i18n/index.ts';

/**
 * Admin › Audit log: who changed which agent, website, secret, webhook, assistant… and when, newest
 * first, a page at a time (GET /api/v1/admin/audit-log), filtered by what was changed.
 */
const PAGE = 50;

async function fetchPage(targetType: string, before: string | null): Promise<AuditLogPage> {
  const query = new URLSearchParams({ limit: String(PAGE), ...(targetType ? { targetType } : {}), ...(before ? { before } : {}) });
  return apiRequest('GET', `/admin/audit-log?${query}`, AuditLogPage);
}

/** "Created · Agent": the verb and the kind of thing, each from the catalogue. */
function actionLabel(entry: AuditEntry): string {
  const verb = entry.action.slice(entry.action.indexOf('.') + 1);
  // A verb this desktop does not know yet (a newer server) shows as sent.
  const known = t(`audit.verb.${verb}` as MessageKey) as string | undefined;
  return t('audit.action', { verb: known ?? verb, target: t(`audit.target.${entry.targetType}`) });
}

/** The changed fields as `field: value` (secrets arrive already masked by the server). */
const changesText = (changes: Record<string, unknown>) =>
  Object.entries(changes)
    .map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' · ');

export function AuditLogSection() {
  const [targetType, setTargetType] = useState('');
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  const load = async (before: string | null) => {
    setLoading(true);
    setError(null);
    try {
      const page = await fetchPage(targetType, before);
      setEntries((shown) => (before ? [...shown, ...page.entries] : page.entries));
      setNext(page.nextBefore);
    } catch (cause) {
      const err = toApiError(cause);
      setError(errorText(err.code, err.message));
    } finally {
      setLoading(false);
    }
  };
  useEffect(() => void load(null), [targetType]);

  const when = (iso: string) => new Intl.DateTimeFormat(locale.value, { dateStyle: 'medium', timeStyle: 'medium' }).format(new Date(iso));
  return (
    <div class="audit-log" data-testid="audit-log">
      <label class="field inline">
        <span>{t('audit.filter')}</span>
        <select value={targetType} onChange={(e) => setTargetType(e.currentTarget.value)} data-testid="audit-filter">
          <option value="">{t('audit.filter.all')}</option>
          {AuditTargetType.options.map((type) => (
            <option key={type} value={type}>
              {t(`audit.target.${type}`)}
            </option>
          ))}
        </select>
      </label>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      <table class="admin-table">
        <caption class="visually-hidden">{t('audit.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('audit.col.when')}</th>
            <th scope="col">{t('audit.col.who')}</th>
            <th scope="col">{t('audit.col.action')}</th>
            <th scope="col">{t('audit.col.target')}</th>
            <th scope="col">{t('audit.col.changes')}</th>
            <th scope="col">{t('audit.col.address')}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.id} data-testid="audit-row">
              <td>
                <time dateTime={e.at}>{when(e.at)}</time>
              </td>
              <td>{e.actorName}</td>
              <td>{actionLabel(e)}</td>
              <td>{e.targetId ?? ''}</td>
              <td>{changesText(e.changes)}</td>
              <td>{e.ip ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p role="status" class="hint">
        {loading ? t('audit.loading') : entries.length === 0 ? t('audit.empty') : ''}
      </p>
      {next && !loading && (
        <button type="button" class="secondary" onClick={() => void load(next)} data-testid="audit-more">
          {t('audit.more')}
        </button>
      )}
    </div>
  );
}
