// Every role × every write route, and the read routes of unpublished data: allowed, or 403 (401 for
// nobody) — and a refusal changes nothing: no change set, the same edition stamp, the same outbox, the
// same organizations. The roles are the organization's five and the platform administrator, who may
// post only its own routes (organizations and their first admins) and its session's, and is refused
// every organization route. The matrix lists every POST route the app registers under /admin (checked
// against the app's own routes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import { backends } from '../helpers/db.ts';
import { sampleDocument } from '../../src/db/sample.ts';
import { editionStamp } from '../../src/db/repository.ts';
import { formOf, PASSWORD, signIn, workspaceApp, type Staff } from './helpers.ts';
import { createPlatformAdmin } from '../../src/db/accounts.ts';
import { createApp } from '../../src/web/app.tsx';
import type { Database, Db } from '../../src/db/client.ts';

const { doc } = sampleDocument();
const K01 = doc.data.initiatives.find((i) => i.number === '01')!.key; // デジタル推進課
const K03 = doc.data.initiatives.find((i) => i.number === '03')!.key;
const K04 = doc.data.initiatives.find((i) => i.number === '04')!.key;

const HOSTILE = `<script>alert(1)</script>"'; DROP TABLE users; --`;
/** Free-text fields; the others (ids, versions, choices) stay valid so the probe reaches the command. */
const HOSTILE_FIELDS = new Set([
  'comment',
  'reason',
  'title',
  'content',
  'plan',
  'name',
  'tagline',
  'unit',
  'alias',
  'to',
  'from',
  'into',
  'departments',
  'dueDate',
  'value',
  'target',
  'number',
  'displayName',
  'email',
  'login',
]);

type Who = 'nobody' | 'admin' | 'digital' | 'shoko' | 'exec' | 'expert' | 'platform';
type Someone = Exclude<Who, 'nobody'>;
/** The organization's staff. */
const STAFF: Someone[] = ['admin', 'digital', 'shoko', 'exec', 'expert'];
/** Everyone who signs in: the staff and the platform administrator. */
const EVERYONE: Someone[] = [...STAFF, 'platform'];

interface Route {
  path: string;
  form: Record<string, string | string[]>;
  allowed: Who[];
  /** The route ends the session it is posted with (logout): the allowed posts and the probe sign in anew. */
  fresh?: true;
}

/** POST routes outside the matrix, and why: the login form is posted without a session, so no role applies. */
const OUTSIDE_THE_MATRIX = new Map([['/admin/login', 'posted without a session; tested in workspace.test.ts']]);

const p1 = doc.data.pillars[0]!.key;

/** The fields a plan's form (new or existing) shares. */
const PLAN_FORM = {
  level1: '施策体系',
  level2: '分野',
  initiative: '施策',
  departmentRequired: 'yes',
  rounding: 'truncate',
  decimals: '1',
  bands: 'A 100\nB 80\nC 50\nD 0',
};

/** Every write route with a form that reaches its command; `form` is K01's edit form, `k03Version` K03's version. */
function writeRoutes({ form, k03Version }: { form: Record<string, string | string[]>; k03Version: string }): Route[] {
  return [
    { path: '/admin/rounds', form: { fromFiscalYear: '2023', dueDate: '2024-05-31', dropCompleted: 'carry' }, allowed: ['admin'] },
    { path: `/admin/e/2024/i/${K01}`, form, allowed: ['admin', 'digital'] },
    { path: `/admin/e/2024/i/${K01}/submit`, form: {}, allowed: ['admin', 'digital'] },
    { path: `/admin/e/2024/i/${K01}/review`, form: { decision: 'return', comment: '理由' }, allowed: ['admin'] },
    { path: `/admin/e/2024/i/${K01}/assess`, form: { grade: 'B', comment: '良い' }, allowed: ['admin', 'expert'] },
    { path: `/admin/e/2024/i/${K01}/shape`, form: { version: '1', field_content: '内容' }, allowed: ['admin', 'digital'] },
    { path: '/admin/plan/shape', form: { plan: '1', shape: 'levels: [施策体系, 分野]\ninitiative: 施策\n' }, allowed: ['admin'] },
    { path: '/admin/e/2024/publish', form: {}, allowed: ['admin'] },
    { path: '/admin/e/2024/reopen', form: { reason: '訂正' }, allowed: ['admin'] },
    { path: '/admin/e/2024/remind', form: {}, allowed: ['admin'] },
    {
      path: '/admin/e/2024/initiatives',
      form: { title: '新しい施策', pillar: doc.data.pillars[0]!.key, subArea: '', departments: 'デジタル推進課', content: '', plan: '' },
      allowed: ['admin'],
    },
    { path: '/admin/e/2024/kpis/k1', form: { year: '2023', value: '12.5' }, allowed: ['admin'] },
    { path: '/admin/e/2024/settings', form: { rounding: 'truncate', decimals: '1', bands: 'A 100\nB 80\nC 50\nD 0' }, allowed: ['admin'] },
    { path: '/admin/departments/merge', form: { from: '商工推進課', into: '商工振興課' }, allowed: ['admin'] },
    { path: '/admin/e/2024/pillars', form: { name: '新しい体系', tagline: '' }, allowed: ['admin'] },
    { path: `/admin/e/2024/pillars/${p1}`, form: { name: '体制整備', tagline: '' }, allowed: ['admin'] },
    { path: `/admin/e/2024/pillars/${p1}/move`, form: { direction: 'down' }, allowed: ['admin'] },
    { path: `/admin/e/2024/pillars/${p1}/delete`, form: {}, allowed: ['admin'] },
    { path: '/admin/e/2024/pillars/p2/subareas', form: { name: '新しい分野' }, allowed: ['admin'] },
    { path: '/admin/e/2024/pillars/p2/subareas/p2-s1', form: { name: '分野の新しい名前' }, allowed: ['admin'] },
    { path: '/admin/e/2024/pillars/p2/subareas/p2-s1/move', form: { direction: 'down' }, allowed: ['admin'] },
    { path: '/admin/e/2024/pillars/p2/subareas/p2-s2/delete', form: {}, allowed: ['admin'] },
    { path: '/admin/e/2024/renumber', form: {}, allowed: ['admin'] },
    {
      path: `/admin/e/2024/i/${K03}/identity`,
      form: { version: k03Version, number: '03', title: '施策名', pillar: p1, subArea: '', departments: 'デジタル推進課' },
      allowed: ['admin'],
    },
    { path: `/admin/e/2024/i/${K03}/move`, form: { direction: 'up' }, allowed: ['admin'] },
    { path: `/admin/e/2024/i/${K04}/delete`, form: { reason: '統合' }, allowed: ['admin'] },
    {
      path: '/admin/e/2024/kpis',
      form: {
        version: '',
        name: '新しい指標',
        pillar: p1,
        unit: '%',
        target: '50',
        targetFiscalYear: '2026',
        direction: 'higher',
        baseline: '',
        initiative: '',
      },
      allowed: ['admin'],
    },
    {
      path: '/admin/e/2024/kpis/k1/definition',
      form: {
        version: '1',
        name: '交付率',
        pillar: 'p2',
        unit: '%',
        target: '25',
        targetFiscalYear: '2026',
        direction: 'higher',
        baseline: '',
        initiative: '',
      },
      allowed: ['admin'],
    },
    { path: '/admin/e/2024/kpis/k1/move', form: { direction: 'down' }, allowed: ['admin'] },
    { path: '/admin/e/2024/kpis/k9/delete', form: {}, allowed: ['admin'] },
    { path: '/admin/departments', form: { name: '新設課' }, allowed: ['admin'] },
    { path: '/admin/departments/rename', form: { from: '関係課', to: '関係各課' }, allowed: ['admin'] },
    { path: '/admin/departments/alias', form: { name: '市民課', alias: '市民窓口課' }, allowed: ['admin'] },
    { path: '/admin/departments/alias/delete', form: { alias: '市民窓口課' }, allowed: ['admin'] },
    { path: '/admin/departments/delete', form: { name: '新設課' }, allowed: ['admin'] },
    {
      path: '/admin/users',
      form: { login: 'newbie', displayName: '新人', email: '', role: 'viewer', departments: '', password: 'a long enough password' },
      allowed: ['admin'],
    },
    { path: '/admin/users/newbie', form: { version: '1', displayName: '新人', email: '', role: 'editor', departments: 'デジタル推進課' }, allowed: ['admin'] },
    { path: '/admin/users/newbie/password', form: { password: 'another long password' }, allowed: ['admin'] },
    { path: '/admin/e/2024/import', form: {}, allowed: ['admin'] },
    { path: '/admin/e/2024/import/apply', form: { id: 'nothing' }, allowed: ['admin'] },
    { path: '/admin/editions/2024/display', form: { basis: '', title: '版の題名', tagline: '', lead: '', source: '' }, allowed: ['admin'] },
    { path: '/admin/departments/parent', form: { name: '市民課', parent: '' }, allowed: ['admin'] },
    { path: '/admin/plan/editions', form: { fiscalYear: '2026' }, allowed: ['admin'] },
    {
      path: '/admin/plan',
      form: { plan: '1', ...PLAN_FORM, title: '日立市デジタル化推進計画', from: '2022', to: '2026' },
      allowed: ['admin'],
    },
    { path: '/admin/plan/new', form: { ...PLAN_FORM, title: '次の計画', from: '2027', to: '2030', firstEdition: '' }, allowed: ['admin'] },
    { path: '/admin/platform/organizations', form: { code: '131016', name: '千代田区' }, allowed: ['platform'] },
    {
      path: '/admin/platform/admins',
      form: { organization: '131016', login: 'chiyoda', displayName: '千代田区管理者', email: '', password: 'a long enough password' },
      allowed: ['platform'],
    },
    { path: '/admin/password', form: { current: 'not the password', next: 'a new long password' }, allowed: EVERYONE },
    { path: '/admin/logout', form: {}, allowed: EVERYONE, fresh: true },
  ];
}

/**
 * A signed-in session of `who`. The platform administrator's pages are not the dashboard the helper reads
 * the CSRF token from (the dashboard sends it to /admin/platform), so its token is read from its own page.
 */
async function login(app: ReturnType<typeof createApp>, who: Someone): Promise<Staff> {
  const s = await signIn(app, who);
  if (who !== 'platform') return s;
  const token = /name="_csrf" value="([^"]+)"/.exec((await s.get('/admin/platform')).html)![1]!;
  return { ...s, csrf: async () => token, post: (path, form, opts = {}) => s.post(path, form, { csrf: opts.csrf === undefined ? token : opts.csrf }) };
}

async function fingerprint(db: Db): Promise<string> {
  const n = async (q: string) => ((await db.execute(sql.raw(q))) as unknown as { rows: { n: number }[] }).rows[0]!.n;
  return [
    await n('SELECT count(*)::int AS n FROM change_sets'),
    await n('SELECT count(*)::int AS n FROM outbox'),
    await n('SELECT count(*)::int AS n FROM assessments'),
    await n(`SELECT count(*)::int AS n FROM submissions WHERE state <> 'not_started'`),
    await n('SELECT count(*)::int AS n FROM organizations'),
    await n('SELECT count(*)::int AS n FROM users'),
    await editionStamp(db, '082023', 2024),
    await editionStamp(db, '082023', 2023),
  ].join('|');
}

for (const backend of backends) {
  test(`${backend.name}: every role × every write route, and unpublished reads`, async (t) => {
    const { database, app } = await workspaceApp(backend);
    try {
      await createPlatformAdmin(database.db, { login: 'platform', displayName: '運用担当', password: PASSWORD });
      const staff = {} as Record<Someone, Staff>;
      for (const who of EVERYONE) staff[who] = await login(app, who);
      assert.equal((await staff.admin.post('/admin/rounds', { fromFiscalYear: '2023', dueDate: '2024-05-31', dropCompleted: 'carry' })).status, 303);
      const form = formOf((await staff.admin.get(`/admin/e/2024/i/${K01}`)).html);
      const k03 = (await staff.admin.get(`/admin/e/2024/i/${K03}`)).html;
      const k03Version = /name="version" value="(\d+)"/.exec(k03.slice(k03.indexOf('id="identity-h"')))![1]!;

      const writes = writeRoutes({ form, k03Version });
      for (const route of writes) {
        await t.test(`POST ${route.path}`, async () => {
          for (const who of ['nobody', ...EVERYONE] as Who[]) {
            if (route.allowed.includes(who)) continue; // refusals first, while the state is the same for all
            const before = await fingerprint(database.db);
            const r =
              who === 'nobody'
                ? await app.request(route.path, { method: 'POST', body: new URLSearchParams({ ...route.form, _csrf: 'x' } as Record<string, string>) })
                : await staff[who].post(route.path, route.form);
            assert.equal(r.status, who === 'nobody' ? 401 : 403, `${who} ${route.path}`);
            assert.equal(await fingerprint(database.db), before, `${who}'s refused ${route.path} changed nothing`);
          }
          // The probes below are posted by someone the route allows: the organization's admin, or the platform administrator.
          const prober: Someone = route.allowed.includes('admin') ? 'admin' : (route.allowed[0] as Someone);
          // CSRF: even a session that may write cannot without this session's token.
          for (const csrf of [null, 'forged-token']) {
            const before = await fingerprint(database.db);
            const r = await staff[prober].post(route.path, route.form, { csrf });
            assert.equal(r.status, 403, `${prober} without a valid CSRF token ${route.path}`);
            assert.equal(await fingerprint(database.db), before, `a forged ${route.path} changed nothing`);
          }
          // A route that ends its session is posted from a session of its own, so the others stay signed in.
          const as = async (who: Someone) => (route.fresh ? login(app, who) : staff[who]);
          // XSS and SQL injection: every text value hostile; the app answers without a server error.
          const hostile = Object.fromEntries(
            Object.entries(route.form).map(([k, v]) => [k, HOSTILE_FIELDS.has(k) ? `${HOSTILE}${Array.isArray(v) ? v[0] : v}` : v]),
          );
          const probe = await (await as(prober)).post(route.path, hostile);
          assert.ok(probe.status < 500, `hostile ${route.path}: ${probe.status}`);
          assert.doesNotMatch(probe.html, /<script>alert/, `hostile ${route.path} echoed as markup`);
          for (const who of route.allowed) {
            const r = await (await as(who as Someone)).post(route.path, route.form);
            assert.notEqual(r.status, 403, `${who} may ${route.path}`);
            assert.ok(r.status < 500, `${who} ${route.path}: ${r.status}`);
          }
        });
      }

      await t.test('review: someone who may not review gets 403 whatever the form holds, before it is validated', async () => {
        const path = `/admin/e/2024/i/${K01}/review`;
        const incomplete: Record<string, string>[] = [{ decision: 'return', comment: '' }, { decision: 'return' }, { decision: '', comment: '' }, {}];
        for (const form of incomplete) {
          for (const who of ['digital', 'shoko', 'exec', 'expert'] as const) {
            const before = await fingerprint(database.db);
            const r = await staff[who].post(path, form);
            assert.equal(r.status, 403, `${who} ${JSON.stringify(form)}`);
            assert.equal(await fingerprint(database.db), before);
          }
          // The admin, who may review, is told what is missing.
          const r = await staff.admin.post(path, form);
          assert.equal(r.status, 400, `admin ${JSON.stringify(form)}`);
          assert.match(r.html, form.decision === 'return' ? /差し戻す理由をコメントに書いてください/ : /承認か差戻しを選んでください/);
        }
      });

      const reads: { path: string; allowed: Who[] }[] = [
        { path: '/admin', allowed: STAFF },
        { path: '/admin/e/2024', allowed: STAFF },
        { path: `/admin/e/2024/i/${K01}`, allowed: STAFF },
        { path: `/admin/i/${K01}/history`, allowed: STAFF },
        { path: '/admin/outbox', allowed: ['admin'] },
        { path: '/admin/e/2024/import', allowed: ['admin'] },
        { path: '/admin/e/2024/structure', allowed: ['admin'] },
        { path: '/admin/e/2024/kpis', allowed: ['admin'] },
        { path: '/admin/departments', allowed: ['admin'] },
        { path: '/admin/users', allowed: ['admin'] },
        { path: '/admin/users/digital', allowed: ['admin'] },
        { path: '/admin/platform', allowed: ['platform'] },
        { path: '/admin/password', allowed: EVERYONE },
      ];
      await t.test('what the hostile probes stored is printed as text on every page', async () => {
        for (const route of reads) {
          const r = await staff[route.allowed.includes('admin') ? 'admin' : 'platform'].get(route.path);
          assert.doesNotMatch(r.html, /<script>alert/, route.path);
        }
        const users = await database.db.execute(sql`SELECT count(*)::int AS n FROM users`);
        assert.equal(
          (users as unknown as { rows: { n: number }[] }).rows[0]!.n,
          8,
          'the users table is still there: the five staff, the platform administrator, and the two accounts the matrix added',
        );
      });
      await t.test('reads of unpublished data', async () => {
        for (const route of reads) {
          const anon = await app.request(route.path);
          assert.equal(anon.status, 303, `nobody ${route.path}`);
          for (const who of EVERYONE) {
            const r = await staff[who].get(route.path);
            // The platform administrator asking for the dashboard is sent to its own page instead.
            const expected = route.allowed.includes(who) ? 200 : who === 'platform' && route.path === '/admin' ? 303 : 403;
            assert.equal(r.status, expected, `${who} GET ${route.path}`);
            if (expected === 303) assert.equal(r.location, '/admin/platform');
          }
        }
      });
    } finally {
      await database.close();
    }
  });
}

/** The POST routes the app registers under /admin, as Hono dispatches them (first registered first). */
function adminPosts(): string[] {
  const app = createApp({ database: null as unknown as Database });
  const paths = app.routes.filter((r) => r.method === 'POST' && (r.path === '/admin' || r.path.startsWith('/admin/'))).map((r) => r.path);
  return [...new Set(paths)];
}

/** Whether the concrete `path` is dispatched to the route `pattern` (named parameters only: one segment each). */
function matches(pattern: string, path: string): boolean {
  assert.doesNotMatch(pattern, /[*?{]/, `route ${pattern}: the check knows named parameters only`);
  const re = new RegExp(
    `^${pattern
      .split('/')
      .map((seg) => (seg.startsWith(':') ? '[^/]+' : seg.replace(/[.+^$()|[\]\\]/g, '\\$&')))
      .join('/')}$`,
  );
  return re.test(path);
}

test('the permission matrix lists every POST route registered under /admin', () => {
  const routes = adminPosts();
  assert.ok(routes.length > 30, `found ${routes.length} POST routes under /admin`);
  const matrix = writeRoutes({ form: {}, k03Version: '1' });
  // Each probe of the matrix covers the route that answers it: the first registered one its path matches.
  const covered = new Set<string>();
  for (const { path } of matrix) {
    const route = routes.find((r) => matches(r, path));
    assert.ok(route, `the matrix probes ${path}, which no POST route answers`);
    covered.add(route);
  }
  const missing = routes.filter((r) => !covered.has(r) && !OUTSIDE_THE_MATRIX.has(r));
  assert.deepEqual(
    missing,
    [],
    `POST routes missing from the permission matrix (writeRoutes in ${import.meta.url.split('/').pop()}): add each with the roles allowed`,
  );
  for (const path of OUTSIDE_THE_MATRIX.keys()) assert.ok(routes.includes(path), `${path} is listed as outside the matrix but is not a route`);
});
