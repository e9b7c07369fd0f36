// What the crash probes (scripts/test-crash.ts) compare: a digest of a whole database, every table of the
// schema in foreign-key order (src/db/backup.ts backupTables), each row as PostgreSQL's own JSON in
// primary-key order, without the columns that say when (created_at, imported_at, …), which differ between
// two runs of the same write. Two databases that went through the same writes from the same state have
// the same digest; a write that left half its rows behind has another one.
import { createHash } from 'node:crypto';
import { is, sql } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '../../src/db/client.ts';
import { backupTables } from '../../src/db/backup.ts';
import * as schema from '../../src/db/schema.ts';

const ident = (name: string) => sql.raw(`"${name.replace(/"/g, '""')}"`);

/** The columns of each table that hold a moment (timestamp or date), by table name. */
function momentColumns(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const value of Object.values(schema) as unknown[]) {
    if (!is(value, PgTable)) continue;
    const c = getTableConfig(value);
    out.set(
      c.name,
      c.columns.filter((col) => /^(timestamp|date)/.test(col.getSQLType())).map((col) => col.name),
    );
  }
  return out;
}

/** The digest of everything stored, and the row count of each table (to say what differs). */
export async function databaseDigest(db: DbOrTx): Promise<{ digest: string; rows: Record<string, number> }> {
  const hash = createHash('sha256');
  const moments = momentColumns();
  const rows: Record<string, number> = {};
  for (const t of backupTables()) {
    const drop = moments.get(t.name) ?? [];
    const order = sql.join(
      t.key.map((k) => ident(k)),
      sql`, `,
    );
    const without = drop.length ? sql.raw(` - ARRAY[${drop.map((d) => `'${d}'`).join(', ')}]::text[]`) : sql.raw('');
    const result = (await db.execute(sql`SELECT (to_jsonb(x)${without})::text AS j FROM ${ident(t.name)} x ORDER BY ${order}`)) as unknown as {
      rows: { j: string }[];
    };
    hash.update(`${t.name}\n`);
    for (const r of result.rows) hash.update(r.j).update('\n');
    rows[t.name] = result.rows.length;
  }
  return { digest: hash.digest('hex'), rows };
}
