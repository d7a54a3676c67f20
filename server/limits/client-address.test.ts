import { describe, expect, it } from 'vitest';
import { loadEnv } from '../env.ts';
import { addressKey, clientAddress, trustedProxies } from './client-address.ts';

describe('clientAddress', () => {
  const none = trustedProxies([]);
  const ours = trustedProxies(['10.0.0.0/8', '192.0.2.7', 'fd00::/8']);

  it('is the peer when no proxy is trusted, whatever X-Forwarded-For says', () => {
    expect(clientAddress('198.51.100.4', '203.0.113.9', none)).toBe('198.51.100.4');
    expect(clientAddress('198.51.100.4', undefined, none)).toBe('198.51.100.4');
  });

  it('ignores X-Forwarded-For from a peer that is not one of our proxies', () => {
    expect(clientAddress('198.51.100.4', '203.0.113.9', ours)).toBe('198.51.100.4');
  });

  it('takes the right-most address that is not one of our proxies', () => {
    expect(clientAddress('10.1.2.3', '203.0.113.9', ours)).toBe('203.0.113.9');
    // The client wrote the left part itself; our proxies appended the rest.
    expect(clientAddress('10.1.2.3', '1.2.3.4, 203.0.113.9, 10.9.9.9', ours)).toBe('203.0.113.9');
    expect(clientAddress('192.0.2.7', ['1.2.3.4', '203.0.113.9'], ours)).toBe('203.0.113.9');
  });

  it('stops at the last trusted hop when the chain holds garbage', () => {
    expect(clientAddress('10.1.2.3', 'not-an-ip', ours)).toBe('10.1.2.3');
    expect(clientAddress('10.1.2.3', 'evil, 10.0.0.5', ours)).toBe('10.0.0.5');
  });

  it('is the left-most address when every hop is ours', () => {
    expect(clientAddress('10.1.2.3', '10.0.0.9, 10.0.0.5', ours)).toBe('10.0.0.9');
  });

  it('treats IPv4-mapped IPv6 as IPv4, for the peer and for the proxy list', () => {
    expect(clientAddress('::ffff:198.51.100.4', undefined, none)).toBe('198.51.100.4');
    expect(clientAddress('::ffff:10.1.2.3', '::ffff:203.0.113.9', ours)).toBe('203.0.113.9');
    expect(clientAddress('::ffff:10.1.2.3', '203.0.113.9', trustedProxies(['::ffff:10.0.0.0/104']))).toBe('203.0.113.9');
  });

  it('handles IPv6 peers and proxies', () => {
    expect(clientAddress('fd12::1', '2001:db8::42', ours)).toBe('2001:db8::42');
    expect(clientAddress('2001:db8::1', '203.0.113.9', ours)).toBe('2001:db8::1');
  });
});

describe('TRUSTED_PROXIES', () => {
  it('accepts IPs and CIDRs, comma-separated', () => {
    expect(loadEnv({ TRUSTED_PROXIES: '10.0.0.0/8, 127.0.0.1,::1, fd00::/8' }).trustedProxies).toEqual(['10.0.0.0/8', '127.0.0.1', '::1', 'fd00::/8']);
    expect(loadEnv({}).trustedProxies).toEqual([]);
  });

  it('refuses to start with an entry that is not an IP or CIDR', () => {
    expect(() => loadEnv({ TRUSTED_PROXIES: '10.0.0.0/8, proxy.internal' })).toThrow(/TRUSTED_PROXIES/);
    expect(() => loadEnv({ TRUSTED_PROXIES: '10' })).toThrow(/TRUSTED_PROXIES/);
  });
});

describe('addressKey', () => {
  it('counts IPv4 per address and IPv6 per /64', () => {
    expect(addressKey('203.0.113.9')).toBe('203.0.113.9');
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe(addressKey('2001:db8:1:2:bbbb::2'));
    expect(addressKey('2001:db8:1:2::1')).not.toBe(addressKey('2001:db8:1:3::1'));
  });
});
