import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError, SendText } from '../../protocol/index.ts';
import { openDatabase } from '../db/client.ts';
import { appErrorFromZod, toAppError } from './errors.ts';

describe('error mapping', () => {
  it('maps a database that went away to retryable UNAVAILABLE', async () => {
    const database = await openDatabase({ kind: 'pglite', dataDir: null });
    await database.close();
    const failure = await database.db.execute(sql`select 1`).then(
      () => null,
      (err: unknown) => err,
    );
    expect(failure).not.toBeNull();
    expect(toAppError(failure).code).toBe('UNAVAILABLE');
  });

  it('maps an unreachable Postgres to UNAVAILABLE', async () => {
    const database = await openDatabase({ kind: 'postgres', url: 'postgres://postgres@127.0.0.1:1/none', max: 1 });
    const failure = await database.db.execute(sql`select 1`).then(
      () => null,
      (err: unknown) => err,
    );
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
