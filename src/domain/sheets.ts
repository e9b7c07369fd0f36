// The spreadsheet layout staff fill in: which sheets, which columns, which are keys. One definition serves
// the export (xlsx and CSV) and the import, so what is written is exactly what is read back. Columns are
// named in the plan's own words (its levels and what it calls an initiative: 施策体系 / 分野 / 施策 in the
// sample, 取組の柱 / 取組項目 elsewhere), and the import finds them by those headings, not by position.
import { DEFAULT_PLAN_SETTINGS, STATUS_LABELS, statusLabel, type EditionData, type Initiative, type PlanSettings, type Status } from './model.ts';
import { fiscalYearLabel } from './wareki.ts';
import { proseOf } from './results.ts';

/** The settings a layout is worded from. */
export type SheetWords = Pick<PlanSettings, 'levels' | 'initiativeName' | 'departmentRequired'>;

export type InitiativeField = 'key' | 'number' | 'pillar' | 'subArea' | 'title' | 'departments' | 'status' | 'content' | 'plan' | 'prose';
export type ResultField = 'key' | 'number' | 'title' | 'label' | 'actual' | 'target' | 'unit' | 'note';
export type KpiField = 'key' | 'name' | 'pillar' | 'unit' | 'target';

export interface SheetColumn<F extends string = string> {
  /** What the column holds, whatever the plan calls it. */
  field: F;
  header: string;
  /** Other headings the import reads as this column (a heading a person typed by hand). */
  accepts?: string[];
  /** Keys identify the row and are protected in the workbook. */
  key?: boolean;
  /** Reference columns are for the reader's orientation and are ignored on import. */
  reference?: boolean;
  kind: 'text' | 'number' | 'status' | 'departments' | 'year';
  width: number;
  help: string;
}

export const INITIATIVE_SHEET = '施策';
export const RESULT_SHEET = '実績';
export const KPI_SHEET = 'KPI';
export const README_SHEET = '説明';
export const LIST_SHEET = 'リスト';

/**
 * The heading of the prose of the printed 実績 text (its lines that are not a result's value line). The
 * value lines follow the 実績 sheet; the preview lists the whole printed text as 実績（本文）.
 */
export const PROSE_HEADER = '実績（文章）';

function words(w: Partial<SheetWords> = {}): SheetWords {
  const levels = w.levels?.length ? w.levels : DEFAULT_PLAN_SETTINGS.levels;
  return {
    levels,
    initiativeName: w.initiativeName?.trim() || DEFAULT_PLAN_SETTINGS.initiativeName,
    departmentRequired: w.departmentRequired ?? DEFAULT_PLAN_SETTINGS.departmentRequired,
  };
}

/** The heading of an initiative's name: 施策名; an item needs no 名 (取組項目, 実施項目). */
export function titleHeader(w: Partial<SheetWords> = {}): string {
  const n = words(w).initiativeName;
  return n.endsWith('項目') ? n : `${n}名`;
}

export function keyHeader(w: Partial<SheetWords> = {}): string {
  return `${words(w).initiativeName}キー`;
}

export function initiativeColumns(settings: Partial<SheetWords> = {}): SheetColumn<InitiativeField>[] {
  const w = words(settings);
  const n = w.initiativeName;
  const [pillar, sub] = w.levels as [string, string | undefined];
  const title = titleHeader(w);
  const columns: (SheetColumn<InitiativeField> | null)[] = [
    {
      field: 'key',
      header: keyHeader(w),
      key: true,
      kind: 'text',
      width: 12,
      help: `${n}を年度をまたいで識別するキー。変更しないでください。新しい${n}の行は空欄にします。`,
    },
    { field: 'number', header: '番号', kind: 'text', width: 6, help: `計画上の番号（01 など）。新規${n}は「新」（空欄も「新」です）。` },
    {
      field: 'pillar',
      header: pillar,
      kind: 'text',
      width: 22,
      help: `${pillar}の名前。この計画にない名前は、作成することを確かめてから新しい${pillar}として作成します。`,
    },
    sub
      ? {
          field: 'subArea',
          header: sub,
          kind: 'text',
          width: 26,
          help: `${pillar}の中の${sub}の名前（ない場合は空欄）。ない名前は${pillar}と同じく作成します。`,
        }
      : null,
    { field: 'title', header: title, accepts: [`${n}名`, n], kind: 'text', width: 40, help: `${n}の名前（必須）。` },
    {
      field: 'departments',
      header: '担当課所',
      kind: 'departments',
      width: 28,
      help: `複数の場合は「、」で区切ります。一覧から選ぶこともできます。${w.departmentRequired ? '' : '空欄でもかまいません。'}登録されていない課所は、作成することを確かめてから登録します。`,
    },
    { field: 'status', header: '状況', kind: 'status', width: 10, help: '完了／実施中／新規／休止／未着手 から選びます。' },
    { field: 'content', header: `${n}内容`, kind: 'text', width: 60, help: '' },
    { field: 'plan', header: '今年度の取組', kind: 'text', width: 60, help: '' },
    {
      field: 'prose',
      header: PROSE_HEADER,
      kind: 'text',
      width: 60,
      help: '印刷される実績のうち、値の行（「・項目 値単位 (目標)」など実績シートの行）を除いた文章。改行できます（Excel では Alt+Enter）。値の行は実績シートのとおりに印刷され、ここで書いた文章はその前後の元の位置に残ります。',
    },
  ];
  return columns.filter((c): c is SheetColumn<InitiativeField> => c !== null);
}

export function resultColumns(settings: Partial<SheetWords> = {}): SheetColumn<ResultField>[] {
  const w = words(settings);
  return [
    { field: 'key', header: keyHeader(w), key: true, kind: 'text', width: 12, help: `施策シートの${keyHeader(w)}。` },
    { field: 'number', header: '番号', reference: true, kind: 'text', width: 6, help: '参考（取り込みでは使いません）。' },
    {
      field: 'title',
      header: titleHeader(w),
      accepts: [`${w.initiativeName}名`, w.initiativeName],
      reference: true,
      kind: 'text',
      width: 36,
      help: `参考。${keyHeader(w)}が空の行だけ、この名前の${w.initiativeName}の実績として読みます（新しい${w.initiativeName}に実績を書くとき）。`,
    },
    { field: 'label', header: '項目', key: true, kind: 'text', width: 36, help: `実績の項目名。${keyHeader(w)}と項目で行を識別します。` },
    { field: 'actual', header: '実績値', kind: 'number', width: 12, help: '数値のみ（単位は単位列へ）。全角数字・桁区切りも読めます。' },
    { field: 'target', header: '目標値', kind: 'number', width: 12, help: '数値のみ。ない場合は空欄。' },
    { field: 'unit', header: '単位', kind: 'text', width: 8, help: '%、件、回 など。' },
    { field: 'note', header: '備考', kind: 'text', width: 30, help: '' },
  ];
}

export function kpiFixedColumns(settings: Partial<SheetWords> = {}): SheetColumn<KpiField>[] {
  const w = words(settings);
  return [
    { field: 'key', header: 'KPIキー', key: true, kind: 'text', width: 8, help: '変更しないでください。' },
    { field: 'name', header: '指標名', reference: true, kind: 'text', width: 44, help: '参考。' },
    { field: 'pillar', header: w.levels[0]!, reference: true, kind: 'text', width: 20, help: '参考。' },
    { field: 'unit', header: '単位', reference: true, kind: 'text', width: 8, help: '参考。' },
    { field: 'target', header: '目標値', kind: 'number', width: 12, help: '計画最終年度の目標値。' },
  ];
}

/** The sample's layout (the default words). */
export const INITIATIVE_COLUMNS: SheetColumn<InitiativeField>[] = initiativeColumns();
export const RESULT_COLUMNS: SheetColumn<ResultField>[] = resultColumns();
export const KPI_FIXED_COLUMNS: SheetColumn<KpiField>[] = kpiFixedColumns();

/**
 * Where each field's column is in a header row, found by heading (NFKC, surrounding blanks ignored):
 * its own heading first, then the other headings it accepts. A heading is one column only.
 */
export function columnsByHeading<F extends string>(header: readonly string[], columns: readonly SheetColumn<F>[]): Map<F, number> {
  const norm = header.map((h) => h.normalize('NFKC').trim());
  const out = new Map<F, number>();
  const used = new Set<number>();
  const take = (c: SheetColumn<F>, heading: string) => {
    if (out.has(c.field)) return;
    const k = norm.findIndex((h, k) => !used.has(k) && h === heading.normalize('NFKC').trim());
    if (k < 0) return;
    out.set(c.field, k);
    used.add(k);
  };
  for (const c of columns) take(c, c.header);
  for (const c of columns) for (const a of c.accepts ?? []) take(c, a);
  return out;
}

/** A cell of the 施策 sheet for one initiative, by the column's field. */
export function initiativeCell(data: EditionData, i: Initiative, field: InitiativeField): string | null {
  const pillar = data.pillars.find((p) => p.key === i.pillarKey);
  switch (field) {
    case 'key':
      return i.key;
    case 'number':
      return i.number ?? '新';
    case 'pillar':
      return pillar?.name ?? '';
    case 'subArea':
      return i.subAreaKey ? (data.pillars.flatMap((p) => p.subAreas).find((s) => s.key === i.subAreaKey)?.name ?? '') : '';
    case 'title':
      return i.title;
    case 'departments':
      return i.departments.join('、');
    case 'status':
      return statusLabel(i.status);
    case 'content':
      return i.content;
    case 'plan':
      return i.plan;
    case 'prose':
      return proseOf(i);
  }
}

/** A cell of the 実績 sheet for one result row, by the column's field (numbers as decimal strings). */
export function resultCell(i: Initiative, r: Initiative['results'][number], field: ResultField): string | null {
  switch (field) {
    case 'key':
      return i.key;
    case 'number':
      return i.number ?? '新';
    case 'title':
      return i.title;
    case 'label':
      return r.label;
    case 'actual':
      return r.actual;
    case 'target':
      return r.target;
    case 'unit':
      return r.unit;
    case 'note':
      return r.note;
  }
}

/** Header of a KPI actual column: "実績 2023年度". */
export function kpiYearHeader(fy: number): string {
  return `実績 ${fy}年度`;
}

export function parseKpiYearHeader(h: string): number | null {
  const m = /^実績\s*(\d{4})\s*年度$/.exec(h.normalize('NFKC').trim());
  return m ? Number(m[1]) : null;
}

export const STATUS_CHOICES: string[] = Object.values(STATUS_LABELS).map((l) => l[0]!);

export function statusFromLabel(label: string): Status | null {
  const t = label.normalize('NFKC').replace(/\s/g, '');
  for (const [s, labels] of Object.entries(STATUS_LABELS)) if (labels.includes(t)) return s as Status;
  return null;
}

// ---- which plan and year a workbook is for ------------------------------------------------------------

/** What a workbook says it is for, written on its 説明 sheet and checked when it is read back. */
export interface WorkbookIdentity {
  orgCode: string;
  orgName: string | null;
  planTitle: string | null;
  startFiscalYear: number | null;
  endFiscalYear: number | null;
  fiscalYear: number | null;
  /** The 説明 sheet's row that names the organization, for the message. */
  row: number;
}

/** The labels of the identity rows on the 説明 sheet (column A, the value in column B). */
export const IDENTITY_LABELS = { orgCode: '自治体コード', orgName: '自治体', plan: '計画', period: '計画期間', fiscalYear: '年度' } as const;

export interface IdentityTarget {
  organization: { code: string; name: string };
  plan: { title: string; startFiscalYear: number; endFiscalYear: number };
  fiscalYear: number;
}

/** The identity rows of a workbook for that plan and year, as the 説明 sheet shows them. */
export function identityRows(t: IdentityTarget): [string, string][] {
  return [
    [IDENTITY_LABELS.orgCode, t.organization.code],
    [IDENTITY_LABELS.orgName, t.organization.name],
    [IDENTITY_LABELS.plan, t.plan.title],
    [IDENTITY_LABELS.period, `${t.plan.startFiscalYear}〜${t.plan.endFiscalYear}年度`],
    [IDENTITY_LABELS.fiscalYear, `${t.fiscalYear}年度`],
  ];
}

/** Reads the identity rows back (label → text as the cell holds it); null when the workbook names no organization. */
export function parseIdentity(values: Map<string, { text: string; row: number }>): WorkbookIdentity | null {
  const code = values.get(IDENTITY_LABELS.orgCode);
  if (!code || !/^\d{6}$/.test(code.text.normalize('NFKC').trim())) return null;
  const period = /(\d{4})\D+(\d{4})/.exec(values.get(IDENTITY_LABELS.period)?.text.normalize('NFKC') ?? '');
  const fy = /(\d{4})/.exec(values.get(IDENTITY_LABELS.fiscalYear)?.text.normalize('NFKC') ?? '');
  return {
    orgCode: code.text.normalize('NFKC').trim(),
    orgName: values.get(IDENTITY_LABELS.orgName)?.text.trim() || null,
    planTitle: values.get(IDENTITY_LABELS.plan)?.text.trim() || null,
    startFiscalYear: period ? Number(period[1]) : null,
    endFiscalYear: period ? Number(period[2]) : null,
    fiscalYear: fy ? Number(fy[1]) : null,
    row: code.row,
  };
}

function describeTarget(x: { code: string; name: string | null; title: string | null; start: number | null; end: number | null; fy: number | null }): string {
  const period = x.start !== null && x.end !== null ? `（${x.start}〜${x.end}年度）` : '';
  const year = x.fy !== null ? ` ${fiscalYearLabel(x.fy)}版` : '';
  return `${x.name ?? ''}（${x.code}）「${x.title ?? '計画名なし'}」${period}${year}`;
}

/**
 * Null when the workbook is for this plan and year, else why not, naming both. The organization and the
 * year must be the same; the plan is another one only when neither its title nor its period is the same
 * (a plan renamed, or its period corrected, after the workbook was written is still that plan).
 */
export function identityMismatch(wb: WorkbookIdentity, t: IdentityTarget): string | null {
  const samePlan =
    wb.planTitle === null || wb.planTitle === t.plan.title || (wb.startFiscalYear === t.plan.startFiscalYear && wb.endFiscalYear === t.plan.endFiscalYear);
  const sameYear = wb.fiscalYear === null || wb.fiscalYear === t.fiscalYear;
  if (wb.orgCode === t.organization.code && samePlan && sameYear) return null;
  const what = wb.orgCode !== t.organization.code ? '別の自治体' : !samePlan ? '別の計画' : '別の年度';
  const theirs = describeTarget({
    code: wb.orgCode,
    name: wb.orgName,
    title: wb.planTitle,
    start: wb.startFiscalYear,
    end: wb.endFiscalYear,
    fy: wb.fiscalYear,
  });
  const ours = describeTarget({
    code: t.organization.code,
    name: t.organization.name,
    title: t.plan.title,
    start: t.plan.startFiscalYear,
    end: t.plan.endFiscalYear,
    fy: t.fiscalYear,
  });
  return `${what}のブックです。このブックは ${theirs} のもので、取り込み先は ${ours} です。取り込み先の版から書き出したブックを使ってください`;
}
