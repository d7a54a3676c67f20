import { z } from 'zod';
import { ClientId, IsoDate, Locale, Uuid } from './common.ts';
import { boundedJson } from './bounded-json.ts';
import { MAX_ASSISTANT_DRAFT_BYTES, MAX_ASSISTANT_DRAFT_DEPTH, MAX_MESSAGE_LENGTH } from './limits.ts';
import { isStorableText, SafeText, StorableJson, UNSTORABLE_TEXT_MESSAGE } from './storable-text.ts';

/**
 * Assistants (issue 5): bot workflows as data. A definition is a graph of steps
 * linked by explicit `next` ids; the server's pure interpreter walks it with a
 * JSON cursor. Shape only here: graph checks (dangling links, every path ends,
 * queues exist) live in server/core/bots/validate.ts.
 */

/** Visitor-facing text per language; at least one. The validator requires every declared language. */
export const LocalizedText = z
  .partialRecord(Locale, SafeText.trim().min(1).max(MAX_MESSAGE_LENGTH))
  .refine((t) => Object.keys(t).length > 0, 'At least one language is required.');
export type LocalizedText = z.infer<typeof LocalizedText>;

/** Stable step id chosen by the builder (kept across versions so answers and errors point at it). */
export const StepId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'Step ids use letters, digits, - and _ (1–64).');
export type StepId = z.infer<typeof StepId>;
/** Contact attribute key, same grammar as template variables (`email`, `order_number`, `contact.phone`). */
export const AttributeName = z.string().regex(/^[a-zA-Z][\w.]{0,63}$/, 'Attribute names start with a letter (max 64).');
/** Only http(s): the widget renders these as links and images, never `javascript:`. */
export const HttpUrl = z.url({ protocol: /^https?$/ }).max(2000).refine(isStorableText, UNSTORABLE_TEXT_MESSAGE);

const Base = { id: StepId };

export const MessageStep = z.object({
  ...Base,
  kind: z.literal('message'),
  text: LocalizedText,
  imageUrl: HttpUrl.optional(),
  card: z.object({ title: LocalizedText, description: LocalizedText.optional(), url: HttpUrl }).optional(),
  next: StepId,
});

export const AskOption = z.object({ id: StepId, label: LocalizedText, value: SafeText.trim().min(1).max(100), next: StepId });
export type AskOption = z.infer<typeof AskOption>;
export const AskStep = z.object({
  ...Base,
  kind: z.literal('ask'),
  prompt: LocalizedText,
  options: z.array(AskOption).min(1).max(10),
  /** Off: typed text re-prompts with the same buttons. On: the text is the answer and `freeTextNext` follows. */
  allowFreeText: z.boolean().default(false),
  freeTextNext: StepId.optional(),
  /** Also store the chosen value as this contact attribute. */
  attribute: AttributeName.optional(),
});

export const CollectField = z.enum(['name', 'email', 'phone', 'text']);
export type CollectField = z.infer<typeof CollectField>;
export const CollectStep = z.object({
  ...Base,
  kind: z.literal('collect'),
  field: CollectField,
  attribute: AttributeName,
  prompt: LocalizedText,
  invalidPrompt: LocalizedText,
  /** Invalid answers allowed; the last one follows `onFailure` instead of re-asking. */
  maxAttempts: z.number().int().min(1).max(10).default(3),
  next: StepId,
  onFailure: StepId,
});

/** What a branch compares: an earlier answer, an attribute, the resolved language, or a queue's business hours ('open' | 'closed'). */
export const BranchOn = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('answer'), stepId: StepId }),
  z.object({ kind: z.literal('attribute'), name: AttributeName }),
  z.object({ kind: z.literal('language') }),
  /** Open or closed per the queue's `BusinessHours` (protocol/routing.ts), evaluated by the runtime context. */
  z.object({ kind: z.literal('business_hours'), queueId: Uuid }),
]);
export type BranchOn = z.infer<typeof BranchOn>;
export const BranchStep = z.object({
  ...Base,
  kind: z.literal('branch'),
  on: BranchOn,
  /** First match wins; compared trimmed, case- and accent-insensitively. */
  cases: z.array(z.object({ equals: SafeText.trim().min(1).max(100), next: StepId })).max(20),
  otherwise: StepId,
});

export const SetStep = z.object({ ...Base, kind: z.literal('set'), attribute: AttributeName, value: SafeText.max(1000), next: StepId });
export const HandoffStep = z.object({ ...Base, kind: z.literal('handoff'), queueId: Uuid, message: LocalizedText });
export const EndStep = z.object({ ...Base, kind: z.literal('end'), message: LocalizedText.optional() });

export const BotStep = z.discriminatedUnion('kind', [MessageStep, AskStep, CollectStep, BranchStep, SetStep, HandoffStep, EndStep]);
export type BotStep = z.infer<typeof BotStep>;
export type BotStepKind = BotStep['kind'];
export const STEP_KINDS = ['message', 'ask', 'collect', 'branch', 'set', 'handoff', 'end'] as const satisfies readonly BotStepKind[];

export const BotSettings = z.object({
  /** Silence before the last prompt is re-sent (once). */
  reminderAfterSec: z.number().int().min(10).max(86_400).default(120),
  /** Silence (from the prompt, not the reminder) before `onTimeout` applies; must exceed reminderAfterSec. */
  closeAfterSec: z.number().int().min(20).max(7 * 86_400).default(600),
  onTimeout: z.enum(['handoff', 'end']).default('end'),
  /** Handoff target on timeout; falls back to humanHandoff.queueId. */
  timeoutQueueId: Uuid.optional(),
  timeoutMessage: LocalizedText.optional(),
  humanHandoff: z
    .object({
      enabled: z.boolean().default(true),
      queueId: Uuid.optional(),
      /** Per language; matched as whole words, case- and accent-insensitively, in any language. */
      keywords: z.partialRecord(Locale, z.array(SafeText.trim().min(1).max(50)).max(20)).default({}),
      message: LocalizedText.optional(),
    })
    .prefault({}),
});
export type BotSettings = z.infer<typeof BotSettings>;

export const BotDefinition = z.object({
  start: StepId,
  steps: z.array(BotStep).min(1).max(200),
  /** Declared languages; the first is the fallback for visitors in any other locale. */
  languages: z.array(Locale).min(1).refine((l) => new Set(l).size === l.length, 'Languages must be unique.'),
  settings: BotSettings.prefault({}),
});
export type BotDefinition = z.infer<typeof BotDefinition>;
/** What the builder sends (defaults not applied yet). */
export type BotDefinitionInput = z.input<typeof BotDefinition>;

/** A per-step (or, with stepId null, definition-level) finding the builder shows on the step. */
export const DefinitionIssue = z.object({
  stepId: z.string().nullable(),
  code: z.string(),
  message: z.string(),
  level: z.enum(['error', 'warning']),
});
export type DefinitionIssue = z.infer<typeof DefinitionIssue>;

// ---- Runtime wire shapes -------------------------------------------------

/** One bot bubble, already in the visitor's language. Rendered as text, never HTML. */
export const BotOutput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('text'), text: z.string() }),
  z.object({ kind: z.literal('image'), url: HttpUrl, alt: z.string().optional() }),
  z.object({ kind: z.literal('card'), title: z.string(), description: z.string().optional(), url: HttpUrl }),
  /** A prompt with buttons; the widget disables them once a later visitor message exists. */
  z.object({
    kind: z.literal('quick_replies'),
    text: z.string(),
    options: z.array(z.object({ value: z.string(), label: z.string() })).min(1),
  }),
]);
export type BotOutput = z.infer<typeof BotOutput>;

/**
 * Proposal for a `kind: 'structured'` transcript message (the lead integrates it
 * in message.ts): `{ ...MessageBase, kind: 'structured', text: structuredFallbackText(payload), payload }`,
 * author `{ kind: 'bot', id: assistantId, name: assistant name }`. One message per output.
 */
export const StructuredPayload = BotOutput;
export type StructuredPayload = BotOutput;

/** Plain text for agents, notifications and clients that do not render the payload. */
export function structuredFallbackText(p: StructuredPayload): string {
  switch (p.kind) {
    case 'text':
      return p.text;
    case 'image':
      return p.alt ?? p.url;
    case 'card':
      return [p.title, p.description, p.url].filter(Boolean).join('\n');
    case 'quick_replies':
      return `${p.text}\n${p.options.map((o) => `• ${o.label}`).join('\n')}`;
  }
}

/** A quick-reply press: `value` drives the flow, `label` is what the transcript shows as the visitor's message. */
export const BotPostback = z.object({ value: SafeText.min(1).max(100), label: SafeText.trim().min(1).max(200) });
export type BotPostback = z.infer<typeof BotPostback>;
/** Proposed visitor event body (`postback:send`), idempotent by clientId like `message:send`. */
export const SendPostback = BotPostback.extend({ clientId: ClientId });
export type SendPostback = z.infer<typeof SendPostback>;

/** Where a conversation stands in its flow; persisted after every step (JSON). `awaiting: null` = finished. */
export const BotCursor = z.object({
  stepId: StepId,
  /** Invalid answers at the current collect step. */
  attempts: z.number().int().min(0),
  attributes: z.record(z.string(), z.string()),
  /** Answer per ask/collect step id (option value or validated text). */
  answers: z.record(z.string(), z.string()),
  awaiting: z.enum(['answer', 'field']).nullable(),
  /** Pinned version (0 = draft preview): the caller passes that version's definition. */
  versionNumber: z.number().int().min(0),
  /** When the current prompt was sent; the timers derive from it. */
  waitingSince: IsoDate.nullable(),
  /** The reminder for the current prompt was already sent. */
  reminded: z.boolean(),
});
export type BotCursor = z.infer<typeof BotCursor>;

// ---- Assistants and versions ---------------------------------------------

export const AssistantStatus = z.enum(['draft', 'active']);
export const Assistant = z.object({
  id: Uuid,
  name: z.string().trim().min(1).max(100),
  brand: z.string().max(100).nullable(),
  languages: z.array(Locale).min(1),
  /** Active = published on at least one channel. */
  status: AssistantStatus,
  /** Website ids; a website has at most one assistant. */
  channels: z.array(Uuid),
  /** Latest published version number; null while never published. */
  publishedVersion: z.number().int().min(1).nullable(),
});
export type Assistant = z.infer<typeof Assistant>;
export const AssistantInput = z.object({
  name: SafeText.trim().min(1).max(100),
  brand: SafeText.trim().min(1).max(100).optional(),
  languages: z.array(Locale).min(1),
});

/** Immutable once published. */
export const AssistantVersion = z.object({ number: z.number().int().min(1), publishedAt: IsoDate, definition: BotDefinition });
export type AssistantVersion = z.infer<typeof AssistantVersion>;
/** Publish the draft as a new version and connect it to these websites (replacing their assistant). */
export const PublishAssistantInput = z.object({ channels: z.array(Uuid).min(1) });
/**
 * `PATCH /api/v1/assistants/:id`, the general settings: name, brand (empty or null: none), and the
 * channels that run its latest published version from now on. A channel left out goes back to the
 * default response; one taken from another assistant replaces it. At least one field.
 */
export const AssistantSettingsInput = z
  .object({
    name: SafeText.trim().min(1).max(100).optional(),
    brand: SafeText.trim().max(100).nullable().optional(),
    channels: z.array(Uuid).max(100).optional(),
  })
  .refine((v) => v.name !== undefined || v.brand !== undefined || v.channels !== undefined, { message: 'Nothing to change.' });

// ---- Admin REST (`/api/v1/assistants`, cookie auth, admin writes) ----------

/** `GET /api/v1/assistants/:id`: the assistant, its editable draft and its published versions. */
export const AssistantDetail = z.object({
  assistant: Assistant,
  draft: BotDefinition,
  /** Problems of the draft as it stands (publishing is refused while an error remains). */
  issues: z.array(DefinitionIssue),
  versions: z.array(z.object({ number: z.number().int().min(1), publishedAt: IsoDate })),
});
export type AssistantDetail = z.infer<typeof AssistantDetail>;
/**
 * `PUT /api/v1/assistants/:id/draft`: a draft is saved even when invalid; its issues come back.
 * Any JSON, but bounded (a pathological one, 100,000 levels deep, is refused before it is stored)
 * and storable (no text Postgres cannot keep).
 */
export const SaveDraftInput = z.object({ definition: StorableJson.pipe(boundedJson({ maxDepth: MAX_ASSISTANT_DRAFT_DEPTH, maxBytes: MAX_ASSISTANT_DRAFT_BYTES })) });
export const RollbackInput = z.object({ version: z.number().int().min(1) });
/** `POST /api/v1/assistants/:id/preview`: one step of the draft, nothing stored. */
export const PreviewInput = z.object({
  cursor: StorableJson.nullable(),
  input: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('start') }),
    z.object({ kind: z.literal('text'), text: SafeText.trim().min(1).max(MAX_MESSAGE_LENGTH) }),
    z.object({ kind: z.literal('postback'), value: SafeText.min(1).max(100), label: SafeText.min(1).max(200) }),
  ]),
  locale: Locale,
});
export const PreviewResult = z.object({
  cursor: z.unknown(),
  outputs: z.array(BotOutput),
  handoff: z.object({ queueId: Uuid, attributes: z.record(z.string(), z.string()) }).nullable(),
  ended: z.boolean(),
  /** Set when the input was refused (e.g. a button no longer offered); the cursor is unchanged. */
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});
export type PreviewResult = z.infer<typeof PreviewResult>;
