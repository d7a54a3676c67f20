import type { Directory, SessionCard, SessionState } from '../../protocol/index.ts';
import { queuesOfWebsite, readyCount, routingProfiles, teamsWithMembers, toQueue, waitingCount } from '../db/stores/routing-store.ts';
import { eventsOfSession, sessionCard, sessionCards } from '../db/stores/sessions-store.ts';
import type { ServiceDeps } from './deps.ts';
import { cardsFilter, type Caller } from '../core/access.ts';
import { AppError } from '../../protocol/index.ts';

/** The address book (agents, teams, queues with live counts) and session cards. */
export function createDirectoryService({ db, clock }: ServiceDeps) {
  async function get(): Promise<Directory> {
    const [agents, teams, queueRows] = await Promise.all([routingProfiles(db), teamsWithMembers(db), queuesOfWebsite(db, null)]);
    const queues = [];
    for (const q of queueRows) {
      queues.push({ ...toQueue(q), waiting: await waitingCount(db, q.id), readyAgents: await readyCount(db, q.id, q.channel) });
    }
    return { agents, teams, queues };
  }

  /** Cards since `since` (default: the last 24 hours), as far as the caller may see: an agent their own, a supervisor their scope's. */
  async function cards(query: { queueId?: string; states?: SessionState[]; since?: string }, caller: Caller): Promise<{ cards: SessionCard[] }> {
    const since = query.since ? new Date(query.since) : new Date(clock.now().getTime() - 24 * 3600 * 1000);
    const scope = cardsFilter(caller);
    const limit = scope.kind === 'agent' ? { agentId: scope.agentId } : scope.kind === 'websites' ? { websiteIds: scope.websiteIds } : {};
    return { cards: await sessionCards(db, { queueId: query.queueId, states: query.states, since, ...limit }) };
  }

  async function detail(sessionId: string) {
    const card = await sessionCard(db, sessionId);
    if (!card) throw new AppError('NOT_FOUND', 'No such session.');
    return { card, events: await eventsOfSession(db, sessionId), durations: card.durations };
  }

  return { get, cards, detail };
}
export type DirectoryService = ReturnType<typeof createDirectoryService>;
