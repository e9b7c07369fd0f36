// Reading the workspace: an edition's initiative-years with their round and submissions, one item, and
// the same under lock for a write (with who wrote last, for a conflict). Shared by the round's commands
// (workspace.ts), the reminders and the structure commands, so it is apart from all of them.
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx, Tx } from './client.ts';
import * as t from './schema.ts';
import { loadInitiativeYears } from './edition-read.ts';
import { allow, editionOf, WorkspaceError, type EditionAt } from './command.ts';
import type { Actor } from '../domain/roles.ts';
import type { SubmissionState } from '../domain/enums.ts';
import type { Initiative } from '../domain/model.ts';

export const SUBMISSION_LABELS: Record<SubmissionState, string> = {
  not_started: '未着手',
  draft: '作成中',
  submitted: '提出済み',
  returned: '差戻し',
  approved: '承認済み',
};

/** Someone saved the initiative after this person loaded it; nothing was written. */
export class ConflictError extends WorkspaceError {
  constructor(
    readonly current: Initiative,
    readonly currentVersion: number,
    readonly by: string | null,
    readonly at: Date | null,
  ) {
    super(`${by ?? '別の人'}さんが先にこの施策を保存しました。相手の変更を確認してから、もう一度保存してください。`, 409);
    this.name = 'ConflictError';
  }
}

export interface RoundInfo {
  id: number;
  dueDate: string;
  state: 'open' | 'closed';
}

export async function findRound(db: DbOrTx, editionId: number): Promise<RoundInfo | null> {
  const [r] = await db.select().from(t.updateRounds).where(eq(t.updateRounds.editionId, editionId));
  return r ? { id: r.id, dueDate: r.dueDate, state: r.state } : null;
}

// ---- reading the workspace -------------------------------------------------------------------------

export interface WorkspaceItem {
  yearId: number;
  version: number;
  initiative: Initiative;
  submission: {
    state: SubmissionState;
    comment: string | null;
    snapshot: Initiative | null;
    previousSnapshot: Initiative | null;
    submittedAt: Date | null;
    reviewedAt: Date | null;
  } | null;
}

export interface Workspace {
  fiscalYear: number;
  editionId: number;
  title: string;
  state: 'draft' | 'published';
  round: RoundInfo | null;
  items: WorkspaceItem[];
}

export async function loadWorkspace(db: DbOrTx, actor: Actor, fiscalYear: number, key?: string): Promise<Workspace> {
  allow(actor, 'read');
  return workspaceAt(db, await editionOf(db, actor, fiscalYear), key);
}

/** The workspace of an edition already looked up (and, in a write, already locked). */
async function workspaceAt(db: DbOrTx, ref: EditionAt, key?: string): Promise<Workspace> {
  const where = key ? and(eq(t.initiativeYears.editionId, ref.editionId), eq(t.initiatives.key, key))! : eq(t.initiativeYears.editionId, ref.editionId);
  const years = await loadInitiativeYears(db, where as ReturnType<typeof eq>);
  const round = await findRound(db, ref.editionId);
  const ids = years.map((y) => y.id);
  const subs =
    round && ids.length
      ? await db
          .select()
          .from(t.submissions)
          .where(and(eq(t.submissions.roundId, round.id), inArray(t.submissions.initiativeYearId, ids)))
      : [];
  const subBy = new Map(subs.map((s) => [s.initiativeYearId, s]));
  return {
    fiscalYear: ref.fiscalYear,
    editionId: ref.editionId,
    title: ref.title,
    state: ref.state,
    round,
    items: years.map((y) => {
      const s = subBy.get(y.id);
      return {
        yearId: y.id,
        version: y.version,
        initiative: y.initiative,
        submission: s
          ? {
              state: s.state,
              comment: s.comment,
              snapshot: (s.snapshot as Initiative | null) ?? null,
              previousSnapshot: (s.previousSnapshot as Initiative | null) ?? null,
              submittedAt: s.submittedAt,
              reviewedAt: s.reviewedAt,
            }
          : null,
      };
    }),
  };
}

function onlyItem(workspace: Workspace): WorkspaceItem {
  const item = workspace.items[0];
  if (!item) throw new WorkspaceError('その施策はこの版にありません', 404);
  return item;
}

export async function loadItem(db: DbOrTx, actor: Actor, fiscalYear: number, key: string): Promise<{ workspace: Workspace; item: WorkspaceItem }> {
  const workspace = await loadWorkspace(db, actor, fiscalYear, key);
  return { workspace, item: onlyItem(workspace) };
}

// ---- locking an item for a write ---------------------------------------------------------------------

export function snapshot(i: Initiative, fiscalYear: number) {
  return { fiscalYear, ...i };
}

/** Who saved the organization's initiative `key` last. Keys repeat across organizations, so the organization is part of the question. */
export async function lastWriter(db: DbOrTx, key: string, organizationId: number): Promise<{ by: string | null; at: Date | null }> {
  const [row] = await db
    .select({ actor: t.changeSets.actor, at: t.auditLog.at })
    .from(t.auditLog)
    .innerJoin(t.changeSets, eq(t.changeSets.id, t.auditLog.changeSetId))
    .where(and(eq(t.changeSets.organizationId, organizationId), eq(t.auditLog.entity, 'initiative'), eq(t.auditLog.entityKey, key)))
    .orderBy(desc(t.auditLog.id))
    .limit(1);
  return { by: row?.actor ?? null, at: row?.at ?? null };
}

/** Locks the edition row and the initiative-year for the rest of the transaction. */
export async function lockItem(tx: Tx, actor: Actor, fiscalYear: number, key: string) {
  allow(actor, 'read');
  const ref = await editionOf(tx, actor, fiscalYear, { lock: true });
  const workspace = await workspaceAt(tx, ref, key);
  const item = onlyItem(workspace);
  await tx.execute(sql`SELECT id FROM initiative_years WHERE id = ${item.yearId} FOR UPDATE`);
  return { ref, item, workspace };
}
