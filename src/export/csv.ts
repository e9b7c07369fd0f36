// The spreadsheet tables as CSV, one file per sheet, with the same headers and cells as the workbook (the
// 施策 table in the plan's shape, and its 指標 and マイルストーン tables where the plan has them). UTF-8 with
// BOM by default (Excel opens it correctly); Shift_JIS (cp932) on request for older Excel.
import { stringify } from 'csv-stringify/sync';
import iconv from 'iconv-lite';
import type { EditionData } from '../domain/model.ts';
import {
  indicatorCell,
  indicatorColumns,
  initiativeCell,
  initiativeColumns,
  kpiFixedColumns,
  kpiYearHeader,
  milestoneCell,
  milestoneColumns,
  resultCell,
  resultColumns,
} from '../domain/sheets.ts';
import { neutralizeFormula } from './opendata.ts';

export type CsvTable = 'initiatives' | 'results' | 'kpis';
/** Every table, the 指標 and マイルストーン sheets included (headings only for a plan that has none). */
export type SheetTable = CsvTable | 'indicators' | 'milestones';
export type CsvEncoding = 'utf8' | 'sjis';

export function spreadsheetRows(data: EditionData, table: SheetTable, department?: string): (string | null)[][] {
  const words = data.plan.settings;
  const pillarName = new Map(data.pillars.map((p) => [p.key, p.name]));
  const initiatives = data.initiatives.filter((i) => !department || i.departments.includes(department));
  if (table === 'initiatives') {
    const layout = initiativeColumns(words, data.plan);
    return [layout.map((c) => c.header), ...initiatives.map((i) => layout.map((c) => initiativeCell(data, i, c.field)))];
  }
  if (table === 'indicators') {
    const layout = indicatorColumns(words, data.plan);
    return [layout.map((c) => c.header), ...initiatives.flatMap((i) => (i.indicators ?? []).map((x) => layout.map((c) => indicatorCell(i, x, c.field))))];
  }
  if (table === 'milestones') {
    const layout = milestoneColumns(words);
    return [layout.map((c) => c.header), ...initiatives.flatMap((i) => (i.milestones ?? []).map((m) => layout.map((c) => milestoneCell(i, m, c.field))))];
  }
  if (table === 'results') {
    const layout = resultColumns(words);
    return [layout.map((c) => c.header), ...initiatives.flatMap((i) => i.results.map((r) => layout.map((c) => resultCell(i, r, c.field))))];
  }
  const years: number[] = [];
  for (let y = data.plan.startFiscalYear; y <= data.plan.endFiscalYear; y++) years.push(y);
  return [
    [...kpiFixedColumns(words).map((c) => c.header), ...years.map(kpiYearHeader)],
    ...(department
      ? []
      : data.kpis.map((k) => [k.key, k.name, pillarName.get(k.pillarKey) ?? '', k.unit, k.target, ...years.map((y) => k.actuals[String(y)] ?? null)])),
  ];
}

export function exportCsv(data: EditionData, table: SheetTable, opts: { encoding?: CsvEncoding; department?: string } = {}): Uint8Array {
  const rows = spreadsheetRows(data, table, opts.department).map((r) => r.map((v) => neutralizeFormula(v ?? '')));
  const text = stringify(rows, { record_delimiter: '\r\n', quoted_match: /[\r\n]/ });
  if (opts.encoding === 'sjis') return new Uint8Array(iconv.encode(text, 'cp932'));
  return new Uint8Array(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]));
}

/** Characters of a table that a Shift_JIS (cp932) file cannot hold; they are written as "?". */
export function shiftJisLosses(data: EditionData, table: SheetTable, department?: string): string[] {
  const lost = new Set<string>();
  for (const row of spreadsheetRows(data, table, department)) {
    for (const v of row) {
      for (const ch of v ?? '') if (ch !== '?' && iconv.decode(iconv.encode(ch, 'cp932'), 'cp932') !== ch) lost.add(ch);
    }
  }
  return [...lost];
}
