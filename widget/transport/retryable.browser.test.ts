/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { ERROR_CODES, type ErrorCode } from '../../protocol/errors.ts';
import { isRetryable } from './retryable.ts';

describe('widget isRetryable', () => {
  it('agrees with the protocol error table for every code, and refuses unknown codes', () => {
    for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) expect(isRetryable(code), code).to.equal(ERROR_CODES[code].retryable);
    expect(isRetryable('SOMETHING_NEW')).to.equal(false);
  });
});
