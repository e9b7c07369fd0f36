// On both databases: a plan-target edit shows on the history and review pages; keys of deleted pillars,
// sub-areas and KPIs are never handed out again; a KPI linked to an initiative dropped in the rollover
// has no link in the new edition's views; result rows an import recorded show on the history page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { backends } from '../helpers/db.ts';
import { sampleDocument } from '../../src/db/sample.ts';
import { loadEdition } from '../../src/db/repository.ts';
import { recordChangeSet } from '../../src/db/audit.ts';
import { authenticate } from '../../src/db/accounts.ts';
import { initiativeAudit } from '../../src/db/history.ts';
import { deleteKpi, deletePillar, deleteSubArea, saveKpi, savePillar, saveSubArea } from '../../src/db/structure.ts';
import { diffEditions, diffInitiative, isInitiativeSnapshot } from '../../src/domain/edition-diff.ts';
import { editionView } from '../../src/web/public/edition-cache.ts';
import * as schema from '../../src/db/schema.ts';
import { formOf, PASSWORD, signIn, workspaceApp } from './helpers.ts';

const { doc } = sampleDocument();
const key = (n: string) => doc.data.initiatives.find((i) => i.number === n)!.key;
const K08 = key('08'); // 市民課, デジタル推進課
const K93 = key('93'); // 完了; KPI k8 measures it

for (const backend of backends) {
  test(`${backend.name}: diffs, keys and links after a rollover`, async (t) => {
    const { database, app } = await workspaceApp(backend);
    const db = database.db;
    try {
      const admin = await signIn(app, 'admin');
      const digital = await signIn(app, 'digital');
      const actor = (await authenticate(db, 'admin', PASSWORD))!;
      const r = await admin.post('/admin/rounds', { fromFiscalYear: '2023', dueDate: '2024-05-31', dropCompleted: 'drop' });
      assert.equal(r.status, 303, r.html);

      await t.test('plan target 85 → 90: the diff of the two snapshots is not empty, history and review pages show it', async () => {
        const form = formOf((await digital.get(`/admin/e/2024/i/${K08}`)).html);
        assert.equal((form.t_value as string[])[0], '85');
        (form.t_value as string[])[0] = '90';
        const saved = await digital.post(`/admin/e/2024/i/${K08}`, form);
        assert.equal(saved.status, 303, saved.html);
        const row = (await initiativeAudit(db, actor, K08)).find((x) => x.entity === 'initiative')!;
        assert.ok(isInitiativeSnapshot(row.before) && isInitiativeSnapshot(row.after));
        const d = diffInitiative(row.before, row.after);
        assert.ok(d, 'the saved change is a change');
        assert.deepEqual(
          d.targets.map((x) => [x.before?.value, x.after?.value]),
          [['85', '90']],
        );
        const history = await admin.get(`/admin/i/${K08}/history`);
        assert.match(history.html, /今年度の目標値「マイナンバーカード交付率」: 85% → 90%/);

        // Submitted, returned, changed again and resubmitted: the review page shows what changed since.
        assert.equal((await digital.post(`/admin/e/2024/i/${K08}/submit`, {})).status, 303);
        assert.equal((await admin.post(`/admin/e/2024/i/${K08}/review`, { decision: 'return', comment: '目標値を再確認' })).status, 303);
        const again = formOf((await digital.get(`/admin/e/2024/i/${K08}`)).html);
        (again.t_value as string[])[0] = '95';
        assert.equal((await digital.post(`/admin/e/2024/i/${K08}`, again)).status, 303);
        assert.equal((await digital.post(`/admin/e/2024/i/${K08}/submit`, {})).status, 303);
        const review = await admin.get(`/admin/e/2024/i/${K08}`);
        const since = review.html.slice(review.html.indexOf('前回の提出からの変更'));
        assert.match(since.slice(0, 2000), /今年度の目標値「マイナンバーカード交付率」: 90% → 95%/);
        const lastYear = review.html.slice(review.html.indexOf('前年度（'));
        assert.match(lastYear.slice(0, 4000), /今年度の目標値「マイナンバーカード交付率」: 85% → 95%/);
      });

      await t.test('a deleted sub-area’s key is not reused, in this edition or from an earlier one', async () => {
        // p4-s3 is in 2023 too: deleting it in 2024 and adding a sub-area must not bring the key back.
        await deleteSubArea(db, actor, 2024, 'p4', 'p4-s3');
        const a = await saveSubArea(db, actor, 2024, 'p4', null, '新しい分野A');
        assert.notEqual(a, 'p4-s3');
        await deleteSubArea(db, actor, 2024, 'p4', a);
        const b = await saveSubArea(db, actor, 2024, 'p4', null, '新しい分野B');
        assert.notEqual(b, a);
        assert.notEqual(b, 'p4-s3');
        const e2023 = (await loadEdition(db, '082023', 2023))!;
        const e2024 = (await loadEdition(db, '082023', 2024))!;
        const d = diffEditions(e2023, e2024);
        assert.equal(
          d.changed.some((c) => c.placement?.after.subAreaKey === b),
          false,
          'nothing moved into the new sub-area',
        );
      });

      await t.test('pillar and KPI keys are not reused either', async () => {
        const p = await savePillar(db, actor, 2024, null, { name: '新しい体系', tagline: null });
        await deletePillar(db, actor, 2024, p);
        const q = await savePillar(db, actor, 2024, null, { name: '次の体系', tagline: null });
        assert.notEqual(q, p);
        const fields = {
          name: '新しい指標',
          pillarKey: 'p1',
          unit: '件',
          target: '10',
          targetFiscalYear: 2026,
          direction: 'higher' as const,
          baseline: null,
          initiativeKey: null,
        };
        const k = await saveKpi(db, actor, 2024, null, null, fields);
        await deleteKpi(db, actor, 2024, k);
        const l = await saveKpi(db, actor, 2024, null, null, { ...fields, name: '次の指標' });
        assert.notEqual(l, k);
      });

      await t.test('a KPI linked to an initiative dropped in the rollover: no link in 2024, the link in 2023, the row unchanged', async () => {
        const e2024 = (await loadEdition(db, '082023', 2024))!;
        assert.equal(
          e2024.initiatives.some((i) => i.key === K93),
          false,
          '93 was dropped',
        );
        assert.equal(e2024.kpis.find((k) => k.key === 'k8')!.initiativeKey, K93, 'the KPI row keeps its link');
        const v2024 = (await editionView(db, '082023', 2024, { includeDrafts: true }))!;
        assert.equal(v2024.kpis.rows.find((r) => r.kpi.key === 'k8')!.kpi.initiativeKey, null);
        assert.equal(v2024.data.kpis.find((k) => k.key === 'k8')!.initiativeKey, null);
        const v2023 = (await editionView(db, '082023', 2023))!;
        assert.equal(v2023.data.kpis.find((k) => k.key === 'k8')!.initiativeKey, K93);
        const page2023 = await app.request('/o/082023/2023/kpis/k8');
        assert.match(await page2023.text(), new RegExp(`/i/${K93}|${doc.data.initiatives.find((i) => i.key === K93)!.title}`));
        // The admin's KPI form keeps the link as an option, so saving the form does not silently drop it.
        const kpis = await admin.get('/admin/e/2024/kpis');
        assert.match(kpis.html, new RegExp(`<option value="${K93}" selected`));
        assert.equal((await loadEdition(db, '082023', 2024))!.kpis.find((k) => k.key === 'k8')!.initiativeKey, K93);
      });

      await t.test('result rows recorded under "key/項目" show on the initiative’s history page', async () => {
        const [org] = await db.select({ id: schema.organizations.id }).from(schema.organizations).where(eq(schema.organizations.code, '082023'));
        await recordChangeSet(db, { organizationId: org!.id, actor: 'import-test', userId: null, source: 'spreadsheet', summary: '変更 2 件' }, [
          {
            entity: 'result',
            entityKey: `${K08}/マイナンバーカード交付率`,
            action: 'update',
            before: { field: '実績値', value: null },
            after: { field: '実績値', value: '81.2' },
          },
          {
            entity: 'result',
            entityKey: `${K08}/マイナンバーカード交付率#2`,
            action: 'update',
            before: { field: '備考', value: 'a' },
            after: { field: '備考', value: 'b' },
          },
          {
            entity: 'result',
            entityKey: `${key('09')}/他の施策`,
            action: 'update',
            before: { field: '実績値', value: '1' },
            after: { field: '実績値', value: '2' },
          },
        ]);
        const rows = await initiativeAudit(db, actor, K08);
        assert.equal(rows.filter((x) => x.entity === 'result').length, 2, 'only this initiative’s result rows');
        const history = await admin.get(`/admin/i/${K08}/history`);
        assert.match(history.html, /実績「マイナンバーカード交付率」の実績値: — → 81\.2/);
        assert.match(history.html, /実績「マイナンバーカード交付率」（2件目）の備考: a → b/);
        assert.doesNotMatch(history.html, /他の施策/);
      });
    } finally {
      await database.close();
    }
  });
}
