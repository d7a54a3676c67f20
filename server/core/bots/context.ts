import type { BusinessHours } from '../../../protocol/index.ts';
import type { Clock } from '../clock.ts';
import { isOpenAt } from '../routing/business-hours.ts';

/**
 * `BotContext.businessHoursOpen` from the queues' BusinessHours (same rules as
 * routing: no hours = always open). A queue that no longer exists counts as
 * closed, so the bot never promises a live agent it cannot reach.
 */
export function businessHoursFrom(queues: readonly { id: string; businessHours: BusinessHours | null }[], clock: Clock): (queueId: string) => boolean {
  return (queueId) => {
    const queue = queues.find((q) => q.id === queueId);
    return queue ? isOpenAt(queue.businessHours, clock.now()) : false;
  };
}
