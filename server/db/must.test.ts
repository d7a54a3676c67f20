import { describe, expect, it } from 'vitest';
import { AppError } from '../../protocol/index.ts';
import { must } from './must.ts';

describe('must', () => {
  it('hands the row back when the read found it', () => {
    const row = { id: 'a' };
    expect(must(row)).toBe(row);
    expect(must(0)).toBe(0);
  });

  it('turns a vanished row into the typed error named, NOT_FOUND by default', () => {
    expect(() => must(undefined)).toThrow(AppError);
    expect(() => must(null)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(() => must(undefined, 'OFFER_GONE', 'The offer has expired or was taken.')).toThrow(expect.objectContaining({ code: 'OFFER_GONE', message: 'The offer has expired or was taken.' }));
  });
});
