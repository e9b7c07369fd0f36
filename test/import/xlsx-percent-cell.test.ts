// A person typing 85% into an Excel cell stores the number 0.85 with a percent number format. It was read
// as 0.85 and shown as "0.85%". Such a cell is now read as the percent typed, "85", in exact decimal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { readXlsx, type Cell } from '../../src/import/spreadsheet.ts';

const HEADER = ['施策キー', '番号', '施策名', '項目', '実績値', '目標値', '単位', '備考'];

/** A 実績 workbook whose rows have the given value and number format in 実績値 (column 5). */
async function resultsWith(cells: { value: ExcelJS.CellValue; numFmt: string }[]): Promise<Cell[]> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('実績');
  ws.addRow(HEADER);
  cells.forEach(({ value, numFmt }, k) => {
    const row = ws.addRow([`k${k}`, String(k + 1), '窓口のオンライン化', '申請件数の割合', null, 90, '%', '']);
    const cell = row.getCell(5);
    cell.value = value;
    cell.numFmt = numFmt;
  });
  const bytes = new Uint8Array(await wb.xlsx.writeBuffer());
  const [sheet] = await readXlsx(bytes);
  assert.equal(sheet!.kind, 'results');
  return sheet!.rows.map((r) => r.cells[4]!);
}

test('percent cell: 0.85 shown as 0% is read as the string "85"', async () => {
  assert.deepEqual(await resultsWith([{ value: 0.85, numFmt: '0%' }]), ['85']);
});

test('percent cell: 0.5 shown as 0.0% is read as "50"', async () => {
  assert.deepEqual(await resultsWith([{ value: 0.5, numFmt: '0.0%' }]), ['50']);
});

test('percent cell: value × 100 is exact in decimal, never a float artefact', async () => {
  // 0.07 * 100 === 7.000000000000001 and 0.736 * 100 === 73.6 by luck only; 0.0115 * 100 === 1.15…
  const got = await resultsWith([
    { value: 0.07, numFmt: '0%' },
    { value: 0.736, numFmt: '0.0%' },
    { value: 0.0115, numFmt: '0.00%' },
    { value: 1.234, numFmt: '0.0%' },
    { value: -0.05, numFmt: '0%;[Red]-0%' },
    { value: 0, numFmt: '0%' },
    { value: 0.1 + 0.2, numFmt: '0%' },
    { value: 12, numFmt: '#,##0%' },
  ]);
  assert.deepEqual(got, ['7', '73.6', '1.15', '123.4', '-5', '0', '30', '1200']);
});

test('percent cell: other formats and other kinds of value are read as before', async () => {
  const got = await resultsWith([
    { value: 0.85, numFmt: 'General' },
    { value: 0.85, numFmt: '0.00' },
    { value: 0.85, numFmt: '0"%"' }, // a quoted % is only a character shown, not ×100
    { value: '85%', numFmt: '0%' }, // a text cell stays the text typed
    { value: { formula: 'B2/100', result: 0.85 } as ExcelJS.CellFormulaValue, numFmt: '0%' },
  ]);
  assert.deepEqual(got, [0.85, 0.85, 0.85, '85%', { formula: 'B2/100' }]);
});
