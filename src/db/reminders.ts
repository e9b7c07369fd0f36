// The round's dashboard and reminders: each department's progress, reminders queued in the outbox for
// departments with work not yet submitted, and the outbox's delivery. Mail is its own concern, apart
// from the round's commands in workspace.ts.
import { asc, desc, eq, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from './client.ts';
import * as t from './schema.ts';
import { recordChangeSet } from './audit.ts';
import { editorsByDepartment } from './accounts.ts';
import { allow, userIdOf, WorkspaceError } from './command.ts';
import { loadWorkspace, type Workspace } from './workspace-read.ts';
import type { Actor } from '../domain/roles.ts';
import type { SubmissionState } from '../domain/enums.ts';
import { japanDate } from '../domain/wareki.ts';

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
  if (ws.round?.state !== 'open') throw new WorkspaceError('開いている更新ラウンドがありません', 409);
  const late = departmentProgress(ws).filter((p) => p.counts.not_started + p.counts.draft + p.counts.returned > 0);
  const editors = await editorsByDepartment(
    db,
    actor.organizationId,
    late.map((p) => p.department),
  );
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
    await recordChangeSet(
      tx,
      { organizationId: actor.organizationId, actor: actor.login, userId: userIdOf(actor), source: 'round:remind', summary: `督促 ${rows.length} 件` },
      [{ entity: 'round', entityKey: String(fiscalYear), action: 'update', before: null, after: { reminders: rows.map((r) => r.recipient) } }],
    );
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
      await db
        .update(t.outbox)
        .set({ error: String((e as Error).message).slice(0, 500) })
        .where(eq(t.outbox.id, m.id));
      failed++;
    }
  }
  return { sent, failed };
}

export async function listOutbox(db: DbOrTx, organizationId: number) {
  return db.select().from(t.outbox).where(eq(t.outbox.organizationId, organizationId)).orderBy(desc(t.outbox.id)).limit(100);
}
