// The records the fake keeps: what X would hold for the app, the brand and the customers it has seen.

export type Mode = 'self-serve' | 'enterprise';

export interface XUser {
  id: string;
  username: string;
  name: string;
}

export interface DmEvent {
  id: string;
  senderId: string;
  recipientId: string;
  conversationId: string;
  text: string;
  createdAt: number;
  mediaKeys: string[];
  /** Sent through the API (the brand) rather than injected as a customer. */
  viaApi: boolean;
}

export interface Post {
  id: string;
  text: string;
  authorId: string;
  conversationId: string;
  createdAt: number;
  inReplyToTweetId?: string;
  inReplyToUserId?: string;
  referenced: Array<{ type: 'replied_to' | 'quoted'; id: string }>;
  mentions: Array<{ start: number; end: number; username: string; id: string }>;
  mediaKeys: string[];
  viaApi: boolean;
}

export interface Media {
  id: string;
  key: string;
  ownerId: string;
  mediaType: string;
  category: string;
  totalBytes: number;
  segments: Map<number, Buffer>;
  state: 'initialized' | 'finalized';
  createdAt: number;
  /** For an inbound DM image: the DM event it came with (its download path names it). */
  dmEventId?: string;
}

export interface AuthCode {
  clientId: string;
  redirectUri: string;
  challenge: string;
  method: 'S256' | 'plain';
  scope: string[];
  userId: string;
  expiresAt: number;
}

export interface AccessToken {
  userId: string;
  clientId: string;
  scope: string[];
  expiresAt: number;
}

export interface RefreshToken {
  userId: string;
  clientId: string;
  scope: string[];
}

export interface Webhook {
  id: string;
  url: string;
  valid: boolean;
  createdAt: number;
}

export interface Subscription {
  id: string;
  eventType: string;
  userId: string;
  webhookId: string;
  tag?: string;
  createdAt: number;
  updatedAt: number;
}

export interface DeliveryAttempt {
  eventUuid: string;
  eventType: string;
  webhookId: string;
  url: string;
  attempt: number;
  duplicate: boolean;
  /** The receiver's status, or null when it could not be reached or did not answer in time. */
  status: number | null;
  ok: boolean;
  error?: string;
  at: number;
}

export interface RecordedDelivery {
  eventUuid: string;
  eventType: string;
  webhookId: string;
  body: string;
}

export interface Like {
  userId: string;
  tweetId: string;
  at: number;
}

export interface RateOverride {
  remaining: number;
  resetAt: number;
}
