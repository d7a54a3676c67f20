import { XConnectFailure } from '../../../protocol/index.ts';

/**
 * What the X OAuth callback said when it redirected the admin back (`?x_connect=connected`, or
 * `?x_connect=error&reason=…`): read once at start, then removed from the address bar so a reload does not
 * show it again. The desktop then opens on Admin › Channels, which shows it.
 */
export type XConnectResult = { ok: true } | { ok: false; reason: XConnectFailure | 'unknown' };

let pending: XConnectResult | null | undefined;

function read(): XConnectResult | null {
  if (typeof window === 'undefined') return null;
  const params = new URLSearchParams(window.location.search);
  const flag = params.get('x_connect');
  if (!flag) return null;
  params.delete('x_connect');
  const reason = params.get('reason');
  params.delete('reason');
  const query = params.toString();
  window.history.replaceState(window.history.state, '', `${window.location.pathname}${query ? `?${query}` : ''}${window.location.hash}`);
  if (flag === 'connected') return { ok: true };
  const parsed = XConnectFailure.safeParse(reason);
  return { ok: false, reason: parsed.success ? parsed.data : 'unknown' };
}

/** The result, if the desktop was opened by the callback (stays until taken). */
export function xConnectResult(): XConnectResult | null {
  if (pending === undefined) pending = read();
  return pending;
}

/** Takes the result: Admin › Channels shows it once. */
export function takeXConnectResult(): XConnectResult | null {
  const result = xConnectResult();
  pending = null;
  return result;
}

/** For tests: forget what was read. */
export function resetXConnectResult(): void {
  pending = undefined;
}
