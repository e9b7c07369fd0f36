// The admin's master data, through the forms as a browser would post them, on both databases: pillars and
// sub-areas, an initiative's number/title/placement/departments, its order and removal, renumbering,
// KPI definitions and actuals, and the department master. Every refusal is checked to change nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import { backends } from '../helpers/db.ts';
import { sampleDocument } from '../../src/db/sample.ts';
import { editionStamp, loadEdition } from '../../src/db/repository.ts';
import { authenticate } from '../../src/db/accounts.ts';
import { loadWorkspace, publishEdition, reviewInitiative, submitInitiative } from '../../src/db/workspace.ts';
import { displayOrder, nextKey, renumber, reorder } from '../../src/domain/structure.ts';
import { PASSWORD, signIn, workspaceApp } from './helpers.ts';
import type { Db } from '../../src/db/client.ts';

const { doc } = sampleDocument();
const byNumber = (n: string) => doc.data.initiatives.find((i) => i.number === n)!;
const K01 = byNumber('01').key;
const K02 = byNumber('02').key;

async function fingerprint(db: Db): Promise<string> {
  const rows = (await db.execute(
    sql`SELECT (SELECT count(*) FROM change_sets)::int AS c, (SELECT count(*) FROM departments)::int AS d, (SELECT count(*) FROM department_aliases)::int AS a, (SELECT coalesce(sum(version), 0) FROM kpis)::int AS k`,
  )) as unknown as { rows: unknown[] };
  return JSON.stringify(rows.rows[0]) + (await editionStamp(db, '082023', 2024)) + (await editionStamp(db, '082023', 2023));
}

const alert = (html: string) => /role="alert">([^<]*)/.exec(html)?.[1] ?? '';
const fieldError = (html: string, id: string) => new RegExp(`id="${id}-error">\\s*([^<]*)`).exec(html)?.[1]?.trim() ?? '';
const done = (location: string | null) => decodeURIComponent(/done=([^&]*)/.exec(location ?? '')?.[1] ?? '');
const identityVersion = (html: string) => /name="version" value="(\d+)"/.exec(html.slice(html.indexOf('id="identity-h"')))![1]!;

async function edition(db: Db, fy = 2024) {
  return (await loadEdition(db, '082023', fy))!;
}

/** The stored order (what exports, the report and the API read) is the order the portal prints. */
function assertPrintOrder(e: Awaited<ReturnType<typeof edition>>) {
  const printed = e.pillars.flatMap((p) =>
    [null, ...p.subAreas.map((s) => s.key)].flatMap((s) => e.initiatives.filter((i) => i.pillarKey === p.key && i.subAreaKey === s)),
  );
  assert.deepEqual(
    printed.map((i) => i.key),
    e.initiatives.map((i) => i.key),
    'stored order is print order',
  );
}

test('domain: keys, reordering, numbering and print order', () => {
  assert.equal(nextKey('p', ['p1', 'p2', 'p5', 'x9']), 'p6');
  assert.equal(nextKey('p2-s', ['p2-s1', 'p2-s3', 'p3-s7']), 'p2-s4');
  assert.equal(nextKey('k', []), 'k1');
  assert.deepEqual(reorder(['a', 'b', 'c'], 1, 'up'), ['b', 'a', 'c']);
  assert.deepEqual(reorder(['a', 'b', 'c'], 1, 'down'), ['a', 'c', 'b']);
  assert.equal(reorder(['a', 'b'], 0, 'up'), null);
  assert.equal(reorder(['a', 'b'], 1, 'down'), null);
  assert.deepEqual(renumber(3), ['01', '02', '03']);
  assert.equal(renumber(120)[0], '001');
  const item = (pillarKey: string, subAreaKey: string | null, position: number) => ({ position, initiative: { pillarKey, subAreaKey } });
  const order = displayOrder([item('p2', 's2', 0), item('p1', null, 5), item('p2', null, 9), item('p2', 's1', 1)], ['p1', 'p2'], (p) =>
    p === 'p2' ? ['s1', 's2'] : [],
  );
  assert.deepEqual(
    order.map((i) => i.position),
    [5, 9, 1, 0],
  );
});

for (const backend of backends) {
  test(`${backend.name}: the admin keeps the plan's structure, KPIs and departments`, async (t) => {
    const { database, app } = await workspaceApp(backend);
    const db = database.db;
    try {
      const admin = await signIn(app, 'admin');
      assert.equal((await admin.post('/admin/rounds', { fromFiscalYear: '2023', dueDate: '2024-05-31', dropCompleted: 'carry' })).status, 303);

      await t.test('pillars: rename, add, reorder, delete only when empty', async () => {
        const page = await admin.get('/admin/e/2024/structure');
        assert.equal(page.status, 200);
        assert.match(page.html, /デジタル化推進体制整備/);
        let r = await admin.post('/admin/e/2024/pillars/p5', { name: '安全・安心の確保', tagline: '安心して暮らせるまち' });
        assert.equal(r.status, 303);
        r = await admin.post('/admin/e/2024/pillars', { name: '職員の働き方改革', tagline: '' });
        assert.equal(done(r.location), '施策体系「職員の働き方改革」を追加しました');
        assert.equal((await admin.post('/admin/e/2024/pillars/p6/move', { direction: 'up' })).status, 303);
        let e = await edition(db);
        assert.deepEqual(
          e.pillars.map((p) => p.key),
          ['p1', 'p2', 'p3', 'p4', 'p6', 'p5'],
        );
        assert.equal(e.pillars.find((p) => p.key === 'p5')!.tagline, '安心して暮らせるまち');
        assert.equal((await admin.post('/admin/e/2024/pillars/p2/move', { direction: 'down' })).status, 303);
        assertPrintOrder(await edition(db));
        assert.equal((await admin.post('/admin/e/2024/pillars/p2/move', { direction: 'up' })).status, 303);
        assert.equal(
          (await edition(db, 2023)).pillars.find((p) => p.key === 'p5')!.tagline,
          doc.data.pillars.find((p) => p.key === 'p5')!.tagline,
          'the 2023 edition keeps its own pillars',
        );

        const before = await fingerprint(db);
        r = await admin.post('/admin/e/2024/pillars/p1/delete', {});
        assert.equal(r.status, 409);
        assert.match(alert(r.html), /施策が 8 件あります/);
        r = await admin.post('/admin/e/2024/pillars/p1/move', { direction: 'up' });
        assert.equal(r.status, 400, 'the first cannot go up');
        r = await admin.post('/admin/e/2024/pillars/p1/move', { direction: 'sideways' });
        assert.equal(r.status, 400);
        r = await admin.post('/admin/e/2024/pillars/p9', { name: 'x', tagline: '' });
        assert.equal(r.status, 404);
        r = await admin.post('/admin/e/2024/pillars', { name: '業務効率化', tagline: '重複した名前' });
        assert.equal(r.status, 409, 'two pillars of the same name');
        assert.match(alert(r.html), /同じ名前の施策体系「業務効率化」が既にあります/);
        assert.match(r.html, /value="重複した名前"/, 'shown again on the structure page with what was typed');
        r = await admin.post('/admin/e/2024/pillars', { name: '  ', tagline: '' });
        assert.equal(r.status, 400);
        assert.equal(fieldError(r.html, 'pillar-new-name'), '施策体系の名前を入力してください');
        r = await admin.post('/admin/e/2024/pillars/p2', { name: '二行の\n名前', tagline: 'そのまま残る' });
        assert.equal(r.status, 400);
        assert.match(r.html, /value="そのまま残る"/, 'what was typed is kept');
        assert.equal(await fingerprint(db), before, 'refusals changed nothing');

        assert.equal((await admin.post('/admin/e/2024/pillars/p6/delete', {})).status, 303);
        e = await edition(db);
        assert.equal(e.pillars.length, 5);
      });

      await t.test('sub-areas: add, rename, reorder; deleting one leaves its initiatives in the pillar', async () => {
        let r = await admin.post('/admin/e/2024/pillars/p4/subareas', { name: '生成AIの活用' });
        assert.equal(r.status, 303);
        let e = await edition(db);
        const p4 = e.pillars.find((p) => p.key === 'p4')!;
        assert.deepEqual(p4.subAreas.at(-1), { key: 'p4-s4', name: '生成AIの活用' });
        assert.equal((await admin.post('/admin/e/2024/pillars/p4/subareas/p4-s4', { name: '生成 AI の活用' })).status, 303);
        assert.equal((await admin.post('/admin/e/2024/pillars/p4/subareas/p4-s4/move', { direction: 'up' })).status, 303);
        e = await edition(db);
        assert.deepEqual(
          e.pillars.find((p) => p.key === 'p4')!.subAreas.map((s) => s.name),
          ['情報システムの標準化', 'AI・RPAの利用促進', '生成 AI の活用', 'WEB 会議システム等のデジタル技術活用'],
        );
        const inS1 = e.initiatives.filter((i) => i.subAreaKey === 'p2-s1').map((i) => i.key);
        assert.ok(inS1.length > 0);
        r = await admin.post('/admin/e/2024/pillars/p2/subareas/p2-s1/delete', {});
        assert.equal(done(r.location), `分野を削除しました（施策 ${inS1.length} 件は分野なしになりました）`);
        e = await edition(db);
        assertPrintOrder(e);
        for (const k of inS1)
          assert.deepEqual([e.initiatives.find((i) => i.key === k)!.pillarKey, e.initiatives.find((i) => i.key === k)!.subAreaKey], ['p2', null]);
        r = await admin.post('/admin/e/2024/pillars/p3/subareas/p4-s1/delete', {});
        assert.equal(r.status, 404, 'a sub-area is addressed under its own pillar');
      });

      let version = '';
      await t.test('an initiative: number, title, placement and departments, with optimistic locking', async () => {
        const page = await admin.get(`/admin/e/2024/i/${K01}`);
        assert.match(page.html, /基本情報（管理者）/);
        version = identityVersion(page.html);
        let r = await admin.post(`/admin/e/2024/i/${K01}/identity`, {
          version,
          number: '０１',
          title: '生成AI活用方針の策定',
          pillar: 'p4',
          subArea: 'p4-s4',
          departments: 'デジタル推進課、人事課',
        });
        assert.equal(r.status, 303, alert(r.html));
        let e = await edition(db);
        const moved = e.initiatives.find((i) => i.key === K01)!;
        assert.deepEqual(
          [moved.number, moved.title, moved.pillarKey, moved.subAreaKey, moved.departments],
          ['01', '生成AI活用方針の策定', 'p4', 'p4-s4', ['デジタル推進課', '人事課']],
        );
        assert.equal((await edition(db, 2023)).initiatives.find((i) => i.key === K01)!.title !== '生成AI活用方針の策定', true, '2023 keeps its wording');

        const history = await admin.get(`/admin/i/${K01}/history`);
        assert.match(history.html, /<ins>/);
        assert.match(history.html, /施策体系: デジタル化推進体制整備 → 業務効率化 ／ 生成 AI の活用/);

        const before = await fingerprint(db);
        r = await admin.post(`/admin/e/2024/i/${K01}/identity`, {
          version,
          number: '01',
          title: '古い画面からの保存',
          pillar: 'p1',
          subArea: '',
          departments: 'デジタル推進課',
        });
        assert.equal(r.status, 409, 'saved from a stale page');
        assert.match(alert(r.html), /adminさんが先にこの施策を保存しました/);
        assert.match(r.html, /value="古い画面からの保存"/, 'what was typed is kept');
        assert.equal(identityVersion(r.html), String(Number(version) + 1), 'the form now carries the current version');
        version = String(Number(version) + 1);
        r = await admin.post(`/admin/e/2024/i/${K01}/identity`, {
          version,
          number: '02',
          title: 'x',
          pillar: 'p1',
          subArea: '',
          departments: 'デジタル推進課',
        });
        assert.equal(r.status, 409);
        assert.match(alert(r.html), /番号 02 は「.+」が使っています/);
        r = await admin.post(`/admin/e/2024/i/${K01}/identity`, {
          version,
          number: '01',
          title: 'x',
          pillar: 'p1',
          subArea: '',
          departments: 'デジタル推進室',
        });
        assert.equal(r.status, 400);
        assert.match(alert(r.html), /担当課所「デジタル推進室」は登録されていません/);
        assert.match(r.html, /value="デジタル推進室"/);
        r = await admin.post(`/admin/e/2024/i/${K01}/identity`, {
          version,
          number: '01',
          title: 'x',
          pillar: 'p1',
          subArea: 'p4-s4',
          departments: 'デジタル推進課',
        });
        assert.equal(r.status, 400, 'a sub-area of another pillar');
        r = await admin.post(`/admin/e/2024/i/${K01}/identity`, { version, number: 'No.1', title: '', pillar: 'p1', subArea: '', departments: '' });
        assert.equal(r.status, 400);
        assert.equal(fieldError(r.html, 'identity-number'), '番号は数字（例: 05）か「新」で入力してください');
        assert.equal(fieldError(r.html, 'identity-title'), '施策名を入力してください');
        assert.equal(fieldError(r.html, 'identity-departments'), '担当課所を入力してください');
        assert.equal(await fingerprint(db), before, 'refusals changed nothing');

        // An alias is accepted and stored as the department it stands for.
        assert.equal((await admin.post('/admin/departments/alias', { name: 'デジタル推進課', alias: 'デジタル推進' })).status, 303);
        r = await admin.post(`/admin/e/2024/i/${K01}/identity`, {
          version,
          number: '新',
          title: '生成AI活用方針の策定',
          pillar: 'p1',
          subArea: '',
          departments: 'デジタル推進、デジタル推進課',
        });
        assert.equal(r.status, 303, alert(r.html));
        e = await edition(db);
        assert.deepEqual(e.initiatives.find((i) => i.key === K01)!.departments, ['デジタル推進課']);
        assert.equal(e.initiatives.find((i) => i.key === K01)!.number, null);
        version = String(Number(version) + 1);
      });

      await t.test('order: up and down within its group; the ends refuse', async () => {
        const group = (await edition(db)).initiatives.filter((i) => i.pillarKey === 'p1' && i.subAreaKey === null).map((i) => i.key);
        assert.equal(group.at(-1), K01, 'moved in: placed at the end of its new group');
        let r = await admin.post(`/admin/e/2024/i/${K01}/move`, { direction: 'down' });
        assert.equal(r.status, 400);
        r = await admin.post(`/admin/e/2024/i/${K01}/move`, { direction: 'up' });
        assert.equal(r.status, 303);
        const after = (await edition(db)).initiatives.filter((i) => i.pillarKey === 'p1' && i.subAreaKey === null).map((i) => i.key);
        assert.deepEqual(after, [...group.slice(0, -2), K01, group.at(-2)]);
        assertPrintOrder(await edition(db));
      });

      await t.test('renumbering gives every initiative 01… in print order, 新 included', async () => {
        const r = await admin.post('/admin/e/2024/renumber', {});
        assert.equal(r.status, 303);
        const e = await edition(db);
        assert.deepEqual(
          e.initiatives.map((i) => i.number),
          renumber(e.initiatives.length),
        );
        assertPrintOrder(e);
        assert.equal(e.initiatives.find((i) => i.key === K01)!.number !== null, true);
        assert.match((await admin.get(`/admin/i/${K02}/history`)).html, /番号の振り直し|番号を振り直し/);
      });

      await t.test('removing an initiative from this edition needs a reason; earlier editions keep it', async () => {
        const before = await fingerprint(db);
        let r = await admin.post(`/admin/e/2024/i/${K02}/delete`, { reason: ' ' });
        assert.equal(r.status, 400);
        assert.equal(fieldError(r.html, 'remove-reason'), '削除する理由を入力してください');
        assert.equal(await fingerprint(db), before);
        r = await admin.post(`/admin/e/2024/i/${K02}/delete`, { reason: '01 に統合したため' });
        assert.equal(r.status, 303);
        assert.equal(
          (await edition(db)).initiatives.some((i) => i.key === K02),
          false,
        );
        assert.equal(
          (await edition(db, 2023)).initiatives.some((i) => i.key === K02),
          true,
        );
        const history = await admin.get(`/admin/i/${K02}/history`);
        assert.match(history.html, /この版から削除しました。理由: 01 に統合したため/);
        assert.equal((await admin.get(`/admin/e/2024/i/${K02}`)).status, 404);
      });

      await t.test('KPIs: define, edit with locking, record actuals, reorder, delete', async () => {
        let page = await admin.get('/admin/e/2024/kpis');
        assert.equal(page.status, 200);
        assert.match(page.html, /コンビニ等での各種証明書交付率/);
        let r = await admin.post('/admin/e/2024/kpis', {
          version: '',
          name: 'オンライン申請の割合',
          pillar: 'p3',
          unit: '%',
          target: '６０．５',
          targetFiscalYear: '2026',
          direction: 'higher',
          baseline: '',
          initiative: K01,
        });
        assert.equal(r.status, 303, alert(r.html));
        let e = await edition(db);
        const k = e.kpis.find((x) => x.name === 'オンライン申請の割合')!;
        assert.deepEqual([k.key, k.target, k.unit, k.pillarKey, k.initiativeKey], ['k10', '60.5', '%', 'p3', K01]);
        assert.equal((await admin.post('/admin/e/2024/kpis/k10', { year: '2023', value: '１２．５' })).status, 303);
        assert.equal((await edition(db)).kpis.find((x) => x.key === 'k10')!.actuals['2023'], '12.5');
        assert.equal(
          (await edition(db, 2023)).kpis.some((x) => x.key === 'k10'),
          true,
          'a KPI belongs to the whole plan',
        );

        page = await admin.get('/admin/e/2024/kpis');
        const v = /action="\/admin\/e\/2024\/kpis\/k10\/definition">[\s\S]*?name="version" value="(\d+)"/.exec(page.html)![1]!;
        r = await admin.post('/admin/e/2024/kpis/k10/definition', {
          version: v,
          name: 'オンライン申請の割合',
          pillar: 'p3',
          unit: '%',
          target: '70',
          targetFiscalYear: '2026',
          direction: 'higher',
          baseline: '10',
          initiative: '',
        });
        assert.equal(r.status, 303, alert(r.html));
        const before = await fingerprint(db);
        r = await admin.post('/admin/e/2024/kpis/k10/definition', {
          version: v,
          name: 'オンライン申請の割合',
          pillar: 'p3',
          unit: '%',
          target: '80',
          targetFiscalYear: '2026',
          direction: 'higher',
          baseline: '',
          initiative: '',
        });
        assert.equal(r.status, 409, 'saved from a stale page');
        assert.match(r.html, /value="80"/);
        r = await admin.post('/admin/e/2024/kpis', {
          version: '',
          name: '',
          pillar: 'p3',
          unit: '',
          target: '七十',
          targetFiscalYear: '1999',
          direction: 'sideways',
          baseline: 'x',
          initiative: '',
        });
        assert.equal(r.status, 400);
        assert.equal(fieldError(r.html, 'kpi-new-name'), '指標名を入力してください');
        assert.equal(fieldError(r.html, 'kpi-new-target'), '目標値は数値で入力してください「七十」');
        assert.match(fieldError(r.html, 'kpi-new-baseline'), /基準値は数値で/);
        assert.match(fieldError(r.html, 'kpi-new-direction'), /高いほどよい/);
        r = await admin.post('/admin/e/2024/kpis', {
          version: '',
          name: '計画の外',
          pillar: 'p3',
          unit: '',
          target: '1',
          targetFiscalYear: '2030',
          direction: 'higher',
          baseline: '',
          initiative: '',
        });
        assert.equal(r.status, 400);
        assert.match(alert(r.html), /計画期間（2022〜2026年度）/);
        r = await admin.post('/admin/e/2024/kpis', {
          version: '',
          name: 'オンライン申請の割合',
          pillar: 'p3',
          unit: '',
          target: '1',
          targetFiscalYear: '2026',
          direction: 'higher',
          baseline: '',
          initiative: '',
        });
        assert.equal(r.status, 409, 'two KPIs of the same name');
        r = await admin.post('/admin/e/2024/kpis/k10', { year: '2023', value: '12.5%' });
        assert.equal(r.status, 400);
        assert.match(fieldError(r.html, 'actual-k10-2023-value'), /数値ではありません「12.5%」/);
        assert.equal(await fingerprint(db), before, 'refusals changed nothing');

        assert.equal((await admin.post('/admin/e/2024/kpis/k10/move', { direction: 'up' })).status, 303);
        e = await edition(db);
        assert.equal(e.kpis.at(-2)!.key, 'k10');
        assert.equal(e.kpis.find((x) => x.key === 'k10')!.baseline, '10');
        assert.equal((await admin.post('/admin/e/2024/kpis/k10/delete', {})).status, 303);
        assert.equal(
          (await edition(db)).kpis.some((x) => x.key === 'k10'),
          false,
        );
        const audit = (await db.execute(sql`SELECT before FROM audit_log WHERE entity = 'kpi' AND entity_key = 'k10' AND action = 'delete'`)) as unknown as {
          rows: { before: { actuals: Record<string, string> } }[];
        };
        assert.deepEqual(audit.rows[0]!.before.actuals, { '2023': '12.5' }, 'the audit keeps what was deleted');
      });

      await t.test('departments: add, rename (old spelling kept as alias), aliases, delete only unused, merge', async () => {
        const page = await admin.get('/admin/departments');
        assert.equal(page.status, 200);
        assert.match(page.html, /商工推進課/, 'the sample’s second spelling is listed');
        let r = await admin.post('/admin/departments', { name: 'DX推進室' });
        assert.equal(r.status, 303);
        r = await admin.post('/admin/departments/rename', { from: 'DX推進室', to: 'デジタル戦略室' });
        assert.equal(r.status, 303);
        let depts = (await edition(db)).departments;
        assert.deepEqual(depts.find((d) => d.name === 'デジタル戦略室')!.aliases, ['DX推進室']);
        r = await admin.post('/admin/departments/alias', { name: 'デジタル戦略室', alias: '戦略室' });
        assert.equal(r.status, 303);

        const before = await fingerprint(db);
        r = await admin.post('/admin/departments', { name: '人事課' });
        assert.equal(r.status, 409);
        assert.match(alert(r.html), /既に担当課所として登録されています/);
        r = await admin.post('/admin/departments', { name: '戦略室' });
        assert.equal(r.status, 409);
        assert.match(alert(r.html), /「デジタル戦略室」の別表記/);
        r = await admin.post('/admin/departments/alias', { name: '人事課', alias: 'DX推進室' });
        assert.equal(r.status, 409);
        r = await admin.post('/admin/departments/delete', { name: 'デジタル推進課' });
        assert.equal(r.status, 409);
        assert.match(alert(r.html), /施策 \d+ 件（過去の版を含む）の担当課所です/);
        r = await admin.post('/admin/departments/rename', { from: 'デジタル戦略室', to: '' });
        assert.equal(r.status, 400);
        assert.match(r.html, /新しい表記を入力してください/);
        r = await admin.post('/admin/departments/rename', { from: 'ない課', to: 'ある課' });
        assert.equal(r.status, 404);
        r = await admin.post('/admin/departments/merge', { from: '', into: '' });
        assert.equal(r.status, 400);
        assert.equal(await fingerprint(db), before, 'refusals changed nothing');

        // Rename keeps every edition's initiatives pointing at the department.
        r = await admin.post('/admin/departments/rename', { from: '人事課', to: '職員課' });
        assert.equal(r.status, 303);
        assert.equal(
          (await edition(db, 2023)).initiatives.some((i) => i.departments.includes('職員課')),
          true,
        );

        assert.equal((await admin.post('/admin/departments/alias/delete', { alias: '戦略室' })).status, 303);
        assert.equal((await admin.post('/admin/departments/delete', { name: 'デジタル戦略室' })).status, 303);
        depts = (await edition(db)).departments;
        assert.equal(
          depts.some((d) => d.name === 'デジタル戦略室'),
          false,
        );

        // An editor of both spellings: the merge keeps one link instead of failing on the duplicate.
        await db.execute(
          sql`INSERT INTO user_departments (user_id, department_id) SELECT u.id, d.id FROM users u, departments d WHERE u.login = 'shoko' AND d.name = '商工推進課'`,
        );
        r = await admin.post('/admin/departments/merge', { from: '商工推進課', into: '商工振興課' });
        assert.equal(r.status, 303, alert(r.html));
        const shoko = (await authenticate(db, 'shoko', PASSWORD))!;
        assert.deepEqual(shoko.departments, ['商工振興課']);
      });

      await t.test('hostile text is stored as typed and printed as text', async () => {
        const hostile = `<script>alert(1)</script>'; DROP TABLE pillars; --`;
        assert.equal((await admin.post('/admin/e/2024/pillars/p3', { name: hostile, tagline: '' })).status, 303);
        assert.equal((await admin.post('/admin/departments', { name: hostile })).status, 303);
        for (const path of ['/admin/e/2024/structure', '/admin/departments', '/admin/e/2024/kpis']) {
          const html = (await admin.get(path)).html;
          assert.doesNotMatch(html, /<script>alert/, path);
          assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/, path);
        }
        assert.equal((await edition(db)).pillars.find((p) => p.key === 'p3')!.name, hostile);
      });

      await t.test('CSRF: a structure form without the token is refused', async () => {
        const before = await fingerprint(db);
        const r = await admin.post('/admin/e/2024/pillars', { name: '偽の体系', tagline: '' }, { csrf: null });
        assert.equal(r.status, 403);
        assert.equal(await fingerprint(db), before);
      });

      await t.test('a published edition is locked: structure writes are refused until reopened', async () => {
        const actor = (await authenticate(db, 'admin', PASSWORD))!;
        for (const item of (await loadWorkspace(db, actor, 2024)).items) {
          await submitInitiative(db, actor, 2024, item.initiative.key);
          await reviewInitiative(db, actor, 2024, item.initiative.key, 'approve', '');
        }
        await publishEdition(db, actor, 2024);
        const before = await fingerprint(db);
        const page = await admin.get('/admin/e/2024/structure');
        assert.match(page.html, /公開済みのため変更できません/);
        for (const [path, form] of [
          ['/admin/e/2024/pillars', { name: '追加', tagline: '' }],
          ['/admin/e/2024/pillars/p1/move', { direction: 'down' }],
          ['/admin/e/2024/renumber', {}],
          [`/admin/e/2024/i/${K01}/identity`, { version, number: '01', title: 't', pillar: 'p1', subArea: '', departments: 'デジタル推進課' }],
          [`/admin/e/2024/i/${K01}/delete`, { reason: '理由' }],
        ] as [string, Record<string, string>][]) {
          const r = await admin.post(path, form);
          assert.equal(r.status, 409, path);
          assert.match(alert(r.html), /公開済み/, path);
        }
        assert.equal(await fingerprint(db), before);
        // The portal shows the restructured edition.
        const portal = await app.request('/o/082023/2024/pillars/p5');
        assert.match(await portal.text(), /安心して暮らせるまち/);
      });
    } finally {
      await database.close();
    }
  });
}
