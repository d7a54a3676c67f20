import { describe, expect, it } from 'vitest';
import { isPublicAddress, publicOnlyLookup, refusedAddressIn, refusedHostOf, TargetRefusedError } from './target-policy.ts';

describe('webhook target policy', () => {
  it('lets only globally routable unicast addresses through', () => {
    const refused = [
      '127.0.0.1', '127.8.9.10', '::1', // loopback
      '10.0.0.1', '172.16.5.4', '192.168.1.1', 'fc00::1', 'fd12:3456::1', // private, unique local
      '169.254.169.254', 'fe80::1', // link-local (cloud metadata)
      '100.64.0.1', '100.127.255.254', // CGNAT
      '0.0.0.0', '::', // unspecified
      '::ffff:127.0.0.1', '::ffff:10.0.0.1', '::ffff:169.254.169.254', // IPv4-mapped
      '224.0.0.1', 'ff02::1', '255.255.255.255', '192.0.2.1', '2001:db8::1', // multicast, broadcast, documentation
      'not-an-ip',
    ];
    for (const address of refused) expect(isPublicAddress(address), address).toBe(false);
    for (const address of ['93.184.216.34', '8.8.8.8', '100.128.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8']) expect(isPublicAddress(address), address).toBe(true);
  });

  it('refuses URLs whose host is such an address, in any spelling, or localhost', () => {
    const cases: [string, string | null][] = [
      ['http://127.0.0.1:3000/hook', '127.0.0.1'],
      ['http://2130706433/hook', '127.0.0.1'], // the URL parser normalizes integer and hex IPv4 forms
      ['http://0x7f.1/hook', '127.0.0.1'],
      ['http://[::1]/hook', '::1'],
      ['http://[::ffff:7f00:1]/hook', '::ffff:7f00:1'],
      ['http://169.254.169.254/latest/meta-data', '169.254.169.254'],
      ['https://[fe80::1]/hook', 'fe80::1'],
      ['https://100.64.1.2/hook', '100.64.1.2'],
      ['https://hooks.example.com/parley', null],
      ['https://93.184.216.34/hook', null],
    ];
    for (const [url, refused] of cases) expect(refusedAddressIn(url), url).toBe(refused);
    expect(refusedHostOf('http://localhost:8080/hook')).toBe('localhost');
    expect(refusedHostOf('http://api.localhost./hook')).toBe('api.localhost');
    expect(refusedAddressIn('http://localhost:8080/hook')).toBeNull(); // names are judged after DNS
    expect(refusedHostOf('https://hooks.example.com/parley')).toBeNull();
  });

  it('fails a lookup whose name resolves to a refused address', async () => {
    const lookup = (hostname: string, all: boolean) =>
      new Promise((resolve, reject) => publicOnlyLookup(hostname, { all }, (err, address) => (err ? reject(err) : resolve(address))));
    await expect(lookup('localhost', true)).rejects.toBeInstanceOf(TargetRefusedError);
    await expect(lookup('localhost', false)).rejects.toThrow(/127\.0\.0\.1|::1/);
  });
});
