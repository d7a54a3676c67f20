import type { Logger } from 'pino';
import type { Clock } from '../core/clock.ts';
import type { Db } from '../db/client.ts';
import type { Publisher } from './publisher.ts';
import type { VisitorTokens } from './visitor-tokens.ts';

/** What every use case may touch: injected so tests can swap the clock or the database. */
export interface ServiceDeps {
  db: Db;
  clock: Clock;
  tokens: VisitorTokens;
  publisher: Publisher;
  logger: Logger;
}
