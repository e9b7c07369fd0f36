// The JSON API and the open data of a plan of another shape than the sample's (test/web/shape-fixture.ts),
// on both databases: the edition document carries the shape parts with computed progress and the published
// grades; the plan's definition is served apart from the data (JSON and plan.yaml, both read back into the
// same settings) and documented in the OpenAPI document; the indicators CSV is one row per indicator per
// fiscal year, and the initiatives CSV has the deeper levels, the plan's own sections and the grade.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { unzipSync, strFromU8 } from 'fflate';
import ExcelJS from 'exceljs';
import { backends } from '../helpers/db.ts';
import { createApp } from '../../src/web/app.tsx';
import { clearEditionCache } from '../../src/web/public/edition-cache.ts';
import { parsePlanDefinition, settingsOf } from '../../src/domain/plan-definition.ts';
import { definitionJson } from '../../src/domain/definition-yaml.ts';
import { loadPublished } from '../../src/db/publication.ts';
import { EVIL, EVIL_CONTENT, FY, KEYS, ORG, SETTINGS, publishShapeEdition } from './shape-fixture.ts';

const api = `/api/v1/organizations/${ORG}/editions/${FY}`;
const files = `/o/${ORG}/${FY}/downloads/${ORG}_${FY}`;

async function csvRecords(res: Response): Promise<string[][]> {
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type')!, /text\/csv/);
  const bytes = new Uint8Array(await res.arrayBuffer());
  assert.deepEqual([...bytes.slice(0, 3)], [0xef, 0xbb, 0xbf]);
  return parse(new TextDecoder().decode(bytes), { relax_column_count: false }) as string[][];
}

interface InitiativeJson {
  key: string;
  fields?: Record<string, string | boolean>;
  indicators?: { key: string; progress: { rate: string | null; unrated: string | null; basis: string } }[];
  progressRate?: string | null;
  grade?: { grade: string; label: string; source: string; reason: string | null; by: string | null };
  schedule?: { period: string; phase: string }[];
  milestones?: { date: string; label: string; done: boolean }[];
}

for (const backend of backends) {
  test(`${backend.name}: API and open data of a plan with levels, sections, indicators, grades and a schedule`, async (t) => {
    const database = await backend.open();
    clearEditionCache();
    try {
      await publishShapeEdition(database.db);
      const app = createApp({ database });
      const get = (p: string, init?: RequestInit) => app.request(p, init);

      await t.test('the edition document: groups with parents, shape parts, computed progress and the published grades', async () => {
        const res = await get(api);
        assert.equal(res.status, 200);
        const doc = (await res.json()) as {
          pillars: { key: string; subAreas: { key: string; parentKey?: string }[] }[];
          initiatives: InitiativeJson[];
          summaryTable: { byGrade?: Record<string, number>; rows: { byGrade?: Record<string, number> }[] };
          groups?: { key: string; level: number; children: { key: string; children: { key: string; total: number }[] }[] }[];
        };
        assert.deepEqual(doc.pillars[0]!.subAreas, [
          { key: 'g1', name: '行政手続のデジタル化' },
          { key: 'g11', name: 'オンライン申請', parentKey: 'g1' },
          { key: 'g12', name: '窓口の改善', parentKey: 'g1' },
          { key: 'g2', name: '地域のデジタル化' },
        ]);
        const a = doc.initiatives.find((i) => i.key === KEYS.a)!;
        assert.deepEqual(a.fields, { issues: '窓口が混み合っています。', budget: '12345', page: 'https://example.jp/dx?a=1&b=2', audience: '市民' });
        assert.deepEqual(
          a.indicators!.map((x) => x.progress.rate),
          ['120.0', '113.3'],
        );
        assert.equal(a.progressRate, '113.3');
        assert.deepEqual(a.grade, { grade: 'A', label: '目標より進んでいる', source: 'computed', rate: '113.3', reason: null, by: null });
        assert.equal(a.schedule!.length, 4);
        assert.deepEqual(a.milestones![0], { date: '2025-06-30', label: '要件定義の完了', done: true });
        const b = doc.initiatives.find((i) => i.key === KEYS.b)!;
        assert.deepEqual(
          b.indicators!.map((x) => x.progress.unrated ?? x.progress.rate),
          ['125.0', '100.0', '0.0', 'not-judged'],
        );
        assert.equal(b.grade!.source, 'manual');
        assert.equal(b.grade!.reason, 'アンケートは実施済みで集計中のため');
        assert.equal(b.grade!.by, '山田（デジタル推進課）');
        const c = doc.initiatives.find((i) => i.key === KEYS.c)!;
        assert.equal(c.indicators, undefined);
        assert.equal(c.grade!.grade, 'D');
        assert.deepEqual(doc.summaryTable.byGrade, { A: 1, B: 1, C: 0, D: 2 });
        assert.deepEqual(doc.summaryTable.rows[0]!.byGrade, { A: 1, B: 1, C: 0, D: 1 });
        assert.deepEqual(
          doc.groups![0]!.children[0]!.children.map((g) => [g.key, g.total]),
          [
            ['g11', 1],
            ['g12', 1],
          ],
        );
        // One initiative by key carries the same parts.
        const one = (await (await get(`${api}/initiatives/${KEYS.b}`)).json()) as InitiativeJson;
        assert.deepEqual(one, b);
      });

      await t.test('a plan that keeps its grades to the staff shows none, by hand or computed', async () => {
        const data = (await loadPublished(database.db, ORG, FY))!;
        const { editionToJson } = await import('../../src/export/json.ts');
        const hidden = editionToJson({ ...data, plan: { ...data.plan, settings: { ...data.plan.settings, grades: { ...SETTINGS.grades!, publish: false } } } });
        assert.ok(hidden.initiatives.every((i) => !('grade' in i)));
        assert.equal('byGrade' in hidden.summaryTable, false);
      });

      await t.test('the plan definition apart from the data: JSON and plan.yaml, each read back into the same settings', async () => {
        const res = await get(`${api}/definition`);
        assert.equal(res.status, 200);
        assert.equal(res.headers.get('cache-control'), 'public, no-cache');
        const text = await res.text();
        const data = (await loadPublished(database.db, ORG, FY))!;
        assert.deepEqual(JSON.parse(text), JSON.parse(definitionJson(data.organization, data.plan)));
        const fromJson = parsePlanDefinition(text, 'plan.json');
        assert.ok(fromJson.ok, JSON.stringify(!fromJson.ok && fromJson.errors));
        assert.deepEqual(settingsOf(fromJson.definition), data.plan.settings);
        const yaml = await get(`${api}/definition.yaml`);
        assert.equal(yaml.status, 200);
        assert.match(yaml.headers.get('content-type')!, /application\/yaml/);
        const fromYaml = parsePlanDefinition(await yaml.text(), 'plan.yaml');
        assert.ok(fromYaml.ok);
        assert.deepEqual(settingsOf(fromYaml.definition), data.plan.settings);
        const etag = res.headers.get('etag')!;
        assert.equal((await get(`${api}/definition`, { headers: { 'if-none-match': etag } })).status, 304);
        assert.equal((await get(`/api/v1/organizations/${ORG}/editions/2099/definition`)).status, 404);
        assert.equal((await get(`/api/v1/organizations/999999/editions/${FY}/definition.yaml`)).status, 404);
      });

      await t.test('the OpenAPI document describes the definition endpoints and the shape parts', async () => {
        const doc = (await (await get('/api/openapi.json')).json()) as {
          paths: Record<string, unknown>;
          components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
        };
        const paths = Object.keys(doc.paths);
        assert.ok(paths.some((p) => p.endsWith('/editions/{fy}/definition')));
        assert.ok(paths.some((p) => p.endsWith('/editions/{fy}/definition.yaml')));
        for (const name of ['PlanDefinition', 'Indicator', 'IndicatorProgress', 'Grade', 'ScheduleCell', 'Milestone'])
          assert.ok(doc.components.schemas[name], name);
        for (const key of ['fields', 'indicators', 'grade', 'schedule', 'milestones']) assert.ok(doc.components.schemas.Initiative!.properties![key], key);
        assert.match(await (await get('/api')).text(), /definition/);
      });

      await t.test('indicators CSV: one row per indicator per fiscal year, parsed back', async () => {
        const records = await csvRecords(await get(`${files}_indicators.csv`));
        const [head, ...rows] = records;
        assert.equal(head!.length, 22);
        assert.deepEqual(head!.slice(0, 8), ['全国地方公共団体コード', '地方公共団体名', '年度', '施策キー', '施策番号', '施策名', '指標キー', '指標名']);
        assert.ok(rows.every((r) => r.length === 22));
        // 6 indicators × the plan's 4 fiscal years.
        assert.equal(rows.length, 24);
        const col = (name: string) => head!.indexOf(name);
        const row = (key: string, fy: string) => rows.find((r) => r[col('指標キー')] === key && r[col('対象年度')] === fy)!;
        assert.deepEqual(
          ['目標の種類', '目標値', '実績値', '進捗率'].map((c) => row('i1', '2025')[col(c)]),
          ['年間', '1000', '1200', '120.0'],
        );
        assert.deepEqual(
          ['種類', '単位', '方向', '目標の種類', '最終目標値', '実績値', '進捗率'].map((c) => row('i2', '2025')[col(c)]),
          ['成果指標', '人', '高いほど良い', '累計', '75', '85', '113.3'],
        );
        assert.equal(row('i3', '2025')[col('方向')], '低いほど良い');
        assert.deepEqual(
          ['定性目標', '達成', '進捗率'].map((c) => row('q1', '2025')[col(c)]),
          ['職員の行動規範を制定する', '達成', '100.0'],
        );
        assert.equal(row('q2', '2025')[col('達成')], '未達成');
        assert.equal(row('q3', '2025')[col('達成')], '');
        assert.equal(row('q3', '2025')[col('指標名')], `外部評価${EVIL}`);
        assert.ok(rows.every((r) => r[0] === ORG));
      });

      await t.test('initiatives CSV: the deeper level, the plan’s own sections and the grade, quoted by RFC 4180', async () => {
        const res = await get(`${files}_initiatives.csv`);
        const [head, ...rows] = await csvRecords(res);
        assert.deepEqual(head!.slice(6, 9), ['施策体系', '分野', '第3階層']);
        for (const name of ['現状・課題', '事業費（千円）', '関連ページ', '対象', '評価', '評価の意味', '評価の方法', '評価の理由', '評価の設定者', '進捗率'])
          assert.ok(head!.includes(name), name);
        assert.equal(rows.length, 4);
        assert.ok(rows.every((r) => r.length === head!.length));
        const col = (name: string) => head!.indexOf(name);
        const a = rows.find((r) => r[col('施策キー')] === KEYS.a)!;
        assert.deepEqual(
          ['分野', '第3階層', '事業費（千円）', '関連ページ', '評価', '評価の方法', '進捗率'].map((c) => a[col(c)]),
          ['行政手続のデジタル化', 'オンライン申請', '12345', 'https://example.jp/dx?a=1&b=2', 'A', '計算', '113.3'],
        );
        const b = rows.find((r) => r[col('施策キー')] === KEYS.b)!;
        assert.deepEqual(
          ['評価', '評価の方法', '評価の理由', '評価の設定者'].map((c) => b[col(c)]),
          ['B', '手動', 'アンケートは実施済みで集計中のため', '山田（デジタル推進課）'],
        );
        const evil = rows.find((r) => r[col('施策キー')] === KEYS.evil)!;
        assert.equal(evil[col('施策内容')], EVIL_CONTENT);
        assert.equal(evil[col('現状・課題')], `${EVIL}\n改行のあと`);
        assert.equal(evil[col('施策名')], EVIL);
      });

      await t.test('the downloads page lists the indicators table and its columns, and links the definition', async () => {
        const page = await (await get(`/o/${ORG}/${FY}/downloads`, { headers: { 'accept-language': 'ja' } })).text();
        assert.match(page, new RegExp(`${ORG}_${FY}_indicators\\.csv`));
        assert.match(page, /<h3 id="indicators">指標の実績（indicators）<\/h3>/);
        assert.match(page, /<td>第3階層<\/td>/);
        assert.match(page, new RegExp(`href="${api}/definition\\.yaml"`));
        const zip = unzipSync(new Uint8Array(await (await get(`${files}_all.zip`)).arrayBuffer()));
        assert.ok(zip[`${ORG}_${FY}_indicators.csv`]);
        assert.equal(JSON.parse(strFromU8(zip[`${ORG}_${FY}.json`]!)).initiatives.length, 4);
        const wb = new ExcelJS.Workbook();
        await wb.xlsx.load(Buffer.from(zip[`${ORG}_${FY}.xlsx`]!) as unknown as ArrayBuffer);
        assert.equal(wb.getWorksheet('指標の実績')!.rowCount, 25);
      });
    } finally {
      await database.close();
    }
  });
}
