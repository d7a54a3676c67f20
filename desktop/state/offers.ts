import { batch, effect, signal, type ReadonlySignal } from '@preact/signals';
import type { ConversationDetail, Offer } from '../../protocol/index.ts';
import type { AgentClient } from '../api/agent-client.ts';
import { toApiError } from '../api/api-error.ts';
import { errorText, t, type Localized } from '../i18n/index.ts';
import type { OfferAlert } from './offer-alert.ts';

interface OffersDeps {
  client: AgentClient;
  now: ReadonlySignal<number>;
  onTick: (fn: (now: number) => void) => () => void;
  alert: OfferAlert;
  /** The accepted chat, with its whole transcript, to open on the desk. */
  onAccepted: (detail: ConversationDetail) => void;
  notify: (text: Localized) => void;
}

/** When an offer stops being answerable here: its expiresAt, capped by its own timeout counted from arrival (clock skew). */
function deadline(offer: Offer, receivedAt: number): number {
  const expires = Date.parse(offer.expiresAt);
  const timeout = expires - Date.parse(offer.offeredAt);
  return Math.min(expires, receivedAt + timeout);
}

/**
 * Pending chat offers (several can stack). Each counts down to its expiry on the
 * desk's clock and disappears at expiry, on `offer:revoked`, or when answered.
 */
export function createOffers({ client, now, onTick, alert, onAccepted, notify }: OffersDeps) {
  const offers = signal<readonly Offer[]>([]);
  const busy = signal<ReadonlySet<string>>(new Set());
  const deadlines = new Map<string, number>();

  const remove = (offerId: string) => {
    deadlines.delete(offerId);
    offers.value = offers.value.filter((offer) => offer.id !== offerId);
  };
  const setBusy = (offerId: string, on: boolean) => {
    const next = new Set(busy.value);
    if (on) next.add(offerId);
    else next.delete(offerId);
    busy.value = next;
  };

  function add(offer: Offer): void {
    if (!deadlines.has(offer.id)) deadlines.set(offer.id, deadline(offer, now.peek()));
    const isNew = !offers.value.some((item) => item.id === offer.id);
    offers.value = [...offers.value.filter((item) => item.id !== offer.id), offer];
    if (isNew) alert.chime();
  }

  /** After a (re)connect: the server's list wins; returns how many shown offers were gone meanwhile. */
  function replace(list: readonly Offer[]): number {
    const ids = new Set(list.map((offer) => offer.id));
    const gone = offers.value.filter((offer) => !ids.has(offer.id));
    gone.forEach((offer) => deadlines.delete(offer.id));
    batch(() => {
      offers.value = offers.value.filter((offer) => ids.has(offer.id));
      list.forEach(add);
    });
    return gone.length;
  }

  /** Whole seconds left, never negative. */
  function secondsLeft(offerId: string): number {
    const end = deadlines.get(offerId);
    return end === undefined ? 0 : Math.max(0, Math.ceil((end - now.value) / 1000));
  }

  async function accept(offerId: string): Promise<void> {
    setBusy(offerId, true);
    try {
      const detail = await client.request('offer:accept', { offerId });
      batch(() => {
        remove(offerId);
        onAccepted(detail);
      });
    } catch (cause) {
      const error = toApiError(cause);
      if (error.code === 'OFFER_GONE') {
        batch(() => {
          remove(offerId);
          notify(() => t('offer.gone'));
        });
      } else notify(() => errorText(error.code, error.message));
    } finally {
      setBusy(offerId, false);
    }
  }

  async function reject(offerId: string): Promise<void> {
    setBusy(offerId, true);
    try {
      await client.request('offer:reject', { offerId });
      remove(offerId);
    } catch (cause) {
      const error = toApiError(cause);
      if (error.code === 'OFFER_GONE') remove(offerId);
      else notify(() => errorText(error.code, error.message));
    } finally {
      setBusy(offerId, false);
    }
  }

  const stops = [
    client.on('offer', add),
    client.on('offer:revoked', ({ offerId, reason }) => {
      if (!offers.value.some((offer) => offer.id === offerId)) return;
      batch(() => {
        remove(offerId);
        notify(() => t(`offer.revoked.${reason}`));
      });
    }),
    onTick((time) => {
      const expired = offers.value.filter((offer) => (deadlines.get(offer.id) ?? 0) <= time);
      if (expired.length === 0) return;
      batch(() => {
        expired.forEach((offer) => remove(offer.id));
        notify(() => t('offer.revoked.expired'));
      });
    }),
    effect(() => alert.setCount(offers.value.length)),
  ];

  return { offers, busy, add, replace, secondsLeft, accept, reject, dispose: () => stops.forEach((stop) => stop()) };
}

export type Offers = ReturnType<typeof createOffers>;
