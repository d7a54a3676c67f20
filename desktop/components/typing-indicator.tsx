import { t } from '../i18n/index.ts';

/** "Marie is typing…" under the transcript; renders an empty live region otherwise so the announcement fires. */
export function TypingIndicator({ name }: { name: string | null }) {
  return (
    <div class="typing" role="status" aria-live="polite">
      {name !== null && (
        <span data-testid="visitor-typing">
          <span class="typing-dots" aria-hidden="true">
            <span />
            <span />
            <span />
          </span>
          {t('typing.visitor', { name })}
        </span>
      )}
    </div>
  );
}
