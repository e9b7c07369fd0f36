// What the public sees of an edition: the whole EditionData as it was when it was last published, kept in
// edition_publications. The portal, the API, the downloads and the report read only this copy, so
// reopening an edition, or drafting next year's (KPIs, settings and department names included), changes
// nothing public until the edition is published again. The staff workspace reads the live rows.
import { and, asc, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from './client.ts';
import * as t from './schema.ts';
import { loadEditionById, type EditionRef, type EditionSummary, type InitiativeHistoryEntry } from './edition-read.ts';
import { signalChange } from './change-signal.ts';
import { DEFAULT_PLAN_SETTINGS, type EditionData, type Initiative } from '../domain/model.ts';

export interface Publication {
  /** How many times the edition has been published (1 for the first). */
  number: number;
  publishedAt: Date;
}

/** The edition as the public will see it: the live rows, marked published. */
async function publicCopy(db: DbOrTx, ref: EditionRef): Promise<EditionData> {
  const data = await loadEditionById(db, ref);
  return { ...data, edition: { ...data.edition, state: 'published' } };
}

/**
 * Writes (or overwrites) the published copy of an edition from its live rows. Runs inside the publishing
 * command's transaction, so the copy and the edition's state change together. `previous` carries the
 * count of a publication an import replaced along with the edition row.
 */
export async function snapshotEdition(tx: DbOrTx, ref: EditionRef, opts: { previous?: number } = {}): Promise<Publication> {
  const data = await publicCopy(tx, ref);
  const publishedAt = new Date();
  const [row] = await tx
    .insert(t.editionPublications)
    .values({ editionId: ref.editionId, data, number: (opts.previous ?? 0) + 1, publishedAt })
    .onConflictDoUpdate({
      target: t.editionPublications.editionId,
      set: { data, number: sql`${t.editionPublications.number} + 1`, publishedAt },
    })
    .returning({ number: t.editionPublications.number, publishedAt: t.editionPublications.publishedAt });
  return { number: row!.number, publishedAt: new Date(row!.publishedAt) };
}

/** The publication of one edition (by its id), or null when it was never published. */
export async function publicationOf(db: DbOrTx, editionId: number): Promise<Publication | null> {
  const [row] = await db
    .select({ number: t.editionPublications.number, publishedAt: t.editionPublications.publishedAt })
    .from(t.editionPublications)
    .where(eq(t.editionPublications.editionId, editionId));
  return row ? { number: row.number, publishedAt: new Date(row.publishedAt) } : null;
}

/** The edition of that year as last published, or null when it has never been published. */
export async function loadPublished(db: DbOrTx, orgCode: string, fiscalYear: number): Promise<EditionData | null> {
  const [row] = await db
    .select({ data: t.editionPublications.data })
    .from(t.editionPublications)
    .innerJoin(t.editions, eq(t.editions.id, t.editionPublications.editionId))
    .innerJoin(t.plans, eq(t.plans.id, t.editions.planId))
    .innerJoin(t.organizations, eq(t.organizations.id, t.plans.organizationId))
    .where(and(eq(t.organizations.code, orgCode), eq(t.editions.fiscalYear, fiscalYear)))
    .orderBy(asc(t.plans.startFiscalYear))
    .limit(1);
  return row ? restoreEdition(row.data as EditionData) : null;
}

/**
 * A value that changes whenever what the public sees of the edition changes: its own publication (id,
 * count, time) and every other publication of the organization, since an initiative's page lists its
 * published history across editions. Nothing else is public: the copy holds the KPIs, the plan's
 * settings and the department names as published. Null when the edition was never published.
 */
export async function publishedStamp(db: DbOrTx, orgCode: string, fiscalYear: number): Promise<string | null> {
  const [row] = await db
    .select({
      e: t.editionPublications.editionId,
      n: t.editionPublications.number,
      at: t.editionPublications.publishedAt,
      all: sql<string>`(
        select count(*) || '-' || coalesce(sum(p2.number), 0) || '-' || coalesce(max(extract(epoch from p2.published_at)), 0)
        from edition_publications p2
        join editions e2 on e2.id = p2.edition_id
        join plans pl2 on pl2.id = e2.plan_id
        where pl2.organization_id = ${t.organizations.id})`,
    })
    .from(t.editionPublications)
    .innerJoin(t.editions, eq(t.editions.id, t.editionPublications.editionId))
    .innerJoin(t.plans, eq(t.plans.id, t.editions.planId))
    .innerJoin(t.organizations, eq(t.organizations.id, t.plans.organizationId))
    .where(and(eq(t.organizations.code, orgCode), eq(t.editions.fiscalYear, fiscalYear)))
    .orderBy(asc(t.plans.startFiscalYear))
    .limit(1);
  // The time makes the stamp unique across databases too (two fresh ones share ids and counts).
  return row ? `p${row.e}.${row.n}.${new Date(row.at).getTime().toString(36)}.${row.all}` : null;
}

/** The published editions, newest first, as listEditions lists them (titles and period as published). */
export async function listPublishedEditions(db: DbOrTx, orgCode: string): Promise<EditionSummary[]> {
  const rows = await db
    .select({
      fiscalYear: t.editions.fiscalYear,
      title: sql<string>`${t.editionPublications.data}->'edition'->>'title'`,
      planTitle: sql<string>`${t.editionPublications.data}->'plan'->>'title'`,
      planStartFiscalYear: sql<number>`(${t.editionPublications.data}->'plan'->>'startFiscalYear')::int`,
      planEndFiscalYear: sql<number>`(${t.editionPublications.data}->'plan'->>'endFiscalYear')::int`,
    })
    .from(t.editionPublications)
    .innerJoin(t.editions, eq(t.editions.id, t.editionPublications.editionId))
    .innerJoin(t.plans, eq(t.plans.id, t.editions.planId))
    .innerJoin(t.organizations, eq(t.organizations.id, t.plans.organizationId))
    .where(eq(t.organizations.code, orgCode))
    .orderBy(desc(t.editions.fiscalYear));
  return rows.map((r) => ({
    ...r,
    state: 'published' as const,
    planStartFiscalYear: Number(r.planStartFiscalYear),
    planEndFiscalYear: Number(r.planEndFiscalYear),
  }));
}

/** One initiative in every published edition of the organization, oldest first, as each was published. */
export async function publishedInitiativeHistory(db: DbOrTx, orgCode: string, key: string): Promise<InitiativeHistoryEntry[]> {
  const r = (await db.execute(sql`
    SELECT e.fiscal_year AS fiscal_year, i.value AS initiative
    FROM edition_publications p
    JOIN editions e ON e.id = p.edition_id
    JOIN plans pl ON pl.id = e.plan_id
    JOIN organizations o ON o.id = pl.organization_id
    CROSS JOIN LATERAL jsonb_array_elements(p.data->'initiatives') AS i(value)
    WHERE o.code = ${orgCode} AND i.value->>'key' = ${key}
    ORDER BY e.fiscal_year`)) as unknown as { rows: { fiscal_year: number; initiative: Initiative | string }[] };
  return r.rows.map((row) => ({
    fiscalYear: Number(row.fiscal_year),
    state: 'published' as const,
    initiative: restoreInitiative(typeof row.initiative === 'string' ? (JSON.parse(row.initiative) as Initiative) : row.initiative),
  }));
}

/**
 * Gives every edition stored as published its published copy when it has none: databases from before the
 * copies existed. Run once when the database is opened; a second process doing the same at the same
 * moment finds the row written and leaves it.
 */
export async function backfillPublications(db: Db): Promise<number> {
  const missing = await db
    .select({
      editionId: t.editions.id,
      planId: t.plans.id,
      organizationId: t.organizations.id,
      code: t.organizations.code,
      name: t.organizations.name,
      publishedAt: t.editions.publishedAt,
    })
    .from(t.editions)
    .innerJoin(t.plans, eq(t.plans.id, t.editions.planId))
    .innerJoin(t.organizations, eq(t.organizations.id, t.plans.organizationId))
    .leftJoin(t.editionPublications, eq(t.editionPublications.editionId, t.editions.id))
    .where(and(eq(t.editions.state, 'published'), isNull(t.editionPublications.editionId)));
  let written = 0;
  for (const m of missing) {
    const ref: EditionRef = { organizationId: m.organizationId, organization: { code: m.code, name: m.name }, planId: m.planId, editionId: m.editionId };
    await db.transaction(async (tx) => {
      // Under the edition's lock, so an admin reopening it at this moment is not overtaken.
      const [e] = await tx.select({ state: t.editions.state }).from(t.editions).where(eq(t.editions.id, m.editionId)).for('update');
      if (e?.state !== 'published') return;
      const rows = await tx
        .insert(t.editionPublications)
        .values({ editionId: m.editionId, data: await publicCopy(tx, ref), number: 1, publishedAt: m.publishedAt ?? new Date() })
        .onConflictDoNothing()
        .returning({ id: t.editionPublications.editionId });
      written += rows.length;
    });
  }
  if (written) signalChange();
  return written;
}

// ---- reading a copy back --------------------------------------------------------------------------------
// jsonb keeps an object's keys in an order of its own (shortest first); the copy is given back with the
// keys in the order loadEditionById gives them, so documents built from it (the JSON download, the API)
// read as before.

/** `o` with `keys` first, in that order, and any other key after them. */
function ordered<T extends object>(o: T, keys: readonly (keyof T)[]): T {
  const out = {} as T;
  for (const k of keys) if (k in o) out[k] = o[k];
  return Object.assign(out, o);
}

function restoreInitiative(i: Initiative): Initiative {
  return ordered(
    {
      ...i,
      planTargets: i.planTargets.map((p) => ordered(p, ['label', 'value', 'unit', 'raw'])),
      results: i.results.map((r) => ordered(r, ['label', 'actual', 'target', 'unit', 'note', 'raw'])),
    },
    [
      'key',
      'number',
      'title',
      'pillarKey',
      'subAreaKey',
      'departments',
      'status',
      'content',
      'plan',
      'planTargets',
      'resultsFiscalYear',
      'results',
      'resultsText',
    ],
  );
}

function restoreEdition(d: EditionData): EditionData {
  return ordered(
    {
      ...d,
      organization: ordered(d.organization, ['code', 'name']),
      plan: ordered(
        {
          ...d.plan,
          // A copy made before a setting existed reads it as the default, as the live plan does; the
          // settings are jsonb in the live plan too, so their own order is already the same.
          settings: { ...DEFAULT_PLAN_SETTINGS, ...d.plan.settings },
        },
        ['title', 'startFiscalYear', 'endFiscalYear', 'settings'],
      ),
      edition: ordered(d.edition, ['fiscalYear', 'title', 'tagline', 'lead', 'source', 'state']),
      pillars: d.pillars.map((p) => ordered({ ...p, subAreas: p.subAreas.map((s) => ordered(s, ['key', 'name'])) }, ['key', 'name', 'tagline', 'subAreas'])),
      initiatives: d.initiatives.map(restoreInitiative),
      kpis: d.kpis.map((k) =>
        ordered(
          {
            ...k,
            actuals: Object.fromEntries(Object.entries(k.actuals).sort(([a], [b]) => Number(a) - Number(b))),
          },
          ['key', 'name', 'pillarKey', 'unit', 'target', 'targetFiscalYear', 'direction', 'baseline', 'initiativeKey', 'actuals'],
        ),
      ),
      departments: d.departments.map((x) => ordered(x, ['name', 'aliases'])),
    },
    ['organization', 'plan', 'edition', 'pillars', 'initiatives', 'kpis', 'departments'],
  );
}
