import { useEffect, useRef, useState } from 'preact/hooks';
import { STEP_KINDS, type Assistant, type BotStepKind, type DefinitionIssue, type Queue, type Website } from '../../../protocol/index.ts';
import { toApiError } from '../../api/api-error.ts';
import { errorText, formatDate, labelled, locale, t } from '../../i18n/index.ts';
import { queuesApi } from '../admin-data.ts';
import { assistantsApi, publishIssues, type Detail, type Draft } from './assistants-api.ts';
import { saveBlocker, settingsOf } from './draft-checks.ts';
import { addStep, blankStep, deleteStep, moveStep, newStepId, replaceStep } from './draft-edit.ts';
import { GeneralPanel, type GeneralSettings } from './general-panel.tsx';
import { PreviewPanel } from './preview-panel.tsx';
import { PublishDialog } from './publish-dialog.tsx';
import { SettingsPanel } from './settings-panel.tsx';
import { StepCard } from './step-card.tsx';

const describe = (cause: unknown) => {
  const e = toApiError(cause);
  const local = errorText(e.code, e.message);
  return e.message && e.message !== local ? `${local} ${e.message}` : local;
};

/** The workflow builder of one assistant: steps, save with issues on the steps, preview, publish, versions. */
export function Builder({ assistantId, others, onBack, onChanged }: { assistantId: string; others: readonly Assistant[]; onBack: () => void; onChanged: () => void }) {
  const [detail, setDetail] = useState<Detail | null>(null);
  const [draft, setDraftState] = useState<Draft | null>(null);
  const latest = useRef<Draft | null>(null);
  const setDraft = (next: Draft) => ((latest.current = next), setDraftState(next), setDirty(true));
  const [dirty, setDirty] = useState(false);
  const [issues, setIssues] = useState<DefinitionIssue[]>([]);
  const [editing, setEditing] = useState<string | null>(null);
  const [kind, setKind] = useState<BotStepKind>('message');
  const [queues, setQueues] = useState<Queue[]>([]);
  const [websites, setWebsites] = useState<Website[]>([]);
  const [publishing, setPublishing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [publishError, setPublishError] = useState('');
  const [status, setStatus] = useState('');
  const [confirmingDelete, setConfirmingDelete] = useState(false);

  const load = (d: Detail) => {
    setDetail(d);
    latest.current = d.draft;
    setDraftState(d.draft);
    setIssues(d.issues);
    setDirty(false);
  };
  useEffect(() => {
    assistantsApi.get(assistantId).then(load, (c) => setError(describe(c)));
    queuesApi.list().then(setQueues, () => undefined);
    assistantsApi.websites().then(setWebsites, () => undefined);
  }, [assistantId]);

  if (!detail || !draft) return <p class="hint">{error || t('bot.loading')}</p>;
  const lang = detail.assistant.languages.includes(locale.value) ? locale.value : detail.assistant.languages[0]!;

  async function save(): Promise<boolean> {
    // Links and timers the protocol refuses are fixed in place (inline errors), never saved.
    const blocked = saveBlocker(latest.current!);
    if (blocked) return setError(blocked), false;
    setBusy(true);
    setError('');
    try {
      const saved = await assistantsApi.saveDraft(assistantId, latest.current!);
      load(saved);
      const errors = saved.issues.filter((i) => i.level === 'error').length;
      setStatus(errors ? t('bot.savedIssues', { count: errors }) : t('bot.saved'));
      return true;
    } catch (cause) {
      setError(describe(cause));
      return false;
    } finally {
      setBusy(false);
    }
  }
  async function publish(channels: string[]) {
    if (dirty && !(await save())) return;
    setBusy(true);
    try {
      const d = await assistantsApi.publish(assistantId, channels);
      load(d);
      setPublishing(false);
      setPublishError('');
      setStatus(t('bot.publish.done', { number: d.assistant.publishedVersion ?? '' }));
      onChanged();
    } catch (cause) {
      const e = toApiError(cause);
      const refused = publishIssues(e.details);
      if (e.code === 'VALIDATION_FAILED' && refused.length) setIssues(refused);
      setPublishing(false);
      setPublishError(e.code === 'VALIDATION_FAILED' ? t('bot.publish.refused') : describe(cause));
    } finally {
      setBusy(false);
    }
  }
  /** Name, brand, channels: only the assistant changes here, so an unsaved draft stays as it is. */
  async function saveGeneral(settings: GeneralSettings) {
    setBusy(true);
    setError('');
    try {
      const d = await assistantsApi.updateSettings(assistantId, settings);
      setDetail((current) => (current ? { ...current, assistant: d.assistant } : d));
      setStatus(t('bot.general.saved'));
      onChanged();
    } catch (cause) {
      setError(describe(cause));
    } finally {
      setBusy(false);
    }
  }
  /** Refused while connected or still talking with visitors (CONFLICT): the admin is told why. */
  async function remove() {
    setBusy(true);
    try {
      await assistantsApi.remove(assistantId);
      onBack();
    } catch (cause) {
      setConfirmingDelete(false);
      setError(toApiError(cause).code === 'CONFLICT' ? t('bot.delete.refused') : describe(cause));
    } finally {
      setBusy(false);
    }
  }
  async function rollback(version: number) {
    setBusy(true);
    try {
      load(await assistantsApi.rollback(assistantId, version));
      setStatus(t('bot.rolledBack', { number: version }));
      onChanged();
    } catch (cause) {
      setError(describe(cause));
    } finally {
      setBusy(false);
    }
  }
  const add = () => {
    const id = newStepId(draft, kind);
    setDraft(addStep(draft, blankStep(kind, id, queues.find((q) => q.isDefault)?.id ?? queues[0]?.id ?? '')));
    setEditing(id);
  };
  const topIssues = issues.filter((i) => i.stepId === null || !draft.steps.some((s) => s.id === i.stepId));

  return (
    <div class="admin-section" data-testid="builder">
      <div class="admin-form">
        <div class="admin-form-actions">
          <button type="button" class="button small" onClick={onBack}>
            {t('bot.back')}
          </button>
        </div>
        <h3>{t('bot.builderTitle', { name: detail.assistant.name })}</h3>
        <p class="hint">
          {t(`bot.status.${detail.assistant.status}`)}
          {dirty ? ` · ${t('bot.unsaved')}` : ''}
        </p>
        {topIssues.length > 0 && (
          <ul class="form-error" aria-label={t('bot.definitionIssues')}>
            {topIssues.map((i, n) => (
              <li key={n} data-testid="builder-issue" data-step-id={i.stepId ?? 'definition'} data-level={i.level}>
                {labelled(t(`bot.issue.${i.level}`), i.message)}
              </li>
            ))}
          </ul>
        )}
        <p class="form-error" role="alert" data-testid="builder-error">
          {error}
        </p>
        <GeneralPanel key={`${detail.assistant.id}:${detail.assistant.channels.join()}`} assistant={detail.assistant} others={others} websites={websites} busy={busy} onSave={(s) => void saveGeneral(s)} />
        <ol class="admin-rows" aria-label={t('bot.steps')}>
          {draft.steps.map((step, index) => (
            <StepCard
              key={step.id}
              step={step}
              index={index}
              count={draft.steps.length}
              isStart={draft.start === step.id}
              editing={editing === step.id}
              steps={draft.steps}
              issues={issues.filter((i) => i.stepId === step.id)}
              languages={detail.assistant.languages}
              locale={lang}
              queues={queues}
              onEdit={() => setEditing(editing === step.id ? null : step.id)}
              onChange={(next) => setDraft(replaceStep(latest.current!, next))}
              onMove={(delta) => setDraft(moveStep(latest.current!, step.id, delta))}
              onDelete={() => setDraft(deleteStep(latest.current!, step.id))}
              onMakeStart={() => setDraft({ ...latest.current!, start: step.id })}
            />
          ))}
        </ol>
        <SettingsPanel key={detail.assistant.id} settings={settingsOf(draft)} languages={detail.assistant.languages} queues={queues} onChange={(settings) => setDraft({ ...latest.current!, settings })} />
        <div class="admin-form-actions">
          <label for="builder-add-kind" class="visually-hidden">
            {t('bot.addKind')}
          </label>
          <select id="builder-add-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value as BotStepKind)} data-testid="builder-add-kind">
            {STEP_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`bot.kind.${k}`)}
              </option>
            ))}
          </select>
          <button type="button" class="button" onClick={add} data-testid="builder-add-step">
            {t('bot.addStep')}
          </button>
        </div>
        <div class="admin-form-actions">
          <button type="button" class="button primary" disabled={busy} onClick={() => void save()} data-testid="builder-save">
            {t('bot.save')}
          </button>
          <button type="button" class="button" disabled={busy} onClick={() => (setPublishError(''), setPublishing(true))} data-testid="builder-publish">
            {t('bot.publish')}
          </button>
        </div>
        <p class="form-error" role="alert" data-testid="publish-error">
          {publishError}
        </p>
        {publishing && <PublishDialog assistant={detail.assistant} others={others} websites={websites} busy={busy} onConfirm={(c) => void publish(c)} onCancel={() => setPublishing(false)} />}
        <section aria-labelledby="versions-title">
          <h4 id="versions-title">{t('bot.versions')}</h4>
          {detail.versions.length === 0 && <p class="hint">{t('bot.noVersions')}</p>}
          <ul class="admin-rows">
            {[...detail.versions].reverse().map((v) => (
              <li key={v.number} class="admin-row" data-testid="version-row" data-version={v.number}>
                <span>
                  {t('bot.version', { number: v.number, date: formatDate(v.publishedAt) })}
                  {v.number === detail.assistant.publishedVersion ? ` · ${t('bot.live')}` : ''}
                </span>
                {v.number !== detail.assistant.publishedVersion && (
                  <button type="button" class="button small" disabled={busy} onClick={() => void rollback(v.number)} data-testid="version-rollback">
                    {t('bot.rollback', { number: v.number })}
                  </button>
                )}
              </li>
            ))}
          </ul>
        </section>
        <section aria-labelledby="delete-title" data-testid="builder-delete">
          <h4 id="delete-title">{t('bot.delete')}</h4>
          <p class="hint">{detail.assistant.channels.length ? t('bot.delete.disconnectFirst') : t('bot.delete.hint')}</p>
          {confirmingDelete ? (
            <div class="admin-form-actions" role="group" aria-label={t('bot.delete.confirmLabel', { name: detail.assistant.name })}>
              <button type="button" class="button danger" disabled={busy} onClick={() => void remove()} data-testid="delete-confirm">
                {t('bot.delete.confirm', { name: detail.assistant.name })}
              </button>
              <button type="button" class="button" onClick={() => setConfirmingDelete(false)} data-testid="delete-cancel">
                {t('bot.publish.cancel')}
              </button>
            </div>
          ) : (
            <div class="admin-form-actions">
              <button type="button" class="button" disabled={busy || detail.assistant.channels.length > 0} onClick={() => setConfirmingDelete(true)} data-testid="builder-delete-start">
                {t('bot.delete')}
              </button>
            </div>
          )}
        </section>
        <p class="visually-hidden" role="status">
          {status}
        </p>
      </div>
      <PreviewPanel assistantId={assistantId} languages={detail.assistant.languages} queues={queues} beforeStart={() => (dirty ? save() : Promise.resolve(true))} />
    </div>
  );
}
