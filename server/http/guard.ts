import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { AppError, type AgentRole } from '../../protocol/index.ts';
import type { AgentRow } from '../db/schema.ts';
import { SESSION_COOKIE, type AuthService } from '../services/auth-service.ts';

/**
 * The one role check of the REST API (cookie session). `supervisor` admits
 * supervisors and admins; admin routes use `readSupervisorWriteAdmin`.
 */
export type Need = 'any' | 'supervisor' | 'admin';

export const allows = (role: AgentRole, need: Need) => need === 'any' || role === 'admin' || (need === 'supervisor' && role === 'supervisor');

/** The signed-in agent, or UNAUTHENTICATED / FORBIDDEN. */
export async function authorize(c: Context, auth: Pick<AuthService, 'authenticate'>, need: Need, message?: string): Promise<AgentRow> {
  const agent = await auth.authenticate(getCookie(c, SESSION_COOKIE));
  if (!allows(agent.role, need)) throw new AppError('FORBIDDEN', message);
  return agent;
}

/** Middleware form; `need` may depend on the request (e.g. reads vs writes). */
export function requireRole(auth: Pick<AuthService, 'authenticate'>, need: Need | ((c: Context) => Need), message?: string): MiddlewareHandler {
  return async (c, next) => {
    await authorize(c, auth, typeof need === 'function' ? need(c) : need, message);
    await next();
  };
}

/** Admin pages: supervisors may read, only admins may change. */
export const readSupervisorWriteAdmin = (c: Context): Need => (c.req.method === 'GET' || c.req.method === 'HEAD' ? 'supervisor' : 'admin');
