import ipaddr from 'ipaddr.js';

/**
 * Who is on the other end: the peer address of the TCP connection, or — only when that
 * peer is one of our own reverse proxies (TRUSTED_PROXIES) — the address the proxies
 * recorded in X-Forwarded-For. The header alone is never believed: anyone can send one.
 */
export type IsTrustedProxy = (address: ipaddr.IPv4 | ipaddr.IPv6) => boolean;

/** IPv4-mapped IPv6 (`::ffff:10.0.0.1`, what a dual-stack socket reports) becomes plain IPv4. */
function parseAddress(raw: string | undefined | null): ipaddr.IPv4 | ipaddr.IPv6 | null {
  if (!raw) return null;
  const text = raw.trim();
  if (!ipaddr.isValid(text)) return null;
  return ipaddr.process(text);
}

/**
 * A TRUSTED_PROXIES entry is an IP (`10.0.0.2`, `::1`) or a CIDR (`10.0.0.0/8`, `fd00::/8`).
 * IPv4 must be written in four parts: `10` alone would otherwise mean 0.0.0.10.
 */
export function isProxyEntry(entry: string): boolean {
  return ipaddr.IPv4.isValidFourPartDecimal(entry) || ipaddr.IPv4.isValidCIDRFourPartDecimal(entry) || ipaddr.IPv6.isValid(entry) || ipaddr.IPv6.isValidCIDR(entry);
}

/** Compiles TRUSTED_PROXIES into a matcher; throws on an entry that is neither an IP nor a CIDR. */
export function trustedProxies(entries: readonly string[]): IsTrustedProxy {
  const ranges = entries.map((entry): [ipaddr.IPv4 | ipaddr.IPv6, number] => {
    if (!isProxyEntry(entry)) throw new Error(`not an IP address or CIDR: ${entry}`);
    if (ipaddr.isValidCIDR(entry)) {
      const [range, bits] = ipaddr.parseCIDR(entry);
      // `::ffff:10.0.0.0/104` matches what parseAddress turns into 10.0.0.0/8.
      if (range.kind() === 'ipv6' && (range as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96) return [(range as ipaddr.IPv6).toIPv4Address(), bits - 96];
      return [range, bits];
    }
    const address = parseAddress(entry)!;
    return [address, address.kind() === 'ipv4' ? 32 : 128];
  });
  if (ranges.length === 0) return () => false;
  return (address) => ranges.some(([range, bits]) => range.kind() === address.kind() && address.match(range, bits));
}

/**
 * The client's address. X-Forwarded-For is read right to left (each proxy appends the peer it
 * saw), skipping our own proxies; the first address that is not one of them is the client.
 * Anything left of it was written by the client and is ignored. A malformed entry stops the
 * walk at the last proxy we trust, so garbage never becomes a key.
 */
export function clientAddress(peer: string | undefined | null, forwardedFor: string | readonly string[] | undefined | null, isTrusted: IsTrustedProxy): string {
  const peerAddress = parseAddress(peer);
  if (!peerAddress) return peer?.trim() || 'unknown';
  let client = peerAddress;
  if (!isTrusted(client) || !forwardedFor) return client.toString();
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor as string)).split(',');
  for (let i = hops.length - 1; i >= 0 && isTrusted(client); i--) {
    const hop = parseAddress(hops[i]);
    if (!hop) break;
    client = hop;
  }
  return client.toString();
}

/**
 * The key limits count an address under. IPv6 is counted per /64: one subscriber usually
 * holds a whole /64 and could otherwise take a fresh address for every request.
 */
export function addressKey(address: string): string {
  const parsed = parseAddress(address);
  if (!parsed || parsed.kind() === 'ipv4') return parsed ? parsed.toString() : address;
  const parts = (parsed as ipaddr.IPv6).parts.slice(0, 4);
  return `${new ipaddr.IPv6([...parts, 0, 0, 0, 0]).toString()}/64`;
}
