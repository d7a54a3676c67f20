import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { count, eq } from 'drizzle-orm';
import { SignJWT } from 'jose';
import { AppError, MAX_ATTACHMENT_BYTES, type IdentifyResult, type VisitorSendResult } from '../../protocol/index.ts';
import { attachmentBlobChunks, attachmentBlobs, attachments, websites } from '../db/schema.ts';
import type { Database } from '../db/client.ts';
import { backends } from '../db/test-backends.ts';
import { startServer, type RunningServer } from '../main.ts';
import { startLocalS3, type LocalS3 } from '../testing/s3-server.ts';
import { call, closeSockets, connectVisitor, expectOk, loginCookie } from '../testing/test-kit.ts';
import { attachImage } from './attach.ts';
import * as img from './test-images.ts';

const TEST_ENV = { port: 0, host: '127.0.0.1', publicUrl: null, seedDemo: true, seedDemoAssistant: false, logLevel: 'silent', secret: 'attachments-test-secret-0123456789' } as const;

/** A visitor with a conversation: their token and conversation id. */
async function newVisitor(server: RunningServer): Promise<{ token: string; conversationId: string }> {
  const socket = await connectVisitor(server);
  const sent = await expectOk(call<VisitorSendResult>(socket, 'message:send', { clientId: randomUUID(), text: 'Hello, a photo follows' }));
  return { token: sent.token!, conversationId: sent.conversationId };
}

function form(bytes: Uint8Array, name: string, type: string, conversationId?: string): FormData {
  const data = new FormData();
  data.set('file', new Blob([bytes as Uint8Array<ArrayBuffer>], { type }), name);
  if (conversationId) data.set('conversationId', conversationId);
  return data;
}

describe.each(backends)('attachments on $name', (backend) => {
  let database: Database;
  let server: RunningServer;
  let cookie: string;
  let alice: { token: string; conversationId: string };
  let bob: { token: string; conversationId: string };
  const upload = (body: FormData, headers: Record<string, string>) => fetch(`${server.url}/api/v1/attachments`, { method: 'POST', body, headers });
  const asVisitor = (v: { token: string }) => ({ authorization: `Bearer ${v.token}` });

  beforeAll(async () => {
    database = await backend.open();
    // The default store: the bytes in the database itself.
    server = await startServer({ database, env: TEST_ENV, banner: false, webhooks: false });
    cookie = await loginCookie(server);
    alice = await newVisitor(server);
    bob = await newVisitor(server);
  });
  afterEach(() => closeSockets());
  afterAll(async () => {
    await server?.close();
    await database?.close();
  });
  const stored = async () => ({
    attachments: (await database.db.select({ n: count() }).from(attachments))[0]!.n,
    blobs: (await database.db.select({ n: count() }).from(attachmentBlobs))[0]!.n,
    chunks: (await database.db.select({ n: count() }).from(attachmentBlobChunks))[0]!.n,
  });

  it.each([
    ['png', img.png(3, 2), 'image/png'],
    ['jpeg', img.jpeg(640, 480), 'image/jpeg'],
    ['webp', img.webp(1024, 768), 'image/webp'],
    ['gif', img.gif(16, 9), 'image/gif'],
  ] as const)('accepts a %s with the type and size read from its bytes', async (_name, bytes, type) => {
    // Declared type and extension lie on purpose: only the bytes count.
    const res = await upload(form(bytes, '../../etc/photo.bin', 'application/octet-stream'), asVisitor(alice));
    expect(res.status).toBe(201);
    const { attachment } = await res.json();
    const [width, height] = { 'image/png': [3, 2], 'image/jpeg': [640, 480], 'image/webp': [1024, 768], 'image/gif': [16, 9] }[type];
    expect(attachment).toMatchObject({ conversationId: alice.conversationId, type, width, height, size: bytes.byteLength, name: 'photo.bin' });
    expect(attachment.url).toBe(`/api/v1/attachments/${attachment.id}`);

    const got = await fetch(`${server.url}${attachment.url}`, { headers: asVisitor(alice) });
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe(type);
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
    expect(got.headers.get('content-disposition')).toMatch(/^inline; filename="photo\.bin\.(png|jpg|webp|gif)"/);
    expect(got.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(got.headers.get('cache-control')).toMatch(/private/);
    expect(new Uint8Array(await got.arrayBuffer())).toEqual(new Uint8Array(bytes));
  });

  it.each([
    ['an SVG', img.svg(), 'drawing.svg', 'image/svg+xml'],
    ['an SVG named .png', img.svg(), 'drawing.png', 'image/png'],
    ['an HTML page renamed .png', img.html(), 'cat.png', 'image/png'],
  ])('refuses %s as an unsupported image type', async (_what, bytes, name, type) => {
    const res = await upload(form(bytes, name, type), asVisitor(alice));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { code: 'VALIDATION_FAILED', message: 'unsupported image type' } });
  });

  it('refuses a file over 10 MB with 413, even with a PNG header', async () => {
    const big = new Uint8Array(MAX_ATTACHMENT_BYTES + 1);
    big.set(img.png(1, 1));
    const res = await upload(form(big, 'big.png', 'image/png'), asVisitor(alice));
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe('MESSAGE_TOO_LONG');
  });

  it('keeps a multi-chunk image whole in the database, and leaves nothing behind a refused upload', async () => {
    // 10 MB exactly: the largest accepted, forty 256 KiB chunks.
    const large = new Uint8Array(MAX_ATTACHMENT_BYTES);
    for (let i = 0; i < large.length; i += 4093) large[i] = i % 251;
    large.set(img.png(4000, 3000));
    const res = await upload(form(large, 'poster.png', 'image/png'), asVisitor(alice));
    expect(res.status).toBe(201);
    const { attachment } = await res.json();
    expect(attachment).toMatchObject({ size: MAX_ATTACHMENT_BYTES, width: 4000, height: 3000 });
    const got = await fetch(`${server.url}${attachment.url}`, { headers: asVisitor(alice) });
    expect(got.headers.get('content-length')).toBe(String(MAX_ATTACHMENT_BYTES));
    // Compared as one buffer: a deep equality over ten million elements would take minutes.
    expect(Buffer.from(await got.arrayBuffer()).equals(large)).toBe(true);

    const before = await stored();
    const refused = [
      await upload(form(img.svg(), 'drawing.svg', 'image/svg+xml'), asVisitor(alice)),
      await upload(form(new Uint8Array(MAX_ATTACHMENT_BYTES + 1).fill(0x89, 0, 1), 'big.png', 'image/png'), asVisitor(alice)),
      await upload(form(img.png(1, 1), 'a.png', 'image/png', bob.conversationId), asVisitor(alice)),
    ];
    expect(refused.map((r) => r.status)).toEqual([400, 413, 404]);
    expect(await stored()).toEqual(before);
  });

  it('keeps visitors to their own conversation; others get 404', async () => {
    // Bob cannot upload into Alice's conversation …
    const into = await upload(form(img.png(1, 1), 'a.png', 'image/png', alice.conversationId), asVisitor(bob));
    expect(into.status).toBe(404);
    // … nor fetch Alice's image; a random id answers the same, so existence does not leak.
    const mine = await (await upload(form(img.png(2, 2), 'a.png', 'image/png'), asVisitor(alice))).json();
    const stolen = await fetch(`${server.url}${mine.attachment.url}`, { headers: asVisitor(bob) });
    const missing = await fetch(`${server.url}/api/v1/attachments/${randomUUID()}`, { headers: asVisitor(alice) });
    expect([stolen.status, missing.status]).toEqual([404, 404]);
    expect((await stolen.json()).error.code).toBe('NOT_FOUND');
    // Anonymous callers are refused outright.
    expect((await fetch(`${server.url}${mine.attachment.url}`)).status).toBe(401);
  });

  it('lets an agent upload to a conversation and fetch any attachment with the session cookie', async () => {
    const visitorImage = (await (await upload(form(img.gif(4, 4), 'v.gif', 'image/gif'), asVisitor(alice))).json()).attachment;
    const got = await fetch(`${server.url}${visitorImage.url}`, { headers: { cookie } });
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('image/gif');

    const res = await upload(form(img.png(5, 5), 'reply.png', 'image/png', alice.conversationId), { cookie });
    expect(res.status).toBe(201);
    const agentImage = (await res.json()).attachment;
    expect((await fetch(`${server.url}${agentImage.url}`, { headers: asVisitor(alice) })).status).toBe(200);
    const noConversation = await upload(form(img.png(5, 5), 'reply.png', 'image/png'), { cookie });
    expect((await noConversation.json()).error.code).toBe('VALIDATION_FAILED');
  });

  it('takes an agent’s (cookie) upload only from the own origin, and only multipart bodies (CSRF)', async () => {
    const sibling = `http://localhost:${Number(new URL(server.url).port) + 1}`;
    const forged = await upload(form(img.png(5, 5), 'forged.png', 'image/png', alice.conversationId), { cookie, origin: sibling });
    expect([forged.status, (await forged.json()).error.code]).toEqual([403, 'ORIGIN_NOT_ALLOWED']);
    const fromDesktop = await upload(form(img.png(5, 5), 'reply.png', 'image/png', alice.conversationId), { cookie, origin: new URL(server.url).origin });
    expect(fromDesktop.status).toBe(201);
    // A visitor's upload authenticates with its bearer token, from the website's origins (not the server's).
    const visitor = await upload(form(img.png(1, 1), 'a.png', 'image/png'), { ...asVisitor(alice), origin: new URL(server.url).origin });
    expect(visitor.status).toBe(201);
    const notMultipart = await fetch(`${server.url}/api/v1/attachments`, { method: 'POST', headers: { cookie, 'content-type': 'text/plain' }, body: 'file=x' });
    expect([notMultipart.status, (await notMultipart.json()).error.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
  });

  it('allows cross-origin uploads only from the website’s origins', async () => {
    const preflight = (origin: string) =>
      fetch(`${server.url}/api/v1/attachments?websiteKey=demo-shop`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
      });
    expect((await preflight(new URL(server.url).origin)).headers.get('access-control-allow-origin')).toBe(new URL(server.url).origin);
    expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
    const res = await upload(form(img.png(1, 1), 'a.png', 'image/png'), { ...asVisitor(alice), origin: 'https://evil.example' });
    expect((await res.json()).error.code).toBe('ORIGIN_NOT_ALLOWED');
  });

  it('a verified user’s images follow them to another device; a logged-out browser’s token fetches nothing', async () => {
    const secret = 'attachments-identity-secret-0123456789';
    await database.db.update(websites).set({ identitySecret: secret }).where(eq(websites.key, 'demo-shop'));
    const jwt = () => new SignJWT({ sub: `user-${randomUUID()}` }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('5m');
    const signed = await jwt().sign(new TextEncoder().encode(secret));
    const identifyOn = async () => {
      const socket = await connectVisitor(server);
      return { socket, ...(await expectOk(call<IdentifyResult>(socket, 'identify', { jwt: signed }))) };
    };
    const laptop = await identifyOn();
    await expectOk(call(laptop.socket, 'message:send', { clientId: randomUUID(), text: 'A photo of the parcel' }));
    const res = await upload(form(img.png(3, 3), 'parcel.png', 'image/png'), asVisitor(laptop));
    expect(res.status).toBe(201);
    const { attachment } = await res.json();

    const phone = await identifyOn();
    expect((await fetch(`${server.url}${attachment.url}`, { headers: asVisitor(phone) })).status).toBe(200);
    expect((await fetch(`${server.url}${attachment.url}`, { headers: asVisitor(bob) })).status).toBe(404);

    await expectOk(call(laptop.socket, 'logout', {}));
    const revoked = await fetch(`${server.url}${attachment.url}`, { headers: asVisitor(laptop) });
    expect(revoked.status).toBe(401);
    expect((await revoked.json()).error.code).toBe('TOKEN_REVOKED');
  });

  it('attachImage accepts the uploader’s own image and refuses a foreign conversation or uploader', async () => {
    const { attachment } = await (await upload(form(img.png(2, 2), 'a.png', 'image/png'), asVisitor(alice))).json();
    const db = database.db;
    const [aliceVisitor] = await db.query.visitors.findMany({ limit: 1, where: (v, { sql }) => sql`${v.contactId} = (select contact_id from conversations where id = ${alice.conversationId})` });
    const ok = await attachImage(db, { attachmentId: attachment.id, conversationId: alice.conversationId, uploader: { kind: 'visitor', id: aliceVisitor!.id } });
    expect(ok).toEqual(attachment);
    // Started one at a time: a rejection must be awaited as soon as it exists.
    const refused = [
      () => attachImage(db, { attachmentId: attachment.id, conversationId: bob.conversationId, uploader: { kind: 'visitor', id: aliceVisitor!.id } }),
      () => attachImage(db, { attachmentId: attachment.id, conversationId: alice.conversationId, uploader: { kind: 'agent', id: randomUUID() } }),
      () => attachImage(db, { attachmentId: randomUUID(), conversationId: alice.conversationId, uploader: { kind: 'visitor', id: aliceVisitor!.id } }),
    ];
    for (const attempt of refused) await expect(attempt()).rejects.toMatchObject({ code: 'NOT_FOUND' } satisfies Partial<AppError>);
  });
});

/** The same routes with ATTACHMENTS_STORAGE=s3, on a local S3-compatible server (s3rver). */
describe('attachments in an S3-compatible bucket', () => {
  let database: Database;
  let server: RunningServer;
  let s3: LocalS3;
  beforeAll(async () => {
    database = await backends[0]!.open();
    s3 = await startLocalS3();
    server = await startServer({ database, env: { ...TEST_ENV, attachmentsStorage: { kind: 's3', ...s3.settings } }, banner: false, webhooks: false });
  });
  afterEach(() => closeSockets());
  afterAll(async () => {
    await server?.close();
    await database?.close();
    await s3?.stop();
  });

  it('stores an upload as one object, serves it back, and stores nothing for a refused one', async () => {
    const alice = await newVisitor(server);
    const auth = { authorization: `Bearer ${alice.token}` };
    const bytes = img.jpeg(640, 480);
    const res = await fetch(`${server.url}/api/v1/attachments`, { method: 'POST', body: form(bytes, 'photo.jpg', 'image/jpeg'), headers: auth });
    expect(res.status).toBe(201);
    const { attachment } = await res.json();
    expect(await s3.objectCount()).toBe(1);
    const got = await fetch(`${server.url}${attachment.url}`, { headers: auth });
    expect([got.status, got.headers.get('content-type')]).toEqual([200, 'image/jpeg']);
    expect(new Uint8Array(await got.arrayBuffer())).toEqual(new Uint8Array(bytes));

    const refused = await fetch(`${server.url}/api/v1/attachments`, { method: 'POST', body: form(img.html(), 'cat.png', 'image/png'), headers: auth });
    expect(refused.status).toBe(400);
    expect(await s3.objectCount()).toBe(1);
  });
});
