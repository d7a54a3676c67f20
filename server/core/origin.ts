/**
 * Does a browser Origin match one of a website's allowed patterns?
 * Patterns are origins (`https://shop.example.com`), optionally with a `*` for
 * the port (`http://localhost:*`) or a leading sub-domain label
 * (`https://*.example.com`, which matches one or more labels but not the bare
 * domain), or the single pattern `*` for any origin. Schemes must match exactly;
 * missing, opaque (`null`) or malformed origins are always refused.
 */

interface ParsedOrigin {
  scheme: string;
  host: string;
  port: string;
}

const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443' };

function parseOrigin(value: string): ParsedOrigin | null {
  // An Origin is scheme://host[:port] and nothing else (no path, query, credentials).
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^/?#@\s]+\/?$/i.test(value)) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  const scheme = url.protocol;
  if (!(scheme in DEFAULT_PORTS)) return null;
  return { scheme, host: url.hostname.toLowerCase(), port: url.port || DEFAULT_PORTS[scheme]! };
}

function parsePattern(pattern: string): { scheme: string; host: string; port: string } | null {
  const m = /^(https?:)\/\/(\*\.)?([a-z0-9.-]+|\[[0-9a-f:.]+\])(?::(\d{1,5}|\*))?\/?$/i.exec(pattern.trim());
  if (!m) return null;
  const scheme = m[1]!.toLowerCase();
  return { scheme, host: `${m[2] ?? ''}${m[3]!.toLowerCase()}`, port: m[4] ?? DEFAULT_PORTS[scheme]! };
}

function hostMatches(patternHost: string, host: string): boolean {
  if (!patternHost.startsWith('*.')) return patternHost === host;
  const suffix = patternHost.slice(1); // ".example.com"
  return host.endsWith(suffix) && host.length > suffix.length && !host.startsWith('.');
}

export function isOriginAllowed(origin: string | null | undefined, allowedPatterns: readonly string[]): boolean {
  if (!origin || origin === 'null') return false;
  const parsed = parseOrigin(origin);
  if (!parsed) return false;
  return allowedPatterns.some((raw) => {
    if (raw.trim() === '*') return true;
    const p = parsePattern(raw);
    if (!p || p.scheme !== parsed.scheme) return false;
    if (p.port !== '*' && p.port !== parsed.port) return false;
    return hostMatches(p.host, parsed.host);
  });
}
