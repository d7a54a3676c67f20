import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError, SendText } from '../../protocol/index.ts';
import { openDatabase, type Database } from '../db/client.ts';
import { backends } from '../db/test-backends.ts';
import { appErrorFromZod, toAppError } from './errors.ts';

const failureOf = (query: Promise<unknown>) =>
  query.then(
    () => null,
    (err: unknown) => err,
  );

describe('error mapping', () => {
  it('maps a database that went away to retryable UNAVAILABLE', async () => {
    const database = await openDatabase({ kind: 'pglite', dataDir: null });
    await database.close();
    const failure = await failureOf(database.db.execute(sql`select 1`));
    expect(failure).not.toBeNull();
    expect(toAppError(failure).code).toBe('UNAVAILABLE');
  });

  it('maps an unreachable Postgres to UNAVAILABLE', async () => {
    const database = await openDatabase({ kind: 'postgres', url: 'postgres://postgres@127.0.0.1:1/none', max: 1 });
    const failure = await failureOf(database.db.execute(sql`select 1`));
    await database.close();
    expect(toAppError(failure).code).toBe('UNAVAILABLE');
  });

  it('keeps AppErrors and hides anything else behind INTERNAL', () => {
    expect(toAppError(new AppError('CONVERSATION_TAKEN')).code).toBe('CONVERSATION_TAKEN');
    expect(toAppError(new TypeError('x is undefined')).code).toBe('INTERNAL');
  });

  it('tells over-long text apart from other invalid input', () => {
    const tooLong = SendText.safeParse({ clientId: crypto.randomUUID(), text: 'a'.repeat(4001) });
    expect(appErrorFromZod((tooLong as { error: z.ZodError }).error).code).toBe('MESSAGE_TOO_LONG');
    const empty = SendText.safeParse({ clientId: crypto.randomUUID(), text: '' });
    expect(appErrorFromZod((empty as { error: z.ZodError }).error).code).toBe('VALIDATION_FAILED');
  });
});

describe.each(backends)('database refusals on $name', (backend) => {
  let database: Database;
  beforeAll(async () => {
    database = await backend.open();
  });
  afterAll(() => database?.close());

  it('maps data the database refuses to VALIDATION_FAILED, never to a retryable code', async () => {
    const refusals = [
      sql`select ${'bad \u0000 byte'}::text`, // the poison message
      sql`select ${JSON.stringify({ note: 'bad \u0000 byte' })}::jsonb`,
      sql`select ${'not-a-uuid'}::uuid`,
      sql`select ${2 ** 40}::integer`,
      sql`insert into tags (name) values (null)`,
      sql`insert into websites (key, name) values ('same-key', 'One shop'), ('same-key', 'Another shop')`,
    ];
    for (const query of refusals) {
      const error = toAppError(await failureOf(database.db.execute(query)));
      expect(error.code, String(error.cause)).toBe('VALIDATION_FAILED');
      expect(error.toWire()).toEqual({ code: 'VALIDATION_FAILED', message: 'The data could not be stored.' });
    }
  });

  it('maps a query bug to INTERNAL, which clients do not retry', async () => {
    const error = toAppError(await failureOf(database.db.execute(sql`select * from no_such_table`)));
    expect(error.code).toBe('INTERNAL');
  });
});
