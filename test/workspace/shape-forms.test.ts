// The staff side of a plan's shape, through the forms as a browser posts them, on both databases: the
// shape page of an initiative drawn from the plan's definition (each field type, a grade set by hand, the
// schedule and milestones, indicators), each bad value refused beside its control with nothing written, an
// unchanged save writing nothing, a department editor refused another department's initiative; the
// structure page's groups at every level and an initiative placed in a level-3 group. The sample's
// initiatives have no shape page and their page is as before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import { backends, type Backend } from '../helpers/db.ts';
import type { Db } from '../../src/db/client.ts';
import * as schema from '../../src/db/schema.ts';
import { createUser } from '../../src/db/accounts.ts';
import { loadEdition } from '../../src/db/repository.ts';
import { systemActor } from '../../src/db/command.ts';
import { createPlan } from '../../src/db/plans.ts';
import { addDepartment } from '../../src/db/departments.ts';
import { addInitiative, savePillar, saveSubArea } from '../../src/db/structure.ts';
import { parsePlanDefinition } from '../../src/domain/plan-definition.ts';
import { createApp } from '../../src/web/app.tsx';
import { clearEditionCache } from '../../src/web/public/edition-cache.ts';
import { PASSWORD, signIn, workspaceApp, type Staff } from './helpers.ts';
import { sampleDocument } from '../../src/db/sample.ts';

const CODE = '221309';
const PLAN = `organization: { code: "${CODE}", name: 浜松市 }
title: 浜松市DX推進計画
period: { from: 2024, to: 2026 }
levels: [基本目標, 取組分野, 取組事項]
initiative: 事業
firstEdition: 2024
fields:
  - { key: content, label: 事業の内容, type: text }
  - { key: budget, label: 事業費, type: money }
  - { key: count, label: 対象件数, type: number }
  - { key: page, label: 関連ページ, type: url }
  - { key: start, label: 開始日, type: date }
  - { key: area, label: 対象, type: select, options: [全庁, 窓口] }
  - { key: open, label: 公開済み, type: boolean }
indicators: { kinds: [活動指標, 成果指標] }
grades:
  scale: [ { grade: A, label: 順調, min: 100 }, { grade: B, label: おおむね順調, min: 80 }, { grade: C, label: 遅れ, min: 0 } ]
  unrated: { grade: D, label: 評価できない }
schedule: { unit: fiscal-year, phases: [検討, 準備, 実施], milestones: true }
`;

/** A municipality with a plan of every shape part, one edition (2024) with a pillar, a group and two initiatives of two departments. */
async function shapedTown(backend: Backend) {
  const database = await backend.open();
  clearEditionCache();
  const db = database.db;
  await db.insert(schema.organizations).values({ code: CODE, name: '浜松市' });
  const cli = await systemActor(db, CODE);
  const def = parsePlanDefinition(PLAN);
  assert.ok(def.ok, def.ok ? '' : JSON.stringify(def.errors));
  await createPlan(db, cli, def.definition);
  for (const d of ['デジタル課', '市民課']) await addDepartment(db, cli, d);
  await createUser(db, { orgCode: CODE, login: 'hadmin', displayName: '管理者', password: PASSWORD, role: 'admin' });
  await createUser(db, { orgCode: CODE, login: 'hdigital', displayName: 'デジタル担当', password: PASSWORD, role: 'editor', departments: ['デジタル課'] });
  await createUser(db, { orgCode: CODE, login: 'hcitizen', displayName: '市民課担当', password: PASSWORD, role: 'editor', departments: ['市民課'] });
  const pillar = await savePillar(db, cli, 2024, null, { name: '便利な行政', tagline: null });
  const group = await saveSubArea(db, cli, 2024, pillar, null, '手続');
  const digital = await addInitiative(db, cli, 2024, {
    title: '電子申請の拡充',
    pillarKey: pillar,
    subAreaKey: group,
    departments: ['デジタル課'],
    content: '',
    plan: '',
  });
  const citizen = await addInitiative(db, cli, 2024, {
    title: '窓口の予約',
    pillarKey: pillar,
    subAreaKey: null,
    departments: ['市民課'],
    content: '',
    plan: '',
  });
  return { database, db, app: createApp({ database }), pillar, group, digital, citizen };
}

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

/** The shape form as the page shows it, as a browser would post it. */
function shapeFormOf(html: string): Record<string, string> {
  const body = /<form method="post" action="[^"]*\/shape" class="edit-form shape-form">([\s\S]*?)<\/form>/.exec(html)?.[1];
  assert.ok(body, 'the page has the shape form');
  const form: Record<string, string> = {};
  for (const m of body.matchAll(/<input([^>]*)>/g)) {
    const a = attrs(m[1]!);
    if (!a.name || a.name === '_csrf') continue;
    if (a.type === 'checkbox' && !('checked' in a)) continue;
    form[a.name] = a.value ?? (a.type === 'checkbox' ? 'on' : '');
  }
  for (const m of body.matchAll(/<textarea([^>]*)>([\s\S]*?)<\/textarea>/g)) form[attrs(m[1]!).name!] = unescapeHtml(m[2]!);
  for (const m of body.matchAll(/<select([^>]*)>([\s\S]*?)<\/select>/g)) {
    const options = [...m[2]!.matchAll(/<option([^>]*)>/g)].map((o) => attrs(o[1]!));
    form[attrs(m[1]!).name!] = (options.find((o) => 'selected' in o) ?? options[0])?.value ?? '';
  }
  return form;
}

async function count(db: Db, table: string): Promise<number> {
  return ((await db.execute(sql.raw(`SELECT count(*)::int AS n FROM ${table}`))) as unknown as { rows: { n: number }[] }).rows[0]!.n;
}

/** What a refusal must leave as it was: every initiative-year, the change sets and the groups. */
async function fingerprint(db: Db): Promise<string> {
  const r = (await db.execute(
    sql`SELECT (SELECT count(*) FROM change_sets)::int AS c, (SELECT coalesce(json_agg(to_jsonb(y) ORDER BY y.id), '[]') FROM initiative_years y) AS y, (SELECT coalesce(json_agg(to_jsonb(s) ORDER BY s.id), '[]') FROM sub_areas s) AS s`,
  )) as unknown as { rows: unknown[] };
  return JSON.stringify(r.rows[0]);
}

const fieldError = (html: string, name: string) => unescapeHtml(new RegExp(`id="${name}-error">\\s*([^<]*)`).exec(html)?.[1]?.trim() ?? '');
const done = (location: string | null) => decodeURIComponent(/done=([^&]*)/.exec(location ?? '')?.[1] ?? '');
const alert = (html: string) => /role="alert">([^<]*)/.exec(html)?.[1] ?? '';

for (const backend of backends) {
  test(`${backend.name}: the shape form of an initiative follows its plan's definition`, async (t) => {
    const { database, db, app, digital, citizen, pillar, group } = await shapedTown(backend);
    try {
      const admin = await signIn(app, 'hadmin');
      const url = `/admin/e/2024/i/${digital}/shape`;
      const item = async (key = digital) => (await loadEdition(db, CODE, 2024))!.initiatives.find((i) => i.key === key)!;
      const version = async (key = digital) => {
        const r = (await db.execute(
          sql`SELECT y.version FROM initiative_years y JOIN initiatives i ON i.id = y.initiative_id WHERE i.key = ${key}`,
        )) as unknown as { rows: { version: number }[] };
        return r.rows[0]!.version;
      };
      const save = async (who: Staff, change: Record<string, string>, drop: string[] = []) => {
        const form = { ...shapeFormOf((await who.get(url)).html), ...change };
        for (const k of drop) delete form[k];
        return who.post(url, form);
      };

      await t.test('the page: every section typed by the definition, the grade, the schedule, milestones and indicators', async () => {
        const page = await admin.get(`/admin/e/2024/i/${digital}`);
        assert.match(page.html, new RegExp(`href="/admin/e/2024/i/${digital}/shape"`), 'the initiative page links to its shape page');
        const r = await admin.get(url);
        assert.equal(r.status, 200);
        assert.match(r.html, /<textarea id="f-content" name="field_content"/);
        assert.match(r.html, /<input id="f-budget" name="field_budget" value="" inputmode="decimal"/);
        assert.match(r.html, /<input id="f-count" name="field_count" value="" inputmode="decimal"/);
        assert.match(r.html, /<input id="f-page" name="field_page" type="url"/);
        assert.match(r.html, /<input id="f-start" name="field_start" type="date"/);
        assert.match(r.html, /<select id="f-area" name="field_area">[\s\S]*?<option value="窓口">窓口<\/option>/);
        assert.match(r.html, /<input id="f-open" type="checkbox" name="field_open"/);
        assert.match(r.html, /<label for="f-budget">事業費（円）<\/label>/);
        assert.match(r.html, /指標から計算した評価: <strong>D（評価できない）<\/strong>/);
        for (const fy of [2024, 2025, 2026]) assert.match(r.html, new RegExp(`<select id="sched_${fy}" name="sched_${fy}"`));
        assert.match(r.html, /name="m_date_2"/, 'three empty milestone rows');
        assert.match(r.html, /name="i_name_1"/, 'two empty indicator rows');
        assert.match(r.html, /<th scope="col">2026年度実績<\/th>/);
      });

      await t.test('each field type: a bad value is refused beside its field with the message, nothing written', async () => {
        const cases: [string, string, RegExp][] = [
          ['field_budget', 'たくさん', /^事業費は数値で書きます「たくさん」$/],
          ['field_count', '3件', /^対象件数は数値で書きます「3件」$/],
          ['field_page', 'ftp://example.jp/x', /^関連ページは http:\/\/ か https:\/\/ で始まるアドレスで書きます（ftp は使えません）/],
          ['field_start', '2024-02-30', /^開始日の2024年2月30日という日はありません/],
          ['field_area', '本庁', /^対象は 全庁、窓口 のどれかを選びます「本庁」$/],
        ];
        for (const [name, value, message] of cases) {
          const before = await fingerprint(db);
          const r = await save(admin, { [name]: value });
          assert.equal(r.status, 400, `${name}: ${alert(r.html)}`);
          assert.match(fieldError(r.html, name), message, name);
          assert.match(r.html, new RegExp(`name="${name}"[^>]*aria-invalid="true" aria-describedby="${name}-error"`), `${name} is marked invalid`);
          assert.ok(
            r.html.includes(`value="${value}"`) || r.html.includes(`<option value="${value}"`) || name === 'field_area',
            `${name}: what was typed is kept`,
          );
          assert.equal(await fingerprint(db), before, `${name}: nothing written`);
        }
      });

      await t.test('each field type: a good value is stored in its form, in one change set with the whole initiative', async () => {
        const [v0, sets] = [await version(), await count(db, 'change_sets')];
        const r = await save(admin, {
          field_content: '電子で申請できる手続を増やす。\r\n',
          field_budget: '１,２００',
          field_count: '3.50',
          field_page: 'https://example.jp/a?b=1',
          field_start: '2024/4/1',
          field_area: '窓口',
          field_open: 'on',
        });
        assert.equal(r.status, 303, alert(r.html));
        assert.equal(done(r.location), '保存しました');
        const i = await item();
        assert.equal(i.content, '電子で申請できる手続を増やす。');
        assert.deepEqual(i.fields, { budget: '1200', count: '3.5', page: 'https://example.jp/a?b=1', start: '2024-04-01', area: '窓口', open: true });
        assert.equal(await version(), v0 + 1);
        assert.equal(await count(db, 'change_sets'), sets + 1);
        const audit = (await db.execute(
          sql`SELECT a.entity, a.entity_key AS key, a.before, a.after, c.source, c.actor FROM audit_log a JOIN change_sets c ON c.id = a.change_set_id ORDER BY a.id DESC LIMIT 1`,
        )) as unknown as {
          rows: { entity: string; key: string; before: Record<string, unknown>; after: Record<string, unknown>; source: string; actor: string }[];
        };
        const a = audit.rows[0]!;
        assert.deepEqual([a.entity, a.key, a.source, a.actor], ['initiative', digital, 'workspace:shape', 'hadmin']);
        assert.equal(a.before.title, '電子申請の拡充', 'the whole initiative before');
        assert.deepEqual((a.after as { fields: unknown }).fields, i.fields, 'and after');
        // An unticked box is いいえ once a value was stored.
        assert.equal((await save(admin, {}, ['field_open'])).status, 303);
        assert.equal((await item()).fields?.open, false);
        // Emptying a section removes it.
        assert.equal((await save(admin, { field_budget: '' })).status, 303);
        assert.equal((await item()).fields?.budget, undefined);
      });

      await t.test('an unchanged save writes nothing: no new version, no audit row', async () => {
        const [v0, sets, rows] = [await version(), await count(db, 'change_sets'), await count(db, 'audit_log')];
        const r = await save(admin, {});
        assert.equal(r.status, 303, alert(r.html));
        assert.equal(done(r.location), '変更はありませんでした');
        assert.deepEqual([await version(), await count(db, 'change_sets'), await count(db, 'audit_log')], [v0, sets, rows]);
      });

      await t.test('a grade set by hand: its reason is required; who set it is recorded; the computed one stays for reference', async () => {
        const before = await fingerprint(db);
        let r = await save(admin, { grade: 'B', gradeReason: '' });
        assert.equal(r.status, 400);
        assert.equal(fieldError(r.html, 'gradeReason'), '手で評価を付けるときは、その理由を書きます');
        r = await save(admin, { grade: 'Z', gradeReason: '理由' });
        assert.equal(r.status, 400);
        assert.match(fieldError(r.html, 'grade'), /評価は A、B、C、D から選びます/);
        assert.equal(await fingerprint(db), before);
        r = await save(admin, { grade: 'B', gradeReason: '指標は未集計だが、事業は予定どおり進んでいる' });
        assert.equal(r.status, 303, alert(r.html));
        assert.deepEqual((await item()).grade, { grade: 'B', reason: '指標は未集計だが、事業は予定どおり進んでいる', by: '管理者' });
        const page = await admin.get(url);
        assert.match(page.html, /<option value="B" selected="">B（おおむね順調）<\/option>/);
        assert.match(page.html, /指標から計算した評価: <strong>D（評価できない）<\/strong>/);
        // The department's editor saving something else keeps who set the grade.
        const editor = await signIn(app, 'hdigital');
        assert.equal((await save(editor, { field_count: '4' })).status, 303);
        assert.equal((await item()).grade?.by, '管理者');
        // Back to the computed grade.
        assert.equal((await save(admin, { grade: '', gradeReason: '' })).status, 303);
        assert.equal((await item()).grade, undefined);
      });

      await t.test('the schedule and milestones: saved, a bad date refused at its row, a row removed', async () => {
        const before = await fingerprint(db);
        let r = await save(admin, { sched_2024: '検討', m_date_0: 'あした', m_label_0: '説明会' });
        assert.equal(r.status, 400);
        assert.match(fieldError(r.html, 'm_date_0'), /^マイルストーン1行目: 日付「あした」が読めません/);
        r = await save(admin, { sched_2024: '運用' });
        assert.equal(r.status, 400);
        assert.match(fieldError(r.html, 'sched_2024'), /2024年度の段階は 検討、準備、実施 から選びます/);
        r = await save(admin, { m_label_1: '日付のない行' });
        assert.match(fieldError(r.html, 'm_date_1'), /日付を書きます/);
        assert.equal(await fingerprint(db), before);
        r = await save(admin, {
          sched_2024: '検討',
          sched_2025: '準備',
          sched_2026: '実施',
          m_date_0: '2024年10月',
          m_label_0: '説明会',
          m_done_0: 'on',
          m_date_1: '2026/3/31',
          m_label_1: '運用開始',
        });
        assert.equal(r.status, 303, alert(r.html));
        let i = await item();
        assert.deepEqual(i.schedule, [
          { period: '2024', phase: '検討' },
          { period: '2025', phase: '準備' },
          { period: '2026', phase: '実施' },
        ]);
        assert.deepEqual(i.milestones, [
          { date: '2024-10', label: '説明会', done: true },
          { date: '2026-03-31', label: '運用開始', done: false },
        ]);
        r = await save(admin, { m_remove_0: 'on', sched_2026: '' });
        assert.equal(r.status, 303);
        i = await item();
        assert.deepEqual(i.milestones, [{ date: '2026-03-31', label: '運用開始', done: false }]);
        assert.deepEqual(
          i.schedule?.map((c) => c.period),
          ['2024', '2025'],
        );
      });

      await t.test('indicators: rows saved with stable keys, per-year and qualitative targets, bad values refused at their cell', async () => {
        const before = await fingerprint(db);
        let r = await save(admin, { i_name_0: '電子申請件数', i_a_2024_0: '達成' });
        assert.equal(r.status, 400);
        assert.match(fieldError(r.html, 'i_a_2024_0'), /^指標1行目: 2024年度の実績値は数値で書きます「達成」（「達成」は定性目標の指標だけです）$/);
        r = await save(admin, { i_name_0: '行動規範', i_targetKind_0: 'qualitative', i_qualitative_0: '', i_a_2024_0: 'はい' });
        assert.match(fieldError(r.html, 'i_qualitative_0'), /定性目標の内容を書きます/);
        assert.match(fieldError(r.html, 'i_a_2024_0'), /「達成」か「未達成」で書きます/);
        r = await save(admin, { i_kind_0: '活動指標' });
        assert.match(fieldError(r.html, 'i_name_0'), /^指標1行目: 指標名を書きます$/);
        r = await save(admin, { i_name_0: '件数', i_baseYear_0: '2023' });
        assert.match(fieldError(r.html, 'i_baseValue_0'), /基準年度を書くときは基準値も書きます/);
        assert.equal(await fingerprint(db), before);
        r = await save(admin, {
          i_name_0: '電子申請件数',
          i_kind_0: '活動指標',
          i_unit_0: '件',
          i_direction_0: 'higher',
          i_targetKind_0: 'perYear',
          i_baseYear_0: '2023',
          i_baseValue_0: '100',
          i_targetYear_0: '2026',
          i_targetValue_0: '1,000',
          i_t_2024_0: '300',
          i_a_2024_0: '２５０',
          i_name_1: '行動規範',
          i_kind_1: '成果指標',
          i_targetKind_1: 'qualitative',
          i_qualitative_1: '行動規範の制定',
          i_a_2024_1: '達成',
        });
        assert.equal(r.status, 303, alert(r.html));
        let i = await item();
        assert.deepEqual(i.indicators, [
          {
            key: 'ind1',
            name: '電子申請件数',
            kind: '活動指標',
            unit: '件',
            direction: 'higher',
            cumulative: false,
            perYear: true,
            baseline: { fiscalYear: 2023, value: '100' },
            target: { fiscalYear: 2026, value: '1000' },
            qualitative: null,
            values: [{ fiscalYear: 2024, target: '300', actual: '250', achieved: null }],
          },
          {
            key: 'ind2',
            name: '行動規範',
            kind: '成果指標',
            unit: null,
            direction: 'higher',
            cumulative: false,
            perYear: false,
            baseline: null,
            target: null,
            qualitative: '行動規範の制定',
            values: [{ fiscalYear: 2024, target: null, actual: null, achieved: true }],
          },
        ]);
        // The computed grade now has a rate to judge (250 of 300 = 83.3 %: B), shown beside the hand-set choice.
        assert.match((await admin.get(url)).html, /指標から計算した評価: <strong>B（おおむね順調）<\/strong>／進捗率 83\.3%/);
        // Shown again, the qualitative row offers 達成/未達成; the form saves as it is shown.
        const sets = await count(db, 'change_sets');
        assert.equal(done((await save(admin, {})).location), '変更はありませんでした');
        assert.equal(await count(db, 'change_sets'), sets);
        // A new row gets the next key; a removed one goes; the renamed first keeps its key.
        r = await save(admin, { i_name_0: '電子申請の件数', i_remove_1: 'on', i_name_2: '満足度', i_unit_2: '%' });
        assert.equal(r.status, 303, alert(r.html));
        i = await item();
        assert.deepEqual(
          i.indicators?.map((x) => [x.key, x.name]),
          [
            ['ind1', '電子申請の件数'],
            ['ind3', '満足度'],
          ],
        );
      });

      await t.test('a form based on an older version is refused with what was typed kept and the current version', async () => {
        const stale = shapeFormOf((await admin.get(url)).html);
        assert.equal((await save(admin, { field_count: '9' })).status, 303);
        const before = await fingerprint(db);
        const r = await admin.post(url, { ...stale, field_count: '7' });
        assert.equal(r.status, 409);
        assert.match(alert(r.html), /先にこの施策を保存しました/);
        assert.match(r.html, /name="field_count" value="7"/);
        assert.equal(shapeFormOf(r.html).version, String(await version()));
        assert.equal(await fingerprint(db), before);
      });

      await t.test('a department editor is refused another department’s initiative; its own is saved', async () => {
        const other = await signIn(app, 'hcitizen');
        const before = await fingerprint(db);
        const form = shapeFormOf((await admin.get(url)).html);
        const r = await other.post(url, { ...form, field_count: '1' });
        assert.equal(r.status, 403);
        assert.match(alert(r.html), /権限がありません/);
        assert.equal(await fingerprint(db), before);
        const page = await other.get(url);
        assert.match(page.html, /閲覧のみ（担当課所の施策ではありません）/);
        assert.match(page.html, /<fieldset disabled="">/);
        const own = `/admin/e/2024/i/${citizen}/shape`;
        const r2 = await other.post(own, { ...shapeFormOf((await other.get(own)).html), field_count: '12' });
        assert.equal(r2.status, 303, alert(r2.html));
        assert.equal((await item(citizen)).fields?.count, '12');
      });

      await t.test('structure: a level-3 group inside a level-2 one, an initiative moved into it, deeper refused, deletes', async () => {
        const base = `/admin/e/2024/pillars/${pillar}/subareas`;
        let r = await admin.post(base, { name: '相談' });
        assert.equal(r.status, 303, alert(r.html));
        r = await admin.post(base, { name: 'オンライン申請', parent: group });
        assert.equal(r.status, 303, alert(r.html));
        assert.equal(done(r.location), '取組事項「オンライン申請」を追加しました');
        let e = (await loadEdition(db, CODE, 2024))!;
        const level3 = e.pillars[0]!.subAreas.find((s) => s.name === 'オンライン申請')!;
        assert.equal(level3.parentKey, group);
        assert.deepEqual(
          e.pillars[0]!.subAreas.map((s) => s.name),
          ['手続', 'オンライン申請', '相談'],
          'stored in print order: a group’s own groups right after it',
        );
        // No fourth level in a plan of three, and a name used by a sibling is refused.
        const before = await fingerprint(db);
        r = await admin.post(base, { name: '細目', parent: level3.key });
        assert.equal(r.status, 400);
        assert.match(alert(r.html), /この計画の階層は3つまでです/);
        r = await admin.post(base, { name: 'オンライン申請', parent: group });
        assert.equal(r.status, 409);
        assert.match(alert(r.html), /「手続」には同じ名前の取組事項「オンライン申請」が既にあります/);
        assert.equal(await fingerprint(db), before);
        const page = await admin.get('/admin/e/2024/structure');
        assert.match(page.html, /「手続」の中に取組事項を追加/);
        assert.doesNotMatch(page.html, /「オンライン申請」の中に/, 'the deepest level offers no deeper one');
        assert.match(page.html, /disabled="" aria-label="取組分野「手続」を削除"/, 'a group holding groups cannot be deleted');
        // The identity form lists every group at every level, indented by level.
        const itemPage = await admin.get(`/admin/e/2024/i/${digital}`);
        assert.match(itemPage.html, new RegExp(`<option value="${level3.key}">\u3000便利な行政 ／ 手続 ／ オンライン申請</option>`));
        const version0 = /name="version" value="(\d+)"/.exec(itemPage.html.slice(itemPage.html.indexOf('id="identity-h"')))![1]!;
        r = await admin.post(`/admin/e/2024/i/${digital}/identity`, {
          version: version0,
          number: '新',
          title: '電子申請の拡充',
          pillar,
          subArea: level3.key,
          departments: 'デジタル課',
        });
        assert.equal(r.status, 303, alert(r.html));
        assert.equal((await item()).subAreaKey, level3.key);
        // Deleting the level-2 group is refused while it holds a group; the level-3 one goes, its initiative up to 手続.
        r = await admin.post(`${base}/${group}/delete`, {});
        assert.equal(r.status, 409);
        assert.match(alert(r.html), /「手続」の中にグループ「オンライン申請」があります/);
        r = await admin.post(`${base}/${level3.key}/delete`, {});
        assert.equal(r.status, 303, alert(r.html));
        assert.equal((await item()).subAreaKey, group);
        e = (await loadEdition(db, CODE, 2024))!;
        assert.deepEqual(
          e.pillars[0]!.subAreas.map((s) => s.name),
          ['手続', '相談'],
        );
      });

      await t.test('moving groups: among those that share a parent, each with its own groups', async () => {
        const base = `/admin/e/2024/pillars/${pillar}/subareas`;
        const keyOf = async (name: string) => (await loadEdition(db, CODE, 2024))!.pillars[0]!.subAreas.find((s) => s.name === name)!.key;
        assert.equal((await admin.post(base, { name: '窓口', parent: group })).status, 303);
        const consult = await keyOf('相談');
        assert.equal((await admin.post(`${base}/${consult}/move`, { direction: 'up' })).status, 303);
        const names = (await loadEdition(db, CODE, 2024))!.pillars[0]!.subAreas.map((s) => s.name);
        assert.deepEqual(names, ['相談', '手続', '窓口']);
        const r = await admin.post(`${base}/${await keyOf('窓口')}/move`, { direction: 'up' });
        assert.equal(r.status, 400);
        assert.match(alert(r.html), /この分野は先頭です/);
      });
    } finally {
      await database.close();
    }
  });

  test(`${backend.name}: the sample's initiatives have no shape page, and their page is as before`, async () => {
    const { database, app } = await workspaceApp(backend);
    try {
      const admin = await signIn(app, 'admin');
      const key = sampleDocument().doc.data.initiatives[0]!.key;
      const page = await admin.get(`/admin/e/2023/i/${key}`);
      assert.equal(page.status, 200);
      assert.doesNotMatch(page.html, /\/shape"|記入項目・評価/);
      const r = await admin.get(`/admin/e/2023/i/${key}/shape`);
      assert.equal(r.status, 404);
      assert.match(alert(r.html), /この計画には記入項目・指標・評価・スケジュールの設定がありません/);
      const sets = await count(database.db, 'change_sets');
      assert.equal((await admin.post(`/admin/e/2023/i/${key}/shape`, { version: '1', field_content: 'x' })).status, 404);
      assert.equal(await count(database.db, 'change_sets'), sets);
    } finally {
      await database.close();
    }
  });
}
