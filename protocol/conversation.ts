import { z } from 'zod';
import { ConversationChannel } from './channels.ts';
import { IsoDate, Seq, Uuid } from './common.ts';
import { AuthorKind } from './message.ts';
import { EndedBy, SessionState } from './routing.ts';

/**
 * Coarse view of where the conversation stands, for the widget: `waiting` = with a
 * bot or in a queue (bot, waiting, offered), `active` = an agent is connected,
 * `ended` = no open interaction. The desktop reads the fine-grained `session`.
 */
export const ConversationStatus = z.enum(['waiting', 'active', 'ended']);
export type ConversationStatus = z.infer<typeof ConversationStatus>;

export const ContactRef = z.object({ id: Uuid, name: z.string().nullable(), email: z.string().nullable() });
export type ContactRef = z.infer<typeof ContactRef>;

export const AgentRef = z.object({ id: Uuid, name: z.string() });
export type AgentRef = z.infer<typeof AgentRef>;

export const ConversationSummary = z.object({
  id: Uuid,
  websiteId: Uuid,
  /** Web widget, X direct messages or an X public thread (issue 19); absent from older servers = web. */
  channel: ConversationChannel.default('web'),
  status: ConversationStatus,
  contact: ContactRef,
  agent: AgentRef.nullable(),
  /** The current (or last) session of the conversation. */
  session: z
    .object({
      id: Uuid,
      state: SessionState,
      queue: z.object({ id: Uuid, name: z.string() }).nullable(),
      endedBy: EndedBy.nullable(),
      /** For the desk's timers: handle time from connectedAt (when the current agent got it, after a transfer), after-contact work from endedAt. */
      connectedAt: IsoDate.nullable().optional(),
      endedAt: IsoDate.nullable().optional(),
    })
    .nullable(),
  lastSeq: Seq,
  lastMessage: z
    .object({ text: z.string(), authorKind: AuthorKind, createdAt: IsoDate })
    .nullable(),
  createdAt: IsoDate,
  updatedAt: IsoDate,
});
export type ConversationSummary = z.infer<typeof ConversationSummary>;
