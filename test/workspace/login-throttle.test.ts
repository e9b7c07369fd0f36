// Login throttling against the two attacks it exists for, on both databases: an attacker's wrong passwords
// from one address slow that address down but do not keep the account holder at another address out, and
// a forged X-Forwarded-For neither resets the attacker's count (no proxy trusted) nor is ignored when a
// proxy is configured. Also: password spraying across names from one address, the per-account ceiling
// that only delays, parallel bursts, and the pure parts (addresses, back-off) as properties.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { backends } from '../helpers/db.ts';
import { PASSWORD } from './helpers.ts';
import { createUser } from '../../src/db/accounts.ts';
import { addOrganization, platformSystemActor } from '../../src/db/organizations.ts';
import { backOffSeconds, LOGIN_THROTTLE, throttleKeys } from '../../src/db/login-throttle.ts';
import * as schema from '../../src/db/schema.ts';
import { clientBucket, clientFrom, normalizeAddress, parseTrustedProxies } from '../../src/web/client-address.ts';
import { waitText } from '../../src/web/admin/auth-routes.tsx';
import { createApp } from '../../src/web/app.tsx';
import type { Database, Db } from '../../src/db/client.ts';
import type { Backend } from '../helpers/db.ts';

type App = ReturnType<typeof createApp>;

const alert = (html: string) => /role="alert">([^<]*)/.exec(html)?.[1] ?? '';

/** A login posted from `address` (the socket's peer, as @hono/node-server reports it), optionally with X-Forwarded-For. */
async function attempt(app: App, address: string, login: string, password: string, forwardedFor?: string) {
  const headers: Record<string, string> = forwardedFor ? { 'x-forwarded-for': forwardedFor } : {};
  const env = { incoming: { socket: { remoteAddress: address, remoteFamily: address.includes(':') ? 'IPv6' : 'IPv4' } } };
  const res = await app.request('/admin/login', { method: 'POST', headers, body: new URLSearchParams({ login, password, next: '/admin' }) }, env);
  return { status: res.status, retryAfter: res.headers.get('retry-after'), message: alert(await res.text()) };
}

/** Moves every recorded failure `seconds` into the past, as if that long had gone by. */
async function wait(db: Db, seconds: number) {
  await db.execute(sql`UPDATE login_failures SET at = at - make_interval(secs => ${seconds})`);
}

/** Wrong passwords from `address` until `n` of them have been checked, waiting out every back-off in between. */
async function guess(db: Db, app: App, address: string, login: string, n: number, forwardedFor?: () => string) {
  let checked = 0;
  let refused = 0;
  while (checked < n) {
    const r = await attempt(app, address, login, `wrong guess ${checked}`, forwardedFor?.());
    if (r.status === 401) checked++;
    else {
      assert.equal(r.status, 429);
      refused++;
      await wait(db, Number(r.retryAfter));
    }
  }
  return refused;
}

async function withTrustedProxies<T>(value: string | undefined, body: () => Promise<T>): Promise<T> {
  const before = process.env.SHISAKU_TRUSTED_PROXIES;
  if (value === undefined) delete process.env.SHISAKU_TRUSTED_PROXIES;
  else process.env.SHISAKU_TRUSTED_PROXIES = value;
  try {
    return await body();
  } finally {
    if (before === undefined) delete process.env.SHISAKU_TRUSTED_PROXIES;
    else process.env.SHISAKU_TRUSTED_PROXIES = before;
  }
}

/** An organization with three accounts and the app over it; no plan (signing in needs none). */
async function loginApp(backend: Backend): Promise<{ database: Database; app: App }> {
  const database = await backend.open();
  try {
    await addOrganization(database.db, platformSystemActor, { code: '082023', name: '日立市' });
    for (const login of ['exec', 'digital', 'admin']) {
      await createUser(database.db, { orgCode: '082023', login, displayName: login, password: PASSWORD, role: 'viewer' });
    }
  } catch (e) {
    await database.close();
    throw e;
  }
  return { database, app: createApp({ database }) };
}

const ATTACKER = '198.51.100.7';
const HOLDER = '203.0.113.20';

for (const backend of backends) {
  test(`${backend.name}: login throttling slows the guesser, not the account holder`, async (t) => {
    const { database, app } = await loginApp(backend);
    const db = database.db;
    const clear = () => db.delete(schema.loginFailures);
    try {
      await t.test('50 wrong passwords from A: A is told to wait, the holder at B signs in with the right password', async () => {
        await clear();
        const refused = await guess(db, app, ATTACKER, 'exec', 50);
        assert.ok(refused >= 45, `A was made to wait between guesses after the fifth (${refused} refusals)`);
        const a = await attempt(app, ATTACKER, 'exec', PASSWORD);
        assert.equal(a.status, 429, 'A waits even with the right password');
        assert.match(a.message, /この接続元から続いたため、あと(\d+分)?(\d+秒)?はログインできません/);
        assert.match(a.message, /最長15分間/);
        assert.ok(Number(a.retryAfter) > 0 && Number(a.retryAfter) <= 15 * 60, `Retry-After ${a.retryAfter}`);
        const b = await attempt(app, HOLDER, 'exec', PASSWORD);
        assert.equal(b.status, 303, `the holder at B signs in: ${b.message}`);
        // Even a wrong password from B first (a typo) does not change that.
        assert.equal((await attempt(app, HOLDER, 'digital', 'typo')).status, 401);
        assert.equal((await attempt(app, HOLDER, 'digital', PASSWORD)).status, 303);
      });

      await t.test('the back-off grows as 2^n seconds after the fifth failure, up to 15 minutes', async () => {
        await clear();
        for (let k = 0; k < 5; k++) assert.equal((await attempt(app, ATTACKER, 'exec', 'wrong')).status, 401);
        let r = await attempt(app, ATTACKER, 'exec', 'wrong');
        assert.equal(r.status, 429);
        assert.ok(Number(r.retryAfter) >= 31 && Number(r.retryAfter) <= 32, `32 s after the fifth (${r.retryAfter})`);
        assert.match(r.message, /あと3[12]秒/);
        await wait(db, 32);
        assert.equal((await attempt(app, ATTACKER, 'exec', 'wrong')).status, 401, 'after the wait one more guess is checked');
        r = await attempt(app, ATTACKER, 'exec', 'wrong');
        assert.ok(Number(r.retryAfter) >= 63 && Number(r.retryAfter) <= 64, `then 64 s (${r.retryAfter})`);
        assert.match(r.message, /あと1分[34]秒/);
        await guess(db, app, ATTACKER, 'exec', 6);
        r = await attempt(app, ATTACKER, 'exec', PASSWORD);
        assert.equal(Number(r.retryAfter), 15 * 60, 'capped at 15 minutes');
        assert.match(r.message, /あと15分はログインできません/);
        // The right password after the wait signs in and forgives that client's failures against the name.
        await wait(db, 15 * 60);
        assert.equal((await attempt(app, ATTACKER, 'exec', PASSWORD)).status, 303);
        assert.equal((await attempt(app, ATTACKER, 'exec', 'wrong')).status, 401);
      });

      await t.test('what the throttle says is the same for a name that is no account', async () => {
        await clear();
        const said: string[] = [];
        for (const login of ['exec', 'no-such-person']) {
          for (let k = 0; k < 5; k++) assert.equal((await attempt(app, ATTACKER, login, 'wrong')).status, 401);
          const r = await attempt(app, ATTACKER, login, 'wrong');
          assert.equal(r.status, 429);
          said.push(r.message.replace(/\d+/g, 'N'));
        }
        assert.equal(said[0], said[1]);
      });

      await t.test('password spraying: many names from one address slow that address; others are unaffected', async () => {
        await clear();
        const sprayer = '192.0.2.66';
        for (let k = 0; k < LOGIN_THROTTLE.client.free; k++) assert.equal((await attempt(app, sprayer, `name${k}`, 'Winter2024!')).status, 401);
        const r = await attempt(app, sprayer, 'admin', 'Winter2024!');
        assert.equal(r.status, 429);
        assert.match(r.message, /この接続元からのログインの失敗が多いため、あと\d+秒はログインできません/);
        assert.equal((await attempt(app, HOLDER, 'admin', PASSWORD)).status, 303);
      });

      await t.test('past the per-account ceiling an attempt is delayed, never refused: the right password still signs in', async () => {
        await clear();
        const { account } = throttleKeys('exec', 'x');
        await db.insert(schema.loginFailures).values(Array.from({ length: LOGIN_THROTTLE.account.free }, () => ({ key: account, at: new Date() })));
        const started = Date.now();
        const r = await attempt(app, HOLDER, 'exec', PASSWORD);
        assert.equal(r.status, 303, r.message);
        assert.ok(Date.now() - started >= LOGIN_THROTTLE.account.holdMs - 50, 'answered after the pause');
      });

      await t.test('a burst of parallel guesses from one address gets five checked, no more', async () => {
        await clear();
        const results = await Promise.all(Array.from({ length: 12 }, (_, k) => attempt(app, ATTACKER, 'exec', `parallel ${k}`)));
        assert.deepEqual(results.map((r) => r.status).sort(), [...Array(5).fill(401), ...Array(7).fill(429)]);
      });

      await t.test('no trusted proxy: a rotating X-Forwarded-For does not make the attacker a new client', async () => {
        await clear();
        await withTrustedProxies(undefined, async () => {
          let n = 0;
          const forged = () => `10.9.${Math.floor(n / 250)}.${(n++ % 250) + 1}`;
          for (let k = 0; k < 5; k++) assert.equal((await attempt(app, ATTACKER, 'exec', 'wrong', forged())).status, 401);
          for (let k = 0; k < 5; k++) assert.equal((await attempt(app, ATTACKER, 'exec', 'wrong', forged())).status, 429, 'still counted as A');
          // Nor does a forged header put the blame on the holder's address.
          assert.equal((await attempt(app, HOLDER, 'exec', PASSWORD, ATTACKER)).status, 303);
        });
      });

      await t.test('a trusted proxy: the forwarded address is the client, taken right-most untrusted', async () => {
        await clear();
        const proxy = '10.0.0.5';
        await withTrustedProxies('127.0.0.1,10.0.0.0/8', async () => {
          // The attacker writes its own X-Forwarded-For; the proxy appends the address it saw (ATTACKER).
          let n = 0;
          const forged = () => `192.0.2.${(n++ % 250) + 1}, ${ATTACKER}`;
          for (let k = 0; k < 5; k++) assert.equal((await attempt(app, proxy, 'exec', 'wrong', forged())).status, 401);
          assert.equal((await attempt(app, proxy, 'exec', 'wrong', forged())).status, 429, 'the forged left part does not help');
          // The holder behind the same proxy is another client.
          assert.equal((await attempt(app, proxy, 'exec', PASSWORD, HOLDER)).status, 303);
          // A client that connects directly (not through a trusted proxy) cannot claim an address.
          const rows = await db.select({ key: schema.loginFailures.key }).from(schema.loginFailures);
          assert.ok(rows.some((r) => r.key === `pair:${ATTACKER}|exec`));
          assert.ok(!rows.some((r) => r.key.includes(proxy)), 'nothing counted against the proxy itself');
        });
        await withTrustedProxies('1', async () => {
          await clear();
          for (let k = 0; k < 5; k++) assert.equal((await attempt(app, proxy, 'exec', 'wrong', `203.0.113.${k + 1}`)).status, 401);
          assert.equal((await attempt(app, proxy, 'exec', PASSWORD, '203.0.113.99')).status, 303, 'one hop trusted: each forwarded address is its own client');
        });
      });
    } finally {
      await database.close();
    }
  });
}

test('the client address: the socket unless a trusted proxy says otherwise', () => {
  const none = parseTrustedProxies(undefined);
  const list = parseTrustedProxies('127.0.0.1, 10.0.0.0/8, ::1, fd00::/8');
  const oneHop = parseTrustedProxies('1');
  assert.equal(clientFrom('198.51.100.7', '1.2.3.4', none), '198.51.100.7');
  assert.equal(clientFrom('::ffff:198.51.100.7', undefined, none), '198.51.100.7');
  assert.equal(clientFrom(undefined, '1.2.3.4', none), 'unknown');
  // A socket that is not a trusted proxy: its header is the client's own writing.
  assert.equal(clientFrom('198.51.100.7', '1.2.3.4', list), '198.51.100.7');
  assert.equal(clientFrom('10.0.0.5', '1.2.3.4', list), '1.2.3.4');
  assert.equal(clientFrom('::ffff:10.0.0.5', 'forged, 1.2.3.4, 10.1.1.1', list), '1.2.3.4');
  assert.equal(clientFrom('::1', '[2001:db8::7]:443', list), '2001:db8::7');
  assert.equal(clientFrom('10.0.0.5', '1.2.3.4:5678', list), '1.2.3.4');
  assert.equal(clientFrom('10.0.0.5', '10.0.0.9, 127.0.0.1', list), '10.0.0.9', 'all trusted: the left-most');
  assert.equal(clientFrom('10.0.0.5', '1.2.3.4, <script>', list), '?script', 'a hop that is no address is as far as the header is believed');
  assert.equal(clientFrom('10.0.0.5', '1.2.3.4, 5.6.7.8', oneHop), '5.6.7.8');
  assert.equal(clientFrom('10.0.0.5', '1.2.3.4, 5.6.7.8', parseTrustedProxies('2')), '1.2.3.4');
  assert.equal(clientFrom('10.0.0.5', '5.6.7.8', parseTrustedProxies('5')), '5.6.7.8');
  assert.equal(parseTrustedProxies('0').kind, 'none');
  assert.equal(parseTrustedProxies(' ').kind, 'none');
  for (const bad of ['proxy.example', '10.0.0.0/33', '1.2.3', '10.0.0.0/8/1', '::1/129', '10.0.0.0/x', '99']) {
    assert.throws(() => parseTrustedProxies(bad), /SHISAKU_TRUSTED_PROXIES/, bad);
  }
  assert.throws(() => parseTrustedProxies('127.0.0.1,localhost'), /「localhost」はIPアドレスでもネットワーク/);
  assert.throws(() => parseTrustedProxies('10.0.0.0/33'), /「10.0.0.0\/33」のプレフィックス長は0〜32です/);
  assert.equal(normalizeAddress('FE80::1%eth0'), 'fe80::1');
  assert.equal(normalizeAddress('not an address'), null);
});

test('IPv6 clients are counted by their /64; IPv4 by the address', () => {
  assert.equal(clientBucket('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64');
  assert.equal(clientBucket('2001:db8:1:2:ffff:ffff:ffff:ffff'), '2001:db8:1:2::/64');
  assert.equal(clientBucket('::1'), '0:0:0:0::/64');
  assert.equal(clientBucket('64:ff9b::192.0.2.1'), '64:ff9b:0:0::/64');
  assert.equal(clientBucket('192.0.2.1'), '192.0.2.1');
  assert.equal(clientBucket('unknown'), 'unknown');
  const hex = fc.integer({ min: 0, max: 0xffff }).map((n) => n.toString(16));
  fc.assert(
    fc.property(fc.array(hex, { minLength: 8, maxLength: 8 }), fc.array(hex, { minLength: 4, maxLength: 4 }), (groups, other) => {
      const a = groups.join(':');
      const b = [...groups.slice(0, 4), ...other].join(':');
      assert.equal(clientBucket(a), clientBucket(b));
      assert.ok(!clientBucket(a).includes('|'));
    }),
  );
  fc.assert(fc.property(fc.ipV6(), (a) => assert.match(clientBucket(normalizeAddress(a) ?? a), /^([0-9a-f]{1,4}:){4}:\/64$|^\d+\.\d+\.\d+\.\d+$/)));
});

test('back-off: free below the limit, then growing with failures, shrinking with time, never past the cap', () => {
  const limit = LOGIN_THROTTLE.pair;
  const now = new Date('2025-04-01T09:00:00Z');
  assert.equal(backOffSeconds(4, now, now, limit), 0);
  assert.equal(backOffSeconds(5, now, now, limit), 32);
  assert.equal(backOffSeconds(6, now, now, limit), 64);
  assert.equal(backOffSeconds(10_000, now, now, limit), 900);
  fc.assert(
    fc.property(fc.nat(200), fc.nat(2000), fc.nat(2000), (n, elapsed, more) => {
      const latest = new Date(now.getTime() - elapsed * 1000);
      const w = backOffSeconds(n, latest, now, limit);
      assert.ok(w >= 0 && w <= limit.capSeconds);
      assert.ok(backOffSeconds(n + 1, latest, now, limit) >= w, 'more failures never wait less');
      assert.ok(backOffSeconds(n, latest, new Date(now.getTime() + more * 1000), limit) <= w, 'time only shortens the wait');
      if (n < limit.free) assert.equal(w, 0);
    }),
  );
  assert.equal(waitText(32), '32秒');
  assert.equal(waitText(64), '1分4秒');
  assert.equal(waitText(900), '15分');
  assert.equal(waitText(0.2), '1秒');
});
