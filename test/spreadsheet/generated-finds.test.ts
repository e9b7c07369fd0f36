// Bugs the generated round-trip test (test/roundtrip) found, each pinned by a plain example.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sampleDocument } from '../../src/db/sample.ts';
import { exportWorkbook } from '../../src/export/xlsx.ts';
import { readCsv, readXlsx } from '../../src/import/spreadsheet.ts';
import { isEmptyPreview, previewSpreadsheet } from '../../src/domain/changes.ts';
import { proseOf } from '../../src/domain/results.ts';
import { csvBytes, csvRows } from './helpers.ts';

const sample = () => sampleDocument().doc.data;

test('an empty CSV row (",,,,,,,," as Excel writes it) is no row (seed 20240406, csv-results-sjis)', () => {
  const d = sample();
  for (const table of ['initiatives', 'results', 'kpis'] as const) {
    const rows = csvRows(d, table);
    rows.splice(
      5,
      0,
      rows[0]!.map(() => ''),
    );
    const p = previewSpreadsheet(d, [readCsv(csvBytes(rows)).sheet]);
    assert.deepEqual(p.errors, [], table);
    assert.ok(isEmptyPreview(p), table);
  }
});

test('a decimal a double cannot hold survives an unedited workbook round trip (seed 7, xlsx)', async () => {
  const d = sample();
  d.kpis[0]!.target = '45355897142570.4385632';
  d.initiatives[7]!.results[0]!.actual = '0.1234567890123456789';
  d.kpis[3]!.actuals['2022'] = '302642595476329.5'; // a double holds it, Excel's 15 digits do not (seed 7, xlsx, case 117)
  const p = previewSpreadsheet(d, await readXlsx(await exportWorkbook(d)));
  assert.deepEqual(p.errors, []);
  assert.ok(isEmptyPreview(p), JSON.stringify(p.changes));
});

test('a literal "_x000D_" in a text survives a workbook round trip', async () => {
  const d = sample();
  d.initiatives[0]!.content = 'A_x000D_B _x005F_ _x0041_ _xzzzz_';
  const p = previewSpreadsheet(d, await readXlsx(await exportWorkbook(d)));
  assert.ok(isEmptyPreview(p), JSON.stringify(p.changes));
});

test('Shift_JIS: results sharing a label keep the characters of their own row', () => {
  const d = sample();
  const i = d.initiatives.find((x) => x.number === '08')!;
  i.results = [
    { label: '交付率', actual: '1', target: null, unit: '%', note: '一つ目', raw: '' },
    { label: '交付率', actual: '2', target: null, unit: '%', note: 'café', raw: '' },
  ];
  const p = previewSpreadsheet(d, [readCsv(csvBytes(csvRows(d, 'results', 'sjis'), 'sjis')).sheet]);
  assert.deepEqual(p.errors, []);
  assert.ok(isEmptyPreview(p), JSON.stringify(p.changes));
});

test('a multi-line cell is quoted in every CSV, so readers that end a record at a bare LF read 103 records, not 163', async () => {
  const { buildTables, tableToCsv } = await import('../../src/export/opendata.ts');
  const { exportCsv } = await import('../../src/export/csv.ts');
  const d = sample();
  const multi = d.initiatives.filter((i) => i.plan.includes('\n'));
  assert.ok(multi.length > 10);
  const texts = [new TextDecoder().decode(exportCsv(d, 'initiatives')), tableToCsv(buildTables(d).find((x) => x.id === 'initiatives')!)];
  for (const text of texts) {
    // Outside quotes, a record ends at CRLF only: counting CRLFs outside quoted fields counts the records.
    let records = 0;
    let quoted = false;
    for (let k = 0; k < text.length; k++) {
      if (text[k] === '"') quoted = !quoted;
      else if (!quoted && text[k] === '\n') {
        assert.equal(text[k - 1], '\r', 'a bare LF outside quotes');
        records++;
      }
    }
    assert.equal(records, d.initiatives.length + 1);
  }
});

test('a result label typed over two lines prints over two lines: its value line is not prose, and is rewritten whole (seed 20240401, csv-initiatives-utf8)', () => {
  const d = sample();
  const i = d.initiatives.find((x) => x.number === '08')!;
  let rows = csvRows(d, 'results');
  const r = rows.find((x) => x[0] === i.key && x[3] === i.results[0]!.label)!;
  // A new 項目 (rows are matched by 項目): its line is appended, over two lines.
  r[3] = '交付率\n二行目';
  const first = previewSpreadsheet(d, [readCsv(csvBytes(rows)).sheet]);
  const once = first.next.initiatives.find((x) => x.key === i.key)!;
  assert.match(once.resultsText, /^・交付率\n二行目 73\.6% \(70%\)$/m);
  // The prose column does not show the two lines of the value as prose, so the initiatives file changes nothing.
  assert.equal(proseOf(once), proseOf(i));
  assert.ok(isEmptyPreview(previewSpreadsheet(first.next, [readCsv(csvBytes(csvRows(first.next, 'initiatives'))).sheet])));
  // Its value changed again: both lines are replaced by the new one, nothing is appended.
  rows = csvRows(first.next, 'results');
  rows.find((x) => x[0] === i.key && x[3] === '交付率\n二行目')![4] = '80';
  const twice = previewSpreadsheet(first.next, [readCsv(csvBytes(rows)).sheet]).next.initiatives.find((x) => x.key === i.key)!;
  assert.equal(twice.resultsText, once.resultsText.replace('二行目 73.6%', '二行目 80%'));
});
