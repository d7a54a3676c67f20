import type { Context } from 'hono';
import type { App } from './env.ts';
import { jsonBody } from './env.ts';
import type { Control } from './control.ts';
import { ControlError } from './control.ts';
import type { Mode } from './state.ts';
import { renderPage } from './page.ts';
import type { FakeX } from './state.ts';

// The control API over HTTP (/__fake/…), for tests in another process and for the demo page. Not part of X.

export function registerControl(app: App, fake: FakeX, control: Control): void {
  const run = async (c: Context, fn: (body: Record<string, unknown>) => unknown) => {
    const body = (await jsonBody(c)) ?? {};
    try {
      return c.json((await fn(body)) ?? { ok: true });
    } catch (err) {
      if (err instanceof ControlError) return c.json({ error: err.message }, 400);
      throw err;
    }
  };
  app.post('/__fake/inject/dm', (c) => run(c, (b) => control.injectDm(b as never)));
  app.post('/__fake/inject/mention', (c) => run(c, (b) => control.injectMention(b as never)));
  app.post('/__fake/deliver-again', (c) =>
    run(c, async (b) => {
      const attempt = await control.deliverAgain(String(b.event_uuid ?? ''));
      if (!attempt) throw new ControlError(`no delivery with event_uuid ${JSON.stringify(b.event_uuid)}`);
      return attempt;
    }),
  );
  app.post('/__fake/rate-limit', (c) => run(c, (b) => ({ bucket: control.rateLimit(String(b.endpoint ?? ''), Number(b.remaining ?? 0), Number(b.resetInSec ?? 900)) })));
  app.post('/__fake/expire-tokens', (c) => run(c, () => control.expireTokens()));
  app.post('/__fake/authorize', (c) => run(c, (b) => control.authorize(typeof b.scope === 'string' ? b.scope : undefined)));
  app.post('/__fake/mode', (c) => run(c, (b) => control.setMode(b.mode as Mode)));
  app.post('/__fake/reset', (c) => run(c, () => control.reset()));
  app.get('/__fake/sent-dms', (c) => c.json(control.sentDms()));
  app.get('/__fake/posts', (c) => c.json(control.posts()));
  app.get('/__fake/likes', (c) => c.json(control.likes()));
  app.get('/__fake/deliveries', (c) => c.json(control.deliveries()));
  app.get('/__fake/app-token', (c) => c.json({ app_bearer_token: control.appBearerToken }));
  app.get('/__fake/media/:id', (c) => {
    const m = control.media(c.req.param('id'));
    if (!m) return c.json({ error: 'no such media' }, 404);
    return c.json({ ...m, bytes: m.bytes.toString('base64') });
  });

  // The demo page: plain forms (no script), redirecting back after each post.
  app.get('/__fake/', (c) => c.html(renderPage(fake, control, c.req.query('said'))));
  app.get('/__fake', (c) => c.redirect('/__fake/'));
  app.post('/__fake/page/dm', async (c) => {
    const form = await c.req.parseBody();
    const from = customer(form);
    const file = form.image;
    const media = file instanceof File && file.size > 0 ? { bytes: Buffer.from(await file.arrayBuffer()).toString('base64'), type: file.type || 'image/png' } : undefined;
    try {
      await control.injectDm({ from, text: String(form.text ?? ''), ...(media ? { media } : {}) });
    } catch (err) {
      if (err instanceof ControlError) return c.redirect(`/__fake/?said=${encodeURIComponent(err.message)}`);
      throw err;
    }
    return c.redirect('/__fake/?said=DM+sent');
  });
  app.post('/__fake/page/mention', async (c) => {
    const form = await c.req.parseBody();
    const inReply = String(form.in_reply_to ?? '').trim();
    try {
      await control.injectMention({ from: customer(form), text: String(form.text ?? ''), ...(inReply ? { inReplyToTweetId: inReply } : {}) });
    } catch (err) {
      if (err instanceof ControlError) return c.redirect(`/__fake/?said=${encodeURIComponent(err.message)}`);
      throw err;
    }
    return c.redirect('/__fake/?said=Post+published');
  });
}

function customer(form: Record<string, unknown>) {
  const username = String(form.username ?? '').replace(/^@/, '').trim() || 'customer';
  // Same handle, same id: the demo's customer stays one X user across posts.
  let hash = 7n;
  for (const ch of username.toLowerCase()) hash = (hash * 131n + BigInt(ch.codePointAt(0)!)) % 10n ** 15n;
  return { id: String(1_000_000_000n + hash), username, name: String(form.name ?? '').trim() || username };
}
