import { describe, expect, it } from 'vitest';
import { postLength, postLengthTone } from './post-length.ts';

// The brief's vectors (../shared/channels/x/BRIEF.md §4), checked against twitter-text's config v3.
describe('postLength (X weighted length)', () => {
  it.each([
    ['Hello, world! 👋', 16, true],
    ['a'.repeat(280), 280, true],
    ['a'.repeat(281), 281, false],
    ['中'.repeat(140), 280, true],
    ['中'.repeat(141), 282, false],
    ['€', 2, true],
    ['…', 2, true],
    ['', 0, false],
  ])('%j weighs %i (valid: %s)', (text, weight, valid) => {
    expect(postLength(text)).toMatchObject({ weightedLength: weight, valid, remaining: 280 - weight });
  });

  it('counts a URL as 23 whatever its length', () => {
    const url = `https://example.com/${'x'.repeat(100)}`;
    expect(postLength(url).weightedLength).toBe(23);
    expect(postLength(`see ${url}`).weightedLength).toBe(27);
  });

  it('counts a ZWJ emoji sequence (❤️‍🔥) as one emoji, with twemoji-parser 14', () => {
    expect(postLength('❤️‍🔥').weightedLength).toBe(2);
    expect(postLength('I ❤️‍🔥 it').weightedLength).toBe(7);
  });

  it('fills the ring by permillage and turns yellow for the last 20, red over 280', () => {
    expect(postLength('a'.repeat(140)).permillage).toBe(500);
    expect(postLengthTone(postLength('a'.repeat(259)))).toBe('normal');
    expect(postLengthTone(postLength('a'.repeat(260)))).toBe('warn');
    expect(postLengthTone(postLength('a'.repeat(280)))).toBe('warn');
    expect(postLengthTone(postLength('a'.repeat(281)))).toBe('over');
  });
});
