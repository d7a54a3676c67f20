import { z } from 'zod';
import { XAccount } from './channels.ts';
import { Uuid } from './common.ts';

/**
 * Admin › Channels over REST (issue 19): the X accounts connected to websites, starting a
 * connection (the OAuth authorize URL to send the admin to), the webhook's re-validation and the plan's
 * capabilities. Admins only (server/auth/policy.ts).
 */
export const XAccountList = z.object({
  /** Whether this server has an X app (X_CLIENT_ID): without one, nothing can be connected. */
  configured: z.boolean(),
  /** Whether it can register webhooks (X_APP_BEARER_TOKEN and X_CONSUMER_SECRET); else events are polled. */
  webhooks: z.boolean(),
  accounts: z.array(XAccount),
});
export type XAccountList = z.infer<typeof XAccountList>;

export const XAccountAnswer = z.object({ account: XAccount });

export const XConnectBody = z.object({ websiteId: Uuid });
export const XConnectAnswer = z.object({ authorizeUrl: z.url() });

export const XCapabilitiesPatch = z
  .object({ likes: z.boolean(), unsummonedReplies: z.boolean() })
  .partial()
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'Nothing to update.' });

/** What X sends back to the callback (RFC 6749 §4.1.2): a code, or an error; `state` either way. */
export const XCallbackQuery = z.object({
  state: z.string().max(200).optional(),
  code: z.string().max(2000).optional(),
  error: z.string().max(200).optional(),
  error_description: z.string().max(2000).optional(),
});

/** Why a connection did not happen, as the callback tells the desktop (`?x_connect=error&reason=`). */
export const XConnectFailure = z.enum(['invalid', 'expired', 'denied', 'exchange_failed', 'profile_failed', 'other_website', 'website_taken', 'not_configured']);
export type XConnectFailure = z.infer<typeof XConnectFailure>;
