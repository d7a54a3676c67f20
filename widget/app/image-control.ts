import type { ReactiveController } from 'lit';
import type { Attachment } from '../../protocol/attachments.ts';
import { checkImage } from '../transport/attachments.ts';
import type { MessengerElement } from './messenger-element.ts';
import { attachError, errorText } from './views.ts';

/**
 * The element's images: received ones are fetched with the visitor's credentials and shown
 * as blob: URLs (revoked when the element goes); a picked file is pre-checked (size, magic
 * bytes), uploaded with progress and sent through the outbox. Errors land in the composer.
 */
export class ImageControl implements ReactiveController {
  /** 0..1 while an image uploads, else null. */
  progress: number | null = null;
  /** attachment id → blob URL, or null when it could not be loaded; absent = loading. */
  private readonly images = new Map<string, string | null>();
  private readonly loading = new Set<string>();
  private busy = false;

  constructor(private readonly host: MessengerElement) {
    host.addController(this);
  }

  hostDisconnected(): void {
    this.images.forEach((src) => src && URL.revokeObjectURL(src));
    this.images.clear();
  }

  /** Starts loading an image once; the row re-renders when it is there. */
  src(attachment: Attachment): string | null | undefined {
    if (this.images.has(attachment.id)) return this.images.get(attachment.id);
    if (!this.loading.has(attachment.id)) {
      this.loading.add(attachment.id);
      void this.host.attachments.imageSrc(attachment.url).then(
        (src) => this.loaded(attachment.id, src),
        () => this.loaded(attachment.id, null),
      );
    }
    return undefined;
  }

  private loaded(id: string, src: string | null): void {
    this.loading.delete(id);
    this.images.set(id, src);
    this.host.requestUpdate();
  }

  private setProgress(fraction: number | null): void {
    this.progress = fraction;
    this.host.requestUpdate();
  }

  /** The visitor picked a file: pre-check, upload with progress, then send through the outbox. */
  async attach(input: HTMLInputElement): Promise<void> {
    const host = this.host;
    const file = input.files?.[0];
    input.value = ''; // picking the same file again must fire `change`
    if (!file || this.busy) return;
    this.busy = true;
    try {
      const refused = await checkImage(file);
      if (refused) {
        host.composerError = attachError(host.t, refused.code);
        return;
      }
      host.composerError = null;
      this.setProgress(0);
      const result = await host.attachments.upload(file, (fraction) => this.setProgress(fraction));
      this.setProgress(null);
      if (!result.ok) {
        host.composerError = attachError(host.t, result.error.code);
        return;
      }
      // The draft, if any, becomes the caption.
      const sent = host.client.sendImage(result.attachment, host.draft);
      if (!sent.ok) {
        host.composerError = errorText(host.t, sent.error.code, host.draft.trim().length);
        return;
      }
      host.draft = '';
    } finally {
      this.busy = false;
    }
  }
}
