// How many spreadsheet imports an installation reads at once. Reading a workbook costs up to a few hundred
// MB and seconds of CPU (in a worker, src/import/upload-reader.ts), so at most IMPORT_SLOTS.max run at a
// time and the next one is told, in Japanese, to try again shortly — a 503 with Retry-After on the web, a
// distinct exit code on the CLI — rather than queued behind work nobody can see.
//
// "At once" means in the installation, not in one process: on PGlite only one process can open the data
// at all (src/db/data-lock.ts), so a counter in the process is the whole story; on PostgreSQL, where
// several server processes and CLI runs share one database, each slot is also a session advisory lock,
// which the server drops by itself if the process holding it dies.
import type pg from 'pg';
import type { Database } from '../db/client.ts';

function configuredMax(env: NodeJS.ProcessEnv): number {
  const n = Number(env.SHISAKU_MAX_IMPORTS);
  return Number.isInteger(n) && n >= 1 && n <= 64 ? n : 2;
}

export const IMPORT_SLOTS = {
  /** Imports read at once per installation; SHISAKU_MAX_IMPORTS overrides (1 to 64). */
  max: configuredMax(process.env),
  /** What the refusal suggests waiting: a workbook at the limits takes about this long to read. */
  retryAfterSeconds: 15,
};

/** The first key of the advisory locks (the second is the slot number, 1…max): "shki". */
export const SLOT_LOCK_KEY = 0x73686b69;

export class ImportBusyError extends Error {
  readonly ja: string;
  readonly retryAfterSeconds = IMPORT_SLOTS.retryAfterSeconds;
  constructor() {
    const ja = `ほかの取り込みを処理中です（同時に ${IMPORT_SLOTS.max} 件まで）。${IMPORT_SLOTS.retryAfterSeconds} 秒ほど待ってから、もう一度お試しください`;
    super(`${ja} / ${IMPORT_SLOTS.max} imports are already being read; try again in ${IMPORT_SLOTS.retryAfterSeconds} seconds`);
    this.ja = ja;
    this.name = 'ImportBusyError';
  }
}

let running = 0;

/** An advisory lock on one free slot, on a connection of its own; null when every slot is held elsewhere. */
async function serverSlot(database: Database): Promise<(() => Promise<void>) | null> {
  const pool = (database.db as unknown as { $client: pg.Pool }).$client;
  const client = await pool.connect();
  try {
    for (let slot = 1; slot <= IMPORT_SLOTS.max; slot++) {
      const r = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', [SLOT_LOCK_KEY, slot]);
      if (r.rows[0]?.ok) {
        return async () => {
          try {
            await client.query('SELECT pg_advisory_unlock($1, $2)', [SLOT_LOCK_KEY, slot]);
            client.release();
          } catch (e) {
            // The connection is closed with the lock on it, which frees the lock just the same.
            client.release(e as Error);
          }
        };
      }
    }
    client.release();
    return null;
  } catch (e) {
    client.release(e as Error);
    throw e;
  }
}

/**
 * Takes a slot, or throws ImportBusyError when all are taken; the function returned gives it back (call
 * it once, in a finally). `database` is the one the import is for; null for a read that concerns none.
 */
export async function takeImportSlot(database: Database | null): Promise<() => Promise<void>> {
  if (running >= IMPORT_SLOTS.max) throw new ImportBusyError();
  running++;
  let released = false;
  const local = () => {
    if (!released) running--;
    released = true;
  };
  if (database?.kind !== 'postgres') return async () => local();
  try {
    const unlock = await serverSlot(database);
    if (!unlock) throw new ImportBusyError();
    return async () => {
      try {
        await unlock();
      } finally {
        local();
      }
    };
  } catch (e) {
    local();
    throw e;
  }
}

/** Runs `fn` holding a slot. */
export async function withImportSlot<T>(database: Database | null, fn: () => Promise<T>): Promise<T> {
  const release = await takeImportSlot(database);
  try {
    return await fn();
  } finally {
    await release();
  }
}
