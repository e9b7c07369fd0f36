// The yearly update round, one command per write (open, save, submit, review, publish, reopen, assess).
// Every command checks permission and state on the server, runs in one transaction and records one
// change set; a refused command changes nothing. Reading the workspace lives in workspace-read.ts
// (re-exported here), reminders and the outbox in reminders.ts, an initiative's history in history.ts,
// KPI actuals and the plan's progress rule in kpis.ts.
import { and, asc, eq, ne, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from './client.ts';
import * as t from './schema.ts';
import { saveEdition } from './repository.ts';
import { findEdition, loadEditionById } from './edition-read.ts';
import { snapshotEdition, type Publication } from './publication.ts';
import { allow, editionWrite, planWrite, userIdOf, WorkspaceError } from './command.ts';
import { initiativeWrite } from './initiative-write.ts';
import { ConflictError, findRound, lastWriter, snapshot, SUBMISSION_LABELS, type WorkspaceItem } from './workspace-read.ts';
import type { Action, Actor } from '../domain/roles.ts';
import { GRADES, isOneOf, type SubmissionState } from '../domain/enums.ts';
import { rollover } from '../domain/rollover.ts';
import { pairResults, resultLine, reviseResults, targetLine } from '../domain/results.ts';
import { hasResults, joiningResultsYear } from '../domain/results-year.ts';
import type { Initiative, PlanTarget, Result, Status } from '../domain/model.ts';
import { fiscalYearLabel } from '../domain/wareki.ts';

export { allow, editionOf, orgCodeOf, WorkspaceError, type EditionAt } from './command.ts';

export { SUBMISSION_STATES, type SubmissionState } from '../domain/enums.ts';

export {
  ConflictError,
  findRound,
  lastWriter,
  loadItem,
  loadWorkspace,
  lockItem,
  snapshot,
  SUBMISSION_LABELS,
  type RoundInfo,
  type Workspace,
  type WorkspaceItem,
} from './workspace-read.ts';

// ---- open a round ----------------------------------------------------------------------------------

export async function openRound(
  db: Db,
  actor: Actor,
  opts: { fromFiscalYear: number; dueDate: string; dropCompleted: boolean },
): Promise<{ fiscalYear: number }> {
  allow(actor, 'manage');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(opts.dueDate) || Number.isNaN(Date.parse(opts.dueDate)))
    throw new WorkspaceError('提出期限は YYYY-MM-DD の日付で入力してください');
  // The plan's row is locked: two admins opening the same round take turns, and the second is told it exists.
  return planWrite(db, actor, opts.fromFiscalYear, 'round:open', async (tx, ref) => {
    const current = await loadEditionById(tx, ref);
    // Rolling over a draft would copy what no one has approved into next year's plan.
    if (current.edition.state !== 'published')
      throw new WorkspaceError(`${fiscalYearLabel(opts.fromFiscalYear)}版はまだ公開されていません。公開してから次の年度の更新ラウンドを開きます`, 409);
    const next = rollover(current, { dropCompleted: opts.dropCompleted });
    if (next.edition.fiscalYear > current.plan.endFiscalYear)
      throw new WorkspaceError(`計画期間（${current.plan.endFiscalYear}年度まで）を過ぎる版は作れません`);
    if (await findEdition(tx, ref.organization.code, next.edition.fiscalYear))
      throw new WorkspaceError(`${fiscalYearLabel(next.edition.fiscalYear)}の版は既にあります`, 409);
    // Nested: saveEdition's own transaction becomes a savepoint of this one.
    const { editionId } = await saveEdition(tx as unknown as Db, next, { actor: actor.login, userId: userIdOf(actor), source: 'round:rollover' });
    const [round] = await tx
      .insert(t.updateRounds)
      .values({ editionId, dueDate: opts.dueDate, openedBy: userIdOf(actor) })
      .returning({ id: t.updateRounds.id });
    const years = await tx.select({ id: t.initiativeYears.id }).from(t.initiativeYears).where(eq(t.initiativeYears.editionId, editionId));
    if (years.length) await tx.insert(t.submissions).values(years.map((y) => ({ roundId: round!.id, initiativeYearId: y.id })));
    return {
      summary: `round ${next.edition.fiscalYear} opened, due ${opts.dueDate}`,
      entries: [
        {
          entity: 'round',
          entityKey: String(next.edition.fiscalYear),
          action: 'insert',
          before: null,
          after: { dueDate: opts.dueDate, dropCompleted: opts.dropCompleted, initiatives: years.length },
        },
      ],
      value: { fiscalYear: next.edition.fiscalYear },
    };
  });
}

// ---- saving an initiative (optimistic locking) -----------------------------------------------------

export interface InitiativeEdit {
  status: Status;
  content: string;
  plan: string;
  planTargets: Omit<PlanTarget, 'raw'>[];
  results: Omit<Result, 'raw'>[];
  /** The printed 実績 text as typed; absent leaves it to follow the values alone. */
  resultsText?: string;
}

/** The printed text as a form gives it back: line ends and the blank edges a textarea adds or drops do not count as an edit. */
const proseOf = (s: string) => s.replace(/\r\n?/g, '\n').trim();

/**
 * A value's line the person already wrote into the typed text is not appended a second time: where the
 * revised text holds a value's line more often than the typed text did (and the typed text held it),
 * the later copies, the appended ones, go.
 */
function withoutRepeats(typed: string, revised: string, results: readonly Result[]): string {
  const valueLines = new Set(results.map((r) => resultLine(r)));
  const had = new Map<string, number>();
  for (const l of typed.split('\n')) had.set(l.trim(), (had.get(l.trim()) ?? 0) + 1);
  const seen = new Map<string, number>();
  return revised
    .split('\n')
    .filter((l) => {
      const k = l.trim();
      seen.set(k, (seen.get(k) ?? 0) + 1);
      return !valueLines.has(k) || !had.has(k) || seen.get(k)! <= had.get(k)!;
    })
    .join('\n');
}

export async function saveInitiative(
  db: Db,
  actor: Actor,
  fiscalYear: number,
  key: string,
  expectedVersion: number,
  edit: InitiativeEdit,
): Promise<{ version: number }> {
  return initiativeWrite(db, actor, fiscalYear, key, 'edit', 'workspace:save', async (tx, { ref, item, workspace }) => {
    if (workspace.state === 'published') throw new WorkspaceError('公開済みの版は編集できません（管理者が理由を記録して再開できます）', 409);
    const sub = item.submission?.state;
    if (actor.role !== 'admin' && (sub === 'submitted' || sub === 'approved')) {
      throw new WorkspaceError(sub === 'submitted' ? '提出済みのため、審査が終わるまで編集できません' : '承認済みのため編集できません', 409);
    }
    if (item.version !== expectedVersion) {
      const w = await lastWriter(tx, key, actor.organizationId);
      throw new ConflictError(item.initiative, item.version, w.by, w.at);
    }
    const before = item.initiative;
    // Unchanged rows keep their printed text; changed ones are printed anew, and the printed 実績 block
    // follows the values line by line (prose lines stay), so a save changes only what was edited. A prose
    // edit made in the same save is the text the values are applied to: the values win over their own
    // lines (a changed value's old line still in the typed text is rewritten, else its new line appended),
    // every other line is as typed, so the printed text never contradicts a value just changed.
    const typed = edit.resultsText;
    const proseEdited = typed !== undefined && proseOf(typed) !== proseOf(before.resultsText);
    const text = proseEdited ? { results: before.results, resultsText: proseOf(typed) } : before;
    const revised = reviseResults(text, edit.results, pairResults(before.results, edit.results, { byPosition: true }));
    if (proseEdited) revised.resultsText = withoutRepeats(text.resultsText, revised.resultsText, revised.results);
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
    // An initiative whose year is unknown (one added on the web has none) takes, when a save gives it
    // results or changes them, the year its 実績 names or the one year the edition's other initiatives
    // report for, as one from a workbook does; else the year stays unknown.
    const resultsEdited = after.resultsText !== before.resultsText || JSON.stringify(after.results) !== JSON.stringify(before.results);
    if (before.resultsFiscalYear === null && resultsEdited && hasResults(after)) {
      const others = await tx
        .selectDistinct({ resultsFiscalYear: t.initiativeYears.resultsFiscalYear })
        .from(t.initiativeYears)
        .where(and(eq(t.initiativeYears.editionId, ref.editionId), ne(t.initiativeYears.id, item.yearId)));
      after.resultsFiscalYear = joiningResultsYear(after, others);
    }
    // Saving what is stored writes nothing: no new version, no audit entry.
    if (JSON.stringify(before) === JSON.stringify(after)) return { summary: '', entries: [], value: { version: item.version }, unchanged: true };
    const updated = await tx
      .update(t.initiativeYears)
      .set({
        status: after.status,
        content: after.content,
        plan: after.plan,
        resultsFiscalYear: after.resultsFiscalYear,
        resultsText: after.resultsText,
        updatedAt: new Date(),
        version: item.version + 1,
      })
      .where(and(eq(t.initiativeYears.id, item.yearId), eq(t.initiativeYears.version, expectedVersion)))
      .returning({ version: t.initiativeYears.version });
    if (!updated.length) throw new ConflictError(before, item.version, null, null);
    await tx.delete(t.results).where(eq(t.results.initiativeYearId, item.yearId));
    await tx.delete(t.planTargets).where(eq(t.planTargets.initiativeYearId, item.yearId));
    if (after.results.length) await tx.insert(t.results).values(after.results.map((r, position) => ({ initiativeYearId: item.yearId, position, ...r })));
    if (after.planTargets.length)
      await tx.insert(t.planTargets).values(after.planTargets.map((p, position) => ({ initiativeYearId: item.yearId, position, ...p })));
    if (workspace.round && (sub === 'not_started' || sub === 'returned' || sub === undefined)) {
      await tx
        .update(t.submissions)
        .set({ state: 'draft', updatedAt: new Date() })
        .where(and(eq(t.submissions.roundId, workspace.round.id), eq(t.submissions.initiativeYearId, item.yearId)));
    }
    return {
      summary: `${before.number ?? '新'} ${before.title} を保存`,
      entries: [{ entity: 'initiative', entityKey: key, action: 'update', before: snapshot(before, fiscalYear), after: snapshot(after, fiscalYear) }],
      value: { version: updated[0]!.version },
    };
  });
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
  await initiativeWrite(db, actor, fiscalYear, key, action, `workspace:${to}`, async (tx, { item, workspace }) => {
    if (workspace.state === 'published') throw new WorkspaceError('公開済みの版です', 409);
    if (!workspace.round || !item.submission) throw new WorkspaceError('この版には更新ラウンドがありません', 409);
    if (!from.includes(item.submission.state)) {
      throw new WorkspaceError(`「${SUBMISSION_LABELS[item.submission.state]}」の施策にはこの操作はできません`, 409);
    }
    await tx
      .update(t.submissions)
      .set({ state: to, updatedAt: new Date(), ...extra(item) })
      .where(and(eq(t.submissions.roundId, workspace.round.id), eq(t.submissions.initiativeYearId, item.yearId)));
    return {
      summary,
      entries: [
        {
          entity: 'submission',
          entityKey: key,
          action: 'update',
          before: { fiscalYear, state: item.submission.state },
          after: { fiscalYear, state: to, comment: extra(item).comment ?? null },
        },
      ],
      value: undefined,
    };
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

/**
 * Publishes a draft: with an update round, once every submission is approved (the round closes); without
 * one (an edition entered from nothing, or reopened to correct it), directly. The published copy the
 * public reads is written in the same transaction.
 */
export async function publishEdition(db: Db, actor: Actor, fiscalYear: number): Promise<Publication> {
  // The state is read under the edition's lock: of two admins publishing at once, the second is refused.
  return editionWrite(
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
      const publication = await snapshotEdition(tx, ref);
      await tx.update(t.editions).set({ state: 'published', publishedAt: publication.publishedAt }).where(eq(t.editions.id, ref.editionId));
      return {
        summary: `${fiscalYear} を公開`,
        entries: [{ entity: 'edition', entityKey: String(fiscalYear), action: 'update', before: { state: 'draft' }, after: { state: 'published' } }],
        value: publication,
      };
    },
    { published: 'allow' },
  );
}

/**
 * Makes a published edition a draft again, with a recorded reason. Its published copy stays: the public
 * keeps seeing the edition as last published until it is published again.
 */
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
        entries: [
          {
            entity: 'edition',
            entityKey: String(fiscalYear),
            action: 'update',
            before: { state: 'published' },
            after: { state: 'draft', reason: reason.trim() },
          },
        ],
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
  const g = grade;
  await initiativeWrite(db, actor, fiscalYear, key, 'assess', 'assessment', async (tx, { item }) => {
    await tx
      .insert(t.assessments)
      .values({ initiativeYearId: item.yearId, userId: actor.id, grade: g, comment })
      .onConflictDoUpdate({
        target: [t.assessments.initiativeYearId, t.assessments.userId],
        set: { grade: g, comment, updatedAt: new Date(), version: sql`${t.assessments.version} + 1` },
      });
    return {
      summary: `${key} を ${g} と評価`,
      entries: [{ entity: 'assessment', entityKey: key, action: 'insert', before: null, after: { fiscalYear, grade: g, comment } }],
      value: undefined,
    };
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
