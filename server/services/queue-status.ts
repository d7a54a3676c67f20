import { and, desc, eq, lt, or, sql } from 'drizzle-orm';
import type { QueueStatus } from '../../protocol/index.ts';
import { isOpenAt } from '../core/routing/business-hours.ts';
import { estimateWaitSec } from '../core/routing/estimated-wait.ts';
import type { Tx } from '../db/client.ts';
import { ensureDefaultQueue, queueById, readyCount } from '../db/stores/routing-store.ts';
import { recentWaitsMs } from '../db/stores/sessions-store.ts';
import { agents, contacts, conversations, sessions } from '../db/schema.ts';
import type { ServiceDeps } from './deps.ts';

/** What the widget shows: position, estimated wait, availability, agent, follow-up email. */
export function createQueueStatusReader({ db, clock }: Pick<ServiceDeps, 'db' | 'clock'>) {
  async function forConversation(conversationId: string, tx: Tx = db): Promise<QueueStatus> {
    const [conv] = await tx
      .select({ websiteId: conversations.websiteId, email: contacts.email })
      .from(conversations)
      .innerJoin(contacts, eq(contacts.id, conversations.contactId))
      .where(eq(conversations.id, conversationId));
    const [s] = await tx
      .select({ s: sessions, agentName: agents.name })
      .from(sessions)
      .leftJoin(agents, eq(agents.id, sessions.agentId))
      .where(eq(sessions.conversationId, conversationId))
      .orderBy(desc(sessions.createdAt))
      .limit(1);
    const queue = s?.s.queueId ? await queueById(tx, s.s.queueId) : conv ? await ensureDefaultQueue(tx, conv.websiteId) : null;
    const ready = queue ? await readyCount(tx, queue.id, queue.channel) : 0;
    let position: number | null = null;
    let estimatedWaitSec: number | null = null;
    if (s && queue && s.s.state === 'waiting') {
      const [ahead] = await tx
        .select({ n: sql<number>`count(*)::int` })
        .from(sessions)
        .where(
          and(
            eq(sessions.queueId, queue.id),
            eq(sessions.state, 'waiting'),
            or(lt(sessions.queuedAt, s.s.queuedAt), and(eq(sessions.queuedAt, s.s.queuedAt), lt(sessions.id, s.s.id))),
          ),
        );
      position = Number(ahead?.n ?? 0) + 1;
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
  return { forConversation };
}
export type QueueStatusReader = ReturnType<typeof createQueueStatusReader>;
