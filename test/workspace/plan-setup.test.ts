// A new municipality's plan from nothing, on both databases: the admin creates a plan and its first (empty)
// edition on /admin/plan/new, works on the empty edition, edits the period (refused while an edition or a KPI
// target year would fall outside, or while it would overlap another plan), nests departments (a cycle is
// refused), and lets initiatives be saved without a department when the plan says so. Every refusal is
// checked to change nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eq, sql } from 'drizzle-orm';
import { backends } from '../helpers/db.ts';
import type { Db } from '../../src/db/client.ts';
import * as schema from '../../src/db/schema.ts';
import { createUser } from '../../src/db/accounts.ts';
import { loadEdition } from '../../src/db/repository.ts';
import { systemActor } from '../../src/db/command.ts';
import { createPlan, createEdition, DefinitionRefusal, listPlans, updatePlan } from '../../src/db/plans.ts';
import { publishEdition } from '../../src/db/workspace.ts';
import { parsePlanDefinition } from '../../src/domain/plan-definition.ts';
import { summaryTable, kpiTable } from '../../src/domain/tables.ts';
import { createApp } from '../../src/web/app.tsx';
import { clearEditionCache } from '../../src/web/public/edition-cache.ts';
import { PASSWORD, signIn } from './helpers.ts';

const CODE = '221309';

/** The organization as the platform administrator registers it (`shisaku org add`), written directly. */
async function addOrganization(db: Db, code = CODE, name = '浜松市') {
  await db.insert(schema.organizations).values({ code, name });
}

/** Everything a refusal must leave as it was. */
async function fingerprint(db: Db): Promise<string> {
  const rows = (await db.execute(sql`SELECT
      (SELECT count(*) FROM change_sets)::int AS changes,
      (SELECT count(*) FROM audit_log)::int AS audit,
      (SELECT coalesce(json_agg(json_build_object('t', title, 'f', start_fiscal_year, 'e', end_fiscal_year, 's', settings, 'v', version) ORDER BY id), '[]') FROM plans) AS plans,
      (SELECT coalesce(json_agg(json_build_object('y', fiscal_year, 's', state, 'v', version) ORDER BY id), '[]') FROM editions) AS editions,
      (SELECT count(*) FROM pillars)::int AS pillars,
      (SELECT count(*) FROM initiative_years)::int AS initiatives,
      (SELECT coalesce(json_agg(json_build_object('n', name, 'p', parent_id, 'v', version) ORDER BY id), '[]') FROM departments) AS departments,
      (SELECT coalesce(sum(version), 0) FROM organizations)::int AS orgs`)) as unknown as { rows: unknown[] };
  return JSON.stringify(rows.rows[0]);
}

const alert = (html: string) => /role="alert">([^<]*)/.exec(html)?.[1] ?? '';
const fieldError = (html: string, id: string) => new RegExp(`id="${id}-error">\\s*([^<]*)`).exec(html)?.[1]?.trim() ?? '';
const done = (location: string | null) => decodeURIComponent(/done=([^&]*)/.exec(location ?? '')?.[1] ?? '');

/** The new-plan form as a person fills it in. */
const NEW_PLAN = {
  title: '浜松市DX推進計画',
  from: '2023',
  to: '2024',
  level1: '取組の柱',
  level2: '',
  initiative: '取組項目',
  departmentRequired: 'yes',
  rounding: 'truncate',
  decimals: '1',
  bands: 'A 100\nB 80\nC 50\nD 0',
  firstEdition: '2024',
};

for (const backend of backends) {
  test(`${backend.name}: a plan from nothing — create, first edition, period edits, departments, departments optional`, async (t) => {
    const database = await backend.open();
    clearEditionCache();
    const db = database.db;
    try {
      await addOrganization(db);
      await createUser(db, { orgCode: CODE, login: 'hadmin', displayName: '管理者', password: PASSWORD, role: 'admin' });
      await createUser(db, { orgCode: CODE, login: 'hviewer', displayName: '閲覧者', password: PASSWORD, role: 'viewer' });
      const app = createApp({ database });
      const admin = await signIn(app, 'hadmin');
      const viewer = await signIn(app, 'hviewer');

      await t.test('an organization without a plan: the dashboard leads to creating one', async () => {
        const home = await admin.get('/admin');
        assert.equal(home.status, 200);
        assert.match(home.html, /まだ計画がありません/);
        assert.match(home.html, /href="\/admin\/plan\/new"/);
        assert.match((await viewer.get('/admin')).html, /管理者が計画を作成すると/);
        assert.equal((await admin.get('/admin/plan')).location, '/admin/plan/new', 'no plan: its settings page leads to the new one');
        const form = await admin.get('/admin/plan/new');
        assert.equal(form.status, 200);
        assert.equal((await viewer.get('/admin/plan/new')).status, 403);
      });

      await t.test('a form with errors: each next to its field, what was typed kept, nothing written', async () => {
        const before = await fingerprint(db);
        const r = await admin.post('/admin/plan/new', { ...NEW_PLAN, title: '', from: '2025', to: '2024', level1: '', level2: '分野', firstEdition: '20x4' });
        assert.equal(r.status, 400);
        assert.equal(fieldError(r.html, 'plan-new-title'), '「計画の題名」が空です');
        assert.equal(fieldError(r.html, 'plan-new-to'), '「計画期間の最後の年度」は「計画期間の最初の年度」以上の年度です');
        assert.match(fieldError(r.html, 'plan-new-level1'), /第1階層の名前を入力してください/);
        assert.equal(fieldError(r.html, 'plan-new-firstEdition'), '西暦の年（例: 2024）で入力してください');
        assert.match(r.html, /value="分野"/);
        assert.equal(await fingerprint(db), before);
        assert.equal((await viewer.post('/admin/plan/new', NEW_PLAN)).status, 403);
        assert.equal(await fingerprint(db), before);
      });

      await t.test('the plan and its first edition, empty, in one change set', async () => {
        const changes = await count(db, 'change_sets');
        const r = await admin.post('/admin/plan/new', NEW_PLAN);
        assert.equal(r.status, 303, alert(r.html));
        assert.equal(r.location?.split('?')[0], '/admin/e/2024/structure');
        assert.match(done(r.location), /取組の柱を追加します/);
        assert.equal(await count(db, 'change_sets'), changes + 1);
        const [plan] = await db.select().from(schema.plans);
        assert.equal(plan!.title, '浜松市DX推進計画');
        assert.deepEqual([plan!.startFiscalYear, plan!.endFiscalYear], [2023, 2024]);
        assert.deepEqual(plan!.settings.levels, ['取組の柱']);
        assert.equal(plan!.settings.initiativeName, '取組項目');
        assert.equal(plan!.settings.departmentRequired, true);
        const e = (await loadEdition(db, CODE, 2024))!;
        assert.equal(e.edition.state, 'draft');
        assert.equal(e.edition.title, '浜松市DX推進計画 2024年度版');
        assert.equal(e.edition.source, null);
        assert.deepEqual([e.pillars.length, e.initiatives.length, e.kpis.length], [0, 0, 0]);
        const audit = (await db.execute(sql`SELECT entity, action FROM audit_log ORDER BY id`)) as unknown as { rows: { entity: string; action: string }[] };
        assert.deepEqual(
          audit.rows.slice(-2).map((a) => `${a.entity}:${a.action}`),
          ['plan:insert', 'edition:insert'],
        );
      });

      await t.test('an overlapping plan is refused, on the page and by the command, and nothing changes', async () => {
        const before = await fingerprint(db);
        const r = await admin.post('/admin/plan/new', { ...NEW_PLAN, title: '次の計画', from: '2024', to: '2026', firstEdition: '' });
        assert.equal(r.status, 409);
        assert.match(fieldError(r.html, 'plan-new-to'), /計画期間（2024〜2026年度）が、この自治体の計画「浜松市DX推進計画」（2023〜2024年度）と重なります/);
        assert.equal(await fingerprint(db), before);
        const file = parsePlanDefinition(
          `organization: { code: "${CODE}", name: 浜松市 }\ntitle: 別の計画\nperiod: { from: 2020, to: 2023 }\nlevels: [柱]\ninitiative: 事業\n`,
        );
        assert.ok(file.ok);
        const cli = await systemActor(db, CODE);
        await assert.rejects(createPlan(db, cli, file.definition), (e: unknown) => e instanceof DefinitionRefusal && e.path === 'period' && e.status === 409);
        const renamed = { ...file.definition, period: { from: 2025, to: 2026 }, organization: { code: CODE, name: '浜松' } };
        await assert.rejects(createPlan(db, cli, renamed), /organization\.name「浜松」は、登録されている自治体 221309 の名前「浜松市」と違います/);
        assert.equal(await fingerprint(db), before);
      });

      await t.test('an empty edition: every page answers, and says what to add first', async () => {
        const structure = await admin.get('/admin/e/2024/structure');
        assert.equal(structure.status, 200);
        assert.match(structure.html, /<h1>取組の柱・取組項目の並び順<\/h1>/);
        assert.match(structure.html, /まだ取組の柱がありません/);
        assert.doesNotMatch(structure.html, /分野/, 'a plan of one level offers no second one');
        const edition = await admin.get('/admin/e/2024');
        assert.equal(edition.status, 200);
        assert.match(edition.html, /新しい取組項目（新）を追加/);
        assert.match(edition.html, /まだ取組の柱がないため、先に/);
        assert.doesNotMatch(edition.html, /action="\/admin\/e\/2024\/initiatives"/, 'no form without a group to put an initiative in');
        for (const path of ['/admin/e/2024/kpis', '/admin/departments', '/admin/e/2024/import', '/admin/plan'])
          assert.equal((await admin.get(path)).status, 200, path);
        const e = (await loadEdition(db, CODE, 2024))!;
        assert.deepEqual(summaryTable(e), { rows: [], totals: { completed: 0, in_progress: 0, new: 0, suspended: 0, not_started: 0 }, total: 0 });
        assert.deepEqual(kpiTable(e).rows, []);
      });

      await t.test('groups, departments and initiatives are added on the pages that exist, in the plan’s words', async () => {
        let r = await admin.post('/admin/e/2024/pillars', { name: '行政手続のオンライン化', tagline: '' });
        assert.equal(r.status, 303);
        assert.equal(done(r.location), '取組の柱「行政手続のオンライン化」を追加しました');
        r = await admin.post('/admin/e/2024/pillars', { name: 'デジタルで支える暮らし', tagline: '' });
        assert.equal(r.status, 303);
        for (const name of ['デジタル・スマートシティ推進課', '市民課']) assert.equal((await admin.post('/admin/departments', { name })).status, 303);
        const page = await admin.get('/admin/e/2024');
        assert.match(page.html, /<label for="pillar">取組の柱<\/label>/);
        assert.match(page.html, /<label for="title">取組項目名<\/label>/);
        assert.doesNotMatch(page.html, /for="subArea"/, 'one level: no second-level choice');
        r = await admin.post('/admin/e/2024/initiatives', {
          title: '電子申請の拡充',
          pillar: 'p1',
          subArea: '',
          departments: 'デジタル・スマートシティ推進課',
          content: '窓口に来なくてもできる手続を増やす。',
          plan: '',
        });
        assert.equal(r.status, 303, alert(r.html));
        const before = await fingerprint(db);
        r = await admin.post('/admin/e/2024/initiatives', { title: '担当のない取組', pillar: 'p1', subArea: '', departments: '', content: '', plan: '' });
        assert.equal(r.status, 400, 'a department is required by this plan');
        assert.match(alert(r.html), /担当課所を入力してください/);
        assert.equal(await fingerprint(db), before);
        const structure = await admin.get('/admin/e/2024/structure');
        assert.match(structure.html, /1\. 行政手続のオンライン化（取組項目 1 件）/);
        assert.match(structure.html, /この取組の柱にはまだ取組項目がありません/);
      });

      await t.test('an edition whose initiatives have no results yet: the tables, the pages and the portal', async () => {
        const e = (await loadEdition(db, CODE, 2024))!;
        assert.deepEqual(e.initiatives[0]!.results, []);
        const summary = summaryTable(e);
        assert.deepEqual(
          summary.rows.map((row) => row.total),
          [1, 0],
        );
        const key = e.initiatives[0]!.key;
        const item = await admin.get(`/admin/e/2024/i/${key}`);
        assert.equal(item.status, 200);
        assert.doesNotMatch(item.html, /undefined|NaN|null年度/);
        const cli = await systemActor(db, CODE);
        await publishEdition(db, cli, 2024);
        clearEditionCache();
        const pages = [
          '/',
          `/o/${CODE}`,
          `/o/${CODE}/2024`,
          `/o/${CODE}/2024/pillars/p1`,
          `/o/${CODE}/2024/pillars/p2`,
          `/o/${CODE}/2024/initiatives/${key}`,
          `/o/${CODE}/2024/departments`,
          `/o/${CODE}/2024/downloads`,
          `/o/${CODE}/2024/search?q=申請`,
          `/o/${CODE}/2024/charts/status.svg`,
          `/o/${CODE}/2024/report.html`,
          `/api/v1/organizations/${CODE}/editions/2024`,
          `/api/v1/organizations/${CODE}/editions/2024/initiatives`,
          `/api/v1/organizations/${CODE}/editions/2024/kpis`,
        ];
        for (const path of pages) {
          const res = await app.request(path, { headers: { 'accept-language': 'ja' } });
          const body = await res.text();
          assert.equal(res.status, 200, `${path}: ${res.status}`);
          assert.doesNotMatch(body, /undefined|NaN|Infinity|null年度|\[object Object\]/, path);
        }
        const overview = await (await app.request(`/o/${CODE}/2024`, { headers: { 'accept-language': 'ja' } })).text();
        assert.match(overview, /行政手続のオンライン化/);
      });

      await t.test('an empty draft of another year of the period; a year that has one, or is outside, is refused', async () => {
        const before = await fingerprint(db);
        let r = await admin.post('/admin/plan/editions', { fiscalYear: '2024' });
        assert.equal(r.status, 409);
        assert.match(alert(r.html), /2024年度）の版は既にあります/);
        r = await admin.post('/admin/plan/editions', { fiscalYear: '2025' });
        assert.equal(r.status, 404);
        assert.match(alert(r.html), /令和7年度（2025年度）を計画期間に含む計画がありません/);
        assert.equal((await viewer.post('/admin/plan/editions', { fiscalYear: '2023' })).status, 403);
        assert.equal(await fingerprint(db), before);
        r = await admin.post('/admin/plan/editions', { fiscalYear: '2023' });
        assert.equal(r.status, 303, alert(r.html));
        assert.equal(r.location?.split('?')[0], '/admin/e/2023/structure');
        const e = (await loadEdition(db, CODE, 2023))!;
        assert.deepEqual([e.edition.state, e.pillars.length, e.initiatives.length], ['draft', 0, 0]);
      });

      await t.test('the period: refused while an edition or a KPI target year would fall outside, listing them', async () => {
        // A KPI of the plan with its target in 2024.
        let r = await admin.post('/admin/e/2024/kpis', {
          version: '',
          name: '電子申請の件数',
          pillar: 'p1',
          unit: '件',
          target: '1000',
          targetFiscalYear: '2024',
          direction: 'higher',
          baseline: '',
          initiative: '',
        });
        assert.equal(r.status, 303, alert(r.html));
        const [plan] = await db.select({ id: schema.plans.id }).from(schema.plans);
        const settings = (await admin.get(`/admin/plan?id=${plan!.id}`)).html;
        assert.match(settings, /<h1>計画の設定<\/h1>/);
        const { firstEdition: _, ...fields } = NEW_PLAN;
        const form = { ...fields, plan: String(plan!.id) };
        const before = await fingerprint(db);
        r = await admin.post('/admin/plan', { ...form, from: '2025', to: '2027' });
        assert.equal(r.status, 409);
        const said = fieldError(r.html, `plan-${plan!.id}-to`);
        assert.match(said, /計画期間を2025〜2027年度にすると、期間の外になるものがあります: 2023年度版、2024年度版、KPI「電子申請の件数」の目標年度 2024年度/);
        assert.match(r.html, /value="2027"/, 'what was typed is kept');
        assert.equal(await fingerprint(db), before);
        // Widening the period keeps everything inside: allowed, one change set, recorded before and after.
        r = await admin.post('/admin/plan', { ...form, from: '2023', to: '2026', title: '浜松市DX推進計画（改定）' });
        assert.equal(r.status, 303, alert(r.html));
        const [after] = await db.select().from(schema.plans).where(eq(schema.plans.id, plan!.id));
        assert.deepEqual([after!.title, after!.startFiscalYear, after!.endFiscalYear], ['浜松市DX推進計画（改定）', 2023, 2026]);
        const unchanged = await fingerprint(db);
        r = await admin.post('/admin/plan', { ...form, from: '2023', to: '2026', title: '浜松市DX推進計画（改定）' });
        assert.equal(r.status, 303);
        assert.equal(done(r.location), '変更はありませんでした');
        assert.equal(await fingerprint(db), unchanged, 'saving what is stored writes nothing');
      });

      await t.test('the period: refused while it would overlap another plan of the organization', async () => {
        const cli = await systemActor(db, CODE);
        const next = parsePlanDefinition(
          `organization: { code: "${CODE}", name: 浜松市 }\ntitle: 次期計画\nperiod: { from: 2027, to: 2030 }\nlevels: [柱]\ninitiative: 事業\n`,
        );
        assert.ok(next.ok);
        await createPlan(db, cli, next.definition);
        const plans = await listPlans(db, cli);
        assert.deepEqual(
          plans.map((p) => p.title),
          ['次期計画', '浜松市DX推進計画（改定）'],
        );
        const before = await fingerprint(db);
        await assert.rejects(
          updatePlan(db, cli, { planId: plans[1]!.id }, { period: { from: 2023, to: 2028 } }),
          /計画「次期計画」（2027〜2030年度）と重なります/,
        );
        await assert.rejects(updatePlan(db, cli, { fiscalYear: 2024 }, { settings: { levels: [] } }), /levels には/);
        assert.equal(await fingerprint(db), before);
        // The dashboard lists both plans; the one without an edition offers its first.
        const home = await admin.get('/admin');
        assert.match(home.html, /次期計画（2027〜2030年度）/);
        assert.match(home.html, /最初の年度版を作成/);
        assert.match(home.html, /<option value="2027"/);
      });

      await t.test('departments inside departments: the tree, and a cycle refused', async () => {
        for (const name of ['デジタル・スマートシティ推進部', 'デジタル基盤係']) assert.equal((await admin.post('/admin/departments', { name })).status, 303);
        let r = await admin.post('/admin/departments/parent', { name: 'デジタル・スマートシティ推進課', parent: 'デジタル・スマートシティ推進部' });
        assert.equal(r.status, 303, alert(r.html));
        r = await admin.post('/admin/departments/parent', { name: 'デジタル基盤係', parent: 'デジタル・スマートシティ推進課' });
        assert.equal(r.status, 303, alert(r.html));
        const page = await admin.get('/admin/departments');
        assert.match(page.html, /課所の構成/);
        assert.match(page.html, /<li>デジタル・スマートシティ推進部<ul><li>デジタル・スマートシティ推進課<ul><li>デジタル基盤係<\/li><\/ul><\/li><\/ul><\/li>/);
        const before = await fingerprint(db);
        r = await admin.post('/admin/departments/parent', { name: 'デジタル・スマートシティ推進部', parent: 'デジタル基盤係' });
        assert.equal(r.status, 409);
        assert.match(
          alert(r.html),
          /「デジタル基盤係」は「デジタル・スマートシティ推進部」の下にあるため、「デジタル・スマートシティ推進部」を「デジタル基盤係」の下には置けません（デジタル・スマートシティ推進部 → デジタル・スマートシティ推進課 → デジタル基盤係）/,
        );
        r = await admin.post('/admin/departments/parent', { name: '市民課', parent: '市民課' });
        assert.equal(r.status, 409);
        r = await admin.post('/admin/departments/delete', { name: 'デジタル・スマートシティ推進部' });
        assert.equal(r.status, 409, 'a department with departments inside it is not deleted');
        assert.match(alert(r.html), /の下に デジタル・スマートシティ推進課 があります/);
        assert.equal(await fingerprint(db), before);
        // Merging: the departments inside the old one move under the one it is merged into, which may not be inside it.
        r = await admin.post('/admin/departments/merge', { from: 'デジタル・スマートシティ推進部', into: 'デジタル基盤係' });
        assert.equal(r.status, 400);
        assert.match(alert(r.html), /「デジタル基盤係」は「デジタル・スマートシティ推進部」の下にあるため統合できません/);
        assert.equal(await fingerprint(db), before);
        assert.equal((await admin.post('/admin/departments', { name: '市民窓口係' })).status, 303);
        assert.equal((await admin.post('/admin/departments/parent', { name: '市民窓口係', parent: '市民課' })).status, 303);
        r = await admin.post('/admin/departments/merge', { from: '市民課', into: 'デジタル・スマートシティ推進課' });
        assert.equal(r.status, 303, alert(r.html));
        assert.match(
          (await admin.get('/admin/departments')).html,
          /<li>デジタル・スマートシティ推進課<ul><li>デジタル基盤係<\/li><li>市民窓口係<\/li><\/ul><\/li>/,
        );
      });

      await t.test('departmentRequired false: an initiative is saved without a department; back to true is refused while one has none', async () => {
        const cli = await systemActor(db, CODE);
        await updatePlan(db, cli, { fiscalYear: 2023 }, { settings: { departmentRequired: false } });
        let r = await admin.post('/admin/e/2023/pillars', { name: '全庁の取組', tagline: '' });
        assert.equal(r.status, 303);
        const page = await admin.get('/admin/e/2023');
        assert.match(page.html, /担当課所（任意。/);
        assert.doesNotMatch(/<input id="departments"[^>]*>/.exec(page.html)![0], /required/);
        const pillar = (await loadEdition(db, CODE, 2023))!.pillars[0]!.key;
        r = await admin.post('/admin/e/2023/initiatives', { title: '職員の意識改革', pillar, subArea: '', departments: '', content: '', plan: '' });
        assert.equal(r.status, 303, alert(r.html));
        r = await admin.post('/admin/e/2023/initiatives', { title: '基盤の整備', pillar, subArea: '', departments: 'デジタル基盤係', content: '', plan: '' });
        assert.equal(r.status, 303, alert(r.html));
        const e = (await loadEdition(db, CODE, 2023))!;
        assert.deepEqual(
          e.initiatives.map((i) => [i.title, i.departments]),
          [
            ['職員の意識改革', []],
            ['基盤の整備', ['デジタル基盤係']],
          ],
        );
        // The identity form too: departments emptied.
        const item = await admin.get(`/admin/e/2023/i/${e.initiatives[1]!.key}`);
        const version = /name="version" value="(\d+)"/.exec(item.html.slice(item.html.indexOf('id="identity-h"')))![1]!;
        r = await admin.post(`/admin/e/2023/i/${e.initiatives[1]!.key}/identity`, {
          version,
          number: '新',
          title: '基盤の整備',
          pillar,
          subArea: '',
          departments: '',
        });
        assert.equal(r.status, 303, alert(r.html));
        assert.deepEqual((await loadEdition(db, CODE, 2023))!.initiatives[1]!.departments, []);
        const before = await fingerprint(db);
        await assert.rejects(
          updatePlan(db, cli, { fiscalYear: 2023 }, { settings: { departmentRequired: true } }),
          /担当課所のない取組項目が 2 件あります: 「職員の意識改革」（2023年度版）、「基盤の整備」（2023年度版）/,
        );
        assert.equal(await fingerprint(db), before);
        await createEdition(db, cli, 2025);
        assert.equal((await loadEdition(db, CODE, 2025))!.edition.state, 'draft');
      });
    } finally {
      await database.close();
    }
  });
}

async function count(db: Db, table: string): Promise<number> {
  const r = (await db.execute(sql.raw(`SELECT count(*)::int AS n FROM ${table}`))) as unknown as { rows: { n: number }[] };
  return r.rows[0]!.n;
}
