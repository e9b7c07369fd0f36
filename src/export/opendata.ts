// Open data for one edition: the same three tables (施策, 実績, KPI) as CSV, JSON, one XLSX workbook and a
// zip of all. Column names follow the 自治体標準オープンデータセット conventions: the 全国地方公共団体コード
// first, then the municipality's name, Japanese headers, one fact per row. The data and their column
// definitions (metadata) are kept apart, as the definitions are published as a page of their own.
//
// A plan of another shape (docs/decisions/0008-plan-shape.md) gets more: the initiatives table gains a
// column per level below the second, per section of the plan's own and, where the plan publishes grades,
// the grade; a plan that declares indicators gets a fourth table in long format, one row per indicator per
// fiscal year. Each only where the plan has it: the sample's files are byte for byte what they were.
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { strToU8, zipSync } from 'fflate';
import { BUILTIN_FIELD_KEYS, planFields, statusLabel, type EditionData, type FieldDef, type Indicator, type Initiative } from '../domain/model.ts';
import { kpiTable } from '../domain/tables.ts';
import { groupPath, levelName } from '../domain/groups.ts';
import { fieldCellValue } from '../domain/field-values.ts';
import { initiativeGrade } from '../domain/grades.ts';
import { indicatorProgress, targetFor } from '../domain/progress.ts';
import { targetKindLabel } from '../domain/indicator-text.ts';
import { normalizeNumber } from '../domain/decimal.ts';
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
  id: 'initiatives' | 'results' | 'kpis' | 'indicators';
  title: string;
  columns: Column[];
  rows: (string | number | null)[][];
}

const COMMON: Column[] = [
  { name: '全国地方公共団体コード', description: '6桁（検査数字を含む）', type: 'string' },
  { name: '地方公共団体名', description: '市区町村名', type: 'string' },
];

export interface TableDefinition {
  title: string;
  columns: Column[];
}

/** The tables of a plan of the sample's shape; tableDefinitions gives those of any plan. */
export const TABLE_DEFINITIONS: Record<'initiatives' | 'results' | 'kpis', TableDefinition> = {
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

type Cell = string | number | null;

/** One column of the initiatives table and how an initiative fills it. */
interface InitiativeColumn {
  column: Column;
  value: (i: Initiative) => Cell;
}

/** The deepest level a plan's edition has: its levels, or deeper where stored groups go deeper. */
function levelCount(data: EditionData): number {
  let deepest = data.plan.settings.levels.length;
  for (const p of data.pillars) for (const s of p.subAreas) deepest = Math.max(deepest, groupPath(data.pillars, p.key, s.key).length);
  return Math.min(deepest, 4);
}

/** Whether the plan has groups below the second level (then the table has a column for each level). */
function deepPlan(data: EditionData): boolean {
  return data.plan.settings.levels.length > 2 || data.pillars.some((p) => p.subAreas.some((s) => s.parentKey !== undefined));
}

const FIELD_TYPE_TEXT: Record<FieldDef['type'], string> = {
  text: '文章',
  money: '金額（桁区切りなし）',
  number: '数値（桁区切りなし）',
  date: '日付（YYYY-MM-DD）',
  url: 'URL',
  select: '選択肢のどれか',
  boolean: 'はい／いいえ',
};

/** The columns of the initiatives table: the sample's, and those of the plan's shape where it has them. */
function initiativeColumns(data: EditionData): InitiativeColumn[] {
  const settings = data.plan.settings;
  const fy = data.edition.fiscalYear;
  const pillarName = new Map(data.pillars.map((p) => [p.key, p.name]));
  const subAreaName = new Map(data.pillars.flatMap((p) => p.subAreas.map((s) => [s.key, s.name] as const)));
  const deep = deepPlan(data);
  const path = (i: Initiative) => groupPath(data.pillars, i.pillarKey, i.subAreaKey);
  const [code, orgName, year, key, number, title, pillar, subArea, departments, status, content, plan, resultsYear, resultsText] = TABLE_DEFINITIONS.initiatives
    .columns as [Column, Column, Column, Column, Column, Column, Column, Column, Column, Column, Column, Column, Column, Column];
  const fields = settings.fields ? planFields(settings) : null;
  const ownLabel = (k: string) => fields?.find((f) => f.key === k)?.label;
  const builtin = (col: Column, k: string): Column => {
    if (!fields) return col;
    const label = ownLabel(k);
    return { ...col, description: label ? `この計画では「${label}」` : 'この計画では使いません（空）' };
  };
  const cols: InitiativeColumn[] = [
    { column: code, value: () => data.organization.code },
    { column: orgName, value: () => data.organization.name },
    { column: year, value: () => fy },
    { column: key, value: (i) => i.key },
    { column: number, value: (i) => i.number ?? '新' },
    { column: title, value: (i) => i.title },
    { column: pillar, value: (i) => pillarName.get(i.pillarKey) ?? '' },
    deep
      ? { column: { ...subArea, description: `第2階層（この計画では「${levelName(settings, 2)}」）。ない場合は空` }, value: (i) => path(i)[1]?.name ?? '' }
      : { column: subArea, value: (i) => (i.subAreaKey ? (subAreaName.get(i.subAreaKey) ?? '') : '') },
  ];
  if (deep)
    for (let level = 3; level <= levelCount(data); level++)
      cols.push({
        column: { name: `第${level}階層`, description: `この計画では「${levelName(settings, level)}」。ない場合は空`, type: 'string' },
        value: (i) => path(i)[level - 1]?.name ?? '',
      });
  cols.push(
    { column: departments, value: (i) => i.departments.join('、') },
    { column: status, value: (i) => statusLabel(i.status) },
    { column: builtin(content, 'content'), value: (i) => i.content },
    { column: builtin(plan, 'plan'), value: (i) => i.plan },
  );
  const taken = new Set(TABLE_DEFINITIONS.initiatives.columns.map((c) => c.name).concat(cols.map((c) => c.column.name)));
  for (const f of (fields ?? []).filter((f) => !BUILTIN_FIELD_KEYS.includes(f.key))) {
    // A section's label heads its column; one that is already a column's name is told apart.
    const name = taken.has(f.label) ? `${f.label}（記入項目）` : f.label;
    taken.add(name);
    const choices = f.type === 'select' && f.options ? `: ${f.options.join('／')}` : '';
    cols.push({
      column: {
        name,
        description: `この計画の記入項目（${f.key}）。${FIELD_TYPE_TEXT[f.type]}${choices}`,
        type: f.type === 'money' || f.type === 'number' ? 'number' : 'string',
      },
      value: (i) => fieldCellValue(f, i.fields?.[f.key]),
    });
  }
  cols.push(
    // A year is only said of results that exist: an initiative with none has no result year to state.
    { column: resultsYear, value: (i) => (hasResults(i) ? i.resultsFiscalYear : null) },
    { column: resultsText, value: (i) => i.resultsText },
  );
  if (settings.grades?.publish) {
    const grade = (i: Initiative) => initiativeGrade(i, fy, settings);
    const how = { computed: '計算', manual: '手動', unrated: '評価できない' } as const;
    cols.push(
      { column: { name: '評価', description: '評価の段階（A など）', type: 'string' }, value: (i) => grade(i)?.grade ?? null },
      { column: { name: '評価の意味', description: '', type: 'string' }, value: (i) => grade(i)?.label ?? null },
      {
        column: { name: '評価の方法', description: '計算（指標の進捗率から）／手動（理由を添えて設定）／評価できない（実績がない等）', type: 'string' },
        value: (i) => {
          const g = grade(i);
          return g ? how[g.source] : null;
        },
      },
      { column: { name: '評価の理由', description: '手動で設定した評価の理由', type: 'string' }, value: (i) => grade(i)?.reason ?? null },
      { column: { name: '評価の設定者', description: '手動で設定した人', type: 'string' }, value: (i) => grade(i)?.by ?? null },
      { column: { name: '進捗率', description: '％。指標のうち最も低い進捗率（計画の規則で計算）', type: 'number' }, value: (i) => grade(i)?.rate ?? null },
    );
  }
  return cols;
}

const INDICATOR_COLUMNS: Column[] = [
  ...COMMON,
  { name: '年度', description: '版の年度（西暦）', type: 'integer' },
  { name: '施策キー', description: '', type: 'string' },
  { name: '施策番号', description: '', type: 'string' },
  { name: '施策名', description: '', type: 'string' },
  { name: '指標キー', description: '施策の中で変わらない指標の識別子', type: 'string' },
  { name: '指標名', description: '', type: 'string' },
  { name: '種類', description: '計画の指標の種類（活動指標・成果指標など）。ない場合は空', type: 'string' },
  { name: '単位', description: '', type: 'string' },
  { name: '方向', description: '高いほど良い／低いほど良い', type: 'string' },
  { name: '目標の種類', description: '数値／年間（毎年度の目標）／累計（基準からの累計）／定性（文章の目標）', type: 'string' },
  { name: '定性目標', description: '定性の目標の文。数値の指標は空', type: 'string' },
  { name: '基準年度', description: '西暦。ない場合は空', type: 'integer' },
  { name: '基準値', description: '数値（桁区切りなし）', type: 'number' },
  { name: '最終目標年度', description: '西暦。ない場合は空', type: 'integer' },
  { name: '最終目標値', description: '数値（桁区切りなし）', type: 'number' },
  { name: '対象年度', description: 'この行の年度（西暦）。計画期間の各年度と値のある年度', type: 'integer' },
  { name: '目標値', description: 'その年度の目標（年間の指標は毎年度の目標）。ない場合は空', type: 'number' },
  { name: '実績値', description: '数値（桁区切りなし）。ない場合は空', type: 'number' },
  { name: '達成', description: '定性の指標のみ: 達成／未達成（判定していない年度は空）', type: 'string' },
  { name: '進捗率', description: '％。その年度の実績による進捗率（計画の規則で計算）。実績のない年度は空', type: 'number' },
];

/** The fiscal years an indicator has rows for: the plan's, and any other year it has a value for. */
function indicatorYears(data: EditionData, ind: Indicator): number[] {
  const years = new Set<number>();
  for (let y = data.plan.startFiscalYear; y <= data.plan.endFiscalYear; y++) years.add(y);
  for (const v of ind.values) years.add(v.fiscalYear);
  return [...years].sort((a, b) => a - b);
}

function indicatorRows(data: EditionData): Cell[][] {
  const rule = data.plan.settings.progress;
  const rows: Cell[][] = [];
  for (const i of data.initiatives)
    for (const ind of i.indicators ?? [])
      for (const fy of indicatorYears(data, ind)) {
        const v = ind.values.find((x) => x.fiscalYear === fy);
        const own = v?.target === null || v?.target === undefined ? null : (normalizeNumber(v.target) ?? v.target);
        // A rate per year applies to every year; any other target is said only of the year it is set for.
        const target = ind.qualitative != null ? null : (own ?? (ind.perYear ? targetFor(ind, fy) : null));
        const p = indicatorProgress(ind, fy, rule);
        const achieved = ind.qualitative == null || v?.achieved == null ? null : v.achieved ? '達成' : '未達成';
        rows.push([
          data.organization.code,
          data.organization.name,
          data.edition.fiscalYear,
          i.key,
          i.number ?? '新',
          i.title,
          ind.key,
          ind.name,
          ind.kind ?? '',
          ind.unit ?? '',
          ind.direction === 'lower' ? '低いほど良い' : '高いほど良い',
          targetKindLabel(ind),
          ind.qualitative ?? '',
          ind.baseline?.fiscalYear ?? null,
          ind.baseline ? (normalizeNumber(ind.baseline.value) ?? ind.baseline.value) : null,
          ind.target?.fiscalYear ?? null,
          ind.target ? (normalizeNumber(ind.target.value) ?? ind.target.value) : null,
          fy,
          target,
          v?.actual === null || v?.actual === undefined || v.actual === '' ? null : (normalizeNumber(v.actual) ?? v.actual),
          achieved,
          p.fiscalYear === fy ? p.rate : null,
        ]);
      }
  return rows;
}

/** The tables of this edition's plan and their columns, in the order of the files. */
export function tableDefinitions(data: EditionData): Partial<Record<Table['id'], TableDefinition>> {
  const out: Partial<Record<Table['id'], TableDefinition>> = {
    initiatives: { title: TABLE_DEFINITIONS.initiatives.title, columns: initiativeColumns(data).map((c) => c.column) },
    results: TABLE_DEFINITIONS.results,
    kpis: TABLE_DEFINITIONS.kpis,
  };
  if (data.plan.settings.indicatorKinds !== undefined) out.indicators = { title: '指標の実績', columns: INDICATOR_COLUMNS };
  return out;
}

export function buildTables(data: EditionData): Table[] {
  const code = data.organization.code;
  const name = data.organization.name;
  const fy = data.edition.fiscalYear;
  const num = (v: string | null) => (v === null ? null : v);
  const columns = initiativeColumns(data);
  const initiatives: Table = {
    id: 'initiatives',
    title: TABLE_DEFINITIONS.initiatives.title,
    columns: columns.map((c) => c.column),
    rows: data.initiatives.map((i) => columns.map((c) => c.value(i))),
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
  const tables = [initiatives, results, kpis];
  if (data.plan.settings.indicatorKinds !== undefined)
    tables.push({ id: 'indicators', title: '指標の実績', columns: INDICATOR_COLUMNS, rows: indicatorRows(data) });
  return tables;
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
