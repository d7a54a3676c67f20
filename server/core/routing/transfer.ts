import { AppError, type MediaChannel, type TransferTarget } from '../../../protocol/index.ts';

/**
 * Where a transferred session goes (issue 3 §3), decided from directory data:
 * - agent: must exist, not be the transferring agent, and have the session's channel.
 *   It waits in the current queue when the agent belongs to it, else in the first of
 *   the agent's queues on that channel, else the current queue; a direct offer to
 *   that agent is tried at once (if Ready with capacity), otherwise it is an ordinary
 *   waiting session of that queue.
 * - team: must exist with at least one member; waits in the current queue, and a
 *   direct offer goes to a Ready team member with capacity when there is one.
 * - queue: must exist on the website and the channel; waits there, ordinary routing.
 * Anything else: TRANSFER_TARGET_INVALID, and the caller changes nothing.
 */

export interface Directory {
  agents: { id: string; channels: MediaChannel[]; queueIds: string[] }[];
  teams: { id: string; memberIds: string[] }[];
  queues: { id: string; channel: MediaChannel }[];
}

export interface TransferPlan {
  queueId: string;
  /** Agents a direct offer may go to (empty = ordinary queue routing). */
  offerTo: string[];
}

const invalid = (msg: string) => new AppError('TRANSFER_TARGET_INVALID', msg);

export function resolveTransfer(
  target: TransferTarget,
  session: { queueId: string | null; channel: MediaChannel; agentId: string | null },
  dir: Directory,
): TransferPlan {
  const queuesOnChannel = dir.queues.filter((q) => q.channel === session.channel);
  const current = session.queueId && queuesOnChannel.some((q) => q.id === session.queueId) ? session.queueId : null;
  if (target.kind === 'queue') {
    if (!queuesOnChannel.some((q) => q.id === target.id)) throw invalid('No such queue on this channel.');
    return { queueId: target.id, offerTo: [] };
  }
  if (target.kind === 'agent') {
    const agent = dir.agents.find((a) => a.id === target.id);
    if (!agent || !agent.channels.includes(session.channel)) throw invalid('No such agent on this channel.');
    if (agent.id === session.agentId) throw invalid('You already hold this session.');
    const own = queuesOnChannel.filter((q) => agent.queueIds.includes(q.id)).map((q) => q.id);
    const queueId = current && own.includes(current) ? current : (own[0] ?? current);
    if (!queueId) throw invalid('The agent belongs to no queue on this channel.');
    return { queueId, offerTo: [agent.id] };
  }
  const team = dir.teams.find((t) => t.id === target.id);
  if (!team) throw invalid('No such team.');
  const members = team.memberIds.filter((id) => id !== session.agentId);
  if (members.length === 0) throw invalid('The team has nobody to receive the chat.');
  const queueId = current ?? queuesOnChannel[0]?.id;
  if (!queueId) throw invalid('No queue on this channel.');
  return { queueId, offerTo: members };
}
