/** Plain constants shared by every side. Kept free of zod so the widget can import them for a few bytes. */
export const MAX_MESSAGE_LENGTH = 4000;
/** An agent's message in an X direct-message conversation: X's own limit (issue 19). Web chats keep MAX_MESSAGE_LENGTH. */
export const MAX_X_DM_LENGTH = 10_000;
/** Most events a single `sync` answer carries; the client asks again while `hasMore`. */
export const SYNC_PAGE_SIZE = 500;
/** App-level heartbeat: the widget pings this often and treats a missing ack as a dead socket. */
export const HEARTBEAT_INTERVAL_MS = 15_000;
export const HEARTBEAT_TIMEOUT_MS = 5_000;
/** Typing indicators expire on the receiving side if no refresh arrives. */
export const TYPING_TTL_MS = 6_000;

/** Custom attributes (`attributes:set`, `Messenger('setAttributes')`): checked alike by the widget and the server. */
export const ATTRIBUTE_KEY_PATTERN = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
export const MAX_ATTRIBUTES_PER_CALL = 50;
export const MAX_ATTRIBUTE_VALUE_LENGTH = 1000;
/** name, email and phone come only from a verified identity, whatever their case. */
export const isReservedAttribute = (key: string): boolean => ['name', 'email', 'phone'].includes(key.toLowerCase());

/**
 * An assistant draft (`PUT /api/v1/assistants/:id/draft`), serialized. A large real flow (200 steps,
 * two languages, a few hundred characters each) is ~150 KB: 512 KB leaves room without letting a
 * draft grow unbounded. Its nesting is capped too: the deepest a definition legitimately goes is 6.
 */
export const MAX_ASSISTANT_DRAFT_BYTES = 512 * 1024;
export const MAX_ASSISTANT_DRAFT_DEPTH = 32;
