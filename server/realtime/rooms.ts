/** Room names shared by the gateways and the publisher. */
export const conversationRoom = (conversationId: string) => `conversation:${conversationId}`;
export const AGENTS_ROOM = 'agents';
