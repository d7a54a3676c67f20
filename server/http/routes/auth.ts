import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { LoginBody, type LoginResponse } from '../../../protocol/index.ts';
import { SESSION_COOKIE, type AuthService } from '../../services/auth-service.ts';
import { toAgentProfile } from '../../db/stores/agents-store.ts';
import { jsonBody } from '../errors.ts';

/**
 * POST /login sets the HttpOnly session cookie; /logout revokes it; /me answers who is logged in.
 * SameSite=Strict: no cross-site request carries it, not even a top-level navigation (the desktop
 * is a single-page app whose own same-origin calls do). A future OAuth callback must carry its
 * state in the `state` parameter, not rely on this cookie.
 */
export function authRoutes(auth: AuthService, opts: { secureCookies: boolean }) {
  const app = new Hono();

  app.post('/login', async (c) => {
    const body = await jsonBody(c, LoginBody);
    const { token, agent, expiresAt } = await auth.login(body);
    setCookie(c, SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'Strict',
      path: '/',
      secure: opts.secureCookies,
      expires: expiresAt,
    });
    return c.json({ agent } satisfies LoginResponse);
  });

  app.post('/logout', async (c) => {
    await auth.logout(getCookie(c, SESSION_COOKIE));
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.json({ ok: true });
  });

  app.get('/me', async (c) => {
    const agent = await auth.authenticate(getCookie(c, SESSION_COOKIE));
    return c.json({ agent: toAgentProfile(agent) } satisfies LoginResponse);
  });

  return app;
}
