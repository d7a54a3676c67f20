import type { Offer } from '../../protocol/index.ts';
import { labelled, t } from '../i18n/index.ts';
import type { Offers } from '../state/offers.ts';
import { contactLabel } from './labels.ts';

/**
 * Incoming chat offers, stacked in a corner. Each is an alertdialog (announced
 * by screen readers) but does not steal focus from a reply being typed; a
 * polite live region also reads the newest one.
 */
export function OfferStack({ offers }: { offers: Offers }) {
  const list = offers.offers.value;
  const newest = list.at(-1);
  return (
    <section class="offer-stack" aria-label={t('offers.label')}>
      <p class="visually-hidden" aria-live="assertive">
        {newest ? t('offer.announce', { name: offerName(newest) }) : ''}
      </p>
      {list.map((offer) => (
        <OfferCard key={offer.id} offer={offer} offers={offers} />
      ))}
    </section>
  );
}

const offerName = (offer: Offer) => contactLabel({ ...offer.contact, email: null });

function OfferCard({ offer, offers }: { offer: Offer; offers: Offers }) {
  const seconds = offers.secondsLeft(offer.id);
  const busy = offers.busy.value.has(offer.id);
  const titleId = `offer-title-${offer.id}`;
  const bodyId = `offer-body-${offer.id}`;
  return (
    <div class="offer" role="alertdialog" aria-labelledby={titleId} aria-describedby={bodyId} data-testid="offer" data-offer-id={offer.id}>
      <div class="offer-head">
        <h2 id={titleId}>
          {labelled(t('offer.title'), offerName(offer))}
        </h2>
        <span class="offer-countdown" role="timer" aria-live="off" data-testid="offer-countdown" data-seconds={seconds}>
          {t('offer.countdown', { seconds })}
        </span>
      </div>
      <div id={bodyId} class="offer-body">
        <p class="offer-queue">{t('offer.queue', { queue: offer.queue.name })}</p>
        {offer.transferredBy && <p class="offer-transfer">{t('offer.transferredBy', { name: offer.transferredBy })}</p>}
        {offer.returning && <p class="offer-returning" data-testid="offer-returning">{t('offer.returning')}</p>}
        <p class="offer-preview">{offer.preview ?? t('offer.noPreview')}</p>
      </div>
      <div class="offer-actions">
        <button type="button" class="button" disabled={busy} onClick={() => void offers.reject(offer.id)} data-testid="offer-reject">
          {t('offer.reject')}
        </button>
        <button type="button" class="button primary" disabled={busy} onClick={() => void offers.accept(offer.id)} data-testid="offer-accept">
          {t('offer.accept')}
        </button>
      </div>
    </div>
  );
}
