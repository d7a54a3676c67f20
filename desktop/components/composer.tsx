import { t } from '../i18n/index.ts';

interface ComposerProps {
  value: string;
  error: string | null;
  disabled?: boolean;
  onInput: (text: string) => void;
  onSend: () => void;
}

/** Reply box: Enter sends, Shift+Enter inserts a new line (the browser's default). */
export function Composer({ value, error, disabled = false, onInput, onSend }: ComposerProps) {
  function onKeyDown(event: KeyboardEvent) {
    // Never send in the middle of an IME composition (accents, CJK input).
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    if (!disabled) onSend();
  }

  return (
    <form
      class="composer"
      onSubmit={(event) => {
        event.preventDefault();
        if (!disabled) onSend();
      }}
    >
      <label class="visually-hidden" for="composer-input">
        {t('composer.label')}
      </label>
      <textarea
        id="composer-input"
        rows={3}
        value={value}
        placeholder={t('composer.placeholder')}
        onInput={(event) => onInput(event.currentTarget.value)}
        onKeyDown={onKeyDown}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={error ? 'composer-error' : undefined}
        data-testid="composer-input"
      />
      <div class="composer-bar">
        <p id="composer-error" class="form-error" role="alert" data-testid="composer-error">
          {error ?? ''}
        </p>
        <button type="submit" class="button primary" disabled={disabled || value.trim() === ''} data-testid="composer-send">
          {t('composer.send')}
        </button>
      </div>
    </form>
  );
}
