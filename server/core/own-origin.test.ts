import { describe, expect, it } from 'vitest';
import { isOwnOrigin } from './own-origin.ts';

describe('isOwnOrigin', () => {
  it('without PUBLIC_URL, is the origin whose host and port are the request Host', () => {
    const own = { host: 'localhost:3000', publicUrl: null };
    expect(isOwnOrigin('http://localhost:3000', own)).toBe(true);
    expect(isOwnOrigin('http://LOCALHOST:3000', { host: 'LocalHost:3000', publicUrl: null })).toBe(true);
    // Same site, other origin: another port, a sibling sub-domain.
    expect(isOwnOrigin('http://localhost:4000', own)).toBe(false);
    expect(isOwnOrigin('http://shop.localhost:3000', own)).toBe(false);
    expect(isOwnOrigin('http://localhost:3000', { host: undefined, publicUrl: null })).toBe(false);
  });

  it('with PUBLIC_URL, is exactly its origin (scheme, host, port), whatever the Host says', () => {
    const own = { host: '127.0.0.1:3000', publicUrl: 'https://chat.example.com/' };
    expect(isOwnOrigin('https://chat.example.com', own)).toBe(true);
    expect(isOwnOrigin('https://chat.example.com:443', own)).toBe(true);
    expect(isOwnOrigin('http://chat.example.com', own)).toBe(false);
    expect(isOwnOrigin('https://shop.example.com', own)).toBe(false);
    expect(isOwnOrigin('http://127.0.0.1:3000', own)).toBe(false);
  });

  it('refuses opaque and malformed origins', () => {
    const own = { host: 'localhost:3000', publicUrl: null };
    for (const origin of ['null', '', 'localhost:3000', 'file:///x', 'chrome-extension://abc']) expect(isOwnOrigin(origin, own)).toBe(false);
  });
});
