// The spreadsheet tables as CSV, one file per sheet, with the same headers as the workbook. UTF-8 with
// BOM by default (Excel opens it correctly); Shift_JIS (cp932) on request for older Excel.
import { stringify } from 'csv-stringify/sync';
import iconv from 'iconv-lite';
import { statusLabel, type EditionData } from '../domain/model.ts';
import { INITIATIVE_COLUMNS, KPI_FIXED_COLUMNS, RESULT_COLUMNS, kpiYearHeader } from '../domain/sheets.ts';
import { neutralizeFormula } from './opendata.ts';

export type CsvTable = 'initiatives' | 'results' | 'kpis';
export type CsvEncoding = 'utf8' | 'sjis';

export function spreadsheetRows(data: EditionData, table: CsvTable, department?: string): (string | null)[][] {
  const pillarName = new Map(data.pillars.map((p) => [p.key, p.name]));
  const subAreaName = new Map(data.pillars.flatMap((p) => p.subAreas.map((s) => [s.key, s.name] as const)));
  const initiatives = data.initiatives.filter((i) => !department || i.departments.includes(department));
  if (table === 'initiatives') {
    return [
      INITIATIVE_COLUMNS.map((c) => c.header),
      ...initiatives.map((i) => [
        i.key,
        i.number ?? '新',
        pillarName.get(i.pillarKey) ?? '',
        i.subAreaKey ? (subAreaName.get(i.subAreaKey) ?? '') : '',
        i.title,
        i.departments.join('、'),
        statusLabel(i.status),
        i.content,
        i.plan,
      ]),
    ];
  }
  if (table === 'results') {
    return [
      RESULT_COLUMNS.map((c) => c.header),
      ...initiatives.flatMap((i) => i.results.map((r) => [i.key, i.number ?? '新', i.title, r.label, r.actual, r.target, r.unit, r.note])),
    ];
  }
  const years: number[] = [];
  for (let y = data.plan.startFiscalYear; y <= data.plan.endFiscalYear; y++) years.push(y);
  return [
    [...KPI_FIXED_COLUMNS.map((c) => c.header), ...years.map(kpiYearHeader)],
    ...(department
      ? []
      : data.kpis.map((k) => [k.key, k.name, pillarName.get(k.pillarKey) ?? '', k.unit, k.target, ...years.map((y) => k.actuals[String(y)] ?? null)])),
  ];
}

export function exportCsv(data: EditionData, table: CsvTable, opts: { encoding?: CsvEncoding; department?: string } = {}): Uint8Array {
  const rows = spreadsheetRows(data, table, opts.department).map((r) => r.map((v) => neutralizeFormula(v ?? '')));
  const text = stringify(rows, { record_delimiter: '\r\n', quoted_match: /[\r\n]/ });
  if (opts.encoding === 'sjis') return new Uint8Array(iconv.encode(text, 'cp932'));
  return new Uint8Array(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]));
}

/** Characters of a table that a Shift_JIS (cp932) file cannot hold; they are written as "?". */
export function shiftJisLosses(data: EditionData, table: CsvTable, department?: string): string[] {
  const lost = new Set<string>();
  for (const row of spreadsheetRows(data, table, department)) {
    for (const v of row) {
      for (const ch of v ?? '') if (ch !== '?' && iconv.decode(iconv.encode(ch, 'cp932'), 'cp932') !== ch) lost.add(ch);
    }
  }
  return [...lost];
}
