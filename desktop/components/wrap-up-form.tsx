import { useState } from 'preact/hooks';
import type { Disposition, Tag } from '../../protocol/index.ts';
import { errorText, t } from '../i18n/index.ts';

export interface WrapUpValues {
  code: string;
  notes: string;
  tags: string[];
}

interface WrapUpFormProps {
  busy: boolean;
  error: string | null;
  dispositions: readonly Disposition[];
  tags: readonly Tag[];
  /** The queue requires a disposition (checked here and again by the server). */
  required: boolean;
  onSave: (input: WrapUpValues) => void;
}

/**
 * After-contact work: disposition (required when the queue says so), tags,
 * notes; "Save and close" ends it. A missing required disposition is an inline
 * error and nothing is sent; server errors (WRAP_UP_REQUIRED, VALIDATION_FAILED) show inline too.
 */
export function WrapUpForm({ busy, error, dispositions, tags, required, onSave }: WrapUpFormProps) {
  const [code, setCode] = useState('');
  const [notes, setNotes] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const [localError, setLocalError] = useState<string | null>(null);
  const shown = localError ?? error;

  function submit(event: Event) {
    event.preventDefault();
    if (busy) return;
    if (required && !code) return setLocalError(errorText('WRAP_UP_REQUIRED'));
    setLocalError(null);
    onSave({ code, notes, tags: chosen });
  }

  const toggle = (name: string, on: boolean) => setChosen(on ? [...chosen, name] : chosen.filter((item) => item !== name));

  return (
    <form class="wrap-up" aria-labelledby="wrapup-title" onSubmit={submit} noValidate>
      <h3 id="wrapup-title">{t('wrapup.title')}</h3>
      <label class="field">
        <span>
          {t('wrapup.code')} {required ? <span class="required">({t('wrapup.required')})</span> : <span class="hint">({t('wrapup.optional')})</span>}
        </span>
        <select
          value={code}
          required={required}
          onChange={(e) => {
            setCode(e.currentTarget.value);
            setLocalError(null);
          }}
          aria-invalid={shown ? 'true' : undefined}
          aria-describedby="wrapup-error"
          data-testid="wrapup-disposition"
        >
          <option value="">{t('wrapup.choose')}</option>
          {dispositions.map((item) => (
            <option key={item.id} value={item.code}>
              {item.label}
            </option>
          ))}
        </select>
      </label>
      {tags.length > 0 && (
        <fieldset class="wrapup-tags">
          <legend>{t('wrapup.tags')}</legend>
          {tags.map((tag) => (
            <label key={tag.id} class="check">
              <input type="checkbox" value={tag.name} checked={chosen.includes(tag.name)} onChange={(e) => toggle(tag.name, e.currentTarget.checked)} data-testid="wrapup-tag" />
              {tag.name}
            </label>
          ))}
        </fieldset>
      )}
      <label class="field">
        <span>{t('wrapup.notes')}</span>
        <textarea rows={3} maxLength={4000} value={notes} onInput={(e) => setNotes(e.currentTarget.value)} data-testid="wrapup-notes" />
      </label>
      <p id="wrapup-error" class="form-error" role="alert" data-testid="wrapup-error">
        {shown ?? ''}
      </p>
      <button type="submit" class="button primary" disabled={busy} data-testid="wrapup-save">
        {busy ? t('wrapup.saving') : t('wrapup.save')}
      </button>
    </form>
  );
}
