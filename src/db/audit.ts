// The audit log and the edition stamp: one change set per user action with a row per entity it touched,
// and the version bump that refreshes caches. Shared by every write, so it stands apart from all of them.
import { eq, sql } from 'drizzle-orm';
import type { DbOrTx } from './client.ts';
import * as t from './schema.ts';
import { signalChange } from './change-signal.ts';

/** What each kind of write records (src/domain/audit-entry.ts). */
export type { AuditEntry } from '../domain/audit-entry.ts';
import type { AuditEntry } from '../domain/audit-entry.ts';

export interface ChangeSetInfo {
  organizationId: number | null;
  actor: string;
  userId: number | null;
  source: string;
  summary: string;
}

/** One user action = one change set, with an audit row per entity it touched. */
export async function recordChangeSet(tx: DbOrTx, info: ChangeSetInfo, entries: AuditEntry[]): Promise<number> {
  const [cs] = await tx.insert(t.changeSets).values(info).returning({ id: t.changeSets.id });
  const id = Number(cs!.id);
  for (const chunk of chunks(entries, 500)) {
    await tx.insert(t.auditLog).values(
      chunk.map((e) => ({
        changeSetId: id,
        entity: e.entity,
        entityKey: e.entityKey,
        action: e.action,
        before: e.before ?? null,
        after: e.after ?? null,
      })),
    );
  }
  return id;
}

/** Marks an edition changed so caches and ETags keyed on editionStamp refresh. */
export async function bumpEdition(tx: DbOrTx, editionId: number): Promise<void> {
  signalChange();
  await tx
    .update(t.editions)
    .set({ version: sql`${t.editions.version} + 1`, updatedAt: new Date() })
    .where(eq(t.editions.id, editionId));
}

/** Rows in slices of `size`, so a large insert stays under the bind-parameter limit. */
export function* chunks<T>(rows: T[], size: number): Generator<T[]> {
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}
