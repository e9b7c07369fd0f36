// The yearly update round, one command per write (open, save, submit, review, publish, reopen, assess,
// remind). Every command checks permission and state on the server, runs in one transaction and records
// one change set; a refused command changes nothing.
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db, DbOrTx, Tx } from './client.ts';
import * as t from './schema.ts';
import { bumpEdition, findEdition, loadEdition, loadInitiativeYears, recordChangeSet, saveEdition } from './repository.ts';
import { editorsByDepartment } from './accounts.ts';
import { signalChange } from './change-signal.ts';
import { allow, editionOf, editionWrite, orgCodeOf, planWrite, userIdOf, WorkspaceError, type EditionAt } from './command.ts';
import type { Action, Actor } from '../domain/roles.ts';
import { GRADES, isOneOf, type SubmissionState } from '../domain/enums.ts';
import { rollover } from '../domain/rollover.ts';
import { pairResults, reviseResults, targetLine } from '../domain/results.ts';
import type { Initiative, PlanSettings, PlanTarget, Result, Status } from '../domain/model.ts';
import { fiscalYearLabel, japanDate } from '../domain/wareki.ts';

export { allow, editionOf, orgCodeOf, WorkspaceError, type EditionAt } from './command.ts';

export { SUBMISSION_STATES, type SubmissionState } from '../domain/enums.ts';

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

// ---- open a round ----------------------------------------------------------------------------------

export async function openRound(db: Db, actor: Actor, opts: { fromFiscalYear: number; dueDate: string; dropCompleted: boolean }): Promise<{ fiscalYear: number }> {
  allow(actor, 'manage');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(opts.dueDate) || Number.isNaN(Date.parse(opts.dueDate))) throw new WorkspaceError('提出期限は YYYY-MM-DD の日付で入力してください');
  const code = await orgCodeOf(db, actor.organizationId);
  const current = await loadEdition(db, code, opts.fromFiscalYear);
  if (!current) throw new WorkspaceError(`${fiscalYearLabel(opts.fromFiscalYear)}の版がありません`, 404);
  // Rolling over a draft would copy what no one has approved into next year's plan.
  if (current.edition.state !== 'published') throw new WorkspaceError(`${fiscalYearLabel(opts.fromFiscalYear)}版はまだ公開されていません。公開してから次の年度の更新ラウンドを開きます`, 409);
  const next = rollover(current, { dropCompleted: opts.dropCompleted });
  if (next.edition.fiscalYear > current.plan.endFiscalYear) throw new WorkspaceError(`計画期間（${current.plan.endFiscalYear}年度まで）を過ぎる版は作れません`);
  if (await findEdition(db, code, next.edition.fiscalYear)) throw new WorkspaceError(`${fiscalYearLabel(next.edition.fiscalYear)}の版は既にあります`, 409);
  await db.transaction(async (tx) => {
    // Nested: saveEdition's own transaction becomes a savepoint of this one.
    const { editionId } = await saveEdition(tx as unknown as Db, next, { actor: actor.login, userId: userIdOf(actor), source: 'round:rollover' });
    const [round] = await tx.insert(t.updateRounds).values({ editionId, dueDate: opts.dueDate, openedBy: userIdOf(actor) }).returning({ id: t.updateRounds.id });
    const years = await tx.select({ id: t.initiativeYears.id }).from(t.initiativeYears).where(eq(t.initiativeYears.editionId, editionId));
    if (years.length) await tx.insert(t.submissions).values(years.map((y) => ({ roundId: round!.id, initiativeYearId: y.id })));
    await recordChangeSet(tx, { organizationId: actor.organizationId, actor: actor.login, userId: userIdOf(actor), source: 'round:open', summary: `round ${next.edition.fiscalYear} opened, due ${opts.dueDate}` }, [
      { entity: 'round', entityKey: String(next.edition.fiscalYear), action: 'insert', before: null, after: { dueDate: opts.dueDate, dropCompleted: opts.dropCompleted, initiatives: years.length } },
    ]);
  });
  signalChange();
  return { fiscalYear: next.edition.fiscalYear };
}

// ---- reading the workspace -------------------------------------------------------------------------

export interface WorkspaceItem {
  yearId: number;
  version: number;
  initiative: Initiative;
  submission: { state: SubmissionState; comment: string | null; snapshot: Initiative | null; previousSnapshot: Initiative | null; submittedAt: Date | null; reviewedAt: Date | null } | null;
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
  const subs = round && ids.length ? await db.select().from(t.submissions).where(and(eq(t.submissions.roundId, round.id), inArray(t.submissions.initiativeYearId, ids))) : [];
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

// ---- saving an initiative (optimistic locking) -----------------------------------------------------

export interface InitiativeEdit {
  status: Status;
  content: string;
  plan: string;
  planTargets: Omit<PlanTarget, 'raw'>[];
  results: Omit<Result, 'raw'>[];
}

export function snapshot(i: Initiative, fiscalYear: number) {
  return { fiscalYear, ...i };
}

export async function lastWriter(db: DbOrTx, key: string): Promise<{ by: string | null; at: Date | null }> {
  const [row] = await db
    .select({ actor: t.changeSets.actor, at: t.auditLog.at })
    .from(t.auditLog)
    .innerJoin(t.changeSets, eq(t.changeSets.id, t.auditLog.changeSetId))
    .where(and(eq(t.auditLog.entity, 'initiative'), eq(t.auditLog.entityKey, key)))
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

export async function saveInitiative(db: Db, actor: Actor, fiscalYear: number, key: string, expectedVersion: number, edit: InitiativeEdit): Promise<{ version: number }> {
  const out = await db.transaction(async (tx) => {
    const { ref, item, workspace } = await lockItem(tx, actor, fiscalYear, key);
    allow(actor, 'edit', item.initiative);
    if (workspace.state === 'published') throw new WorkspaceError('公開済みの版は編集できません（管理者が理由を記録して再開できます）', 409);
    const sub = item.submission?.state;
    if (actor.role !== 'admin' && (sub === 'submitted' || sub === 'approved')) {
      throw new WorkspaceError(sub === 'submitted' ? '提出済みのため、審査が終わるまで編集できません' : '承認済みのため編集できません', 409);
    }
    if (item.version !== expectedVersion) {
      const w = await lastWriter(tx, key);
      throw new ConflictError(item.initiative, item.version, w.by, w.at);
    }
    const before = item.initiative;
    // Unchanged rows keep their printed text; changed ones are printed anew, and the printed 実績 block
    // follows the values line by line (prose lines stay), so a save changes only what was edited.
    const revised = reviseResults(before, edit.results, pairResults(before.results, edit.results, { byPosition: true }));
    const after: Initiative = {
      ...before,
      status: edit.status,
      content: edit.content,
      plan: edit.plan,
      planTargets: edit.planTargets.map((p, k) => {
        const old = before.planTargets[k];
        const same = old && old.label === p.label && old.value === p.value && (old.unit ?? null) === (p.unit ?? null);
        return { ...p, raw: same ? old.raw : targetLine(p) };
      }),
      results: revised.results,
      resultsText: revised.resultsText,
    };
    // Saving what is stored writes nothing: no new version, no audit entry.
    if (JSON.stringify(before) === JSON.stringify(after)) return { version: item.version };
    const updated = await tx
      .update(t.initiativeYears)
      .set({ status: after.status, content: after.content, plan: after.plan, resultsText: after.resultsText, updatedAt: new Date(), version: item.version + 1 })
      .where(and(eq(t.initiativeYears.id, item.yearId), eq(t.initiativeYears.version, expectedVersion)))
      .returning({ version: t.initiativeYears.version });
    if (!updated.length) throw new ConflictError(before, item.version, null, null);
    await tx.delete(t.results).where(eq(t.results.initiativeYearId, item.yearId));
    await tx.delete(t.planTargets).where(eq(t.planTargets.initiativeYearId, item.yearId));
    if (after.results.length) await tx.insert(t.results).values(after.results.map((r, position) => ({ initiativeYearId: item.yearId, position, ...r })));
    if (after.planTargets.length) await tx.insert(t.planTargets).values(after.planTargets.map((p, position) => ({ initiativeYearId: item.yearId, position, ...p })));
    if (workspace.round && (sub === 'not_started' || sub === 'returned' || sub === undefined)) {
      await tx.update(t.submissions).set({ state: 'draft', updatedAt: new Date() }).where(and(eq(t.submissions.roundId, workspace.round.id), eq(t.submissions.initiativeYearId, item.yearId)));
    }
    await recordChangeSet(tx, { organizationId: ref.organizationId, actor: actor.login, userId: userIdOf(actor), source: 'workspace:save', summary: `${before.number ?? '新'} ${before.title} を保存` }, [
      { entity: 'initiative', entityKey: key, action: 'update', before: snapshot(before, fiscalYear), after: snapshot(after, fiscalYear) },
    ]);
    await bumpEdition(tx, ref.editionId);
    return { version: updated[0]!.version };
  });
  signalChange();
  return out;
}

// ---- submit and review ------------------------------------------------------------------------------

async function setSubmission(
  db: Db,
  actor: Actor,
  fiscalYear: number,
  key: string,
  action: Action,
  from: SubmissionState[],
  to: SubmissionState,
  extra: (item: WorkspaceItem) => Partial<typeof t.submissions.$inferInsert>,
  summary: string,
) {
  await db.transaction(async (tx) => {
    const { ref, item, workspace } = await lockItem(tx, actor, fiscalYear, key);
    allow(actor, action, item.initiative);
    if (workspace.state === 'published') throw new WorkspaceError('公開済みの版です', 409);
    if (!workspace.round || !item.submission) throw new WorkspaceError('この版には更新ラウンドがありません', 409);
    if (!from.includes(item.submission.state)) {
      throw new WorkspaceError(`「${SUBMISSION_LABELS[item.submission.state]}」の施策にはこの操作はできません`, 409);
    }
    await tx
      .update(t.submissions)
      .set({ state: to, updatedAt: new Date(), ...extra(item) })
      .where(and(eq(t.submissions.roundId, workspace.round.id), eq(t.submissions.initiativeYearId, item.yearId)));
    await recordChangeSet(tx, { organizationId: ref.organizationId, actor: actor.login, userId: userIdOf(actor), source: `workspace:${to}`, summary }, [
      { entity: 'submission', entityKey: key, action: 'update', before: { fiscalYear, state: item.submission.state }, after: { fiscalYear, state: to, comment: extra(item).comment ?? null } },
    ]);
    await bumpEdition(tx, ref.editionId);
  });
}

export function submitInitiative(db: Db, actor: Actor, fiscalYear: number, key: string) {
  return setSubmission(
    db,
    actor,
    fiscalYear,
    key,
    'submit',
    ['not_started', 'draft', 'returned'],
    'submitted',
    (item) => ({ snapshot: item.initiative, previousSnapshot: item.submission?.snapshot ?? null, submittedBy: userIdOf(actor), submittedAt: new Date() }),
    `${key} を提出`,
  );
}

export async function reviewInitiative(db: Db, actor: Actor, fiscalYear: number, key: string, decision: 'approve' | 'return', comment: string) {
  // Permission before validation: a person who may not review is told so, whatever the form held.
  allow(actor, 'review');
  if (decision === 'return' && !comment.trim()) throw new WorkspaceError('差し戻す理由をコメントに書いてください');
  return setSubmission(
    db,
    actor,
    fiscalYear,
    key,
    'review',
    ['submitted'],
    decision === 'approve' ? 'approved' : 'returned',
    () => ({ comment: comment.trim() || null, reviewedBy: userIdOf(actor), reviewedAt: new Date() }),
    `${key} を${decision === 'approve' ? '承認' : '差戻し'}`,
  );
}

// ---- publish and reopen ---------------------------------------------------------------------------

export async function publishEdition(db: Db, actor: Actor, fiscalYear: number): Promise<void> {
  // The state is read under the edition's lock: of two admins publishing at once, the second is refused.
  await editionWrite(
    db,
    actor,
    fiscalYear,
    'edition:publish',
    async (tx, ref) => {
      if (ref.state === 'published') throw new WorkspaceError('この版は公開済みです', 409);
      const round = await findRound(tx, ref.editionId);
      if (round) {
        const [pending] = await tx
          .select({ n: sql<number>`count(*)::int` })
          .from(t.submissions)
          .where(and(eq(t.submissions.roundId, round.id), sql`${t.submissions.state} <> 'approved'`));
        if (pending!.n > 0) throw new WorkspaceError(`未承認の施策が ${pending!.n} 件あるため公開できません`, 409);
        await tx.update(t.updateRounds).set({ state: 'closed', updatedAt: new Date() }).where(eq(t.updateRounds.id, round.id));
      }
      await tx.update(t.editions).set({ state: 'published', publishedAt: new Date() }).where(eq(t.editions.id, ref.editionId));
      return {
        summary: `${fiscalYear} を公開`,
        entries: [{ entity: 'edition', entityKey: String(fiscalYear), action: 'update', before: { state: 'draft' }, after: { state: 'published' } }],
        value: undefined,
      };
    },
    { published: 'allow' },
  );
}

export async function reopenEdition(db: Db, actor: Actor, fiscalYear: number, reason: string): Promise<void> {
  allow(actor, 'manage');
  if (!reason.trim()) throw new WorkspaceError('再開する理由を入力してください');
  await editionWrite(
    db,
    actor,
    fiscalYear,
    'edition:reopen',
    async (tx, ref) => {
      if (ref.state !== 'published') throw new WorkspaceError('この版は公開されていません', 409);
      await tx.update(t.editions).set({ state: 'draft', publishedAt: null }).where(eq(t.editions.id, ref.editionId));
      const round = await findRound(tx, ref.editionId);
      if (round) await tx.update(t.updateRounds).set({ state: 'open', updatedAt: new Date() }).where(eq(t.updateRounds.id, round.id));
      return {
        summary: `${fiscalYear} を再開: ${reason.trim()}`,
        entries: [{ entity: 'edition', entityKey: String(fiscalYear), action: 'update', before: { state: 'published' }, after: { state: 'draft', reason: reason.trim() } }],
        value: undefined,
      };
    },
    { published: 'allow' },
  );
}

// ---- assessments -------------------------------------------------------------------------------------

export async function recordAssessment(db: Db, actor: Actor, fiscalYear: number, key: string, grade: string, comment: string): Promise<void> {
  allow(actor, 'assess');
  if (!isOneOf(GRADES, grade)) throw new WorkspaceError('評価は A・B・C・D から選んでください');
  if (comment.length > 4000) throw new WorkspaceError('コメントは4,000文字までです');
  await db.transaction(async (tx) => {
    const { item } = await loadItem(tx, actor, fiscalYear, key);
    await tx
      .insert(t.assessments)
      .values({ initiativeYearId: item.yearId, userId: actor.id, grade, comment })
      .onConflictDoUpdate({ target: [t.assessments.initiativeYearId, t.assessments.userId], set: { grade, comment, updatedAt: new Date(), version: sql`${t.assessments.version} + 1` } });
    await recordChangeSet(tx, { organizationId: actor.organizationId, actor: actor.login, userId: userIdOf(actor), source: 'assessment', summary: `${key} を ${grade} と評価` }, [
      { entity: 'assessment', entityKey: key, action: 'insert', before: null, after: { fiscalYear, grade, comment } },
    ]);
  });
}

export async function listAssessments(db: DbOrTx, yearId: number) {
  return db
    .select({ grade: t.assessments.grade, comment: t.assessments.comment, by: t.users.displayName, at: t.assessments.updatedAt })
    .from(t.assessments)
    .innerJoin(t.users, eq(t.users.id, t.assessments.userId))
    .where(eq(t.assessments.initiativeYearId, yearId))
    .orderBy(asc(t.assessments.id));
}

// ---- dashboard and reminders -------------------------------------------------------------------------

export interface DepartmentProgress {
  department: string;
  counts: Record<SubmissionState, number>;
  total: number;
  /** Past the due date with something not yet submitted. */
  overdue: boolean;
}

export function departmentProgress(ws: Workspace, today = japanDate()): DepartmentProgress[] {
  const by = new Map<string, DepartmentProgress>();
  for (const item of ws.items) {
    const state = item.submission?.state ?? 'not_started';
    for (const d of item.initiative.departments) {
      let p = by.get(d);
      if (!p) by.set(d, (p = { department: d, counts: { not_started: 0, draft: 0, submitted: 0, returned: 0, approved: 0 }, total: 0, overdue: false }));
      p.counts[state]++;
      p.total++;
    }
  }
  const pastDue = ws.round !== null && ws.round.state === 'open' && today > ws.round.dueDate;
  for (const p of by.values()) p.overdue = pastDue && p.counts.not_started + p.counts.draft + p.counts.returned > 0;
  return [...by.values()].sort((a, b) => Number(b.overdue) - Number(a.overdue) || a.department.localeCompare(b.department, 'ja'));
}

/** Puts a reminder in the outbox for every department with initiatives not yet submitted. */
export async function queueReminders(db: Db, actor: Actor, fiscalYear: number): Promise<number> {
  allow(actor, 'manage');
  const ws = await loadWorkspace(db, actor, fiscalYear);
  if (!ws.round || ws.round.state !== 'open') throw new WorkspaceError('開いている更新ラウンドがありません', 409);
  const late = departmentProgress(ws).filter((p) => p.counts.not_started + p.counts.draft + p.counts.returned > 0);
  const editors = await editorsByDepartment(db, actor.organizationId, late.map((p) => p.department));
  const rows = late.flatMap((p) =>
    (editors.get(p.department) ?? [{ login: p.department, email: null }]).map((e) => ({
      organizationId: actor.organizationId,
      recipient: e.email ?? `${e.login}（メールアドレス未登録）`,
      subject: `【shisaku】${ws.title} の更新のお願い（期限 ${ws.round!.dueDate}）`,
      body: `${p.department} ご担当者様\n\n${ws.title} の更新ラウンドで、未提出の施策が ${p.counts.not_started + p.counts.draft + p.counts.returned} 件あります（差戻し ${p.counts.returned} 件）。\n提出期限は ${ws.round!.dueDate} です。shisaku の作業画面から入力・提出をお願いします。\n`,
    })),
  );
  if (!rows.length) return 0;
  await db.transaction(async (tx) => {
    await tx.insert(t.outbox).values(rows);
    await recordChangeSet(tx, { organizationId: actor.organizationId, actor: actor.login, userId: userIdOf(actor), source: 'round:remind', summary: `督促 ${rows.length} 件` }, [
      { entity: 'round', entityKey: String(fiscalYear), action: 'update', before: null, after: { reminders: rows.map((r) => r.recipient) } },
    ]);
  });
  return rows.length;
}

export interface Mailer {
  send(m: { to: string; subject: string; text: string }): Promise<void>;
}

/** Sends what waits in the outbox; without a mailer (no SMTP configured) the messages are logged and marked sent. */
export async function deliverOutbox(db: Db, mailer: Mailer | null, log: (s: string) => void = console.log): Promise<{ sent: number; failed: number }> {
  const pending = await db.select().from(t.outbox).where(sql`${t.outbox.sentAt} IS NULL`).orderBy(asc(t.outbox.id)).limit(200);
  let sent = 0;
  let failed = 0;
  for (const m of pending) {
    try {
      if (mailer && m.recipient.includes('@')) await mailer.send({ to: m.recipient, subject: m.subject, text: m.body });
      else log(`[outbox] ${m.recipient}: ${m.subject}`);
      await db.update(t.outbox).set({ sentAt: new Date(), error: null }).where(eq(t.outbox.id, m.id));
      sent++;
    } catch (e) {
      await db.update(t.outbox).set({ error: String((e as Error).message).slice(0, 500) }).where(eq(t.outbox.id, m.id));
      failed++;
    }
  }
  return { sent, failed };
}

export async function listOutbox(db: DbOrTx, organizationId: number) {
  return db.select().from(t.outbox).where(eq(t.outbox.organizationId, organizationId)).orderBy(desc(t.outbox.id)).limit(100);
}

// ---- history -----------------------------------------------------------------------------------------

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
    .select({ at: t.auditLog.at, actor: t.changeSets.actor, source: t.changeSets.source, summary: t.changeSets.summary, entity: t.auditLog.entity, entityKey: t.auditLog.entityKey, action: t.auditLog.action, before: t.auditLog.before, after: t.auditLog.after })
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

// ---- master data and settings (admin) ------------------------------------------------------------------

export async function updateKpiActual(db: Db, actor: Actor, fiscalYear: number, kpiKey: string, year: number, value: string | null): Promise<void> {
  await planWrite(db, actor, fiscalYear, 'kpi:actual', async (tx, ref) => {
    const [kpi] = await tx.select().from(t.kpis).where(and(eq(t.kpis.planId, ref.planId), eq(t.kpis.key, kpiKey)));
    if (!kpi) throw new WorkspaceError('その KPI はありません', 404);
    const [old] = await tx.select().from(t.kpiActuals).where(and(eq(t.kpiActuals.kpiId, kpi.id), eq(t.kpiActuals.fiscalYear, year)));
    // The value it already has writes nothing.
    if ((old?.value ?? null) === value) return { summary: '', entries: [], value: undefined, unchanged: true };
    if (value === null) await tx.delete(t.kpiActuals).where(and(eq(t.kpiActuals.kpiId, kpi.id), eq(t.kpiActuals.fiscalYear, year)));
    else
      await tx
        .insert(t.kpiActuals)
        .values({ kpiId: kpi.id, fiscalYear: year, value })
        .onConflictDoUpdate({ target: [t.kpiActuals.kpiId, t.kpiActuals.fiscalYear], set: { value, updatedAt: new Date(), version: sql`${t.kpiActuals.version} + 1` } });
    return {
      summary: `${kpi.name} ${year}年度 ${value ?? '削除'}`,
      entries: [{ entity: 'kpi', entityKey: kpiKey, action: 'update', before: { fiscalYear: year, value: old?.value ?? null }, after: { fiscalYear: year, value } }],
      value: undefined,
    };
  });
}

/** The plan's progress rule (rounding, decimals, cap, grading bands); every table is recomputed from it. */
export async function updatePlanSettings(db: Db, actor: Actor, fiscalYear: number, settings: PlanSettings): Promise<void> {
  await planWrite(db, actor, fiscalYear, 'plan:settings', async (tx, ref) => {
    const [plan] = await tx.select().from(t.plans).where(eq(t.plans.id, ref.planId));
    await tx.update(t.plans).set({ settings, updatedAt: new Date() }).where(eq(t.plans.id, ref.planId));
    return {
      summary: '進捗率の計算規則を変更',
      entries: [{ entity: 'plan', entityKey: String(ref.planId), action: 'update', before: plan!.settings, after: settings }],
      value: undefined,
    };
  });
}
