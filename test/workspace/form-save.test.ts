// The initiative form stores what it shows: an unchanged save writes nothing (findings 6 and 8 of
// "every write stores exactly what it announces"), a changed value is printed anew, and a target printed
// without a name can be saved as it is (finding 16).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import { backends } from '../helpers/db.ts';
import { loadEdition } from '../../src/db/repository.ts';
import { buildTables, tableToCsv } from '../../src/export/opendata.ts';
import { formOf, signIn, workspaceApp } from './helpers.ts';
import type { Db } from '../../src/db/client.ts';

async function changeSets(db: Db): Promise<number> {
  const r = (await db.execute(sql`SELECT count(*)::int AS n FROM change_sets`)) as unknown as { rows: { n: number }[] };
  return r.rows[0]!.n;
}

for (const backend of backends) {
  test(`${backend.name}: the initiative form stores what it shows`, async (t) => {
    const { database, app } = await workspaceApp(backend);
    const db = database.db;
    try {
      await db.execute(sql`UPDATE editions SET state = 'draft'`);
      const admin = await signIn(app, 'admin');
      const load = async () => (await loadEdition(db, '082023', 2023))!;
      const by = async (n: string) => (await load()).initiatives.find((i) => i.number === n)!;

      await t.test('finding 6: an unchanged save keeps the printed 実績 text and raw, and writes nothing', async () => {
        for (const n of ['07', '08', '15']) {
          const before = await by(n);
          const page = await admin.get(`/admin/e/2023/i/${before.key}`);
          const n0 = await changeSets(db);
          const r = await admin.post(`/admin/e/2023/i/${before.key}`, formOf(page.html));
          assert.equal(r.status, 303, r.html.slice(0, 2000));
          assert.deepEqual(await by(n), before, `${n} unchanged`);
          assert.equal(await changeSets(db), n0, `${n}: no change set for a save that changes nothing`);
        }
      });

      await t.test('finding 6: an empty actual is printed without its unit', async () => {
        const before = await by('08');
        const form = formOf((await admin.get(`/admin/e/2023/i/${before.key}`)).html);
        (form.r_actual as string[])[0] = '';
        assert.equal((await admin.post(`/admin/e/2023/i/${before.key}`, form)).status, 303);
        const after = await by('08');
        assert.equal(after.results[0]!.actual, null);
        assert.equal(after.results[0]!.raw, '・マイナンバーカード交付率 (70%)');
        assert.equal(after.results[1]!.raw, before.results[1]!.raw, 'the untouched row keeps its printed text');
        assert.equal(after.resultsText, '【令和4年度】\n・マイナンバーカード交付率 (70%)\n・マイナポイント申込・マイキーID設定支援 41,819件 (8,400件)');
      });

      await t.test('finding 8: a changed value updates raw and its line of the printed text; prose lines stay', async () => {
        const before = await by('07');
        const form = formOf((await admin.get(`/admin/e/2023/i/${before.key}`)).html);
        (form.r_actual as string[])[0] = '１００';
        assert.equal((await admin.post(`/admin/e/2023/i/${before.key}`, form)).status, 303);
        const after = await by('07');
        assert.equal(after.results[0]!.raw, '・デジタル化推進員 100名');
        assert.equal(after.resultsText, '【令和4年度】\n・デジタル化推進員 100名\n・デジタルセミナーへの参加（9月開催）');
        const csv = tableToCsv(buildTables(await load()).find((x) => x.id === 'results')!);
        assert.ok(csv.includes('・デジタル化推進員 100名') && !csv.includes('デジタル化推進員 93名'), 'open data carries the new value, not the old');
      });

      await t.test('finding 16: a target printed without a name (15 ・26コンテンツ) saves as it is', async () => {
        const before = await by('15');
        assert.equal(before.planTargets[0]!.label, '');
        const form = formOf((await admin.get(`/admin/e/2023/i/${before.key}`)).html);
        form.plan = `${form.plan}\n（追記）`;
        const r = await admin.post(`/admin/e/2023/i/${before.key}`, form);
        assert.equal(r.status, 303, r.html.slice(0, 3000));
        const after = await by('15');
        assert.deepEqual(after.planTargets, before.planTargets);
      });
    } finally {
      await database.close();
    }
  });
}
