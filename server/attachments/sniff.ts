import type { ImageType } from '../../protocol/index.ts';

/**
 * Image type and dimensions from the first bytes (magic numbers), never from the
 * name or the declared Content-Type. Anything else — SVG, HTML, a truncated
 * header — is null and refused by the caller. Pure: no I/O, no image library.
 */
export interface SniffedImage {
  type: ImageType;
  width: number | null;
  height: number | null;
}

/** Enough bytes for every header this module reads, including JPEG's SOF after typical EXIF/ICC segments. */
export const SNIFF_BYTES = 256 * 1024;

const startsWith = (b: Uint8Array, sig: number[], at = 0) => sig.every((v, i) => b[at + i] === v);
const ascii = (b: Uint8Array, at: number, len: number) => String.fromCharCode(...b.subarray(at, at + len));
const positive = (n: number) => (Number.isInteger(n) && n > 0 ? n : null);

export function sniffImage(bytes: Uint8Array): SniffedImage | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) {
    // IHDR is always the first chunk: width and height as big-endian uint32 at 16 and 20.
    if (bytes.length < 24 || ascii(bytes, 12, 4) !== 'IHDR') return null;
    return { type: 'image/png', width: positive(view.getUint32(16)), height: positive(view.getUint32(20)) };
  }
  if (startsWith(bytes, [0x47, 0x49, 0x46, 0x38]) && (bytes[4] === 0x37 || bytes[4] === 0x39) && bytes[5] === 0x61) {
    if (bytes.length < 10) return null;
    return { type: 'image/gif', width: positive(view.getUint16(6, true)), height: positive(view.getUint16(8, true)) };
  }
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') return sniffWebp(bytes, view);
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return { type: 'image/jpeg', ...jpegSize(bytes, view) };
  return null;
}

function sniffWebp(bytes: Uint8Array, view: DataView): SniffedImage | null {
  if (bytes.length < 30) return null;
  const chunk = ascii(bytes, 12, 4);
  const size = (() => {
    if (chunk === 'VP8X') {
      // 24-bit little-endian canvas width-1 / height-1.
      const w = 1 + (bytes[24]! | (bytes[25]! << 8) | (bytes[26]! << 16));
      const h = 1 + (bytes[27]! | (bytes[28]! << 8) | (bytes[29]! << 16));
      return { width: w, height: h };
    }
    if (chunk === 'VP8L') {
      if (bytes[20] !== 0x2f) return null;
      const bits = view.getUint32(21, true);
      return { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
    }
    if (chunk === 'VP8 ') {
      // Key frame start code 9d 01 2a, then 14-bit width and height.
      if (!startsWith(bytes, [0x9d, 0x01, 0x2a], 23)) return null;
      return { width: view.getUint16(26, true) & 0x3fff, height: view.getUint16(28, true) & 0x3fff };
    }
    return null;
  })();
  if (!size) return null;
  return { type: 'image/webp', width: positive(size.width), height: positive(size.height) };
}

/** Walks JPEG segments to the first SOF marker; unknown dimensions stay null (still a JPEG). */
function jpegSize(bytes: Uint8Array, view: DataView): { width: number | null; height: number | null } {
  let at = 2;
  while (at + 9 < bytes.length) {
    if (bytes[at] !== 0xff) return { width: null, height: null };
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) return { height: positive(view.getUint16(at + 5)), width: positive(view.getUint16(at + 7)) };
    if (marker === 0xd9 || marker === 0xda) break; // end of image / start of scan without a frame header
    at += 2 + view.getUint16(at + 2);
  }
  return { width: null, height: null };
}
