// Form bodies of the staff workspace, validated with zod before anything reaches a command. Errors are
// keyed by field name so the page can show each one next to its field, in Japanese.
import { z } from 'zod';
import { normalizeNumber } from '../../domain/decimal.ts';
import { DEFAULT_PLAN_SETTINGS, type GradeBand, type PlanSettings } from '../../domain/model.ts';
import { departmentMissing } from '../../domain/plan-rules.ts';
import type { InitiativeEdit } from '../../db/workspace.ts';
import { DIRECTIONS, ROLES, STATUSES } from '../../domain/enums.ts';

export type FieldErrors = Record<string, string>;
export type Body = Record<string, string | File | (string | File)[]>;

const MAX_TEXT = 20_000;
const MAX_ROWS = 50;

/** Every value of a repeated field (the rows of a table in the form), as strings. */
export function list(body: Body, name: string): string[] {
  const v = body[name] ?? body[`${name}[]`];
  const arr = v === undefined ? [] : Array.isArray(v) ? v : [v];
  return arr.map((x) => (typeof x === 'string' ? x : ''));
}

export function one(body: Body, name: string): string {
  const v = body[name];
  return typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : '';
}

const text = (label: string, max = MAX_TEXT) =>
  z
    .string()
    .transform((s) => s.replace(/\r\n?/g, '\n').trim())
    .refine((s) => s.length <= max, `${label}は${max.toLocaleString('ja-JP')}文字までです`)
    .refine((s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(s), `${label}に使えない制御文字が含まれています`);

const editSchema = z.object({
  version: z.coerce.number({ error: '版数がありません' }).int().min(1),
  status: z.enum(STATUSES, { error: '状況を選んでください' }),
  content: text('施策内容'),
  plan: text('今年度の取組'),
  // Absent (a form without the field) is not "emptied": the printed text is then left as it is.
  resultsText: text('実績（本文）').optional(),
});

export interface ParsedEdit {
  version: number;
  edit: InitiativeEdit;
}

/** Parses the initiative form; number cells accept full-width digits and commas, as people type them. */
export function parseInitiativeForm(body: Body): { ok: true; value: ParsedEdit } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const base = editSchema.safeParse({
    version: one(body, 'version'),
    status: one(body, 'status'),
    content: one(body, 'content'),
    plan: one(body, 'plan'),
    resultsText: 'resultsText' in body ? one(body, 'resultsText') : undefined,
  });
  if (!base.success) for (const i of base.error.issues) errors[String(i.path[0])] ??= i.message;
  const num = (v: string, field: string): string | null => {
    const t = v.trim();
    if (!t || /^[—―\-‐]$/.test(t)) return null;
    const n = normalizeNumber(t);
    if (n === null) errors[field] = `数値ではありません「${t.slice(0, 40)}」（単位は単位欄へ）`;
    return n;
  };
  const short = (v: string, field: string, label: string) => {
    const t = v.trim();
    if (t.length > 200) errors[field] = `${label}は200文字までです`;
    return t;
  };
  const results: InitiativeEdit['results'] = [];
  const rl = list(body, 'r_label');
  if (rl.length > MAX_ROWS) errors.r_label = `実績は${MAX_ROWS}行までです`;
  rl.slice(0, MAX_ROWS).forEach((label, k) => {
    const [actual, target, unit, note] = ['r_actual', 'r_target', 'r_unit', 'r_note'].map((n) => list(body, n)[k] ?? '');
    if (!label.trim() && !actual!.trim() && !target!.trim() && !unit!.trim() && !note!.trim()) return; // an empty spare row
    if (!label.trim()) errors[`r_label_${k}`] = '項目名を入力してください';
    results.push({
      label: short(label, `r_label_${k}`, '項目名'),
      actual: num(actual!, `r_actual_${k}`),
      target: num(target!, `r_target_${k}`),
      unit: short(unit!, `r_unit_${k}`, '単位') || null,
      note: short(note!, `r_note_${k}`, '備考') || null,
    });
  });
  const planTargets: InitiativeEdit['planTargets'] = [];
  const tl = list(body, 't_label');
  tl.slice(0, MAX_ROWS).forEach((label, k) => {
    const [value, unit] = ['t_value', 't_unit'].map((n) => list(body, n)[k] ?? '');
    if (!label.trim() && !value!.trim() && !unit!.trim()) return;
    // A target printed without a name (「・26コンテンツ」) measures the initiative itself: a value is enough.
    if (!label.trim() && !value!.trim()) errors[`t_label_${k}`] = '目標の項目名か目標値を入力してください';
    planTargets.push({ label: short(label, `t_label_${k}`, '項目名'), value: num(value!, `t_value_${k}`), unit: short(unit!, `t_unit_${k}`, '単位') || null });
  });
  if (Object.keys(errors).length || !base.success) return { ok: false, errors };
  return {
    ok: true,
    value: {
      version: base.data.version,
      edit: {
        status: base.data.status,
        content: base.data.content,
        plan: base.data.plan,
        planTargets,
        results,
        ...(base.data.resultsText === undefined ? {} : { resultsText: base.data.resultsText }),
      },
    },
  };
}

export const roundSchema = z.object({
  fromFiscalYear: z.coerce.number({ error: '元になる年度を選んでください' }).int().min(2000).max(2100),
  dueDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '提出期限を YYYY-MM-DD で入力してください'),
  dropCompleted: z.enum(['carry', 'drop'], { error: '完了した施策の扱いを選んでください' }),
});

/** The add-initiative form; a department is required where the plan says so (its departmentRequired). */
export const newInitiativeSchemaFor = (settings: Pick<PlanSettings, 'departmentRequired'>) =>
  z.object({
    title: text('施策名', 200).refine((s) => s.length > 0, '施策名を入力してください'),
    pillar: z.string().min(1, '施策体系を選んでください'),
    subArea: z.string(),
    departments: departmentList(settings),
    content: text('施策内容'),
    plan: text('今年度の取組'),
  });

export const newInitiativeSchema = newInitiativeSchemaFor(DEFAULT_PLAN_SETTINGS);

export function zodErrors(e: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const i of e.issues) out[String(i.path[0] ?? '_')] ??= i.message;
  return out;
}

/** Grading bands, one per line ("A 100", "B 80%"), as the settings forms take them; a line that is not one is an error under `bands`. */
export function parseBands(text: string, errors: FieldErrors): GradeBand[] {
  const bands: GradeBand[] = [];
  text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .forEach((line, k) => {
      const m = /^(\S{1,8})\s+(\S+)$/.exec(line.normalize('NFKC'));
      const min = m ? normalizeNumber(m[2]!.replace(/%$/, '')) : null;
      if (!m || min === null) errors.bands ??= `${k + 1}行目「${line.slice(0, 30)}」: 「評価 下限の進捗率」の形で書いてください（例: A 100）`;
      else bands.push({ grade: m[1]!, min });
    });
  if (bands.length > 10) errors.bands = '評価の段階は10までです';
  return bands;
}

/** The progress rule form: rounding, decimals, cap, and one grading band per line ("A 100"). */
export function parseSettingsForm(body: Body): { ok: true; value: Pick<PlanSettings, 'progress'> } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const rounding = one(body, 'rounding');
  if (rounding !== 'truncate' && rounding !== 'half-up') errors.rounding = '端数の扱いを選んでください';
  const decimals = Number(one(body, 'decimals'));
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 4) errors.decimals = '小数点以下の桁数は0〜4です';
  const bands = parseBands(one(body, 'bands'), errors);
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, value: { progress: { rounding: rounding as 'truncate' | 'half-up', decimals, cap: one(body, 'cap') === 'on', bands } } };
}

// ---- the plan's structure (admin) --------------------------------------------------------------------

const required = (label: string, max: number) => text(label, max).refine((s) => s.length > 0, `${label}を入力してください`);
/** One line: a name never spans lines (it is printed in headings and table cells). */
const name = (label: string, max = 100) => required(label, max).refine((s) => !s.includes('\n'), `${label}は1行で入力してください`);
const decimal = (label: string) =>
  z.string().transform((s, ctx) => {
    const n = normalizeNumber(s.trim());
    if (n === null) ctx.addIssue({ code: 'custom', message: `${label}は数値で入力してください「${s.trim().slice(0, 40)}」` });
    return n ?? '';
  });
const optionalDecimal = (label: string) =>
  z.string().transform((s, ctx) => {
    if (!s.trim()) return null;
    const n = normalizeNumber(s.trim());
    if (n === null) ctx.addIssue({ code: 'custom', message: `${label}は数値で入力してください「${s.trim().slice(0, 40)}」` });
    return n;
  });
/** Departments as typed, one list; required unless the plan says an initiative may have none. */
function departmentList(settings: Pick<PlanSettings, 'departmentRequired'>) {
  return z
    .string()
    .transform((s) => [
      ...new Set(
        s
          .split(/[、,，\n]/)
          .map((d) => d.trim())
          .filter(Boolean),
      ),
    ])
    .refine((d) => !departmentMissing(settings, d), '担当課所を入力してください')
    .refine((d) => d.length <= 30 && d.every((x) => x.length <= 100), '担当課所が多すぎるか長すぎます');
}

export const moveSchema = z.object({ direction: z.enum(['up', 'down'], { error: '上へ・下へのどちらかを選んでください' }) });

export const pillarSchema = z.object({
  name: name('施策体系の名前'),
  tagline: text('キャッチコピー', 300).transform((s) => s || null),
});

export const subAreaSchema = z.object({ name: name('分野の名前') });

export const identitySchemaFor = (settings: Pick<PlanSettings, 'departmentRequired'>) =>
  z.object({
    version: z.coerce.number({ error: '版数がありません' }).int().min(1),
    // 新 (or nothing) is an initiative without a number yet; full-width digits are accepted as typed.
    number: z
      .string()
      .transform((s) => s.normalize('NFKC').trim())
      .refine((s) => s === '' || s === '新' || /^\d{1,4}$/.test(s), '番号は数字（例: 05）か「新」で入力してください')
      .transform((s) => (s === '' || s === '新' ? null : s)),
    title: name('施策名', 200),
    pillar: z.string().min(1, '施策体系を選んでください'),
    subArea: z.string(),
    departments: departmentList(settings),
  });

export const identitySchema = identitySchemaFor(DEFAULT_PLAN_SETTINGS);

export const removeSchema = z.object({ reason: required('削除する理由', 1000) });

export const kpiSchema = z.object({
  version: z.string().transform((s) => (/^\d+$/.test(s) ? Number(s) : null)),
  name: name('指標名', 200),
  pillar: z.string().min(1, '施策体系を選んでください'),
  unit: text('単位', 20).transform((s) => s || null),
  target: decimal('目標値'),
  targetFiscalYear: z.coerce
    .number({ error: '目標年度を選んでください' })
    .int('目標年度は西暦の年で入力してください')
    .min(2000, '目標年度は西暦の年で入力してください')
    .max(2100, '目標年度は西暦の年で入力してください'),
  direction: z.enum(DIRECTIONS, { error: '「高いほどよい」か「低いほどよい」を選んでください' }),
  baseline: optionalDecimal('基準値'),
  initiative: z.string().transform((s) => s.trim() || null),
});

export const departmentNameSchema = z.object({ name: name('課所名') });
export const renameDepartmentSchema = z.object({ from: name('今の課所名'), to: name('新しい表記') });
export const aliasSchema = z.object({ name: name('課所名'), alias: name('別表記') });
export const removeAliasSchema = z.object({ alias: name('別表記') });
export const mergeSchema = z.object({ from: name('旧表記'), into: name('正式名') });
/** The department a department is part of; empty puts it at the top. */
export const departmentParentSchema = z.object({ name: name('課所名'), parent: z.string().transform((s) => s.trim() || null) });

/** Parses a form body with a schema; the errors are keyed by field, in Japanese. */
export function parseWith<S extends z.ZodType>(schema: S, body: Body): { ok: true; value: z.output<S> } | { ok: false; errors: FieldErrors } {
  const fields: Record<string, string> = {};
  for (const k of Object.keys(body)) fields[k] = one(body, k);
  // Absent fields are empty strings, so each gets its own message rather than a type error.
  const shape = (schema as unknown as { shape?: Record<string, unknown> }).shape ?? {};
  for (const k of Object.keys(shape)) fields[k] ??= '';
  const r = schema.safeParse(fields);
  return r.success ? { ok: true, value: r.data } : { ok: false, errors: zodErrors(r.error) };
}

// ---- staff accounts (admin) ----------------------------------------------------------------------------

const role = z.enum(ROLES, { error: '役割を選んでください' });
const email = z
  .string()
  .transform((s) => s.trim())
  .refine((s) => s === '' || (s.length <= 254 && /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/.test(s)), 'メールアドレスの形ではありません')
  .transform((s) => s || null);
const accountDepartments = z.string().transform((s) => [
  ...new Set(
    s
      .split(/[、,，\n]/)
      .map((d) => d.trim())
      .filter(Boolean),
  ),
]);
const newPassword = z
  .string()
  .refine((s) => s.length >= 12, 'パスワードは12文字以上にしてください')
  .refine((s) => s.length <= 256, 'パスワードは256文字までです');
const editorNeedsDepartment = (v: { role: string; departments: string[] }) => v.role !== 'editor' || v.departments.length > 0;

export const newAccountSchema = z
  .object({
    login: z
      .string()
      .transform((s) => s.trim())
      .refine((s) => /^[A-Za-z0-9._@-]{2,64}$/.test(s), 'ログイン名は半角英数字と . _ @ - の2〜64文字です'),
    displayName: name('表示名'),
    email,
    role,
    departments: accountDepartments,
    password: newPassword,
  })
  .refine(editorNeedsDepartment, { message: '編集者には担当課所が必要です', path: ['departments'] });

export const accountSchema = z
  .object({
    version: z.coerce.number({ error: '版数がありません' }).int().min(1),
    displayName: name('表示名'),
    email,
    role,
    departments: accountDepartments,
    disabled: z.string().transform((s) => s === 'on'),
  })
  .refine(editorNeedsDepartment, { message: '編集者には担当課所が必要です', path: ['departments'] });

export const passwordResetSchema = z.object({ password: newPassword });

/** What was typed into a form, to show it again with its errors. */
export function typedOf(b: Body): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(b)) if (k !== '_csrf') out[k] = one(b, k);
  return out;
}
