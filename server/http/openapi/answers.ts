// Gives zod schemas `.openapi(name)` (named components of the document), whatever was imported first.
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

/** The protocol's entities, named: the document describes each once, under components.schemas. */
const Website = WebsiteSchema.openapi('Website');
const AgentAccount = AgentAccountSchema.openapi('AgentAccount');
const Queue = QueueSchema.openapi('Queue');
const Team = TeamSchema.openapi('Team');
const QuickReply = QuickReplySchema.openapi('QuickReply');
const Disposition = DispositionSchema.openapi('Disposition');
const Tag = TagSchema.openapi('Tag');
const Assistant = AssistantSchema.openapi('Assistant');
const SessionCard = SessionCardSchema.openapi('SessionCard');
const SessionEvent = SessionEventSchema.openapi('SessionEvent');
const Webhook = WebhookSchema.openapi('Webhook');
export const AssistantDetail = AssistantDetailSchema.openapi('AssistantDetail');

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
export const WebhookDelivery = z
  .object({
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
  })
  .openapi('WebhookDelivery');
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
