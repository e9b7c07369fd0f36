// Staff accounts and their sessions. Passwords are argon2id hashes; a session cookie carries a random
// token whose SHA-256 is the row id, so a copy of the table cannot be replayed as cookies.
import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, inArray, lt } from 'drizzle-orm';
import { hash, verify } from '@node-rs/argon2';
import type { Db, DbOrTx } from './client.ts';
import * as t from './schema.ts';
import { InvalidInputError } from './errors.ts';
import { recordChangeSet } from './audit.ts';
import { ROLES, type Actor, type Role, type SignedIn } from '../domain/roles.ts';
import { validateOrgCode } from '../domain/org-code.ts';

export const SESSION_HOURS = 8;
export const MIN_PASSWORD_LENGTH = 12;

export function passwordProblem(password: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `パスワードは${MIN_PASSWORD_LENGTH}文字以上にしてください`;
  if (password.length > 256) return 'パスワードが長すぎます（256文字まで）';
  return null;
}

export interface NewUser {
  orgCode: string;
  login: string;
  displayName: string;
  email?: string | null;
  password: string;
  role: Role;
  departments?: string[];
}

export class UnknownDepartmentError extends InvalidInputError {
  constructor(readonly department: string) {
    super(`担当課所「${department}」は登録されていません / unknown department ${department}`);
  }
}

/**
 * Department names (or aliases) to the master's departments. An unknown name is refused rather than
 * created: a typo here would make a department no initiative belongs to, and an editor of nothing.
 */
export async function departmentIds(tx: DbOrTx, organizationId: number, names: string[]): Promise<{ id: number; name: string }[]> {
  if (!names.length) return [];
  const rows = await tx.select({ id: t.departments.id, name: t.departments.name }).from(t.departments).where(eq(t.departments.organizationId, organizationId));
  const aliases = await tx
    .select({ id: t.departmentAliases.departmentId, alias: t.departmentAliases.alias })
    .from(t.departmentAliases)
    .where(eq(t.departmentAliases.organizationId, organizationId));
  const out: { id: number; name: string }[] = [];
  for (const typed of names) {
    const id = rows.find((d) => d.name === typed)?.id ?? aliases.find((a) => a.alias === typed)?.id;
    if (id === undefined) throw new UnknownDepartmentError(typed);
    if (!out.some((d) => d.id === id)) out.push({ id, name: rows.find((d) => d.id === id)!.name });
  }
  return out;
}

/** The rules every new account meets, whichever kind: a login name of its own shape and a long password. */
function checkNewAccount(u: { login: string; password: string }): void {
  if (!/^[A-Za-z0-9._@-]{2,64}$/.test(u.login)) throw new InvalidInputError('ログイン名は半角英数字と . _ @ - の2〜64文字です / invalid login name');
  const problem = passwordProblem(u.password);
  if (problem) throw new InvalidInputError(`${problem} / password too short or too long`);
}

async function assertLoginFree(tx: DbOrTx, login: string): Promise<void> {
  const [existing] = await tx.select({ id: t.users.id }).from(t.users).where(eq(t.users.login, login));
  if (existing) throw new InvalidInputError(`ログイン名「${login}」は使われています / login already exists`);
}

/**
 * An account of an organization. The organization must exist: it is registered by the platform
 * administrator (`shisaku org add`, /admin/platform) or by importing its plan, and needs no plan yet.
 */
export async function createUser(db: Db, u: NewUser, actor = 'cli', actorId: number | null = null): Promise<number> {
  const code = validateOrgCode(u.orgCode);
  if (!code.ok) throw new InvalidInputError(`${code.reason} / ${code.reasonEn}`);
  if (!ROLES.includes(u.role)) throw new InvalidInputError(`役割は ${ROLES.join(' / ')} のいずれかです / unknown role`);
  checkNewAccount(u);
  if (u.role === 'editor' && !u.departments?.length) throw new InvalidInputError('編集者には担当課所が必要です（--department） / an editor needs a department');
  const passwordHash = await hash(u.password);
  return db.transaction(async (tx) => {
    const [org] = await tx.select({ id: t.organizations.id }).from(t.organizations).where(eq(t.organizations.code, code.code));
    if (!org) {
      throw new InvalidInputError(
        `自治体 ${code.code} は登録されていません（先に shisaku org add ${code.code} --name 名称 で登録してください） / unknown organization ${code.code} (register it with shisaku org add first)`,
      );
    }
    await assertLoginFree(tx, u.login);
    const [row] = await tx
      .insert(t.users)
      .values({ organizationId: org.id, login: u.login, displayName: u.displayName, email: u.email ?? null, passwordHash, role: u.role })
      .returning({ id: t.users.id });
    const departments = await departmentIds(tx, org.id, u.departments ?? []);
    if (departments.length) await tx.insert(t.userDepartments).values(departments.map((d) => ({ userId: row!.id, departmentId: d.id })));
    await recordChangeSet(tx, { organizationId: org.id, actor, userId: actorId, source: 'user:add', summary: `user ${u.login} (${u.role})` }, [
      {
        entity: 'user',
        entityKey: u.login,
        action: 'insert',
        before: null,
        after: { login: u.login, displayName: u.displayName, email: u.email ?? null, role: u.role, departments: departments.map((d) => d.name) },
      },
    ]);
    return row!.id;
  });
}

/** The installation's one platform administrator exists already. */
export class PlatformAdminExistsError extends InvalidInputError {
  constructor(readonly login: string) {
    super(
      `プラットフォーム管理者は既にいます（${login}）。1つの設置に1人だけです / a platform administrator exists already (${login}); there is one per installation`,
    );
  }
}

/** Whether `e` (or what caused it) is the database refusing a duplicate of a unique key. */
export function isUniqueViolation(e: unknown): boolean {
  for (let x = e as { code?: unknown; cause?: unknown } | null, depth = 0; x && depth < 5; x = x.cause as typeof x, depth++) {
    if (x.code === '23505') return true;
  }
  return false;
}

/** The login of the installation's platform administrator, if there is one. */
export async function platformAdminLogin(db: DbOrTx): Promise<string | null> {
  const [row] = await db.select({ login: t.users.login }).from(t.users).where(eq(t.users.role, 'platform'));
  return row?.login ?? null;
}

/**
 * The platform administrator: the one account of no organization, created from the command line. A
 * second is refused here, and by the database (one row of role 'platform' at most) should two race.
 */
export async function createPlatformAdmin(db: Db, u: { login: string; displayName: string; email?: string | null; password: string }): Promise<number> {
  checkNewAccount(u);
  const passwordHash = await hash(u.password);
  try {
    return await db.transaction(async (tx) => {
      const existing = await platformAdminLogin(tx);
      if (existing) throw new PlatformAdminExistsError(existing);
      await assertLoginFree(tx, u.login);
      const [row] = await tx
        .insert(t.users)
        .values({ organizationId: null, login: u.login, displayName: u.displayName, email: u.email ?? null, passwordHash, role: 'platform' })
        .returning({ id: t.users.id });
      await recordChangeSet(
        tx,
        { organizationId: null, actor: 'cli', userId: null, source: 'platform:admin-add', summary: `platform administrator ${u.login}` },
        [
          {
            entity: 'user',
            entityKey: u.login,
            action: 'insert',
            before: null,
            after: { login: u.login, displayName: u.displayName, email: u.email ?? null, role: 'platform' },
          },
        ],
      );
      return row!.id;
    });
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
    const other = await platformAdminLogin(db);
    if (other) throw new PlatformAdminExistsError(other);
    throw new InvalidInputError(`ログイン名「${u.login}」は使われています / login already exists`);
  }
}

/**
 * Who a stored account acts as. The platform administrator is a PlatformActor, which no workspace
 * command accepts; everyone else an Actor of their organization (the database guarantees that an
 * account has an organization exactly when it is not the platform administrator).
 */
async function actorOf(db: DbOrTx, user: typeof t.users.$inferSelect): Promise<SignedIn> {
  const person = { id: user.id, login: user.login, displayName: user.displayName };
  if (user.role === 'platform') return { ...person, role: user.role };
  if (user.organizationId === null) throw new Error(`account ${user.login} (${user.role}) has no organization`);
  const depts = await db
    .select({ name: t.departments.name })
    .from(t.userDepartments)
    .innerJoin(t.departments, eq(t.departments.id, t.userDepartments.departmentId))
    .where(eq(t.userDepartments.userId, user.id));
  return { ...person, role: user.role, organizationId: user.organizationId, departments: depts.map((d) => d.name) };
}

// A hash to verify against when the login does not exist, so both cases take the same time.
let dummyHash: Promise<string> | null = null;

/** Whoever the login and password are: a member of an organization or the platform administrator. */
export async function verifyLogin(db: Db, login: string, password: string): Promise<SignedIn | null> {
  const [user] = await db.select().from(t.users).where(eq(t.users.login, login));
  if (!user || user.disabled) {
    await verify(await (dummyHash ??= hash('not a password of anyone')), password).catch(() => false);
    return null;
  }
  if (!(await verify(user.passwordHash, password).catch(() => false))) return null;
  return actorOf(db, user);
}

/** A member of an organization, as the workspace commands take it; null for anyone else, the platform administrator included. */
export async function authenticate(db: Db, login: string, password: string): Promise<Actor | null> {
  const who = await verifyLogin(db, login, password);
  return who && who.role !== 'platform' ? who : null;
}

export async function changePassword(db: Db, userId: number, current: string, next: string): Promise<string | null> {
  const [user] = await db.select().from(t.users).where(eq(t.users.id, userId));
  if (!user || !(await verify(user.passwordHash, current).catch(() => false))) return '現在のパスワードが違います';
  const problem = passwordProblem(next);
  if (problem) return problem;
  const passwordHash = await hash(next);
  await db.transaction(async (tx) => {
    await tx
      .update(t.users)
      .set({ passwordHash, updatedAt: new Date(), version: user.version + 1 })
      .where(eq(t.users.id, userId));
    // Other sessions of this user end: whoever knew the old password is signed out.
    await tx.delete(t.sessions).where(eq(t.sessions.userId, userId));
    await recordChangeSet(tx, { organizationId: user.organizationId, actor: user.login, userId, source: 'user:password', summary: 'password changed' }, [
      { entity: 'user', entityKey: user.login, action: 'update', before: null, after: { password: 'changed' } },
    ]);
  });
  return null;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export async function createSession(db: Db, userId: number): Promise<{ token: string; csrf: string }> {
  const token = randomBytes(32).toString('base64url');
  const csrf = randomBytes(24).toString('base64url');
  await db.delete(t.sessions).where(lt(t.sessions.expiresAt, new Date()));
  await db.insert(t.sessions).values({ id: sha256(token), userId, csrfToken: csrf, expiresAt: new Date(Date.now() + SESSION_HOURS * 3600_000) });
  return { token, csrf };
}

export async function loadSession(db: Db, token: string): Promise<{ actor: SignedIn; csrf: string } | null> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  const [row] = await db
    .select({ user: t.users, csrf: t.sessions.csrfToken })
    .from(t.sessions)
    .innerJoin(t.users, eq(t.users.id, t.sessions.userId))
    .where(and(eq(t.sessions.id, sha256(token)), gt(t.sessions.expiresAt, new Date())));
  if (!row || row.user.disabled) return null;
  return { actor: await actorOf(db, row.user), csrf: row.csrf };
}

export async function endSession(db: Db, token: string): Promise<void> {
  await db.delete(t.sessions).where(eq(t.sessions.id, sha256(token)));
}

/** Editors' e-mail addresses per department, for reminders. */
export async function editorsByDepartment(
  db: DbOrTx,
  organizationId: number,
  departments: string[],
): Promise<Map<string, { login: string; email: string | null }[]>> {
  const out = new Map<string, { login: string; email: string | null }[]>();
  if (!departments.length) return out;
  const rows = await db
    .select({ dept: t.departments.name, login: t.users.login, email: t.users.email })
    .from(t.userDepartments)
    .innerJoin(t.users, eq(t.users.id, t.userDepartments.userId))
    .innerJoin(t.departments, eq(t.departments.id, t.userDepartments.departmentId))
    .where(and(eq(t.users.organizationId, organizationId), eq(t.users.disabled, false), inArray(t.departments.name, departments)));
  for (const r of rows) out.set(r.dept, [...(out.get(r.dept) ?? []), { login: r.login, email: r.email }]);
  return out;
}

// Login throttling (failed sign-ins counted per client and account) lives in login-throttle.ts.
