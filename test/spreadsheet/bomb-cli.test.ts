// Bounded imports on the command line, on both databases: `import xlsx` of a workbook bomb exits 1 with
// the Japanese message and writes nothing; when the installation is already reading as many files as it
// allows (slots held in this process on PGlite, by another session on PostgreSQL), the import exits 75
// (EX_TEMPFAIL) saying to try again shortly, and goes through once a slot is free.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/db/client.ts';
import { loadEdition } from '../../src/db/repository.ts';
import { loadSample } from '../../src/db/sample.ts';
import { exportWorkbook } from '../../src/export/xlsx.ts';
import { IMPORT_SLOTS, SLOT_LOCK_KEY, takeImportSlot } from '../../src/import/import-slots.ts';
import { backends } from '../helpers/db.ts';
import { runCli } from '../helpers/cli.ts';
import { longSheetWorkbook } from './bomb-zip.ts';

const dir = mkdtempSync(join(tmpdir(), 'shisaku-bomb-cli-'));
const bombFile = join(dir, 'bomb.xlsx');
const sampleFile = join(dir, 'sample.xlsx');
writeFileSync(bombFile, longSheetWorkbook(1500, 1000));

test.after(() => rmSync(dir, { recursive: true, force: true }));

/** The database for the CLI to open (its environment), and how to hold every slot from elsewhere. */
interface Setup {
  env: Record<string, string>;
  holdAll(): Promise<{ freeOne(): Promise<void>; release(): Promise<void> }>;
  close(): Promise<void>;
}

async function pgliteSetup(): Promise<Setup> {
  const dataDir = join(dir, 'data');
  const database = await openDatabase({ dataDir });
  await loadSample(database.db);
  writeFileSync(sampleFile, await exportWorkbook((await loadEdition(database.db, '082023', 2023))!));
  await database.close();
  return {
    env: { SHISAKU_DATA_DIR: dataDir, DATABASE_URL: '' },
    // PGlite is one process: the slots are this process's.
    holdAll: async () => {
      const held: (() => Promise<void>)[] = [];
      for (let k = 0; k < IMPORT_SLOTS.max; k++) held.push(await takeImportSlot(null));
      return {
        freeOne: async () => held.pop()!(),
        release: async () => {
          for (const r of held.splice(0)) await r();
        },
      };
    },
    close: async () => {},
  };
}

async function postgresSetup(): Promise<Setup> {
  const database: Database = await backends.find((b) => b.name === 'postgres')!.open();
  await loadSample(database.db);
  writeFileSync(sampleFile, await exportWorkbook((await loadEdition(database.db, '082023', 2023))!));
  return {
    env: { DATABASE_URL: database.location },
    // Another process holds the slots: a session of its own with the advisory locks.
    holdAll: async () => {
      const other = new pg.Client({ connectionString: database.location });
      await other.connect();
      for (let slot = 1; slot <= IMPORT_SLOTS.max; slot++) await other.query('SELECT pg_advisory_lock($1, $2)', [SLOT_LOCK_KEY, slot]);
      return {
        freeOne: async () => void (await other.query('SELECT pg_advisory_unlock($1, 1)', [SLOT_LOCK_KEY])),
        release: () => other.end(),
      };
    },
    close: () => database.close(),
  };
}

for (const [name, setup] of [
  ['pglite', pgliteSetup],
  ['postgres', postgresSetup],
] as const) {
  test(`${name}: import xlsx is bounded`, async () => {
    const s = await setup();
    try {
      const args = (file: string) => ['import', 'xlsx', file, '--org', '082023', '--year', '2023', '--dry-run'];
      const bomb = await runCli(args(bombFile), s.env);
      assert.equal(bomb.code, 1, bomb.stderr);
      assert.match(bomb.stderr, /ファイルが大きすぎます（展開後の大きさが上限を超えます/);

      const held = await s.holdAll();
      try {
        const busy = await runCli(args(sampleFile), s.env);
        assert.equal(busy.code, 75, busy.stderr);
        assert.match(busy.stderr, /ほかの取り込みを処理中です（同時に 2 件まで）。15 秒ほど待ってから、もう一度お試しください/);
        await held.freeOne();
        const ok = await runCli(args(sampleFile), s.env);
        assert.equal(ok.code, 0, ok.stderr);
        assert.match(ok.stdout, /変更はありません/);
      } finally {
        await held.release();
      }
    } finally {
      await s.close();
    }
  });
}
