import { z } from 'zod';
import { AgentRole } from './agent.ts';
import { IsoDate, Locale, Uuid } from './common.ts';
import { SafeText } from './storable-text.ts';
import { MediaChannel } from './routing.ts';
import { WebsiteKey } from './rest.ts';

/** Admin pages: websites and agents (queues/teams are in routing.ts, lists in catalog.ts). */

/** An allowed origin: `https://shop.example.com`, `https://*.example.com`, `http://localhost:3000`. */
export const OriginPattern = z
  .string()
  .trim()
  .regex(/^https?:\/\/(\*\.)?[a-z0-9.-]+(:\d{1,5})?$/i, 'An origin is scheme://host[:port], optionally with *. before the host.');

/** A retention period: 1 day to 100 years, or null (kept forever). */
export const RetentionDays = z.number().int().min(1).max(36_500).nullable();

export const Website = z.object({
  id: Uuid,
  key: WebsiteKey,
  name: z.string().min(1).max(100),
  allowedOrigins: z.array(OriginPattern),
  defaultLocale: Locale,
  primaryColor: z.string().regex(/^#[0-9a-fA-F]{6}$/),
  /** Whether an identity secret is set; the secret itself is shown once, when (re)generated. */
  hasIdentitySecret: z.boolean(),
  /** The embed snippet, ready to copy. */
  snippet: z.string(),
  /** Days a message is kept before the daily sweep deletes it; null keeps messages forever. */
  messageRetentionDays: z.number().int().nullable(),
  /** Days an attachment (and its bytes) is kept; null keeps them forever. */
  attachmentRetentionDays: z.number().int().nullable(),
  /** Days web sessions (page views, events) are kept after their last activity (docs/engagement.md). */
  journeyRetentionDays: z.number().int(),
  /** Whether visitors with a session report page views (docs/engagement.md). */
  trackPages: z.boolean(),
  createdAt: IsoDate,
});
export type Website = z.infer<typeof Website>;
export const WebsiteInput = z.object({
  name: SafeText.trim().min(1).max(100),
  allowedOrigins: z.array(OriginPattern).max(50),
  defaultLocale: Locale.default('en'),
  primaryColor: z.string().regex(/^#[0-9a-fA-F]{6}$/).default('#4f46e5'),
  messageRetentionDays: RetentionDays.default(null),
  attachmentRetentionDays: RetentionDays.default(null),
  journeyRetentionDays: z.number().int().min(1).max(36_500).default(90),
  trackPages: z.boolean().default(true),
});
export const WebsiteCreate = WebsiteInput.extend({ key: WebsiteKey });
/** `POST /api/v1/websites/:id/identity-secret` answer: the new secret, shown once. */
export const IdentitySecretResponse = z.object({ identitySecret: z.string() });

export const AgentAccount = z.object({
  id: Uuid,
  email: z.email(),
  name: z.string(),
  role: AgentRole,
  maxConcurrent: z.number().int().min(1).max(12),
  channels: z.array(MediaChannel),
  queueIds: z.array(Uuid),
  teamIds: z.array(Uuid),
  /** False once an admin deactivated the account: it cannot sign in and is never offered chats. */
  active: z.boolean(),
  createdAt: IsoDate,
});
export type AgentAccount = z.infer<typeof AgentAccount>;
export const AgentCreate = z.object({
  email: z.email().max(254),
  name: SafeText.trim().min(1).max(100),
  /** Storable like any text: a lone surrogate would be hashed as U+FFFD, matching other passwords. */
  password: SafeText.min(10).max(200),
  role: AgentRole.default('agent'),
  maxConcurrent: z.number().int().min(1).max(12).default(3),
  channels: z.array(MediaChannel).min(1).default(['chat']),
  queueIds: z.array(Uuid).default([]),
  teamIds: z.array(Uuid).default([]),
});
/** A change of role or password, or a deactivation, signs the agent out everywhere. */
export const AgentUpdate = AgentCreate.omit({ email: true }).extend({ active: z.boolean() }).partial();
