import { and, eq, sql } from 'drizzle-orm';
import type { Directory, SessionCard, SessionState } from '../../protocol/index.ts';
import { queuesOfWebsite, readyCount, routingProfiles, teamsWithMembers, toQueue } from '../db/stores/routing-store.ts';
import { eventsOfSession, sessionCard, sessionCards } from '../db/stores/sessions-store.ts';
import { sessions } from '../db/schema.ts';
import type { ServiceDeps } from './deps.ts';
import { AppError } from '../../protocol/index.ts';

/** The address book (agents, teams, queues with live counts) and session cards. */
export function createDirectoryService({ db, clock }: ServiceDeps) {
  async function get(): Promise<Directory> {
    const [agents, teams, queueRows] = await Promise.all([routingProfiles(db), teamsWithMembers(db), queuesOfWebsite(db, null)]);
    const queues = [];
    for (const q of queueRows) {
      const [w] = await db
        .select({ n: sql<number>`count(*)::int` })
        .from(sessions)
        .where(and(eq(sessions.queueId, q.id), eq(sessions.state, 'waiting')));
      queues.push({ ...toQueue(q), waiting: Number(w?.n ?? 0), readyAgents: await readyCount(db, q.id, q.channel) });
    }
    return { agents, teams, queues };
  }

  /** Cards since `since` (default: the last 24 hours); `agentId` limits them to the agent's own. */
  async function cards(query: { queueId?: string; states?: SessionState[]; since?: string }, agentId: string | null): Promise<{ cards: SessionCard[] }> {
    const since = query.since ? new Date(query.since) : new Date(clock.now().getTime() - 24 * 3600 * 1000);
    const all = await sessionCards(db, { queueId: query.queueId, states: query.states, since });
    return { cards: agentId ? all.filter((c) => c.agent?.id === agentId) : all };
  }

  async function detail(sessionId: string) {
    const card = await sessionCard(db, sessionId);
    if (!card) throw new AppError('NOT_FOUND', 'No such session.');
    return { card, events: await eventsOfSession(db, sessionId), durations: card.durations };
  }

  return { get, cards, detail };
}
export type DirectoryService = ReturnType<typeof createDirectoryService>;
