// Backup and restore of a whole installation: every table of the schema (organizations, plans, editions and
// their published copies, departments and aliases, accounts with their password hashes, rounds,
// assessments, the audit log, imported sources …) in one versioned, checksummed, gzipped text file, written
// and read as a stream so memory stays flat whatever the size. Rows are PostgreSQL's own JSON of each row
// (row_to_json), written as the server prints it and given back to the server unparsed
// (json_populate_recordset), so numerics, timestamps and bytes come back exactly; ids are kept, so a
// re-export after restore is byte-identical. Tables come in foreign-key order, derived from the drizzle
// schema, so a table added to the schema is backed up without a change here.
//
// File: line 1 a header {"format":"shisaku-backup","version":1,"migrations":N}; per table a line
// {"table":name,"columns":[…]} then one line per row; last a trailer {"end":true,"rows":{…},"sha256":…}
// whose digest covers every line before it. Restore checks the digest before it commits.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, readdirSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { is, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from './client.ts';
import { MIGRATIONS_DIR } from './client.ts';
import * as schema from './schema.ts';
import { InvalidInputError } from './errors.ts';

export const BACKUP_FORMAT = 'shisaku-backup';
export const BACKUP_VERSION = 1;
const BATCH = 500;

/** A backup that cannot be restored (or a database it must not be restored into); the message says why. */
export class BackupError extends InvalidInputError {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

interface TableInfo {
  name: string;
  columns: string[];
  /** Ordering columns: the primary key. */
  key: string[];
  /** Columns that reference the same table (a parent row): restored after every row of the table exists. */
  selfRefs: string[];
  /** Serial columns whose sequence is set past the restored ids. */
  serials: string[];
}

/** Every table of the schema, parents before children. */
export function backupTables(): TableInfo[] {
  const tables = (Object.values(schema) as unknown[]).filter((v): v is PgTable => is(v, PgTable));
  const infos = tables.map((t) => {
    const c = getTableConfig(t);
    const key = c.primaryKeys.length ? c.primaryKeys[0]!.columns.map((x) => x.name) : c.columns.filter((x) => x.primary).map((x) => x.name);
    const refs = c.foreignKeys.map((fk) => {
      const r = fk.reference();
      return { columns: r.columns.map((x) => x.name), table: getTableConfig(r.foreignTable).name };
    });
    return {
      name: c.name,
      columns: c.columns.map((x) => x.name),
      key,
      selfRefs: refs.filter((r) => r.table === c.name).flatMap((r) => r.columns),
      serials: c.columns.filter((x) => x.columnType === 'PgSerial' || x.columnType === 'PgBigSerial53' || x.columnType === 'PgBigSerial64').map((x) => x.name),
      parents: [...new Set(refs.map((r) => r.table).filter((n) => n !== c.name))],
    };
  });
  const out: (typeof infos)[number][] = [];
  const placed = new Set<string>();
  while (out.length < infos.length) {
    const next = infos.find((i) => !placed.has(i.name) && i.parents.every((p) => placed.has(p)));
    if (!next) throw new Error(`backup: a foreign-key cycle among ${infos.filter((i) => !placed.has(i.name)).map((i) => i.name)}`);
    out.push(next);
    placed.add(next.name);
  }
  return out.map(({ parents: _, ...i }) => i);
}

const ident = (name: string) => sql.raw(`"${name.replace(/"/g, '""')}"`);

function migrationCount(): number {
  return readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).length;
}

async function rows<T>(db: DbOrTx, query: ReturnType<typeof sql>): Promise<T[]> {
  return ((await db.execute(query)) as unknown as { rows: T[] }).rows;
}

/** The backup as lines of text, produced table by table in batches (keyset pagination on the primary key). */
export async function* backupLines(db: DbOrTx): AsyncGenerator<string> {
  const hash = createHash('sha256');
  const emit = (line: string) => {
    hash.update(line).update('\n');
    return line;
  };
  yield emit(JSON.stringify({ format: BACKUP_FORMAT, version: BACKUP_VERSION, migrations: migrationCount() }));
  const counts: Record<string, number> = {};
  for (const t of backupTables()) {
    yield emit(JSON.stringify({ table: t.name, columns: t.columns }));
    let count = 0;
    const order = sql.join(
      t.key.map((k) => ident(k)),
      sql`, `,
    );
    let offset = 0;
    for (;;) {
      // OFFSET over the primary key's order inside one snapshot: simple, and exact for a consistent read.
      const batch = await rows<{ j: string }>(
        db,
        sql`SELECT row_to_json(x)::text AS j FROM ${ident(t.name)} x ORDER BY ${order} LIMIT ${BATCH} OFFSET ${offset}`,
      );
      for (const r of batch) yield emit(r.j);
      count += batch.length;
      offset += batch.length;
      if (batch.length < BATCH) break;
    }
    counts[t.name] = count;
  }
  yield JSON.stringify({ end: true, rows: counts, sha256: hash.digest('hex') });
}

/** Writes a backup of everything to `path` (gzip), inside one read-only snapshot so it is consistent while others write. */
export async function writeBackup(db: Db, path: string): Promise<Record<string, number>> {
  let counts: Record<string, number> = {};
  await db.transaction(
    async (tx) => {
      const lines = backupLines(tx);
      async function* text() {
        for await (const line of lines) {
          if (line.startsWith('{"end":true')) counts = (JSON.parse(line) as { rows: Record<string, number> }).rows;
          yield `${line}\n`;
        }
      }
      await pipeline(Readable.from(text()), createGzip(), createWriteStream(path));
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
  return counts;
}

export interface RestoreOptions {
  /** Replace what the database holds (every table emptied first, in the same transaction). */
  replace?: boolean;
}

/** Tables that hold rows, with their counts; empty when the database is empty. */
export async function nonEmptyTables(db: DbOrTx): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of backupTables()) {
    const [r] = await rows<{ n: string | number }>(db, sql`SELECT count(*) AS n FROM ${ident(t.name)}`);
    if (Number(r!.n) > 0) out[t.name] = Number(r!.n);
  }
  return out;
}

/**
 * Restores a backup into this database in one transaction: refused when the database holds data (unless
 * `replace`), when the file is not a backup of this format or of a newer schema, or when its digest or
 * row counts do not match — in every case the database stays as it was.
 */
export async function restoreBackup(db: Db, path: string, opts: RestoreOptions = {}): Promise<Record<string, number>> {
  const tables = new Map(backupTables().map((t) => [t.name, t]));
  return db.transaction(async (tx) => {
    const held = await nonEmptyTables(tx);
    if (Object.keys(held).length && !opts.replace)
      throw new BackupError(
        `復元先のデータベースは空ではありません（${Object.entries(held)
          .slice(0, 5)
          .map(([t, n]) => `${t} ${n}行`)
          .join('、')}）。置き換える場合は --replace を指定してください / the database is not empty; use --replace to replace it`,
      );
    if (opts.replace) await tx.execute(sql`TRUNCATE ${sql.join([...tables.keys()].map(ident), sql`, `)} RESTART IDENTITY CASCADE`);

    const hash = createHash('sha256');
    const input = createInterface({ input: createReadStream(path).pipe(createGunzip()), crlfDelay: Number.POSITIVE_INFINITY });
    let lineNo = 0;
    let current: TableInfo | null = null;
    let batch: string[] = [];
    let selfRefRows: string[] = [];
    const counts: Record<string, number> = {};
    const end: { trailer: { rows: Record<string, number>; sha256: string } | null } = { trailer: null };
    const flush = async () => {
      if (!current || batch.length === 0) return;
      const t = current;
      const strip = t.selfRefs.length ? sql.raw(` - '{${t.selfRefs.join(',')}}'::text[]`) : sql.raw('');
      const json = `[${batch.join(',')}]`;
      await tx.execute(
        sql`INSERT INTO ${ident(t.name)} SELECT * FROM jsonb_populate_recordset(null::${ident(t.name)}, (SELECT jsonb_agg(e${strip}) FROM jsonb_array_elements(${json}::jsonb) e))`,
      );
      if (t.selfRefs.length) selfRefRows.push(...batch);
      batch = [];
    };
    const finishTable = async () => {
      await flush();
      if (current?.selfRefs.length && selfRefRows.length) {
        // Parents exist now: point each row at its parent.
        const t = current;
        const key = t.key[0]!;
        for (let k = 0; k < selfRefRows.length; k += BATCH) {
          const json = `[${selfRefRows.slice(k, k + BATCH).join(',')}]`;
          const sets = sql.join(
            t.selfRefs.map((c) => sql`${ident(c)} = v.${ident(c)}`),
            sql`, `,
          );
          await tx.execute(
            sql`UPDATE ${ident(t.name)} x SET ${sets} FROM jsonb_populate_recordset(null::${ident(t.name)}, ${json}::jsonb) v WHERE x.${ident(key)} = v.${ident(key)}`,
          );
        }
      }
      selfRefRows = [];
    };
    try {
      for await (const line of input) {
        lineNo++;
        if (end.trailer) throw new BackupError(`${lineNo}行目: 終わりの行の後に続きがあります / data after the trailer`);
        if (lineNo === 1) {
          const h = safeJson(line) as { format?: string; version?: number; migrations?: number } | null;
          if (h?.format !== BACKUP_FORMAT) throw new BackupError('shisaku のバックアップファイルではありません / not a shisaku backup');
          if (h.version !== BACKUP_VERSION) throw new BackupError(`このバージョンが読めない形式（version ${h.version}）です / unsupported backup version`);
          if ((h.migrations ?? 0) > migrationCount())
            throw new BackupError(
              'このバックアップは新しい版の shisaku で作られています。shisaku を更新してから復元してください / the backup is from a newer schema; upgrade first',
            );
          hash.update(line).update('\n');
          continue;
        }
        if (line.startsWith('{"end":true')) {
          await finishTable();
          end.trailer = safeJson(line) as typeof end.trailer;
          continue;
        }
        hash.update(line).update('\n');
        if (line.startsWith('{"table":')) {
          await finishTable();
          const m = safeJson(line) as { table?: string; columns?: string[] } | null;
          const t = m?.table ? tables.get(m.table) : undefined;
          if (!t) throw new BackupError(`${lineNo}行目: 知らない表「${m?.table}」です / unknown table`);
          const missing = (m!.columns ?? []).filter((c) => !t.columns.includes(c));
          if (missing.length) throw new BackupError(`${lineNo}行目: 表 ${t.name} に知らない列 ${missing.join('、')} があります / unknown columns`);
          current = t;
          counts[t.name] = 0;
          continue;
        }
        if (!current) throw new BackupError(`${lineNo}行目: 表の見出しの前に行があります / a row before any table`);
        batch.push(line);
        counts[current.name]!++;
        if (batch.length >= BATCH) await flush();
      }
    } catch (e) {
      if (e instanceof BackupError) throw e;
      throw new BackupError(
        `${lineNo}行目で読めなくなりました（${(e as Error).message}）。ファイルが壊れているか、途中で切れています / unreadable at line ${lineNo}`,
      );
    }
    const trailer = end.trailer;
    if (!trailer?.rows || typeof trailer.sha256 !== 'string')
      throw new BackupError('ファイルが途中で切れています（終わりの行がありません） / the file is truncated');
    const digest = hash.digest('hex');
    if (digest !== trailer.sha256) throw new BackupError('チェックサムが一致しません。ファイルが壊れています / checksum mismatch');
    for (const [t, n] of Object.entries(trailer.rows)) {
      if ((counts[t] ?? 0) !== n) throw new BackupError(`表 ${t} の行数が一致しません（${counts[t] ?? 0} / ${n}） / row count mismatch`);
    }
    for (const t of tables.values()) {
      for (const c of t.serials) {
        await tx.execute(sql`SELECT setval(pg_get_serial_sequence(${t.name}, ${c}), coalesce((SELECT max(${ident(c)}) FROM ${ident(t.name)}), 0) + 1, false)`);
      }
    }
    return counts;
  });
}

function safeJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return null;
  }
}
