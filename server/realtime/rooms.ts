import type { Socket } from 'socket.io';

/** Room names shared by the gateways and the publisher (with the Redis adapter they span nodes). */
export const conversationRoom = (conversationId: string) => `conversation:${conversationId}`;
/** Every socket of one browser (visitor row): logout disconnects the others. */
export const visitorRoom = (visitorId: string) => `visitor:${visitorId}`;
export const agentRoom = (agentId: string) => `agent:${agentId}`;
export const AGENTS_ROOM = 'agents';
/** Supervisors and admins: everyone's presence and session cards. */
export const SUPERVISORS_ROOM = 'supervisors';

/** Joins a room unless already in it (every send re-asserts its room: most of the time a no-op, kept cheap). */
export function join(socket: Socket, room: string): void {
  if (!socket.rooms.has(room)) void socket.join(room);
}
