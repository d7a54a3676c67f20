import twitter from 'twitter-text';

/**
 * The length of a public reply as X counts it (issue 19, seed 000's reply-length circle): twitter-text's
 * `parseTweet` with config v3 (280 weighted characters; URLs count 23, emoji and CJK count 2). Shared by
 * the server (refusing what X would refuse) and the desktop (the ring). Not exported from the protocol's
 * index: the widget must not bundle twitter-text. Under Node ESM only the default import works.
 */
export const MAX_POST_LENGTH = 280;
/** The countdown shows for the last characters before the limit (the yellow ring). */
export const POST_COUNTDOWN_FROM = 20;

export interface PostLength {
  weightedLength: number;
  /** Within the limit and not empty (an empty reply is not a post). */
  valid: boolean;
  /** 0–1000 of the limit used (the ring's fill); above 1000 when over. */
  permillage: number;
  /** Characters left; negative when over. */
  remaining: number;
}

export function postLength(text: string): PostLength {
  const parsed = twitter.parseTweet(text);
  return { weightedLength: parsed.weightedLength, valid: parsed.valid, permillage: parsed.permillage, remaining: MAX_POST_LENGTH - parsed.weightedLength };
}

/** What the ring shows: grey while filling, yellow in the countdown, red (and Send blocked) over the limit. */
export type PostLengthTone = 'normal' | 'warn' | 'over';
export function postLengthTone(length: PostLength): PostLengthTone {
  if (length.remaining < 0) return 'over';
  return length.remaining <= POST_COUNTDOWN_FROM ? 'warn' : 'normal';
}
