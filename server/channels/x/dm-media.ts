import { MAX_ATTACHMENT_BYTES } from '../../../protocol/index.ts';
import type { XMediaRef } from './contracts.ts';

/**
 * Downloading an inbound DM image: X serves it only with the account's token (`ton.twitter.com`, or the
 * API's own origin for the fake). Any other host is refused, so a forged URL in a payload cannot make
 * the server fetch (and send the token to) an address of someone's choosing. The bytes are then typed
 * and stored as any upload is (server/attachments/).
 */
const X_MEDIA_HOSTS = new Set(['ton.twitter.com', 'ton.x.com', 'pbs.twimg.com']);

export function mediaUrlAllowed(url: string, apiBaseUrl: string): boolean {
  try {
    const u = new URL(url);
    const api = new URL(apiBaseUrl);
    return u.origin === api.origin || (u.protocol === 'https:' && X_MEDIA_HOSTS.has(u.hostname));
  } catch {
    return false;
  }
}

/** The image's bytes (at most the attachments' limit), or null when X has none to give or it is too large. */
export async function downloadMedia(media: XMediaRef, token: string, opts: { apiBaseUrl: string; fetch?: typeof fetch; timeoutMs?: number }): Promise<Blob | null> {
  if (!media.url || !mediaUrlAllowed(media.url, opts.apiBaseUrl)) return null;
  const res = await (opts.fetch ?? fetch)(media.url, { headers: { authorization: `Bearer ${token}` }, redirect: 'manual', signal: AbortSignal.timeout(opts.timeoutMs ?? 15_000) });
  if (!res.ok || !res.body) {
    await res.body?.cancel();
    if (res.status >= 500) throw new Error(`X media download: HTTP ${res.status}`);
    return null;
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > MAX_ATTACHMENT_BYTES) return null;
    chunks.push(chunk);
  }
  return new Blob(chunks as BlobPart[], { type: res.headers.get('content-type') ?? 'application/octet-stream' });
}
