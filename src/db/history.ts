// An initiative's history from the audit log: its own rows, its submissions, assessments and result rows,
// newest first. Read-only, for the history page; apart from the commands that write those rows.
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from './client.ts';
import * as t from './schema.ts';
import { allow } from './command.ts';
import type { Actor } from '../domain/roles.ts';

export interface HistoryEntry {
  at: Date;
  actor: string;
  source: string;
  summary: string;
  entity: string;
  action: 'insert' | 'update' | 'delete';
  before: unknown;
  after: unknown;
}

/**
 * The initiative's audit rows, newest first: its own (whole snapshots from the workspace, field changes
 * from an import), its submissions and assessments, and the result rows an import changed, which are
 * recorded under "key/項目".
 */
export async function initiativeAudit(db: DbOrTx, actor: Actor, key: string): Promise<(HistoryEntry & { entityKey: string })[]> {
  allow(actor, 'read');
  const escaped = key.replace(/[\\%_]/g, (c) => `\\${c}`);
  const rows = await db
    .select({
      at: t.auditLog.at,
      actor: t.changeSets.actor,
      source: t.changeSets.source,
      summary: t.changeSets.summary,
      entity: t.auditLog.entity,
      entityKey: t.auditLog.entityKey,
      action: t.auditLog.action,
      before: t.auditLog.before,
      after: t.auditLog.after,
    })
    .from(t.auditLog)
    .innerJoin(t.changeSets, eq(t.changeSets.id, t.auditLog.changeSetId))
    .where(
      and(
        eq(t.changeSets.organizationId, actor.organizationId),
        sql`((${inArray(t.auditLog.entity, ['initiative', 'submission', 'assessment'])} AND ${eq(t.auditLog.entityKey, key)}) OR (${eq(t.auditLog.entity, 'result')} AND ${t.auditLog.entityKey} LIKE ${`${escaped}/%`}))`,
      ),
    )
    .orderBy(desc(t.auditLog.id))
    .limit(500);
  return rows;
}
