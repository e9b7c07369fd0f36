// Organizations and the platform administrator, on both databases.
//
// Isolation, generatively: organization A (the sample, 日立市) has an admin who leaves drafts, accounts,
// departments, a KPI, assessments, a returned and a submitted initiative, reminders and a pending upload,
// each marked with a secret ("A秘密", "himitsu"). Its admin's session walks every admin page and collects
// every form it is shown, so each request below names A's own ids (initiative keys, pillar and KPI keys,
// logins, department names, versions, upload ids). Then the admin of B (the same sample under another
// code, so every key of A is also a key of B), the admin of C (an organization with no plan) and the
// platform administrator send each of those requests, and every registered admin route is covered. After
// each one: A's rows are exactly as before (every table's rows of A, compared in full), and no response
// holds a secret of A. Org admins are refused the platform's routes; the platform administrator every
// organization's route. Then `org add` and the platform page, their refusals (bad check digit, duplicate,
// empty or overlong name) with their messages and nothing changed, and the command line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { backends, SERVER_URL, type Backend } from '../helpers/db.ts';
import { formOf, PASSWORD, signIn, type AppLike, type Staff } from './helpers.ts';
import { loadSample, sampleDocument } from '../../src/db/sample.ts';
import { editionStamp, saveEdition } from '../../src/db/repository.ts';
import { authenticate, createPlatformAdmin, createUser, PlatformAdminExistsError, verifyLogin } from '../../src/db/accounts.ts';
import { addOrganization, addOrganizationAdmin, listOrganizationSummaries, OrganizationInputError, platformSystemActor } from '../../src/db/organizations.ts';
import { keepUpload } from '../../src/db/uploads.ts';
import { openDatabase, type Database, type Db } from '../../src/db/client.ts';
import { createApp } from '../../src/web/app.tsx';
import { clearEditionCache } from '../../src/web/public/edition-cache.ts';
import { PREFECTURES, prefectureOf } from '../../src/domain/prefectures.ts';
import { checkDigit, validateOrgCode, validateOrgName } from '../../src/domain/org-code.ts';
import { can, canOnPlatform, type Action, type Actor, type PlatformActor } from '../../src/domain/roles.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const { doc } = sampleDocument();
const key = (n: string) => doc.data.initiatives.find((i) => i.number === n)!.key;
const [K01, K03, K05] = [key('01'), key('03'), key('05')];

const A = { code: '082023', name: '日立市' };
const B = { code: '221309', name: '浜松市' };
const C = { code: '131016', name: '千代田区' };
const A_ADMIN = 'a-himitsu-admin';
const A_EDITOR = 'a-himitsu-editor';
/** Every secret of A contains one of these; none may reach anyone outside A. */
const SECRET = /A秘密|himitsu/;
const SECRETS = /A秘密|himitsu/g;

// ---- pure rules ------------------------------------------------------------------------------------------

test('prefectures: 47 names in JIS X 0401 order, read from the first two digits of a code', () => {
  assert.equal(PREFECTURES.length, 47);
  assert.equal(new Set(PREFECTURES).size, 47);
  assert.equal(PREFECTURES[0], '北海道');
  assert.equal(PREFECTURES[46], '沖縄県');
  assert.equal(prefectureOf('082023'), '茨城県');
  assert.equal(prefectureOf('221309'), '静岡県');
  assert.equal(prefectureOf('131016'), '東京都');
  assert.equal(prefectureOf('271004'), '大阪府');
  assert.equal(prefectureOf('261009'), '京都府');
  assert.equal(prefectureOf('001007'), null);
  assert.equal(prefectureOf('481009'), null);
  for (const [k, name] of PREFECTURES.entries()) assert.match(name, /^(北海道|.+[都府県])$/, `${k + 1}`);
});

test('organization codes: the check digit and a prefecture; names: one line, not empty, not overlong', () => {
  assert.equal(validateOrgCode('221309').ok, true);
  const wrong = validateOrgCode('221308');
  assert.equal(wrong.ok, false);
  assert.match(wrong.ok ? '' : wrong.reason, /検査数字が違います（正しくは 221309）/);
  const noPrefecture = validateOrgCode(`00100${checkDigit('00100')}`);
  assert.equal(noPrefecture.ok, false);
  assert.match(noPrefecture.ok ? '' : noPrefecture.reason, /都道府県/);
  assert.equal(validateOrgCode(`48100${checkDigit('48100')}`).ok, false);
  assert.deepEqual(validateOrgName('  浜松市 '), { ok: true, name: '浜松市' });
  for (const bad of ['', '   ', '浜'.repeat(51), '浜松\n市', '浜松\t市']) assert.equal(validateOrgName(bad).ok, false, JSON.stringify(bad));
  assert.equal(validateOrgName('浜'.repeat(50)).ok, true);
});

test('the platform administrator may no organization action; nobody else may a platform action', () => {
  const platform: PlatformActor = { id: 1, login: 'root', displayName: '運用者', role: 'platform' };
  const actions: Action[] = ['read', 'edit', 'submit', 'review', 'manage', 'assess'];
  for (const action of actions) assert.equal(can(platform, action, { departments: [] }), false, action);
  assert.equal(canOnPlatform(platform, 'add-organization'), true);
  for (const role of ['admin', 'editor', 'viewer', 'evaluator'] as const) {
    const member: Actor = { id: 2, login: role, displayName: role, role, organizationId: 1, departments: ['デジタル推進課'] };
    for (const action of ['list-organizations', 'add-organization', 'add-organization-admin'] as const) assert.equal(canOnPlatform(member, action), false);
  }
});

// ---- the rows of A -------------------------------------------------------------------------------------

const ORG_A = `(SELECT id FROM organizations WHERE code = '${A.code}')`;
const PLANS_A = `(SELECT id FROM plans WHERE organization_id = ${ORG_A})`;
const EDITIONS_A = `(SELECT id FROM editions WHERE plan_id IN ${PLANS_A})`;
const PILLARS_A = `(SELECT id FROM pillars WHERE edition_id IN ${EDITIONS_A})`;
const YEARS_A = `(SELECT id FROM initiative_years WHERE edition_id IN ${EDITIONS_A})`;
const USERS_A = `(SELECT id FROM users WHERE organization_id = ${ORG_A})`;

/** Each table's rows that belong to A. A table missing here fails the test until it says how its rows reach an organization. */
const ROWS_OF_A: Record<string, string> = {
  organizations: `id = ${ORG_A}`,
  plans: `organization_id = ${ORG_A}`,
  editions: `plan_id IN ${PLANS_A}`,
  edition_archives: `plan_id IN ${PLANS_A}`,
  edition_publications: `edition_id IN ${EDITIONS_A}`,
  edition_sources: `edition_id IN ${EDITIONS_A}`,
  departments: `organization_id = ${ORG_A}`,
  department_aliases: `organization_id = ${ORG_A}`,
  pillars: `edition_id IN ${EDITIONS_A}`,
  sub_areas: `pillar_id IN ${PILLARS_A}`,
  initiatives: `plan_id IN ${PLANS_A}`,
  initiative_years: `edition_id IN ${EDITIONS_A}`,
  initiative_departments: `initiative_year_id IN ${YEARS_A}`,
  results: `initiative_year_id IN ${YEARS_A}`,
  plan_targets: `initiative_year_id IN ${YEARS_A}`,
  kpis: `plan_id IN ${PLANS_A}`,
  kpi_actuals: `kpi_id IN (SELECT id FROM kpis WHERE plan_id IN ${PLANS_A})`,
  users: `organization_id = ${ORG_A}`,
  user_departments: `user_id IN ${USERS_A}`,
  sessions: `user_id IN ${USERS_A}`,
  update_rounds: `edition_id IN ${EDITIONS_A}`,
  submissions: `round_id IN (SELECT id FROM update_rounds WHERE edition_id IN ${EDITIONS_A})`,
  assessments: `initiative_year_id IN ${YEARS_A}`,
  pending_uploads: `user_id IN ${USERS_A}`,
  outbox: `organization_id = ${ORG_A}`,
  change_sets: `organization_id = ${ORG_A}`,
  audit_log: `change_set_id IN (SELECT id FROM change_sets WHERE organization_id = ${ORG_A})`,
};
/** Tables whose rows belong to no organization. */
const ROWS_OF_NO_ORGANIZATION = new Map([['login_failures', 'keyed by client address and login name']]);

async function rows<T>(db: Db, q: string): Promise<T[]> {
  return ((await db.execute(sql.raw(q))) as unknown as { rows: T[] }).rows;
}

/** Every row of A, table by table, as JSON text in a stable order. */
async function dumpA(db: Db): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const [table, where] of Object.entries(ROWS_OF_A)) {
    out[table] = (await rows<{ r: string }>(db, `SELECT to_jsonb(x)::text AS r FROM ${table} x WHERE ${where} ORDER BY 1`)).map((r) => r.r);
  }
  return out;
}

/** The same, as one digest per table in one round trip: cheap enough to take around every request. */
async function digestA(db: Db): Promise<Record<string, string>> {
  const columns = Object.entries(ROWS_OF_A).map(
    ([table, where]) => `(SELECT md5(coalesce(string_agg(to_jsonb(x)::text, ',' ORDER BY to_jsonb(x)::text), '')) FROM ${table} x WHERE ${where}) AS ${table}`,
  );
  return (await rows<Record<string, string>>(db, `SELECT ${columns.join(', ')}`))[0]!;
}

function changedTables(before: Record<string, string>, after: Record<string, string>): string[] {
  return Object.keys(before).filter((t) => before[t] !== after[t]);
}

// ---- the admin routes and A's requests -------------------------------------------------------------------

interface Route {
  method: 'GET' | 'POST';
  path: string;
}

/** The GET and POST routes the app registers under /admin, in the order Hono dispatches them. */
function adminRoutes(): Route[] {
  const app = createApp({ database: null as unknown as Database });
  const seen = new Set<string>();
  const out: Route[] = [];
  for (const r of app.routes) {
    if ((r.method !== 'GET' && r.method !== 'POST') || !(r.path === '/admin' || r.path.startsWith('/admin/'))) continue;
    const id = `${r.method} ${r.path}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push({ method: r.method, path: r.path });
  }
  return out;
}

function matches(pattern: string, path: string): boolean {
  assert.doesNotMatch(pattern, /[*?{]/, `route ${pattern}: the walk knows named parameters only`);
  const re = new RegExp(
    `^${pattern
      .split('/')
      .map((seg) => (seg.startsWith(':') ? '[^/]+' : seg.replace(/[.+^$()|[\]\\]/g, '\\$&')))
      .join('/')}$`,
  );
  return re.test(path);
}

const isPlatformRoute = (path: string) => path === '/admin/platform' || path.startsWith('/admin/platform/');
/** Routes posted or read without a session, which no role applies to. */
const WITHOUT_SESSION = new Set(['/admin/login']);

const unescapeHtml = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&amp;/g, '&');

const attrs = (tag: string) => {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/([a-zA-Z_:][\w:.-]*)(?:="([^"]*)")?/g)) out[m[1]!.toLowerCase()] = unescapeHtml(m[2] ?? '');
  return out;
};

interface Probe {
  method: 'GET' | 'POST';
  url: string;
  form: Record<string, string[]>;
  /** The route that answers it. */
  route: string;
}

/** Every form of a page, with the values it is shown with, as a browser would post it (no file chosen). */
function formsOf(html: string): { action: string; fields: Record<string, string[]> }[] {
  const out: { action: string; fields: Record<string, string[]> }[] = [];
  for (const m of html.matchAll(/<form([^>]*)>([\s\S]*?)<\/form>/g)) {
    const a = attrs(m[1]!);
    if ((a.method ?? '').toLowerCase() !== 'post' || !a.action?.startsWith('/admin')) continue;
    const fields: Record<string, string[]> = {};
    const add = (k: string | undefined, v: string) => {
      if (k) (fields[k] ??= []).push(v);
    };
    for (const i of m[2]!.matchAll(/<input([^>]*)>/g)) {
      const x = attrs(i[1]!);
      if (x.type === 'file' || x.type === 'submit') continue;
      if ((x.type === 'checkbox' || x.type === 'radio') && !('checked' in x)) continue;
      // The session's own token is added when the form is posted.
      if (x.name === '_csrf') continue;
      add(x.name, x.value ?? (x.type === 'checkbox' ? 'on' : ''));
    }
    for (const t of m[2]!.matchAll(/<textarea([^>]*)>([\s\S]*?)<\/textarea>/g)) add(attrs(t[1]!).name, unescapeHtml(t[2]!));
    for (const s of m[2]!.matchAll(/<select([^>]*)>([\s\S]*?)<\/select>/g)) {
      const options = [...s[2]!.matchAll(/<option([^>]*)>([\s\S]*?)<\/option>/g)].map((o) => ({ a: attrs(o[1]!), text: unescapeHtml(o[2]!) }));
      const chosen = options.find((o) => 'selected' in o.a) ?? options[0];
      if (chosen) add(attrs(s[1]!).name, chosen.a.value ?? chosen.text);
    }
    out.push({ action: a.action, fields });
  }
  return out;
}

/**
 * A's admin walks the workspace from `seeds` (its own ids first) and keeps a few pages of every GET route
 * and a few forms of every POST route; the routes the walk does not reach get a request with A's ids
 * filled in (`ids`) and an empty form. Every route but the login is covered.
 */
async function requestsOfA(staff: Staff, seeds: string[], ids: Record<string, string>, extra: Probe[]): Promise<Probe[]> {
  const routes = adminRoutes();
  const gets = routes.filter((r) => r.method === 'GET' && !WITHOUT_SESSION.has(r.path) && !isPlatformRoute(r.path)).map((r) => r.path);
  const posts = routes.filter((r) => r.method === 'POST' && !WITHOUT_SESSION.has(r.path) && !isPlatformRoute(r.path)).map((r) => r.path);
  const probes: Probe[] = [];
  const perRoute = new Map<string, number>();
  const formsSeen = new Set<string>();
  const queue = [...seeds];
  const visited = new Set<string>();
  const PER_ROUTE = 3;
  while (queue.length) {
    const url = queue.shift()!;
    if (visited.has(url)) continue;
    visited.add(url);
    const route = gets.find((p) => matches(p, url.split('?')[0]!));
    if (!route) continue;
    const n = perRoute.get(`GET ${route}`) ?? 0;
    if (n >= PER_ROUTE && !seeds.includes(url)) continue;
    const r = await staff.get(url);
    if (r.status !== 200) continue;
    perRoute.set(`GET ${route}`, n + 1);
    probes.push({ method: 'GET', url, form: {}, route });
    for (const f of formsOf(r.html)) {
      const post = posts.find((p) => matches(p, f.action));
      assert.ok(post, `a form of ${url} posts to ${f.action}, which no POST route answers`);
      const id = `${f.action} ${Object.keys(f.fields).sort().join(',')}`;
      const m = perRoute.get(`POST ${post}`) ?? 0;
      if (formsSeen.has(id) || m >= PER_ROUTE + 1) continue;
      formsSeen.add(id);
      perRoute.set(`POST ${post}`, m + 1);
      probes.push({ method: 'POST', url: f.action, form: f.fields, route: post });
    }
    for (const h of r.html.matchAll(/href="(\/admin[^"#]*)"/g)) queue.push(unescapeHtml(h[1]!));
  }
  for (const p of extra) probes.push(p);
  const fill = (pattern: string) =>
    pattern
      .split('/')
      .map((seg) => {
        if (!seg.startsWith(':')) return seg;
        const v = ids[seg.slice(1)];
        assert.ok(v !== undefined, `no id of A for the parameter ${seg} of ${pattern}: add one to the walk's ids`);
        return encodeURIComponent(v);
      })
      .join('/');
  for (const [method, list] of [
    ['GET', gets],
    ['POST', posts],
  ] as const) {
    for (const route of list) {
      if (!probes.some((p) => p.method === method && p.route === route)) probes.push({ method, url: fill(route), form: {}, route });
    }
  }
  return probes;
}

/** A's secrets taken out of a form, so that a secret in an answer can only have come from A's rows. */
function scrubbed(form: Record<string, string[]>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(form).map(([k, vs]) => [k, vs.map((v) => v.replace(SECRETS, 'B'))]));
}

/** A session of the platform administrator: its CSRF token is on its own page (the dashboard sends it there). */
async function platformSession(app: AppLike, login: string): Promise<Staff> {
  const s = await signIn(app, login);
  const token = /name="_csrf" value="([^"]+)"/.exec((await s.get('/admin/platform')).html)![1]!;
  return { ...s, csrf: async () => token, post: (path, form, opts = {}) => s.post(path, form, { csrf: opts.csrf === undefined ? token : opts.csrf }) };
}

async function post(staff: Staff, path: string, form: Record<string, string | string[]>) {
  const r = await staff.post(path, form);
  assert.ok(r.status === 303, `${staff.login} POST ${path}: ${r.status} ${/role="alert">([^<]*)/.exec(r.html)?.[1] ?? ''}`);
  return r;
}

/** Two organizations with the same plan (A and B), one with none (C), an admin each, and the platform administrator. */
async function threeOrganizations(backend: Backend) {
  const database = await backend.open();
  clearEditionCache();
  const db = database.db;
  await loadSample(db);
  const b = sampleDocument().doc.data;
  b.organization = { ...B };
  await saveEdition(db, b, { actor: 'test', source: 'import:plan-text' });
  await createPlatformAdmin(db, { login: 'root', displayName: '運用担当', password: PASSWORD });
  await createUser(db, { orgCode: A.code, login: A_ADMIN, displayName: 'A秘密管理者', email: 'a-himitsu@example.jp', password: PASSWORD, role: 'admin' });
  await createUser(db, {
    orgCode: A.code,
    login: A_EDITOR,
    displayName: 'A秘密編集者',
    email: 'a-himitsu-editor@example.jp',
    password: PASSWORD,
    role: 'editor',
    departments: ['デジタル推進課'],
  });
  await createUser(db, { orgCode: B.code, login: 'b-admin', displayName: 'B管理者', email: 'b-admin@example.jp', password: PASSWORD, role: 'admin' });
  await addOrganization(db, platformSystemActor, C);
  await addOrganizationAdmin(db, platformSystemActor, C.code, { login: 'c-admin', displayName: 'C管理者', email: null, password: PASSWORD });
  return { database, db, app: createApp({ database }) };
}

/** A's admin leaves a secret in every kind of row the workspace writes; returns the ids only A has. */
async function secretsOfA(db: Db, a: Staff) {
  await post(a, '/admin/rounds', { fromFiscalYear: '2023', dueDate: '2024-05-31', dropCompleted: 'carry' });
  const k01 = formOf((await a.get(`/admin/e/2024/i/${K01}`)).html);
  await post(a, `/admin/e/2024/i/${K01}`, { ...k01, content: `${k01.content}A秘密の施策内容` });
  await post(a, '/admin/departments', { name: 'A秘密課' });
  await post(a, '/admin/departments/alias', { name: '市民課', alias: 'A秘密別名' });
  await post(a, '/admin/e/2024/pillars', { name: 'A秘密の柱', tagline: 'A秘密の標語' });
  const p1 = doc.data.pillars[0]!.key;
  await post(a, '/admin/e/2024/initiatives', {
    title: 'A秘密の新施策',
    pillar: p1,
    subArea: '',
    departments: 'A秘密課',
    content: 'A秘密の新施策の内容',
    plan: '',
  });
  await post(a, '/admin/e/2024/kpis', {
    version: '',
    name: 'A秘密指標',
    pillar: p1,
    unit: '%',
    target: '50',
    targetFiscalYear: '2026',
    direction: 'higher',
    baseline: '',
    initiative: '',
  });
  await post(a, `/admin/e/2024/i/${K01}/assess`, { grade: 'B', comment: 'A秘密の評価' });
  await post(a, `/admin/e/2024/i/${K03}/submit`, {});
  await post(a, `/admin/e/2024/i/${K03}/review`, { decision: 'return', comment: 'A秘密の差戻し理由' });
  await post(a, `/admin/e/2024/i/${K05}/submit`, {});
  await post(a, '/admin/e/2024/remind', {});
  const one = async (q: string) => (await rows<{ v: string }>(db, q))[0]!.v;
  const inA2024 = `SELECT id FROM editions WHERE fiscal_year = 2024 AND plan_id IN ${PLANS_A}`;
  const ids = {
    fy: '2024',
    key: await one(`SELECT i.key AS v FROM initiatives i JOIN initiative_years y ON y.initiative_id = i.id WHERE y.title = 'A秘密の新施策'`),
    pillar: await one(`SELECT key AS v FROM pillars WHERE name = 'A秘密の柱' AND edition_id IN (${inA2024})`),
    sub: await one(`SELECT s.key AS v FROM sub_areas s JOIN pillars p ON p.id = s.pillar_id WHERE p.edition_id IN (${inA2024}) ORDER BY s.id LIMIT 1`),
    kpi: await one(`SELECT key AS v FROM kpis WHERE name = 'A秘密指標'`),
    login: A_EDITOR,
  };
  const actor = (await authenticate(db, A_ADMIN, PASSWORD))!;
  const upload = await keepUpload(db, actor, {
    fiscalYear: 2024,
    filename: 'A秘密.csv',
    content: new TextEncoder().encode('A秘密'),
    stamp: (await editionStamp(db, A.code, 2024))!,
  });
  return { ids, upload };
}

for (const backend of backends) {
  test(`${backend.name}: nothing of organization A is reached by B's admin, C's admin (no plan) or the platform administrator`, async (t) => {
    const { database, db, app } = await threeOrganizations(backend);
    try {
      const tables = await rows<{ t: string }>(
        db,
        `SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
      );
      assert.deepEqual(
        tables.map((r) => r.t).filter((name) => !(name in ROWS_OF_A) && !ROWS_OF_NO_ORGANIZATION.has(name)),
        [],
        'every table says how its rows belong to an organization (ROWS_OF_A)',
      );
      const a = await signIn(app, A_ADMIN);
      const b = await signIn(app, 'b-admin');
      await post(b, '/admin/rounds', { fromFiscalYear: '2023', dueDate: '2024-05-31', dropCompleted: 'carry' });
      const { ids, upload } = await secretsOfA(db, a);
      const seeds = [
        '/admin',
        `/admin/e/2024/i/${ids.key}`,
        `/admin/i/${ids.key}/history`,
        `/admin/e/2024/i/${K03}`,
        `/admin/e/2024/i/${K05}`,
        `/admin/e/2024/i/${K01}`,
        `/admin/i/${K01}/history`,
        `/admin/users/${A_EDITOR}`,
        `/admin/users/${A_ADMIN}`,
        '/admin/e/2024/structure',
        '/admin/e/2024/kpis',
        '/admin/departments',
        '/admin/outbox',
        '/admin/e/2023',
      ];
      const probes = await requestsOfA(a, seeds, ids, [
        { method: 'POST', url: '/admin/e/2024/import/apply', form: { id: [upload] }, route: '/admin/e/:fy/import/apply' },
      ]);
      const covered = new Set(probes.map((p) => `${p.method} ${p.route}`));
      const missing = adminRoutes().filter((r) => !WITHOUT_SESSION.has(r.path) && !isPlatformRoute(r.path) && !covered.has(`${r.method} ${r.path}`));
      assert.deepEqual(missing, [], 'every admin route is requested with A’s ids');
      // The walk found A's secrets on A's own pages: what follows can tell a leak from a page that shows none.
      const own = await Promise.all(probes.filter((p) => p.method === 'GET').map(async (p) => (await a.get(p.url)).html));
      assert.ok(own.some((h) => h.includes('A秘密の施策内容')) && own.some((h) => h.includes('A秘密の差戻し理由')), 'A’s pages show its secrets to A');

      const before = await dumpA(db);
      const people: [string, () => Promise<Staff>, 'org' | 'platform'][] = [
        ['B’s admin (the same plan under another code)', () => signIn(app, 'b-admin'), 'org'],
        ['C’s admin (an organization with no plan)', () => signIn(app, 'c-admin'), 'org'],
        ['the platform administrator', () => platformSession(app, 'root'), 'platform'],
      ];
      for (const [who, session, kind] of people) {
        await t.test(`${who}: ${probes.length} requests naming A’s data`, async () => {
          let staff = await session();
          const failures: string[] = [];
          const statuses = new Map<number, number>();
          // Each request's "after" is the next one's "before": nothing else writes meanwhile.
          let digest = await digestA(db);
          for (const p of probes) {
            const fresh = p.url === '/admin/logout';
            const as = fresh ? await session() : staff;
            const r = p.method === 'GET' ? await as.get(p.url) : await as.post(p.url, scrubbed(p.form));
            const what = `${p.method} ${p.url}`;
            if (r.status >= 500) failures.push(`${what}: ${r.status}`);
            if (/CSRF token mismatch/.test(r.html)) failures.push(`${what}: refused for its CSRF token, so it tested nothing`);
            statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
            const after = await digestA(db);
            const changed = changedTables(digest, after);
            if (changed.length) failures.push(`${what} changed A's ${changed.join(', ')}`);
            digest = after;
            // A login of A named in the address is echoed back ("アカウント「…」はありません"): only that is not a leak.
            const secret = p.url.includes('himitsu') ? /A秘密/ : SECRET;
            const leaked = secret.exec(r.html);
            if (leaked) failures.push(`${what} (${r.status}) answered with A's "${r.html.slice(Math.max(0, leaked.index - 60), leaked.index + 40)}"`);
            if (kind === 'platform') {
              const expected = p.url === '/admin' && p.method === 'GET' ? 303 : p.url === '/admin/password' || p.url === '/admin/logout' ? null : 403;
              if (expected !== null && r.status !== expected) failures.push(`${what}: the platform administrator got ${r.status}, not ${expected}`);
            }
            // A session the probe ended (logout) or that a write signed out is replaced, so the walk goes on as this person.
            if (!fresh && (await staff.get('/admin/password')).status !== 200) staff = await session();
          }
          assert.deepEqual(failures, []);
          // B has every key A has: its own rows answer A's ids, and its writes to them go through (to B's rows).
          if (who.startsWith('B')) assert.ok((statuses.get(303) ?? 0) > 20, `B's writes reached its commands: ${JSON.stringify([...statuses])}`);
        });
      }
      await t.test('A’s rows, in full, are as they were', async () => {
        assert.deepEqual(await dumpA(db), before);
      });

      await t.test('organizations’ admins are refused the platform’s routes; refusals change nothing', async () => {
        const routes = adminRoutes().filter((r) => isPlatformRoute(r.path));
        assert.ok(routes.length >= 3, routes.map((r) => r.path).join(', '));
        const orgs = JSON.stringify(await listOrganizationSummaries(db, platformSystemActor));
        for (const login of [A_ADMIN, 'b-admin', 'c-admin', A_EDITOR]) {
          const s = await signIn(app, login);
          for (const r of routes) {
            const digest = await digestA(db);
            const answer =
              r.method === 'GET'
                ? await s.get(r.path)
                : await s.post(r.path, {
                    code: '271004',
                    name: '大阪市',
                    organization: C.code,
                    login: 'x-admin',
                    displayName: 'x',
                    email: '',
                    password: PASSWORD,
                  });
            assert.equal(answer.status, 403, `${login} ${r.method} ${r.path}`);
            assert.match(answer.html, /プラットフォーム管理者だけができます/);
            assert.deepEqual(changedTables(digest, await digestA(db)), []);
          }
        }
        assert.equal(JSON.stringify(await listOrganizationSummaries(db, platformSystemActor)), orgs, 'no organization and no account was added');
      });
    } finally {
      await database.close();
    }
  });

  test(`${backend.name}: the platform administrator adds organizations and their first admins; refusals change nothing`, async (t) => {
    const database = await backend.open();
    clearEditionCache();
    const db = database.db;
    try {
      await loadSample(db);
      await createPlatformAdmin(db, { login: 'root', displayName: '運用担当', password: PASSWORD });
      const app = createApp({ database });
      const everything = async () => ({
        orgs: await rows(db, 'SELECT code, name, version FROM organizations ORDER BY code'),
        users: await rows(db, 'SELECT login, role, organization_id FROM users ORDER BY login'),
        changeSets: await rows(db, 'SELECT count(*)::int AS n FROM change_sets'),
        audit: await rows(db, 'SELECT count(*)::int AS n FROM audit_log'),
      });

      await t.test('one platform administrator per installation, of no organization, who acts on none', async () => {
        const state = await everything();
        await assert.rejects(createPlatformAdmin(db, { login: 'root2', displayName: '二人目', password: PASSWORD }), PlatformAdminExistsError);
        await assert.rejects(createPlatformAdmin(db, { login: 'root2', displayName: '二人目', password: PASSWORD }), /既にいます（root）/);
        assert.deepEqual(await everything(), state);
        // The database holds the rule too, whatever a command checks.
        await assert.rejects(
          db.execute(sql`INSERT INTO users (login, display_name, password_hash, role) VALUES ('root3', 'x', 'x', 'platform')`),
          (e: unknown) => /unique|duplicate|users_one_platform/i.test(`${(e as Error).message} ${String((e as { cause?: unknown }).cause)}`),
        );
        const root = await verifyLogin(db, 'root', PASSWORD);
        assert.deepEqual(root && { role: root.role, organizationId: 'organizationId' in root ? root.organizationId : undefined }, {
          role: 'platform',
          organizationId: undefined,
        });
        assert.equal(await authenticate(db, 'root', PASSWORD), null, 'no organization actor for the platform administrator');
      });

      const root = await platformSession(app, 'root');
      await t.test('login lands on /admin/platform; the list shows code, name, 都道府県, plans and accounts', async () => {
        const r = await app.request('/admin/login', {
          method: 'POST',
          body: new URLSearchParams({ login: 'root', password: PASSWORD, next: '/admin/e/2023' }),
        });
        assert.equal(r.status, 303);
        assert.equal(r.headers.get('location'), '/admin/platform');
        const page = await root.get('/admin/platform');
        assert.equal(page.status, 200);
        assert.match(page.html, /<td>082023<\/td><th scope="row">日立市<\/th><td>茨城県<\/td><td>1<\/td><td>0<\/td><td>未設定<\/td>/);
        assert.doesNotMatch(page.html, /デジタル推進課|日立市デジタル化推進アクションプラン/, 'no plan data on the platform page');
      });

      await t.test('bad check digit, no prefecture, duplicate, empty and overlong names: refused next to the field, nothing changed', async () => {
        const cases: [Record<string, string>, string, RegExp, number][] = [
          [{ code: '221308', name: '浜松市' }, 'code', /検査数字が違います（正しくは 221309）/, 400],
          [{ code: `00100${checkDigit('00100')}`, name: '架空市' }, 'code', /どの都道府県のコードでもありません/, 400],
          [{ code: '22130', name: '浜松市' }, 'code', /6桁の数字です/, 400],
          [{ code: A.code, name: '日立市' }, 'code', /既に登録されています（日立市）/, 409],
          [{ code: '221309', name: '  ' }, 'name', /自治体名を入力してください/, 400],
          [{ code: '221309', name: '浜'.repeat(51) }, 'name', /50文字までです/, 400],
        ];
        for (const [form, field, message, status] of cases) {
          const state = await everything();
          const r = await root.post('/admin/platform/organizations', form);
          assert.equal(r.status, status, JSON.stringify(form));
          assert.match(new RegExp(`id="org-new-${field}-error">([^<]*)`).exec(r.html)?.[1] ?? '', message, JSON.stringify(form));
          assert.match(r.html, new RegExp(`value="${form.name!.trim() ? form.name : ''}"`), 'what was typed comes back');
          assert.deepEqual(await everything(), state, `${JSON.stringify(form)} changed nothing`);
          // The command refuses the same, whoever calls it.
          await assert.rejects(addOrganization(db, platformSystemActor, form as { code: string; name: string }), OrganizationInputError);
          assert.deepEqual(await everything(), state);
        }
      });

      await t.test('an organization is added with its change set and audit entry, then its first admin, who signs in to an empty workspace', async () => {
        const changeSets = Number((await rows<{ n: number }>(db, 'SELECT count(*)::int AS n FROM change_sets'))[0]!.n);
        const r = await root.post('/admin/platform/organizations', { code: '２２１３０９', name: ' 浜松市 ' });
        assert.equal(r.status, 303, /role="alert">([^<]*)/.exec(r.html)?.[1]);
        assert.match(decodeURIComponent(r.location ?? ''), /浜松市（221309・静岡県）を登録しました/);
        const audit = await rows<{ source: string; actor: string; entity: string; after: { prefecture: string } }>(
          db,
          `SELECT c.source, c.actor, a.entity, a.after FROM change_sets c JOIN audit_log a ON a.change_set_id = c.id WHERE a.entity = 'organization'`,
        );
        assert.deepEqual(
          audit.map((x) => [x.source, x.actor, x.entity, x.after.prefecture]),
          [['platform:organization-add', 'root', 'organization', '静岡県']],
        );
        assert.equal(Number((await rows<{ n: number }>(db, 'SELECT count(*)::int AS n FROM change_sets'))[0]!.n), changeSets + 1);
        const page = await root.get('/admin/platform');
        assert.match(page.html, /<td>221309<\/td><th scope="row">浜松市<\/th><td>静岡県<\/td><td>0<\/td><td>0<\/td><td>未設定<\/td>/);

        const bad = await root.post('/admin/platform/admins', { organization: '221309', login: 'ab cd', displayName: '', email: 'x', password: 'short' });
        assert.equal(bad.status, 400);
        for (const f of ['login', 'displayName', 'email', 'password']) assert.match(bad.html, new RegExp(`id="org-admin-${f}-error"`), f);
        assert.doesNotMatch(bad.html, /value="short"/, 'the password never comes back');
        const ok = await root.post('/admin/platform/admins', {
          organization: '221309',
          login: 'hama-admin',
          displayName: '浜松市管理者',
          email: '',
          password: PASSWORD,
        });
        assert.equal(ok.status, 303, /role="alert">([^<]*)/.exec(ok.html)?.[1]);
        const state = await everything();
        const second = await root.post('/admin/platform/admins', {
          organization: '221309',
          login: 'hama-2',
          displayName: '二人目',
          email: '',
          password: PASSWORD,
        });
        assert.equal(second.status, 409);
        assert.match(second.html, /有効な管理者がいます/);
        assert.deepEqual(await everything(), state, 'a second admin from the platform is refused: the organization manages its own accounts');

        const hama = await signIn(app, 'hama-admin');
        const dashboard = await hama.get('/admin');
        assert.equal(dashboard.status, 200, 'an organization without a plan reaches its dashboard');
        for (const path of ['/admin/users', '/admin/departments', '/admin/outbox']) assert.equal((await hama.get(path)).status, 200, path);
        const edition = await hama.get('/admin/e/2024');
        assert.equal(edition.status, 404);
        assert.equal((await hama.get('/admin/platform')).status, 403);
        // Its own admin adds its next account, and sees only its own.
        assert.equal(
          (await hama.post('/admin/users', { login: 'hama-viewer', displayName: '閲覧', email: '', role: 'viewer', departments: '', password: PASSWORD }))
            .status,
          303,
        );
        const accounts = await hama.get('/admin/users');
        assert.match(accounts.html, /hama-viewer/);
        assert.doesNotMatch(accounts.html, /root|日立市/);
      });

      await t.test('the platform administrator signs out and changes its password like anyone', async () => {
        const r = await root.post('/admin/password', { current: 'wrong password!!', next: 'a new long password' });
        assert.equal(r.status, 400);
        assert.match(r.html, /現在のパスワードが違います/);
        const s = await platformSession(app, 'root');
        assert.equal((await s.post('/admin/logout', {})).status, 303);
        assert.equal((await s.get('/admin/platform')).status, 303, 'signed out');
      });
    } finally {
      await database.close();
    }
  });
}

// ---- the command line --------------------------------------------------------------------------------

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function shisaku(args: string[], env: Record<string, string>, stdin = ''): Promise<Run> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [join(ROOT, 'bin/shisaku.js'), ...args], { cwd: ROOT, env: { ...process.env, DATABASE_URL: '', DEBUG: '', ...env } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('error', reject);
    p.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    p.stdin.end(stdin);
  });
}

/** The command line on a fresh embedded data directory, and on a database of its own on the server. */
const places: { name: string; open(): Promise<{ env: Record<string, string>; done(): Promise<void> }> }[] = [
  {
    name: 'embedded',
    open: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'shisaku-org-'));
      return { env: { SHISAKU_DATA_DIR: join(dir, 'data') }, done: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
  {
    name: 'postgres',
    open: async () => {
      const name = `shisaku_org_${randomBytes(5).toString('hex')}`;
      const admin = new pg.Client({ connectionString: SERVER_URL });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      const url = new URL(SERVER_URL);
      url.pathname = `/${name}`;
      return {
        env: { DATABASE_URL: url.toString() },
        done: async () => {
          const c = new pg.Client({ connectionString: SERVER_URL });
          await c.connect();
          await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          await c.end();
        },
      };
    },
  },
];

for (const place of places) {
  test(`command line (${place.name}): org add, org list, user add for an organization with no plan, platform-admin`, async () => {
    const { env, done } = await place.open();
    try {
      const list = async () => {
        const r = await shisaku(['org', 'list'], env);
        assert.equal(r.code, 0, r.stderr);
        return r.stdout;
      };
      const added = await shisaku(['org', 'add', '221309', '--name', '浜松市'], env);
      assert.equal(added.code, 0, added.stderr);
      assert.match(added.stderr, /自治体 221309 浜松市（静岡県）を登録しました/);
      assert.equal(added.stdout, '');
      assert.equal(await list(), '221309\t浜松市\t静岡県\t0\t0\n');

      const before = await list();
      const refusals: [string[], RegExp, number][] = [
        [['org', 'add', '221308', '--name', '浜松市'], /検査数字が違います（正しくは 221309） \/ .*check digit/, 1],
        [['org', 'add', '221309', '--name', '浜松市'], /既に登録されています（浜松市） \/ organization 221309 is registered already/, 1],
        [['org', 'add', '131016', '--name', ''], /自治体名を入力してください \/ the organization name is empty/, 1],
        [['org', 'add', '131016', '--name', '千'.repeat(51)], /50文字までです/, 1],
        [['org', 'add', '131016'], /--name 名称 が必要です \/ --name is required/, 2],
        [['org', 'add'], /コードが必要です/, 2],
        [['org', 'remove', '131016'], /不明なサブコマンド/, 2],
      ];
      for (const [args, message, code] of refusals) {
        const r = await shisaku(args, env);
        assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
        assert.match(r.stderr, message, args.join(' '));
        assert.doesNotMatch(r.stderr, /予期しないエラー|^\s+at /m);
      }
      assert.equal(await list(), before, 'the refusals changed nothing');

      const unknown = await shisaku(['user', 'add', 'tokyo-admin', '--org', '131016', '--role', 'admin'], env, `${PASSWORD}\n`);
      assert.equal(unknown.code, 1);
      assert.match(unknown.stderr, /自治体 131016 は登録されていません（先に shisaku org add 131016 --name 名称 で登録してください）/);
      const user = await shisaku(['user', 'add', 'hama-admin', '--org', '221309', '--role', 'admin', '--name', '管理者'], env, `${PASSWORD}\n`);
      assert.equal(user.code, 0, user.stderr);
      assert.equal(await list(), '221309\t浜松市\t静岡県\t0\t1\n');

      const platform = await shisaku(['platform-admin', 'root', '--name', '運用担当'], env, `${PASSWORD}\n`);
      assert.equal(platform.code, 0, platform.stderr);
      assert.match(platform.stderr, /プラットフォーム管理者 root を作成しました/);
      const second = await shisaku(['platform-admin', 'root2'], env, `${PASSWORD}\n`);
      assert.equal(second.code, 1);
      assert.match(second.stderr, /プラットフォーム管理者は既にいます（root）.* \/ a platform administrator exists already/);
      const short = await shisaku(['platform-admin'], env);
      assert.equal(short.code, 2);
      assert.match(short.stderr, /ログイン名が必要です/);
      const help = await shisaku(['help', 'org'], env);
      assert.match(help.stdout, /shisaku org add CODE --name 名称/);
      // Run as main.ts itself too (its top-level await loads the command): the command must not wait on main.ts.
      const direct = await new Promise<Run>((resolve, reject) => {
        const p = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'org', 'add', '131016'], {
          cwd: ROOT,
          env: { ...process.env, DATABASE_URL: '', DEBUG: '', ...env },
        });
        let stderr = '';
        p.stderr.on('data', (d) => (stderr += d));
        p.on('error', reject);
        p.on('exit', (code) => resolve({ code: code ?? -1, stdout: '', stderr }));
        p.stdin.end();
      });
      assert.equal(direct.code, 2, direct.stderr);
      assert.match(direct.stderr, /--name 名称 が必要です/);

      // What the command line wrote, as the database holds it: one platform account of no organization.
      const database = await openDatabase(env.DATABASE_URL ? { url: env.DATABASE_URL } : { dataDir: env.SHISAKU_DATA_DIR! });
      try {
        assert.deepEqual(
          (
            await rows<{ login: string; role: string; org: string | null }>(
              database.db,
              'SELECT u.login, u.role, o.code AS org FROM users u LEFT JOIN organizations o ON o.id = u.organization_id ORDER BY u.login',
            )
          ).map((r) => [r.login, r.role, r.org]),
          [
            ['hama-admin', 'admin', '221309'],
            ['root', 'platform', null],
          ],
        );
        // One change set per command that succeeded; the refused ones left none.
        assert.deepEqual(
          (await rows<{ source: string; actor: string }>(database.db, 'SELECT source, actor FROM change_sets ORDER BY id')).map((r) => [r.source, r.actor]),
          [
            ['platform:organization-add', 'cli'],
            ['user:add', 'cli'],
            ['platform:admin-add', 'cli'],
          ],
        );
      } finally {
        await database.close();
      }
    } finally {
      await done();
    }
  });
}
