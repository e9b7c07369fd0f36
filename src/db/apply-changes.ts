// Applies a spreadsheet preview to the edition in place, in one transaction, recorded as one change set.
// Rows keep their identity (initiative-years are updated, not recreated), so submissions and history that
// point at them stay attached. If the edition changed after the preview was made, nothing is applied.
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from './client.ts';
import * as t from './schema.ts';
import { bumpEdition, editionStamp, findEdition, recordChangeSet, resolveDepartments, upsertKpis, InvalidInputError, type AuditEntry } from './repository.ts';
import type { Initiative } from '../domain/model.ts';
import type { Preview } from '../domain/changes.ts';
import { isEmptyPreview } from '../domain/changes.ts';
import { signalChange } from './change-signal.ts';

export class StalePreviewError extends Error {
  constructor() {
    super('プレビューの後にこの版が更新されました。もう一度プレビューしてから適用してください / the edition changed after the preview; preview again');
    this.name = 'StalePreviewError';
  }
}

export interface ApplyResult {
  changeSetId: number | null;
  changed: number;
}

export async function applyPreview(
  db: Db,
  orgCode: string,
  fiscalYear: number,
  preview: Preview,
  opts: {
    actor: string;
    userId?: number | null;
    source: string;
    expectedStamp?: string;
    /** Unknown department names of the file to register as aliases of existing departments (name → department). */
    aliases?: Record<string, string>;
  },
): Promise<ApplyResult> {
  if (preview.errors.length) throw new InvalidInputError(`エラーが ${preview.errors.length} 件あるため適用しません / the file has errors; nothing applied`);
  if (isEmptyPreview(preview)) return { changeSetId: null, changed: 0 };
  const result = await db.transaction(async (tx) => {
    const ref = await findEdition(tx, orgCode, fiscalYear);
    if (!ref) throw new InvalidInputError(`${orgCode} の ${fiscalYear} 年度版はありません / no such edition`);
    if (opts.expectedStamp && (await editionStamp(tx, orgCode, fiscalYear)) !== opts.expectedStamp) throw new StalePreviewError();
    const next = preview.next;
    // Initiatives whose own fields or results changed; new ones have no row yet and are written too.
    const touched = new Set(preview.changes.filter((c) => c.entity !== 'kpi').map((c) => c.key.split('/')[0]!));
    const existing = await tx
      .select({ id: t.initiativeYears.id, key: t.initiatives.key })
      .from(t.initiativeYears)
      .innerJoin(t.initiatives, eq(t.initiatives.id, t.initiativeYears.initiativeId))
      .where(eq(t.initiativeYears.editionId, ref.editionId));
    const yearIdByKey = new Map(existing.map((r) => [r.key, r.id]));
    const pillars = await tx.select().from(t.pillars).where(eq(t.pillars.editionId, ref.editionId));
    const subAreas = pillars.length ? await tx.select().from(t.subAreas).where(inArray(t.subAreas.pillarId, pillars.map((p) => p.id))) : [];
    const pillarId = new Map(pillars.map((p) => [p.key, p.id]));
    const subAreaId = new Map(subAreas.map((s) => [s.key, s.id]));
    const aliasEntries = await registerAliases(tx, ref.organizationId, preview, opts.aliases ?? {});
    const departmentIds = await resolveDepartments(tx, ref.organizationId, next.initiatives.flatMap((i) => i.departments));

    for (const [position, i] of next.initiatives.entries()) {
      const id = yearIdByKey.get(i.key);
      if (id !== undefined && !touched.has(i.key)) continue;
      await writeInitiative(tx, ref.planId, ref.editionId, id, position, i, pillarId, subAreaId, departmentIds);
    }
    const removedKeys = [...yearIdByKey.keys()].filter((k) => !next.initiatives.some((i) => i.key === k));
    if (removedKeys.length) await tx.delete(t.initiativeYears).where(inArray(t.initiativeYears.id, removedKeys.map((k) => yearIdByKey.get(k)!)));
    if (preview.changes.some((c) => c.entity === 'kpi')) await upsertKpis(tx, ref.planId, next.kpis);

    const changeSetId = await recordChangeSet(
      tx,
      {
        organizationId: ref.organizationId,
        actor: opts.actor,
        userId: opts.userId ?? null,
        source: opts.source,
        summary: `変更 ${preview.changes.length} 件、追加 ${preview.added.initiatives.length + preview.added.results.length} 件、削除 ${preview.removed.initiatives.length + preview.removed.results.length} 件`,
      },
      [
        ...preview.changes.map((c) => ({
          entity: c.entity,
          entityKey: c.key,
          action: 'update' as const,
          before: { field: c.field, value: c.before },
          after: { field: c.field, value: c.after },
        })),
        ...preview.added.initiatives.map((l) => ({ entity: 'initiative', entityKey: l, action: 'insert' as const, before: null, after: { title: l } })),
        ...preview.added.results.map((l) => ({ entity: 'result', entityKey: l, action: 'insert' as const, before: null, after: { label: l } })),
        ...preview.removed.initiatives.map((l) => ({ entity: 'initiative', entityKey: l, action: 'delete' as const, before: { title: l }, after: null })),
        ...preview.removed.results.map((l) => ({ entity: 'result', entityKey: l, action: 'delete' as const, before: { label: l }, after: null })),
        ...aliasEntries,
      ],
    );
    await bumpEdition(tx, ref.editionId);
    return { changeSetId, changed: preview.changes.length };
  });
  signalChange();
  return result;
}

/**
 * Registers the chosen unknown names as aliases before departments are resolved, so the initiatives link
 * to the existing department and no second spelling is created.
 */
async function registerAliases(tx: Tx, organizationId: number, preview: Preview, aliases: Record<string, string>): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  for (const [alias, into] of Object.entries(aliases)) {
    if (!into) continue;
    if (!preview.unknownDepartments.some((u) => u.name === alias)) throw new InvalidInputError(`「${alias}」はこのファイルの未登録の課所ではありません`);
    const [d] = await tx.select({ id: t.departments.id }).from(t.departments).where(and(eq(t.departments.organizationId, organizationId), eq(t.departments.name, into)));
    if (!d) throw new InvalidInputError(`担当課所「${into}」がありません`);
    await tx.insert(t.departmentAliases).values({ organizationId, departmentId: d.id, alias });
    entries.push({ entity: 'department', entityKey: into, action: 'update', before: null, after: { alias } });
  }
  if (entries.length) await tx.update(t.organizations).set({ version: sql`${t.organizations.version} + 1`, updatedAt: new Date() }).where(eq(t.organizations.id, organizationId));
  return entries;
}

async function writeInitiative(
  tx: Tx,
  planId: number,
  editionId: number,
  yearId: number | undefined,
  position: number,
  i: Initiative,
  pillarId: Map<string, number>,
  subAreaId: Map<string, number>,
  departmentIds: Map<string, number>,
) {
  const fields = {
    pillarId: pillarId.get(i.pillarKey)!,
    subAreaId: i.subAreaKey ? (subAreaId.get(i.subAreaKey) ?? null) : null,
    number: i.number,
    title: i.title,
    status: i.status,
    content: i.content,
    plan: i.plan,
    resultsFiscalYear: i.resultsFiscalYear,
    resultsText: i.resultsText,
    updatedAt: new Date(),
  };
  let id = yearId;
  if (id !== undefined) {
    const [row] = await tx.select({ version: t.initiativeYears.version }).from(t.initiativeYears).where(eq(t.initiativeYears.id, id));
    await tx
      .update(t.initiativeYears)
      .set({ ...fields, version: row!.version + 1 })
      .where(and(eq(t.initiativeYears.id, id), eq(t.initiativeYears.version, row!.version)));
    await tx.delete(t.initiativeDepartments).where(eq(t.initiativeDepartments.initiativeYearId, id));
    await tx.delete(t.results).where(eq(t.results.initiativeYearId, id));
  } else {
    const [identity] = await tx.insert(t.initiatives).values({ planId, key: i.key }).onConflictDoNothing().returning({ id: t.initiatives.id });
    const initiativeId = identity?.id ?? (await tx.select({ id: t.initiatives.id }).from(t.initiatives).where(and(eq(t.initiatives.planId, planId), eq(t.initiatives.key, i.key))))[0]!.id;
    const [row] = await tx.insert(t.initiativeYears).values({ initiativeId, editionId, position, ...fields }).returning({ id: t.initiativeYears.id });
    id = row!.id;
  }
  const seen = new Set<number>();
  const links = i.departments
    .map((d) => departmentIds.get(d)!)
    .filter((d) => !seen.has(d) && seen.add(d))
    .map((departmentId, k) => ({ initiativeYearId: id!, departmentId, position: k }));
  if (links.length) await tx.insert(t.initiativeDepartments).values(links);
  if (i.results.length) await tx.insert(t.results).values(i.results.map((r, k) => ({ initiativeYearId: id!, position: k, ...r })));
}
