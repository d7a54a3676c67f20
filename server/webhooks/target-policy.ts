import { lookup as dnsLookup } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Where outgoing webhooks may go. An admin's webhook must not reach the server's own
 * network (SSRF): loopback, private (RFC 1918, fc00::/7), link-local (169.254/16,
 * fe80::/10, cloud metadata), CGNAT (100.64/10), unspecified, multicast and reserved
 * addresses are refused, in any spelling (IPv4-mapped IPv6 included). Only globally
 * routable unicast addresses pass. Checked twice: the URL's host when the webhook is
 * saved, and every address its name resolves to when a delivery connects (a public
 * name may resolve to 127.0.0.1: DNS rebinding), on the very address connected to.
 * WEBHOOKS_ALLOW_PRIVATE_TARGETS=true lifts both (tests, local development).
 */

export class TargetRefusedError extends Error {
  readonly code = 'TARGET_NOT_ALLOWED';
  constructor(readonly address: string) {
    super(`target address ${address} is loopback, private, link-local or reserved (WEBHOOKS_ALLOW_PRIVATE_TARGETS is off)`);
    this.name = 'TargetRefusedError';
  }
}

/** Whether an IP address (v4 or v6 text) is globally routable unicast. */
export function isPublicAddress(address: string): boolean {
  if (!isIP(address)) return false;
  // process() turns ::ffff:a.b.c.d into a.b.c.d, so a mapped address gets the IPv4 verdict.
  return ipaddr.process(address).range() === 'unicast';
}

const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '').toLowerCase();

/**
 * A URL's host when it is an IP address that is not public, else null. Connecting to
 * an IP literal skips DNS (and so the lookup below): deliveries check this first.
 */
export function refusedAddressIn(url: string): string | null {
  const host = hostOf(new URL(url));
  return isIP(host) && !isPublicAddress(host) ? host : null;
}

/**
 * When a webhook is saved: a refused IP literal, or `localhost` (always loopback).
 * Other names pass here and are checked after DNS at every delivery.
 */
export function refusedHostOf(url: string): string | null {
  const host = hostOf(new URL(url));
  if (host === 'localhost' || host.endsWith('.localhost')) return host;
  return refusedAddressIn(url);
}

/**
 * A `lookup` for http.request: resolves like dns.lookup and fails with
 * TargetRefusedError when any address of the name is not public, so the socket
 * only ever connects to an address that was checked.
 */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, '', 0);
    const refused = addresses.find((a) => !isPublicAddress(a.address));
    if (refused) return callback(new TargetRefusedError(refused.address) as NodeJS.ErrnoException, '', 0);
    if (options.all) return (callback as unknown as (e: null, all: typeof addresses) => void)(null, addresses);
    callback(null, addresses[0]!.address, addresses[0]!.family);
  });
};
