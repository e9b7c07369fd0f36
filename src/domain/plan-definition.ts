// The plan definition: what a municipality writes down to start a plan (plan.yaml or plan.json, and the
// browser's new-plan form) — its organization, title, period in fiscal years, the names of its one to four
// grouping levels and of one initiative, the progress rule, whether a department is required, and the
// plan's shape: the sections an initiative holds (`fields`), the kinds of its indicators, the grade scale
// and the schedule. One zod schema checks every path, so the file, the form and the JSON Schema
// (docs/plan-definition.schema.json, kept in agreement by test/domain/plan-definition.test.ts) accept the
// same plans; what a JSON Schema cannot say (a key twice, grades out of order) is checked by ruleIssues and
// named in the schema's description. Errors are Japanese, with the line of the file they are about. A key
// this version does not know is refused, so a typo is caught rather than ignored. Every shape key is
// optional and, when absent, leaves the settings without it: a plan of the sample's shape is stored as
// before the shape existed. definition-yaml.ts writes a stored plan back as such a file.
import { Decimal } from 'decimal.js';
import { z } from 'zod';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { validateOrgCode } from './org-code.ts';
import { optionForm } from './field-values.ts';
import { FIELD_TYPES, ON_TRACK_CURVES, PROGRESS_METHODS, SCHEDULE_UNITS } from './enums.ts';
import {
  BUILTIN_FIELD_KEYS,
  DEFAULT_FIELDS,
  DEFAULT_PLAN_SETTINGS,
  type FieldDef,
  type GradeScale,
  type Organization,
  type PlanSettings,
  type ProgressRule,
  type ScheduleDef,
} from './model.ts';
import { keyHeader, titleHeader } from './sheets.ts';

/** Grouping levels above an initiative: the pillar, then up to three levels of sub-areas inside it. */
export const MAX_LEVELS = 4;
export const MIN_FISCAL_YEAR = 2000;
export const MAX_FISCAL_YEAR = 2100;
/** A definition is a few lines; anything this large is not one. */
export const MAX_DEFINITION_BYTES = 256 * 1024;
/** Sections of one initiative; a workbook row has a column for each. */
export const MAX_FIELDS = 30;
/** Choices of one select field (a drop-down in the workbook). */
export const MAX_OPTIONS = 50;
export const MAX_INDICATOR_KINDS = 10;
export const MAX_GRADES = 10;
export const MAX_PHASES = 12;
/** A field's key: stored in every initiative's values, so ASCII and short. */
export const FIELD_KEY = /^[a-z][a-z0-9_]{0,31}$/;
/** Column headings of the initiative sheet that a section's label may not take (besides the level names and the initiative's name, key and title headings). */
export const FIXED_COLUMNS: readonly string[] = ['番号', '状況', '担当課所', '備考', '評価', '評価の理由', '実績（文章）'];

export interface PlanDefinition {
  organization: Organization;
  title: string;
  /** First and last fiscal year, both included. */
  period: { from: number; to: number };
  /** Names of the grouping levels above an initiative, outermost first. */
  levels: string[];
  /** What one initiative is called in this plan. */
  initiative: string;
  /** The year whose empty draft edition is created with the plan, or null for none. */
  firstEdition: number | null;
  progress: ProgressRule;
  departmentRequired: boolean;
  // The plan's shape: each absent when the file leaves it out (PlanSettings of the same names).
  fields?: FieldDef[];
  indicatorKinds?: string[];
  grades?: GradeScale;
  schedule?: ScheduleDef;
}

/** What each key is, in the words of the error messages ("title（計画の題名）がありません"). */
export const DEFINITION_KEYS: Record<string, string> = {
  organization: '自治体',
  'organization.code': '全国地方公共団体コード',
  'organization.name': '自治体名',
  title: '計画の題名',
  period: '計画期間',
  'period.from': '計画期間の最初の年度',
  'period.to': '計画期間の最後の年度',
  levels: '施策の上の階層の名前',
  initiative: '施策の呼び名',
  firstEdition: '最初に作る年度版',
  progress: '進捗率の計算規則',
  'progress.method': '進捗の測り方',
  'progress.curve': '目標までの道筋',
  'progress.rounding': '端数の扱い',
  'progress.decimals': '小数点以下の桁数',
  'progress.cap': '100%を上限とするか',
  'progress.bands': '評価の段階',
  'progress.bands.grade': '評価',
  'progress.bands.min': '下限の進捗率',
  departmentRequired: '担当課所を必須にするか',
  fields: '施策の記入項目',
  'fields.key': '記入項目のキー',
  'fields.label': '記入項目の見出し',
  'fields.type': '記入項目の種類',
  'fields.options': '選択肢',
  indicators: '指標',
  'indicators.kinds': '指標の種類',
  grades: '評価の基準',
  'grades.scale': '評価の段階',
  'grades.scale.grade': '評価',
  'grades.scale.label': '評価の意味',
  'grades.scale.min': '下限の進捗率',
  'grades.unrated': '評価できないときの評価',
  'grades.unrated.grade': '評価',
  'grades.unrated.label': '評価の意味',
  'grades.publish': '評価を公開するか',
  schedule: 'スケジュール',
  'schedule.unit': 'スケジュールの単位',
  'schedule.phases': 'スケジュールの段階',
  'schedule.milestones': 'マイルストーンを使うか',
};

// ---- the schema ----------------------------------------------------------------------------------

/** One line with something in it: names are printed in headings and table cells. */
const ONE_LINE = /^[^\n\r]*\S[^\n\r]*$/;

const name = (max: number) => z.string().max(max).regex(ONE_LINE);
const fiscalYear = z.number().int().min(MIN_FISCAL_YEAR).max(MAX_FISCAL_YEAR);
const grade = z.string().min(1).max(8).regex(ONE_LINE);
/** A progress rate in percent. */
const rate = z.number().min(0).max(10000);

const bandSchema = z.strictObject({ grade, min: rate });

const progressSchema = z.strictObject({
  method: z.enum(PROGRESS_METHODS).optional(),
  curve: z.enum(ON_TRACK_CURVES).optional(),
  rounding: z.enum(['truncate', 'half-up']).optional(),
  decimals: z.number().int().min(0).max(4).optional(),
  cap: z.boolean().optional(),
  bands: z.array(bandSchema).min(1).max(10).optional(),
});

const fieldSchema = z.strictObject({
  key: z.string().regex(FIELD_KEY),
  label: name(40),
  type: z.enum(FIELD_TYPES),
  options: z.array(name(60)).min(1).max(MAX_OPTIONS).optional(),
});

const gradesSchema = z.strictObject({
  scale: z
    .array(z.strictObject({ grade, label: name(60), min: rate }))
    .min(1)
    .max(MAX_GRADES),
  unrated: z.strictObject({ grade, label: name(60) }),
  publish: z.boolean().optional(),
});

const scheduleSchema = z.strictObject({
  unit: z.enum(SCHEDULE_UNITS),
  phases: z.array(name(20)).min(1).max(MAX_PHASES),
  milestones: z.boolean().optional(),
});

const definitionSchema = z.strictObject({
  /** Where an editor finds the JSON Schema; not part of the plan. */
  $schema: z.string().optional(),
  organization: z.strictObject({
    code: z.string().regex(/^\d{6}$/),
    name: name(100),
  }),
  title: name(200),
  period: z.strictObject({ from: fiscalYear, to: fiscalYear }),
  levels: z
    .array(name(30))
    .min(1, { error: 'levels には施策の上の階層の名前を1つ以上書きます（例: [取組の柱]）' })
    .max(MAX_LEVELS, { error: `levels に書ける階層は${MAX_LEVELS}つまでです（例: [基本目標, 取組分野, 取組事項]）` }),
  initiative: name(30),
  firstEdition: fiscalYear.optional(),
  progress: progressSchema.optional(),
  departmentRequired: z.boolean().optional(),
  fields: z.array(fieldSchema).max(MAX_FIELDS).optional(),
  indicators: z.strictObject({ kinds: z.array(name(30)).max(MAX_INDICATOR_KINDS) }).optional(),
  grades: gradesSchema.optional(),
  schedule: scheduleSchema.optional(),
});

/** A definition as a file holds it (what `checkPlanDefinition` reads and definition-yaml.ts writes). */
export type DefinitionInput = z.input<typeof definitionSchema>;

const isYear = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const field = (v: unknown, k: string): unknown => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>)[k] : undefined);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const trimmed = (v: unknown): string | null => (typeof v === 'string' ? v.trim() : null);

/** An issue for each entry of `items` whose `form` came earlier in the list. */
function duplicates(items: unknown[], form: (v: unknown) => string | null, issue: (k: number, shown: string) => { path: Path; message: string }) {
  const seen = new Set<string>();
  const out: { path: Path; message: string }[] = [];
  items.forEach((v, k) => {
    const f = form(v);
    if (f === null || f === '') return;
    if (seen.has(f)) out.push(issue(k, trimmed(v) ?? f));
    seen.add(f);
  });
  return out;
}

/**
 * The rules beyond the shape, which the JSON Schema cannot say (its description lists them). Each is
 * checked whenever the values it compares are there with the right types, so a file with a typo elsewhere
 * still hears about its reversed period.
 */
function ruleIssues(d: unknown): { path: Path; message: string }[] {
  const out: { path: Path; message: string }[] = [];
  const code = field(field(d, 'organization'), 'code');
  if (typeof code === 'string' && /^\d{6}$/.test(code)) {
    const check = validateOrgCode(code);
    if (!check.ok) out.push({ path: ['organization', 'code'], message: check.reason });
  }
  const from = field(field(d, 'period'), 'from');
  const to = field(field(d, 'period'), 'to');
  if (isYear(from) && isYear(to) && to < from) out.push({ path: ['period', 'to'], message: 'period.to は period.from 以上の年度です' });
  const first = field(d, 'firstEdition');
  if (isYear(first) && isYear(from) && isYear(to) && to >= from && (first < from || first > to))
    out.push({ path: ['firstEdition'], message: `firstEdition（${first}年度）は計画期間（${from}〜${to}年度）の中の年度です` });
  const levels = field(d, 'levels');
  const names = Array.isArray(levels) ? levels.filter((l): l is string => typeof l === 'string').map((l) => l.trim()) : [];
  names.forEach((l, k) => {
    if (names.indexOf(l) !== k) out.push({ path: ['levels', k], message: `levels に同じ名前「${l}」が2回あります` });
  });
  const initiative = trimmed(field(d, 'initiative'));
  if (initiative && names.includes(initiative))
    out.push({ path: ['initiative'], message: `initiative「${initiative}」が levels の名前と同じです。別の呼び名にしてください` });
  const progress = field(d, 'progress');
  const bands = field(progress, 'bands');
  if (Array.isArray(bands)) out.push(...descending(bands, ['progress', 'bands']));
  out.push(...fieldIssues(field(d, 'fields'), names, initiative));
  const kinds = field(field(d, 'indicators'), 'kinds');
  out.push(...duplicates(list(kinds), trimmed, (k, s) => ({ path: ['indicators', 'kinds', k], message: `indicators.kinds に同じ種類「${s}」が2回あります` })));
  const grades = field(d, 'grades');
  const scale = field(grades, 'scale');
  if (Array.isArray(scale)) {
    out.push(...descending(scale, ['grades', 'scale']));
    const unrated = trimmed(field(field(grades, 'unrated'), 'grade'));
    if (unrated && scale.some((s) => trimmed(field(s, 'grade')) === unrated))
      out.push({
        path: ['grades', 'unrated', 'grade'],
        message: `grades.unrated.grade「${unrated}」が grades.scale の評価と同じです。評価できないときの評価は別の記号にしてください`,
      });
  }
  const phases = field(field(d, 'schedule'), 'phases');
  out.push(...duplicates(list(phases), trimmed, (k, s) => ({ path: ['schedule', 'phases', k], message: `schedule.phases に同じ段階「${s}」が2回あります` })));
  return out;
}

/** Bands and grade scales are tried from the first to the last: a step below a lower one could never be given. */
function descending(steps: unknown[], at: Path): { path: Path; message: string }[] {
  const out: { path: Path; message: string }[] = [];
  const where = pathText(at);
  steps.forEach((b, k) => {
    const [grade, min] = [field(b, 'grade'), field(b, 'min')];
    const prev = steps[k - 1];
    const [prevGrade, prevMin] = [field(prev, 'grade'), field(prev, 'min')];
    if (typeof min === 'number' && typeof prevMin === 'number' && min >= prevMin)
      out.push({
        path: [...at, k, 'min'],
        message: `${where} は下限の高い順に並べます（${k + 1}番目の ${String(grade)} ${min} が ${k}番目の ${String(prevGrade)} ${prevMin} 以上です）`,
      });
    const g = trimmed(grade);
    if (g && steps.findIndex((x) => trimmed(field(x, 'grade')) === g) !== k)
      out.push({ path: [...at, k, 'grade'], message: `${where} に同じ評価「${g}」が2回あります` });
  });
  return out;
}

/** The rules of `fields`: keys and labels once each, no label of a fixed column, built-in sections as text, options where they belong. */
function fieldIssues(fields: unknown, levels: string[], initiative: string | null): { path: Path; message: string }[] {
  const items = list(fields);
  const out: { path: Path; message: string }[] = [];
  out.push(
    ...duplicates(
      items.map((f) => field(f, 'key')),
      (v) => (typeof v === 'string' ? v : null),
      (k, s) => ({ path: ['fields', k, 'key'], message: `fields に同じキー「${s}」が2回あります` }),
    ),
    ...duplicates(
      items.map((f) => field(f, 'label')),
      trimmed,
      (k, s) => ({ path: ['fields', k, 'label'], message: `fields に同じ見出し「${s}」が2回あります` }),
    ),
  );
  const fixed = new Map<string, string>(FIXED_COLUMNS.map((c) => [c, `決まった列「${c}」`]));
  for (const l of levels) fixed.set(l, `階層の名前「${l}」`);
  if (initiative) {
    const words = { initiativeName: initiative };
    for (const h of [initiative, titleHeader(words), keyHeader(words)]) fixed.set(h, `${initiative}の列「${h}」`);
  }
  items.forEach((f, k) => {
    const [key, type, options] = [field(f, 'key'), field(f, 'type'), field(f, 'options')];
    const label = trimmed(field(f, 'label'));
    const named = label ? `（${label}）` : '';
    if (label && fixed.has(label))
      out.push({ path: ['fields', k, 'label'], message: `fields[${k}].label「${label}」は${fixed.get(label)}と同じです。別の見出しにしてください` });
    if (typeof key === 'string' && BUILTIN_FIELD_KEYS.includes(key) && typeof type === 'string' && type !== 'text') {
      const builtin = DEFAULT_FIELDS.find((x) => x.key === key)?.label ?? key;
      out.push({
        path: ['fields', k, 'type'],
        message: `fields[${k}] のキー ${key} は組み込みの項目（${builtin}）なので、type は text だけです（今は ${type}）`,
      });
    }
    if (type === 'select' && options === undefined)
      out.push({ path: ['fields', k], message: `fields[${k}]${named}は type: select なので、options に選択肢を書きます（例: options: [全庁, 窓口]）` });
    if (typeof type === 'string' && type !== 'select' && options !== undefined)
      out.push({ path: ['fields', k, 'options'], message: `fields[${k}].options は type: select の項目にだけ書けます（この項目は ${type}）` });
    out.push(
      ...duplicates(
        list(options),
        (v) => (typeof v === 'string' ? optionForm(v) : null),
        (j, s) => ({
          path: ['fields', k, 'options', j],
          message: `fields[${k}].options に同じ選択肢「${s}」が2回あります`,
        }),
      ),
    );
  });
  return out;
}

// ---- messages ----------------------------------------------------------------------------------------

type Path = (string | number)[];

/** "progress.bands[1].min" */
export function pathText(path: readonly PropertyKey[]): string {
  return path.map((p, k) => (typeof p === 'number' ? `[${p}]` : `${k ? '.' : ''}${String(p)}`)).join('');
}

function keyOf(path: readonly PropertyKey[]): string {
  return path.filter((p) => typeof p === 'string').join('.');
}

function shown(v: unknown): string {
  const s = typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v));
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

const TYPES: Record<string, string> = {
  string: '文字列',
  number: '数',
  int: '整数',
  boolean: '「true」か「false」',
  object: '項目の集まり（「名前: 値」の並び）',
  array: '一覧（[a, b] か「- a」の並び）',
};

const YEAR_KEYS = new Set(['period.from', 'period.to', 'firstEdition']);

/** A shape issue in Japanese; the schema's own messages (levels) come already written. */
function describe(issue: z.core.$ZodRawIssue): string | undefined {
  const path = (issue.path ?? []) as Path;
  const at = pathText(path);
  const key = keyOf(path);
  const what = DEFINITION_KEYS[key];
  switch (issue.code) {
    case 'invalid_type': {
      if (path.length === 0) return 'ファイルの中身が計画の定義ではありません（organization、title、period などの項目を「名前: 値」で書きます）';
      if (issue.input === undefined) return `${at}${what ? `（${what}）` : ''}がありません`;
      if (key === 'organization.code' && typeof issue.input === 'number')
        return 'organization.code は引用符で囲んだ6桁の文字列で書いてください（例: code: "082023"。引用符がないと先頭の0が消えます）';
      if (typeof issue.input === 'string' && (issue.expected === 'number' || issue.expected === 'int'))
        return `${at} は引用符を付けずに数で書いてください（今は文字列「${shown(issue.input)}」）`;
      if (YEAR_KEYS.has(key)) return `${at} は西暦の年度（例: 2024）で書いてください（今は「${shown(issue.input)}」）`;
      return `${at} は${TYPES[String(issue.expected)] ?? String(issue.expected)}で書いてください（今は「${shown(issue.input)}」）`;
    }
    case 'invalid_value':
      return `${at} は ${issue.values.map((v) => String(v)).join(' か ')} です（今は「${shown(issue.input)}」）`;
    case 'too_small':
    case 'too_big': {
      const small = issue.code === 'too_small';
      const bound = Number(small ? (issue as { minimum: number | bigint }).minimum : (issue as { maximum: number | bigint }).maximum);
      if (YEAR_KEYS.has(key)) return `${at} は${MIN_FISCAL_YEAR}〜${MAX_FISCAL_YEAR}年度の間で書いてください（今は「${shown(issue.input)}」）`;
      if (issue.origin === 'string') return small ? `${at}${what ? `（${what}）` : ''}が空です` : `${at} は${bound}文字までです`;
      if (issue.origin === 'array') return small ? `${at} には1つ以上書きます` : `${at} に書けるのは${bound}個までです`;
      return `${at} は${bound}${small ? '以上' : '以下'}です（今は「${shown(issue.input)}」）`;
    }
    case 'invalid_format':
      if (key === 'organization.code') return `organization.code は6桁の数字です（今は「${shown(issue.input)}」）`;
      if (key === 'fields.key')
        return `${at} は英小文字で始まる32文字までの英小文字・数字・「_」で書きます（例: budget、target_year。今は「${shown(issue.input)}」）`;
      return typeof issue.input === 'string' && /[\n\r]/.test(issue.input) ? `${at} は1行で書いてください` : `${at}${what ? `（${what}）` : ''}が空です`;
    default:
      return undefined;
  }
}

/** The allowed key a mistyped one was probably meant to be (at most two edits away). */
function nearest(typed: string, allowed: string[]): string | null {
  const distance = (a: string, b: string) => {
    const row = Array.from({ length: b.length + 1 }, (_, k) => k);
    for (let i = 1; i <= a.length; i++) {
      let prev = row[0]!;
      row[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const cur = row[j]!;
        row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
        prev = cur;
      }
    }
    return row[b.length]!;
  };
  const best = allowed.map((k) => [k, distance(typed, k)] as const).sort((x, y) => x[1] - y[1])[0];
  return best && best[1] <= 2 ? best[0] : null;
}

/** The keys an object at `path` may have, for the message about a key it may not. */
function allowedKeys(path: Path): string[] {
  const key = keyOf(path);
  const prefix = key ? `${key}.` : '';
  const keys = Object.keys(DEFINITION_KEYS)
    .filter((k) => k.startsWith(prefix) && !k.slice(prefix.length).includes('.'))
    .map((k) => k.slice(prefix.length));
  return key === '' ? keys : keys.filter(Boolean);
}

// ---- checking ------------------------------------------------------------------------------------------

export interface DefinitionError {
  /** Where in the file (1-based), when the error is about one place of a file. */
  line: number | null;
  /** The key the error is about ("period.to", "levels[2]"); '' for the whole definition. */
  path: string;
  message: string;
}

export type DefinitionCheck =
  | {
      ok: true;
      definition: PlanDefinition;
      /** The line of a key of the file ("organization.name", "period"), for a refusal found later (an overlapping plan). */
      lineOf: (path: string) => number | null;
    }
  | { ok: false; errors: DefinitionError[] };

/** Where a key of the value is in its file; without a file, nowhere. */
type Locate = (path: Path, unknownKey?: string) => number | null;

/** Checks a definition already read (the browser form builds one); every error, not only the first. */
export function checkPlanDefinition(value: unknown, locate: Locate = () => null): DefinitionCheck {
  const r = definitionSchema.safeParse(value, { error: (issue) => describe(issue) });
  const rules = ruleIssues(value);
  if (r.success && rules.length === 0)
    return {
      ok: true,
      definition: completed(r.data),
      lineOf: (path) =>
        locate(
          path
            .split(/[.[\]]+/)
            .filter(Boolean)
            .map((p) => (/^\d+$/.test(p) ? Number(p) : p)),
        ),
    };
  const errors: DefinitionError[] = rules.map((x) => ({ line: locate(x.path), path: pathText(x.path), message: x.message }));
  const issues = r.success ? [] : r.error.issues;
  // A value of the wrong type is that and nothing more (zod also measures a string's length against a list's bounds).
  const mistyped = new Set(issues.filter((i) => i.code === 'invalid_type').map((i) => pathText(i.path)));
  for (const issue of issues) {
    const path = issue.path as Path;
    if (issue.code !== 'invalid_type' && mistyped.has(pathText(path))) continue;
    if (issue.code === 'unrecognized_keys') {
      const allowed = allowedKeys(path);
      for (const k of issue.keys) {
        const guess = nearest(k, allowed);
        const where = path.length ? `${pathText(path)} に` : '';
        errors.push({
          line: locate(path, k),
          path: pathText([...path, k]),
          message: `${where}知らない項目「${k}」があります${guess ? `（${guess} の書き間違いですか）` : ''}。書ける項目: ${allowed.filter((a) => !a.startsWith('$')).join('、')}`,
        });
      }
      continue;
    }
    errors.push({ line: locate(path), path: pathText(path), message: issue.message });
  }
  errors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return { ok: false, errors };
}

/** A rate as the file writes it (a number) stored as a decimal string: 87.5 → "87.5", never "8.75e+1". */
const rateText = (n: number): string => new Decimal(n).toFixed();

/** The definition with every optional part filled in from the defaults; shape parts only where the file has them. */
function completed(d: z.output<typeof definitionSchema>): PlanDefinition {
  const p = DEFAULT_PLAN_SETTINGS.progress;
  const out: PlanDefinition = {
    organization: { code: d.organization.code, name: d.organization.name.trim() },
    title: d.title.trim(),
    period: d.period,
    levels: d.levels.map((l) => l.trim()),
    initiative: d.initiative.trim(),
    firstEdition: d.firstEdition ?? null,
    progress: {
      // Absent method and curve stay absent: the sample's settings have neither.
      ...(d.progress?.method ? { method: d.progress.method } : {}),
      ...(d.progress?.curve ? { curve: d.progress.curve } : {}),
      rounding: d.progress?.rounding ?? p.rounding,
      decimals: d.progress?.decimals ?? p.decimals,
      cap: d.progress?.cap ?? p.cap,
      bands: d.progress?.bands?.map((b) => ({ grade: b.grade.trim(), min: rateText(b.min) })) ?? structuredClone(p.bands),
    },
    departmentRequired: d.departmentRequired ?? true,
  };
  if (d.fields)
    out.fields = d.fields.map((f) => ({ key: f.key, label: f.label.trim(), type: f.type, ...(f.options ? { options: f.options.map((o) => o.trim()) } : {}) }));
  if (d.indicators) out.indicatorKinds = d.indicators.kinds.map((k) => k.trim());
  if (d.grades)
    out.grades = {
      scale: d.grades.scale.map((s) => ({ grade: s.grade.trim(), label: s.label.trim(), min: rateText(s.min) })),
      unrated: { grade: d.grades.unrated.grade.trim(), label: d.grades.unrated.label.trim() },
      publish: d.grades.publish ?? true,
    };
  if (d.schedule) out.schedule = { unit: d.schedule.unit, phases: d.schedule.phases.map((x) => x.trim()), milestones: d.schedule.milestones ?? false };
  return out;
}

/** The settings a plan of this definition is stored with; a shape part the definition leaves out is left out. */
export function settingsOf(d: PlanDefinition): PlanSettings {
  const out: PlanSettings = {
    progress: structuredClone(d.progress),
    levels: [...d.levels],
    initiativeName: d.initiative,
    departmentRequired: d.departmentRequired,
  };
  if (d.fields) out.fields = structuredClone(d.fields);
  if (d.indicatorKinds) out.indicatorKinds = [...d.indicatorKinds];
  if (d.grades) out.grades = structuredClone(d.grades);
  if (d.schedule) out.schedule = structuredClone(d.schedule);
  return out;
}

/** The definition of a stored plan (settingsOf the other way round), with no first edition. */
export function definitionOfPlan(
  organization: Organization,
  plan: { title: string; startFiscalYear: number; endFiscalYear: number; settings: PlanSettings },
): PlanDefinition {
  const s = plan.settings;
  const out: PlanDefinition = {
    organization: { code: organization.code, name: organization.name },
    title: plan.title,
    period: { from: plan.startFiscalYear, to: plan.endFiscalYear },
    levels: [...s.levels],
    initiative: s.initiativeName,
    firstEdition: null,
    progress: structuredClone(s.progress),
    departmentRequired: s.departmentRequired,
  };
  if (s.fields) out.fields = structuredClone(s.fields);
  if (s.indicatorKinds) out.indicatorKinds = [...s.indicatorKinds];
  if (s.grades) out.grades = structuredClone(s.grades);
  if (s.schedule) out.schedule = structuredClone(s.schedule);
  return out;
}

/**
 * A definition in the form a file holds it (rates as numbers, the indicator kinds under `indicators`),
 * every key written out: to check a changed plan with the same rules as a file (db/plans.ts), or to write
 * it out (definition-yaml.ts, which leaves out what equals a default).
 */
export function definitionValue(d: PlanDefinition): DefinitionInput {
  const { method, curve, rounding, decimals, cap, bands } = d.progress;
  const out: DefinitionInput = {
    organization: { code: d.organization.code, name: d.organization.name },
    title: d.title,
    period: { from: d.period.from, to: d.period.to },
    levels: [...d.levels],
    initiative: d.initiative,
    ...(d.firstEdition !== null ? { firstEdition: d.firstEdition } : {}),
    progress: {
      ...(method ? { method } : {}),
      ...(curve ? { curve } : {}),
      rounding,
      decimals,
      cap,
      bands: bands.map((b) => ({ grade: b.grade, min: Number(b.min) })),
    },
    departmentRequired: d.departmentRequired,
  };
  if (d.fields) out.fields = d.fields.map((f) => ({ key: f.key, label: f.label, type: f.type, ...(f.options ? { options: [...f.options] } : {}) }));
  if (d.indicatorKinds) out.indicators = { kinds: [...d.indicatorKinds] };
  if (d.grades)
    out.grades = {
      scale: d.grades.scale.map((s) => ({ grade: s.grade, label: s.label, min: Number(s.min) })),
      unrated: { ...d.grades.unrated },
      publish: d.grades.publish,
    };
  if (d.schedule) out.schedule = { unit: d.schedule.unit, phases: [...d.schedule.phases], milestones: d.schedule.milestones };
  return out;
}

// ---- reading a file ------------------------------------------------------------------------------------

export class PlanDefinitionError extends Error {
  constructor(
    readonly filename: string,
    readonly errors: DefinitionError[],
  ) {
    super(formatDefinitionErrors(filename, errors));
    this.name = 'PlanDefinitionError';
  }
}

/** "plan.yaml 5行目: period.to は period.from 以上の年度です", one line per error. */
export function formatDefinitionErrors(filename: string, errors: DefinitionError[]): string {
  return errors.map((e) => `${filename}${e.line ? ` ${e.line}行目` : ''}: ${e.message}`).join('\n');
}

const YAML_ERRORS: Record<string, string> = {
  DUPLICATE_KEY: '同じ項目が2回書かれています',
  TAB_AS_INDENT: '字下げにタブは使えません（空白で字下げします）',
  MULTIPLE_DOCS: '1つのファイルに書ける計画の定義は1つです（--- で区切らないでください）',
  BAD_INDENT: '字下げがそろっていません',
  MISSING_CHAR: '閉じ括弧か引用符が足りません',
  BLOCK_AS_IMPLICIT_KEY: '「名前: 値」の書き方が正しくありません',
  UNEXPECTED_TOKEN: '読めない文字があります',
  ALIAS_PROPS: 'アンカーと別名（& と *）は使えません',
  MULTILINE_IMPLICIT_KEY: '「名前: 値」の「:」が足りないか、字下げがずれています',
  BLOCK_IN_FLOW: '括弧 { } や [ ] の中では改行して字下げする書き方はできません',
  BAD_DQ_ESCAPE: '二重引用符の中の「\\」の使い方が正しくありません',
};

const JSON_ERRORS: [RegExp, string][] = [
  [/Unexpected end of JSON input|Unterminated/, 'ファイルが途中で終わっています（閉じ括弧か引用符が足りません）'],
  [/Expected ',' or '[}\]]'/, '「,」か閉じ括弧が足りません'],
  [/double-quoted property name/, '項目名は二重引用符（"）で囲みます'],
  [/Bad control character/, '文字列の中で改行はできません（\\n と書きます）'],
  [/Unexpected (token|non-whitespace)/, 'ここに書けない文字があります（文字列は二重引用符で囲みます）'],
];

export type DefinitionFormat = 'yaml' | 'json';

/** JSON by a .json name, YAML by .yaml/.yml; otherwise by the content (an object in braces is JSON). */
export function formatOf(filename: string, text: string): DefinitionFormat {
  if (/\.json$/i.test(filename)) return 'json';
  if (/\.ya?ml$/i.test(filename)) return 'yaml';
  return /^\s*\{/.test(text) ? 'json' : 'yaml';
}

/**
 * Reads plan.yaml or plan.json. JSON is read strictly as JSON first (so a trailing comma is an error
 * there as in any JSON tool), then both are read with the YAML reader, which knows where every key is.
 */
export function parsePlanDefinition(text: string, filename = 'plan.yaml'): DefinitionCheck {
  const source = text.replace(/^\uFEFF/, '');
  const lines = new LineCounter();
  const lineAt = (offset: number) => lines.linePos(offset).line || 1;
  const fail = (line: number | null, message: string): DefinitionCheck => ({ ok: false, errors: [{ line, path: '', message }] });
  if (!source.trim()) return fail(null, 'ファイルが空です');
  if (new TextEncoder().encode(source).length > MAX_DEFINITION_BYTES) return fail(null, `ファイルが大きすぎます（上限 ${MAX_DEFINITION_BYTES / 1024} KB）`);
  const format = formatOf(filename, source);
  if (format === 'json') {
    try {
      JSON.parse(source);
    } catch (e) {
      const m = /position (\d+)/.exec((e as Error).message);
      const at = m ? Number(m[1]) : null;
      const line = at === null ? null : source.slice(0, at).split('\n').length;
      // The one mistake everyone makes in JSON written by hand, said plainly; the reader's other complaints in Japanese.
      const trailingComma = at !== null && /[}\]]/.test(source[at] ?? '') && /,\s*$/.test(source.slice(0, at));
      const message = (e as Error).message;
      const said = trailingComma
        ? '最後の項目のあとに「,」があります'
        : (JSON_ERRORS.find(([re]) => re.test(message))?.[1] ?? `書き方が正しくありません（${message.slice(0, 80)}）`);
      return fail(line, `JSON として読めません: ${said}`);
    }
  }
  const doc = parseDocument(source, { lineCounter: lines, uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length) {
    return {
      ok: false,
      errors: doc.errors.map((e) => ({
        line: e.linePos?.[0]?.line ?? lineAt(e.pos[0]),
        path: '',
        message: `${format === 'json' ? 'JSON' : 'YAML'} として読めません: ${YAML_ERRORS[e.code] ?? e.message.split('\n')[0]}`,
      })),
    };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 50 });
  } catch (e) {
    return fail(null, `YAML として読めません: ${(e as Error).message.split('\n')[0]}`);
  }
  // The line of the key a path names (a missing key: its parent's), or of the value when it is a scalar.
  const locate: Locate = (path, unknownKey) => {
    const start = (n: unknown) => ((n as Node | null)?.range ? lineAt((n as Node).range![0]) : null);
    let node: unknown = doc.contents;
    let line = start(node) ?? 1;
    for (const seg of unknownKey === undefined ? path : [...path, unknownKey]) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) return line;
        line = start(pair.key) ?? line;
        node = pair.value;
      } else if (isSeq(node) && typeof seg === 'number' && node.items[seg]) {
        node = node.items[seg];
        line = start(node) ?? line;
      } else return line;
    }
    return unknownKey === undefined && isScalar(node) ? (start(node) ?? line) : line;
  };
  return checkPlanDefinition(value, locate);
}
