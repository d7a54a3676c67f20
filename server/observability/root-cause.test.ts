import { describe, expect, it } from 'vitest';
import { describeError, describeRootCause } from './root-cause.ts';

const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

describe('the root cause of a failed start, in words', () => {
  it('says "connection refused" under a failed query, not only the query', () => {
    const wrapped = new Error('Failed query: CREATE TYPE "public"."agent_role"', { cause: refused() });
    expect(describeError(wrapped)).toBe('Failed query: CREATE TYPE "public"."agent_role": connection refused (connect ECONNREFUSED 127.0.0.1:5432)');
  });

  it('looks inside an AggregateError with an empty message (every address of a host refused)', () => {
    const aggregate = Object.assign(new AggregateError([refused(), refused()], ''), { code: 'ECONNREFUSED' });
    expect(describeError(aggregate)).toBe('connection refused (connect ECONNREFUSED 127.0.0.1:5432)');
  });

  it('keeps an error without a known cause as it is', () => {
    expect(describeError(new Error('SECRET is required in production'))).toBe('SECRET is required in production');
    expect(describeRootCause('plain text')).toBe('plain text');
  });
});
