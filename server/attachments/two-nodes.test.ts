import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Attachment, ImageMessage, Message, Offer, SyncResult, VisitorSendResult } from '../../protocol/index.ts';
import type { RunningServer } from '../main.ts';
import { DEMO } from '../services/seed-demo.ts';
import { call, connectAgent, connectVisitor, expectOk, loginCookie, nextMatching } from '../testing/test-kit.ts';
import { useTwoNodes } from '../testing/two-nodes.ts';
import * as img from './test-images.ts';

/**
 * Issue 18: an image uploaded through one node shows through another. Two server instances on one
 * Postgres (Redis for the live fan-out) with the default store, the database: the visitor uploads and
 * sends through node A; the agent on node B sees the message live and loads the image from B, and the
 * visitor, back on node B, loads it from there too.
 */
const databaseUrl = process.env.DATABASE_URL;
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe.skipIf(!databaseUrl)('attachments across two nodes', () => {
  const { nodes } = useTwoNodes(databaseUrl!, redisUrl, 4);

  it('an image uploaded and sent through node A shows through node B, to the agent and to the visitor', { timeout: 120_000 }, async () => {
    const [nodeA, nodeB] = nodes as [RunningServer, RunningServer];
    const grace = await connectAgent(nodeB, DEMO.agent2Email, DEMO.agentPassword);
    await expectOk(call(grace, 'presence:set', { channel: 'chat', state: 'ready' }));

    // The visitor starts a chat on A; Grace, on B, takes it.
    const visitor = await connectVisitor(nodeA);
    const offered = nextMatching<Offer>(grace, 'offer');
    const sent = await expectOk(call<VisitorSendResult>(visitor, 'message:send', { clientId: randomUUID(), text: 'My parcel arrived broken' }));
    await expectOk(call(grace, 'offer:accept', { offerId: (await offered).id }));

    // Uploaded through A, sent through A.
    const bytes = img.jpeg(1280, 960);
    const body = new FormData();
    body.set('file', new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' }), 'parcel.jpg');
    const bearer = { authorization: `Bearer ${sent.token}` };
    const uploaded = await fetch(`${nodeA.url}/api/v1/attachments`, { method: 'POST', body, headers: bearer });
    expect(uploaded.status).toBe(201);
    const { attachment } = (await uploaded.json()) as { attachment: Attachment };
    const seenByGrace = nextMatching<Message>(grace, 'message', (m) => m.kind === 'image');
    await expectOk(call(visitor, 'message:send', { clientId: randomUUID(), attachmentId: attachment.id, text: 'See?' }));

    // Grace, on B, sees the message live and loads the image from B.
    const image = (await seenByGrace) as ImageMessage;
    expect(image.attachment).toMatchObject({ id: attachment.id, type: 'image/jpeg', width: 1280, height: 960 });
    const graceCookie = await loginCookie(nodeB, DEMO.agent2Email, DEMO.agentPassword);
    const forGrace = await fetch(`${nodeB.url}${image.attachment.url}`, { headers: { cookie: graceCookie } });
    expect([forGrace.status, forGrace.headers.get('content-type')]).toEqual([200, 'image/jpeg']);
    expect(new Uint8Array(await forGrace.arrayBuffer())).toEqual(new Uint8Array(bytes));

    // The visitor comes back on B: the transcript holds the image, and B serves it.
    const back = await connectVisitor(nodeB, { token: sent.token! });
    const synced = await expectOk(call<SyncResult>(back, 'sync', { afterSeq: 0 }));
    const inTranscript = synced.events.find((m): m is ImageMessage => m.kind === 'image');
    expect(inTranscript?.attachment.id).toBe(attachment.id);
    const forVisitor = await fetch(`${nodeB.url}${inTranscript!.attachment.url}`, { headers: bearer });
    expect(forVisitor.status).toBe(200);
    expect(new Uint8Array(await forVisitor.arrayBuffer())).toEqual(new Uint8Array(bytes));
  });
});
