import { refusedHostOf } from '../../webhooks/target-policy.ts';

/**
 * Whether X could reach `webhookUrl` (brief §3: public HTTPS, no port). Registering a URL X cannot reach would
 * only fail its CRC; such an account is polled instead. A stand-in API on this machine or network (the fake X
 * API of the demo and the tests) reaches local addresses, so a local API base accepts any http(s) URL.
 * Null when reachable-looking, else why not.
 */
export function webhookUnreachableReason(webhookUrl: string, apiBaseUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(webhookUrl);
  } catch {
    return 'the webhook URL is not a URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'the webhook URL is not http(s)';
  if (refusedHostOf(apiBaseUrl) !== null) return null;
  if (url.protocol !== 'https:') return 'X posts only to https:// webhook URLs';
  if (url.port !== '') return 'X posts only to webhook URLs without a port';
  if (refusedHostOf(webhookUrl) !== null) return 'the webhook URL is a private or loopback address X cannot reach';
  return null;
}
