// "Every write stores exactly what it announces": one named test per finding of the probe on the sample,
// on both databases. Each test previews a file, applies it, reads the edition back from the database and
// previews the same file again, which must announce nothing.
import { systemActor } from '../../src/db/command.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { and, eq, sql } from 'drizzle-orm';
import { backends } from '../helpers/db.ts';
import { loadSample } from '../../src/db/sample.ts';
import { loadEdition } from '../../src/db/repository.ts';
import { applyPreview } from '../../src/db/apply-changes.ts';
import { isEmptyPreview, type Preview } from '../../src/domain/changes.ts';
import { readXlsx } from '../../src/import/spreadsheet.ts';
import { previewSpreadsheet } from '../../src/domain/changes.ts';
import { authenticate } from '../../src/db/accounts.ts';
import { loadWorkspace, openRound, reviewInitiative, submitInitiative } from '../../src/db/workspace.ts';
import { initiativeAudit } from '../../src/db/history.ts';
import { displayOrder } from '../../src/domain/structure.ts';
import { importSpreadsheetCommand } from '../../src/cli/spreadsheet.ts';
import * as s from '../../src/db/schema.ts';
import type { Database, Db } from '../../src/db/client.ts';
import type { EditionData } from '../../src/domain/model.ts';
import { addUsers, PASSWORD } from '../workspace/helpers.ts';
import { book, csvRows, previewCsv } from './helpers.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ORG = '082023';

for (const backend of backends) {
  test(`${backend.name}: every write stores exactly what it announces`, async (t) => {
    const database: Database = await backend.open();
    const db: Db = database.db;
    try {
      await loadSample(db);
      await addUsers(db);
      const admin = (await authenticate(db, 'admin', PASSWORD))!;
      await openRound(db, admin, { fromFiscalYear: 2023, dueDate: '2099-03-31', dropCompleted: false });
      // 2023 as a draft too, for the tests that need the printed 実績 text the sample has.
      await db.execute(sql`UPDATE editions SET state = 'draft' WHERE fiscal_year = 2023`);
      const load = async (fy: number) => (await loadEdition(db, ORG, fy))!;
      const by = (d: EditionData, n: string) => d.initiatives.find((i) => i.number === n)!;

      /** Applies, reads back, previews again: the stored edition is the preview's, and again is nothing. */
      const roundTrip = async (fy: number, preview: Preview, again: (stored: EditionData) => Promise<Preview> | Preview) => {
        assert.deepEqual(preview.errors, []);
        assert.ok(!isEmptyPreview(preview), 'the file changes something');
        const r = await applyPreview(db, ORG, fy, preview, { actor: await systemActor(db, '082023', 'test'), source: 'import:test' });
        assert.ok(r.changeSetId);
        const stored = await load(fy);
        assert.deepEqual(stored.initiatives, preview.next.initiatives, 'stored exactly as previewed');
        assert.deepEqual(stored.kpis, preview.next.kpis, 'KPIs stored exactly as previewed');
        const p2 = await again(stored);
        assert.deepEqual(p2.errors, []);
        assert.ok(isEmptyPreview(p2), `the same file again announces nothing: ${JSON.stringify([p2.changes, p2.added, p2.removed])}`);
        return { stored, result: r };
      };

      await t.test('finding 1: result rows added, deleted or renamed in the 実績 sheet alone are written', async () => {
        const cur = await load(2023);
        const i11 = by(cur, '11');
        const i09 = by(cur, '09');
        let rows = csvRows(cur, 'results');
        rows.push([i11.key, '11', i11.title, 'モバイルルーター導入数', '3', '', '機', '']);
        const added = previewCsv(cur, rows);
        assert.deepEqual(added.added.results, [`11 ${i11.title} ／ モバイルルーター導入数`]);
        const { stored } = await roundTrip(2023, added, (st) => previewCsv(st, rows));
        assert.deepEqual(
          by(stored, '11').results.map((r) => [r.label, r.actual, r.unit]),
          [['モバイルルーター導入数', '3', '機']],
        );

        // One of 09's two rows deleted, one 項目 of 08 renamed, with deletion asked for.
        rows = csvRows(stored, 'results');
        rows = rows.filter((r) => !(r[0] === i09.key && r[3] === '出張先での申請受付件数'));
        const r08 = rows.find((r) => r[3] === 'マイナポイント申込・マイキーID設定支援')!;
        r08[3] = 'マイナポイント申込支援';
        const removed = previewCsv(stored, rows, 'utf8', { allowDelete: true });
        assert.ok(removed.removed.results.some((l) => l.endsWith('出張先での申請受付件数')));
        const after = await roundTrip(2023, removed, (st) => previewCsv(st, rows, 'utf8', { allowDelete: true }));
        assert.deepEqual(
          by(after.stored, '09').results.map((r) => r.label),
          ['窓口での申請サポート件数'],
        );
        assert.deepEqual(
          by(after.stored, '08').results.map((r) => r.label),
          ['マイナンバーカード交付率', 'マイナポイント申込支援'],
        );

        // Every row of 11 deleted: 11 has no results.
        rows = csvRows(after.stored, 'results').filter((r) => r[0] !== i11.key);
        const none = previewCsv(after.stored, rows, 'utf8', { allowDelete: true });
        const gone = await roundTrip(2023, none, (st) => previewCsv(st, rows, 'utf8', { allowDelete: true }));
        assert.deepEqual(by(gone.stored, '11').results, []);
      });

      await t.test('finding 2 (history): a result changed by a workbook reaches the initiative history', async () => {
        const cur = await load(2023);
        const i29 = by(cur, '29');
        const rows = csvRows(cur, 'results');
        rows.find((r) => r[0] === i29.key)![4] = '77';
        await roundTrip(2023, previewCsv(cur, rows), (st) => previewCsv(st, rows));
        const history = await initiativeAudit(db, admin, i29.key);
        const entry = history.find((h) => h.source === 'import:test');
        assert.ok(entry, 'the import is in the history');
        assert.equal((entry.before as EditionData['initiatives'][number]).results[0]!.actual, i29.results[0]!.actual);
        assert.equal((entry.after as EditionData['initiatives'][number]).results[0]!.actual, '77');
      });

      await t.test('finding 3: an initiative added by upload during a round can be submitted; a changed approved one needs review again', async () => {
        const cur = await load(2024);
        const i01 = by(cur, '01');
        await submitInitiative(db, admin, 2024, i01.key);
        await reviewInitiative(db, admin, 2024, i01.key, 'approve', '');
        const rows = csvRows(cur, 'initiatives');
        rows.find((r) => r[0] === i01.key)![8] = '承認後に変えた取組。';
        rows.push(['', '新', rows[1]![2]!, '', 'ラウンド中に追加した施策', 'デジタル推進課', '新規', '内容', '取組', '']);
        const preview = previewCsv(cur, rows);
        const { stored, result } = await roundTrip(2024, preview, (st) => previewCsv(st, rows));
        assert.deepEqual(result.reopened, [`01 ${i01.title}`]);
        const added = stored.initiatives.find((i) => i.title === 'ラウンド中に追加した施策')!;
        await submitInitiative(db, admin, 2024, added.key);
        const ws = await loadWorkspace(db, admin, 2024);
        assert.equal(ws.items.find((i) => i.initiative.key === added.key)!.submission!.state, 'submitted');
        assert.equal(ws.items.find((i) => i.initiative.key === i01.key)!.submission!.state, 'draft');
      });

      await t.test('finding 4: a department written as an alias is stored, and announced, as the department it stands for', async () => {
        const [org] = await db.select().from(s.organizations).where(eq(s.organizations.code, ORG));
        const [dept] = await db
          .select()
          .from(s.departments)
          .where(and(eq(s.departments.organizationId, org!.id), eq(s.departments.name, '商工振興課')));
        await db.insert(s.departmentAliases).values({ organizationId: org!.id, departmentId: dept!.id, alias: '商工振興室' });
        const cur = await load(2023);
        const i36 = by(cur, '36');
        const rows = csvRows(cur, 'initiatives');
        rows.find((r) => r[0] === i36.key)![5] = '商工振興室、デジタル推進課';
        const preview = previewCsv(cur, rows);
        const change = preview.changes.find((c) => c.key === i36.key && c.field === '担当課所')!;
        assert.equal(change.after, '商工振興課、デジタル推進課');
        const { stored } = await roundTrip(2023, preview, (st) => previewCsv(st, rows));
        assert.deepEqual(by(stored, '36').departments, ['商工振興課', 'デジタル推進課']);
      });

      await t.test('finding 5: 85% typed in Excel is stored as 85', async () => {
        const cur = await load(2023);
        const b = await book(cur);
        const r = b.row('実績', 4, 'マイナンバーカード交付率');
        const cell = b.sheet('実績').getCell(r, 5);
        cell.value = 0.85;
        // A style of its own: exceljs shares one style object between cells read with the same style.
        cell.style = { ...cell.style, numFmt: '0%' };
        const { stored } = await roundTrip(2023, await b.preview(cur), (st) => b.preview(st));
        assert.equal(by(stored, '08').results[0]!.actual, '85');
      });

      await t.test('finding 7: a 備考 changed through the workbook leaves the printed 実績 text as it was', async () => {
        const cur = await load(2023);
        const b = await book(cur);
        b.sheet('実績').getCell(b.row('実績', 4, 'デジタル化推進員'), 8).value = '係長職以上';
        const preview = await b.preview(cur);
        assert.deepEqual(
          preview.changes.map((c) => c.field),
          ['備考'],
        );
        const { stored } = await roundTrip(2023, preview, (st) => b.preview(st));
        assert.equal(by(stored, '07').resultsText, by(cur, '07').resultsText);
      });

      await t.test('finding 8: a changed value is printed anew (raw and the 実績 text line), prose lines stay', async () => {
        const cur = await load(2023);
        const b = await book(cur);
        b.sheet('実績').getCell(b.row('実績', 4, 'デジタル化推進員'), 5).value = 100;
        const preview = await b.preview(cur);
        assert.ok(
          preview.changes.some((c) => c.field === '実績（本文）'),
          'the printed text change is announced',
        );
        const { stored } = await roundTrip(2023, preview, (st) => b.preview(st));
        const i07 = by(stored, '07');
        assert.equal(i07.results[0]!.raw, '・デジタル化推進員 100名');
        assert.equal(i07.resultsText, '【令和4年度】\n・デジタル化推進員 100名\n・デジタルセミナーへの参加（9月開催）');
      });

      await t.test('finding 9: clearing a KPI actual is stored', async () => {
        const cur = await load(2023);
        assert.equal(cur.kpis[0]!.actuals['2022'], '11.2');
        const rows = csvRows(cur, 'kpis');
        const col = rows[0]!.indexOf('実績 2022年度');
        rows[1]![col] = '';
        const { stored } = await roundTrip(2023, previewCsv(cur, rows), (st) => previewCsv(st, rows));
        assert.equal(stored.kpis[0]!.actuals['2022'], undefined);
      });

      await t.test('finding 10: a duplicate initiative number is refused, as the form refuses it', async () => {
        const cur = await load(2023);
        const rows = csvRows(cur, 'initiatives');
        const r = rows.findIndex((x) => x[1] === '02');
        rows[r]![1] = '01';
        const preview = previewCsv(cur, rows);
        assert.equal(preview.errors.length, 1, JSON.stringify(preview.errors));
        assert.match(preview.errors[0]!.message, /番号「01」が重複しています/);
        assert.equal(preview.errors[0]!.row, r + 1);
      });

      await t.test('finding 11: stored order is print order after a workbook move and add', async () => {
        const cur = await load(2023);
        const rows = csvRows(cur, 'initiatives');
        const last = cur.pillars.at(-1)!.name;
        rows.find((x) => x[1] === '01')![2] = last; // 01 moves to the last pillar
        rows.find((x) => x[1] === '01')![3] = '';
        rows.push(['', '新', cur.pillars[0]!.name, '', '最初の施策体系に追加', 'デジタル推進課', '新規', '', '', '']);
        const { stored } = await roundTrip(2023, previewCsv(cur, rows), (st) => previewCsv(st, rows));
        const order = displayOrder(
          stored.initiatives.map((initiative, position) => ({ initiative, position })),
          stored.pillars.map((p) => p.key),
          (p) => stored.pillars.find((x) => x.key === p)!.subAreas.map((s) => s.key),
        ).map((x) => x.initiative.key);
        assert.deepEqual(
          stored.initiatives.map((i) => i.key),
          order,
        );
        const firstPillar = stored.initiatives.filter((i) => i.pillarKey === stored.pillars[0]!.key);
        assert.ok(firstPillar.some((i) => i.title === '最初の施策体系に追加'));
      });

      await t.test('finding 12: text starting with - + = @ comes back without an apostrophe', async () => {
        const cur = await load(2023);
        const b = await book(cur);
        const r = b.row('施策', 2, '05');
        b.sheet('施策').getCell(r, 9).value = '-オンライン申請の拡充\n=全庁で実施';
        b.sheet('施策').getCell(b.row('施策', 2, '06'), 8).value = "@窓口 '引用' +α";
        const { stored } = await roundTrip(2023, await b.preview(cur), (st) => b.preview(st));
        assert.equal(by(stored, '05').plan, '-オンライン申請の拡充\n=全庁で実施');
        assert.equal(by(stored, '06').content, "@窓口 '引用' +α");
        // An export of what is stored, unedited, changes nothing.
        assert.ok(isEmptyPreview(previewSpreadsheet(stored, await readXlsx(await (await book(stored)).bytes()))));
      });

      await t.test('finding 13: a Shift_JIS cell edited next to characters Shift_JIS cannot hold keeps them', async () => {
        const cur = await load(2023);
        const i13 = by(cur, '13');
        assert.ok(i13.results.some((r) => r.label.includes('café')));
        const b = await book(cur);
        // Put characters cp932 cannot hold into 05's content first (by UTF-8 workbook), then edit next to them in Shift_JIS.
        b.sheet('施策').getCell(b.row('施策', 2, '05'), 8).value = '元気café 〜 −5℃ — 開催';
        const first = await roundTrip(2023, await b.preview(cur), (st) => b.preview(st));
        const rows = csvRows(first.stored, 'initiatives', 'sjis');
        const row = rows.find((x) => x[1] === '05')!;
        assert.notEqual(row[7], '元気café 〜 −5℃ — 開催', 'the Shift_JIS file cannot hold them');
        row[7] = `${row[7]!}（毎月）`;
        const preview = previewCsv(first.stored, rows, 'sjis');
        const change = preview.changes.find((c) => c.field === '施策内容')!;
        assert.equal(change.after, '元気café 〜 −5℃ — 開催（毎月）');
        const { stored } = await roundTrip(2023, preview, (st) => previewCsv(st, rows, 'sjis'));
        assert.equal(by(stored, '05').content, '元気café 〜 −5℃ — 開催（毎月）');
        assert.ok(preview.notices.some((n) => n.includes('Shift_JIS')));
      });

      await t.test('finding 14: re-uploading a file with a new initiative does not add it twice; adds and deletes are audited whole', async () => {
        const cur = await load(2023);
        const rows = csvRows(cur, 'initiatives');
        rows.push(['', '新', cur.pillars[1]!.name, '', '二度取り込まれる施策', 'デジタル推進課', '新規', '内容です', '', '']);
        const { stored, result } = await roundTrip(2023, previewCsv(cur, rows), (st) => previewCsv(st, rows));
        assert.equal(stored.initiatives.filter((i) => i.title === '二度取り込まれる施策').length, 1);
        const added = stored.initiatives.find((i) => i.title === '二度取り込まれる施策')!;
        const [entry] = await db
          .select()
          .from(s.auditLog)
          .where(and(eq(s.auditLog.changeSetId, result.changeSetId!), eq(s.auditLog.entityKey, added.key)));
        assert.equal(entry!.action, 'insert');
        assert.deepEqual(entry!.after, { fiscalYear: 2023, ...added });
        // Deleted by a file without it: the audit row holds the whole initiative, so it can be restored.
        const without = csvRows(stored, 'initiatives').filter((r) => r[0] !== added.key);
        const del = await roundTrip(2023, previewCsv(stored, without, 'utf8', { allowDelete: true }), (st) =>
          previewCsv(st, without, 'utf8', { allowDelete: true }),
        );
        const [gone] = await db
          .select()
          .from(s.auditLog)
          .where(and(eq(s.auditLog.changeSetId, del.result.changeSetId!), eq(s.auditLog.entityKey, added.key)));
        assert.equal(gone!.action, 'delete');
        assert.deepEqual(gone!.before, { fiscalYear: 2023, ...added });
      });

      await t.test('finding 15: reordering result rows that share a label changes nothing', async () => {
        const cur = await load(2023);
        const i13 = by(cur, '13');
        const rows = csvRows(cur, 'results');
        const mine = rows.map((r, k) => ({ r, k })).filter(({ r }) => r[0] === i13.key && r[3] === '参加者数延べ');
        assert.equal(mine.length, 3);
        const [a, , c] = mine;
        [rows[a!.k], rows[c!.k]] = [rows[c!.k]!, rows[a!.k]!];
        const preview = previewCsv(cur, rows);
        assert.deepEqual(preview.errors, []);
        assert.ok(isEmptyPreview(preview), JSON.stringify(preview.changes));
      });

      await t.test('finding 17: the CLI does not import into a published edition unless told to reopen it with a reason', async () => {
        await db.execute(sql`UPDATE editions SET state = 'published' WHERE fiscal_year = 2023`);
        try {
          const cur = await load(2023);
          const b = await book(cur);
          b.sheet('施策').getCell(b.row('施策', 2, '03'), 8).value = '公開中に変えようとした内容';
          const dir = mkdtempSync(join(tmpdir(), 'shisaku-'));
          const file = join(dir, 'edited.xlsx');
          writeFileSync(file, await b.bytes());
          const code = await importSpreadsheetCommand('xlsx', [file, '--org', ORG, '--year', '2023'], database);
          assert.equal(code, 1);
          assert.equal(by(await load(2023), '03').content, by(cur, '03').content);
          await assert.rejects(applyPreview(db, ORG, 2023, await b.preview(cur), { actor: await systemActor(db, '082023', 't'), source: 't' }), /公開済み/);
          // --reopen "理由": reopened with the reason recorded, then imported; a draft until published again.
          assert.equal(await importSpreadsheetCommand('xlsx', [file, '--org', ORG, '--year', '2023', '--reopen', ''], database), 2);
          assert.equal(await importSpreadsheetCommand('xlsx', [file, '--org', ORG, '--year', '2023', '--reopen', '誤字の修正'], database), 0);
          const after = await load(2023);
          assert.equal(by(after, '03').content, '公開中に変えようとした内容');
          assert.equal(after.edition.state, 'draft');
          const r = (await db.execute(
            sql`SELECT c.actor, a.after FROM audit_log a JOIN change_sets c ON c.id = a.change_set_id WHERE c.source = 'edition:reopen' ORDER BY a.id DESC LIMIT 1`,
          )) as unknown as {
            rows: { actor: string; after: { reason: string } }[];
          };
          assert.deepEqual([r.rows[0]!.actor, r.rows[0]!.after.reason], ['cli', '誤字の修正']);
        } finally {
          await db.execute(sql`UPDATE editions SET state = 'draft' WHERE fiscal_year = 2023`);
        }
      });
    } finally {
      await database.close();
    }
  });
}
