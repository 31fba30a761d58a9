import { sql, type SQL } from 'drizzle-orm';

/*
 * Id lists as one Postgres array parameter (`= ANY($1::int8[])`): one bind value whatever the
 * length, the same statement text every time (so it stays prepared), and index scans.
 */
export const int8Array = (ids: readonly number[]): SQL => sql`${`{${ids.map((n) => Math.trunc(Number(n))).join(',')}}`}::int8[]`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const uuidArray = (ids: readonly string[]): SQL => {
  for (const id of ids) if (!UUID.test(id)) throw new Error(`not a uuid: ${id}`);
  return sql`${`{${ids.join(',')}}`}::uuid[]`;
};

export const textArray = (values: readonly string[]): SQL =>
  sql`${`{${values.map((v) => `"${v.replace(/["\\]/g, '\\$&')}"`).join(',')}}`}::text[]`;
