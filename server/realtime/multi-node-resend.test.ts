import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { Attachment, Message, VisitorSendResult } from '../../protocol/index.ts';
import * as img from '../attachments/test-images.ts';
import type { RunningServer } from '../main.ts';
import { agentSocket, call, collect, connectVisitor, expectOk, loginCookie } from '../testing/test-kit.ts';
import { useTwoNodes } from '../testing/two-nodes.ts';

/**
 * The desktop's outbox resends a message whose answer was lost (its node died) with the same client
 * id, and the desktop may well reconnect to the other node. There, the resend must be answered with
 * the message stored the first time, and nobody may receive it a second time: text and image alike.
 */
const databaseUrl = process.env.DATABASE_URL;
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe.skipIf(!databaseUrl)('an agent message resent on the other node', () => {
  const uploadDir = mkdtempSync(join(tmpdir(), 'parley-resend-uploads-'));
  const { nodes } = useTwoNodes(databaseUrl!, redisUrl, 4, {}, { uploadDir });
  afterAll(() => rmSync(uploadDir, { recursive: true, force: true }));

  const open = async (node: RunningServer, cookie: string) => {
    const socket = agentSocket(node, cookie);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return socket;
  };

  it('is answered with the stored message and published once, for a text and an image', { timeout: 120_000 }, async () => {
    const [nodeA, nodeB] = nodes as [RunningServer, RunningServer];
    const cookie = await loginCookie(nodeA);
    const onA = await open(nodeA, cookie);
    // The visitor and a second desk tab of the agent watch from node B and node A.
    const visitor = await connectVisitor(nodeB);
    const first = await expectOk(call<VisitorSendResult>(visitor, 'message:send', { clientId: randomUUID(), text: 'Hello?' }));
    const { conversationId } = first;
    await expectOk(call(onA, 'conversation:take', { conversationId }));
    const watcher = await open(nodeA, cookie);
    await expectOk(call(watcher, 'conversation:open', { conversationId }));
    const seenByVisitor = collect<Message>(visitor, 'message');
    const seenByWatcher = collect<Message>(watcher, 'message');

    // A text and an image go out through node A.
    const textId = randomUUID();
    const text = await expectOk(call<{ message: Message }>(onA, 'message:send', { conversationId, clientId: textId, text: 'Let me check' }));
    const form = new FormData();
    form.set('file', new Blob([img.png(4, 4) as Uint8Array<ArrayBuffer>], { type: 'image/png' }), 'label.png');
    form.set('conversationId', conversationId);
    const uploaded = await fetch(`${nodeA.url}/api/v1/attachments`, { method: 'POST', body: form, headers: { cookie } });
    expect(uploaded.status).toBe(201);
    const { attachment } = (await uploaded.json()) as { attachment: Attachment };
    const imageId = randomUUID();
    const image = await expectOk(call<{ message: Message }>(onA, 'message:send', { conversationId, clientId: imageId, attachmentId: attachment.id, text: '' }));

    // Node A "dies" for this desktop: it comes back on node B and its outbox sends both again.
    onA.disconnect();
    const onB = await open(nodeB, cookie);
    const textAgain = await expectOk(call<{ message: Message }>(onB, 'message:send', { conversationId, clientId: textId, text: 'Let me check' }));
    const imageAgain = await expectOk(call<{ message: Message }>(onB, 'message:send', { conversationId, clientId: imageId, attachmentId: attachment.id, text: '' }));
    expect(textAgain.message).toEqual(text.message);
    expect(imageAgain.message).toEqual(image.message);

    // A later message from node B arrives after anything the resends could have published.
    const marker = await expectOk(call<{ message: Message }>(onB, 'message:send', { conversationId, clientId: randomUUID(), text: 'Found it' }));
    const arrived = (seen: Message[]) => seen.some((m) => m.clientId === marker.message.clientId);
    await vi.waitFor(() => expect(arrived(seenByVisitor) && arrived(seenByWatcher)).toBe(true), { timeout: 30_000 });
    for (const seen of [seenByVisitor, seenByWatcher]) {
      expect(seen.filter((m) => m.kind !== 'event').map((m) => m.clientId)).toEqual([textId, imageId, marker.message.clientId]);
    }
    const transcript = await expectOk(call<{ events: Message[] }>(onB, 'sync', { conversationId, afterSeq: 0 }));
    expect(transcript.events.filter((m) => m.clientId === textId || m.clientId === imageId)).toHaveLength(2);
    onB.disconnect();
    watcher.disconnect();
  });
});
