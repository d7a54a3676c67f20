import { t, type Localized } from '../i18n/index.ts';

/** Why something changed on the desk (offer gone, chat transferred, error); one at a time, dismissable. */
export function DeskNotice({ text, onDismiss }: { text: Localized | null; onDismiss: () => void }) {
  return (
    <div class="desk-notice-region" role="status" aria-live="polite">
      {text && (
        <p class="notice" data-testid="desk-notice">
          <span>{text()}</span>
          <button type="button" class="button small ghost notice-dismiss" onClick={onDismiss} aria-label={t('notice.dismiss')} />
        </p>
      )}
    </div>
  );
}
