// The Excel/CSV upload page of the workspace, on both databases: a Shift_JIS CSV with a change and an
// unknown department is previewed, the unknown name is made an alias of an existing department on the
// apply form (finished by another server process), and the initiative links to that department; bad files, files with errors, a stale preview
// and an oversized upload are refused with a message and write nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import { stringify } from 'csv-stringify/sync';
import iconv from 'iconv-lite';
import { backends } from '../helpers/db.ts';
import { sampleDocument } from '../../src/db/sample.ts';
import { editionStamp, loadEdition } from '../../src/db/repository.ts';
import { spreadsheetRows } from '../../src/export/csv.ts';
import { exportWorkbook } from '../../src/export/xlsx.ts';
import { formOf, signIn, workspaceApp } from './helpers.ts';
import { createApp } from '../../src/web/app.tsx';
import type { Db } from '../../src/db/client.ts';
import type { EditionData } from '../../src/domain/model.ts';

const { doc } = sampleDocument();
const K01 = doc.data.initiatives.find((i) => i.number === '01')!.key;
const K05 = doc.data.initiatives.find((i) => i.number === '05')!.key;

async function fingerprint(db: Db): Promise<string> {
  const r = (await db.execute(
    sql`SELECT (SELECT count(*) FROM change_sets)::int AS c, (SELECT count(*) FROM departments)::int AS d, (SELECT count(*) FROM department_aliases)::int AS a`,
  )) as unknown as { rows: unknown[] };
  return JSON.stringify(r.rows[0]) + (await editionStamp(db, '082023', 2024));
}

/** The initiatives table as a Shift_JIS CSV, with `edit` applied to the rows (header excluded). */
function initiativesCsv(data: EditionData, edit: (row: (string | null)[]) => void): Uint8Array {
  const [header, ...rows] = spreadsheetRows(data, 'initiatives');
  for (const r of rows) edit(r);
  return new Uint8Array(
    iconv.encode(
      stringify(
        [header!, ...rows].map((r) => r.map((v) => v ?? '')),
        { record_delimiter: '\r\n' },
      ),
      'cp932',
    ),
  );
}

const alert = (html: string) => /role="alert">([^<]*)/.exec(html)?.[1] ?? '';

for (const backend of backends) {
  test(`${backend.name}: uploading a spreadsheet in the workspace`, async (t) => {
    const { database, app } = await workspaceApp(backend);
    const db = database.db;
    try {
      const admin = await signIn(app, 'admin');
      assert.equal((await admin.post('/admin/rounds', { fromFiscalYear: '2023', dueDate: '2024-05-31', dropCompleted: 'carry' })).status, 303);
      const current = (await loadEdition(db, '082023', 2024))!;

      await t.test('a Shift_JIS CSV: the preview lists the change and asks about the unknown department', async () => {
        const csv = initiativesCsv(current, (r) => {
          if (r[0] === K01) r[7] = `${r[7]}（追記）`;
          if (r[0] === K05) r[5] = '人事給与課';
        });
        const preview = await admin.upload('/admin/e/2024/import', {}, { name: '施策.csv', bytes: csv, type: 'text/csv' });
        assert.equal(preview.status, 200, alert(preview.html));
        assert.match(preview.html, /（追記）/);
        assert.match(preview.html, /「人事給与課」/);
        assert.match(preview.html, /<option value="人事課">「人事課」の別表記（似た名前）<\/option>/);
        const id = /name="id" value="([0-9a-f]+)"/.exec(preview.html)![1]!;

        const before = await fingerprint(db);
        let r = await admin.post('/admin/e/2024/import/apply', { id, alias_0: 'ない課' });
        assert.equal(r.status, 400);
        assert.match(alert(r.html), /担当課所「ない課」がありません/);
        assert.equal(await fingerprint(db), before, 'a refused apply wrote nothing');

        // Another server process over the same database finishes the upload: it is kept in the database.
        const other = await signIn(createApp({ database }), 'admin');
        r = await other.post('/admin/e/2024/import/apply', { id, alias_0: '人事課' });
        assert.equal(r.status, 303, alert(r.html));
        const after = (await loadEdition(db, '082023', 2024))!;
        assert.deepEqual(after.initiatives.find((i) => i.key === K05)!.departments, ['人事課']);
        assert.ok(after.initiatives.find((i) => i.key === K01)!.content.endsWith('（追記）'));
        assert.deepEqual(after.departments.find((d) => d.name === '人事課')!.aliases, ['人事給与課']);
        assert.equal(
          after.departments.some((d) => d.name === '人事給与課'),
          false,
          'no second spelling was created',
        );
        assert.equal((await admin.post('/admin/e/2024/import/apply', { id })).status, 409, 'a preview applies once');
        const digital = await signIn(app, 'digital');
        assert.equal((await digital.post('/admin/e/2024/import/apply', { id })).status, 403);
      });

      await t.test('an unknown department left as it is becomes a new department', async () => {
        const data = (await loadEdition(db, '082023', 2024))!;
        const csv = initiativesCsv(data, (r) => {
          if (r[0] === K05) r[5] = 'DX推進室';
        });
        const preview = await admin.upload('/admin/e/2024/import', {}, { name: 'dx.csv', bytes: csv });
        const id = /name="id" value="([0-9a-f]+)"/.exec(preview.html)![1]!;
        assert.equal((await admin.post('/admin/e/2024/import/apply', { id, alias_0: '' })).status, 303);
        const after = (await loadEdition(db, '082023', 2024))!;
        assert.deepEqual(after.initiatives.find((i) => i.key === K05)!.departments, ['DX推進室']);
      });

      await t.test('bad files are refused with a message and write nothing', async () => {
        const before = await fingerprint(db);
        let r = await admin.upload('/admin/e/2024/import', {}, { name: 'plan.xlsx', bytes: new TextEncoder().encode('this is not a workbook') });
        assert.equal(r.status, 400);
        assert.ok(alert(r.html).length > 0, 'a message');
        r = await admin.upload('/admin/e/2024/import', {}, { name: 'plan.csv', bytes: new Uint8Array([0xff, 0xfe, 0x00, 0x41, 0x00]) });
        assert.ok(r.status === 400, `binary CSV: ${r.status}`);
        const bad = initiativesCsv((await loadEdition(db, '082023', 2024))!, (r) => {
          if (r[0] === K01) r[6] = 'たぶん完了';
        });
        r = await admin.upload('/admin/e/2024/import', {}, { name: 'bad.csv', bytes: bad });
        assert.equal(r.status, 400);
        assert.match(r.html, /行目 状況/);
        assert.doesNotMatch(r.html, /この内容で適用する/);
        r = await admin.post('/admin/e/2024/import', {});
        assert.equal(r.status, 400, 'no file');
        const huge = await app.request('/admin/e/2024/import', { method: 'POST', headers: { 'content-length': String(200 * 1024 * 1024) }, body: 'x' });
        assert.ok(huge.status === 413 || huge.status === 401 || huge.status === 403, `oversized: ${huge.status}`);
        assert.equal(await fingerprint(db), before);
      });

      await t.test('a preview made before someone saved is not applied over their change', async () => {
        const data = (await loadEdition(db, '082023', 2024))!;
        const wb = await exportWorkbook(data);
        const preview = await admin.upload('/admin/e/2024/import', {}, { name: 'plan.xlsx', bytes: wb });
        assert.equal(preview.status, 200, alert(preview.html));
        assert.match(preview.html, /変更 0 件/, 'the exported workbook round-trips with no change');
        const csv = initiativesCsv(data, (r) => {
          if (r[0] === K01) r[8] = '計画を書き換えた';
        });
        const p2 = await admin.upload('/admin/e/2024/import', {}, { name: 'plan.csv', bytes: csv });
        const id = /name="id" value="([0-9a-f]+)"/.exec(p2.html)![1]!;
        const form = formOf((await admin.get(`/admin/e/2024/i/${K01}`)).html);
        assert.equal((await admin.post(`/admin/e/2024/i/${K01}`, { ...form, plan: '別の人の保存' })).status, 303);
        const before = await fingerprint(db);
        const r = await admin.post('/admin/e/2024/import/apply', { id });
        assert.equal(r.status, 409);
        assert.match(alert(r.html), /プレビューの後にこの版が更新されました/);
        assert.equal(await fingerprint(db), before);
        assert.equal((await loadEdition(db, '082023', 2024))!.initiatives.find((i) => i.key === K01)!.plan, '別の人の保存');
      });
    } finally {
      await database.close();
    }
  });
}
