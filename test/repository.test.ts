import { systemActor } from '../src/db/command.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import { backends } from './helpers/db.ts';
import { smallEdition } from './fixtures/small-edition.ts';
import { saveEdition, loadEdition, editionStamp, EditionExistsError, InvalidInputError, initiativeHistory, listEditions } from '../src/db/repository.ts';
import { mergeDepartments } from '../src/db/departments.ts';
import { kpiTable } from '../src/domain/tables.ts';

const opts = { actor: 'test', source: 'test' };

async function count(db: import('../src/db/client.ts').Db, table: string): Promise<number> {
  const r = await db.execute(sql.raw(`SELECT count(*)::int AS n FROM ${table}`));
  return Number((r as unknown as { rows: { n: number }[] }).rows[0]!.n);
}

for (const backend of backends) {
  test(`${backend.name}: an edition saved is the edition loaded`, async () => {
    const database = await backend.open();
    try {
      const data = smallEdition();
      await saveEdition(database.db, data, opts);
      const loaded = await loadEdition(database.db, '082023', 2023);
      assert.ok(loaded);
      assert.deepEqual(loaded.initiatives, data.initiatives);
      assert.deepEqual(loaded.pillars, data.pillars);
      assert.deepEqual(loaded.kpis, data.kpis);
      assert.equal(kpiTable(loaded).rows[0]!.latest!.progressRate, '48.6');
      assert.equal((await listEditions(database.db, '082023'))[0]!.fiscalYear, 2023);
    } finally {
      await database.close();
    }
  });

  test(`${backend.name}: a second import is refused unless replace, which replaces atomically`, async () => {
    const database = await backend.open();
    try {
      const { db } = database;
      await saveEdition(db, smallEdition(), opts);
      const stamp = await editionStamp(db, '082023', 2023);
      await assert.rejects(saveEdition(db, smallEdition(), opts), EditionExistsError);
      const changed = smallEdition();
      changed.initiatives[0]!.title = '変更後の題名';
      await saveEdition(db, changed, { ...opts, replace: true });
      const loaded = await loadEdition(db, '082023', 2023);
      assert.equal(loaded!.initiatives[0]!.title, '変更後の題名');
      assert.notEqual(await editionStamp(db, '082023', 2023), stamp);
      // The initiative keeps its identity across the replace: one history entry, not two identities.
      assert.equal((await initiativeHistory(db, '082023', 'aaaa0001')).length, 1);
    } finally {
      await database.close();
    }
  });

  test(`${backend.name}: a save that fails half-way writes nothing`, async () => {
    const database = await backend.open();
    try {
      const { db } = database;
      const bad = smallEdition();
      bad.initiatives[2]!.pillarKey = 'p9';
      await assert.rejects(saveEdition(db, bad, opts), InvalidInputError);
      for (const table of ['organizations', 'plans', 'editions', 'initiatives', 'initiative_years', 'departments', 'change_sets']) {
        assert.equal(await count(db, table), 0, table);
      }
      await assert.rejects(saveEdition(db, smallEdition({ organization: { code: '082024', name: 'x' } }), opts), /検査数字/);
    } finally {
      await database.close();
    }
  });

  test(`${backend.name}: merging a department spelling makes it an alias, also for later imports`, async () => {
    const database = await backend.open();
    try {
      const { db } = database;
      const data = smallEdition();
      data.initiatives[0]!.departments.push('商工振興課');
      await saveEdition(db, data, opts);
      const result = await mergeDepartments(db, '082023', '商工推進課', '商工振興課', await systemActor(db, '082023', 'test'));
      assert.equal(result.moved, 1);
      const loaded = await loadEdition(db, '082023', 2023);
      assert.deepEqual(loaded!.initiatives[2]!.departments, ['市民課', '商工振興課']);
      assert.deepEqual(loaded!.departments.find((d) => d.name === '商工振興課')!.aliases, ['商工推進課']);
      await saveEdition(db, smallEdition(), { ...opts, replace: true });
      const again = await loadEdition(db, '082023', 2023);
      assert.deepEqual(again!.initiatives[2]!.departments, ['市民課', '商工振興課']);
      await assert.rejects(mergeDepartments(db, '082023', '無い課', '商工振興課', await systemActor(db, '082023', 'test')), /ありません/);
    } finally {
      await database.close();
    }
  });
}
