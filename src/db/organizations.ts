// The installation's organizations, kept by the platform administrator: the list (code, name, 都道府県,
// how many plans and accounts), registering an organization, and creating its first administrator. These
// are platform writes: they take the platform administrator (`PlatformActor`; the command line acts as
// `platformSystemActor`), never an organization's member, and each is one transaction with its own
// change set. Nothing here reads an organization's plans, drafts or accounts beyond counting them.
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from './client.ts';
import * as t from './schema.ts';
import { InvalidInputError } from './errors.ts';
import { recordChangeSet } from './audit.ts';
import { signalChange } from './change-signal.ts';
import { WorkspaceError } from './command.ts';
import { createUser, isUniqueViolation } from './accounts.ts';
import { canOnPlatform, type PlatformAction, type PlatformActor, type SignedIn } from '../domain/roles.ts';
import { validateOrgCode, validateOrgName } from '../domain/org-code.ts';
import { prefectureOf } from '../domain/prefectures.ts';

/** The command line acting as the platform administrator: the installation's operator, with no account. */
export const platformSystemActor: PlatformActor = { id: 0, login: 'cli', displayName: 'コマンドライン', role: 'platform' };

/** Refuses anyone but the platform administrator, before any input is looked at. */
export function allowPlatform(person: SignedIn, action: PlatformAction): asserts person is PlatformActor {
  if (!canOnPlatform(person, action)) throw new WorkspaceError('この操作はプラットフォーム管理者だけができます', 403);
}

/** A refusal of what was typed, naming the field: Japanese and English (the command line prints both). */
export class OrganizationInputError extends InvalidInputError {
  constructor(
    readonly field: 'code' | 'name' | 'organization',
    readonly ja: string,
    en: string,
    readonly status: 400 | 404 | 409 = 400,
  ) {
    super(`${ja} / ${en}`);
    this.name = 'OrganizationInputError';
  }
}

export interface OrganizationSummary {
  code: string;
  name: string;
  prefecture: string;
  plans: number;
  users: number;
  /** Active administrators: an organization without one waits for the platform administrator to add it. */
  admins: number;
}

export async function listOrganizationSummaries(db: DbOrTx, actor: SignedIn): Promise<OrganizationSummary[]> {
  allowPlatform(actor, 'list-organizations');
  // The outer row is named in full: inside the subqueries a bare "id" would be the subquery's own.
  const rows = await db
    .select({
      code: t.organizations.code,
      name: t.organizations.name,
      plans: sql<number>`(select count(*)::int from plans p where p.organization_id = "organizations"."id")`,
      users: sql<number>`(select count(*)::int from users u where u.organization_id = "organizations"."id")`,
      admins: sql<number>`(select count(*)::int from users u where u.organization_id = "organizations"."id" and u.role = 'admin' and not u.disabled)`,
    })
    .from(t.organizations)
    .orderBy(asc(t.organizations.code));
  return rows.map((r) => ({ ...r, prefecture: prefectureOf(r.code) ?? '—', plans: Number(r.plans), users: Number(r.users), admins: Number(r.admins) }));
}

const duplicate = (code: string, name: string) =>
  new OrganizationInputError(
    'code',
    `全国地方公共団体コード ${code} の自治体は既に登録されています（${name}）`,
    `organization ${code} is registered already (${name})`,
    409,
  );

/** Registers an organization; its 都道府県 is read from the code. It has no plan and no account yet. */
export async function addOrganization(
  db: Db,
  actor: SignedIn,
  input: { code: string; name: string },
): Promise<{ code: string; name: string; prefecture: string }> {
  allowPlatform(actor, 'add-organization');
  const code = validateOrgCode(input.code);
  if (!code.ok) throw new OrganizationInputError('code', code.reason, code.reasonEn);
  const name = validateOrgName(input.name);
  if (!name.ok) throw new OrganizationInputError('name', name.reason, name.reasonEn);
  const prefecture = prefectureOf(code.code)!;
  try {
    await db.transaction(async (tx) => {
      const [existing] = await tx.select({ name: t.organizations.name }).from(t.organizations).where(eq(t.organizations.code, code.code));
      if (existing) throw duplicate(code.code, existing.name);
      const [row] = await tx.insert(t.organizations).values({ code: code.code, name: name.name }).returning({ id: t.organizations.id });
      // The change set belongs to the new organization, so its record begins with its registration.
      await recordChangeSet(
        tx,
        {
          organizationId: row!.id,
          actor: actor.login,
          userId: actor.id > 0 ? actor.id : null,
          source: 'platform:organization-add',
          summary: `自治体 ${code.code} ${name.name} を登録`,
        },
        [{ entity: 'organization', entityKey: code.code, action: 'insert', before: null, after: { code: code.code, name: name.name, prefecture } }],
      );
    });
  } catch (e) {
    // Two registrations of one code at once: the database's unique key refuses the second.
    if (isUniqueViolation(e)) throw duplicate(code.code, name.name);
    throw e;
  }
  signalChange();
  return { code: code.code, name: name.name, prefecture };
}

/**
 * The first administrator of an organization, with an initial password the platform administrator hands
 * over by another channel (the admin changes it at /admin/password). Once an organization has an active
 * admin, its accounts are that admin's to manage (/admin/users) and the platform administrator adds no
 * more: it would otherwise hold a way into every organization's drafts.
 */
export async function addOrganizationAdmin(
  db: Db,
  actor: SignedIn,
  orgCode: string,
  account: { login: string; displayName: string; email: string | null; password: string },
): Promise<void> {
  allowPlatform(actor, 'add-organization-admin');
  const code = validateOrgCode(orgCode);
  if (!code.ok) throw new OrganizationInputError('organization', code.reason, code.reasonEn);
  const [org] = await db.select({ id: t.organizations.id, name: t.organizations.name }).from(t.organizations).where(eq(t.organizations.code, code.code));
  if (!org) throw new OrganizationInputError('organization', `自治体 ${code.code} は登録されていません`, `unknown organization ${code.code}`, 404);
  const [admins] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(t.users)
    .where(and(eq(t.users.organizationId, org.id), eq(t.users.role, 'admin'), eq(t.users.disabled, false)));
  if (Number(admins!.n) > 0) {
    throw new OrganizationInputError(
      'organization',
      `${org.name}（${code.code}）には有効な管理者がいます。アカウントの追加はその管理者が作業画面の「アカウント」で行います`,
      `${code.code} has an active administrator already; its accounts are managed by that administrator`,
      409,
    );
  }
  await createUser(db, { orgCode: code.code, role: 'admin', departments: [], ...account }, actor.login, actor.id > 0 ? actor.id : null);
}
