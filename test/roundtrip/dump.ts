// Everything the database holds for the test organization, in a form two states can be compared in: the
// editions as domain objects, submissions by initiative key, every other table row by row without the
// columns every write touches (versions, timestamps).
import { sql } from 'drizzle-orm';
import type { Db } from '../../src/db/client.ts';
import { loadEdition } from '../../src/db/repository.ts';
import type { EditionData } from '../../src/domain/model.ts';

export const ORG = '082023';
export const FY = 2024;

/** Tables compared at the domain level (loadEdition) or checked on their own. */
const DOMAIN_TABLES = new Set([
  'initiative_years',
  'initiative_departments',
  'results',
  'plan_targets',
  'initiatives',
  'kpis',
  'kpi_actuals',
  'departments',
  'change_sets',
  'audit_log',
  'submissions',
  'sessions',
  'login_failures',
]);
const VOLATILE = new Set(['updated_at', 'created_at', 'version', 'at', 'published_at']);

async function rows(db: Db, q: string): Promise<Record<string, unknown>[]> {
  const r = (await db.execute(sql.raw(q))) as unknown as { rows: Record<string, unknown>[] };
  return r.rows;
}

export interface Dump {
  editions: Record<number, EditionData>;
  submissions: Record<string, unknown>;
  tables: Record<string, unknown[]>;
  initiativeIdentities: string[];
  lastChangeSet: number;
}

export async function dump(db: Db): Promise<Dump> {
  const editions: Record<number, EditionData> = {};
  for (const r of await rows(db, 'SELECT fiscal_year FROM editions ORDER BY fiscal_year')) {
    const fy = Number(r.fiscal_year);
    editions[fy] = (await loadEdition(db, ORG, fy))!;
  }
  const submissions: Record<string, unknown> = {};
  for (const s of await rows(
    db,
    `SELECT e.fiscal_year, i.key, s.state, s.comment, s.snapshot, s.previous_snapshot, s.submitted_by, s.reviewed_by
     FROM submissions s JOIN initiative_years y ON y.id = s.initiative_year_id JOIN initiatives i ON i.id = y.initiative_id JOIN editions e ON e.id = y.edition_id`,
  )) {
    submissions[`${s.fiscal_year}/${s.key}`] = { ...s };
  }
  const tables: Record<string, unknown[]> = {};
  for (const { table_name } of await rows(
    db,
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
  )) {
    const name = String(table_name);
    if (DOMAIN_TABLES.has(name) || name.startsWith('__')) continue;
    tables[name] = (await rows(db, `SELECT * FROM "${name}" ORDER BY 1`)).map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !VOLATILE.has(k))));
  }
  const initiativeIdentities = (await rows(db, 'SELECT key FROM initiatives ORDER BY key')).map((r) => String(r.key));
  const [cs] = await rows(db, 'SELECT coalesce(max(id), 0) AS n FROM change_sets');
  return { editions, submissions, tables, initiativeIdentities, lastChangeSet: Number(cs!.n) };
}

export interface AuditRow {
  changeSetId: number;
  entity: string;
  entityKey: string;
  action: string;
  before: unknown;
  after: unknown;
}

export async function changeSetsAfter(db: Db, id: number): Promise<{ sets: Record<string, unknown>[]; audit: AuditRow[] }> {
  const sets = await rows(db, `SELECT id, actor, source, summary FROM change_sets WHERE id > ${Number(id)} ORDER BY id`);
  const audit = (
    await rows(db, `SELECT change_set_id, entity, entity_key, action, before, after FROM audit_log WHERE change_set_id > ${Number(id)} ORDER BY id`)
  ).map((r) => ({
    changeSetId: Number(r.change_set_id),
    entity: String(r.entity),
    entityKey: String(r.entity_key),
    action: String(r.action),
    before: r.before,
    after: r.after,
  }));
  return { sets, audit };
}

export async function initiativeVersion(db: Db, key: string): Promise<number> {
  const [r] = await rows(
    db,
    `SELECT y.version FROM initiative_years y JOIN initiatives i ON i.id = y.initiative_id JOIN editions e ON e.id = y.edition_id WHERE e.fiscal_year = ${FY} AND i.key = '${key.replace(/'/g, "''")}'`,
  );
  return Number(r!.version);
}
