import type { App, Ctx } from './env.ts';
import { appOrUserWith, userWith } from './env.ts';
import { invalidRequest, resourceNotFoundError } from './problems.ts';
import type { FakeX, XUser } from './state.ts';
import { ID } from './state.ts';

// Users: the authorizing one, and lookups of the brand and the customers the fake has seen (by id or handle).
// An unknown user is, as on X, a 200 carrying a partial error.

const userJson = (u: XUser) => ({ id: u.id, name: u.name, username: u.username });

export function registerUsers(app: App, fake: FakeX): void {
  app.get('/2/users/me', (c) => {
    const me = userWith(c, ['tweet.read', 'users.read']);
    if (me instanceof Response) return me;
    const u = fake.state.users.get(me.userId);
    return c.json({ data: u ? userJson(u) : { id: me.userId, name: me.userId, username: me.userId } });
  });

  app.get('/2/users/by/username/:username', (c) => {
    const username = c.req.param('username');
    if (!/^[A-Za-z0-9_]{1,15}$/.test(username)) return invalidRequest(c, `The \`username\` query parameter value [${username}] does not match ^[A-Za-z0-9_]{1,15}$`);
    const u = [...fake.state.users.values()].find((x) => x.username.toLowerCase() === username.toLowerCase());
    return lookupAnswer(c, u, 'username', username);
  });

  app.get('/2/users/:id', (c) => {
    const id = c.req.param('id');
    if (!ID.test(id)) return invalidRequest(c, `The \`id\` query parameter value [${id}] is not valid`);
    return lookupAnswer(c, fake.state.users.get(id), 'id', id);
  });
}

function lookupAnswer(c: Ctx, u: XUser | undefined, parameter: string, value: string): Response {
  const allowed = appOrUserWith(c, ['tweet.read', 'users.read']);
  if (allowed !== true) return allowed;
  return c.json(u ? { data: userJson(u) } : { errors: [resourceNotFoundError('user', parameter, value)] });
}
