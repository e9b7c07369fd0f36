// Importer for the edition JSON that `shisaku export json` writes (src/export/json.ts), the inverse of
// editionToJson: the document is read strictly (an unknown key is refused, so a typo or a document of
// another kind is caught), its format version checked, and an EditionData rebuilt that saveEdition
// stores. The parts the export computes (the summary and KPI tables, group counts, progress rates,
// computed grades, status labels, 和暦, group names beside their keys) are accepted and ignored: they
// are computed from the data on every read, never stored.
//
// Every refusal is a Japanese sentence with the JSON path it is about («initiatives[3].status»), and for
// an initiative its number and title, so a person can find the place in the file. Nothing here throws on
// bad input: decodeEditionJson and parseEditionJson answer with the errors, planConflicts with what the
// plan the edition lands in refuses. Pure (no I/O).
import { z } from 'zod';
import { utf8CutMidCharacter } from '../domain/encoding.ts';
import { DIRECTIONS, EDITION_STATES, STATUSES } from '../domain/enums.ts';
import { parseFieldValue } from '../domain/field-values.ts';
import {
  BUILTIN_FIELD_KEYS,
  DEFAULT_PLAN_SETTINGS,
  planFields,
  type EditionData,
  type Indicator,
  type Initiative,
  type Kpi,
  type ManualGrade,
  type Pillar,
  type PlanSettings,
} from '../domain/model.ts';
import { validateOrgCode } from '../domain/org-code.ts';
import { checkPlanDefinition, FIELD_KEY, MAX_FISCAL_YEAR, MIN_FISCAL_YEAR, pathText, settingsOf, type PlanDefinition } from '../domain/plan-definition.ts';
import { schedulePeriods } from '../domain/schedule-periods.ts';
import { withShape } from '../domain/shape.ts';
import { EXPORT_FORMAT_VERSION } from '../export/json.ts';

/** Largest document accepted: a real edition is well under 1 MB (the sample's 102 initiatives are 140 kB). */
export const MAX_EDITION_JSON_BYTES = 20 * 1024 * 1024;

export interface EditionJsonError {
  /** Where in the document ("initiatives[3].status"); '' for the document as a whole. */
  path: string;
  message: string;
}

export type Decoded = { ok: true; text: string } | { ok: false; errors: EditionJsonError[] };

export interface ParsedEditionJson {
  /** The edition as saveEdition stores it; plan.settings from the document's definition, else the defaults with its progress rule. */
  data: EditionData;
  formatVersion: number;
  /** The plan's definition as the document carried it (plan.definition), or null for a document without one. */
  definition: PlanDefinition | null;
}

export type EditionJsonParse = ({ ok: true } & ParsedEditionJson) | { ok: false; errors: EditionJsonError[] };

const whole = (message: string): EditionJsonError[] => [{ path: '', message }];

/** The file's bytes as text: UTF-8 (a BOM is dropped), within the size limit. */
export function decodeEditionJson(bytes: Uint8Array): Decoded {
  if (bytes.length === 0) return { ok: false, errors: whole('ファイルが空です') };
  if (bytes.length > MAX_EDITION_JSON_BYTES)
    return { ok: false, errors: whole(`ファイルが大きすぎます（${bytes.length} バイト、上限 ${MAX_EDITION_JSON_BYTES} バイト）`) };
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes) };
  } catch {
    return {
      ok: false,
      errors: whole(
        utf8CutMidCharacter(bytes)
          ? 'ファイルが途中で切れています（最後の文字が欠けた UTF-8 です）。書き出し直すか、コピーし直してください'
          : 'UTF-8 ではないファイルです。shisaku export json が書き出したファイルをそのまま指定してください',
      ),
    };
  }
}

// ---- the document's shape ---------------------------------------------------------------------------------

/** Decimal strings as the model stores them ("11.2", "-3", "2682332"): what decimal.js reads without a doubt. */
const DECIMAL = /^-?\d+(\.\d+)?$/;
const decimal = z.string().regex(DECIMAL);
const year = z.number().int().min(MIN_FISCAL_YEAR).max(MAX_FISCAL_YEAR);
const name = z.string().min(1);
const text = z.string();
const nullableText = z.string().nullable();
/** What the export computes: accepted wherever it stands, never read. */
const computed = z.unknown().optional();

const subAreaSchema = z.strictObject({ key: name, name: name, parentKey: name.optional() });
const pillarSchema = z.strictObject({
  key: name,
  name: name,
  tagline: nullableText.optional(),
  subAreas: z.array(subAreaSchema),
});

const resultSchema = z.strictObject({
  label: text,
  actual: decimal.nullable(),
  target: decimal.nullable(),
  unit: nullableText,
  note: nullableText,
  raw: text,
});
const planTargetSchema = z.strictObject({ label: text, value: decimal.nullable(), unit: nullableText, raw: text });
const yearValue = z.strictObject({ fiscalYear: year, value: decimal });
const indicatorSchema = z.strictObject({
  key: name,
  name: name,
  kind: nullableText,
  unit: nullableText,
  direction: z.enum(DIRECTIONS),
  cumulative: z.boolean(),
  perYear: z.boolean(),
  baseline: yearValue.nullable(),
  target: yearValue.nullable(),
  qualitative: nullableText,
  values: z.array(z.strictObject({ fiscalYear: year, target: decimal.nullable(), actual: decimal.nullable(), achieved: z.boolean().nullable() })),
  progress: computed,
});
const gradeSchema = z.strictObject({
  grade: name,
  label: computed,
  source: z.enum(['computed', 'manual', 'unrated']),
  rate: computed,
  reason: nullableText,
  by: nullableText,
});
const initiativeSchema = z.strictObject({
  key: name,
  number: z.string().min(1).nullable(),
  title: name,
  pillar: computed,
  pillarKey: name,
  subArea: computed,
  subAreaKey: name.nullable(),
  departments: z.array(name),
  status: z.enum(STATUSES),
  statusLabel: computed,
  content: text,
  plan: text,
  planTargets: z.array(planTargetSchema),
  resultsFiscalYear: year.nullable(),
  results: z.array(resultSchema),
  resultsText: text,
  // A field key is ASCII (FIELD_KEY), which also keeps "__proto__" and the like out of the record.
  fields: z.record(z.string().regex(FIELD_KEY), z.union([z.string(), z.boolean()])).optional(),
  indicators: z.array(indicatorSchema).optional(),
  progressRate: computed,
  grade: gradeSchema.optional(),
  schedule: z.array(z.strictObject({ period: name, phase: name })).optional(),
  milestones: z.array(z.strictObject({ date: z.string().regex(/^\d{4}-\d{2}(-\d{2})?$/), label: name, done: z.boolean() })).optional(),
});
const kpiSchema = z.strictObject({
  key: name,
  name: name,
  pillar: computed,
  pillarKey: name,
  unit: nullableText,
  target: decimal,
  targetFiscalYear: year,
  direction: z.enum(DIRECTIONS),
  baseline: decimal.nullable().optional(),
  actuals: z.record(z.string().regex(/^\d{4}$/), decimal),
  progress: computed,
  progressRate: computed,
  initiativeKey: name.nullable(),
});
const progressRuleSchema = z.strictObject({
  method: z.enum(['ratio', 'baseline', 'on-track']).optional(),
  curve: z.enum(['linear', 'growth']).optional(),
  rounding: z.enum(['truncate', 'half-up']),
  decimals: z.number().int().min(0).max(10),
  cap: z.boolean(),
  bands: z.array(z.strictObject({ grade: name, min: decimal })),
});
const documentSchema = z.strictObject({
  formatVersion: z.number().int(),
  organization: z.strictObject({ code: z.string().regex(/^\d{6}$/), name: name }),
  plan: z.strictObject({
    title: name,
    startFiscalYear: year,
    endFiscalYear: year,
    progressRule: progressRuleSchema,
    // The plan's definition as plan.json holds it (docs/plan-definition.schema.json), checked by its own rules.
    definition: z.unknown().optional(),
  }),
  edition: z.strictObject({
    fiscalYear: year,
    wareki: computed,
    title: name,
    tagline: nullableText,
    lead: nullableText.optional(),
    state: z.enum(EDITION_STATES),
    source: nullableText,
  }),
  pillars: z.array(pillarSchema),
  initiatives: z.array(initiativeSchema),
  summaryTable: computed,
  groups: computed,
  kpis: z.array(kpiSchema),
  departments: z.array(z.strictObject({ name: name, aliases: z.array(name) })),
});

type Doc = z.output<typeof documentSchema>;

// ---- messages -----------------------------------------------------------------------------------------------

/** What the keys are, in the words people use for them. */
const WORDS: Record<string, string> = {
  formatVersion: '形式の版',
  organization: '自治体',
  code: 'コード',
  plan: '計画',
  edition: '版',
  pillars: '施策体系',
  subAreas: '分野',
  initiatives: '施策',
  key: 'キー',
  number: '番号',
  title: '名称',
  name: '名前',
  status: '状況',
  departments: '担当課所',
  results: '実績',
  planTargets: '今年度の目標',
  indicators: '指標',
  kpis: 'KPI',
  actual: '実績値',
  target: '目標値',
  value: '値',
  direction: '向き',
  state: '状態',
  fiscalYear: '年度',
  startFiscalYear: '計画の最初の年度',
  endFiscalYear: '計画の最後の年度',
  targetFiscalYear: '目標年度',
  resultsFiscalYear: '実績の年度',
  milestones: 'マイルストーン',
  schedule: 'スケジュール',
  grade: '評価',
  date: '日付',
};

const TYPES: Record<string, string> = {
  string: '文字列',
  number: '数',
  int: '整数',
  boolean: 'true か false',
  object: 'オブジェクト（{ … }）',
  array: '配列（[ … ]）',
  null: 'null',
};

function shown(v: unknown): string {
  const s = typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v));
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

function wordOf(path: readonly PropertyKey[]): string {
  const last = [...path].reverse().find((p) => typeof p === 'string');
  const w = typeof last === 'string' ? WORDS[last] : undefined;
  return w ? `（${w}）` : '';
}

/** A shape issue in Japanese, without its place (the caller puts the path in front). */
function describe(issue: z.core.$ZodRawIssue): string | undefined {
  const path = issue.path ?? [];
  const what = wordOf(path);
  const last = path.at(-1);
  switch (issue.code) {
    case 'invalid_type': {
      if (path.length === 0) return 'shisaku export json が書き出す版の JSON（formatVersion、organization、plan … のオブジェクト）ではありません';
      if (issue.input === undefined) return `項目${what}がありません`;
      const expected = TYPES[String(issue.expected)] ?? String(issue.expected);
      if (typeof issue.input === 'number' && issue.expected === 'string')
        return `${what ? `${what.slice(1, -1)}は` : ''}引用符で囲んだ文字列で書きます（今は数 ${shown(issue.input)}。数は "11.2" のように文字列で書きます）`;
      return `${expected}で書きます（今は「${shown(issue.input)}」）`;
    }
    case 'invalid_value':
      return `${issue.values.map((v) => String(v)).join('、')} のどれかです（今は「${shown(issue.input)}」）`;
    case 'invalid_format': {
      if (last === 'code') return `6桁の数字の文字列です（今は「${shown(issue.input)}」）`;
      if (last === 'date') return `YYYY-MM-DD か YYYY-MM で書きます（今は「${shown(issue.input)}」）`;
      if (issue.format === 'regex' && String((issue as { pattern?: unknown }).pattern) === String(DECIMAL))
        return `数を "11.2" や "-3" の形の文字列で書きます（桁区切りや単位は付けません。今は「${shown(issue.input)}」）`;
      return `書き方が違います（今は「${shown(issue.input)}」）`;
    }
    case 'too_small':
    case 'too_big': {
      const small = issue.code === 'too_small';
      if (issue.origin === 'string') return small ? `${what ? what.slice(1, -1) : '値'}が空です` : '長すぎます';
      if (typeof last === 'string' && /FiscalYear$|^fiscalYear$/.test(last))
        return `西暦の年度で${MIN_FISCAL_YEAR}〜${MAX_FISCAL_YEAR}の間です（今は「${shown(issue.input)}」）`;
      const bound = Number(small ? (issue as { minimum: number | bigint }).minimum : (issue as { maximum: number | bigint }).maximum);
      return `${bound}${small ? '以上' : '以下'}です（今は「${shown(issue.input)}」）`;
    }
    case 'invalid_key':
      if (path.at(-1) === 'fields' || path.includes('fields')) return '記入項目のキーは英小文字で始まる英小文字・数字・「_」です';
      if (path.includes('actuals')) return 'KPI の実績の年度は4桁の西暦（"2023"）です';
      return 'キーの書き方が違います';
    case 'invalid_union':
      return '文字列か true / false で書きます';
    default:
      return undefined;
  }
}

/**
 * Where in the document, as a path with the initiative, pillar or KPI it is in named as a person finds it:
 * «initiatives[3]（04 オンライン申請）.status».
 */
function placeOf(doc: unknown, path: readonly PropertyKey[]): string {
  const [list, index] = path;
  const entry =
    typeof index === 'number' && doc && typeof doc === 'object'
      ? ((doc as Record<string, unknown>)[String(list)] as unknown[] | undefined)?.[index]
      : undefined;
  if (!Array.isArray((doc as Record<string, unknown> | null)?.[String(list)]) || !entry || typeof entry !== 'object') return pathText(path);
  const e = entry as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  let label: string | null = null;
  if (list === 'initiatives') label = [str(e.number) ?? '新', str(e.title)].filter(Boolean).join(' ');
  else if (list === 'pillars' || list === 'kpis' || list === 'departments') label = str(e.name);
  const head = pathText(path.slice(0, 2));
  const rest = pathText(['', ...path.slice(2)]);
  return `${head}${label ? `（${label}）` : ''}${rest}`;
}

/** One error at a path of the document. */
function errorAt(doc: unknown, path: readonly PropertyKey[], message: string): EditionJsonError {
  return { path: pathText(path), message: path.length ? `${placeOf(doc, path)}: ${message}` : message };
}

function issueErrors(raw: unknown, issues: readonly z.core.$ZodIssue[]): EditionJsonError[] {
  const out: EditionJsonError[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const k of issue.keys) out.push(errorAt(raw, [...issue.path, k], `知らない項目「${k}」があります（shisaku export json が書かない項目です）`));
      continue;
    }
    out.push(errorAt(raw, issue.path, issue.message));
  }
  return out;
}

/** "Unexpected token … in JSON at position 42" as the line and column people see in an editor. */
function syntaxError(text: string, e: unknown): EditionJsonError[] {
  const message = e instanceof Error ? e.message : String(e);
  if (/Unexpected end of JSON input/i.test(message))
    return whole('JSON が途中で切れています（閉じていない { や [ があります）。書き出し直すか、コピーし直してください');
  const position = /position (\d+)/.exec(message);
  if (!position) return whole(`JSON として読めません（${message}）`);
  const before = text.slice(0, Number(position[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return whole(`JSON として読めません: ${line}行目 ${column}文字目（${message.replace(/ in JSON at position \d+.*$/, '')}）`);
}

// ---- reading -------------------------------------------------------------------------------------------------

/** The document read into an edition, or every error found (the shape's, then the rules between its parts). */
export function parseEditionJson(text: string): EditionJsonParse {
  if (text.length > MAX_EDITION_JSON_BYTES)
    return { ok: false, errors: whole(`ファイルが大きすぎます（${text.length} 文字、上限 ${MAX_EDITION_JSON_BYTES}）`) };
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    return { ok: false, errors: syntaxError(text, e) };
  }
  // The version first: a newer document may hold what this version cannot read, and saying so is the whole answer.
  const version = raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>).formatVersion : undefined;
  if (version === undefined) return { ok: false, errors: whole('formatVersion がありません。shisaku export json が書き出した版の JSON を指定してください') };
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1)
    return { ok: false, errors: [{ path: 'formatVersion', message: `formatVersion は 1 以上の整数です（今は「${shown(version)}」）` }] };
  if (version > EXPORT_FORMAT_VERSION)
    return {
      ok: false,
      errors: [
        {
          path: 'formatVersion',
          message: `この JSON は形式 ${version} で書かれています。この shisaku が読めるのは形式 ${EXPORT_FORMAT_VERSION} までです。shisaku を新しくしてから取り込んでください`,
        },
      ],
    };
  const r = documentSchema.safeParse(raw, { error: (issue) => describe(issue) });
  if (!r.success) return { ok: false, errors: issueErrors(raw, r.error.issues) };
  const doc = r.data;
  const errors = ruleErrors(doc);
  const definition = definitionOfDoc(doc, errors);
  if (errors.length) return { ok: false, errors };
  return { ok: true, data: editionOf(doc, definition), formatVersion: version, definition };
}

/** The document's plan definition checked by the definition's own rules, and agreeing with the rest of the document. */
function definitionOfDoc(doc: Doc, errors: EditionJsonError[]): PlanDefinition | null {
  if (doc.plan.definition === undefined) return null;
  const check = checkPlanDefinition(doc.plan.definition);
  if (!check.ok) {
    for (const e of check.errors) {
      const path = `plan.definition${e.path ? `.${e.path}` : ''}`;
      errors.push({ path, message: `${path}: ${e.message}` });
    }
    return null;
  }
  const d = check.definition;
  const differs = (path: string, what: string, a: unknown, b: unknown) => {
    if (a !== b) errors.push({ path, message: `${path}: ${what}が JSON の他の部分と違います（「${shown(a)}」と「${shown(b)}」）` });
  };
  differs('plan.definition.organization.code', '自治体コード', d.organization.code, doc.organization.code);
  differs('plan.definition.title', '計画の題名', d.title, doc.plan.title);
  differs('plan.definition.period.from', '計画期間の最初の年度', d.period.from, doc.plan.startFiscalYear);
  differs('plan.definition.period.to', '計画期間の最後の年度', d.period.to, doc.plan.endFiscalYear);
  return d;
}

/** The rules between the parts of the document: keys once each, every reference to something the document holds. */
function ruleErrors(doc: Doc): EditionJsonError[] {
  const out: EditionJsonError[] = [];
  const at = (path: PropertyKey[], message: string) => out.push(errorAt(doc, path, message));
  const code = validateOrgCode(doc.organization.code);
  if (!code.ok) at(['organization', 'code'], code.reason);
  const { startFiscalYear: from, endFiscalYear: to } = doc.plan;
  if (to < from) at(['plan', 'endFiscalYear'], `計画の最後の年度（${to}）が最初の年度（${from}）より前です`);
  else if (doc.edition.fiscalYear < from || doc.edition.fiscalYear > to)
    at(['edition', 'fiscalYear'], `版の年度 ${doc.edition.fiscalYear} が計画期間（${from}〜${to}年度）の外です`);

  const pillarKeys = new Map<string, number>();
  const subAreaPillar = new Map<string, string>();
  doc.pillars.forEach((p, k) => {
    if (pillarKeys.has(p.key)) at(['pillars', k, 'key'], `施策体系のキー「${p.key}」が pillars[${pillarKeys.get(p.key)}] と重なっています`);
    else pillarKeys.set(p.key, k);
    p.subAreas.forEach((s, j) => {
      if (subAreaPillar.has(s.key)) at(['pillars', k, 'subAreas', j, 'key'], `分野のキー「${s.key}」が2回あります（分野のキーは版の中で1つずつです）`);
      else subAreaPillar.set(s.key, p.key);
    });
    const own = new Map(p.subAreas.map((s) => [s.key, s]));
    p.subAreas.forEach((s, j) => {
      if (s.parentKey === undefined) return;
      if (!own.has(s.parentKey)) {
        at(['pillars', k, 'subAreas', j, 'parentKey'], `上の階層「${s.parentKey}」がこの施策体系の分野にありません`);
        return;
      }
      // Up the chain: a loop would leave the groups in it under nothing.
      const seen = new Set([s.key]);
      for (let cur = own.get(s.parentKey); cur; cur = cur.parentKey === undefined ? undefined : own.get(cur.parentKey)) {
        if (seen.has(cur.key)) {
          at(['pillars', k, 'subAreas', j, 'parentKey'], `分野「${s.name}」の上の階層をたどると元の分野に戻ります`);
          break;
        }
        seen.add(cur.key);
      }
    });
  });

  const initiativeKeys = new Map<string, number>();
  doc.initiatives.forEach((i, k) => {
    if (initiativeKeys.has(i.key)) at(['initiatives', k, 'key'], `施策キー「${i.key}」が initiatives[${initiativeKeys.get(i.key)}] と重なっています`);
    else initiativeKeys.set(i.key, k);
    if (!pillarKeys.has(i.pillarKey)) at(['initiatives', k, 'pillarKey'], `施策体系「${i.pillarKey}」が pillars にありません`);
    else if (i.subAreaKey !== null && subAreaPillar.get(i.subAreaKey) !== i.pillarKey)
      at(['initiatives', k, 'subAreaKey'], `分野「${i.subAreaKey}」が施策体系「${i.pillarKey}」の subAreas にありません`);
    const indicatorKeys = new Set<string>();
    i.indicators?.forEach((ind, j) => {
      if (indicatorKeys.has(ind.key)) at(['initiatives', k, 'indicators', j, 'key'], `指標のキー「${ind.key}」が2回あります`);
      indicatorKeys.add(ind.key);
      const years = new Set<number>();
      ind.values.forEach((v, n) => {
        if (years.has(v.fiscalYear)) at(['initiatives', k, 'indicators', j, 'values', n, 'fiscalYear'], `${v.fiscalYear}年度の値が2回あります`);
        years.add(v.fiscalYear);
      });
    });
    if (i.grade?.source === 'manual' && !i.grade.reason?.trim()) at(['initiatives', k, 'grade', 'reason'], '手で付けた評価には理由が要ります');
  });

  const kpiKeys = new Set<string>();
  doc.kpis.forEach((kpi, k) => {
    if (kpiKeys.has(kpi.key)) at(['kpis', k, 'key'], `KPI のキー「${kpi.key}」が2回あります`);
    kpiKeys.add(kpi.key);
  });
  const departments = new Map<string, string>();
  doc.departments.forEach((d, k) => {
    for (const [n, spelling] of [d.name, ...d.aliases].entries()) {
      const path = n === 0 ? ['departments', k, 'name'] : ['departments', k, 'aliases', n - 1];
      if (departments.has(spelling)) at(path, `担当課所「${spelling}」が ${departments.get(spelling)} にもあります`);
      else departments.set(spelling, `departments[${k}]`);
    }
  });
  return out;
}

/** The edition the document describes, in the model's canonical form (withShape), the computed parts left behind. */
function editionOf(doc: Doc, definition: PlanDefinition | null): EditionData {
  const settings: PlanSettings = definition ? settingsOf(definition) : { ...structuredClone(DEFAULT_PLAN_SETTINGS), progress: doc.plan.progressRule };
  const pillars: Pillar[] = doc.pillars.map((p) => ({
    key: p.key,
    name: p.name,
    tagline: p.tagline ?? null,
    subAreas: p.subAreas.map((s) => ({ key: s.key, name: s.name, ...(s.parentKey !== undefined ? { parentKey: s.parentKey } : {}) })),
  }));
  const initiatives: Initiative[] = doc.initiatives.map((i) => {
    const grade: ManualGrade | null = i.grade?.source === 'manual' ? { grade: i.grade.grade, reason: i.grade.reason ?? '', by: i.grade.by } : null;
    const indicators: Indicator[] | null =
      i.indicators?.map((ind) => ({
        key: ind.key,
        name: ind.name,
        kind: ind.kind,
        unit: ind.unit,
        direction: ind.direction,
        cumulative: ind.cumulative,
        perYear: ind.perYear,
        baseline: ind.baseline,
        target: ind.target,
        qualitative: ind.qualitative,
        values: ind.values.map((v) => ({ fiscalYear: v.fiscalYear, target: v.target, actual: v.actual, achieved: v.achieved })),
      })) ?? null;
    const base: Initiative = {
      key: i.key,
      number: i.number,
      title: i.title,
      pillarKey: i.pillarKey,
      subAreaKey: i.subAreaKey,
      departments: [...i.departments],
      status: i.status,
      content: i.content,
      plan: i.plan,
      planTargets: i.planTargets.map((t) => ({ label: t.label, value: t.value, unit: t.unit, raw: t.raw })),
      resultsFiscalYear: i.resultsFiscalYear,
      results: i.results.map((r) => ({ label: r.label, actual: r.actual, target: r.target, unit: r.unit, note: r.note, raw: r.raw })),
      resultsText: i.resultsText,
    };
    return withShape(base, {
      fields: i.fields ? { ...i.fields } : null,
      indicators,
      grade,
      schedule: i.schedule?.map((c) => ({ period: c.period, phase: c.phase })) ?? null,
      milestones: i.milestones?.map((m) => ({ date: m.date, label: m.label, done: m.done })) ?? null,
    });
  });
  const kpis: Kpi[] = doc.kpis.map((k) => ({
    key: k.key,
    name: k.name,
    pillarKey: k.pillarKey,
    unit: k.unit,
    target: k.target,
    targetFiscalYear: k.targetFiscalYear,
    direction: k.direction,
    baseline: k.baseline ?? null,
    actuals: { ...k.actuals },
    initiativeKey: k.initiativeKey,
  }));
  return {
    organization: { code: doc.organization.code, name: doc.organization.name },
    plan: { title: doc.plan.title, startFiscalYear: doc.plan.startFiscalYear, endFiscalYear: doc.plan.endFiscalYear, settings },
    edition: {
      fiscalYear: doc.edition.fiscalYear,
      title: doc.edition.title,
      tagline: doc.edition.tagline,
      lead: doc.edition.lead ?? null,
      source: doc.edition.source,
      state: doc.edition.state,
    },
    pillars,
    initiatives,
    kpis,
    departments: doc.departments.map((d) => ({ name: d.name, aliases: [...d.aliases] })),
  };
}

// ---- against the plan ----------------------------------------------------------------------------------------

/**
 * What the plan the edition lands in (data.plan, as planForImport chose it) refuses: an initiative without
 * a department where the plan requires one, groups deeper than its levels, section values its fields do
 * not hold, indicator kinds, grades, phases and schedule periods it does not have. Empty when the edition
 * fits. The document's own definition is not enough: an existing plan's definition decides.
 */
export function planConflicts(data: EditionData): EditionJsonError[] {
  const out: EditionJsonError[] = [];
  const settings = data.plan.settings;
  const at = (path: PropertyKey[], message: string) => out.push(errorAt(data, path, message));
  const levels = settings.levels.length;
  data.pillars.forEach((p, k) => {
    const parent = new Map(p.subAreas.map((s) => [s.key, s.parentKey]));
    p.subAreas.forEach((s, j) => {
      let depth = 2;
      for (let up = s.parentKey; up !== undefined && depth <= levels; up = parent.get(up)) depth++;
      if (depth > levels)
        at(['pillars', k, 'subAreas', j], `分野「${s.name}」は${depth}階層目以下ですが、計画の階層は${levels}つ（${settings.levels.join('・')}）です`);
    });
  });
  const fields = new Map(planFields(settings).map((f) => [f.key, f]));
  const kinds = settings.indicatorKinds ?? [];
  const grades = settings.grades ? [...settings.grades.scale.map((s) => s.grade), settings.grades.unrated.grade] : [];
  const periods = new Set(schedulePeriods(data.plan).map((p) => p.id));
  // Types whose stored form is one spelling: a value in another spelling was not written by the export.
  const CANONICAL = new Set(['money', 'number', 'date', 'select', 'boolean']);
  data.initiatives.forEach((i, k) => {
    if (settings.departmentRequired && i.departments.length === 0)
      at(['initiatives', k, 'departments'], `担当課所がありません（この計画では${settings.initiativeName}ごとに担当課所が要ります）`);
    for (const [key, value] of Object.entries(i.fields ?? {})) {
      if (BUILTIN_FIELD_KEYS.includes(key)) {
        at(['initiatives', k, 'fields', key], `${key} は fields ではなく ${key} に書きます`);
        continue;
      }
      const def = fields.get(key);
      // A key the plan no longer names is kept as stored (the export writes it after the plan's own).
      if (!def) continue;
      const parsed = parseFieldValue(def, value);
      if (!parsed.ok) at(['initiatives', k, 'fields', key], parsed.message);
      else if (CANONICAL.has(def.type) && parsed.value !== value)
        at(['initiatives', k, 'fields', key], `${def.label}の値「${shown(value)}」は保存の形（${shown(parsed.value)}）で書きます`);
    }
    i.indicators?.forEach((ind, j) => {
      if (ind.kind !== null && !kinds.includes(ind.kind))
        at(
          ['initiatives', k, 'indicators', j, 'kind'],
          kinds.length ? `指標の種類は ${kinds.join('、')} のどれかです（今は「${ind.kind}」）` : `この計画には指標の種類がありません（今は「${ind.kind}」）`,
        );
    });
    if (i.grade && !grades.includes(i.grade.grade))
      at(['initiatives', k, 'grade'], grades.length ? `評価は ${grades.join('、')} のどれかです（今は「${i.grade.grade}」）` : 'この計画には評価がありません');
    i.schedule?.forEach((c, j) => {
      if (!settings.schedule) at(['initiatives', k, 'schedule', j], 'この計画にはスケジュールがありません');
      else if (!settings.schedule.phases.includes(c.phase))
        at(['initiatives', k, 'schedule', j, 'phase'], `段階は ${settings.schedule.phases.join('、')} のどれかです（今は「${c.phase}」）`);
      else if (!periods.has(c.period)) at(['initiatives', k, 'schedule', j, 'period'], `期間「${c.period}」は計画のスケジュールの期間にありません`);
    });
    if (i.milestones?.length && !settings.schedule?.milestones) at(['initiatives', k, 'milestones'], 'この計画にはマイルストーンがありません');
  });
  return out;
}

/** Errors as lines for the command line: the first `limit`, then how many more. */
export function formatEditionJsonErrors(filename: string, errors: readonly EditionJsonError[], limit = 30): string[] {
  const lines = errors.slice(0, limit).map((e) => `${filename}: ${e.message}`);
  if (errors.length > limit) lines.push(`ほか ${errors.length - limit} 件`);
  return lines;
}
