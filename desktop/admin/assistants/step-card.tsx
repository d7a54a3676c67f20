import { useEffect, useRef } from 'preact/hooks';
import type { BotStep, DefinitionIssue, Locale, Queue } from '../../../protocol/index.ts';
import { labelled, t } from '../../i18n/index.ts';
import { StepForm } from './step-form.tsx';
import { stepTitle } from './step-fields.tsx';

interface Props {
  step: BotStep;
  index: number;
  count: number;
  isStart: boolean;
  editing: boolean;
  steps: readonly BotStep[];
  issues: readonly DefinitionIssue[];
  languages: readonly Locale[];
  locale: Locale;
  queues: readonly Queue[];
  onEdit: () => void;
  onChange: (step: BotStep) => void;
  onMove: (delta: -1 | 1) => void;
  onDelete: () => void;
  onMakeStart: () => void;
}

/** One step in the list: its title and issues, actions, and its form while edited (focused on open). */
export function StepCard(props: Props) {
  const { step } = props;
  const issuesId = props.issues.length ? `issues-${step.id}` : undefined;
  const fieldset = useRef<HTMLFieldSetElement>(null);
  useEffect(() => {
    if (props.editing) fieldset.current?.querySelector<HTMLElement>('input, textarea, select')?.focus();
  }, [props.editing, step.id]);
  const title = stepTitle(step, props.locale);
  return (
    <li class="admin-row" data-testid="builder-step" data-step-id={step.id} data-kind={step.kind} aria-current={props.editing ? 'step' : undefined}>
      <div class="admin-row-main">
        <strong>
          {props.index + 1}. {title}
        </strong>
        {props.isStart && <span class="hint" data-testid="builder-start">{t('bot.start')}</span>}
      </div>
      {issuesId && (
        <ul id={issuesId} class="form-error">
          {props.issues.map((issue, i) => (
            <li key={i} data-testid="builder-issue" data-step-id={step.id} data-level={issue.level}>
              {labelled(t(`bot.issue.${issue.level}`), issue.message)}
            </li>
          ))}
        </ul>
      )}
      <div class="admin-row-actions">
        <button type="button" class="button small" aria-expanded={props.editing} onClick={props.onEdit} data-testid="builder-step-open">
          {props.editing ? t('bot.closeStep') : t('bot.editStep')}
          <span class="visually-hidden"> {step.id}</span>
        </button>
        <button type="button" class="button small" disabled={props.index === 0} onClick={() => props.onMove(-1)} data-testid="builder-move-up">
          {t('bot.moveUp')}
          <span class="visually-hidden"> {step.id}</span>
        </button>
        <button type="button" class="button small" disabled={props.index === props.count - 1} onClick={() => props.onMove(1)} data-testid="builder-move-down">
          {t('bot.moveDown')}
          <span class="visually-hidden"> {step.id}</span>
        </button>
        {!props.isStart && (
          <button type="button" class="button small" onClick={props.onMakeStart} data-testid="builder-make-start">
            {t('bot.setStart')}
            <span class="visually-hidden"> {step.id}</span>
          </button>
        )}
        <button type="button" class="button small" onClick={props.onDelete} data-testid="builder-delete">
          {t('bot.deleteStep')}
          <span class="visually-hidden"> {step.id}</span>
        </button>
      </div>
      {props.editing && (
        <fieldset ref={fieldset} class="admin-form" data-testid="builder-step-edit" aria-describedby={issuesId}>
          <legend>{t('bot.editingStep', { title })}</legend>
          <StepForm step={step} steps={props.steps} languages={props.languages} locale={props.locale} queues={props.queues} describedBy={issuesId} onChange={props.onChange} />
        </fieldset>
      )}
    </li>
  );
}
