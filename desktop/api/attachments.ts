import { IMAGE_TYPES, MAX_ATTACHMENT_BYTES, UploadResponse, type Attachment } from '../../protocol/index.ts';
import { ApiError } from './api-error.ts';

/** Uploads an image for a conversation; how the desk sends files (tests inject a fake). */
export type Uploader = (conversationId: string, file: File, onProgress: (fraction: number) => void) => Promise<Attachment>;

/** Checked before uploading so the agent hears at once; the server checks the bytes again. */
export function checkImage(file: File): ApiError | null {
  if (!(IMAGE_TYPES as readonly string[]).includes(file.type)) return new ApiError('VALIDATION_FAILED', 'unsupported image type');
  if (file.size === 0 || file.size > MAX_ATTACHMENT_BYTES) return new ApiError('VALIDATION_FAILED', 'image too large');
  return null;
}

/** `POST /api/v1/attachments` (multipart `file` + `conversationId`) with XHR, for upload progress. */
export const uploadAttachment: Uploader = (conversationId, file, onProgress) =>
  new Promise((resolve, reject) => {
    const form = new FormData();
    form.append('conversationId', conversationId);
    form.append('file', file, file.name || 'image');
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/v1/attachments');
    xhr.withCredentials = true;
    xhr.responseType = 'json';
    xhr.setRequestHeader('accept', 'application/json');
    xhr.upload.onprogress = (event) => event.lengthComputable && onProgress(event.loaded / event.total);
    xhr.onerror = () => reject(new ApiError('UNAVAILABLE'));
    xhr.onload = () => {
      const body: unknown = xhr.response;
      if (xhr.status < 200 || xhr.status >= 300) {
        const wire = body && typeof body === 'object' && 'error' in body ? body.error : null;
        return reject(wire ? ApiError.fromWire(wire, xhr.status) : new ApiError('UNAVAILABLE', undefined, xhr.status));
      }
      const parsed = UploadResponse.safeParse(body);
      if (!parsed.success) return reject(new ApiError('INTERNAL', 'Unexpected answer from the server.', xhr.status));
      onProgress(1);
      resolve(parsed.data.attachment);
    };
    xhr.send(form);
  });
