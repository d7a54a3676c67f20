import type { Logger } from 'pino';
import type { Clock } from '../core/clock.ts';
import type { Db } from '../db/client.ts';
import type { CredentialCipher } from '../keys/credential-cipher.ts';
import type { Publisher } from './publisher.ts';
import type { VisitorTokens } from './visitor-tokens.ts';

/** What every use case may touch: injected so tests can swap the clock or the database. */
export interface ServiceDeps {
  db: Db;
  clock: Clock;
  tokens: VisitorTokens;
  /** Encrypts and decrypts credentials stored in the database (identity secrets, webhook secrets). */
  credentials: CredentialCipher;
  publisher: Publisher;
  logger: Logger;
}
