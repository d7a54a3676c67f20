import { useState } from 'preact/hooks';
import { t } from '../i18n/index.ts';

const CODES = ['resolved', 'follow_up', 'info_given', 'sale'] as const;

interface WrapUpFormProps {
  busy: boolean;
  error: string | null;
  onSave: (input: { code: string; notes: string }) => void;
}

/**
 * After-contact work: a wrap-up code (suggested or typed) and notes. The server
 * decides whether the code is required (WRAP_UP_REQUIRED is shown inline; nothing closes).
 */
export function WrapUpForm({ busy, error, onSave }: WrapUpFormProps) {
  const [code, setCode] = useState('');
  const [notes, setNotes] = useState('');
  return (
    <form
      class="wrap-up"
      aria-labelledby="wrapup-title"
      onSubmit={(event) => {
        event.preventDefault();
        if (!busy) onSave({ code, notes });
      }}
    >
      <h3 id="wrapup-title">{t('wrapup.title')}</h3>
      <label class="field">
        <span>{t('wrapup.code')}</span>
        <input
          list="wrapup-codes"
          value={code}
          maxLength={100}
          placeholder={t('wrapup.codePlaceholder')}
          onInput={(e) => setCode(e.currentTarget.value)}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby="wrapup-error"
          data-testid="wrapup-code"
        />
      </label>
      <datalist id="wrapup-codes">
        {CODES.map((value) => (
          <option key={value} value={value} label={t(`wrapup.codes.${value}`)} />
        ))}
      </datalist>
      <label class="field">
        <span>{t('wrapup.notes')}</span>
        <textarea rows={3} maxLength={4000} value={notes} onInput={(e) => setNotes(e.currentTarget.value)} data-testid="wrapup-notes" />
      </label>
      <p id="wrapup-error" class="form-error" role="alert" data-testid="wrapup-error">
        {error ?? ''}
      </p>
      <button type="submit" class="button primary" disabled={busy} data-testid="wrapup-save">
        {busy ? t('wrapup.saving') : t('wrapup.save')}
      </button>
    </form>
  );
}
