// The command that saves the parts of one initiative that follow its plan's shape: the plan's sections
// (content and plan in their own columns, every other section in `fields`), a grade set by hand, the
// schedule cells, the milestones and the indicators. One command of the command layer, as saveInitiative:
// the initiative locked and the permission checked on it (an editor only for its own departments), the
// edit checked against the plan's definition (a value the definition does not allow is refused, naming the
// part), the optimistic version, one transaction, one change set with the whole initiative before and after;
// saving what is stored writes nothing. A part the plan does not have is left as it is stored.
import { and, eq, gte, lte } from 'drizzle-orm';
import type { Db, DbOrTx } from './client.ts';
import * as t from './schema.ts';
import { initiativeWrite } from './initiative-write.ts';
import { WorkspaceError } from './command.ts';
import { ConflictError, lastWriter, snapshot } from './workspace-read.ts';
import type { Actor } from '../domain/roles.ts';
import { DIRECTIONS } from '../domain/enums.ts';
import { normalizeNumber } from '../domain/decimal.ts';
import { parseFieldValue } from '../domain/field-values.ts';
import { gradeChoices } from '../domain/grades.ts';
import { shapeColumns, withShape } from '../domain/shape.ts';
import {
  BUILTIN_FIELD_KEYS,
  DEFAULT_PLAN_SETTINGS,
  planFields,
  type FieldValue,
  type Indicator,
  type Initiative,
  type Milestone,
  type PlanInfo,
  type PlanSettings,
  type ScheduleCell,
} from '../domain/model.ts';
import { schedulePeriods } from '../domain/schedule-periods.ts';

/** What the shape form sends. An absent part is left as stored (a plan without a schedule sends no schedule). */
export interface ShapeEdit {
  /** Values of the plan's sections by key (content and plan included); null empties a section. Keys not given are kept. */
  fields?: Record<string, FieldValue | null>;
  /** A grade set by hand with its reason; null: the computed grade. Who set it is the actor, recorded by the command. */
  grade?: { grade: string; reason: string } | null;
  schedule?: ScheduleCell[];
  milestones?: Milestone[];
  indicators?: Indicator[];
}

export const MAX_INDICATORS = 50;
export const MAX_MILESTONES = 100;
const MAX_TEXT = 20_000;
const MAX_SHORT = 200;
const MIN_YEAR = 2000;
const MAX_YEAR = 2100;

/** Whether the plan has anything the shape form edits beyond the sample's two sections. */
export function planHasShape(settings: PlanSettings): boolean {
  return (
    planFields(settings).some((f) => !BUILTIN_FIELD_KEYS.includes(f.key)) ||
    settings.indicatorKinds !== undefined ||
    settings.grades !== undefined ||
    settings.schedule !== undefined
  );
}

const infoOf = (p: typeof t.plans.$inferSelect): PlanInfo => ({
  title: p.title,
  startFiscalYear: p.startFiscalYear,
  endFiscalYear: p.endFiscalYear,
  settings: { ...DEFAULT_PLAN_SETTINGS, ...p.settings },
});

/** The plan an edition belongs to, as the shape rules need it. */
async function planOf(db: DbOrTx, planId: number): Promise<PlanInfo> {
  const [p] = await db.select().from(t.plans).where(eq(t.plans.id, planId));
  if (!p) throw new WorkspaceError('計画が見つかりません', 404);
  return infoOf(p);
}

/** The organization's plan whose period holds `fiscalYear`, for the shape form's page. */
export async function planInfoFor(db: DbOrTx, organizationId: number, fiscalYear: number): Promise<PlanInfo> {
  const [p] = await db
    .select()
    .from(t.plans)
    .where(and(eq(t.plans.organizationId, organizationId), lte(t.plans.startFiscalYear, fiscalYear), gte(t.plans.endFiscalYear, fiscalYear)));
  if (!p) throw new WorkspaceError(`${fiscalYear}年度を計画期間に含む計画がありません`, 404);
  return infoOf(p);
}

const isYear = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= MIN_YEAR && n <= MAX_YEAR;
const isDecimal = (s: unknown): s is string => typeof s === 'string' && normalizeNumber(s) === s;
const oneLine = (s: unknown, max: number): s is string => typeof s === 'string' && s.trim() !== '' && s.length <= max && !/[\n\r]/.test(s);

/** A milestone's date: a real day (YYYY-MM-DD) or a month (YYYY-MM). */
export function isMilestoneDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), m[3] === undefined ? 1 : Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return y >= MIN_YEAR && y <= MAX_YEAR && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/**
 * What in `edit` the plan's definition does not allow, one Japanese sentence each; [] when all is well.
 * The form checks the same things field by field with its own messages; this is the command's own check,
 * so that no path (a hand-made request included) stores what the plan cannot show.
 */
export function shapeProblems(plan: PlanInfo, edit: ShapeEdit): string[] {
  const s = plan.settings;
  const out: string[] = [];
  const defs = new Map(planFields(s).map((f) => [f.key, f]));
  for (const [key, value] of Object.entries(edit.fields ?? {})) {
    const def = defs.get(key);
    if (!def) {
      out.push(`記入項目「${key}」はこの計画にありません`);
      continue;
    }
    if (value === null) continue;
    if (def.type === 'boolean') {
      if (typeof value !== 'boolean') out.push(`${def.label}は「はい」か「いいえ」です`);
      continue;
    }
    if (typeof value !== 'string') {
      out.push(`${def.label}の値が正しくありません`);
      continue;
    }
    if (value.length > MAX_TEXT) out.push(`${def.label}は${MAX_TEXT.toLocaleString('ja-JP')}文字までです`);
    if (def.type === 'text') continue;
    const parsed = parseFieldValue(def, value);
    if (!parsed.ok) out.push(parsed.message);
    else if (parsed.value !== value) out.push(`${def.label}の値「${value.slice(0, 40)}」は「${String(parsed.value)}」の形で保存します`);
  }
  if (edit.grade) {
    const choices = gradeChoices(s);
    if (!choices.length) out.push('この計画には評価がありません');
    else if (!choices.some((c) => c.grade === edit.grade!.grade))
      out.push(`評価は ${choices.map((c) => c.grade).join('、')} のどれかです（「${edit.grade.grade}」）`);
    if (!edit.grade.reason.trim()) out.push('手で評価を付けるときは理由を書きます');
    if (edit.grade.reason.length > 4000) out.push('評価の理由は4,000文字までです');
  }
  if (edit.schedule?.length) {
    if (!s.schedule) out.push('この計画にはスケジュールがありません');
    else {
      const periods = new Set(schedulePeriods(plan).map((p) => p.id));
      const seen = new Set<string>();
      for (const c of edit.schedule) {
        if (!periods.has(c.period)) out.push(`スケジュールの期間「${c.period}」はこの計画の期間にありません`);
        if (!s.schedule.phases.includes(c.phase)) out.push(`スケジュールの段階「${c.phase}」はこの計画の段階（${s.schedule.phases.join('、')}）にありません`);
        if (seen.has(c.period)) out.push(`スケジュールの期間「${c.period}」が2回あります`);
        seen.add(c.period);
      }
    }
  }
  if (edit.milestones?.length) {
    if (!s.schedule?.milestones) out.push('この計画ではマイルストーンを使いません');
    if (edit.milestones.length > MAX_MILESTONES) out.push(`マイルストーンは${MAX_MILESTONES}件までです`);
    edit.milestones.forEach((m, k) => {
      if (!isMilestoneDate(m.date)) out.push(`マイルストーン${k + 1}の日付「${m.date}」は YYYY-MM-DD か YYYY-MM です`);
      if (!oneLine(m.label, MAX_SHORT)) out.push(`マイルストーン${k + 1}の内容は1行・${MAX_SHORT}文字までで書きます`);
      if (typeof m.done !== 'boolean') out.push(`マイルストーン${k + 1}の完了は「はい」か「いいえ」です`);
    });
  }
  if (edit.indicators?.length) {
    if (s.indicatorKinds === undefined) out.push('この計画には指標がありません');
    if (edit.indicators.length > MAX_INDICATORS) out.push(`指標は${MAX_INDICATORS}件までです`);
    const kinds = s.indicatorKinds ?? [];
    const keys = new Set<string>();
    edit.indicators.forEach((x, k) => out.push(...indicatorProblems(x, `指標${k + 1}${oneLine(x.name, MAX_SHORT) ? `「${x.name}」` : ''}`, kinds, keys)));
  }
  return out;
}

function indicatorProblems(x: Indicator, at: string, kinds: readonly string[], keys: Set<string>): string[] {
  const out: string[] = [];
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(x.key)) out.push(`${at}: キー「${x.key}」は英数字40文字までです`);
  else if (keys.has(x.key)) out.push(`${at}: キー「${x.key}」が2回あります`);
  keys.add(x.key);
  if (!oneLine(x.name, MAX_SHORT)) out.push(`${at}: 指標名は1行・${MAX_SHORT}文字までで書きます`);
  if (x.kind !== null && !kinds.includes(x.kind)) out.push(`${at}: 種類は ${kinds.join('、') || '（なし）'} のどれかです（「${x.kind}」）`);
  if (x.unit !== null && (typeof x.unit !== 'string' || x.unit.length > 20 || /[\n\r]/.test(x.unit))) out.push(`${at}: 単位は1行・20文字までです`);
  if (!DIRECTIONS.includes(x.direction)) out.push(`${at}: 方向は「高いほど良い」か「低いほど良い」です`);
  if (typeof x.cumulative !== 'boolean' || typeof x.perYear !== 'boolean' || (x.cumulative && x.perYear))
    out.push(`${at}: 目標の種類は 数値・年間・累計・定性 のどれか1つです`);
  const qualitative = x.qualitative !== null;
  if (qualitative && (typeof x.qualitative !== 'string' || !x.qualitative.trim() || x.qualitative.length > 1000))
    out.push(`${at}: 定性目標は1,000文字までで書きます`);
  if (qualitative && (x.cumulative || x.perYear || x.target !== null)) out.push(`${at}: 定性目標の指標には目標値・年間・累計はありません`);
  for (const [what, v] of [
    ['基準', x.baseline],
    ['目標', x.target],
  ] as const) {
    if (v !== null && (!isYear(v.fiscalYear) || !isDecimal(v.value))) out.push(`${at}: ${what}年度と${what}値が正しくありません`);
  }
  const years = new Set<number>();
  for (const v of x.values) {
    if (!isYear(v.fiscalYear)) out.push(`${at}: 年度「${v.fiscalYear}」が正しくありません`);
    if (years.has(v.fiscalYear)) out.push(`${at}: ${v.fiscalYear}年度の値が2回あります`);
    years.add(v.fiscalYear);
    if (qualitative) {
      if (v.target !== null || v.actual !== null) out.push(`${at}: 定性目標の指標の${v.fiscalYear}年度は「達成」か「未達成」だけです`);
      if (v.achieved !== null && typeof v.achieved !== 'boolean') out.push(`${at}: ${v.fiscalYear}年度の達成が正しくありません`);
    } else {
      if ((v.target !== null && !isDecimal(v.target)) || (v.actual !== null && !isDecimal(v.actual)))
        out.push(`${at}: ${v.fiscalYear}年度の目標値・実績値は数値です`);
      if (v.achieved !== null) out.push(`${at}: 「達成」「未達成」は定性目標の指標だけです`);
    }
  }
  return out;
}

/** Whether two values are the same JSON whatever the order of their objects' keys. */
export function sameValue(a: unknown, b: unknown): boolean {
  const sorted = (v: unknown): string =>
    JSON.stringify(v, (_, x) =>
      x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([p], [q]) => (p < q ? -1 : p > q ? 1 : 0))) : x,
    );
  return sorted(a) === sorted(b);
}

/** The initiative with the edit applied, in canonical form; the hand-set grade names the actor unless it is unchanged. */
export function applyShape(before: Initiative, edit: ShapeEdit, actor: Pick<Actor, 'displayName'>): Initiative {
  const after: Initiative = { ...before };
  const fields: Record<string, FieldValue> = { ...(before.fields ?? {}) };
  for (const [key, value] of Object.entries(edit.fields ?? {})) {
    if (key === 'content' || key === 'plan') after[key] = typeof value === 'string' ? value : '';
    else if (value === null) delete fields[key];
    else fields[key] = value;
  }
  let grade = before.grade;
  if (edit.grade !== undefined) {
    const g = edit.grade;
    grade =
      g === null
        ? undefined
        : before.grade && before.grade.grade === g.grade && before.grade.reason === g.reason
          ? before.grade
          : { ...g, by: actor.displayName };
  }
  return withShape(after, {
    fields,
    grade: grade ?? null,
    schedule: edit.schedule ?? before.schedule ?? null,
    milestones: edit.milestones ?? before.milestones ?? null,
    indicators: edit.indicators ?? before.indicators ?? null,
  });
}

/**
 * Saves the shape form of one initiative. Refused (nothing written) when the edition is published, the
 * initiative is submitted or approved (an editor; an admin may still correct it), someone saved it since
 * `expectedVersion` (ConflictError with their version), or the edit breaks the plan's definition.
 */
export function saveInitiativeShape(
  db: Db,
  actor: Actor,
  fiscalYear: number,
  key: string,
  expectedVersion: number,
  edit: ShapeEdit,
): Promise<{ version: number; changed: boolean }> {
  return initiativeWrite<{ version: number; changed: boolean }>(db, actor, fiscalYear, key, 'edit', 'workspace:shape', async (tx, { ref, item, workspace }) => {
    if (workspace.state === 'published') throw new WorkspaceError('公開済みの版は編集できません（管理者が理由を記録して再開できます）', 409);
    const sub = item.submission?.state;
    if (actor.role !== 'admin' && (sub === 'submitted' || sub === 'approved'))
      throw new WorkspaceError(sub === 'submitted' ? '提出済みのため、審査が終わるまで編集できません' : '承認済みのため編集できません', 409);
    if (item.version !== expectedVersion) {
      const w = await lastWriter(tx, key, actor.organizationId);
      throw new ConflictError(item.initiative, item.version, w.by, w.at);
    }
    const plan = await planOf(tx, ref.planId);
    const problems = shapeProblems(plan, edit);
    if (problems.length) throw new WorkspaceError(problems.join('\n'));
    const before = withShape(item.initiative);
    const after = applyShape(before, edit, actor);
    // Saving what is stored writes nothing: no new version, no audit entry. jsonb keeps an object's keys in
    // its own order, so the comparison is of key-sorted JSON.
    if (sameValue(before, after)) return { summary: '', entries: [], value: { version: item.version, changed: false }, unchanged: true };
    const updated = await tx
      .update(t.initiativeYears)
      .set({ content: after.content, plan: after.plan, ...shapeColumns(after), version: item.version + 1, updatedAt: new Date() })
      .where(and(eq(t.initiativeYears.id, item.yearId), eq(t.initiativeYears.version, expectedVersion)))
      .returning({ version: t.initiativeYears.version });
    if (!updated.length) throw new ConflictError(before, item.version, null, null);
    if (workspace.round && (sub === 'not_started' || sub === 'returned' || sub === undefined))
      await tx
        .update(t.submissions)
        .set({ state: 'draft', updatedAt: new Date() })
        .where(and(eq(t.submissions.roundId, workspace.round.id), eq(t.submissions.initiativeYearId, item.yearId)));
    return {
      summary: `${before.number ?? '新'} ${before.title} の記入項目・指標・評価・スケジュールを保存`,
      entries: [{ entity: 'initiative', entityKey: key, action: 'update', before: snapshot(before, fiscalYear), after: snapshot(after, fiscalYear) }],
      value: { version: updated[0]!.version, changed: true },
    };
  });
}
