import { errors, jwtVerify, SignJWT } from 'jose';
import { AppError } from '../../protocol/index.ts';
import type { Clock } from '../core/clock.ts';
import { parseVisitorClaims, visitorClaims, type VisitorClaims } from '../core/visitor-token.ts';

/** HS256 signing of visitor tokens with the server SECRET (thin jose wrapper). */
const AUDIENCE = 'parley:visitor';

export interface VisitorTokens {
  sign(visitor: { id: string; websiteId: string; tokenVersion: number }): Promise<string>;
  /** Signature and shape only; expiry and revocation are core's `assertVisitorClaims`. */
  verify(token: string): Promise<VisitorClaims>;
}

export function createVisitorTokens(secret: string, clock: Clock): VisitorTokens {
  const key = new TextEncoder().encode(secret);
  return {
    async sign(visitor) {
      const claims = visitorClaims(visitor, clock);
      return new SignJWT({ wid: claims.wid, ver: claims.ver })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(claims.sub)
        .setAudience(AUDIENCE)
        .setIssuedAt(claims.iat)
        .setExpirationTime(claims.exp)
        .sign(key);
    },
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], audience: AUDIENCE, currentDate: clock.now() });
        return parseVisitorClaims(payload as Record<string, unknown>);
      } catch (err) {
        if (err instanceof AppError) throw err;
        if (err instanceof errors.JWTExpired) throw new AppError('TOKEN_INVALID', 'The token has expired.');
        throw new AppError('TOKEN_INVALID');
      }
    },
  };
}
