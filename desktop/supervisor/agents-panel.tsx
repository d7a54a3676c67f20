import { useEffect, useState } from 'preact/hooks';
import type { AgentRoutingProfile, ChannelPresence, PresenceState } from '../../protocol/index.ts';
import type { AgentClient } from '../api/agent-client.ts';
import { toApiError } from '../api/api-error.ts';
import { presenceReasonLabel } from '../components/labels.ts';
import { errorText, labelled, t } from '../i18n/index.ts';

/** How often the panel re-reads the directory (pushes keep it live in between). */
export const AGENTS_REFRESH_MS = 15_000;

/** The "worst" state across channels decides the row's data-state (ready beats the rest). */
function overallState(presence: readonly ChannelPresence[]): PresenceState {
  const order: PresenceState[] = ['ready', 'not_ready', 'refused', 'away', 'offline'];
  return order.find((state) => presence.some((p) => p.state === state)) ?? 'offline';
}

/** Supervisor's Agents panel: each agent's presence per channel and load / max chats, kept live. */
export function AgentsPanel({ client }: { client: AgentClient }) {
  const [agents, setAgents] = useState<AgentRoutingProfile[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let alive = true;
    const load = async () => {
      try {
        const directory = await client.request('directory:get', {});
        if (alive) {
          setAgents([...directory.agents].sort((a, b) => a.name.localeCompare(b.name)));
          setError(null);
        }
      } catch (cause) {
        const apiError = toApiError(cause);
        if (alive) setError(errorText(apiError.code, apiError.message));
      }
    };
    void load();
    const timer = setInterval(() => void load(), AGENTS_REFRESH_MS);
    const offPresence = client.on('presence', ({ agentId, presence }) =>
      setAgents((list) => list.map((agent) => (agent.id === agentId ? { ...agent, presence } : agent))),
    );
    // A card changing state changes someone's load: re-read the directory.
    const offCard = client.on('session:card', () => void load());
    return () => {
      alive = false;
      clearInterval(timer);
      offPresence();
      offCard();
    };
  }, [client]);

  return (
    <section class="agents-panel" aria-labelledby="agents-panel-title" data-testid="agents-panel">
      <h2 id="agents-panel-title">{t('supervisor.agents')}</h2>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      {agents.length === 0 ? (
        <p class="list-empty">{t('supervisor.noAgents')}</p>
      ) : (
        <table class="admin-table">
          <thead>
            <tr>
              <th scope="col">{t('supervisor.agent')}</th>
              <th scope="col">{t('supervisor.presence')}</th>
              <th scope="col">{t('supervisor.load')}</th>
            </tr>
          </thead>
          <tbody>
            {agents.map((agent) => (
              <tr key={agent.id} data-testid="agent-row" data-agent-id={agent.id} data-state={overallState(agent.presence)}>
                <th scope="row">{agent.name}</th>
                <td>
                  {agent.presence.length === 0
                    ? t('presence.offline')
                    : agent.presence.map((p) => (
                        <span key={p.channel} class={`presence-chip state-${p.state}`}>
                          {labelled(t(`channel.${p.channel}`), t(`presence.${p.state}`))}
                          {p.reason ? ` (${presenceReasonLabel(p.reason)})` : ''}
                        </span>
                      ))}
                </td>
                <td>{t('supervisor.loadValue', { load: agent.load, max: agent.maxConcurrent })}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
