/**
 * English catalogue: the reference set of keys. `fr.ts` must define exactly the
 * same keys (enforced by its type and by i18n.browser.test.tsx).
 * Placeholders are written `{name}` and filled by `t(key, params)`.
 */
export const en = {
  'app.title': 'Parley agent desktop',
  'app.loading': 'Loading…',
  'locale.label': 'Language',
  'locale.en': 'English',
  'locale.fr': 'Français',

  'login.title': 'Sign in to the agent desktop',
  'login.email': 'Email',
  'login.password': 'Password',
  'login.submit': 'Sign in',
  'login.submitting': 'Signing in…',
  'login.hint': 'Demo account: agent@demo.shop / parley-demo',
  'session.logout': 'Log out',
  'session.signedInAs': 'Signed in as {name}',

  'connection.label': 'Connection',
  'connection.connecting': 'Connecting…',
  'connection.connected': 'Connected',
  'connection.reconnecting': 'Reconnecting…',
  'connection.offline': 'Offline',

  'lists.waiting': 'Waiting',
  'lists.mine': 'My conversations',
  'lists.emptyWaiting': 'No one is waiting.',
  'lists.emptyMine': 'You have no conversations yet.',
  'lists.take': 'Take',
  'lists.taking': 'Taking…',
  'lists.noMessage': 'No message yet',

  'contact.visitor': 'Visitor {id}',

  'conversation.none': 'Select a conversation on the left.',
  'conversation.loading': 'Loading the conversation…',
  'conversation.transcript': 'Transcript with {name}',
  'conversation.empty': 'No messages yet.',
  'conversation.status.waiting': 'Waiting',
  'conversation.status.active': 'Active',
  'conversation.status.ended': 'Ended',
  'conversation.handledBy': 'Handled by {name}',
  'conversation.takeToReply': 'Take this conversation to reply.',

  'author.you': 'You',
  'author.visitor': 'Visitor',
  'author.agent': 'Agent',
  'author.bot': 'Bot',
  'author.system': 'System',

  'event.agent_joined': '{name} joined',
  'event.agent_left': '{name} left',
  'event.conversation_ended': 'Conversation ended',
  'event.conversation_reopened': 'Conversation reopened',
  'event.someone': 'An agent',

  'message.pending': 'Sending…',
  'message.failed': 'Not sent',

  'composer.label': 'Reply',
  'composer.placeholder': 'Write a reply… (Enter to send, Shift+Enter for a new line)',
  'composer.send': 'Send',
  'composer.tooLong': 'The message is {count} characters long; the maximum is {max}.',

  'typing.visitor': '{name} is typing…',

  'error.generic': 'Something went wrong. Please try again.',
  'error.BAD_REQUEST': 'The request is malformed.',
  'error.VALIDATION_FAILED': 'Please check the fields and try again.',
  'error.UNKNOWN_EVENT': 'This action is not supported by the server.',
  'error.MESSAGE_TOO_LONG': 'The message is too long.',
  'error.UNAUTHENTICATED': 'Your session has ended. Please sign in again.',
  'error.INVALID_CREDENTIALS': 'Email or password is incorrect.',
  'error.TOKEN_INVALID': 'The token is invalid or expired.',
  'error.TOKEN_REVOKED': 'The token has been revoked.',
  'error.FORBIDDEN': 'You are not allowed to do this.',
  'error.ORIGIN_NOT_ALLOWED': 'This origin is not allowed.',
  'error.UNKNOWN_WEBSITE': 'Unknown website.',
  'error.NOT_FOUND': 'Not found.',
  'error.CONVERSATION_TAKEN': 'Another agent already handles this conversation.',
  'error.CONVERSATION_NOT_ACTIVE': 'The conversation is not active.',
  'error.OFFER_GONE': 'The offer has expired or was taken.',
  'error.CONFLICT': 'This conflicts with the current state; the view has been refreshed.',
  'error.RATE_LIMITED': 'Too many requests; please slow down.',
  'error.UNAVAILABLE': 'The server cannot be reached. Please try again.',
  'error.INTERNAL': 'Unexpected server error.',
} as const;

export type MessageKey = keyof typeof en;
