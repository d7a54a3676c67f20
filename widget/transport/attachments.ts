import type { WireError } from '../../protocol/errors.ts';
import type { Attachment } from '../../protocol/attachments.ts';

/**
 * Image uploads and downloads over HTTP. The visitor token travels only in the
 * `Authorization` header (never in a URL): uploads use XMLHttpRequest for upload
 * progress, images are fetched and shown as blob: URLs. `?websiteKey=` lets the
 * server answer the CORS preflight for the right website.
 */
export const ACCEPTED_IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'];
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;

export type UploadResult = { ok: true; attachment: Attachment } | { ok: false; error: WireError };

export interface AttachmentIo {
  /** Progress is 0..1 of the bytes sent. */
  upload(file: File, onProgress: (fraction: number) => void): Promise<UploadResult>;
  /** A blob: URL for an attachment's `url`, fetched with the visitor's credentials. */
  imageSrc(url: string): Promise<string>;
}

/**
 * The image type the first bytes say (magic numbers), whatever the name or the declared
 * type claim: a renamed text file or an SVG is caught before any upload.
 */
export async function sniffImageType(file: Blob): Promise<string | null> {
  const b = new Uint8Array(await file.slice(0, 12).arrayBuffer());
  const at = (offset: number, ...bytes: number[]) => bytes.every((v, i) => b[offset + i] === v);
  if (at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (at(0, 0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (at(0, 0x47, 0x49, 0x46, 0x38)) return 'image/gif';
  if (at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50)) return 'image/webp'; // RIFF….WEBP
  return null;
}

/** Client-side pre-check (size, then bytes), so an obvious mistake needs no round trip; the server checks again. */
export async function checkImage(file: File): Promise<WireError | null> {
  if (file.size > MAX_IMAGE_BYTES) return { code: 'MESSAGE_TOO_LONG', message: 'The image is larger than 10 MB.' };
  const type = await sniffImageType(file).catch(() => null);
  if (!type) return { code: 'VALIDATION_FAILED', message: 'unsupported image type' };
  return null;
}

const failure = (code: WireError['code'], message: string): UploadResult => ({ ok: false, error: { code, message } });

export function httpAttachments(serverUrl: string, websiteKey: string, token: () => string | null): AttachmentIo {
  const endpoint = (path: string) => `${serverUrl.replace(/\/+$/, '')}${path}?websiteKey=${encodeURIComponent(websiteKey)}`;
  return {
    upload(file, onProgress) {
      const bearer = token();
      if (!bearer) return Promise.resolve(failure('UNAUTHENTICATED', 'No conversation yet.'));
      return new Promise((resolve) => {
        const xhr = new XMLHttpRequest();
        xhr.open('POST', endpoint('/api/v1/attachments'));
        xhr.setRequestHeader('Authorization', `Bearer ${bearer}`);
        xhr.responseType = 'json';
        xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
        xhr.onload = () => {
          const body = xhr.response as { attachment?: Attachment; error?: WireError } | null;
          if (xhr.status < 300 && body?.attachment) resolve({ ok: true, attachment: body.attachment });
          else if (body?.error?.code) resolve({ ok: false, error: body.error });
          else resolve(failure(xhr.status === 413 ? 'MESSAGE_TOO_LONG' : 'INTERNAL', `Upload failed (${xhr.status}).`));
        };
        xhr.onerror = xhr.ontimeout = () => resolve(failure('UNAVAILABLE', 'The upload did not reach the server.'));
        const body = new FormData();
        body.set('file', file, file.name);
        xhr.send(body);
      });
    },
    async imageSrc(url) {
      const bearer = token();
      const res = await fetch(endpoint(url), { headers: bearer ? { Authorization: `Bearer ${bearer}` } : {} });
      if (!res.ok) throw new Error(`image ${res.status}`);
      return URL.createObjectURL(await res.blob());
    },
  };
}
