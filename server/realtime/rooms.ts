/** Room names shared by the gateways and the publisher (with the Redis adapter they span nodes). */
export const conversationRoom = (conversationId: string) => `conversation:${conversationId}`;
/** Every socket of one browser (visitor row): logout disconnects the others. */
export const visitorRoom = (visitorId: string) => `visitor:${visitorId}`;
export const agentRoom = (agentId: string) => `agent:${agentId}`;
export const AGENTS_ROOM = 'agents';
/** Supervisors and admins: everyone's presence and session cards. */
export const SUPERVISORS_ROOM = 'supervisors';
