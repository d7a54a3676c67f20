import type { ConnectionState } from '../api/agent-client.ts';
import { labelled, t } from '../i18n/index.ts';

/** Live connection state; a polite live region so screen readers hear changes. */
export function ConnectionBadge({ state }: { state: ConnectionState }) {
  return (
    <span class={`badge badge-${state}`} role="status" aria-live="polite" data-testid="connection-state" data-state={state}>
      <span class="badge-dot" aria-hidden="true" />
      <span class="visually-hidden">{labelled(t('connection.label'))}</span>
      {t(`connection.${state}`)}
    </span>
  );
}
