import twitter from 'twitter-text';
import { MAX_POST_LENGTH, type PostLength } from './post-length-rules.ts';

/**
 * The length of a public reply as X counts it (issue 19, seed 000's reply-length circle): twitter-text's
 * `parseTweet` with config v3 (280 weighted characters; URLs count 23, emoji and CJK count 2). Shared by
 * the server (refusing what X would refuse) and the desktop (the ring, loaded on demand). Not exported
 * from the protocol's index: the widget must not bundle twitter-text. Under Node ESM only the default
 * import works.
 */
export * from './post-length-rules.ts';

export function postLength(text: string): PostLength {
  const parsed = twitter.parseTweet(text);
  return { weightedLength: parsed.weightedLength, valid: parsed.valid, permillage: parsed.permillage, remaining: MAX_POST_LENGTH - parsed.weightedLength };
}
