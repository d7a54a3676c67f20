import type { QueueStatus } from '../../protocol/index.ts';
import { isOpenAt } from '../core/routing/business-hours.ts';
import { estimateWaitSec } from '../core/routing/estimated-wait.ts';
import type { Tx } from '../db/client.ts';
import { ensureDefaultQueue, queueById, readyCount } from '../db/stores/routing-store.ts';
import { recentWaitsMs } from '../db/stores/sessions-store.ts';
import { conversationWebsiteAndEmail, latestSessionWithAgent, openInQueue, waitingAhead } from '../db/stores/queue-status-store.ts';
import type { ServiceDeps } from './deps.ts';

/** What the widget shows: position, estimated wait, availability, agent, follow-up email. */
export function createQueueStatusReader({ db, clock }: Pick<ServiceDeps, 'db' | 'clock'>) {
  async function forConversation(conversationId: string, tx: Tx = db): Promise<QueueStatus> {
    const conv = await conversationWebsiteAndEmail(tx, conversationId);
    const s = await latestSessionWithAgent(tx, conversationId);
    const queue = s?.s.queueId ? await queueById(tx, s.s.queueId) : conv ? await ensureDefaultQueue(tx, conv.websiteId) : null;
    const ready = queue ? await readyCount(tx, queue.id, queue.channel) : 0;
    let position: number | null = null;
    let estimatedWaitSec: number | null = null;
    if (s && queue && s.s.state === 'waiting') {
      position = (await waitingAhead(tx, queue.id, s.s)) + 1;
      estimatedWaitSec = estimateWaitSec({ position, recentWaitsMs: await recentWaitsMs(tx, queue.id), readyAgents: ready });
    }
    return {
      state: s?.s.state ?? null,
      position,
      estimatedWaitSec,
      agentsAvailable: ready > 0,
      withinBusinessHours: queue ? isOpenAt(queue.businessHours ?? null, clock.now()) : true,
      agent: s && s.s.state === 'active' && s.agentName ? { name: s.agentName } : null,
      followUpEmail: s?.s.followUpEmail ?? conv?.email ?? null,
    };
  }
  /**
   * The status of every conversation waiting (or being offered) in a queue, at most `limit` of
   * them, longest waiting first: what each visitor's widget shows after the queue moved. A fixed
   * handful of queries however long the queue, where `forConversation` for each would cost
   * several queries per visitor.
   */
  async function forQueue(queueId: string, limit = 200, tx: Tx = db): Promise<{ conversationId: string; status: QueueStatus }[]> {
    const queue = await queueById(tx, queueId);
    if (!queue) return [];
    const ready = await readyCount(tx, queue.id, queue.channel);
    const open = await openInQueue(tx, queue.id, limit);
    const recentWaits = open.some((s) => s.state === 'waiting') ? await recentWaitsMs(tx, queue.id) : [];
    const withinBusinessHours = isOpenAt(queue.businessHours ?? null, clock.now());
    let waitingAhead = 0;
    return open.map((s) => {
      // Waiting sessions in queue order: the n-th one waiting has position n (offered ones are not counted).
      const position = s.state === 'waiting' ? ++waitingAhead : null;
      return {
        conversationId: s.conversationId,
        status: {
          state: s.state,
          position,
          estimatedWaitSec: position === null ? null : estimateWaitSec({ position, recentWaitsMs: recentWaits, readyAgents: ready }),
          agentsAvailable: ready > 0,
          withinBusinessHours,
          agent: null,
          followUpEmail: s.followUpEmail ?? s.email ?? null,
        },
      };
    });
  }

  return { forConversation, forQueue };
}
export type QueueStatusReader = ReturnType<typeof createQueueStatusReader>;
