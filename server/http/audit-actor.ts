import type { Context, MiddlewareHandler } from 'hono';
import { AppError } from '../../protocol/index.ts';
import type { AuditActor } from '../services/audit.ts';
import type { StaffCaller } from '../services/access-service.ts';

/**
 * Who an admin change is recorded as (the audit log, server/services/audit.ts): the caller the
 * authorization middleware admitted, and the client address the abuse limits read.
 */
const ADDRESS = 'clientAddress';

/** Keeps the request's client address for `auditActor` (mounted before the routes). */
export function rememberClientAddress(addressOf: (c: Context) => string): MiddlewareHandler {
  return async (c, next) => {
    c.set(ADDRESS as never, addressOf(c) as never);
    await next();
  };
}

/** The client address `rememberClientAddress` kept (public routes, which have no caller). */
export const clientAddressOf = (c: Context): string | null => (c.get(ADDRESS as never) as string | undefined) ?? null;

export function auditActor(c: Context): AuditActor {
  const caller = c.get('caller' as never) as StaffCaller | undefined;
  // Staff routes always have a caller (server/http/authorize.ts); reaching here without one is a wiring bug.
  if (!caller) throw new AppError('UNAUTHENTICATED');
  const ip = c.get(ADDRESS as never) as string | undefined;
  return { agentId: caller.id, name: caller.name, ip: ip ?? null };
}
