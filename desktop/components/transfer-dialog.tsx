import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { Directory, TransferTarget } from '../../protocol/index.ts';
import { toApiError } from '../api/api-error.ts';
import { errorText, labelled, t, tn } from '../i18n/index.ts';
import type { SessionActions } from '../state/session-actions.ts';

interface Entry extends TransferTarget {
  name: string;
  detail: string;
}

const fold = (text: string) => text.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase();

/** Address book entries: other agents (with their state and load), teams, queues. */
function entries(directory: Directory, meId: string): Record<TransferTarget['kind'], Entry[]> {
  return {
    agent: directory.agents
      .filter((agent) => agent.id !== meId)
      .map((agent) => ({
        kind: 'agent',
        id: agent.id,
        name: agent.name,
        detail: [
          ...agent.presence.map((p) => labelled(t(`channel.${p.channel}`), t(`presence.${p.state}`))),
          t('transfer.load', { load: agent.load, max: agent.maxConcurrent }),
        ].join(' · '),
      })),
    team: directory.teams.map((team) => ({ kind: 'team', id: team.id, name: team.name, detail: tn('transfer.members', team.memberIds.length) })),
    queue: directory.queues.map((queue) => ({
      kind: 'queue',
      id: queue.id,
      name: queue.name,
      detail: tn('transfer.queueInfo', queue.readyAgents, { waiting: queue.waiting }),
    })),
  };
}

interface TransferDialogProps {
  conversationId: string;
  contactName: string;
  meId: string;
  actions: SessionActions;
  onClose: () => void;
}

/** Modal address book (native <dialog>: focus trap, Escape closes). Pick a target, then Transfer. */
export function TransferDialog({ conversationId, contactName, meId, actions, onClose }: TransferDialogProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [directory, setDirectory] = useState<Directory | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [query, setQuery] = useState('');
  const [selected, setSelected] = useState<Entry | null>(null);

  useLayoutEffect(() => {
    if (!dialog.current?.open) dialog.current?.showModal();
  }, []);
  useEffect(() => {
    actions
      .directory()
      .then(setDirectory)
      .catch((cause) => {
        const error = toApiError(cause);
        setLoadError(errorText(error.code, error.message));
      });
  }, []);

  const busy = actions.busy.value.has(conversationId);
  const error = actions.transferErrors.value[conversationId] ?? loadError;
  const all = directory ? entries(directory, meId) : null;
  const match = (entry: Entry) => fold(entry.name).includes(fold(query.trim()));

  async function confirm() {
    if (!selected) return;
    if (await actions.transfer(conversationId, { kind: selected.kind, id: selected.id })) onClose();
  }

  return (
    <dialog ref={dialog} class="dialog transfer-dialog" aria-labelledby="transfer-title" onClose={onClose} data-testid="transfer-dialog">
      <h2 id="transfer-title">{t('transfer.title', { name: contactName })}</h2>
      <label class="field">
        <span>{t('transfer.search')}</span>
        <input type="search" value={query} onInput={(e) => setQuery(e.currentTarget.value)} data-testid="transfer-search" autoFocus />
      </label>
      {!all && !loadError && <p aria-busy="true">{t('transfer.loading')}</p>}
      {all && (
        <div class="transfer-book">
          {(['agent', 'team', 'queue'] as const).map((kind) => {
            const items = all[kind].filter(match);
            if (items.length === 0) return null;
            return (
              <section key={kind} aria-labelledby={`transfer-${kind}`}>
                <h3 id={`transfer-${kind}`}>{t(`transfer.${kind}s`)}</h3>
                <ul>
                  {items.map((entry) => (
                    <li key={entry.id}>
                      <button
                        type="button"
                        class={`transfer-target${selected?.id === entry.id ? ' selected' : ''}`}
                        aria-pressed={selected?.id === entry.id}
                        onClick={() => setSelected(entry)}
                        data-testid="transfer-target"
                        data-kind={entry.kind}
                        data-id={entry.id}
                      >
                        <span class="target-name">{entry.name}</span>
                        <span class="target-detail">{entry.detail}</span>
                      </button>
                    </li>
                  ))}
                </ul>
              </section>
            );
          })}
          {(['agent', 'team', 'queue'] as const).every((kind) => !all[kind].some(match)) && <p class="list-empty">{t('transfer.none')}</p>}
        </div>
      )}
      <p class="form-error" role="alert" data-testid="transfer-error">
        {error ?? ''}
      </p>
      <div class="dialog-actions">
        <button type="button" class="button" onClick={() => dialog.current?.close()}>
          {t('transfer.cancel')}
        </button>
        <button type="button" class="button primary" disabled={!selected || busy} onClick={() => void confirm()} data-testid="transfer-confirm">
          {selected ? t('transfer.confirmTo', { name: selected.name }) : t('transfer.confirm')}
        </button>
      </div>
      {!selected && all && <p class="hint">{t('transfer.pick')}</p>}
    </dialog>
  );
}
