import { randomBytes } from 'node:crypto';

// X's ids are snowflakes: milliseconds since X's epoch shifted left 22 bits, plus a sequence. Making the fake's
// ids the same way keeps them 19-digit strings that sort by time, as clients that compare ids expect.
const X_EPOCH = 1288834974657n;

export function createIdGenerator(now: () => number): () => string {
  let last = 0n;
  return () => {
    const fromClock = (BigInt(Math.max(0, Math.floor(now()))) - X_EPOCH) << 22n;
    last = fromClock > last ? fromClock : last + 1n;
    return last.toString();
  };
}

/** Newest first, comparing snowflakes as numbers (string order breaks across lengths). */
export const byIdDesc = (a: { id: string }, b: { id: string }): number => {
  const x = BigInt(a.id);
  const y = BigInt(b.id);
  return x === y ? 0 : x > y ? -1 : 1;
};

export const idLess = (a: string, b: string): boolean => BigInt(a) < BigInt(b);

export const randomToken = (bytes = 32): string => randomBytes(bytes).toString('base64url');

/** XAA event ids look like signed 64-bit integers ("-6850472171600526495" in the brief's capture). */
export const randomEventUuid = (): string => randomBytes(8).readBigInt64BE().toString();
