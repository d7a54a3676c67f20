import { describe, expect, it } from 'vitest';
import { BotOutput, LocalizedText, structuredFallbackText } from '../../../protocol/index.ts';
import { validateField } from './fields.ts';

describe('collected field validation', () => {
  it.each([
    { field: 'email', raw: ' ada@example.com ', want: 'ada@example.com' },
    { field: 'email', raw: 'ada@example', want: null },
    { field: 'email', raw: 'ada example.com', want: null },
    { field: 'phone', raw: '+33 6 12 34 56 78', want: '+33 6 12 34 56 78' },
    { field: 'phone', raw: '(555) 123-4567', want: '(555) 123-4567' },
    { field: 'phone', raw: '12345', want: null },
    { field: 'phone', raw: 'call me maybe', want: null },
    { field: 'phone', raw: '+1234567890123456', want: null },
    { field: 'name', raw: '  Ada   Lovelace ', want: 'Ada Lovelace' },
    { field: 'name', raw: '   ', want: null },
    { field: 'name', raw: 'x'.repeat(101), want: null },
    { field: 'text', raw: 'My parcel never arrived', want: 'My parcel never arrived' },
    { field: 'text', raw: '', want: null },
  ] as const)('$field $raw → $want', ({ field, raw, want }) => {
    expect(validateField(field, raw)).toBe(want);
  });
});

describe('wire shapes', () => {
  it('localized text needs at least one known language', () => {
    expect(LocalizedText.safeParse({}).success).toBe(false);
    expect(LocalizedText.safeParse({ de: 'Hallo' }).success).toBe(false);
    expect(LocalizedText.safeParse({ fr: 'Bonjour' }).success).toBe(true);
  });

  it('cards and images only accept http(s) links', () => {
    expect(BotOutput.safeParse({ kind: 'card', title: 'x', url: 'javascript:alert(1)' }).success).toBe(false);
    expect(BotOutput.safeParse({ kind: 'image', url: 'https://cdn.example/a.png' }).success).toBe(true);
  });

  it('structured messages have a plain-text fallback for agents', () => {
    expect(structuredFallbackText({ kind: 'quick_replies', text: 'Pick one', options: [{ value: 'a', label: 'Order status' }, { value: 'b', label: 'Returns' }] })).toBe('Pick one\n• Order status\n• Returns');
    expect(structuredFallbackText({ kind: 'card', title: 'Returns', url: 'https://example.com/r' })).toBe('Returns\nhttps://example.com/r');
  });
});
