import twitterText from 'twitter-text';

// X counts a post's length in weighted characters (most CJK and emoji count 2, a URL 23): the same library and
// config v3 X publishes (brief §4). Under Node ESM only the default import works.
export const weightedLength = (text: string): number => twitterText.parseTweet(text).weightedLength;
