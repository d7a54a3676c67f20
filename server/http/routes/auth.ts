import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { AppError, LoginBody, type LoginResponse } from '../../../protocol/index.ts';
import { SESSION_COOKIE, type AuthService } from '../../services/auth-service.ts';
import { toAgentProfile } from '../../db/stores/agents-store.ts';
import type { Limits } from '../../limits/limits.ts';
import { jsonBody } from '../errors.ts';

/**
 * POST /login sets the HttpOnly session cookie; /logout revokes it; /me answers who is logged in.
 * SameSite=Strict: no cross-site request carries it, not even a top-level navigation (the desktop
 * is a single-page app whose own same-origin calls do). A future OAuth callback must carry its
 * state in the `state` parameter, not rely on this cookie.
 *
 * Logins are throttled per account and per address (see limits/login-guard.ts): a locked-out
 * attempt is refused with 429 before its password is checked.
 */
export function authRoutes(auth: AuthService, opts: { secureCookies: boolean; limits: Pick<Limits, 'login' | 'addressOfRequest'> }) {
  const guard = opts.limits.login;
  const app = new Hono();

  app.post('/login', async (c) => {
    const body = await jsonBody(c, LoginBody);
    const address = opts.limits.addressOfRequest(c);
    await guard.check(body.email, address);
    const { token, agent, expiresAt } = await auth.login(body).catch(async (err: unknown) => {
      if (err instanceof AppError && err.code === 'INVALID_CREDENTIALS') await guard.failed(body.email, address);
      throw err;
    });
    await guard.succeeded(body.email, address);
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
