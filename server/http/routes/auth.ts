import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { AppError, LoginBody, LoginResponse, MeResponse } from '../../../protocol/index.ts';
import { SESSION_COOKIE, type AuthService } from '../../services/auth-service.ts';
import { toAgentProfile } from '../../db/stores/agents-store.ts';
import type { Limits } from '../../limits/limits.ts';
import { Ok } from '../openapi/answers.ts';
import { apiRouter, defineRoute, jsonAnswer, jsonBody } from '../openapi/define.ts';

/**
 * POST /login sets the HttpOnly session cookie; /logout revokes it; /me answers who is logged in.
 * SameSite=Strict: no cross-site request carries it, not even a top-level navigation (the desktop
 * is a single-page app whose own same-origin calls do). A future OAuth callback must carry its
 * state in the `state` parameter, not rely on this cookie.
 *
 * Logins are throttled per account and per address (see limits/login-guard.ts): a locked-out
 * attempt is refused with 429 before its password is checked.
 */
const tags = ['auth'];
export const authApi = {
  login: defineRoute({
    method: 'post',
    path: '/login',
    tags,
    summary: 'Log in: sets the session cookie',
    description: `Answers with \`Set-Cookie: ${SESSION_COOKIE}=…; HttpOnly; SameSite=Strict\`. Failed logins are throttled per account and per address (429 before the password is checked).`,
    request: { body: jsonBody(LoginBody) },
    responses: { 200: jsonAnswer(LoginResponse, 'Logged in: the agent, and the session cookie.') },
    'x-parley-errors': ['INVALID_CREDENTIALS', 'ACCOUNT_DEACTIVATED'],
  }),
  logout: defineRoute({
    method: 'post',
    path: '/logout',
    tags,
    summary: 'Log out: revokes the session the cookie names (if any) and clears the cookie',
    responses: { 200: jsonAnswer(Ok, 'Logged out.') },
  }),
  me: defineRoute({ method: 'get', path: '/me', tags, summary: 'Who is logged in', responses: { 200: jsonAnswer(MeResponse, 'The agent of the session.') } }),
};

export function authRoutes(auth: AuthService, opts: { secureCookies: boolean; limits: Pick<Limits, 'login' | 'addressOfRequest'> }) {
  const guard = opts.limits.login;
  const app = apiRouter();

  app.openapi(authApi.login, async (c) => {
    const body = c.req.valid('json');
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
    return c.json({ agent }, 200);
  });

  app.openapi(authApi.logout, async (c) => {
    await auth.logout(getCookie(c, SESSION_COOKIE));
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.json({ ok: true as const }, 200);
  });

  app.openapi(authApi.me, async (c) => {
    const agent = await auth.authenticate(getCookie(c, SESSION_COOKIE));
    return c.json({ agent: toAgentProfile(agent) }, 200);
  });

  return app;
}
