import type { XAccountRow } from '../../db/schema.ts';
import type { CredentialCipher } from '../../keys/credential-cipher.ts';
import type { XTokenSource } from './contracts.ts';

/**
 * The least token source: the account's stored access token, decrypted. x-connect's source (refresh
 * before expiry, serialised across nodes) replaces it behind the same interface when the branches meet.
 */
export function createStoredTokenSource(credentials: CredentialCipher): XTokenSource {
  return {
    accessToken: async (account: XAccountRow) => credentials.decrypt(account.accessToken),
  };
}
