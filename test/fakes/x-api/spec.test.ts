import { describe, expect, it } from 'vitest';
import { ERRATA, expectMatchesSpec } from './spec.ts';

// The checker itself: if it accepted anything, every faithfulness test would pass for nothing.
describe('expectMatchesSpec', () => {
  it('accepts what 2.166 describes and rejects what it does not', () => {
    expectMatchesSpec('GET', '/2/users/me', 200, { data: { id: '17200003', name: 'B', username: 'Brand' } });
    expect(() => expectMatchesSpec('GET', '/2/users/me', 200, { data: { id: 'abc', name: 'B', username: 'Brand' } })).toThrow();
    expect(() => expectMatchesSpec('GET', '/2/users/me', 200, { data: { id: '1', username: 'Brand' } })).toThrow();
    expect(() => expectMatchesSpec('POST', '/2/tweets', 201, { data: { id: '1' } })).toThrow();
    expect(() => expectMatchesSpec('GET', '/2/dm_events', 200, { data: [] })).toThrow();
  });

  it('checks errors against X\'s Problem schema', () => {
    expectMatchesSpec('GET', '/2/dm_events', 429, { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 });
    expect(() => expectMatchesSpec('GET', '/2/dm_events', 400, { detail: 'no title' })).toThrow();
  });

  it('refuses a status 2.166 does not document for the operation', () => {
    expect(() => expectMatchesSpec('POST', '/2/tweets', 200, { data: { id: '1', text: 't' } })).toThrow(/documents no 200/);
  });

  it('lists each place where it departs from 2.166', () => {
    expect(ERRATA.map((e) => e.where)).toHaveLength(3);
    for (const e of ERRATA) expect(e.why.length).toBeGreaterThan(20);
  });
});
