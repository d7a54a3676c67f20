/**
 * The user's file name is kept for display and downloads only (storage is by id).
 * Sanitising it keeps headers safe: no path parts, no control or quote characters, no NUL or lone surrogate,
 * bounded length, and an ASCII fallback plus RFC 5987 `filename*` for the rest.
 */
const MAX_NAME = 255;
/** Half of a UTF-16 surrogate pair: not text (Postgres would store U+FFFD, encodeURIComponent throws). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function sanitizeFileName(raw: string | null | undefined): string {
  const base = (raw ?? '').split(/[\\/]/).pop() ?? '';
  const cleaned = base
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f"<>|:*?\\;]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '');
  // Cut first: the cut may split a pair. A derived label is cleaned, unlike what someone wrote (refused).
  return (cleaned.slice(0, MAX_NAME).replace(LONE_SURROGATE, '') || 'image');
}

const EXTENSIONS: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp', 'image/gif': 'gif' };

/** `inline; filename="…"; filename*=UTF-8''…` with an extension matching the sniffed type. */
export function contentDisposition(name: string, type: string): string {
  const safe = sanitizeFileName(name);
  const ext = EXTENSIONS[type];
  const withExt = ext && !safe.toLowerCase().endsWith(`.${ext}`) && !(ext === 'jpg' && /\.jpe?g$/i.test(safe)) ? `${safe}.${ext}` : safe;
  const ascii = withExt.replace(/[^\x20-\x7e]/g, '_');
  return `inline; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(withExt)}`;
}
