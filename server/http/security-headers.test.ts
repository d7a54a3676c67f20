import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { png } from '../attachments/test-images.ts';
import type { Database } from '../db/client.ts';
import { backends } from '../db/test-backends.ts';
import type { RunningServer } from '../main.ts';
import { connectVisitor, call, expectOk, loginCookie, startTestServer } from '../testing/test-kit.ts';

/** Issue 16 finding 8: security headers per area (Chromium checks the policies themselves in test/e2e/security-headers). */
describe.each(backends)('security headers on $name', (backend) => {
  let database: Database;
  let server: RunningServer;
  let staticRoot: string;
  beforeAll(async () => {
    database = await backend.open();
    staticRoot = await mkdtemp(join(tmpdir(), 'parley-static-'));
    for (const dir of ['desktop', 'widget', 'demo']) await mkdir(join(staticRoot, dir));
    await writeFile(join(staticRoot, 'desktop/index.html'), '<!doctype html><title>desk</title>');
    await writeFile(join(staticRoot, 'widget/loader.js'), 'void 0;');
    await writeFile(join(staticRoot, 'demo/index.html'), '<!doctype html><title>shop</title>');
    server = await startTestServer(database, {}, {
      webhooks: false,
      staticPaths: { desktop: join(staticRoot, 'desktop'), widget: join(staticRoot, 'widget'), demo: join(staticRoot, 'demo') },
    });
  });
  afterAll(async () => {
    await server?.close();
    await database?.close();
    await rm(staticRoot, { recursive: true, force: true });
  });

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${server.url}${path}`, { headers });
  const directives = (res: Response) => Object.fromEntries((res.headers.get('content-security-policy') ?? '').split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]));

  it('gives the desktop a strict CSP and keeps it out of frames', async () => {
    for (const path of ['/desktop/', '/desktop/conversations/123']) {
      const res = await get(path);
      expect(res.status).toBe(200);
      const csp = directives(res);
      expect(csp).toMatchObject({ 'default-src': "'self'", 'script-src': "'self'", 'style-src': "'self'", 'object-src': "'none'", 'frame-ancestors': "'none'" });
      expect(csp['connect-src']).toBe(`'self' ws://${new URL(server.url).host} wss://${new URL(server.url).host}`);
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    }
  });

  it('keeps the widget embeddable by any site, and the demo shop able to host it', async () => {
    const widget = await get('/widget/loader.js', { origin: 'https://customer.example' });
    expect(widget.status).toBe(200);
    expect(widget.headers.get('access-control-allow-origin')).toBe('*');
    expect(widget.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(widget.headers.get('x-frame-options')).toBeNull();
    expect(widget.headers.get('content-security-policy')).toBeNull();
    expect(widget.headers.get('x-content-type-options')).toBe('nosniff');

    const demo = await get('/demo/');
    expect(directives(demo)).toMatchObject({ 'script-src': "'self'", 'frame-ancestors': "'self'" });
    expect(demo.headers.get('x-frame-options')).toBe('SAMEORIGIN');
  });

  it('marks API answers as nothing to render or frame, and keeps an attachment’s own sandbox policy', async () => {
    const api = await get('/api/v1/auth/me');
    expect(api.status).toBe(401);
    expect(directives(api)).toMatchObject({ 'default-src': "'none'", 'frame-ancestors': "'none'" });
    expect(api.headers.get('x-frame-options')).toBe('DENY');

    const visitor = await connectVisitor(server);
    const { conversationId } = await expectOk(call<{ conversationId: string }>(visitor, 'message:send', { clientId: crypto.randomUUID(), text: 'Hi' }));
    const cookie = await loginCookie(server);
    const form = new FormData();
    form.set('conversationId', conversationId);
    form.set('file', new Blob([png(2, 2) as Uint8Array<ArrayBuffer>], { type: 'image/png' }), 'a.png');
    const { attachment } = await (await fetch(`${server.url}/api/v1/attachments`, { method: 'POST', headers: { cookie }, body: form })).json();
    const file = await get(attachment.url, { cookie });
    expect(file.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    visitor.disconnect();
  });
});
