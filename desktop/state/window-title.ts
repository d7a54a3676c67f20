import { t } from '../i18n/index.ts';

/**
 * The browser tab's title says what needs attention: pending offers first
 * ("(1) New chat — Parley"), else unread messages ("(2) Parley").
 */
const counts = { offers: 0, unread: 0 };

function apply(): void {
  if (typeof document === 'undefined') return;
  if (counts.offers > 0) document.title = t('offer.windowTitle', { count: counts.offers });
  else if (counts.unread > 0) document.title = t('unread.windowTitle', { count: counts.unread });
  else document.title = t('app.title');
}

export function setOfferCount(count: number): void {
  counts.offers = count;
  apply();
}

export function setUnreadCount(count: number): void {
  counts.unread = count;
  apply();
}
