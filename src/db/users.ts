// Staff accounts as the admin manages them in the workspace: add, change role, departments and contact,
// disable, and set a new password. The organization always keeps one active admin, so nobody can lock the
// office out of its own workspace; a disabled account and a reset password end that person's sessions.
import { hash } from '@node-rs/argon2';
import { and, asc, eq, ne, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from './client.ts';
import * as t from './schema.ts';
import { createUser, departmentIds, passwordProblem } from './accounts.ts';
import { InvalidInputError } from './errors.ts';
import { allow, orgCodeOf, organizationWrite, WorkspaceError } from './command.ts';
import type { Actor, Role } from '../domain/roles.ts';

export interface StaffAccount {
  login: string;
  displayName: string;
  email: string | null;
  role: Role;
  departments: string[];
  disabled: boolean;
  version: number;
}

export async function listAccounts(db: DbOrTx, actor: Actor): Promise<StaffAccount[]> {
  allow(actor, 'manage');
  const users = await db.select().from(t.users).where(eq(t.users.organizationId, actor.organizationId)).orderBy(asc(t.users.login));
  const links = await db
    .select({ userId: t.userDepartments.userId, name: t.departments.name })
    .from(t.userDepartments)
    .innerJoin(t.departments, eq(t.departments.id, t.userDepartments.departmentId))
    .where(eq(t.departments.organizationId, actor.organizationId));
  // The platform administrator has no organization, so the query never returns it; the check says so to the types.
  return users.flatMap((u) =>
    u.role === 'platform'
      ? []
      : [
          {
            login: u.login,
            displayName: u.displayName,
            email: u.email,
            role: u.role,
            departments: links.filter((l) => l.userId === u.id).map((l) => l.name),
            disabled: u.disabled,
            version: u.version,
          },
        ],
  );
}

/** Errors of the account commands are the person's to fix; the web layer shows them on the form. */
function refused(e: unknown): never {
  if (e instanceof InvalidInputError) throw new WorkspaceError(e.message.split(' / ')[0]!);
  throw e;
}

export async function addAccount(db: Db, actor: Actor, fields: Omit<StaffAccount, 'disabled' | 'version'> & { password: string }): Promise<void> {
  allow(actor, 'manage');
  await createUser(db, { orgCode: await orgCodeOf(db, actor.organizationId), ...fields }, actor.login, actor.id).catch(refused);
}

export interface AccountChange {
  displayName: string;
  email: string | null;
  role: Role;
  departments: string[];
  disabled: boolean;
}

async function accountRow(tx: DbOrTx, actor: Actor, login: string) {
  const [u] = await tx
    .select()
    .from(t.users)
    .where(and(eq(t.users.organizationId, actor.organizationId), eq(t.users.login, login)))
    .for('update');
  if (!u) throw new WorkspaceError(`アカウント「${login}」はありません`, 404);
  return u;
}

export async function updateAccount(db: Db, actor: Actor, login: string, expectedVersion: number, change: AccountChange): Promise<void> {
  allow(actor, 'manage');
  if (change.role === 'editor' && !change.departments.length) throw new WorkspaceError('編集者には担当課所が必要です');
  // The organization row (locked by the command) serializes account changes, so two admins cannot demote each other at once.
  await organizationWrite(db, actor, 'user:update', async (tx) => {
    const u = await accountRow(tx, actor, login);
    if (u.version !== expectedVersion) throw new WorkspaceError('ほかの人が先にこのアカウントを変更しました。画面を読み込み直してから変更してください', 409);
    if (u.role === 'admin' && !u.disabled && (change.role !== 'admin' || change.disabled)) {
      const [others] = await tx
        .select({ n: sql<number>`count(*)::int` })
        .from(t.users)
        .where(and(eq(t.users.organizationId, actor.organizationId), eq(t.users.role, 'admin'), eq(t.users.disabled, false), ne(t.users.id, u.id)));
      if (others!.n === 0) throw new WorkspaceError('有効な管理者がいなくなるため、この変更はできません。先にほかの人を管理者にしてください', 409);
    }
    const departments = await departmentIds(tx, actor.organizationId, change.role === 'editor' ? change.departments : []).catch(refused);
    const before = (await listAccounts(tx, actor)).find((a) => a.login === login)!;
    await tx
      .update(t.users)
      .set({
        displayName: change.displayName,
        email: change.email,
        role: change.role,
        disabled: change.disabled,
        version: u.version + 1,
        updatedAt: new Date(),
      })
      .where(eq(t.users.id, u.id));
    await tx.delete(t.userDepartments).where(eq(t.userDepartments.userId, u.id));
    if (departments.length) await tx.insert(t.userDepartments).values(departments.map((d) => ({ userId: u.id, departmentId: d.id })));
    // A disabled account is signed out everywhere; role and departments apply from the next request anyway.
    if (change.disabled) await tx.delete(t.sessions).where(eq(t.sessions.userId, u.id));
    const { version: _v, ...was } = before;
    return {
      summary: `アカウント ${login} を変更`,
      entries: [{ entity: 'user', entityKey: login, action: 'update', before: was, after: { login, ...change, departments: departments.map((d) => d.name) } }],
      value: undefined,
    };
  });
}

/** A new password set by the admin (a forgotten one); the person's sessions end. */
export async function resetAccountPassword(db: Db, actor: Actor, login: string, password: string): Promise<void> {
  allow(actor, 'manage');
  const problem = passwordProblem(password);
  if (problem) throw new WorkspaceError(problem);
  const passwordHash = await hash(password);
  await organizationWrite(db, actor, 'user:password-reset', async (tx) => {
    const u = await accountRow(tx, actor, login);
    await tx
      .update(t.users)
      .set({ passwordHash, version: u.version + 1, updatedAt: new Date() })
      .where(eq(t.users.id, u.id));
    await tx.delete(t.sessions).where(eq(t.sessions.userId, u.id));
    return {
      summary: `アカウント ${login} のパスワードを再設定`,
      entries: [{ entity: 'user', entityKey: login, action: 'update', before: null, after: { password: 'reset' } }],
      value: undefined,
    };
  });
}
