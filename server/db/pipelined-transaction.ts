import type { PGlite } from '@electric-sql/pglite';
import type { Sql } from 'postgres';
import type { Db } from './client.ts';

/**
 * One transaction of a few fixed statements, for the hot write path. On Postgres the
 * statements go out in one round trip: BEGIN, each statement (prepared, so planned once per
 * connection), COMMIT, pipelined on one reserved connection, instead of a round trip each
 * through the ORM. The server runs them in order, each statement seeing what the previous
 * one did. When one fails the transaction is aborted, the later ones fail with it and the
 * COMMIT rolls back: the caller gets the first error and nothing was written.
 * PGlite runs in this process, so there it is a plain transaction.
 */
export interface Statement {
  text: string;
  params: unknown[];
}

/** Runs the statements in one transaction; resolves with each statement's rows once committed. */
export type PipelinedTransaction = (statements: readonly Statement[]) => Promise<Record<string, unknown>[][]>;

type PostgresClient = Sql<Record<string, never>>;

const isPostgresJs = (client: unknown): client is PostgresClient => typeof client === 'function' && typeof (client as { reserve?: unknown }).reserve === 'function';

function onPostgres(client: PostgresClient): PipelinedTransaction {
  return async (statements) => {
    const conn = await client.reserve();
    try {
      const sent = [
        conn.unsafe('begin'),
        ...statements.map((s) => conn.unsafe(s.text, s.params as never[], { prepare: true })),
        conn.unsafe('commit'),
      ];
      // Every reply must be in before the connection goes back to the pool.
      const settled = await Promise.allSettled(sent);
      const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
      const commit = (settled.at(-1) as PromiseFulfilledResult<{ command?: string }>).value;
      // COMMIT of an aborted transaction answers ROLLBACK; a failed statement has thrown above already.
      if (commit.command !== 'COMMIT') throw new Error(`the transaction ended with ${commit.command ?? 'no command'}`);
      return settled.slice(1, -1).map((r) => [...((r as PromiseFulfilledResult<Record<string, unknown>[]>).value ?? [])]);
    } finally {
      conn.release();
    }
  };
}

function onPglite(client: PGlite): PipelinedTransaction {
  return (statements) =>
    client.transaction(async (tx) => {
      const out: Record<string, unknown>[][] = [];
      for (const s of statements) out.push((await tx.query<Record<string, unknown>>(s.text, s.params)).rows);
      return out;
    });
}

/** The runner for the driver under `db` (drizzle exposes it as `$client`). */
export function pipelinedTransaction(db: Db): PipelinedTransaction {
  const client = (db as unknown as { $client: unknown }).$client;
  return isPostgresJs(client) ? onPostgres(client) : onPglite(client as PGlite);
}
