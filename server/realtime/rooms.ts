import type { Socket } from 'socket.io';
import type { AgentRole } from '../../protocol/index.ts';
import type { Scope } from '../core/access.ts';

/** Room names shared by the gateways and the publisher (with the Redis adapter they span nodes). */
export const conversationRoom = (conversationId: string) => `conversation:${conversationId}`;
/** Every socket of one browser (visitor row): logout disconnects the others. */
export const visitorRoom = (visitorId: string) => `visitor:${visitorId}`;
export const agentRoom = (agentId: string) => `agent:${agentId}`;
/** The desktops signed in with one login session (logout closes them); keyed by the token's hash. */
export const loginSessionRoom = (tokenHash: string) => `login:${tokenHash.slice(0, 32)}`;
/** Staff whose scope includes the website: its conversations' summaries and contacts' changes. */
export const websiteRoom = (websiteId: string) => `website:${websiteId}`;
/** Supervisors whose scope includes the website: its session cards. */
export const websiteSupervisorsRoom = (websiteId: string) => `website-supervisors:${websiteId}`;
/** Admins: every website's summaries, contacts and cards. */
export const ADMINS_ROOM = 'admins';
/** Supervisors and admins: everyone's presence (the agents panel). */
export const SUPERVISORS_ROOM = 'supervisors';

/** The rooms that carry a website's staff-facing news to someone of this role and scope. */
export function scopeRooms(role: AgentRole, scope: Scope): string[] {
  if (role === 'admin' || scope === 'all') return [ADMINS_ROOM];
  const ids = [...scope];
  return role === 'supervisor' ? [...ids.map(websiteRoom), ...ids.map(websiteSupervisorsRoom)] : ids.map(websiteRoom);
}

/** Every scope room of these websites (what an agent leaves when their scope shrinks). */
export const allScopeRooms = (websiteIds: string[]) => [ADMINS_ROOM, ...websiteIds.map(websiteRoom), ...websiteIds.map(websiteSupervisorsRoom)];

/** Joins a room unless already in it (every send re-asserts its room: most of the time a no-op, kept cheap). */
export function join(socket: Socket, room: string): void {
  if (!socket.rooms.has(room)) void socket.join(room);
}
