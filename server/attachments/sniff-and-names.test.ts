import { describe, expect, it } from 'vitest';
import { contentDisposition, sanitizeFileName } from './file-name.ts';
import { sniffImage } from './sniff.ts';
import * as img from './test-images.ts';

describe('image type from the bytes', () => {
  it('reads GIF87a as well as GIF89a', () => {
    const gif87 = new Uint8Array(img.gif(7, 5));
    gif87.set([0x37], 4);
    expect(sniffImage(gif87)).toEqual({ type: 'image/gif', width: 7, height: 5 });
  });

  it.each([
    ['an SVG', img.svg()],
    ['an HTML page', img.html()],
    ['a PNG signature without its IHDR', img.png(2, 2).subarray(0, 12)],
    ['a RIFF file that is not WebP', Buffer.concat([Buffer.from('RIFF\0\0\0\0WAVE'), Buffer.alloc(30)])],
    ['a truncated WebP', img.webp(4, 4).subarray(0, 20)],
    ['an empty file', new Uint8Array(0)],
    ['text that starts like "GIF8"', Buffer.from('GIF8 is not an image header')],
  ])('refuses %s', (_what, bytes) => {
    expect(sniffImage(bytes)).toBeNull();
  });
});

describe('download names', () => {
  it('keeps the base name only, without control or quote characters', () => {
    expect(sanitizeFileName('C:\\Users\\me\\..\\evil".png')).toBe('evil.png');
    expect(sanitizeFileName('../../photo\r\nSet-Cookie: a=b.png')).toBe('photoSet-Cookie a=b.png');
    expect(sanitizeFileName('...hidden')).toBe('hidden');
    expect(sanitizeFileName('')).toBe('image');
    expect(sanitizeFileName('x'.repeat(400))).toHaveLength(255);
    // Storable text only: no NUL, no half of a surrogate pair, even where the length cut falls inside one.
    expect(sanitizeFileName('bad\u0000name\uD800.png')).toBe('badname.png');
    const cut = sanitizeFileName(`${'x'.repeat(254)}😀.png`);
    expect(cut).toBe('x'.repeat(254));
    expect(() => contentDisposition(cut, 'image/png')).not.toThrow();
  });

  it('serves inline with an extension matching the real type and an RFC 5987 name for non-ASCII', () => {
    expect(contentDisposition('holiday.png', 'image/jpeg')).toBe(`inline; filename="holiday.png.jpg"; filename*=UTF-8''holiday.png.jpg`);
    expect(contentDisposition('photo.JPEG', 'image/jpeg')).toBe(`inline; filename="photo.JPEG"; filename*=UTF-8''photo.JPEG`);
    expect(contentDisposition('thé vert.gif', 'image/gif')).toBe(`inline; filename="th_ vert.gif"; filename*=UTF-8''th%C3%A9%20vert.gif`);
    // Whatever the stored name, the header stays one line with one quoted value.
    const header = contentDisposition('a"b\nc.webp', 'image/webp');
    expect(header).not.toMatch(/[\r\n]/);
    expect(header.match(/"/g)).toHaveLength(2);
  });
});
