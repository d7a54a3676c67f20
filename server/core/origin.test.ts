import { describe, expect, it } from 'vitest';
import { isOriginAllowed } from './origin.ts';

describe('isOriginAllowed', () => {
  const allowed = ['https://shop.example.com', 'http://localhost:3000', 'https://*.brand.io', 'http://127.0.0.1:*'];

  it.each([
    ['https://shop.example.com', true],
    ['https://shop.example.com:443', true],
    ['HTTPS://SHOP.EXAMPLE.COM', true],
    ['http://localhost:3000', true],
    ['https://eu.brand.io', true],
    ['https://a.b.brand.io', true],
    ['http://127.0.0.1:5173', true],
    ['http://127.0.0.1', true],
  ])('accepts %s', (origin, expected) => {
    expect(isOriginAllowed(origin, allowed)).toBe(expected);
  });

  it.each([
    ['http://shop.example.com', 'scheme differs'],
    ['https://shop.example.com:8443', 'port differs'],
    ['https://evil-shop.example.com', 'other host'],
    ['https://shop.example.com.evil.net', 'suffix attack'],
    ['http://localhost:3001', 'other port'],
    ['https://brand.io', 'wildcard does not cover the bare domain'],
    ['https://evilbrand.io', 'wildcard is label-aligned'],
    ['http://eu.brand.io', 'wildcard keeps the scheme'],
    ['https://127.0.0.1:5173', 'port wildcard keeps the scheme'],
    ['null', 'opaque origin'],
    ['', 'empty'],
    ['javascript:alert(1)', 'not http(s)'],
    ['https://shop.example.com/path', 'not an origin'],
    ['https://user@shop.example.com', 'credentials'],
  ])('refuses %s (%s)', (origin) => {
    expect(isOriginAllowed(origin, allowed)).toBe(false);
  });

  it('refuses a missing origin even with a catch-all pattern', () => {
    expect(isOriginAllowed(undefined, ['*'])).toBe(false);
    expect(isOriginAllowed(null, ['*'])).toBe(false);
    expect(isOriginAllowed('https://any.site', ['*'])).toBe(true);
  });

  it('refuses everything when no origin is configured', () => {
    expect(isOriginAllowed('https://shop.example.com', [])).toBe(false);
  });
});
