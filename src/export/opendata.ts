// Open data for one edition: the same three tables (施策, 実績, KPI) as CSV, JSON, one XLSX workbook and a
// zip of all. Column names follow the 自治体標準オープンデータセット conventions: the 全国地方公共団体コード
// first, then the municipality's name, Japanese headers, one fact per row. The data and their column
// definitions (metadata) are kept apart, as the definitions are published as a page of their own.
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { strToU8, zipSync } from 'fflate';
import { statusLabel, type EditionData } from '../domain/model.ts';
import { kpiTable } from '../domain/tables.ts';
import { hasResults } from '../domain/results-year.ts';
import { editionToJson } from './json.ts';
import { neutralizeFormula } from '../domain/formula.ts';

// The formula guard lives in domain/formula.ts (with its inverse, restoreFormula); re-exported here for
// the modules that import it from this one.
export { neutralizeFormula, restoreFormula } from '../domain/formula.ts';

export interface Column {
  name: string;
  description: string;
  type: 'string' | 'number' | 'integer';
}

export interface Table {
  id: 'initiatives' | 'results' | 'kpis';
  title: string;
  columns: Column[];
  rows: (string | number | null)[][];
}

const COMMON: Column[] = [
  { name: '全国地方公共団体コード', description: '6桁（検査数字を含む）', type: 'string' },
  { name: '地方公共団体名', description: '市区町村名', type: 'string' },
];

export const TABLE_DEFINITIONS: Record<Table['id'], { title: string; columns: Column[] }> = {
  initiatives: {
    title: '施策一覧',
    columns: [
      ...COMMON,
      { name: '年度', description: '版の年度（西暦、4月始まり）', type: 'integer' },
      { name: '施策キー', description: '年度をまたいで変わらない施策の識別子', type: 'string' },
      { name: '施策番号', description: '計画上の番号。新規施策は「新」', type: 'string' },
      { name: '施策名', description: '', type: 'string' },
      { name: '施策体系', description: '', type: 'string' },
      { name: '分野', description: '施策体系の中の分類（ない場合は空）', type: 'string' },
      { name: '担当課所', description: '複数の場合は「、」区切り', type: 'string' },
      { name: '状況', description: '完了／実施中／新規／休止／未着手', type: 'string' },
      { name: '施策内容', description: '', type: 'string' },
      { name: '今年度の取組', description: '', type: 'string' },
      { name: '実績年度', description: '実績の対象年度（西暦）。実績のない施策と、年度の記載がない実績は空', type: 'integer' },
      { name: '実績（本文）', description: '印刷される実績の文章（値の行と文章）。空のときは実績の表の値から印刷', type: 'string' },
    ],
  },
  results: {
    title: '施策の実績',
    columns: [
      ...COMMON,
      { name: '年度', description: '版の年度（西暦）', type: 'integer' },
      { name: '施策キー', description: '', type: 'string' },
      { name: '施策番号', description: '', type: 'string' },
      { name: '施策名', description: '', type: 'string' },
      { name: '実績年度', description: '実績の対象年度（西暦）。年度の記載がない実績は空', type: 'integer' },
      { name: '項目', description: '', type: 'string' },
      { name: '実績値', description: '数値（桁区切りなし）', type: 'number' },
      { name: '目標値', description: '数値（桁区切りなし）。ない場合は空', type: 'number' },
      { name: '単位', description: '', type: 'string' },
      { name: '備考', description: '', type: 'string' },
      { name: '原文', description: '計画書に記載されたとおりの文', type: 'string' },
    ],
  },
  kpis: {
    title: 'KPIの実績',
    columns: [
      ...COMMON,
      { name: '計画名', description: '', type: 'string' },
      { name: 'KPIキー', description: '', type: 'string' },
      { name: '施策体系', description: '', type: 'string' },
      { name: '指標名', description: '', type: 'string' },
      { name: '単位', description: '', type: 'string' },
      { name: '目標値', description: '計画最終年度の目標', type: 'number' },
      { name: '目標年度', description: '西暦', type: 'integer' },
      { name: '年度', description: '実績の年度（西暦）', type: 'integer' },
      { name: '実績値', description: '', type: 'number' },
      { name: '進捗率', description: '％。計画の規則（切り捨て等）で計算', type: 'number' },
    ],
  },
};

export function buildTables(data: EditionData): Table[] {
  const code = data.organization.code;
  const name = data.organization.name;
  const fy = data.edition.fiscalYear;
  const pillarName = new Map(data.pillars.map((p) => [p.key, p.name]));
  const subAreaName = new Map(data.pillars.flatMap((p) => p.subAreas.map((s) => [s.key, s.name] as const)));
  const num = (v: string | null) => (v === null ? null : v);
  const initiatives: Table = {
    id: 'initiatives',
    ...TABLE_DEFINITIONS.initiatives,
    rows: data.initiatives.map((i) => [
      code,
      name,
      fy,
      i.key,
      i.number ?? '新',
      i.title,
      pillarName.get(i.pillarKey) ?? '',
      i.subAreaKey ? (subAreaName.get(i.subAreaKey) ?? '') : '',
      i.departments.join('、'),
      statusLabel(i.status),
      i.content,
      i.plan,
      // A year is only said of results that exist: an initiative with none has no result year to state.
      hasResults(i) ? i.resultsFiscalYear : null,
      i.resultsText,
    ]),
  };
  const results: Table = {
    id: 'results',
    ...TABLE_DEFINITIONS.results,
    rows: data.initiatives.flatMap((i) =>
      i.results.map((r) => [
        code,
        name,
        fy,
        i.key,
        i.number ?? '新',
        i.title,
        i.resultsFiscalYear,
        r.label,
        num(r.actual),
        num(r.target),
        r.unit ?? '',
        r.note ?? '',
        r.raw,
      ]),
    ),
  };
  const table = kpiTable(data);
  const kpis: Table = {
    id: 'kpis',
    ...TABLE_DEFINITIONS.kpis,
    rows: table.rows.flatMap((r) =>
      r.cells
        .filter((c) => c.actual !== null)
        .map((c) => [
          code,
          name,
          data.plan.title,
          r.kpi.key,
          r.pillarName,
          r.kpi.name,
          r.kpi.unit ?? '',
          r.kpi.target,
          r.kpi.targetFiscalYear,
          c.fiscalYear,
          c.actual,
          c.progressRate,
        ]),
    ),
  };
  return [initiatives, results, kpis];
}

/** CSV for Excel users: UTF-8 with BOM, CRLF, every field as written. */
export function tableToCsv(table: Table): string {
  const body = stringify([table.columns.map((c) => c.name), ...table.rows.map((r) => r.map(neutralizeFormula))], {
    record_delimiter: '\r\n',
    quoted_match: /[\r\n]/,
  });
  return `\uFEFF${body}`;
}

export function editionJsonText(data: EditionData): string {
  return `${JSON.stringify(editionToJson(data), null, 2)}\n`;
}

export async function editionXlsx(data: EditionData): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'shisaku';
  wb.created = new Date(0); // deterministic output for the same data
  for (const table of buildTables(data)) {
    const ws = wb.addWorksheet(table.title, { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.addRow(table.columns.map((c) => c.name)).font = { bold: true };
    for (const row of table.rows) {
      ws.addRow(
        row.map((v, k) => {
          const v2 = neutralizeFormula(v);
          return table.columns[k]!.type !== 'string' && typeof v2 === 'string' && v2 !== '' ? Number(v2) : v2;
        }),
      );
    }
    ws.columns.forEach((col, k) => {
      const longest = Math.max(...table.rows.slice(0, 200).map((r) => String(r[k] ?? '').length), table.columns[k]!.name.length);
      col.width = Math.min(60, Math.max(8, longest * 2));
      col.alignment = { wrapText: true, vertical: 'top' };
    });
  }
  const source = wb.addWorksheet('出典');
  source.addRow(['出典', data.edition.source ?? '']);
  source.addRow(['版', `${data.edition.title}（${data.edition.fiscalYear}年度）`]);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

export interface Download {
  file: string;
  type: string;
  body: () => Promise<Uint8Array | string>;
}

export function downloads(data: EditionData): Download[] {
  const base = `${data.organization.code}_${data.edition.fiscalYear}`;
  const tables = buildTables(data);
  const csv = (t: Table): Download => ({ file: `${base}_${t.id}.csv`, type: 'text/csv; charset=utf-8', body: async () => tableToCsv(t) });
  const list: Download[] = [
    ...tables.map(csv),
    { file: `${base}.json`, type: 'application/json; charset=utf-8', body: async () => editionJsonText(data) },
    { file: `${base}.xlsx`, type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', body: () => editionXlsx(data) },
  ];
  list.push({
    file: `${base}_all.zip`,
    type: 'application/zip',
    body: async () => {
      const files: Record<string, Uint8Array> = {};
      for (const d of list.slice(0, -1)) {
        const b = await d.body();
        files[d.file] = typeof b === 'string' ? strToU8(b) : b;
      }
      return zipSync(files, { level: 6, mtime: new Date(1980, 0, 1) });
    },
  });
  return list;
}
