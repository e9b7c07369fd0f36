// Texts a spreadsheet would run as a formula survive an untouched export → import: the export quotes them
// and the import takes the quote off, in the workbook and in CSV, so re-importing the file announces nothing.
// Stored texts are in cell form (every input path trims the whole text and writes LF line ends), so a tab
// or CR starts a line inside a text, never the text itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { smallEdition } from '../fixtures/small-edition.ts';
import { exportWorkbook } from '../../src/export/xlsx.ts';
import { exportCsv } from '../../src/export/csv.ts';
import { readCsv, readXlsx } from '../../src/import/spreadsheet.ts';
import { isEmptyPreview, previewSpreadsheet } from '../../src/domain/changes.ts';
import type { EditionData } from '../../src/domain/model.ts';

const LEADING = ['=1+1', '+81 電話', '-あいう', '@SUM(A1)', "'引用", "''二重", '=A1\n\t字下げ', '+1\n\n改行'];

function edition(): EditionData {
  const d = smallEdition();
  d.edition.state = 'draft';
  d.departments = [...new Set(d.initiatives.flatMap((i) => i.departments))].map((name) => ({ name, aliases: [] }));
  d.initiatives = d.initiatives.map((i, k) => ({
    ...i,
    title: `${LEADING[k % LEADING.length]} ${i.title}`,
    content: LEADING.join('\n'),
    plan: LEADING[(k + 3) % LEADING.length]!,
    results: i.results.map((r) => ({ ...r, note: LEADING[(k + 5) % LEADING.length]! })),
  }));
  return d;
}

test('an untouched workbook with formula-like texts re-imports with no change', async () => {
  const data = edition();
  const preview = previewSpreadsheet(data, await readXlsx(await exportWorkbook(data)));
  assert.deepEqual(preview.errors, []);
  assert.ok(isEmptyPreview(preview), JSON.stringify(preview.changes.slice(0, 3)));
});

test('untouched CSV tables with formula-like texts re-import with no change', () => {
  const data = edition();
  for (const table of ['initiatives', 'results'] as const) {
    const { sheet } = readCsv(exportCsv(data, table));
    const preview = previewSpreadsheet(data, [sheet]);
    assert.deepEqual(preview.errors, [], table);
    assert.ok(isEmptyPreview(preview), `${table}: ${JSON.stringify(preview.changes.slice(0, 3))}`);
  }
});
