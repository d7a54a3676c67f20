/** Keyword search in the Conversation tab: pure splitting of a text into plain parts and hits. */
export interface Segment {
  text: string;
  /** Index of the hit across the whole history, or null for plain text. */
  hit: number | null;
}

const fold = (text: string) => text.toLocaleLowerCase();

/**
 * Splits `text` around case-insensitive occurrences of `query`, numbering hits
 * from `firstHit`. The parts are rendered as text nodes (never HTML).
 */
export function splitHits(text: string, query: string, firstHit: number): Segment[] {
  const needle = fold(query.trim());
  if (!needle) return [{ text, hit: null }];
  const haystack = fold(text);
  const segments: Segment[] = [];
  let from = 0;
  let hit = firstHit;
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + needle.length)) {
    if (at > from) segments.push({ text: text.slice(from, at), hit: null });
    segments.push({ text: text.slice(at, at + needle.length), hit: hit++ });
    from = at + needle.length;
  }
  if (from < text.length) segments.push({ text: text.slice(from), hit: null });
  return segments;
}

/** Segments for each text, hits numbered in order across all of them, and the total. */
export function searchAll(texts: readonly string[], query: string): { parts: Segment[][]; total: number } {
  let total = 0;
  const parts = texts.map((text) => {
    const segments = splitHits(text, query, total);
    total += segments.filter((segment) => segment.hit !== null).length;
    return segments;
  });
  return { parts, total };
}
