import type { XAccountRow, XOutboundRow } from '../../db/tables/channels.ts';
import type { XHttp } from './x-http.ts';

/**
 * The seams between the parts of the X channel (issue 19), so each can be built and tested alone:
 * receiving (webhook and polling both produce these normalised events, whatever X's payload shape),
 * the ingestion of DMs and of public posts, and the outbound queue's senders per kind.
 */

/** An X user as the events name them. */
export interface XUserRef {
  id: string;
  username: string;
  name: string | null;
}

export interface XMediaRef {
  /** X's media key, and where the bytes are (fetched with the account's token). */
  mediaKey: string;
  url: string | null;
  type: string | null;
}

/** A direct message, from the legacy `direct_message_events` shape (webhooks) or v2 `dm_events` (polling). */
export interface InboundDm {
  eventId: string;
  /** `{smaller}-{larger}` participant ids; computed when the payload lacks it (webhook shape). */
  dmConversationId: string;
  sender: XUserRef;
  recipientId: string;
  text: string;
  media: XMediaRef[];
  createdAt: Date;
}

/** A post that mentions the brand or replies to it (v2 post shape, webhook or `/mentions` polling). */
export interface InboundPost {
  id: string;
  text: string;
  author: XUserRef;
  /** The thread: the root post's id. */
  conversationId: string;
  inReplyToPostId: string | null;
  inReplyToUserId: string | null;
  /** Whether the author mentioned or quoted the brand (self-serve accounts may reply only then). */
  summonedBrand: boolean;
  media: XMediaRef[];
  createdAt: Date;
}

/** Where the receivers hand what they parsed. Each is idempotent: webhook and polling may both deliver the same object. */
export interface XInboundSink {
  dm(account: XAccountRow, dm: InboundDm): Promise<void>;
  post(account: XAccountRow, post: InboundPost): Promise<void>;
}

/** A fresh access token for an account (refreshed before expiry, serialised across nodes). */
export interface XTokenSource {
  accessToken(account: XAccountRow): Promise<string>;
}

/**
 * Sends one row of the outbound queue (`x_outbound.kind`: dm, reply, like, unlike) and says what X
 * answered (`xId`: the DM event or post id, our echo filter). Throws `XApiError` as X refused;
 * the dispatcher decides: hold on 429 until the reset, retry 5xx, refuse other 4xx with X's reason.
 */
export type XOutboundSender = (ctx: { row: XOutboundRow; account: XAccountRow; token: string; http: XHttp }) => Promise<{ xId: string | null }>;
