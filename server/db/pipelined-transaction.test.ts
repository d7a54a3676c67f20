import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from './client.ts';
import { pipelinedTransaction, type PipelinedTransaction } from './pipelined-transaction.ts';
import { backends } from './test-backends.ts';

describe.each(backends)('one-round-trip transactions on $name', (backend) => {
  let database: Database;
  let run: PipelinedTransaction;
  const table = `pipelined_${randomUUID().replaceAll('-', '')}`;
  const count = async () => Number((await run([{ text: `select count(*)::int as n from ${table}`, params: [] }]))[0]![0]!.n);

  beforeAll(async () => {
    database = await backend.open();
    run = pipelinedTransaction(database.db);
    await run([{ text: `create table ${table} (id int primary key, note text not null)`, params: [] }]);
  });
  afterAll(async () => {
    await database?.close();
  });

  it('runs the statements in order, each seeing the one before, and commits them together', async () => {
    const [inserted, read] = await run([
      { text: `insert into ${table} (id, note) values ($1, $2), ($3, $4) returning id`, params: [1, 'one', 2, 'two'] },
      { text: `select note from ${table} where id = any($1::int[]) order by id`, params: [[1, 2]] },
    ]);
    expect(inserted).toHaveLength(2);
    expect(read!.map((r) => r.note)).toEqual(['one', 'two']);
    expect(await count()).toBe(2);
  });

  it('writes nothing when a statement fails, answers its error, and the next transaction works', async () => {
    const failing = run([
      { text: `insert into ${table} (id, note) values ($1, $2)`, params: [3, 'three'] },
      { text: `insert into ${table} (id, note) values ($1, $2)`, params: [1, 'duplicate key'] },
      { text: `insert into ${table} (id, note) values ($1, $2)`, params: [4, 'four'] },
    ]);
    await expect(failing).rejects.toMatchObject({ code: '23505' });
    expect(await count()).toBe(2);
    // Many in a row: a connection given back mid-transaction would show up here.
    for (let id = 10; id < 30; id++) await run([{ text: `insert into ${table} (id, note) values ($1, $2)`, params: [id, 'later'] }]);
    expect(await count()).toBe(22);
  });

  it('runs concurrent transactions side by side without mixing them up', async () => {
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        run([
          { text: `insert into ${table} (id, note) values ($1, $2)`, params: [100 + i, `n${i}`] },
          { text: `select note from ${table} where id = $1`, params: [100 + i] },
        ]),
      ),
    );
    expect(results.map(([, read]) => read![0]!.note)).toEqual(Array.from({ length: 12 }, (_, i) => `n${i}`));
  });
});
