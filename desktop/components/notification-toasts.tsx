import { openInCommunication } from '../communication/navigation.ts';
import { t } from '../i18n/index.ts';
import type { Notifications } from '../state/notifications.ts';

/** Desk notifications (e.g. "Marie answered") with Show (opens the Communication tab) and Dismiss. */
export function NotificationToasts({ notifications }: { notifications: Notifications }) {
  const items = notifications.items.value;
  return (
    <section class="toasts" aria-label={t('notify.label')} aria-live="polite">
      {items.map((item) => (
        <div key={item.id} class="toast" data-testid="notification">
          <span>{item.text()}</span>
          {item.conversationId && (
            <button
              type="button"
              class="button small primary"
              onClick={() => {
                notifications.dismiss(item.id);
                openInCommunication(item.conversationId!);
              }}
              data-testid="notification-show"
            >
              {t('notify.show')}
            </button>
          )}
          <button type="button" class="button small ghost" onClick={() => notifications.dismiss(item.id)} data-testid="notification-dismiss">
            {t('notice.dismiss')}
          </button>
        </div>
      ))}
    </section>
  );
}
