import { inArray, sql, type Column, type SQL } from 'drizzle-orm';

/** `column IN (ids)`, or a plain false for an empty list (SQL has no empty IN, and "none" must match nothing). */
export const inIds = (column: Column, ids: readonly string[]): SQL => (ids.length ? inArray(column, [...ids]) : sql`false`);
