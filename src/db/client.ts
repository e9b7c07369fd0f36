// Opens the database: a PostgreSQL server when DATABASE_URL is set, otherwise PGlite in process with its
// data under ./data. Both get the same drizzle schema and the same migrations, applied on open.
import { mkdirSync, existsSync } from 'node:fs';
import { takeLock } from './data-lock.ts';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import * as schema from './schema.ts';
// Editions published before their published copies existed get theirs once the schema is current.
import { backfillPublications } from './publication.ts';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
/** A transaction handle; queries take `Db | Tx` so they can join a caller's transaction. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Where the data are: a directory, "memory", or the server URL without its password. */
  location: string;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** postgres://… ; when absent, PGlite is used. */
  url?: string;
  /** PGlite data directory; "memory://" keeps everything in memory (tests). */
  dataDir?: string;
  /** Apply migrations on open (default true). */
  migrate?: boolean;
}

export const MIGRATIONS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), 'migrations');

export { DatabaseLockedError } from './data-lock.ts';

/** PGlite corrupts its directory if two processes open it: the first holds a lock (data-lock.ts). */
function acquireLock(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  return takeLock(dataDir, join(dataDir, 'shisaku.lock'));
}

export function defaultOptions(env: NodeJS.ProcessEnv = process.env): OpenOptions {
  if (env.DATABASE_URL) return { url: env.DATABASE_URL };
  return { dataDir: env.SHISAKU_DATA_DIR ?? resolve('data') };
}

export async function openDatabase(options: OpenOptions = defaultOptions()): Promise<Database> {
  const migrate = options.migrate ?? true;
  if (options.url) {
    const pg = await import('pg');
    const { drizzle } = await import('drizzle-orm/node-postgres');
    // numeric stays a string (the default); bigint counts come back as strings too, callers convert.
    const pool = new pg.default.Pool({ connectionString: options.url, max: 10 });
    // An idle connection that the server ends (a restart, an administrator, or the pool's own sockets
    // still closing after end()) is reported here; without a listener it would crash the process.
    // The pool replaces the connection on next use, so logging is enough.
    let closing = false;
    pool.on('error', (err) => {
      if (!closing) console.error(`[${new Date().toISOString()}] PostgreSQL connection lost: ${err.message}`);
    });
    const db = drizzle(pool, { schema }) as unknown as Db;
    if (migrate) {
      const { migrate: run } = await import('drizzle-orm/node-postgres/migrator');
      await run(drizzle(pool, { schema }), { migrationsFolder: MIGRATIONS_DIR });
      await backfillPublications(db);
    }
    return {
      db,
      kind: 'postgres',
      location: options.url.replace(/:[^:@/]*@/, ':***@'),
      close: () => {
        closing = true;
        return pool.end();
      },
    };
  }
  const dataDir = options.dataDir ?? resolve('data');
  const inMemory = dataDir.startsWith('memory://');
  const release = inMemory ? () => {} : acquireLock(dataDir);
  try {
    const { PGlite } = await import('@electric-sql/pglite');
    const { drizzle } = await import('drizzle-orm/pglite');
    const client = inMemory ? new PGlite() : new PGlite(dataDir);
    await client.waitReady;
    const pdb = drizzle(client, { schema });
    if (migrate) {
      const { migrate: run } = await import('drizzle-orm/pglite/migrator');
      await run(pdb, { migrationsFolder: MIGRATIONS_DIR });
      await backfillPublications(pdb as unknown as Db);
    }
    return {
      db: pdb as unknown as Db,
      kind: 'pglite',
      location: inMemory ? 'memory' : dataDir,
      close: async () => {
        await client.close();
        release();
      },
    };
  } catch (e) {
    release();
    throw e;
  }
}

/** Shrinks PGlite's WAL after a bulk load; harmless on a server. */
export async function checkpoint(database: Database): Promise<void> {
  if (database.kind === 'pglite') await database.db.execute('CHECKPOINT' as never);
}

export function isEmbeddedDataPresent(dataDir: string): boolean {
  return existsSync(join(dataDir, 'PG_VERSION'));
}
