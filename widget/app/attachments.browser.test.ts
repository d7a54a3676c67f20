/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import type { Attachment } from '../../protocol/attachments.ts';
import { FakeServer, waitFor } from '../testing/fake-server.ts';
import { sniffImageType, type AttachmentIo, type UploadResult } from '../transport/attachments.ts';
import { createStore, STORAGE_KEYS, type KeyValueStore } from '../transport/storage.ts';
import { mount, type MessengerHandle } from './index.ts';

/** A real 2×2 PNG, so the <img> actually decodes. */
const PNG_SRC = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAADklEQVR4nGOoBwMGCAUAKboF9Rf06ToAAAAASUVORK5CYII=';

/** The bytes of PNG_SRC: what a real PNG file holds. */
const PNG_BYTES = Uint8Array.from(atob(PNG_SRC.split(',')[1]!), (c) => c.charCodeAt(0));

let n = 0;
let handle: MessengerHandle | null = null;
const attachment = (over: Partial<Attachment> = {}): Attachment => ({
  id: crypto.randomUUID(), conversationId: '6f1d7c2e-2b1a-4c3d-9e8f-0a1b2c3d4e5f', name: 'photo.png',
  type: 'image/png', size: 68, width: 2, height: 2, url: '/api/v1/attachments/x', ...over,
});

/** Fake HTTP side: uploads wait until the test lets them finish. */
class FakeAttachments implements AttachmentIo {
  readonly uploads: File[] = [];
  progress: ((fraction: number) => void) | null = null;
  private finish: ((result: UploadResult) => void) | null = null;
  upload(file: File, onProgress: (fraction: number) => void): Promise<UploadResult> {
    this.uploads.push(file);
    this.progress = onProgress;
    return new Promise((resolve) => (this.finish = resolve));
  }
  complete(result: UploadResult): void {
    this.finish?.(result);
  }
  async imageSrc(): Promise<string> {
    return PNG_SRC;
  }
}

async function mountWith(server: FakeServer, io: AttachmentIo, withToken = true): Promise<MessengerHandle> {
  const store: KeyValueStore = createStore(`attach-test-${Date.now()}-${n++}`);
  if (withToken) store.set(STORAGE_KEYS.token, server.token);
  store.set(STORAGE_KEYS.open, true);
  handle = await mount({ websiteKey: 'demo-shop', serverUrl: location.origin, locale: 'en', config: null, linkFactory: server.factory, store, heartbeat: false, attachments: io });
  await handle.element.updateComplete;
  return handle;
}
const $ = <T extends Element = HTMLElement>(h: MessengerHandle, selector: string) => h.element.shadowRoot!.querySelector<T & Element>(selector);
const byId = <T extends Element = HTMLElement>(h: MessengerHandle, testid: string) => $<T>(h, `[data-testid="${testid}"]`);

function pick(h: MessengerHandle, file: File): void {
  const input = byId<HTMLInputElement>(h, 'attach-input')!;
  const files = new DataTransfer();
  files.items.add(file);
  input.files = files.files;
  input.dispatchEvent(new Event('change', { bubbles: true }));
}

describe('<parley-messenger> images', () => {
  afterEach(() => {
    handle?.destroy();
    handle = null;
  });

  it('renders an image message as an <img> whose caption stays text', async () => {
    const server = new FakeServer();
    const hostile = '<img src=x onerror="window.__pwned=1"><b>bold</b>';
    server.image({ kind: 'agent', id: 'agent-1', name: 'Ada' }, attachment(), hostile);
    server.image({ kind: 'agent', id: 'agent-1', name: 'Ada' }, attachment(), '');
    const h = await mountWith(server, new FakeAttachments());
    await waitFor(() => h.element.shadowRoot!.querySelectorAll('[data-testid="message"][data-kind="image"] img').length === 2, 'two images shown');
    const [captioned, bare] = [...h.element.shadowRoot!.querySelectorAll<HTMLElement>('[data-testid="message"][data-kind="image"]')];
    const img = captioned!.querySelector('img')!;
    expect(img.getAttribute('alt')).to.equal(hostile);
    expect(captioned!.querySelector('[data-testid="message-text"]')!.textContent).to.equal(hostile);
    expect(captioned!.querySelectorAll('img').length).to.equal(1); // no markup from the caption
    expect(captioned!.querySelector('b')).to.equal(null);
    expect((window as { __pwned?: number }).__pwned).to.equal(undefined);
    const link = captioned!.querySelector<HTMLAnchorElement>('[data-testid="image-link"]')!;
    expect(link.target).to.equal('_blank');
    expect(link.href).to.equal(img.src);
    await waitFor(() => img.complete && img.naturalWidth === 2, 'image decoded');
    expect(bare!.querySelector('img')!.getAttribute('alt')).to.equal('Image');
    expect(bare!.querySelector('[data-testid="message-text"]')).to.equal(null);
  });

  it('attaches: upload progress, then sends the image through the outbox with the draft as caption', async () => {
    const server = new FakeServer();
    const io = new FakeAttachments();
    const h = await mountWith(server, io);
    await waitFor(() => !!byId(h, 'attach-button'), 'attach button');
    const composer = byId<HTMLTextAreaElement>(h, 'composer')!;
    composer.value = 'My broken teapot';
    composer.dispatchEvent(new InputEvent('input'));
    pick(h, new File([PNG_BYTES], 'teapot.png', { type: 'image/png' }));
    await waitFor(() => io.uploads.length === 1, 'upload started');
    io.progress!(0.5);
    await waitFor(() => byId<HTMLProgressElement>(h, 'upload-progress')?.value === 50, 'progress at 50%');
    expect(byId(h, 'upload-status')!.textContent).to.contain('50%');
    expect(byId<HTMLButtonElement>(h, 'attach-button')!.disabled).to.equal(true);

    const uploaded = attachment({ name: 'teapot.png' });
    server.attachments.set(uploaded.id, uploaded);
    io.complete({ ok: true, attachment: uploaded });
    await waitFor(() => $(h, '[data-testid="message"][data-kind="image"][data-status="sent"] img') !== null, 'image sent');
    expect(byId(h, 'upload-progress')).to.equal(null);
    expect(server.sends.map((s) => ({ attachmentId: s.attachmentId, text: s.text }))).to.deep.equal([{ attachmentId: uploaded.id, text: 'My broken teapot' }]);
    expect($(h, '[data-kind="image"] [data-testid="message-text"]')!.textContent).to.equal('My broken teapot');
    expect(byId<HTMLTextAreaElement>(h, 'composer')!.value).to.equal('');
  });

  it('refuses an oversized or non-image file in the composer without uploading', async () => {
    const server = new FakeServer();
    const io = new FakeAttachments();
    const h = await mountWith(server, io);
    await waitFor(() => !!byId(h, 'attach-input'), 'attach input');
    pick(h, new File([new Uint8Array(10 * 1024 * 1024 + 1)], 'huge.png', { type: 'image/png' }));
    await waitFor(() => !!byId(h, 'composer-error'), 'composer error');
    expect(byId(h, 'composer-error')!.textContent).to.equal('This image is too large (10 MB at most).');
    pick(h, new File(['<svg xmlns="http://www.w3.org/2000/svg"/>'], 'logo.svg', { type: 'image/svg+xml' }));
    await waitFor(() => byId(h, 'composer-error')!.textContent === 'Only PNG, JPEG, WebP and GIF images can be sent.', 'type refused');
    expect(io.uploads.length).to.equal(0);
  });

  it('refuses a disguised file (named and typed as a PNG, but not one) before uploading, and sends nothing', async () => {
    const server = new FakeServer();
    const io = new FakeAttachments();
    const h = await mountWith(server, io);
    await waitFor(() => !!byId(h, 'attach-input'), 'attach input');
    const composer = byId<HTMLTextAreaElement>(h, 'composer')!;
    composer.value = 'see attached';
    composer.dispatchEvent(new InputEvent('input'));
    pick(h, new File(['<html><script>alert(1)</script></html>'], 'photo.png', { type: 'image/png' }));
    await waitFor(() => byId(h, 'composer-error')?.textContent === 'Only PNG, JPEG, WebP and GIF images can be sent.', 'disguised file refused');
    expect(byId(h, 'composer-error')!.getAttribute('role')).to.equal('alert');
    expect(byId(h, 'composer')!.getAttribute('aria-invalid')).to.equal('true');
    expect(io.uploads.length).to.equal(0);
    expect(server.sends.length).to.equal(0);
    expect(byId<HTMLTextAreaElement>(h, 'composer')!.value).to.equal('see attached'); // the draft is kept
  });

  it('recognises PNG, JPEG, GIF and WebP by their bytes, whatever the file says', async () => {
    const file = (bytes: number[] | string, type = '') => new File([typeof bytes === 'string' ? bytes : new Uint8Array(bytes)], 'x', { type });
    const riff = [0x52, 0x49, 0x46, 0x46, 1, 2, 3, 4, 0x57, 0x45, 0x42, 0x50];
    expect(await sniffImageType(file([...PNG_BYTES]))).to.equal('image/png');
    expect(await sniffImageType(file([0xff, 0xd8, 0xff, 0xe0, 0, 0x10], 'image/png'))).to.equal('image/jpeg');
    expect(await sniffImageType(file('GIF89a\x01\x00'))).to.equal('image/gif');
    expect(await sniffImageType(file(riff, 'image/gif'))).to.equal('image/webp');
    expect(await sniffImageType(file('<svg xmlns="http://www.w3.org/2000/svg"/>', 'image/svg+xml'))).to.equal(null);
    expect(await sniffImageType(file([0x52, 0x49, 0x46, 0x46, 1, 2, 3, 4, 0x57, 0x41, 0x56, 0x45]))).to.equal(null); // a WAV
    expect(await sniffImageType(file([]))).to.equal(null);
  });

  it('shows a typed error when the server refuses the upload, and sends nothing', async () => {
    const server = new FakeServer();
    const io = new FakeAttachments();
    const h = await mountWith(server, io);
    await waitFor(() => !!byId(h, 'attach-input'), 'attach input');
    pick(h, new File([PNG_BYTES.slice(0, 12)], 'truncated.png', { type: 'image/png' })); // passes the magic-byte pre-check
    await waitFor(() => io.uploads.length === 1, 'upload started');
    io.complete({ ok: false, error: { code: 'VALIDATION_FAILED', message: 'unsupported image type' } });
    await waitFor(() => byId(h, 'composer-error')?.textContent === 'Only PNG, JPEG, WebP and GIF images can be sent.', 'server refusal shown');
    expect(server.sends.length).to.equal(0);
    expect(byId(h, 'upload-progress')).to.equal(null);
  });

  it('offers no attach button before the visitor has a conversation', async () => {
    const h = await mountWith(new FakeServer(), new FakeAttachments(), false);
    await waitFor(() => !!byId(h, 'composer'), 'composer');
    expect(byId(h, 'attach-button')).to.equal(null);
  });
});
