import { decodeProtectedHeader, errors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { AppError } from '../../protocol/index.ts';
import type { Clock } from '../core/clock.ts';
import { parseVisitorClaims, visitorClaims, type VisitorClaims } from '../core/visitor-token.ts';
import type { Keyring } from '../keys/keyring.ts';

/**
 * HS256 visitor tokens (thin jose wrapper), signed with the keyring's `visitor-token` key of the current `SECRET`;
 * the header's `kid` names the secret, so a token stays valid while its secret is the current one or listed in
 * `SECRET_PREVIOUS`, and is refused once that secret is retired.
 */
const AUDIENCE = 'parley:visitor';
const PURPOSE = 'visitor-token';

export interface VisitorTokens {
  sign(visitor: { id: string; websiteId: string; tokenVersion: number }): Promise<string>;
  /** Signature and shape only; expiry and revocation are core's `assertVisitorClaims`. */
  verify(token: string): Promise<VisitorClaims>;
}

export function createVisitorTokens(keyring: Keyring, clock: Clock): VisitorTokens {
  async function verifiedPayload(token: string): Promise<JWTPayload> {
    const options = { algorithms: ['HS256'], audience: AUDIENCE, currentDate: clock.now() };
    const { kid } = decodeProtectedHeader(token);
    if (typeof kid === 'string') {
      const key = keyring.byId(PURPOSE, kid);
      if (!key) throw new AppError('TOKEN_INVALID');
      return (await jwtVerify(token, key, options)).payload;
    }
    // Tokens issued before key ids (no kid) were signed with a secret's raw bytes: each configured secret is tried,
    // so they last as long as their secret does. They are all expired 180 days after the upgrade.
    for (const key of keyring.legacyRawKeys()) {
      try {
        return (await jwtVerify(token, key, options)).payload;
      } catch (err) {
        if (!(err instanceof errors.JWSSignatureVerificationFailed)) throw err;
      }
    }
    throw new AppError('TOKEN_INVALID');
  }

  return {
    async sign(visitor) {
      const claims = visitorClaims(visitor, clock);
      const { kid, key } = keyring.current(PURPOSE);
      return new SignJWT({ wid: claims.wid, ver: claims.ver })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid })
        .setSubject(claims.sub)
        .setAudience(AUDIENCE)
        .setIssuedAt(claims.iat)
        .setExpirationTime(claims.exp)
        .sign(key);
    },
    async verify(token) {
      try {
        return parseVisitorClaims((await verifiedPayload(token)) as Record<string, unknown>);
      } catch (err) {
        if (err instanceof AppError) throw err;
        if (err instanceof errors.JWTExpired) throw new AppError('TOKEN_INVALID', 'The token has expired.');
        throw new AppError('TOKEN_INVALID');
      }
    },
  };
}
