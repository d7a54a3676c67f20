import { z } from 'zod';
import { IsoDate, Seq, Uuid } from './common.ts';
import { AuthorKind } from './message.ts';

/**
 * Where the conversation's current interaction stands. Issue 3 refines this into
 * full session states (offered, wrap-up…); `waiting` means queued without an agent.
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
  status: ConversationStatus,
  contact: ContactRef,
  agent: AgentRef.nullable(),
  lastSeq: Seq,
  lastMessage: z
    .object({ text: z.string(), authorKind: AuthorKind, createdAt: IsoDate })
    .nullable(),
  createdAt: IsoDate,
  updatedAt: IsoDate,
});
export type ConversationSummary = z.infer<typeof ConversationSummary>;
