// Login throttling that slows down whoever guesses without locking out the account holder. Failed
// sign-ins are counted in login_failures (so every server process over the database sees the same counts
// and a restart resets nothing) under three keys:
//   - pair:    one client against one login name. After 5 failures that client must wait before each
//              further attempt, 2^n seconds after its n-th failure (32 s, 64 s, …) up to 15 minutes. The
//              account holder at another address is not affected, and a success clears the count.
//   - client:  one client against all login names (password spraying): the same back-off after 30
//              failures within an hour, whatever names they were for.
//   - account: one login name from everywhere. Past 100 failures within an hour every attempt on it is
//              answered only after a pause; it is never refused, so no one can lock the holder out.
// The login name is taken as typed (lower-cased), whether or not such an account exists, so what the
// throttle says reveals nothing about which accounts there are.
//
// An attempt is entered before its password is checked and removed again if it succeeds or is refused,
// and admissions from one client take turns (a transaction-scoped advisory lock on the client's key), so a
// burst of parallel guesses cannot all pass the check before any of them counts: each sees those before it.
import { and, eq, gt, inArray, lt, or, sql } from 'drizzle-orm';
import type { DbOrTx } from './client.ts';
import * as t from './schema.ts';

/** Exponential back-off: after `free` failures within the window, each attempt waits after the latest failure. */
export interface BackOff {
  free: number;
  /** The wait after the (free)-th failure; each further failure doubles it. */
  firstWaitSeconds: number;
  capSeconds: number;
  windowMs: number;
}

/** A ceiling that only slows: past `free` failures within the window every attempt is answered after holdMs. */
export interface Ceiling {
  free: number;
  holdMs: number;
  windowMs: number;
}

export interface ThrottlePolicy {
  pair: BackOff;
  client: BackOff;
  account: Ceiling;
}

const MINUTE = 60_000;

export const LOGIN_THROTTLE: ThrottlePolicy = {
  // 2^5 = 32 s after the fifth failure, doubling up to 15 minutes. Remembered for a day (or until a success
  // from that client), so a patient guesser stays at the cap.
  pair: { free: 5, firstWaitSeconds: 32, capSeconds: 15 * 60, windowMs: 24 * 60 * MINUTE },
  // A town hall's staff may share one public address: 30 mistyped passwords an hour among them pass freely.
  client: { free: 30, firstWaitSeconds: 32, capSeconds: 15 * 60, windowMs: 60 * MINUTE },
  account: { free: 100, holdMs: 2000, windowMs: 60 * MINUTE },
};

export interface ThrottleKeys {
  pair: string;
  client: string;
  account: string;
}

/**
 * The keys of one attempt. `client` is what the client is counted by (src/web/client-address.ts
 * clientBucket: an address, or an IPv6 /64); it never contains "|", so the pair key cannot be confused
 * with another pair's.
 */
export function throttleKeys(login: string, client: string): ThrottleKeys {
  const name = login.trim().toLowerCase();
  return { pair: `pair:${client}|${name}`, client: `client:${client}`, account: `account:${name}` };
}

/** Seconds still to wait after `failures` failures, the latest at `latest`; 0 when the attempt may go ahead. */
export function backOffSeconds(failures: number, latest: Date | null, now: Date, limit: BackOff): number {
  if (failures < limit.free || !latest) return 0;
  const wait = Math.min(limit.firstWaitSeconds * 2 ** (failures - limit.free), limit.capSeconds);
  return Math.max(0, Math.ceil((latest.getTime() + wait * 1000 - now.getTime()) / 1000));
}

/** An attempt admitted: its rows, to be removed on success and kept (as failures) otherwise. */
export interface Attempt {
  keys: ThrottleKeys;
  ids: number[];
}

export type Admission =
  | {
      allowed: true;
      attempt: Attempt;
      /** Pause before answering: the account is past its ceiling. */
      holdMs: number;
    }
  | {
      allowed: false;
      waitSeconds: number;
      /** Which count refused it (for the message). */
      by: 'pair' | 'client';
      capSeconds: number;
    };

/** The advisory lock class of login admissions (two-int keys: a space of their own). */
const LOCK_CLASS = 0x6c6f67; // "log"

/** Enters an attempt and decides whether it may check its password; a refused attempt leaves no row. */
export function admitLogin(db: DbOrTx, keys: ThrottleKeys, now = new Date(), policy: ThrottlePolicy = LOGIN_THROTTLE): Promise<Admission> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${LOCK_CLASS}, hashtext(${keys.client}))`);
    return admit(tx, keys, now, policy);
  });
}

async function admit(db: DbOrTx, keys: ThrottleKeys, now: Date, policy: ThrottlePolicy): Promise<Admission> {
  const mine = await db
    .insert(t.loginFailures)
    .values([keys.pair, keys.client, keys.account].map((key) => ({ key, at: now })))
    .returning({ id: t.loginFailures.id, key: t.loginFailures.key });
  const idOf = (key: string) => mine.find((r) => r.key === key)!.id;
  const before = (key: string, windowMs: number) =>
    and(eq(t.loginFailures.key, key), gt(t.loginFailures.at, new Date(now.getTime() - windowMs)), lt(t.loginFailures.id, idOf(key)));
  const rows = await db
    .select({
      key: t.loginFailures.key,
      n: sql<number>`count(*)::int`,
      latest: sql<Date>`max(${t.loginFailures.at})`.mapWith(t.loginFailures.at),
    })
    .from(t.loginFailures)
    .where(or(before(keys.pair, policy.pair.windowMs), before(keys.client, policy.client.windowMs), before(keys.account, policy.account.windowMs)))
    .groupBy(t.loginFailures.key);
  const count = (key: string) => rows.find((r) => r.key === key) ?? { n: 0, latest: null };
  const pair = count(keys.pair);
  const client = count(keys.client);
  const pairWait = backOffSeconds(pair.n, pair.latest, now, policy.pair);
  const clientWait = backOffSeconds(client.n, client.latest, now, policy.client);
  const attempt = { keys, ids: mine.map((r) => r.id) };
  if (pairWait > 0 || clientWait > 0) {
    await db.delete(t.loginFailures).where(inArray(t.loginFailures.id, attempt.ids));
    return pairWait >= clientWait
      ? { allowed: false, waitSeconds: pairWait, by: 'pair', capSeconds: policy.pair.capSeconds }
      : { allowed: false, waitSeconds: clientWait, by: 'client', capSeconds: policy.client.capSeconds };
  }
  return { allowed: true, attempt, holdMs: count(keys.account).n >= policy.account.free ? policy.account.holdMs : 0 };
}

/** The password was right: that client's failures against that name are forgiven, and this attempt was none. */
export async function loginSucceeded(db: DbOrTx, attempt: Attempt): Promise<void> {
  await db.delete(t.loginFailures).where(or(eq(t.loginFailures.key, attempt.keys.pair), inArray(t.loginFailures.id, attempt.ids)));
}

/** The password was wrong: the attempt's rows stay as failures; rows older than every window are pruned, which bounds the table. */
export async function loginFailed(db: DbOrTx, now = new Date(), policy: ThrottlePolicy = LOGIN_THROTTLE): Promise<void> {
  const longest = Math.max(policy.pair.windowMs, policy.client.windowMs, policy.account.windowMs);
  await db.delete(t.loginFailures).where(lt(t.loginFailures.at, new Date(now.getTime() - longest)));
}
