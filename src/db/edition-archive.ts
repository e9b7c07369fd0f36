// Editions kept when a replace overwrote them (edition_archives, written by saveEdition), and bringing the
// latest one back: `shisaku editions restore-replaced`. Restoring is itself a replace (one transaction), so
// the edition it overwrites is archived in turn and the restore can be undone the same way.
import { and, desc, eq } from 'drizzle-orm';
import type { Db } from './client.ts';
import * as t from './schema.ts';
import { InvalidInputError } from './errors.ts';
import { saveEdition } from './repository.ts';
import type { EditionData } from '../domain/model.ts';

export interface ArchivedEdition {
  id: number;
  fiscalYear: number;
  replacedAt: Date;
  initiatives: number;
  title: string;
}

async function planOf(db: Db, orgCode: string, fiscalYear: number): Promise<number | null> {
  const [row] = await db
    .select({ id: t.plans.id })
    .from(t.plans)
    .innerJoin(t.organizations, eq(t.organizations.id, t.plans.organizationId))
    .innerJoin(t.editions, eq(t.editions.planId, t.plans.id))
    .where(and(eq(t.organizations.code, orgCode), eq(t.editions.fiscalYear, fiscalYear)));
  return row?.id ?? null;
}

export async function listArchivedEditions(db: Db, orgCode: string, fiscalYear: number): Promise<ArchivedEdition[]> {
  const planId = await planOf(db, orgCode, fiscalYear);
  if (planId === null) return [];
  const rows = await db
    .select()
    .from(t.editionArchives)
    .where(and(eq(t.editionArchives.planId, planId), eq(t.editionArchives.fiscalYear, fiscalYear)))
    .orderBy(desc(t.editionArchives.id));
  return rows.map((r) => {
    const data = r.data as EditionData;
    return { id: r.id, fiscalYear: r.fiscalYear, replacedAt: new Date(r.replacedAt), initiatives: data.initiatives.length, title: data.edition.title };
  });
}

/** Puts the most recently replaced version of the edition back: its data, source document and published copy. */
export async function restoreReplacedEdition(db: Db, orgCode: string, fiscalYear: number, actor: string): Promise<ArchivedEdition> {
  const planId = await planOf(db, orgCode, fiscalYear);
  const [row] =
    planId === null
      ? []
      : await db
          .select()
          .from(t.editionArchives)
          .where(and(eq(t.editionArchives.planId, planId), eq(t.editionArchives.fiscalYear, fiscalYear)))
          .orderBy(desc(t.editionArchives.id))
          .limit(1);
  if (!row) throw new InvalidInputError(`${orgCode} の ${fiscalYear}年度版に、置き換えられた版はありません / no replaced version of this edition`);
  const data = row.data as EditionData;
  await saveEdition(db, data, {
    replace: true,
    actor,
    source: 'restore:replaced',
    sourceDocument: row.source ?? undefined,
    restorePublication: row.publication ?? undefined,
  });
  // The archive is kept; the edition the restore overwrote was archived by the save, so running the
  // command again brings that one back (an undo of the undo).
  return { id: row.id, fiscalYear, replacedAt: new Date(row.replacedAt), initiatives: data.initiatives.length, title: data.edition.title };
}
