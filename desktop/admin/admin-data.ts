import { signal } from '@preact/signals';
import { AgentAccount, Queue, Team } from '../../protocol/index.ts';
import { resourceApi } from './admin-rest.ts';

/** REST clients of every admin resource. */
export const agentsApi = resourceApi('/agents', 'agents', 'agent', AgentAccount);
export const queuesApi = resourceApi('/queues', 'queues', 'queue', Queue);
export const teamsApi = resourceApi('/teams', 'teams', 'team', Team);

/**
 * Lists other sections pick from (queues for agents and quick replies, agents for
 * teams…), reloaded after a write in the section that owns them.
 */
export function createAdminData() {
  const queues = signal<Queue[]>([]);
  const teams = signal<Team[]>([]);
  const agents = signal<AgentAccount[]>([]);
  const reloadQueues = () => queuesApi.list().then((list) => void (queues.value = list), () => undefined);
  const reloadTeams = () => teamsApi.list().then((list) => void (teams.value = list), () => undefined);
  const reloadAgents = () => agentsApi.list().then((list) => void (agents.value = list), () => undefined);
  return {
    queues,
    teams,
    agents,
    reloadQueues,
    reloadTeams,
    reloadAgents,
    loadAll: () => Promise.all([reloadQueues(), reloadTeams(), reloadAgents()]),
  };
}

export type AdminData = ReturnType<typeof createAdminData>;
