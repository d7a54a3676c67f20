import type { Control } from './control.ts';
import { escapeHtml as e } from './html.ts';
import type { FakeX } from './state.ts';

// "Fake X — post as a customer": what a newcomer uses in the demo to write to the brand as a customer and see
// what the brand answered. Every value shown is escaped.

export function renderPage(fake: FakeX, control: Control, said?: string): string {
  const brand = fake.options.brand;
  const dms = control.sentDms().slice(-20).reverse();
  const posts = control.posts().slice(-20).reverse();
  const likes = control.likes().slice(-20).reverse();
  const customerPosts = [...fake.state.posts.values()].filter((p) => !p.viaApi && p.authorId !== brand.id).slice(-10).reverse();
  const deliveries = control.deliveries().slice(-10).reverse();
  const who = `<label>Your handle <input name="username" value="customer" required pattern="@?[A-Za-z0-9_]{1,15}"></label>
<label>Your name <input name="name" value="A customer"></label>`;
  const rows = <T,>(items: T[], row: (item: T) => string, empty: string) => (items.length ? `<ul>${items.map((i) => `<li>${row(i)}</li>`).join('')}</ul>` : `<p>${empty}</p>`);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Fake X — post as a customer</title>
<style>body{font:15px system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem}form{border:1px solid #ccc;padding:1rem;margin:1rem 0;display:grid;gap:.5rem}
label{display:grid;gap:.2rem}.said{background:#eef;padding:.5rem}code{font-size:13px}</style></head><body><main>
<h1>Fake X — post as a customer</h1>
<p>The brand is <strong>${e(brand.name)}</strong> (@${e(brand.username)}, id ${e(brand.id)}). Mode: <strong>${e(fake.state.mode)}</strong>.</p>
${said ? `<p class="said" role="status">${e(said)}</p>` : ''}
<form method="post" action="/__fake/page/dm" enctype="multipart/form-data"><h2>Send a direct message to @${e(brand.username)}</h2>${who}
<label>Message <textarea name="text" required rows="3"></textarea></label>
<label>Image (optional) <input type="file" name="image" accept="image/*"></label>
<button type="submit">Send DM</button></form>
<form method="post" action="/__fake/page/mention"><h2>Post publicly, mentioning @${e(brand.username)}</h2>${who}
<label>Post <textarea name="text" required rows="3"></textarea></label>
<label>In reply to post id (optional) <input name="in_reply_to" pattern="[0-9]{1,19}"></label>
<button type="submit">Post</button></form>
<h2>Customers' posts</h2>${rows(customerPosts, (p) => `<code>${e(p.id)}</code> @${e(fake.state.users.get(p.authorId)?.username ?? p.authorId)}: ${e(p.text)}`, 'None yet.')}
<h2>DMs the brand sent</h2>${rows(dms, (d) => `to ${e(d.recipient_id)}: ${e(d.text)}${d.media_keys.length ? ' [image]' : ''}`, 'None yet.')}
<h2>Posts the brand published</h2>${rows(posts, (p) => `<code>${e(p.id)}</code>${p.reply ? ` in reply to <code>${e(p.reply.in_reply_to_tweet_id)}</code>` : ''}: ${e(p.text)}`, 'None yet.')}
<h2>Likes</h2>${rows(likes, (l) => `post <code>${e(l.tweet_id)}</code>`, 'None yet.')}
<h2>Webhook deliveries</h2>${rows(deliveries, (d) => `${e(d.eventType)} → ${e(d.url)}: ${d.status ?? 'no answer'}${d.error ? ` (${e(d.error)})` : ''}`, 'None yet.')}
</main></body></html>`;
}
