/**
 * Is a browser's `Origin` the server's own? Guards what the session cookie
 * authenticates (REST writes, the /agent socket) against cross-origin use.
 *
 * The own origin is PUBLIC_URL when it is set (behind a proxy the Host header may
 * be the upstream's, and the public name is the one browsers see), else the
 * request's own Host. Opaque (`null`) and malformed origins are never the own one.
 * Sibling origins of the same site (another port, another sub-domain) are foreign.
 */
export interface OwnOrigin {
  /** The request's Host header. */
  host: string | undefined;
  /** PUBLIC_URL as configured, or null to trust the Host header. */
  publicUrl: string | null;
}

export function isOwnOrigin(origin: string, own: OwnOrigin): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  if (own.publicUrl) return url.origin === new URL(own.publicUrl).origin;
  return !!own.host && url.host === own.host.toLowerCase();
}
