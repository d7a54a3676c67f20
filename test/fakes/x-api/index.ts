import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createControl, type Control } from './control.ts';
import { registerControl } from './control-routes.ts';
import { registerDms } from './dms.ts';
import type { Env } from './env.ts';
import { registerMedia } from './media.ts';
import { registerOAuth } from './oauth.ts';
import { registerLikes } from './likes.ts';
import { registerPostReads } from './post-reads.ts';
import { registerPosts } from './posts.ts';
import { problem, tooManyRequests, unauthorized } from './problems.ts';
import { takeRateLimit } from './rate-limits.ts';
import { createContext, type FakeXOptions } from './state.ts';
import { registerUsers } from './users.ts';
import { registerWebhooks } from './webhooks.ts';

// A double of X's API v2 for tests and the demo (docs/internals/fake-x-api.md). Independent of the product:
// it imports nothing from server/ or protocol/, and speaks X's wire format as the pinned OpenAPI 2.166 file
// and the brief (channels/x/BRIEF.md) describe it.

export type { FakeXOptions, Mode, XUser } from './state.ts';
export type { Control } from './control.ts';
export { signature } from './delivery.ts';

export interface FakeXServer {
  app: Hono<Env>;
  control: Control;
  listen(port?: number, host?: string): Promise<{ url: string; close(): Promise<void> }>;
}

export function createFakeX(options: FakeXOptions): FakeXServer {
  const fake = createContext(options);
  const control = createControl(fake);
  const app = new Hono<Env>();

  app.use('*', async (c, next) => {
    if (fake.baseUrl === 'http://127.0.0.1') fake.baseUrl = new URL(c.req.url).origin;
    await next();
  });

  // Every /2 call but the token endpoints needs a bearer: the app's (app-only) or a live user token.
  app.use('/2/*', async (c, next) => {
    if (c.req.path.startsWith('/2/oauth2/')) return next();
    const token = /^Bearer (.+)$/.exec(c.req.header('authorization') ?? '')?.[1];
    if (!token) return unauthorized(c);
    if (token === fake.appBearerToken) c.set('caller', { kind: 'app' });
    else {
      const t = fake.state.accessTokens.get(token);
      if (!t || t.expiresAt <= fake.now()) return unauthorized(c);
      c.set('caller', { kind: 'user', userId: t.userId, scope: t.scope });
    }
    const caller = c.get('caller');
    if (!takeRateLimit(fake, c, caller.kind === 'user' ? caller.userId : 'app')) return tooManyRequests(c);
    return next();
  });

  registerOAuth(app, fake);
  registerUsers(app, fake);
  registerDms(app, fake);
  registerPosts(app, fake);
  registerPostReads(app, fake);
  registerLikes(app, fake);
  registerMedia(app, fake);
  registerWebhooks(app, fake);
  registerControl(app, fake, control);

  app.notFound((c) =>
    c.req.path.startsWith('/2/')
      ? problem(c, 404, { title: 'Not Found', detail: `No endpoint ${c.req.method} ${c.req.path}.`, type: 'about:blank', status: 404 })
      : c.text('Not found', 404),
  );
  app.onError((err, c) => {
    // The fake must not hide its own bugs behind a well-formed answer: say what broke.
    console.error('[fake-x]', err);
    return c.json({ title: 'Internal Server Error', detail: String(err), type: 'about:blank', status: 500 }, 500);
  });

  return {
    app,
    control,
    listen(port = 0, host = '127.0.0.1') {
      return new Promise((resolve) => {
        const server = serve({ fetch: app.fetch, port, hostname: host }, (info: AddressInfo) => {
          const url = `http://${host}:${info.port}`;
          fake.baseUrl = url;
          resolve({
            url,
            close: () =>
              new Promise<void>((done) => {
                for (const t of fake.timers) clearTimeout(t);
                fake.timers.clear();
                server.close(() => done());
                (server as { closeAllConnections?: () => void }).closeAllConnections?.();
              }),
          });
        });
      });
    },
  };
}
