// Changing a plan's shape, on both databases: the settings page shows the shape part of the definition as
// YAML; a bad text is refused with its line; a change that would orphan what an edition holds (a level's
// groups, a section's values, a select option, a grade, a schedule phase) is refused with the losses listed
// and nothing changed, then made with the explicit migration choice, which removes exactly those values in
// the same change set; the plan form keeps a plan's third level and its progress method; and
// `shisaku plan update` does the same from a file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { backends, type Backend } from '../helpers/db.ts';
import type { Db } from '../../src/db/client.ts';
import * as schema from '../../src/db/schema.ts';
import { createUser } from '../../src/db/accounts.ts';
import { loadEdition } from '../../src/db/repository.ts';
import { systemActor } from '../../src/db/command.ts';
import { createPlan, DefinitionLossRefusal, updatePlan } from '../../src/db/plans.ts';
import { addDepartment } from '../../src/db/departments.ts';
import { addInitiative, savePillar, saveSubArea } from '../../src/db/structure.ts';
import { saveInitiativeShape } from '../../src/db/initiative-shape.ts';
import { parsePlanDefinition } from '../../src/domain/plan-definition.ts';
import { definitionYaml } from '../../src/domain/definition-yaml.ts';
import { planCommand } from '../../src/cli/plan.ts';
import { createApp } from '../../src/web/app.tsx';
import { clearEditionCache } from '../../src/web/public/edition-cache.ts';
import { PASSWORD, signIn } from './helpers.ts';

const CODE = '221309';
const ORG = { code: CODE, name: '浜松市' };
const PLAN = `organization: { code: "${CODE}", name: 浜松市 }
title: 浜松市DX推進計画
period: { from: 2024, to: 2026 }
levels: [基本目標, 取組分野, 取組事項]
initiative: 事業
firstEdition: 2024
progress: { method: on-track, curve: growth }
fields:
  - { key: content, label: 事業の内容, type: text }
  - { key: budget, label: 事業費, type: money }
  - { key: area, label: 対象, type: select, options: [全庁, 窓口] }
indicators: { kinds: [活動指標, 成果指標] }
grades:
  scale: [ { grade: A, label: 順調, min: 100 }, { grade: B, label: おおむね順調, min: 80 }, { grade: C, label: 遅れ, min: 0 } ]
  unrated: { grade: D, label: 評価できない }
schedule: { unit: fiscal-year, phases: [検討, 準備, 実施], milestones: true }
`;

async function shapedTown(backend: Backend) {
  const database = await backend.open();
  clearEditionCache();
  const db = database.db;
  await db.insert(schema.organizations).values(ORG);
  const cli = await systemActor(db, CODE);
  const def = parsePlanDefinition(PLAN);
  assert.ok(def.ok, def.ok ? '' : JSON.stringify(def.errors));
  await createPlan(db, cli, def.definition);
  await addDepartment(db, cli, 'デジタル課');
  await createUser(db, { orgCode: CODE, login: 'hadmin', displayName: '管理者', password: PASSWORD, role: 'admin' });
  const pillar = await savePillar(db, cli, 2024, null, { name: '便利な行政', tagline: null });
  const group = await saveSubArea(db, cli, 2024, pillar, null, '手続');
  const deep = await saveSubArea(db, cli, 2024, pillar, null, 'オンライン申請', { parentKey: group });
  const key = await addInitiative(db, cli, 2024, {
    title: '電子申請の拡充',
    pillarKey: pillar,
    subAreaKey: deep,
    departments: ['デジタル課'],
    content: '',
    plan: '',
  });
  const other = await addInitiative(db, cli, 2024, {
    title: '庁内の研修',
    pillarKey: pillar,
    subAreaKey: null,
    departments: ['デジタル課'],
    content: '',
    plan: '',
  });
  const version = async (k: string) => (await versions(db))[k]!;
  await saveInitiativeShape(db, cli, 2024, key, await version(key), {
    fields: { content: '手続を電子化する', budget: '1200', area: '窓口' },
    grade: { grade: 'B', reason: '予定どおり' },
    schedule: [
      { period: '2024', phase: '準備' },
      { period: '2025', phase: '実施' },
    ],
    milestones: [{ date: '2024-10', label: '説明会', done: false }],
  });
  await saveInitiativeShape(db, cli, 2024, other, await version(other), { fields: { area: '全庁' }, schedule: [{ period: '2024', phase: '検討' }] });
  const [plan] = await db.select({ id: schema.plans.id }).from(schema.plans);
  return { database, db, app: createApp({ database }), planId: plan!.id, pillar, group, deep, key, other };
}

async function versions(db: Db): Promise<Record<string, number>> {
  const r = (await db.execute(sql`SELECT i.key, y.version FROM initiative_years y JOIN initiatives i ON i.id = y.initiative_id`)) as unknown as {
    rows: { key: string; version: number }[];
  };
  return Object.fromEntries(r.rows.map((x) => [x.key, x.version]));
}

async function fingerprint(db: Db): Promise<string> {
  const r = (await db.execute(
    sql`SELECT (SELECT count(*) FROM change_sets)::int AS c, (SELECT count(*) FROM audit_log)::int AS a,
      (SELECT coalesce(json_agg(to_jsonb(p) ORDER BY p.id), '[]') FROM plans p) AS p,
      (SELECT coalesce(json_agg(to_jsonb(y) ORDER BY y.id), '[]') FROM initiative_years y) AS y,
      (SELECT coalesce(json_agg(to_jsonb(s) ORDER BY s.id), '[]') FROM sub_areas s) AS s`,
  )) as unknown as { rows: unknown[] };
  return JSON.stringify(r.rows[0]);
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

/** The fields of the form posting to `action`, as a browser would post them. */
function formAt(html: string, action: string): Record<string, string> {
  const m = [...html.matchAll(/<form([^>]*)>([\s\S]*?)<\/form>/g)].find((f) => attrs(f[1]!).action === action);
  assert.ok(m, `a form posting to ${action}`);
  const form: Record<string, string> = {};
  for (const i of m[2]!.matchAll(/<input([^>]*)>/g)) {
    const a = attrs(i[1]!);
    if (!a.name || a.name === '_csrf') continue;
    if ((a.type === 'checkbox' || a.type === 'radio') && !('checked' in a)) continue;
    form[a.name] = a.value ?? 'on';
  }
  for (const t of m[2]!.matchAll(/<textarea([^>]*)>([\s\S]*?)<\/textarea>/g)) form[attrs(t[1]!).name!] = unescapeHtml(t[2]!);
  return form;
}

const alert = (html: string) => /role="alert">([^<]*)/.exec(html)?.[1] ?? '';
const done = (location: string | null) => decodeURIComponent(/done=([^&]*)/.exec(location ?? '')?.[1] ?? '');
const text = (html: string) => unescapeHtml(html.replace(/<[^>]+>/g, ''));

for (const backend of backends) {
  test(`${backend.name}: a change of the plan's shape that would orphan data is refused with its losses, then made with the migration choice`, async (t) => {
    const { database, db, app, planId, group, deep, key, other } = await shapedTown(backend);
    try {
      const admin = await signIn(app, 'hadmin');
      const settingsUrl = `/admin/plan?id=${planId}`;
      const shapeForm = async () => formAt((await admin.get(settingsUrl)).html, '/admin/plan/shape');
      const item = async (k: string) => (await loadEdition(db, CODE, 2024))!.initiatives.find((i) => i.key === k)!;

      await t.test('the settings page shows the shape as YAML; saving it unchanged writes nothing', async () => {
        const form = await shapeForm();
        assert.match(form.shape!, /^levels: \[ 基本目標, 取組分野, 取組事項 \]\ninitiative: 事業\nfields:\n/);
        assert.match(form.shape!, /progress:\n {2}method: on-track\n {2}curve: growth\n/);
        assert.doesNotMatch(form.shape!, /title:|organization:|period:|rounding:|bands:/, 'the plan form’s keys are not in the text');
        const before = await fingerprint(db);
        const r = await admin.post('/admin/plan/shape', form);
        assert.equal(r.status, 303, alert(r.html));
        assert.equal(done(r.location), '変更はありませんでした');
        assert.equal(await fingerprint(db), before);
      });

      await t.test('the plan form keeps the third level and the progress method; saved as shown it writes nothing', async () => {
        const page = await admin.get(settingsUrl);
        const form = formAt(page.html, '/admin/plan');
        assert.equal(form.level3, '取組事項');
        const before = await fingerprint(db);
        const r = await admin.post('/admin/plan', form);
        assert.equal(r.status, 303, alert(r.html));
        assert.equal(done(r.location), '変更はありませんでした');
        assert.equal(await fingerprint(db), before);
      });

      await t.test('a text that is not a shape is refused with its line, nothing changed', async () => {
        const before = await fingerprint(db);
        const cases: [string, RegExp][] = [
          ['levels: [基本目標, 取組分野\ninitiative: 事業\n', /計画の形 \d+行目: YAML として読めません/],
          [
            'levels: [基本目標]\ninitiative: 事業\ntitle: 別の題名\n',
            /計画の形 3行目: 「title」はこの欄には書きません（題名は上の「題名・期間・構成の名前・規則」で変えます）/,
          ],
          [
            'levels: [基本目標]\ninitiative: 事業\nfields:\n  - { key: Budget, label: 事業費, type: money }\n',
            /計画の形 4行目: fields\[0\]\.key は英小文字で始まる/,
          ],
          [
            'levels: [基本目標]\ninitiative: 事業\nprogress: { rounding: half-up }\n',
            /計画の形 3行目: progress\.rounding は上の「進捗率の計算規則」で変えます/,
          ],
          ['levels: [a, b, c, d, e]\ninitiative: 事業\n', /計画の形 1行目: levels に書ける階層は4つまでです/],
        ];
        for (const [shape, message] of cases) {
          const r = await admin.post('/admin/plan/shape', { plan: String(planId), shape });
          assert.equal(r.status, 400, shape);
          const error = unescapeHtml(/id="shape-\d+-shape-error">([^<]*)/.exec(r.html)?.[1] ?? '');
          assert.match(error, message, shape);
          assert.match(r.html, /aria-invalid="true"/);
          assert.ok(unescapeHtml(r.html).includes(shape.trim().split('\n')[0]!), 'what was typed is kept');
        }
        assert.equal(await fingerprint(db), before);
      });

      // Fewer levels, a section and a select option taken away, a grade and a schedule phase removed.
      const changed = (await shapeForm())
        .shape!.replace('levels: [ 基本目標, 取組分野, 取組事項 ]', 'levels: [ 基本目標, 取組分野 ]')
        .replace('  - { key: budget, label: 事業費, type: money }\n', '')
        .replace('options: [ 全庁, 窓口 ]', 'options: [ 全庁 ]')
        .replace('    - { grade: B, label: おおむね順調, min: 80 }\n', '')
        .replace('phases: [ 検討, 準備, 実施 ]', 'phases: [ 検討, 実施 ]');

      await t.test('refused with the losses listed, place by place, and nothing changed', async () => {
        const before = await fingerprint(db);
        const r = await admin.post('/admin/plan/shape', { plan: String(planId), shape: changed });
        assert.equal(r.status, 409);
        assert.match(alert(r.html), /この変更で年度版の値が失われるため、変更していません/);
        const shown = text(r.html);
        for (const loss of [
          '第3階層「取組事項」をなくすと、その階層のグループ 1 件（1 版）がなくなります（R6年度 便利な行政 › オンライン申請）',
          '項目「事業費」（budget）をなくすと、事業 1 件に書かれている値がなくなります（R6年度 新 電子申請の拡充）',
          '項目「対象」の選択肢「窓口」をなくすと、それを選んでいる事業 1 件の値がなくなります（R6年度 新 電子申請の拡充）',
          '評価「B」をなくすと、手で「B」を付けた事業 1 件の評価（理由つき）がなくなります',
          'スケジュールの段階「準備」をなくすと、事業 1 件のその段階の記入 1 件がなくなります',
        ])
          assert.ok(shown.includes(loss), `listed: ${loss}`);
        assert.match(r.html, /<input type="checkbox" name="dropLosses"\/> 失われる値を削除して変更する/);
        assert.equal(formAt(r.html, '/admin/plan/shape').shape, changed, 'what was typed is kept');
        assert.equal(await fingerprint(db), before);
        // The command refuses the same without the choice.
        const cli = await systemActor(db, CODE);
        await assert.rejects(
          updatePlan(db, cli, { planId }, { settings: { grades: undefined } }),
          (e: unknown) => e instanceof DefinitionLossRefusal && e.losses.some((l) => l.kind === 'grades'),
        );
        assert.equal(await fingerprint(db), before);
      });

      await t.test('made with the migration choice: exactly the listed values removed, in one change set with audit entries', async () => {
        const [sets, v0] = [(await db.execute(sql`SELECT count(*)::int AS n FROM change_sets`)) as unknown as { rows: { n: number }[] }, await versions(db)];
        const r = await admin.post('/admin/plan/shape', { plan: String(planId), shape: changed, dropLosses: 'on' });
        assert.equal(r.status, 303, alert(r.html));
        assert.match(done(r.location), /^計画の形を保存しました（失われる値を \d+ 件削除しました）$/);
        const [plan] = await db.select().from(schema.plans).where(eq(schema.plans.id, planId));
        assert.deepEqual(plan!.settings.levels, ['基本目標', '取組分野']);
        assert.deepEqual(
          plan!.settings.fields?.map((f) => f.key),
          ['content', 'area'],
        );
        assert.deepEqual(plan!.settings.schedule?.phases, ['検討', '実施']);
        assert.equal(plan!.settings.progress.method, 'on-track', 'what the text did not change is kept');
        const e = (await loadEdition(db, CODE, 2024))!;
        assert.deepEqual(
          e.pillars[0]!.subAreas.map((s) => s.key),
          [group],
          'the level-3 group is gone',
        );
        const i = await item(key);
        assert.equal(i.subAreaKey, group, 'its initiative moved up to the level-2 group');
        assert.equal(i.content, '手続を電子化する', 'a kept section keeps its value');
        assert.equal(i.fields, undefined, 'the removed section and the removed option’s value are gone');
        assert.equal(i.grade, undefined);
        assert.deepEqual(i.schedule, [{ period: '2025', phase: '実施' }]);
        assert.deepEqual(i.milestones, [{ date: '2024-10', label: '説明会', done: false }], 'milestones are still used');
        const o = await item(other);
        assert.deepEqual(o.fields, { area: '全庁' }, 'a value still offered stays');
        assert.deepEqual(o.schedule, [{ period: '2024', phase: '検討' }]);
        assert.equal((await versions(db))[key], v0[key]! + 2, 'moved and conformed: each a new version');
        assert.equal((await versions(db))[other], v0[other], 'an initiative that lost nothing is untouched');
        const after = (await db.execute(sql`SELECT count(*)::int AS n FROM change_sets`)) as unknown as { rows: { n: number }[] };
        assert.equal(after.rows[0]!.n, sets.rows[0]!.n + 1, 'one change set');
        const audit = (await db.execute(
          sql`SELECT entity, entity_key AS key, action FROM audit_log WHERE change_set_id = (SELECT max(id) FROM change_sets) ORDER BY id`,
        )) as unknown as { rows: { entity: string; key: string; action: string }[] };
        assert.deepEqual(
          audit.rows.map((a) => `${a.entity}:${a.key}:${a.action}`),
          [`plan:${planId}:update`, `initiative:${key}:update`, `sub-area:${deep}:delete`, `initiative:${key}:update`],
        );
      });

      await t.test('shisaku plan update --file: refused with the losses, then made with --drop-losses', async () => {
        const dir = mkdtempSync(join(tmpdir(), 'shisaku-shape-'));
        const said: string[] = [];
        const write = process.stderr.write.bind(process.stderr);
        process.stderr.write = ((chunk: string) => {
          said.push(String(chunk));
          return true;
        }) as typeof process.stderr.write;
        try {
          const [stored] = await db.select().from(schema.plans).where(eq(schema.plans.id, planId));
          const yaml = definitionYaml(ORG, { title: stored!.title, startFiscalYear: 2024, endFiscalYear: 2026, settings: stored!.settings });
          // The schedule taken away entirely, and a new title.
          const file = join(dir, 'plan.yaml');
          writeFileSync(file, yaml.replace(/schedule:\n(?: {2}.*\n)*/, '').replace('title: 浜松市DX推進計画', 'title: 浜松市DX推進計画（改定）'));
          const before = await fingerprint(db);
          assert.equal(await planCommand(['update', '--org', CODE, '--file', file], database), 1);
          assert.match(said.join(''), /スケジュールをなくすと、事業 2 件のスケジュールの記入 2 件とマイルストーン 1 件がなくなります/);
          assert.match(said.join(''), /--drop-losses/);
          assert.equal(await fingerprint(db), before);
          said.length = 0;
          assert.equal(await planCommand(['update', '--org', CODE, '--file', file, '--drop-losses'], database), 0, said.join(''));
          assert.match(said.join(''), /を更新しました（失われる値を削除: 2 件）/);
          const [plan] = await db.select().from(schema.plans).where(eq(schema.plans.id, planId));
          assert.equal(plan!.title, '浜松市DX推進計画（改定）');
          assert.equal(plan!.settings.schedule, undefined);
          assert.equal((await item(key)).schedule, undefined);
          assert.equal((await item(key)).milestones, undefined);
          said.length = 0;
          assert.equal(await planCommand(['update', '--org', CODE, '--file', file], database), 0);
          assert.match(said.join(''), /定義のとおりです。何も変えていません/);
        } finally {
          process.stderr.write = write;
          rmSync(dir, { recursive: true, force: true });
        }
      });
    } finally {
      await database.close();
    }
  });
}
