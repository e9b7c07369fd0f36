// The one door for writes. Every command of the product runs the same sequence: the actor's permission
// first (before any validation, so a person without the right gets 403 whatever they sent), then one
// transaction with the owning row locked and its state read under that lock, the command's own work,
// one change set with its audit rows, the owner's version bumped, and the caches told. The CLI is an
// actor too (`systemActor`) and obeys the same rules as the web.
import { eq, sql } from 'drizzle-orm';
import type { Db, DbOrTx, Tx } from './client.ts';
import * as t from './schema.ts';
import { bumpEdition, recordChangeSet, type AuditEntry } from './audit.ts';
import { findEdition, type EditionRef } from './edition-read.ts';
import { signalChange } from './change-signal.ts';
import { can, type Action, type Actor } from '../domain/roles.ts';
import { fiscalYearLabel } from '../domain/wareki.ts';

/** A refusal a person can act on; `status` is the HTTP status the web layer answers with. */
export class WorkspaceError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 403 | 404 | 409 = 400,
  ) {
    super(message);
    this.name = 'WorkspaceError';
  }
}

export function allow(actor: Actor, action: Action, initiative?: { departments: string[] }) {
  if (!can(actor, action, initiative)) throw new WorkspaceError('この操作をする権限がありません', 403);
}

/** The user id to record for an actor: none for the command line. */
export function userIdOf(actor: Actor): number | null {
  return actor.id > 0 ? actor.id : null;
}

/**
 * The command line acting for an organization: an administrator named `login` ("cli") with no account.
 * It passes the same permission checks and state rules as an administrator on the web.
 */
export async function systemActor(db: DbOrTx, orgCode: string, login = 'cli'): Promise<Actor> {
  const [o] = await db.select({ id: t.organizations.id }).from(t.organizations).where(eq(t.organizations.code, orgCode));
  if (!o) throw new WorkspaceError(`自治体 ${orgCode} は登録されていません / unknown organization ${orgCode}`, 404);
  return { id: 0, login, displayName: 'コマンドライン', role: 'admin', organizationId: o.id, departments: [] };
}

export async function orgCodeOf(db: DbOrTx, organizationId: number): Promise<string> {
  const [o] = await db.select({ code: t.organizations.code }).from(t.organizations).where(eq(t.organizations.id, organizationId));
  if (!o) throw new WorkspaceError('自治体が見つかりません', 404);
  return o.code;
}

export type EditionAt = EditionRef & { fiscalYear: number; state: 'draft' | 'published'; title: string };

/** The actor's edition of that year; with `lock`, its row stays locked (FOR UPDATE) and its state is read under the lock. */
export async function editionOf(db: DbOrTx, actor: Actor, fiscalYear: number, opts: { lock?: boolean } = {}): Promise<EditionAt> {
  const ref = await findEdition(db, await orgCodeOf(db, actor.organizationId), fiscalYear);
  if (!ref) throw new WorkspaceError(`${fiscalYearLabel(fiscalYear)}の版はありません`, 404);
  const q = db.select({ state: t.editions.state, title: t.editions.title }).from(t.editions).where(eq(t.editions.id, ref.editionId));
  const [e] = opts.lock ? await q.for('update') : await q;
  return { ...ref, fiscalYear, state: e!.state, title: e!.title };
}

/** What a command did: the change set's summary, its audit rows, and what it returns. */
export interface Outcome<T> {
  summary: string;
  entries: AuditEntry[];
  value: T;
  /** Saving what is stored writes nothing: no change set, no new version. */
  unchanged?: boolean;
}

export interface WriteOptions {
  /** The permission the command needs; 'manage' unless said. */
  action?: Action;
  /** Publish and reopen act on a published edition; every other write refuses one. */
  published?: 'refuse' | 'allow';
}

/** Where a command writes: what it acts on (read under the lock), its organization, and how its owner's version is bumped. */
export interface Owner<A> {
  at: A;
  organizationId: number;
  bump(tx: Tx): Promise<void>;
}

/**
 * The sequence every write runs: one transaction, the owner locked and read by `open`, the command, and,
 * unless it changed nothing, one change set and the owner's version bumped; then the caches are told.
 * Permission is the caller's first step, before this (and before any validation).
 */
export async function runWrite<A, T>(
  db: Db,
  actor: Actor,
  source: string,
  open: (tx: Tx) => Promise<Owner<A>>,
  fn: (tx: Tx, at: A) => Promise<Outcome<T>>,
): Promise<T> {
  const out = await db.transaction(async (tx) => {
    const owner = await open(tx);
    const r = await fn(tx, owner.at);
    if (r.unchanged) return r.value;
    await recordChangeSet(tx, { organizationId: owner.organizationId, actor: actor.login, userId: userIdOf(actor), source, summary: r.summary }, r.entries);
    await owner.bump(tx);
    return r.value;
  });
  signalChange();
  return out;
}

const bumpVersion = (table: typeof t.plans | typeof t.organizations, id: number) => async (tx: Tx) => {
  await tx
    .update(table)
    .set({ version: sql`${table.version} + 1`, updatedAt: new Date() })
    .where(eq(table.id, id));
};

/** A write to one edition: its row is locked, so two admins acting on it take turns and see each other's result. */
export async function editionWrite<T>(
  db: Db,
  actor: Actor,
  fiscalYear: number,
  source: string,
  fn: (tx: Tx, ref: EditionAt) => Promise<Outcome<T>>,
  opts: WriteOptions = {},
): Promise<T> {
  allow(actor, opts.action ?? 'manage');
  return runWrite(
    db,
    actor,
    source,
    async (tx) => {
      const ref = await editionOf(tx, actor, fiscalYear, { lock: true });
      if (ref.state === 'published' && (opts.published ?? 'refuse') === 'refuse') {
        throw new WorkspaceError('公開済みの版は変更できません（理由を記録して再開してから変更します）', 409);
      }
      return { at: ref, organizationId: ref.organizationId, bump: (tx) => bumpEdition(tx, ref.editionId) };
    },
    fn,
  );
}

/**
 * A write to the plan (KPIs, the progress rule). KPIs belong to the whole plan, so a change reaches every
 * edition of it, published ones included: a revised target is the plan's target from then on. The public
 * sees it in an edition when that edition is next published (its published copy, decision 0007).
 */
export async function planWrite<T>(
  db: Db,
  actor: Actor,
  fiscalYear: number,
  source: string,
  fn: (tx: Tx, ref: EditionAt) => Promise<Outcome<T>>,
  opts: WriteOptions = {},
): Promise<T> {
  allow(actor, opts.action ?? 'manage');
  return runWrite(
    db,
    actor,
    source,
    async (tx) => {
      const ref = await editionOf(tx, actor, fiscalYear);
      await tx.select({ id: t.plans.id }).from(t.plans).where(eq(t.plans.id, ref.planId)).for('update');
      return { at: ref, organizationId: ref.organizationId, bump: bumpVersion(t.plans, ref.planId) };
    },
    fn,
  );
}

/** A write to the organization's master data (departments, accounts); names show in every edition. */
export async function organizationWrite<T>(db: Db, actor: Actor, source: string, fn: (tx: Tx) => Promise<Outcome<T>>, opts: WriteOptions = {}): Promise<T> {
  allow(actor, opts.action ?? 'manage');
  return runWrite(
    db,
    actor,
    source,
    async (tx) => {
      await tx.select({ id: t.organizations.id }).from(t.organizations).where(eq(t.organizations.id, actor.organizationId)).for('update');
      return { at: undefined, organizationId: actor.organizationId, bump: bumpVersion(t.organizations, actor.organizationId) };
    },
    (tx) => fn(tx),
  );
}
