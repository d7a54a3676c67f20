// Extends zod with `.openapi(name)` (named components of the document) before `named` below uses it.
import '@hono/zod-openapi';
import { z } from 'zod';
import {
  AgentAccount as AgentAccountSchema,
  Assistant as AssistantSchema,
  AssistantDetail as AssistantDetailSchema,
  Disposition as DispositionSchema,
  ERROR_CODES,
  type ErrorCode,
  IsoDate,
  QuickReply as QuickReplySchema,
  Queue as QueueSchema,
  SessionCard as SessionCardSchema,
  SessionDurations,
  SessionEvent as SessionEventSchema,
  Tag as TagSchema,
  Team as TeamSchema,
  Uuid,
  Webhook as WebhookSchema,
  Website as WebsiteSchema,
} from '../../../protocol/index.ts';

/**
 * zod-to-openapi's `.openapi(name)`: the schema under that name in components.schemas. Called from
 * ZodType's prototype, since zod 4 copies methods onto each schema when it is made, and the
 * protocol's schemas may be made before @hono/zod-openapi extends zod.
 */
const named = <S extends z.ZodType>(schema: S, name: string): S =>
  (z.ZodType.prototype as unknown as { openapi(this: S, name: string): S }).openapi.call(schema, name);

/** The protocol's entities, named: the document describes each once. */
const Website = named(WebsiteSchema, 'Website');
const AgentAccount = named(AgentAccountSchema, 'AgentAccount');
const Queue = named(QueueSchema, 'Queue');
const Team = named(TeamSchema, 'Team');
const QuickReply = named(QuickReplySchema, 'QuickReply');
const Disposition = named(DispositionSchema, 'Disposition');
const Tag = named(TagSchema, 'Tag');
const Assistant = named(AssistantSchema, 'Assistant');
const SessionCard = named(SessionCardSchema, 'SessionCard');
const SessionEvent = named(SessionEventSchema, 'SessionEvent');
const Webhook = named(WebhookSchema, 'Webhook');
export const AssistantDetail = named(AssistantDetailSchema, 'AssistantDetail');

/**
 * The envelopes the REST routes answer with (`{ <resource> }`, `{ <resources>: [] }`), around
 * the protocol's own entity schemas. They describe answers only; requests are validated with
 * the protocol's input schemas.
 */
export const Ok = z.object({ ok: z.literal(true) });
export const WebsiteAnswer = z.object({ website: Website });
export const WebsiteList = z.object({ websites: z.array(Website) });
export const AgentAnswer = z.object({ agent: AgentAccount });
export const AgentList = z.object({ agents: z.array(AgentAccount) });
export const QueueAnswer = z.object({ queue: Queue });
export const QueueList = z.object({ queues: z.array(Queue) });
export const TeamAnswer = z.object({ team: Team });
export const TeamList = z.object({ teams: z.array(Team) });
export const QuickReplyAnswer = z.object({ quickReply: QuickReply });
export const QuickReplyList = z.object({ quickReplies: z.array(QuickReply) });
export const DispositionAnswer = z.object({ disposition: Disposition });
export const DispositionList = z.object({ dispositions: z.array(Disposition) });
export const TagAnswer = z.object({ tag: Tag });
export const TagList = z.object({ tags: z.array(Tag) });
export const AssistantList = z.object({ assistants: z.array(Assistant) });
export const AssistantAnswer = z.object({ assistant: Assistant });
export const SessionCardList = z.object({ cards: z.array(SessionCard) });
export const SessionDetail = z.object({ card: SessionCard, events: z.array(SessionEvent), durations: SessionDurations });

/** One attempt record of a webhook delivery (server/webhooks/webhook-store.ts `toDeliveryView`). */
export const WebhookDelivery = named(
  z.object({
  id: Uuid,
  event: z.string(),
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number().int(),
  nextAttemptAt: IsoDate.nullable(),
  lastAttemptAt: IsoDate.nullable(),
  lastStatus: z.number().int().nullable(),
  lastError: z.string().nullable(),
  deliveredAt: IsoDate.nullable(),
    createdAt: IsoDate,
  }),
  'WebhookDelivery',
);
export const WebhookAnswer = z.object({ webhook: Webhook });
export const WebhookList = z.object({ webhooks: z.array(Webhook) });
export const WebhookDeliveryAnswer = z.object({ delivery: WebhookDelivery });
export const WebhookDeliveryList = z.object({ deliveries: z.array(WebhookDelivery) });

/** Every error answer: `{ error: { code, message, details?, retryAfterMs? } }` (server/http/errors.ts). */
export const ErrorBody = z.object({
  error: z.object({
    code: z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]),
    message: z.string(),
    details: z.array(z.object({ path: z.string(), message: z.string() })).optional().describe('Field-level details, e.g. the failed validation issues.'),
    retryAfterMs: z.number().int().optional().describe('RATE_LIMITED: how long to wait (the answer also carries `Retry-After`).'),
  }),
});
export type Codes = ErrorCode[];
