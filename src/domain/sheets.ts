// The spreadsheet layout staff fill in: which sheets, which columns, which are keys. One definition serves
// the export (xlsx and CSV), the blank template and the import, so what is written is exactly what is read
// back. Columns are named in the plan's own words (its levels and what it calls an initiative: 施策体系 /
// 分野 / 施策 in the sample, 取組の柱 / 取組項目 elsewhere) and follow the plan's shape: a column per
// grouping level, per section of the plan (typed: money, dates, choices …), the grade set by hand and a
// column per schedule period when the plan has them, and the 指標 and マイルストーン sheets when it declares
// indicators and milestones. A plan of the sample's shape gets exactly the sample's layout. The import finds
// columns by their headings, not by position.
import {
  BUILTIN_FIELD_KEYS,
  DEFAULT_PLAN_SETTINGS,
  planFields,
  STATUS_LABELS,
  statusLabel,
  type EditionData,
  type FieldDef,
  type Indicator,
  type Initiative,
  type Milestone,
  type PlanSettings,
  type Status,
} from './model.ts';
import { fiscalYearLabel } from './wareki.ts';
import { proseOf } from './results.ts';
import { fieldCellValue } from './field-values.ts';
import { gradeChoices } from './grades.ts';
import { groupPath } from './groups.ts';
import { targetKindLabel } from './indicator-text.ts';

/** The settings a layout is worded from: the plan's words, and its shape where it has one. */
export type SheetWords = Pick<PlanSettings, 'levels' | 'initiativeName' | 'departmentRequired'> &
  Partial<Pick<PlanSettings, 'fields' | 'indicatorKinds' | 'grades' | 'schedule'>>;

/** The plan's fiscal years, which the schedule and the indicators' yearly columns run over. */
export interface SheetPeriod {
  startFiscalYear: number;
  endFiscalYear: number;
}

/** The deeper grouping levels (a plan of three or four levels); `subArea` is the second. */
export type LevelField = 'pillar' | 'subArea' | 'level3' | 'level4';
export const LEVEL_FIELDS: readonly LevelField[] = ['pillar', 'subArea', 'level3', 'level4'];

export type InitiativeField =
  | 'key'
  | 'number'
  | LevelField
  | 'title'
  | 'departments'
  | 'status'
  | 'content'
  | 'plan'
  | 'prose'
  | 'grade'
  | 'gradeReason'
  /** One of the plan's own sections (a field key other than content and plan). */
  | `field:${string}`
  /** The phase in one schedule period ("2024", "2024Q1"). */
  | `schedule:${string}`;
export type ResultField = 'key' | 'number' | 'title' | 'label' | 'actual' | 'target' | 'unit' | 'note';
export type KpiField = 'key' | 'name' | 'pillar' | 'unit' | 'target';
export type IndicatorField =
  | 'key'
  | 'number'
  | 'title'
  | 'indicatorKey'
  | 'name'
  | 'kind'
  | 'unit'
  | 'direction'
  | 'targetKind'
  | 'qualitative'
  | 'baselineYear'
  | 'baselineValue'
  | 'targetYear'
  | 'targetValue'
  | `target:${number}`
  | `actual:${number}`;
export type MilestoneField = 'key' | 'title' | 'date' | 'label' | 'done';

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
  kind: 'text' | 'number' | 'status' | 'departments' | 'year' | 'choice';
  width: number;
  help: string;
  /** A closed set of values: the workbook offers them as a drop-down and refuses others. */
  choices?: string[];
  /** The section of the plan the column holds (its type says how a cell is read). */
  def?: FieldDef;
  /**
   * Columns of one series (schedule periods, an indicator's years): the 説明 sheet explains the series
   * once, on its first column.
   */
  series?: string;
}
export const INITIATIVE_SHEET = '施策';
export const RESULT_SHEET = '実績';
export const KPI_SHEET = 'KPI';
export const README_SHEET = '説明';
export const LIST_SHEET = 'リスト';
export const INDICATOR_SHEET = '指標';
export const MILESTONE_SHEET = 'マイルストーン';

/**
 * The heading of the prose of the printed 実績 text (its lines that are not a result's value line). The
 * value lines follow the 実績 sheet; the preview lists the whole printed text as 実績（本文）.
 */
export const PROSE_HEADER = '実績（文章）';

function words(w: Partial<SheetWords> = {}): SheetWords {
  const levels = w.levels?.length ? w.levels.slice(0, 4) : DEFAULT_PLAN_SETTINGS.levels;
  return {
    ...w,
    levels,
    initiativeName: w.initiativeName?.trim() || DEFAULT_PLAN_SETTINGS.initiativeName,
    departmentRequired: w.departmentRequired ?? DEFAULT_PLAN_SETTINGS.departmentRequired,
  };
}

/** The fiscal years of a plan, first to last. */
export function planYears(p: SheetPeriod): number[] {
  const out: number[] = [];
  for (let y = p.startFiscalYear; y <= p.endFiscalYear; y++) out.push(y);
  return out;
}

/** The periods of a plan's schedule with their column headings: 工程 2024年度, or 工程 2024年度 第1四半期 for quarters. */
export function schedulePeriodColumns(settings: Partial<SheetWords>, period: SheetPeriod): { id: string; header: string }[] {
  const unit = settings.schedule?.unit;
  if (!unit) return [];
  return planYears(period).flatMap((fy) =>
    unit === 'quarter'
      ? [1, 2, 3, 4].map((q) => ({ id: `${fy}Q${q}`, header: `工程 ${fy}年度 第${q}四半期` }))
      : [{ id: String(fy), header: `工程 ${fy}年度` }],
  );
}

export const YES_NO = ['はい', 'いいえ'];

/** What a cell of a section holds, in the 説明 sheet's words. */
function fieldHelp(def: FieldDef): string {
  switch (def.type) {
    case 'text':
      return BUILTIN_FIELD_KEYS.includes(def.key) ? '' : '文章。改行できます（Excel では Alt+Enter）。';
    case 'money':
      return '金額（数値のみ、単位は書きません）。桁区切り・全角数字、マイナスの「△」も読めます。';
    case 'number':
      return '数値のみ。桁区切り・全角数字も読めます。';
    case 'url':
      return 'http:// か https:// で始まるアドレス。';
    case 'date':
      return '日付（例: 2024-04-01、2024/4/1、令和6年4月1日）。';
    case 'select':
      return `${(def.options ?? []).join('／')} から選びます。`;
    case 'boolean':
      return '「はい」か「いいえ」を選びます。';
  }
}

const FIELD_WIDTH: Record<FieldDef['type'], number> = { text: 60, money: 14, number: 12, url: 36, date: 14, select: 18, boolean: 10 };

function fieldColumn(def: FieldDef): SheetColumn<InitiativeField> {
  const field: InitiativeField = def.key === 'content' || def.key === 'plan' ? def.key : `field:${def.key}`;
  const choices = def.type === 'select' ? [...(def.options ?? [])] : def.type === 'boolean' ? YES_NO : undefined;
  return {
    field,
    header: def.label,
    kind: choices ? 'choice' : def.type === 'money' || def.type === 'number' ? 'number' : 'text',
    width: FIELD_WIDTH[def.type],
    help: fieldHelp(def),
    ...(choices ? { choices } : {}),
    // The sample's two sections are plain text columns, as they always were.
    ...(field.startsWith('field:') || def.type !== 'text' ? { def } : {}),
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

export function initiativeColumns(settings: Partial<SheetWords> = {}, period?: SheetPeriod): SheetColumn<InitiativeField>[] {
  const w = words(settings);
  const n = w.initiativeName;
  const [pillar, sub] = w.levels as [string, string | undefined];
  const title = titleHeader(w);
  const deeper = w.levels.slice(2).map(
    (name, k): SheetColumn<InitiativeField> => ({
      field: LEVEL_FIELDS[k + 2]!,
      header: name,
      kind: 'text',
      width: 26,
      help: `${w.levels[k + 1]}の中の${name}の名前（ない場合は空欄で、${n}は${w.levels[k + 1]}の直下になります）。ない名前は${pillar}と同じく作成します。`,
    }),
  );
  const grades = w.grades ? gradeChoices({ ...DEFAULT_PLAN_SETTINGS, grades: w.grades }) : [];
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
    ...deeper,
    { field: 'title', header: title, accepts: [`${n}名`, n], kind: 'text', width: 40, help: `${n}の名前（必須）。` },
    {
      field: 'departments',
      header: '担当課所',
      kind: 'departments',
      width: 28,
      help: `複数の場合は「、」で区切ります。一覧から選ぶこともできます。${w.departmentRequired ? '' : '空欄でもかまいません。'}登録されていない課所は、作成することを確かめてから登録します。`,
    },
    { field: 'status', header: '状況', kind: 'status', width: 10, help: '完了／実施中／新規／休止／未着手 から選びます。' },
    ...planFields(w).map(fieldColumn),
    {
      field: 'prose',
      header: PROSE_HEADER,
      kind: 'text',
      width: 60,
      help: '印刷される実績のうち、値の行（「・項目 値単位 (目標)」など実績シートの行）を除いた文章。改行できます（Excel では Alt+Enter）。値の行は実績シートのとおりに印刷され、ここで書いた文章はその前後の元の位置に残ります。',
    },
    ...(w.grades
      ? [
          {
            field: 'grade' as const,
            header: GRADE_HEADER,
            kind: 'choice' as const,
            width: 8,
            choices: grades.map((g) => g.grade),
            help: `手で決める評価（${grades.map((g) => `${g.grade}: ${g.label}`).join('、')}）。空欄なら指標の進捗から計算した評価になります。`,
          },
          {
            field: 'gradeReason' as const,
            header: GRADE_REASON_HEADER,
            kind: 'text' as const,
            width: 40,
            help: `評価を手で決めた理由。${GRADE_HEADER}が空欄の行には書けません。`,
          },
        ]
      : []),
    ...(w.schedule && period
      ? schedulePeriodColumns(w, period).map(
          (p): SheetColumn<InitiativeField> => ({
            field: `schedule:${p.id}`,
            header: p.header,
            accepts: [p.header.replace(/\s+/g, '')],
            kind: 'choice',
            width: 10,
            choices: [...w.schedule!.phases],
            series: 'schedule',
            help: `その期間の工程（${w.schedule!.phases.join('／')}）を選びます。空欄はその期間に工程がないことを表します。`,
          }),
        )
      : []),
  ];
  return columns.filter((c): c is SheetColumn<InitiativeField> => c !== null);
}

export const GRADE_HEADER = '評価';
export const GRADE_REASON_HEADER = '評価の理由';

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
      // The sample's rule, kept: a sub-area of any pillar is named (a plan of two levels has no parents).
      if (!i.subAreaKey) return '';
      if (data.plan.settings.levels.length <= 2) return data.pillars.flatMap((p) => p.subAreas).find((s) => s.key === i.subAreaKey)?.name ?? '';
      return groupPath(data.pillars, i.pillarKey, i.subAreaKey)[1]?.name ?? '';
    case 'level3':
    case 'level4':
      return groupPath(data.pillars, i.pillarKey, i.subAreaKey)[field === 'level3' ? 2 : 3]?.name ?? '';
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
    case 'grade':
      return i.grade?.grade ?? null;
    case 'gradeReason':
      return i.grade?.reason || null;
  }
  if (field.startsWith('field:')) {
    const key = field.slice('field:'.length);
    const def = planFields(data.plan.settings).find((f) => f.key === key);
    const value = i.fields?.[key];
    return def ? fieldCellValue(def, value) : typeof value === 'boolean' ? (value ? 'はい' : 'いいえ') : (value ?? null);
  }
  const period = field.slice('schedule:'.length);
  return i.schedule?.find((c) => c.period === period)?.phase ?? null;
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

// ---- the 指標 and マイルストーン sheets -------------------------------------------------------------

export const DIRECTION_LABELS = { higher: '高いほど良い', lower: '低いほど良い' } as const;
/** The kinds of target, as the 目標の種類 column names them (indicator-text.ts targetKindLabel). */
export const TARGET_KINDS = ['数値', '年間', '累計', '定性'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];
/** What a qualitative indicator's 実績 cell says: achieved, or not. */
export const ACHIEVED_LABELS = { yes: '達成', no: '未達成' } as const;

export function indicatorYearHeader(fy: number, what: 'target' | 'actual'): string {
  return `${fy}年度${what === 'target' ? '目標' : '実績'}`;
}

/** 2024年度目標 / 2024年度実績 read back (blanks and full-width digits allowed); null for any other heading. */
export function parseIndicatorYearHeader(h: string): { fy: number; what: 'target' | 'actual' } | null {
  const m = /^(\d{4})年度(目標|実績)$/.exec(h.normalize('NFKC').replace(/\s/g, ''));
  return m ? { fy: Number(m[1]), what: m[2] === '目標' ? 'target' : 'actual' } : null;
}

/** Whether a plan's workbook has a 指標 sheet (it declares indicator kinds, even none). */
export function hasIndicatorSheet(settings: Partial<SheetWords>): boolean {
  return settings.indicatorKinds !== undefined;
}

export function hasMilestoneSheet(settings: Partial<SheetWords>): boolean {
  return settings.schedule?.milestones === true;
}

export function indicatorColumns(settings: Partial<SheetWords>, period: SheetPeriod): SheetColumn<IndicatorField>[] {
  const w = words(settings);
  const n = w.initiativeName;
  const kinds = w.indicatorKinds ?? [];
  const columns: (SheetColumn<IndicatorField> | null)[] = [
    {
      field: 'key',
      header: keyHeader(w),
      key: true,
      kind: 'text',
      width: 12,
      help: `施策シートの${keyHeader(w)}。新しい${n}の指標は空欄にして、${titleHeader(w)}を書きます。`,
    },
    { field: 'number', header: '番号', reference: true, kind: 'text', width: 6, help: '参考（取り込みでは使いません）。' },
    {
      field: 'title',
      header: titleHeader(w),
      accepts: [`${n}名`, n],
      reference: true,
      kind: 'text',
      width: 36,
      help: `参考。${keyHeader(w)}が空の行だけ、この名前の${n}の指標として読みます。`,
    },
    {
      field: 'indicatorKey',
      header: '指標キー',
      key: true,
      kind: 'text',
      width: 10,
      help: `${n}の中で指標を識別するキー。変更しないでください。新しい指標は空欄にします（キーは取り込み時に付きます）。`,
    },
    { field: 'name', header: '指標名', kind: 'text', width: 36, help: '指標の名前（必須）。' },
    kinds.length
      ? { field: 'kind', header: '種類', kind: 'choice', width: 12, choices: [...kinds], help: `${kinds.join('／')} から選びます（空欄も可）。` }
      : null,
    { field: 'unit', header: '単位', kind: 'text', width: 8, help: '%、件、人 など。' },
    {
      field: 'direction',
      header: '方向',
      kind: 'choice',
      width: 12,
      choices: Object.values(DIRECTION_LABELS),
      help: `${DIRECTION_LABELS.higher}（空欄も同じ）か、${DIRECTION_LABELS.lower}（待ち時間、件数を減らす指標など）。`,
    },
    {
      field: 'targetKind',
      header: '目標の種類',
      kind: 'choice',
      width: 10,
      choices: [...TARGET_KINDS],
      help: '数値（最終目標の値）／年間（毎年の値、各年度の目標は単独で読みます）／累計（基準年度からの累計）／定性（言葉で書く目標、定性目標の列へ）。空欄は数値です。',
    },
    {
      field: 'qualitative',
      header: '定性目標',
      kind: 'text',
      width: 30,
      help: `目標の種類が「定性」の指標の目標（例: 行動規範の制定）。各年度の実績の列には「${ACHIEVED_LABELS.yes}」か「${ACHIEVED_LABELS.no}」を書きます（空欄は未判定）。`,
    },
    { field: 'baselineYear', header: '基準年度', kind: 'year', width: 8, help: '基準値の年度（西暦、例: 2022）。基準値と一緒に書きます。' },
    { field: 'baselineValue', header: '基準値', kind: 'number', width: 10, help: '基準年度の値（数値のみ）。' },
    { field: 'targetYear', header: '目標年度', kind: 'year', width: 8, help: '最終目標の年度（計画期間の中の年度）。目標値と一緒に書きます。' },
    { field: 'targetValue', header: '目標値', kind: 'number', width: 10, help: '最終目標の値（数値のみ）。' },
    ...planYears(period).flatMap((fy): SheetColumn<IndicatorField>[] => [
      {
        field: `target:${fy}`,
        header: indicatorYearHeader(fy, 'target'),
        kind: 'number',
        width: 10,
        series: 'indicator-target',
        help: 'その年度の目標値（数値のみ、空欄可）。',
      },
      {
        field: `actual:${fy}`,
        header: indicatorYearHeader(fy, 'actual'),
        kind: 'number',
        width: 10,
        series: 'indicator-actual',
        help: `その年度の実績値（数値のみ）。定性目標の指標は「${ACHIEVED_LABELS.yes}」か「${ACHIEVED_LABELS.no}」。`,
      },
    ]),
  ];
  return columns.filter((c): c is SheetColumn<IndicatorField> => c !== null);
}

/** The 目標の種類 of an indicator (定性 / 年間 / 累計 / 数値). */
export function targetKindOf(ind: Indicator): TargetKind {
  return targetKindLabel(ind) as TargetKind;
}

/** A cell of the 指標 sheet for one indicator, by the column's field (numbers and years as decimal strings). */
export function indicatorCell(i: Initiative, ind: Indicator, field: IndicatorField): string | null {
  switch (field) {
    case 'key':
      return i.key;
    case 'number':
      return i.number ?? '新';
    case 'title':
      return i.title;
    case 'indicatorKey':
      return ind.key;
    case 'name':
      return ind.name;
    case 'kind':
      return ind.kind;
    case 'unit':
      return ind.unit;
    case 'direction':
      return DIRECTION_LABELS[ind.direction];
    case 'targetKind':
      return targetKindOf(ind);
    case 'qualitative':
      return ind.qualitative;
    case 'baselineYear':
      return ind.baseline ? String(ind.baseline.fiscalYear) : null;
    case 'baselineValue':
      return ind.baseline?.value ?? null;
    case 'targetYear':
      return ind.target ? String(ind.target.fiscalYear) : null;
    case 'targetValue':
      return ind.target?.value ?? null;
  }
  const [what, fy] = field.split(':') as ['target' | 'actual', string];
  const v = ind.values.find((x) => x.fiscalYear === Number(fy));
  if (!v) return null;
  if (what === 'target') return v.target;
  if (ind.qualitative !== null) return v.achieved === null ? null : v.achieved ? ACHIEVED_LABELS.yes : ACHIEVED_LABELS.no;
  return v.actual;
}

export function milestoneColumns(settings: Partial<SheetWords> = {}): SheetColumn<MilestoneField>[] {
  const w = words(settings);
  const n = w.initiativeName;
  return [
    {
      field: 'key',
      header: keyHeader(w),
      key: true,
      kind: 'text',
      width: 12,
      help: `施策シートの${keyHeader(w)}。新しい${n}は空欄にして、${titleHeader(w)}を書きます。`,
    },
    {
      field: 'title',
      header: titleHeader(w),
      accepts: [`${n}名`, n],
      reference: true,
      kind: 'text',
      width: 36,
      help: `参考。${keyHeader(w)}が空の行だけ、この名前の${n}のマイルストーンとして読みます。`,
    },
    { field: 'date', header: '日付', kind: 'text', width: 12, help: '予定日（YYYY-MM-DD）、または月だけ決まっていれば YYYY-MM（例: 2024-10）。' },
    { field: 'label', header: '内容', kind: 'text', width: 40, help: 'マイルストーンの内容（必須）。' },
    { field: 'done', header: '完了', kind: 'choice', width: 8, choices: YES_NO, help: '済んだものは「はい」（空欄は「いいえ」）。' },
  ];
}

export function milestoneCell(i: Initiative, m: Milestone, field: MilestoneField): string | null {
  switch (field) {
    case 'key':
      return i.key;
    case 'title':
      return i.title;
    case 'date':
      return m.date;
    case 'label':
      return m.label;
    case 'done':
      return m.done ? 'はい' : 'いいえ';
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
