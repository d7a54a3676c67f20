/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import type { Attachment } from '../../protocol/index.ts';
import { mountDesk, rerender, until, type MountedDesk } from '../testing/desk-harness.tsx';
import { CONVERSATION_ID, deferred, summary } from '../testing/fakes.ts';

const ATTACHMENT: Attachment = {
  id: '99999999-3333-4000-8000-000000000001',
  conversationId: CONVERSATION_ID,
  name: 'box.png',
  type: 'image/png',
  size: 1234,
  width: 40,
  height: 30,
  url: '/api/v1/attachments/99999999-3333-4000-8000-000000000001',
};

describe('composer tools: emoji and image attachment', () => {
  let ui: MountedDesk | null = null;
  afterEach(() => {
    ui?.unmount();
    ui = null;
  });

  it('inserts an emoji picked with the keyboard at the cursor', async () => {
    ui = await mountDesk({ mine: [summary()] });
    await ui.openChat();
    const input = ui.$('composer-input') as HTMLTextAreaElement;
    input.focus();
    await sendKeys({ type: 'Thanks' });
    ui.$('emoji-button')!.click();
    await until(() => document.activeElement === ui!.$$('emoji-option')[0], 'focus in the picker');
    await sendKeys({ press: 'ArrowRight' });
    await sendKeys({ press: 'Enter' });
    await until(() => input.value === 'Thanks😊', 'the emoji in the draft');
    expect(ui.$('emoji-picker')).to.equal(null);
  });

  it('uploads an image with progress, then sends it and shows a thumbnail', async () => {
    const upload = deferred<Attachment>();
    const progress: ((fraction: number) => void)[] = [];
    ui = await mountDesk({
      mine: [summary()],
      upload: (conversationId, file, onProgress) => {
        expect(conversationId).to.equal(CONVERSATION_ID);
        expect(file.name).to.equal('box.png');
        progress.push(onProgress);
        return upload.promise;
      },
    });
    ui.client.respond('message:send', async (input) => ({
      message: { kind: 'image', id: '44444444-4444-4444-8444-999999999999', conversationId: CONVERSATION_ID, seq: 2, clientId: input.clientId, author: { kind: 'agent', id: null, name: 'Ada' }, createdAt: '2025-01-01T10:02:00.000Z', text: '', attachment: ATTACHMENT },
    }));
    await ui.openChat();
    const file = new File([new Uint8Array([137, 80, 78, 71])], 'box.png', { type: 'image/png' });
    const input = ui.$('attach-input') as HTMLInputElement;
    const transfer = new DataTransfer();
    transfer.items.add(file);
    input.files = transfer.files;
    input.dispatchEvent(new Event('change', { bubbles: true }));
    await rerender();
    progress[0]!(0.5);
    await rerender();
    expect((ui.$('attach-progress') as HTMLProgressElement).value).to.equal(0.5);
    upload.resolve(ATTACHMENT);
    await until(() => ui!.$('message-image') !== null, 'the thumbnail');
    expect(ui.client.callsOf('message:send')).to.have.length(1);
    expect(ui.client.callsOf('message:send')[0]).to.include({ conversationId: CONVERSATION_ID, attachmentId: ATTACHMENT.id });
    expect(ui.$('message-image')!.getAttribute('src')).to.equal(ATTACHMENT.url);
    expect(ui.$('attach-progress')).to.equal(null);
  });

  it('refuses a non-image file inline without uploading', async () => {
    ui = await mountDesk({ mine: [summary()], upload: () => Promise.reject(new Error('must not upload')) });
    await ui.openChat();
    ui.desk.sendImage(CONVERSATION_ID, new File(['%PDF'], 'invoice.pdf', { type: 'application/pdf' }));
    await rerender();
    expect(ui.$('composer-error')!.textContent).to.contain('Only PNG, JPEG, WebP or GIF');
  });
});
