import type { AgentRole } from '../../protocol/index.ts';
import { AdminView } from '../admin/admin-view.tsx';
import { CommunicationView } from '../communication/communication-view.tsx';
import type { Desk, DeskView } from '../state/desk.ts';
import { AgentsPanel } from './agents-panel.tsx';

/** Which top-level views a role sees: supervision for supervisors and admins, admin pages for admins. */
export function viewsFor(role: AgentRole): DeskView[] {
  const views: DeskView[] = ['desk', 'communication'];
  if (role === 'admin') views.push('admin');
  if (role !== 'agent') views.push('sessions');
  return views;
}

/** The Communication and Admin panels (null for the views the workspace renders itself). */
export function ExtraViewPanel({ desk }: { desk: Desk }) {
  const view = desk.view.value;
  if (view === 'communication') {
    return (
      <div id="panel-communication" role="tabpanel" aria-labelledby="tab-communication" class="panel scroll-panel">
        <CommunicationView
          client={desk.client}
          outbox={desk.outbox}
          options={{
            onOpenedAsChat: async (conversationId) => {
              // The live chat joins the agent's tabs, open, so handling time is recorded.
              await desk.refreshLists();
              desk.view.value = 'desk';
              await desk.open(conversationId);
            },
          }}
        />
      </div>
    );
  }
  if (view === 'admin' && desk.me.role === 'admin') {
    return (
      <div id="panel-admin" role="tabpanel" aria-labelledby="tab-admin" class="panel scroll-panel">
        <AdminView />
      </div>
    );
  }
  return null;
}

/** Shown under the session cards for supervisors and admins. */
export function SupervisorAgents({ desk }: { desk: Desk }) {
  return desk.me.role === 'agent' ? null : <AgentsPanel client={desk.client} />;
}

export const isExtraView = (view: DeskView) => view === 'communication' || view === 'admin';
