import type { App } from './env.ts';
import { userWith } from './env.ts';
import type { FakeX } from './state.ts';
import { userOf } from './render.ts';

export function registerUsers(app: App, fake: FakeX): void {
  app.get('/2/users/me', (c) => {
    const me = userWith(c, ['tweet.read', 'users.read']);
    if (me instanceof Response) return me;
    const u = userOf(fake, me.userId);
    return c.json({ data: { id: u.id, name: u.name, username: u.username } });
  });
}
