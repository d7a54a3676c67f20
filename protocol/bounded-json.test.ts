import { describe, expect, it } from 'vitest';
import { boundedJson, nestsDeeperThan } from './bounded-json.ts';

const nestedArrays = (levels: number) => JSON.parse('['.repeat(levels) + ']'.repeat(levels)) as unknown;
const nestedObjects = (levels: number) => JSON.parse('{"a":'.repeat(levels) + '1' + '}'.repeat(levels)) as unknown;

describe('boundedJson', () => {
  it('measures depth without recursion, even 100,000 levels down', () => {
    expect(nestsDeeperThan(nestedArrays(100_000), 32)).toBe(true);
    expect(nestsDeeperThan(nestedObjects(100_000), 32)).toBe(true);
    expect(nestsDeeperThan(nestedArrays(32), 32)).toBe(false);
    expect(nestsDeeperThan(nestedArrays(33), 32)).toBe(true);
    expect(nestsDeeperThan('text', 0)).toBe(false);
    expect(nestsDeeperThan({ steps: [{ card: { title: { en: 'x' } } }] }, 5)).toBe(false);
  });

  it('refuses values too deep or too large with an issue, never a throw', () => {
    const schema = boundedJson({ maxDepth: 32, maxBytes: 1024 });
    const deep = schema.safeParse(nestedObjects(100_000));
    expect(deep.success).toBe(false);
    expect(deep.error?.issues[0]?.message).toBe('Nested deeper than 32 levels.');
    const large = schema.safeParse({ text: 'é'.repeat(600) });
    expect(large.error?.issues[0]?.message).toBe('Larger than 1 KB.');
    expect(schema.safeParse({ start: 'a', steps: [{ id: 'a', kind: 'end' }] }).success).toBe(true);
    expect(schema.safeParse(undefined).success).toBe(true);
  });
});
