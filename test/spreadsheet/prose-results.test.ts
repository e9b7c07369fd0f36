// Prose results (the printed 実績 text) are first-class in the workbook and CSV: the 実績（文章） column holds
// the text's prose (its lines that are not a value's line, which follow the 実績 sheet), multi-line and with
// quotes, and comes back as typed; a file that adds a result row keeps every line of prose and says so in
// the preview; every prose change is listed; JSON and open data carry the text. On both databases.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import { backends } from '../helpers/db.ts';
import { loadSample } from '../../src/db/sample.ts';
import { loadEdition } from '../../src/db/repository.ts';
import { applyPreview } from '../../src/db/apply-changes.ts';
import { systemActor } from '../../src/db/command.ts';
import { isEmptyPreview, previewSpreadsheet, type Preview } from '../../src/domain/changes.ts';
import { proseOf } from '../../src/domain/results.ts';
import type { EditionData } from '../../src/domain/model.ts';
import { readXlsx } from '../../src/import/spreadsheet.ts';
import { editionToJson } from '../../src/export/json.ts';
import { buildTables } from '../../src/export/opendata.ts';
import { describePreview } from '../../src/cli/spreadsheet.ts';
import { smallEdition } from '../fixtures/small-edition.ts';
import { addUsers, signIn } from '../workspace/helpers.ts';
import { createApp } from '../../src/web/app.tsx';
import { clearEditionCache } from '../../src/web/public/edition-cache.ts';
import { book, csvRows, previewCsv } from './helpers.ts';

const PROSE = '研修を「3回」開いた。\n参加者の声: "とても分かりやすい", 次回も希望\n=SUM(A1) は数式ではなく文です';
const byKey = (d: EditionData, key: string) => d.initiatives.find((i) => i.key === key)!;
const proseChanges = (p: Preview) => p.changes.filter((c) => c.field === '実績（本文）');

/** The small edition with 01 printed as the sample prints such a result: its label on one line, its value 「1回」 on the next. */
function edition(): EditionData {
  const d = smallEdition();
  byKey(d, 'aaaa0001').results[0]!.raw = '1回';
  return d;
}

test('the 実績（文章） column is the prose of the printed text, without the value lines', async () => {
  const d = edition();
  const b = await book(d);
  const ws = b.sheet('施策');
  const col = (ws.getRow(1).values as unknown[]).indexOf('実績（文章）');
  assert.ok(col > 0);
  // 08 prints only its value line: no prose; 01 prints a heading and a label line around its value.
  assert.equal(ws.getCell(b.row('施策', 1, 'aaaa0003'), col).value, '');
  assert.equal(ws.getCell(b.row('施策', 1, 'aaaa0001'), col).value, '【令和4年度】\n会議の開催');
  assert.equal(proseOf(byKey(d, 'aaaa0001')), '【令和4年度】\n会議の開催');
});

test('xlsx: multi-line prose with quotes comes back as typed; its value lines stay where they stand; again, nothing', async () => {
  const d = edition();
  const b = await book(d);
  const ws = b.sheet('施策');
  const col = (ws.getRow(1).values as unknown[]).indexOf('実績（文章）');
  ws.getCell(b.row('施策', 1, 'aaaa0001'), col).value = `【令和4年度】\n${PROSE}`;
  ws.getCell(b.row('施策', 1, 'aaaa0003'), col).value = '交付率は目標を上回った。';
  const p = await b.preview(d);
  assert.deepEqual(p.errors, []);
  const i01 = byKey(p.next, 'aaaa0001');
  // The label line was replaced by the typed lines where it stood, before the value line 「1回」.
  assert.equal(i01.resultsText, `【令和4年度】\n${PROSE}\n1回`);
  assert.equal(proseOf(i01), `【令和4年度】\n${PROSE}`);
  assert.equal(byKey(p.next, 'aaaa0003').resultsText, '・マイナンバーカード交付率 73.6% (70%)\n交付率は目標を上回った。');
  assert.deepEqual(
    proseChanges(p).map((c) => [c.label, c.before, c.after]),
    [
      ['01 日立市デジタル化推進本部の開催', '【令和4年度】\n会議の開催\n1回', `【令和4年度】\n${PROSE}\n1回`],
      ['08 マイナンバーカードの普及啓発', '・マイナンバーカード交付率 73.6% (70%)', '・マイナンバーカード交付率 73.6% (70%)\n交付率は目標を上回った。'],
    ],
  );
  // Exported again, the column shows what was typed; the same file against the result announces nothing.
  const again = await book(p.next);
  const r = again.row('施策', 1, 'aaaa0001');
  assert.equal(again.sheet('施策').getCell(r, col).value, `【令和4年度】\n${PROSE}`);
  assert.ok(isEmptyPreview(await again.preview(p.next)));
  assert.ok(isEmptyPreview(previewSpreadsheet(p.next, await readXlsx(await b.bytes()))));
});

test('CSV, UTF-8 and Shift_JIS: the prose column round-trips multi-line text, quotes and commas', () => {
  for (const encoding of ['utf8', 'sjis'] as const) {
    const d = edition();
    const rows = csvRows(d, 'initiatives', encoding);
    const col = rows[0]!.indexOf('実績（文章）');
    assert.ok(col > 0, encoding);
    rows.find((r) => r[0] === 'aaaa0002')![col] = PROSE;
    const p = previewCsv(d, rows, encoding);
    assert.deepEqual(p.errors, [], encoding);
    // 「—」 (no results yet) was its whole prose; the typed text replaces it.
    assert.equal(byKey(p.next, 'aaaa0002').resultsText, PROSE, encoding);
    assert.equal(proseChanges(p).length, 1, encoding);
    const back = csvRows(p.next, 'initiatives', encoding).find((r) => r[0] === 'aaaa0002')![col];
    assert.equal(back, `${PROSE}`, encoding);
    assert.ok(isEmptyPreview(previewCsv(p.next, rows, encoding)), `${encoding}: the same file again`);
  }
});

test('an emptied prose cell keeps the value lines; prose typed for results printed from values puts them after it', () => {
  const d = edition();
  let rows = csvRows(d, 'initiatives');
  const col = rows[0]!.indexOf('実績（文章）');
  rows.find((r) => r[0] === 'aaaa0001')![col] = '';
  let p = previewCsv(d, rows);
  assert.equal(byKey(p.next, 'aaaa0001').resultsText, '1回');
  // An initiative whose printed text is empty (the report prints its values) gets the prose, then its value lines.
  const empty = edition();
  byKey(empty, 'aaaa0003').resultsText = '';
  rows = csvRows(empty, 'initiatives');
  rows.find((r) => r[0] === 'aaaa0003')![col] = '【令和4年度】';
  p = previewCsv(empty, rows);
  assert.equal(byKey(p.next, 'aaaa0003').resultsText, '【令和4年度】\n・マイナンバーカード交付率 73.6% (70%)');
  assert.ok(isEmptyPreview(previewCsv(p.next, rows)));
});

test('the preview lists every prose change, in the command line summary too', async () => {
  const d = edition();
  const rows = csvRows(d, 'initiatives');
  const col = rows[0]!.indexOf('実績（文章）');
  for (const r of rows.slice(1)) r[col] = `${r[col]}\n追記: ${r[0]}`.trim();
  const p = previewCsv(d, rows);
  assert.equal(proseChanges(p).length, d.initiatives.length);
  const summary = describePreview(p);
  for (const i of d.initiatives) assert.match(summary, new RegExp(`変更 ${i.number ?? '新'} ${i.title} 実績（本文）: .*追記: ${i.key}`, 's'));
});

for (const backend of backends) {
  test(`${backend.name}: an upload that adds one result row keeps the prose, says so, and stores it`, async (t) => {
    const database = await backend.open();
    const db = database.db;
    clearEditionCache();
    try {
      await loadSample(db);
      await addUsers(db);
      await db.execute(sql`UPDATE editions SET state = 'draft'`);
      const actor = await systemActor(db, '082023', 'test');
      const load = async () => (await loadEdition(db, '082023', 2023))!;

      await t.test('regression: one result row added in Excel, the prose column untouched', async () => {
        const cur = await load();
        // 09 prints a heading, its value lines and a prose line.
        const i = cur.initiatives.find((x) => x.resultsText.split('\n').length > x.results.length + 1 && x.results.length > 0)!;
        const b = await book(cur);
        const rs = b.sheet('実績');
        const r = rs.actualRowCount + 1;
        rs.getCell(r, 1).value = i.key;
        rs.getCell(r, 4).value = '追加した項目';
        rs.getCell(r, 5).value = 12;
        rs.getCell(r, 7).value = '件';
        const p = await b.preview(cur);
        assert.deepEqual(p.errors, []);
        const next = byKey(p.next, i.key);
        for (const line of i.resultsText.split('\n')) assert.ok(next.resultsText.split('\n').includes(line), `kept: ${line}`);
        assert.equal(next.resultsText, `${i.resultsText}\n・追加した項目 12件`);
        assert.equal(proseOf(next), proseOf(i));
        assert.deepEqual(
          proseChanges(p).map((c) => [c.key, c.before, c.after]),
          [[i.key, i.resultsText, next.resultsText]],
          'the text change is in the preview',
        );
        const applied = await applyPreview(db, '082023', 2023, p, { actor, source: 'import:xlsx' });
        assert.ok(applied.changeSetId);
        const stored = await load();
        assert.equal(byKey(stored, i.key).resultsText, next.resultsText);
        assert.ok(isEmptyPreview(await b.preview(stored)), 'the same file again announces nothing');
      });

      await t.test('prose and a value changed in one file: both stored, and the same file again announces nothing', async () => {
        const cur = await load();
        const i = cur.initiatives.find((x) => x.number === '08')!;
        const b = await book(cur);
        const ws = b.sheet('施策');
        const col = (ws.getRow(1).values as unknown[]).indexOf('実績（文章）');
        ws.getCell(b.row('施策', 1, i.key), col).value = `${proseOf(i)}\n窓口での申請支援を続けた。`;
        const rs = b.sheet('実績');
        const rr = b.row('実績', 4, i.results[0]!.label);
        rs.getCell(rr, 5).value = 80.1;
        const p = await b.preview(cur);
        assert.deepEqual(p.errors, []);
        await applyPreview(db, '082023', 2023, p, { actor, source: 'import:xlsx' });
        const stored = byKey(await load(), i.key);
        assert.match(stored.resultsText, /・マイナンバーカード交付率 80\.1% \(70%\)/);
        assert.match(stored.resultsText, /窓口での申請支援を続けた。$/);
        assert.doesNotMatch(stored.resultsText, /73\.6%/);
        assert.ok(isEmptyPreview(await b.preview(await load())), 'the same file again announces nothing');
      });

      await t.test('the upload page shows the prose change line by line', async () => {
        const app = createApp({ database });
        const admin = await signIn(app, 'admin');
        const cur = await load();
        const i = cur.initiatives.find((x) => x.number === '03')!;
        const b = await book(cur);
        const ws = b.sheet('施策');
        const col = (ws.getRow(1).values as unknown[]).indexOf('実績（文章）');
        ws.getCell(b.row('施策', 1, i.key), col).value = `${proseOf(i)}\n評価会議の意見を施策に反映した。`;
        const page = await admin.upload('/admin/e/2023/import', {}, { name: 'prose.xlsx', bytes: await b.bytes() });
        assert.equal(page.status, 200);
        assert.match(page.html, /<td>実績（本文）<\/td>/);
        assert.match(page.html, /<td class="pre">[^<]*評価会議の意見を施策に反映した。<\/td>/);
      });

      await t.test('JSON and open data carry the printed text; a result year only where there are results', async () => {
        const cur = await load();
        const json = editionToJson(cur);
        const i = cur.initiatives.find((x) => x.number === '08')!;
        assert.equal(json.initiatives.find((x) => x.key === i.key)!.resultsText, i.resultsText);
        const table = buildTables(cur).find((x) => x.id === 'initiatives')!;
        const text = table.columns.findIndex((c) => c.name === '実績（本文）');
        const year = table.columns.findIndex((c) => c.name === '実績年度');
        assert.ok(text > 0 && year > 0);
        const row = (key: string) => table.rows.find((r) => r[3] === key)!;
        assert.equal(row(i.key)[text], i.resultsText);
        assert.equal(row(i.key)[year], 2022);
        const none = cur.initiatives.find((x) => x.results.length === 0 && x.resultsText === '—');
        if (none) assert.equal(row(none.key)[year], null, 'no results, no result year');
      });
    } finally {
      await database.close();
    }
  });
}
