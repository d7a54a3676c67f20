import { z } from 'zod';
import { AgentProfile } from './agent.ts';
import { ConversationSummary } from './conversation.ts';
import { Locale } from './common.ts';
import { SafeText } from './storable-text.ts';

/** Bodies and answers of the HTTP API (`/api/v1/...`). Errors are `{ error: WireError }`. */

export const LoginBody = z.object({ email: z.email().max(254), password: SafeText.min(1).max(200) });
export type LoginBody = z.infer<typeof LoginBody>;
export const LoginResponse = z.object({ agent: AgentProfile });
export type LoginResponse = z.infer<typeof LoginResponse>;
export const MeResponse = LoginResponse;

export const WebsiteKey = z.string().min(1).max(100).regex(/^[A-Za-z0-9_-]+$/);

export const WidgetConfigQuery = z.object({ websiteKey: WebsiteKey });
/** Public, per-website widget settings (CORS-restricted to the website's origins). */
export const WidgetConfig = z.object({
  websiteKey: WebsiteKey,
  name: z.string(),
  locale: Locale,
  theme: z.object({ primaryColor: z.string().regex(/^#[0-9a-fA-F]{6}$/) }),
  /**
   * Whether the website has enabled proactive rules (docs/engagement.md): only then does the widget fetch them
   * (`GET /api/v1/widget/engagement`) and load its evaluator. Absent from servers before issue 20: read as false.
   */
  engagement: z.boolean().optional(),
});
export type WidgetConfig = z.infer<typeof WidgetConfig>;

export const ConversationListResponse = z.object({
  waiting: z.array(ConversationSummary),
  mine: z.array(ConversationSummary),
});
export type ConversationListResponse = z.infer<typeof ConversationListResponse>;
