// Backup and restore: everything comes back (every table, ids, hashes, the audit log), a re-export after
// restore is byte-identical, across backends too; a non-empty database, a corrupted or truncated file,
// or a file that is not a backup are refused and the database stays as it was.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backends } from './helpers/db.ts';
import { loadSample } from '../src/db/sample.ts';
import { loadSampleTown } from '../src/db/sample-town.ts';
import { BackupError, backupTables, nonEmptyTables, restoreBackup, writeBackup } from '../src/db/backup.ts';
import { loadEdition } from '../src/db/edition-read.ts';
import { editionToJson } from '../src/export/json.ts';
import { createUser } from '../src/db/accounts.ts';
import type { Db } from '../src/db/client.ts';

const dir = mkdtempSync(join(tmpdir(), 'shisaku-backup-'));

async function exports(db: Db): Promise<string> {
  const a = await loadEdition(db, '082023', 2023);
  const b = await loadEdition(db, '229997', 2024);
  return JSON.stringify([editionToJson(a!), editionToJson(b!)]);
}

test('every table of the schema is in the backup, parents first', () => {
  const names = backupTables().map((t) => t.name);
  for (const n of ['organizations', 'plans', 'editions', 'edition_publications', 'users', 'audit_log', 'sub_areas', 'initiative_years'])
    assert.ok(names.includes(n), n);
  assert.ok(names.indexOf('organizations') < names.indexOf('plans'));
  assert.ok(names.indexOf('change_sets') < names.indexOf('audit_log'));
  assert.deepEqual(backupTables().find((t) => t.name === 'sub_areas')!.selfRefs, ['parent_id']);
});

const [pglite, postgres] = backends as [(typeof backends)[0], (typeof backends)[0]];
// Both directions across the backends: each backend writes a backup and restores one.
for (const [from, to] of [
  [pglite, postgres],
  [postgres, pglite],
] as const) {
  test(`${from.name} → ${to.name}: backup, restore, and the same data and the same backup again`, async () => {
    const source = await from.open();
    const target = await to.open();
    try {
      await loadSample(source.db);
      await loadSampleTown(source.db);
      await createUser(source.db, { orgCode: '082023', login: 'admin1', displayName: '管理者', password: 'correct horse battery', role: 'admin' });
      const file = join(dir, `${from.name}-${to.name}.gz`);
      const counts = await writeBackup(source.db, file);
      assert.ok(counts.audit_log! > 0 && counts.users === 1);

      // Not into a database that holds data.
      await loadSampleTown(target.db);
      const before = await nonEmptyTables(target.db);
      await assert.rejects(restoreBackup(target.db, file), (e: unknown) => e instanceof BackupError && /空ではありません/.test(e.message));
      assert.deepEqual(await nonEmptyTables(target.db), before);
      // Told to, it replaces everything.
      await restoreBackup(target.db, file, { replace: true });
      assert.equal(await exports(target.db), await exports(source.db));
      const again = join(dir, `${from.name}-${to.name}-again.gz`);
      await writeBackup(target.db, again);
      assert.equal(gunzipSync(readFileSync(again)).toString(), gunzipSync(readFileSync(file)).toString());
      // New rows get new ids after a restore (sequences follow the restored ids).
      await createUser(target.db, { orgCode: '082023', login: 'admin2', displayName: '管理者2', password: 'correct horse battery', role: 'admin' });
    } finally {
      await source.close();
      await target.close();
    }
  });
}

test('a corrupted, truncated or foreign file is refused and the database stays empty', async () => {
  const source = await pglite.open();
  const target = await pglite.open();
  try {
    await loadSampleTown(source.db);
    const file = join(dir, 'good.gz');
    await writeBackup(source.db, file);
    const text = gunzipSync(readFileSync(file)).toString();
    const lines = text.split('\n');
    const bad = (name: string, body: string) => {
      const p = join(dir, name);
      writeFileSync(p, gzipSync(body));
      return p;
    };
    const k = lines.findIndex((l) => l.includes('書かない窓口'));
    const cases: [string, RegExp][] = [
      [bad('flipped.gz', lines.map((l, j) => (j === k ? l.replace('書かない窓口', '書く窓口') : l)).join('\n')), /チェックサム/],
      [bad('truncated.gz', lines.slice(0, Math.floor(lines.length / 2)).join('\n')), /途中で切れています/],
      [bad('foreign.gz', '{"hello":1}\n'), /バックアップファイルではありません/],
    ];
    writeFileSync(join(dir, 'cut.gz'), readFileSync(file).subarray(0, 200));
    cases.push([join(dir, 'cut.gz'), /読めなくなりました|途中で切れています/]);
    for (const [p, message] of cases) {
      await assert.rejects(restoreBackup(target.db, p), (e: unknown) => e instanceof BackupError && message.test(e.message), p);
      assert.deepEqual(await nonEmptyTables(target.db), {}, p);
    }
  } finally {
    await source.close();
    await target.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
