/**
 * X's limit on a public post and how the desktop's circle reads a length (issue 19), without
 * twitter-text itself: the desktop loads the counter (`post-length.ts`) only when a reply box opens.
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

/** What the ring shows: grey while filling, yellow in the countdown, red (and Send blocked) over the limit. */
export type PostLengthTone = 'normal' | 'warn' | 'over';
export function postLengthTone(length: PostLength): PostLengthTone {
  if (length.remaining < 0) return 'over';
  return length.remaining <= POST_COUNTDOWN_FROM ? 'warn' : 'normal';
}
