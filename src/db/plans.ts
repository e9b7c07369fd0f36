// An organization's plans: creating one from its definition (with an empty first edition if asked),
// adding a year's empty draft edition, and changing the plan's title, period and settings. Each is one
// command of the command layer — permission first, one transaction with the owner locked, one change set.
// A refusal names what stands in the way (the editions and KPI target years a new period would leave
// out, the plan it would overlap) and changes nothing.
import { and, asc, eq, gte, inArray, lte, sql } from 'drizzle-orm';
import type { Db, DbOrTx, Tx } from './client.ts';
import * as t from './schema.ts';
import type { AuditEntry } from './audit.ts';
import { allow, orgCodeOf, organizationWrite, runWrite, WorkspaceError, type Outcome } from './command.ts';
import type { Actor } from '../domain/roles.ts';
import { DEFAULT_PLAN_SETTINGS, type EditionData, type Organization, type PlanInfo, type PlanSettings } from '../domain/model.ts';
import { checkPlanDefinition, definitionOfPlan, definitionValue, settingsOf, type PlanDefinition } from '../domain/plan-definition.ts';
import { definitionLosses, type DefinitionLoss } from '../domain/definition-change.ts';
import { loadEditionById } from './edition-read.ts';
import { dropDefinitionLosses } from './definition-migration.ts';
import { outsidePeriod, periodsOverlap, periodText, planTerms, type Period } from '../domain/plan-rules.ts';
import { fiscalYearLabel } from '../domain/wareki.ts';

/** A refusal about one part of a definition (`path` as in the file: "period", "organization.name"), so a file's line or a form's field can be named. */
export class DefinitionRefusal extends WorkspaceError {
  constructor(
    message: string,
    readonly path: string,
    status: 400 | 403 | 404 | 409 = 400,
  ) {
    super(message, status);
    this.name = 'DefinitionRefusal';
  }
}

export interface PlanSummary {
  id: number;
  title: string;
  period: Period;
  settings: PlanSettings;
  version: number;
  /** `published`: the portal shows a copy of it (a reopened draft included) — the edition's state alone does not say. */
  editions: { fiscalYear: number; title: string; state: 'draft' | 'published'; published: boolean }[];
  /** Years of the period without an edition yet, first to last. */
  missingYears: number[];
}

type PlanRow = typeof t.plans.$inferSelect;

const settingsOfRow = (p: PlanRow): PlanSettings => ({ ...DEFAULT_PLAN_SETTINGS, ...p.settings });

async function summaries(db: DbOrTx, rows: PlanRow[]): Promise<PlanSummary[]> {
  const editions = rows.length
    ? await db
        .select({
          planId: t.editions.planId,
          fiscalYear: t.editions.fiscalYear,
          title: t.editions.title,
          state: t.editions.state,
          published: sql<boolean>`${t.editionPublications.editionId} is not null`,
        })
        .from(t.editions)
        .leftJoin(t.editionPublications, eq(t.editionPublications.editionId, t.editions.id))
        .where(
          inArray(
            t.editions.planId,
            rows.map((r) => r.id),
          ),
        )
        .orderBy(asc(t.editions.fiscalYear))
    : [];
  return rows.map((p) => {
    const own = editions.filter((e) => e.planId === p.id).map(({ planId: _, ...e }) => e);
    const missingYears: number[] = [];
    for (let y = p.startFiscalYear; y <= p.endFiscalYear; y++) if (!own.some((e) => e.fiscalYear === y)) missingYears.push(y);
    return {
      id: p.id,
      title: p.title,
      period: { from: p.startFiscalYear, to: p.endFiscalYear },
      settings: settingsOfRow(p),
      version: p.version,
      editions: own,
      missingYears,
    };
  });
}

/** The actor's organization's plans, newest period first. */
export async function listPlans(db: DbOrTx, actor: Actor): Promise<PlanSummary[]> {
  allow(actor, 'read');
  const rows = await db.select().from(t.plans).where(eq(t.plans.organizationId, actor.organizationId)).orderBy(sql`${t.plans.startFiscalYear} desc`);
  return summaries(db, rows);
}

/** One plan of the actor's organization; another organization's plan is as absent as a missing one. */
export async function loadPlan(db: DbOrTx, actor: Actor, planId: number): Promise<PlanSummary> {
  allow(actor, 'read');
  const rows = await db
    .select()
    .from(t.plans)
    .where(and(eq(t.plans.id, planId), eq(t.plans.organizationId, actor.organizationId)));
  if (!rows.length) throw new WorkspaceError('その計画はありません', 404);
  return (await summaries(db, rows))[0]!;
}

/** The actor's organization, as a definition names it. */
export async function actorOrganization(db: DbOrTx, actor: Actor): Promise<Organization> {
  const [o] = await db
    .select({ code: t.organizations.code, name: t.organizations.name })
    .from(t.organizations)
    .where(eq(t.organizations.id, actor.organizationId));
  if (!o) throw new WorkspaceError('自治体が見つかりません', 404);
  return o;
}

/** The settings of the plan whose period holds `fiscalYear` (the defaults when there is none). */
export async function planSettingsFor(db: DbOrTx, organizationId: number, fiscalYear: number): Promise<PlanSettings> {
  const [p] = await db
    .select()
    .from(t.plans)
    .where(and(eq(t.plans.organizationId, organizationId), lte(t.plans.startFiscalYear, fiscalYear), gte(t.plans.endFiscalYear, fiscalYear)));
  return p ? settingsOfRow(p) : structuredClone(DEFAULT_PLAN_SETTINGS);
}

// ---- the organization a definition names -------------------------------------------------------------------

/**
 * The stored organization a definition names, refused when it does not exist (with the command that adds
 * it) or is stored under another name. The command line asks this before it can act for the organization.
 */
export async function organizationOf(db: DbOrTx, org: Organization): Promise<{ id: number }> {
  const [row] = await db.select().from(t.organizations).where(eq(t.organizations.code, org.code));
  if (!row)
    throw new DefinitionRefusal(
      `自治体 ${org.code}（${org.name}）は登録されていません。先に shisaku org add ${org.code} --name ${org.name} を実行してください / unknown organization ${org.code}: add it first with shisaku org add`,
      'organization.code',
      404,
    );
  if (row.name !== org.name)
    throw new DefinitionRefusal(
      `organization.name「${org.name}」は、登録されている自治体 ${org.code} の名前「${row.name}」と違います / the name differs from the registered one (${row.name})`,
      'organization.name',
    );
  return { id: row.id };
}

/** Another plan of the organization whose period overlaps `period`, if any. */
async function overlapping(tx: DbOrTx, organizationId: number, period: Period, exceptPlanId?: number) {
  const rows = await tx
    .select({ id: t.plans.id, title: t.plans.title, from: t.plans.startFiscalYear, to: t.plans.endFiscalYear })
    .from(t.plans)
    .where(eq(t.plans.organizationId, organizationId));
  return rows.find((p) => p.id !== exceptPlanId && periodsOverlap(period, p)) ?? null;
}

function overlapRefusal(period: Period, other: { title: string; from: number; to: number }) {
  return new DefinitionRefusal(
    `計画期間（${periodText(period)}）が、この自治体の計画「${other.title}」（${periodText(other)}）と重なります。年度版は年度で計画を選ぶため、計画期間は重ねられません`,
    'period',
    409,
  );
}

// ---- creating a plan and an edition ---------------------------------------------------------------------------

function editionTitle(planTitle: string, fiscalYear: number): string {
  return `${planTitle} ${fiscalYear}年度版`;
}

/** An empty draft edition of the plan: no pillars, no initiatives, no source; the admin adds them. */
async function insertEmptyEdition(tx: Tx, plan: { id: number; title: string }, code: string, fiscalYear: number): Promise<AuditEntry> {
  const title = editionTitle(plan.title, fiscalYear);
  await tx.insert(t.editions).values({ planId: plan.id, fiscalYear, title, state: 'draft', source: null });
  return { entity: 'edition', entityKey: `${code}/${fiscalYear}`, action: 'insert', before: null, after: { fiscalYear, title, state: 'draft' } };
}

function planRecord(p: { title: string; period: Period; settings: PlanSettings }) {
  return { title: p.title, period: p.period, settings: p.settings };
}

/**
 * A new plan of the actor's organization, from its definition, and the empty draft of its first edition
 * when the definition names one. The organization must be the actor's and carry the name the definition
 * gives; the period may not overlap another plan of the organization.
 */
export function createPlan(db: Db, actor: Actor, definition: PlanDefinition): Promise<{ planId: number; firstEdition: number | null }> {
  return organizationWrite(db, actor, 'plan:create', async (tx) => {
    const code = await orgCodeOf(tx, actor.organizationId);
    if (definition.organization.code !== code)
      throw new DefinitionRefusal(
        `この計画の定義は自治体 ${definition.organization.code} のものです（作成先は ${code}） / the definition is for ${definition.organization.code}`,
        'organization.code',
      );
    await organizationOf(tx, definition.organization);
    const check = checkPlanDefinition(definitionValue(definition));
    if (!check.ok) throw new DefinitionRefusal(check.errors.map((e) => e.message).join('\n'), check.errors[0]!.path);
    const other = await overlapping(tx, actor.organizationId, definition.period);
    if (other) throw overlapRefusal(definition.period, other);
    const settings = settingsOf(definition);
    const [plan] = await tx
      .insert(t.plans)
      .values({
        organizationId: actor.organizationId,
        title: definition.title,
        startFiscalYear: definition.period.from,
        endFiscalYear: definition.period.to,
        settings,
      })
      .returning({ id: t.plans.id });
    const entries: AuditEntry[] = [
      {
        entity: 'plan',
        entityKey: String(plan!.id),
        action: 'insert',
        before: null,
        after: planRecord({ title: definition.title, period: definition.period, settings }),
      },
    ];
    if (definition.firstEdition !== null) entries.push(await insertEmptyEdition(tx, { id: plan!.id, title: definition.title }, code, definition.firstEdition));
    return {
      summary: `計画「${definition.title}」（${periodText(definition.period)}）を作成${definition.firstEdition !== null ? `、${definition.firstEdition}年度版（下書き）を作成` : ''}`,
      entries,
      value: { planId: plan!.id, firstEdition: definition.firstEdition },
    };
  });
}

/** A write to one plan of the actor's organization, by its id or by a year of its period: the plan's row is locked and read under the lock. */
function planByRefWrite<T>(db: Db, actor: Actor, ref: PlanRef, source: string, fn: (tx: Tx, plan: PlanRow) => Promise<Outcome<T>>): Promise<T> {
  allow(actor, 'manage');
  return runWrite(
    db,
    actor,
    source,
    async (tx) => {
      const where =
        'planId' in ref
          ? and(eq(t.plans.id, ref.planId), eq(t.plans.organizationId, actor.organizationId))
          : and(eq(t.plans.organizationId, actor.organizationId), lte(t.plans.startFiscalYear, ref.fiscalYear), gte(t.plans.endFiscalYear, ref.fiscalYear));
      const [plan] = await tx.select().from(t.plans).where(where).for('update');
      if (!plan)
        throw new WorkspaceError(
          'planId' in ref
            ? 'その計画はありません'
            : `${fiscalYearLabel(ref.fiscalYear)}を計画期間に含む計画がありません。先に計画を作成するか、計画期間を変更してください`,
          404,
        );
      return {
        at: plan,
        organizationId: actor.organizationId,
        bump: async (tx) => {
          await tx
            .update(t.plans)
            .set({ version: sql`${t.plans.version} + 1`, updatedAt: new Date() })
            .where(eq(t.plans.id, plan.id));
        },
      };
    },
    fn,
  );
}

/** Which plan: by its id, or the one whose period holds a fiscal year. */
export type PlanRef = { planId: number } | { fiscalYear: number };

/** The empty draft edition of `fiscalYear`, in the plan whose period holds that year. */
export function createEdition(db: Db, actor: Actor, fiscalYear: number): Promise<void> {
  return planByRefWrite(db, actor, { fiscalYear }, 'plan:edition', async (tx, plan) => {
    const [existing] = await tx
      .select({ id: t.editions.id })
      .from(t.editions)
      .where(and(eq(t.editions.planId, plan.id), eq(t.editions.fiscalYear, fiscalYear)));
    if (existing) throw new WorkspaceError(`${fiscalYearLabel(fiscalYear)}の版は既にあります`, 409);
    const entry = await insertEmptyEdition(tx, plan, await orgCodeOf(tx, actor.organizationId), fiscalYear);
    return { summary: `${plan.title} の${fiscalYear}年度版（下書き）を作成`, entries: [entry], value: undefined };
  });
}

// ---- changing a plan ---------------------------------------------------------------------------------------------

export interface PlanChange {
  title?: string;
  period?: Period;
  /** The settings to change; the others are kept. A key given as undefined is taken away (a plan's grades, its schedule). */
  settings?: Partial<PlanSettings>;
  /**
   * The migration choice: a change that would lose what editions hold (definitionLosses) is refused unless
   * this is true; then those values are removed in the same transaction, each with its audit entry.
   */
  dropLosses?: boolean;
}

/** The parts of the settings whose change can leave an edition's data without a place. */
const SHAPE_SETTINGS = ['levels', 'initiativeName', 'fields', 'indicatorKinds', 'grades', 'schedule'] as const;

/** A change refused because it would lose what editions hold: each loss, with where (the first places) and how many. */
export class DefinitionLossRefusal extends DefinitionRefusal {
  constructor(readonly losses: DefinitionLoss[]) {
    super(
      [
        'この変更で、年度版に入っている次の値が失われます。変更していません:',
        ...losses.map((l) => `・${l.message}${l.where.length ? `（${l.where.join('、')}${l.count > l.where.length ? ' ほか' : ''}）` : ''}`),
      ].join('\n'),
      'shape',
      409,
    );
    this.name = 'DefinitionLossRefusal';
  }
}

/**
 * The plan's title, period and settings, its shape included, checked by the rules of plan.yaml. Refused,
 * with what stands in the way, when the new period would leave an edition or a KPI's target year outside it
 * or overlap another plan; when a department becomes required while an initiative has none; when the new
 * shape would lose what an edition holds (a level's groups, a section's values, a kind, grade or phase in
 * use: DefinitionLossRefusal lists them), unless `dropLosses` asks for them to be removed, which is done
 * in the same transaction with an audit entry each. Saving what is stored writes nothing.
 */
export function updatePlan(db: Db, actor: Actor, ref: PlanRef, change: PlanChange): Promise<{ changed: boolean; removed: number }> {
  return planByRefWrite<{ changed: boolean; removed: number }>(db, actor, ref, 'plan:settings', async (tx, plan) => {
    const before = { title: plan.title, period: { from: plan.startFiscalYear, to: plan.endFiscalYear }, settings: settingsOfRow(plan) };
    const settings = { ...before.settings, ...change.settings } as PlanSettings;
    // A shape part given as undefined is taken away; stored JSON never holds the key.
    for (const k of Object.keys(settings) as (keyof PlanSettings)[]) if (settings[k] === undefined) delete settings[k];
    const after = { title: change.title ?? before.title, period: change.period ?? before.period, settings };
    if (canonical(after) === canonical(before)) return { summary: '', entries: [], value: { changed: false, removed: 0 }, unchanged: true };
    const [org] = await tx
      .select({ code: t.organizations.code, name: t.organizations.name })
      .from(t.organizations)
      .where(eq(t.organizations.id, actor.organizationId));
    // The whole definition, shape included, by the rules of plan.yaml.
    const check = checkPlanDefinition(
      definitionValue(
        definitionOfPlan(org!, { title: after.title, startFiscalYear: after.period.from, endFiscalYear: after.period.to, settings: after.settings }),
      ),
    );
    if (!check.ok) throw new DefinitionRefusal(check.errors.map((e) => e.message).join('\n'), check.errors[0]!.path);

    const editions = await tx
      .select({ id: t.editions.id, fiscalYear: t.editions.fiscalYear })
      .from(t.editions)
      .where(eq(t.editions.planId, plan.id))
      .orderBy(asc(t.editions.fiscalYear));
    if (change.period) {
      const kpis = await tx
        .select({ name: t.kpis.name, targetFiscalYear: t.kpis.targetFiscalYear })
        .from(t.kpis)
        .where(eq(t.kpis.planId, plan.id))
        .orderBy(asc(t.kpis.position));
      const outside = outsidePeriod(after.period, { editions: editions.map((e) => e.fiscalYear), kpis });
      if (outside.length)
        throw new DefinitionRefusal(
          `計画期間を${periodText(after.period)}にすると、期間の外になるものがあります: ${outside.join('、')}。先にそれらを期間の中へ移すか、期間を広げてください`,
          'period',
          409,
        );
      const other = await overlapping(tx, actor.organizationId, after.period, plan.id);
      if (other) throw overlapRefusal(after.period, other);
    }
    const terms = planTerms(after.settings);
    if (after.settings.departmentRequired && !before.settings.departmentRequired) {
      const lacking = await tx.execute(sql`
        SELECT e.fiscal_year AS fy, y.title FROM initiative_years y JOIN editions e ON e.id = y.edition_id
        WHERE e.plan_id = ${plan.id} AND NOT EXISTS (SELECT 1 FROM initiative_departments d WHERE d.initiative_year_id = y.id)
        ORDER BY e.fiscal_year, y.position`);
      const rows = (lacking as unknown as { rows: { fy: number; title: string }[] }).rows;
      if (rows.length)
        throw new DefinitionRefusal(
          `担当課所のない${terms.initiative}が ${rows.length} 件あります: ${rows
            .slice(0, 5)
            .map((r) => `「${r.title}」（${r.fy}年度版）`)
            .join('、')}${rows.length > 5 ? ' ほか' : ''}。担当課所を入れてから必須にしてください`,
          'departmentRequired',
          409,
        );
    }
    // What the editions hold that the new shape has no place for (fewer levels, a section, kind, grade or
    // phase taken away): refused with the list, unless the admin chose to remove it.
    const entries: AuditEntry[] = [];
    if (SHAPE_SETTINGS.some((k) => canonical(before.settings[k]) !== canonical(after.settings[k])) && editions.length) {
      const loaded = [];
      for (const e of editions) {
        const eref = { organizationId: actor.organizationId, organization: org!, planId: plan.id, editionId: e.id };
        loaded.push({ ref: eref, fiscalYear: e.fiscalYear, data: await loadEditionById(tx, eref) });
      }
      const losses = definitionLosses(
        before.settings,
        after.settings,
        loaded.map((e) => e.data),
      );
      if (losses.length && !change.dropLosses) throw new DefinitionLossRefusal(losses);
      if (losses.length)
        entries.push(
          ...(await dropDefinitionLosses(
            tx,
            loaded.map((e) => ({ ref: e.ref, fiscalYear: e.fiscalYear, pillars: e.data.pillars })),
            before.settings,
            after.settings,
          )),
        );
    }
    await tx
      .update(t.plans)
      .set({ title: after.title, startFiscalYear: after.period.from, endFiscalYear: after.period.to, settings: after.settings, updatedAt: new Date() })
      .where(eq(t.plans.id, plan.id));
    const removed = entries.length;
    return {
      summary: `計画「${after.title}」の設定を変更（${changedParts(before, after).join('、')}）${removed ? `、失われる値を削除（${removed} 件）` : ''}`,
      entries: [{ entity: 'plan', entityKey: String(plan.id), action: 'update', before: planRecord(before), after: planRecord(after) }, ...entries],
      value: { changed: true, removed },
    };
  });
}

type PlanState = { title: string; period: Period; settings: PlanSettings };

/** JSON with keys in one order: settings read back from jsonb come with their keys reordered. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_, x) =>
    x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x,
  );
}

function changedParts(a: PlanState, b: PlanState): string[] {
  const same = (x: unknown, y: unknown) => canonical(x) === canonical(y);
  const parts: [boolean, string][] = [
    [a.title !== b.title, '題名'],
    [!same(a.period, b.period), `計画期間 ${periodText(b.period)}`],
    [!same(a.settings.levels, b.settings.levels), `階層の名前 ${b.settings.levels.join(' → ')}`],
    [a.settings.initiativeName !== b.settings.initiativeName, `呼び名 ${b.settings.initiativeName}`],
    [a.settings.departmentRequired !== b.settings.departmentRequired, b.settings.departmentRequired ? '担当課所は必須' : '担当課所は任意'],
    [!same(a.settings.progress, b.settings.progress), '進捗率の計算規則'],
    [!same(a.settings.fields, b.settings.fields), '記入項目'],
    [!same(a.settings.indicatorKinds, b.settings.indicatorKinds), '指標の種類'],
    [!same(a.settings.grades, b.settings.grades), '評価の基準'],
    [!same(a.settings.schedule, b.settings.schedule), 'スケジュール'],
  ];
  return parts.filter(([c]) => c).map(([, s]) => s);
}

// ---- the plan an imported document lands in -------------------------------------------------------------------

/**
 * The plan an edition imported from a document belongs to: the organization's plan whose period holds the
 * edition's year — with its stored title, period and settings, whatever the document suggests — or, when
 * there is none, the plan the document describes, refused if its period overlaps another plan.
 */
export async function planForImport(db: DbOrTx, data: EditionData): Promise<PlanInfo> {
  const [org] = await db.select({ id: t.organizations.id }).from(t.organizations).where(eq(t.organizations.code, data.organization.code));
  if (!org) return data.plan;
  const plans = await db.select().from(t.plans).where(eq(t.plans.organizationId, org.id));
  const fy = data.edition.fiscalYear;
  const holding = plans.find((p) => p.startFiscalYear <= fy && fy <= p.endFiscalYear);
  if (holding)
    return { title: holding.title, startFiscalYear: holding.startFiscalYear, endFiscalYear: holding.endFiscalYear, settings: settingsOfRow(holding) };
  const period = { from: data.plan.startFiscalYear, to: data.plan.endFiscalYear };
  const other = plans.find((p) => periodsOverlap(period, { from: p.startFiscalYear, to: p.endFiscalYear }));
  if (other)
    throw new WorkspaceError(
      `文書から読み取った計画期間（${periodText(period)}）が、計画「${other.title}」（${other.startFiscalYear}〜${other.endFiscalYear}年度）と重なり、${fy}年度はどちらの期間にもありません。先に計画期間を直してください / the document's plan period overlaps another plan`,
      409,
    );
  return data.plan;
}
