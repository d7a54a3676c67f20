import { and, eq, isNotNull } from 'drizzle-orm';
import type { Tx } from '../client.ts';
import { websites } from '../schema.ts';
import { webhooks } from '../tables/webhooks.ts';
import { replaceXSecret, storedXSecrets } from './x-accounts-store.ts';

/**
 * Every column that holds a credential encrypted at rest (server/keys/credential-cipher.ts), for the start-up
 * check and `npm run secrets:reencrypt`. A new kind of stored credential is added here, or the rotation would
 * leave it behind.
 */
export type CredentialKind = 'website identity secret' | 'webhook signing secret' | XCredentialKind;

/** The X channel's (issue 19): an account's tokens, and the PKCE verifier of an authorization under way. */
type XCredentialKind = 'X access token' | 'X refresh token' | 'X PKCE verifier';
const X_KINDS = { 'X access token': 'access', 'X refresh token': 'refresh', 'X PKCE verifier': 'verifier' } as const;
const isXKind = (kind: CredentialKind): kind is XCredentialKind => kind in X_KINDS;

export interface StoredCredential {
  kind: CredentialKind;
  id: string;
  /** What an operator recognises it by: the website's key, the webhook's URL. */
  label: string;
  /** The column's text: sealed (`v1.…`) or, from before encryption, plain. */
  stored: string;
}

export async function storedCredentials(tx: Tx): Promise<StoredCredential[]> {
  const sites = await tx.select({ id: websites.id, label: websites.key, stored: websites.identitySecret }).from(websites).where(isNotNull(websites.identitySecret));
  const hooks = await tx.select({ id: webhooks.id, label: webhooks.url, stored: webhooks.secret }).from(webhooks);
  const x = await storedXSecrets(tx);
  return [
    ...sites.map((s) => ({ kind: 'website identity secret' as const, id: s.id, label: s.label, stored: s.stored! })),
    ...hooks.map((h) => ({ kind: 'webhook signing secret' as const, id: h.id, label: h.label, stored: h.stored })),
    // An access token discarded earlier is '' (the account waits for a reconnect): nothing to read there.
    ...x.accounts.filter((a) => a.access !== '').map((a) => ({ kind: 'X access token' as const, id: a.id, label: `@${a.username}`, stored: a.access })),
    ...x.accounts.filter((a) => a.refresh !== null).map((a) => ({ kind: 'X refresh token' as const, id: a.id, label: `@${a.username}`, stored: a.refresh! })),
    ...x.pending.map((p) => ({ kind: 'X PKCE verifier' as const, id: p.state, label: 'an X authorization under way', stored: p.verifier })),
  ];
}

/**
 * Writes `next` only where the column still holds what was read: a credential an admin replaced meanwhile (a new
 * identity secret) is left as they set it. True when written.
 */
export async function replaceStoredCredential(tx: Tx, credential: StoredCredential, next: string): Promise<boolean> {
  if (isXKind(credential.kind)) return replaceXSecret(tx, X_KINDS[credential.kind], credential.id, credential.stored, next);
  if (credential.kind === 'website identity secret') {
    const rows = await tx
      .update(websites)
      .set({ identitySecret: next })
      .where(and(eq(websites.id, credential.id), eq(websites.identitySecret, credential.stored)))
      .returning({ id: websites.id });
    return rows.length > 0;
  }
  const rows = await tx
    .update(webhooks)
    .set({ secret: next, updatedAt: new Date() })
    .where(and(eq(webhooks.id, credential.id), eq(webhooks.secret, credential.stored)))
    .returning({ id: webhooks.id });
  return rows.length > 0;
}

/**
 * The way out when the secret that encrypted a credential is lost: a website's identity secret is cleared (the
 * admin generates a new one), a webhook is deleted with its deliveries (its secret is shown only at creation, so
 * it must be created again). Same guard as `replaceStoredCredential`.
 */
export async function discardStoredCredential(tx: Tx, credential: StoredCredential): Promise<boolean> {
  // An X account's token is cleared (the account shows "token expired": reconnect it); a pending authorization is dropped.
  if (isXKind(credential.kind)) return replaceXSecret(tx, X_KINDS[credential.kind], credential.id, credential.stored, null);
  if (credential.kind === 'website identity secret') {
    const rows = await tx
      .update(websites)
      .set({ identitySecret: null })
      .where(and(eq(websites.id, credential.id), eq(websites.identitySecret, credential.stored)))
      .returning({ id: websites.id });
    return rows.length > 0;
  }
  const rows = await tx
    .delete(webhooks)
    .where(and(eq(webhooks.id, credential.id), eq(webhooks.secret, credential.stored)))
    .returning({ id: webhooks.id });
  return rows.length > 0;
}
