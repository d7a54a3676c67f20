import { describe, expect, it } from 'vitest';
import { failureKind, kindOfSqlState, RACE_RERUNS, refusedSomeRow, rerunRaceLosers, shouldRerunTransaction, sqlStateOf, type FailureKind } from './sql-errors.ts';

/** A driver error as drizzle hands it over: its own error with the driver's in `cause`. */
const wrapped = (code: string) => Object.assign(new Error('Failed query'), { cause: Object.assign(new Error('driver'), { code }) });

describe('SQLSTATE classification', () => {
  it.each<[string, FailureKind, string]>([
    ['40001', 'retryable', 'serialization failure'],
    ['40P01', 'retryable', 'deadlock'],
    ['08006', 'retryable', 'connection failure'],
    ['08003', 'retryable', 'connection does not exist'],
    ['53300', 'retryable', 'too many connections'],
    ['53100', 'retryable', 'disk full'],
    ['57P01', 'retryable', 'admin shutdown'],
    ['57014', 'retryable', 'statement timeout'],
    ['22021', 'validation', 'NUL character in text'],
    ['22P05', 'validation', 'NUL escape in jsonb'],
    ['22003', 'validation', 'number out of range'],
    ['22P02', 'validation', 'not a uuid'],
    ['23502', 'validation', 'not null'],
    ['23503', 'validation', 'foreign key'],
    ['23505', 'validation', 'unique'],
    ['08P01', 'internal', 'protocol violation (what we sent is malformed)'],
    ['42601', 'internal', 'syntax error'],
    ['42P01', 'internal', 'undefined table'],
    ['25P02', 'internal', 'in failed transaction'],
    ['40002', 'internal', 'integrity constraint violation at commit (not a race loser)'],
    ['XX000', 'internal', 'internal error'],
  ])('%s is %s (%s)', (code, kind) => {
    expect(kindOfSqlState(code)).toBe(kind);
    expect(failureKind(wrapped(code))).toBe(kind);
  });

  it('reads the SQLSTATE through wrapped causes, and only a five-character one', () => {
    expect(sqlStateOf(wrapped('23505'))).toBe('23505');
    expect(sqlStateOf({ cause: { cause: { cause: { code: '22021' } } } })).toBe('22021');
    expect(sqlStateOf(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBeNull();
    expect(sqlStateOf('not an error')).toBeNull();
  });

  it('treats connection failures without a SQLSTATE as retryable, and everything else as internal', () => {
    expect(failureKind(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }))).toBe('retryable');
    expect(failureKind(wrapped('CONNECTION_CLOSED'))).toBe('retryable');
    expect(failureKind(new Error('PGlite is closed'))).toBe('retryable');
    expect(failureKind(new TypeError('x is undefined'))).toBe('internal');
    expect(failureKind(null)).toBe('internal');
  });

  it('treats an error that ended the session (FATAL) as an outage whatever its SQLSTATE: the request never got a connection', () => {
    // ALTER DATABASE … ALLOW_CONNECTIONS false: "database does not accept connections" (55000, FATAL, at connect).
    const refusedAtConnect = Object.assign(new Error('Failed query'), { cause: Object.assign(new Error('database "x" is not currently accepting connections'), { code: '55000', severity: 'FATAL' }) });
    expect(failureKind(refusedAtConnect)).toBe('retryable');
    expect(failureKind(Object.assign(new Error('password authentication failed'), { code: '28P01', severity: 'FATAL' }))).toBe('retryable');
    // The same SQLSTATE raised by a statement inside a working session is a bug.
    expect(failureKind(Object.assign(new Error('object not in prerequisite state'), { code: '55000', severity: 'ERROR' }))).toBe('internal');
  });

  it('reruns a transaction at once only when it lost a race', () => {
    expect(shouldRerunTransaction(wrapped('40P01'))).toBe(true);
    expect(shouldRerunTransaction(wrapped('40001'))).toBe(true);
    expect(shouldRerunTransaction(wrapped('08006'))).toBe(false);
    expect(shouldRerunTransaction(wrapped('23505'))).toBe(false);
  });
});

describe('the two uses of the classification inside the server', () => {
  it('reruns a race loser at most three times, and anything else not at all', async () => {
    let calls = 0;
    await expect(rerunRaceLosers(async () => { calls++; throw wrapped('40P01'); })).rejects.toThrow('Failed query');
    expect(calls).toBe(1 + RACE_RERUNS);
    calls = 0;
    await expect(rerunRaceLosers(async () => { calls++; throw wrapped('23505'); })).rejects.toThrow('Failed query');
    expect(calls).toBe(1);
    calls = 0;
    await expect(rerunRaceLosers(async () => (++calls < 3 ? Promise.reject(wrapped('40001')) : 'won'))).resolves.toBe('won');
  });

  it('splits a batch whose data was refused or outgrew a limit, not one that met an outage or a bug', () => {
    expect(refusedSomeRow(wrapped('22021'))).toBe(true);
    expect(refusedSomeRow(wrapped('54000'))).toBe(true);
    expect(refusedSomeRow(wrapped('08006'))).toBe(false);
    expect(refusedSomeRow(wrapped('42601'))).toBe(false);
  });
});
