import { AppError } from '../../protocol/index.ts';
import type { Clock } from './clock.ts';

/**
 * What a visitor token says, and the pure rules for trusting it. Signing lives
 * in services/visitor-tokens.ts; this module decides claims, expiry and revocation.
 */
export interface VisitorClaims {
  /** Visitor id. */
  sub: string;
  /** Website id: a token is only good on the site that issued it. */
  wid: string;
  /** The visitor's token version at signing; bumping it revokes every older token. */
  ver: number;
  iat: number;
  exp: number;
}

/** A visitor row's token version until its tokens are first revoked (logout, identify, secret rotation). */
export const INITIAL_TOKEN_VERSION = 1;

/** Long enough for "comes back days later"; revocation covers the rest. */
export const VISITOR_TOKEN_TTL_SECONDS = 180 * 24 * 3600;

export function visitorClaims(visitor: { id: string; websiteId: string; tokenVersion: number }, clock: Clock): VisitorClaims {
  const iat = Math.floor(clock.now().getTime() / 1000);
  return { sub: visitor.id, wid: visitor.websiteId, ver: visitor.tokenVersion, iat, exp: iat + VISITOR_TOKEN_TTL_SECONDS };
}

/** Shape check of a verified payload: anything else is TOKEN_INVALID. */
export function parseVisitorClaims(payload: Record<string, unknown>): VisitorClaims {
  const { sub, wid, ver, iat, exp } = payload;
  if (typeof sub !== 'string' || typeof wid !== 'string' || typeof ver !== 'number' || typeof iat !== 'number' || typeof exp !== 'number') {
    throw new AppError('TOKEN_INVALID');
  }
  return { sub, wid, ver, iat, exp };
}

/**
 * May these (signature-verified) claims act as this visitor on this website?
 * Throws TOKEN_INVALID for expiry/mismatch, TOKEN_REVOKED for a bumped version.
 */
export function assertVisitorClaims(
  claims: VisitorClaims,
  visitor: { id: string; websiteId: string; tokenVersion: number } | null,
  websiteId: string,
  clock: Clock,
): void {
  if (claims.exp * 1000 <= clock.now().getTime()) throw new AppError('TOKEN_INVALID', 'The token has expired.');
  if (claims.wid !== websiteId) throw new AppError('TOKEN_INVALID', 'The token belongs to another website.');
  if (!visitor || visitor.id !== claims.sub || visitor.websiteId !== websiteId) throw new AppError('TOKEN_INVALID');
  if (claims.ver !== visitor.tokenVersion) throw new AppError('TOKEN_REVOKED');
}
