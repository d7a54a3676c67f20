import { AppError, IDENTITY_MAX_TTL_SECONDS, IdentityClaims, isReservedAttribute } from '../../protocol/index.ts';
import type { Clock } from './clock.ts';

/**
 * The pure rules for trusting a site's identity JWT once its HS256 signature checked out
 * (services/identity-service.ts does the jose part): the claims must have the right shape,
 * and `exp` must be present, in the future and short — a long-lived identity token that
 * leaks would let anyone read the user's history for its whole life.
 */
export function parseIdentityClaims(payload: Record<string, unknown>, clock: Clock): IdentityClaims {
  if (payload['exp'] === undefined) throw new AppError('IDENTITY_INVALID', 'The identity token has no exp claim; exp is required.');
  const parsed = IdentityClaims.safeParse(payload);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw new AppError('IDENTITY_INVALID', `The identity token's claims are invalid: ${details.map((d) => d.path).join(', ')}.`, details);
  }
  const now = Math.floor(clock.now().getTime() / 1000);
  if (parsed.data.exp <= now) throw new AppError('IDENTITY_INVALID', 'The identity token has expired.');
  if (parsed.data.exp - now > IDENTITY_MAX_TTL_SECONDS) {
    throw new AppError('IDENTITY_INVALID', `The identity token's exp is too far ahead (at most ${IDENTITY_MAX_TTL_SECONDS} seconds).`);
  }
  return parsed.data;
}

/** What a verified identity sets on the contact: only the claims present (an absent name keeps the stored one). */
export function contactFieldsFrom(claims: IdentityClaims): { name?: string; email?: string; phone?: string } {
  return {
    ...(claims.name !== undefined ? { name: claims.name } : {}),
    ...(claims.email !== undefined ? { email: claims.email } : {}),
    ...(claims.phone !== undefined ? { phone: claims.phone } : {}),
  };
}

/**
 * Merges a widget's attributes into the stored ones: values become strings, null deletes.
 * Throws VALIDATION_FAILED for a reserved key or when the result would exceed `maxKeys`.
 */
export function mergeAttributes(
  current: Record<string, string>,
  patch: Record<string, string | number | boolean | null>,
  maxKeys: number,
): Record<string, string> {
  const reserved = Object.keys(patch).filter(isReservedAttribute);
  if (reserved.length) {
    throw new AppError(
      'VALIDATION_FAILED',
      'name, email and phone cannot be set as attributes; they come from the verified identity.',
      reserved.map((k) => ({ path: `attributes.${k}`, message: 'Reserved key' })),
    );
  }
  const next: Record<string, string> = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete next[key];
    else next[key] = String(value);
  }
  if (Object.keys(next).length > maxKeys) throw new AppError('VALIDATION_FAILED', `A contact has at most ${maxKeys} attributes.`);
  return next;
}
