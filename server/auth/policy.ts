import type { AgentRole, agentInbound, visitorInbound } from '../../protocol/index.ts';
import type { ContactNeed, ConversationNeed, SessionNeed } from '../core/access.ts';

/**
 * THE authorization table: who may call every REST route and every socket event. The HTTP
 * middleware (server/http/authorize.ts) and the agent gateway enforce it through the access
 * service; a route or event without an entry is refused, and a test fails when one is missing
 * (server/auth/policy.test.ts). The rules themselves (scope, holder, supervisor) are pure, in
 * server/core/access.ts; docs/security.md states the policy in words.
 */

export const STAFF: readonly AgentRole[] = ['agent', 'supervisor', 'admin'];
export const SUPERVISORS: readonly AgentRole[] = ['supervisor', 'admin'];
export const ADMINS: readonly AgentRole[] = ['admin'];

/** What, beyond the role, a staff call is checked against. `key` names the input field (socket) or path parameter (REST) holding the id. */
export type Guard =
  | { kind: 'conversation'; need: ConversationNeed; key: string }
  | { kind: 'session'; need: SessionNeed; key: string }
  | { kind: 'contact'; need: ContactNeed; key: string }
  /** A list the handler limits to the caller's scope (it receives the caller). */
  | { kind: 'scoped-list' }
  /** Acts only on the caller's own things (presence, offers made to them, their catalog); the handler keys everything by the caller. */
  | { kind: 'own' }
  /** Configuration and directory data that is the same for everyone allowed by the role. */
  | { kind: 'none' };

export type Rule =
  /** No authentication: health, the widget's public config, login itself. */
  | { auth: 'public' }
  /**
   * /metrics, its own protocol (server/env.ts `metricsAccess`): `Authorization: Bearer METRICS_TOKEN` when set;
   * without a token, not served (404) in production or when METRICS_LISTEN serves it on a private address,
   * open only in development and the demo.
   */
  | { auth: 'bearer-token' }
  /**
   * Signed by the sender instead of a cookie or token: the X webhook (`x-twitter-webhooks-signature`,
   * HMAC-SHA256 with X_CONSUMER_SECRET, checked by the route before parsing). No cookie, so outside
   * the cookie-CSRF rule (server/http/app.ts).
   */
  | { auth: 'signed-webhook' }
  /** A visitor token: the socket's context (or the token's contact) is the only conversation reachable. */
  | { auth: 'visitor' }
  /** A visitor token or a staff session; staff are then checked as `staff` with this guard. */
  | { auth: 'visitor-or-staff'; roles: readonly AgentRole[]; guard: Guard }
  /** The desktop session (cookie; sockets re-check it at every event). */
  | { auth: 'staff'; roles: readonly AgentRole[]; guard: Guard };

const staff = (roles: readonly AgentRole[], guard: Guard = { kind: 'none' }): Rule => ({ auth: 'staff', roles, guard });
const conversation = (need: ConversationNeed, key = 'conversationId'): Guard => ({ kind: 'conversation', need, key });

/** REST: `METHOD /full/path` as Hono registers it. */
export const REST_POLICY: Record<string, Rule> = {
  'GET /healthz': { auth: 'public' },
  'GET /readyz': { auth: 'public' },
  'GET /metrics': { auth: 'bearer-token' },
  'POST /api/v1/auth/login': { auth: 'public' },
  // Logging out needs no valid session: it revokes whatever cookie it is given.
  'POST /api/v1/auth/logout': { auth: 'public' },
  'GET /api/v1/auth/me': staff(STAFF, { kind: 'own' }),
  'GET /api/v1/widget/config': { auth: 'public' },
  // The widget's rules and its anonymous counters: no person is named (docs/engagement.md).
  'GET /api/v1/widget/engagement': { auth: 'public' },
  'POST /api/v1/widget/engagement/counters': { auth: 'public' },
  // The OpenAPI description of this API (server/http/openapi/document.ts).
  'GET /api/v1/openapi.json': { auth: 'public' },
  'POST /api/v1/attachments': { auth: 'visitor-or-staff', roles: STAFF, guard: conversation('write') },
  'GET /api/v1/attachments/:id': { auth: 'visitor-or-staff', roles: STAFF, guard: conversation('read') },
  'GET /api/v1/sessions': staff(STAFF, { kind: 'scoped-list' }),
  'GET /api/v1/sessions/:id': staff(STAFF, { kind: 'session', need: 'read', key: 'id' }),
  // Configuration: supervisors read it, admins change it.
  'GET /api/v1/websites': staff(SUPERVISORS),
  'POST /api/v1/websites': staff(ADMINS),
  'PATCH /api/v1/websites/:id': staff(ADMINS),
  'POST /api/v1/websites/:id/identity-secret': staff(ADMINS),
  'GET /api/v1/agents': staff(SUPERVISORS),
  'POST /api/v1/agents': staff(ADMINS),
  'PATCH /api/v1/agents/:id': staff(ADMINS),
  'GET /api/v1/queues': staff(SUPERVISORS),
  'POST /api/v1/queues': staff(ADMINS),
  'PATCH /api/v1/queues/:id': staff(ADMINS),
  'DELETE /api/v1/queues/:id': staff(ADMINS),
  'GET /api/v1/teams': staff(SUPERVISORS),
  'POST /api/v1/teams': staff(ADMINS),
  'PUT /api/v1/teams/:id': staff(ADMINS),
  'DELETE /api/v1/teams/:id': staff(ADMINS),
  'GET /api/v1/quick-replies': staff(SUPERVISORS),
  'POST /api/v1/quick-replies': staff(ADMINS),
  'PATCH /api/v1/quick-replies/:id': staff(ADMINS),
  'DELETE /api/v1/quick-replies/:id': staff(ADMINS),
  'GET /api/v1/dispositions': staff(SUPERVISORS),
  'POST /api/v1/dispositions': staff(ADMINS),
  'PATCH /api/v1/dispositions/:id': staff(ADMINS),
  'DELETE /api/v1/dispositions/:id': staff(ADMINS),
  'GET /api/v1/tags': staff(SUPERVISORS),
  'POST /api/v1/tags': staff(ADMINS),
  'PATCH /api/v1/tags/:id': staff(ADMINS),
  'DELETE /api/v1/tags/:id': staff(ADMINS),
  'GET /api/v1/assistants': staff(SUPERVISORS),
  'POST /api/v1/assistants': staff(ADMINS),
  'GET /api/v1/assistants/:id': staff(SUPERVISORS),
  'PATCH /api/v1/assistants/:id': staff(ADMINS),
  'DELETE /api/v1/assistants/:id': staff(ADMINS),
  'PUT /api/v1/assistants/:id/draft': staff(ADMINS),
  'POST /api/v1/assistants/:id/publish': staff(ADMINS),
  'POST /api/v1/assistants/:id/rollback': staff(ADMINS),
  // Previewing runs a draft against nothing stored: as for reading the assistant.
  'POST /api/v1/assistants/:id/preview': staff(SUPERVISORS),
  // Webhooks carry their signing secret: administrators only, even to read.
  'GET /api/v1/webhooks': staff(ADMINS),
  'POST /api/v1/webhooks': staff(ADMINS),
  'PATCH /api/v1/webhooks/:id': staff(ADMINS),
  'DELETE /api/v1/webhooks/:id': staff(ADMINS),
  'GET /api/v1/webhooks/:id/deliveries': staff(ADMINS),
  'POST /api/v1/webhooks/:id/deliveries/:deliveryId/redeliver': staff(ADMINS),
  // Privacy operations: a contact's whole data and its erasure, and who changed what (docs/security.md).
  'GET /api/v1/admin/contacts/:id/export': staff(ADMINS),
  'POST /api/v1/admin/contacts/:id/erase': staff(ADMINS),
  'GET /api/v1/admin/audit-log': staff(ADMINS),
  // The X channel (issue 19): Admin › Channels, admins only; the OAuth callback is public (X redirects
  // the admin's browser, whose SameSite=Strict cookie stays behind): the pending authorization is found by `state`.
  'GET /api/v1/channels/x/accounts': staff(ADMINS),
  'POST /api/v1/channels/x/connect': staff(ADMINS),
  'DELETE /api/v1/channels/x/accounts/:id': staff(ADMINS),
  'POST /api/v1/channels/x/accounts/:id/webhook/revalidate': staff(ADMINS),
  'PATCH /api/v1/channels/x/accounts/:id/capabilities': staff(ADMINS),
  'GET /api/v1/channels/x/callback': { auth: 'public' },
  // The X channel (issue 19): X's CRC challenge and its signed event deliveries (docs/security.md#x-webhooks).
  'GET /api/v1/channels/x/webhook': { auth: 'signed-webhook' },
  'POST /api/v1/channels/x/webhook': { auth: 'signed-webhook' },
  // Engagement (issue 20): rules, outcomes, segments and the report, administrators only.
  'GET /api/v1/admin/engagement/rules': staff(ADMINS),
  'POST /api/v1/admin/engagement/rules': staff(ADMINS),
  'PATCH /api/v1/admin/engagement/rules/:id': staff(ADMINS),
  'DELETE /api/v1/admin/engagement/rules/:id': staff(ADMINS),
  'GET /api/v1/admin/engagement/outcomes': staff(ADMINS),
  'POST /api/v1/admin/engagement/outcomes': staff(ADMINS),
  'PATCH /api/v1/admin/engagement/outcomes/:id': staff(ADMINS),
  'DELETE /api/v1/admin/engagement/outcomes/:id': staff(ADMINS),
  'GET /api/v1/admin/engagement/segments': staff(ADMINS),
  'POST /api/v1/admin/engagement/segments': staff(ADMINS),
  'PATCH /api/v1/admin/engagement/segments/:id': staff(ADMINS),
  'DELETE /api/v1/admin/engagement/segments/:id': staff(ADMINS),
  'GET /api/v1/admin/engagement/report': staff(ADMINS),
  // The static bundles and the demo shop.
  'GET /desktop': { auth: 'public' },
  'GET /desktop/*': { auth: 'public' },
  'GET /demo': { auth: 'public' },
  'GET /': { auth: 'public' },
};

/** The /agent namespace: every event of the protocol's table (the type makes a missing one a compile error). */
export const AGENT_EVENT_POLICY: { [E in keyof typeof agentInbound]: Rule } = {
  ping: staff(STAFF, { kind: 'own' }),
  'agent:state': staff(STAFF, { kind: 'own' }),
  'presence:set': staff(STAFF, { kind: 'own' }),
  'offer:accept': staff(STAFF, { kind: 'own' }),
  'offer:reject': staff(STAFF, { kind: 'own' }),
  'catalog:get': staff(STAFF, { kind: 'own' }),
  // The address book for transfers: names, teams and queues, the same for every member of staff.
  'directory:get': staff(STAFF),
  'conversations:list': staff(STAFF, { kind: 'scoped-list' }),
  'sessions:cards': staff(STAFF, { kind: 'scoped-list' }),
  'contacts:search': staff(STAFF, { kind: 'scoped-list' }),
  'conversation:open': staff(STAFF, conversation('read')),
  sync: staff(STAFF, conversation('read')),
  'contact:history': staff(STAFF, conversation('read')),
  // The journey map is contact history: scoped like it.
  'journey:get': staff(STAFF, conversation('read')),
  'conversation:take': staff(STAFF, conversation('write')),
  'conversation:open-as-chat': staff(STAFF, conversation('write')),
  'message:send': staff(STAFF, conversation('write')),
  typing: staff(STAFF, conversation('participate')),
  read: staff(STAFF, conversation('participate')),
  'session:transfer': staff(STAFF, conversation('manage')),
  'session:end': staff(STAFF, conversation('manage')),
  'session:wrap-up': staff(STAFF, { kind: 'session', need: 'manage', key: 'sessionId' }),
  'contact:update': staff(STAFF, { kind: 'contact', need: 'write', key: 'contactId' }),
  'contact:verify': staff(STAFF, { kind: 'contact', need: 'write', key: 'contactId' }),
  // X public posts (issue 19): reading threads as the conversation; acting on them as writing into it.
  'x:threads': staff(STAFF, conversation('read')),
  'x:reply': staff(STAFF, conversation('write')),
  'x:like': staff(STAFF, conversation('write')),
  'x:move-to-dm': staff(STAFF, conversation('write')),
  // Linking moves the X contact's conversations: as editing that contact (the target must be of the same website).
  'contact:link': staff(STAFF, { kind: 'contact', need: 'write', key: 'contactId' }),
};

/**
 * The /visitor namespace: a visitor acts only on the conversation its socket's context holds
 * (checked at the handshake: website, Origin, token); no event names another conversation.
 */
export const VISITOR_EVENT_POLICY: { [E in keyof typeof visitorInbound]: Rule } = {
  'message:send': { auth: 'visitor' },
  'postback:send': { auth: 'visitor' },
  read: { auth: 'visitor' },
  sync: { auth: 'visitor' },
  typing: { auth: 'visitor' },
  ping: { auth: 'visitor' },
  'queue:status': { auth: 'visitor' },
  'conversation:end': { auth: 'visitor' },
  'followup:email': { auth: 'visitor' },
  identify: { auth: 'visitor' },
  'attributes:set': { auth: 'visitor' },
  logout: { auth: 'visitor' },
  'offer:accept': { auth: 'visitor' },
  'page:view': { auth: 'visitor' },
  'event:track': { auth: 'visitor' },
};

/** The key of a REST rule. */
export const restKey = (method: string, path: string) => `${method.toUpperCase()} ${path}`;
