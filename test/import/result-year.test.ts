// No result year is invented: the plan-text import takes the year an initiative's 実績 names (「【令和5年度】」,
// 「【2024年度】」), or the one year the document's other results name; where nothing in the document names
// one the year is unknown (null), printed as no year on the portal and in the report, and lint says so for
// every initiative with results (results-year, 「実績の年度が書かれていません」). An initiative added on
// the web has no year until its results are saved, then the year the edition's initiatives report for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backends } from '../helpers/db.ts';
import { parsePlanText } from '../../src/import/plan-text.ts';
import { editionDocument, lintDocument, RULES } from '../../src/domain/lint.ts';
import { sampleDocument } from '../../src/db/sample.ts';
import { loadEdition, saveEdition } from '../../src/db/repository.ts';
import { systemActor } from '../../src/db/command.ts';
import { addInitiative } from '../../src/db/initiatives.ts';
import { saveInitiative } from '../../src/db/workspace.ts';
import { loadWorkspace } from '../../src/db/workspace-read.ts';
import { renderReportHtml } from '../../src/report/html.ts';
import { createApp } from '../../src/web/app.tsx';
import { clearEditionCache } from '../../src/web/public/edition-cache.ts';

const org = { code: '221309', name: '浜松市' };

/** A small plan in the sample's layout; `years` is the heading printed under each 実績 (null: none). */
function planText(years: [string | null, string | null, string | null]): string {
  const heading = (y: string | null) => (y === null ? [] : [`【${y}】`]);
  return [
    '浜松市 DX推進アクションプラン 2024',
    '',
    '1 計画の進捗状況',
    '',
    '施策の体系\t取組完了\t実施中\t新規取組\t合計',
    '行政サービス\t—\t2\t1\t3',
    '合 計\t—\t2\t1\t3',
    '',
    '行政サービス',
    '市民の手続をもっと便利にします。',
    '',
    '01. 窓口のオンライン化 デジタル推進課 実施中',
    '施策内容',
    '申請手続をオンラインで受け付ける。',
    'R6取組',
    '・オンライン手続 120手続',
    '実績',
    ...heading(years[0]),
    '・オンライン手続 100手続 (110手続)',
    '',
    '02. 職員研修の実施 人事課 実施中',
    '施策内容',
    '職員のデジタル研修を行う。',
    'R6取組',
    '研修を続ける。',
    '実績',
    ...heading(years[1]),
    '研修を3回開催した。',
    '',
    '03. 庁内無線LANの整備 情報政策課 新規',
    '施策内容',
    '無線LANを整える。',
    'R6取組',
    '設計を行う。',
    '実績',
    ...heading(years[2]),
    '—',
  ].join('\n');
}

const parse = (years: [string | null, string | null, string | null]) => parsePlanText(planText(years), { organization: org });
const yearFindings = (doc: ReturnType<typeof parse>) => lintDocument(doc).filter((f) => f.ruleId === 'results-year');

test('the rule is data: 実績の年度が書かれていません', () => {
  const rule = RULES.find((r) => r.id === 'results-year');
  assert.ok(rule);
  assert.equal(rule.title.ja, '実績の年度が書かれていません');
  assert.equal(rule.severity, 'warning');
});

test('a plan text that names no result year: the year is unknown, and lint says so for each initiative with results', () => {
  const doc = parse([null, null, null]);
  const [i01, i02] = doc.data.initiatives;
  assert.equal(doc.data.initiatives.length, 3);
  assert.equal(i01!.resultsText, '・オンライン手続 100手続 (110手続)', 'no year is written into the printed text');
  assert.equal(i02!.resultsText, '研修を3回開催した。');
  const findings = yearFindings(doc);
  // 01 has a value, 02 prose only; 03 says 「—」 (no results yet), so there is no year to miss.
  assert.deepEqual(
    findings.map((f) => f.refs),
    [[i01!.key], [i02!.key]],
  );
  assert.equal(findings[0]!.message.ja, '01 窓口のオンライン化 の実績の年度が書かれていません。実績の最初の行に「【令和5年度】」のように年度を書いてください');
  assert.doesNotMatch(findings[0]!.message.ja, /仮に|保存/, 'no year is assumed, so none is said to be stored');
  assert.match(findings[0]!.message.en, /do not say which fiscal year/);
  const lines = planText([null, null, null]).split('\n');
  assert.equal(lines[findings[0]!.line! - 1], '・オンライン手続 100手続 (110手続)', 'the finding points at the result line');
  assert.equal(lines[findings[1]!.line! - 1], '02. 職員研修の実施 人事課 実施中', 'prose only: the initiative’s header');
  // Nothing says the year, so none is stored: not the year before the edition, not any.
  assert.deepEqual(
    doc.data.initiatives.map((i) => i.resultsFiscalYear),
    [null, null, null],
  );
});

test('the report prints no year where none is known', () => {
  const doc = parse([null, null, null]);
  // Results entered as values only: the report prints them from the values, without a year heading.
  doc.data.initiatives[0]!.resultsText = '';
  const html = renderReportHtml(doc.data);
  assert.match(html, /・オンライン手続 100手続 \(110手続\)/);
  assert.doesNotMatch(html, /【[^】]*年度】/, 'no year is printed');
  const stated = parse(['令和5年度', null, null]);
  stated.data.initiatives[0]!.resultsText = '';
  assert.match(renderReportHtml(stated.data), /【令和5年度】\n・オンライン手続/, 'a known year is printed as before');
});

test('a year the 実績 names is taken as written, in 和暦 or 西暦', () => {
  for (const [heading, year] of [
    ['令和5年度', 2023],
    ['R5', 2023],
    ['令和６年度', 2024],
    ['2024年度', 2024],
  ] as const) {
    const doc = parse([heading, heading, null]);
    assert.equal(doc.data.initiatives[0]!.resultsFiscalYear, year, heading);
    assert.equal(doc.data.initiatives[0]!.resultsText, `【${heading}】\n・オンライン手続 100手続 (110手続)`);
    assert.deepEqual(yearFindings(doc), [], `${heading}: the document names the year`);
  }
});

test('an initiative that repeats no heading shares the one year the document names; disagreeing headings name none', () => {
  const shared = parse(['2024年度', null, null]);
  assert.deepEqual(
    shared.data.initiatives.map((i) => i.resultsFiscalYear),
    [2024, 2024, 2024],
    'the document reports 2024 results: not the year before the edition',
  );
  assert.deepEqual(yearFindings(shared), []);

  const disagreeing = parse(['令和5年度', '令和4年度', null]);
  assert.deepEqual(
    disagreeing.data.initiatives.map((i) => i.resultsFiscalYear),
    [2023, 2022, null],
    'with two years named, one naming none is given neither',
  );
  // Both name their own year, and 03 has no results: nothing to report.
  assert.deepEqual(yearFindings(disagreeing), []);
  const partly = parsePlanText(planText(['令和5年度', '令和4年度', null]).replace('実績\n—', '実績\n無線LANの設計に着手した。'), { organization: org });
  assert.deepEqual(
    yearFindings(partly).map((f) => f.refs[0]),
    [partly.data.initiatives[2]!.key],
    'with two years named, an initiative naming none is not given either',
  );
});

test('the sample names 令和4年度 throughout: no finding, every year 2022', () => {
  const { doc } = sampleDocument();
  assert.deepEqual(yearFindings(doc), []);
  assert.deepEqual([...new Set(doc.data.initiatives.map((i) => i.resultsFiscalYear))], [2022]);
});

for (const backend of backends) {
  test(`${backend.name}: a stored plan text naming no year keeps it unknown: the portal, the API and the published copy say no year`, async () => {
    const database = await backend.open();
    clearEditionCache();
    try {
      const doc = parse([null, null, null]);
      assert.equal(doc.data.edition.state, 'published');
      await saveEdition(database.db, doc.data, { actor: 'test', source: 'import:plan-text' });
      const stored = (await loadEdition(database.db, org.code, 2024))!;
      assert.deepEqual(
        stored.initiatives.map((i) => i.resultsFiscalYear),
        [null, null, null],
      );
      // A stored edition is linted as stored: the same findings as its text gave.
      assert.deepEqual(
        lintDocument(editionDocument(stored, 'stored'))
          .filter((f) => f.ruleId === 'results-year')
          .map((f) => [f.refs, f.line]),
        [
          [[stored.initiatives[0]!.key], null],
          [[stored.initiatives[1]!.key], null],
        ],
      );
      const app = createApp({ database });
      const key = stored.initiatives[0]!.key;
      const page = await (await app.request(`/o/${org.code}/2024/initiatives/${key}`, { headers: { 'accept-language': 'ja' } })).text();
      assert.match(page, /<h2>実績（年度の記載なし）<\/h2>/);
      assert.doesNotMatch(page, /実績【/);
      const en = await (await app.request(`/o/${org.code}/2024/initiatives/${key}?lang=en`)).text();
      assert.match(en, /<h2>Results \(year not stated\)<\/h2>/);
      // The API reads the published copy: null survives it.
      const res = await app.request(`/api/v1/organizations/${org.code}/editions/2024/initiatives/${key}`);
      assert.equal(res.status, 200);
      assert.equal(((await res.json()) as { resultsFiscalYear: number | null }).resultsFiscalYear, null);
    } finally {
      await database.close();
    }
  });

  test(`${backend.name}: an initiative added on the web has no year until it has results, then the year the edition's initiatives report for`, async () => {
    const database = await backend.open();
    try {
      const db = database.db;
      const doc = parse(['2024年度', '2024年度', '2024年度']);
      doc.data.edition.state = 'draft';
      await saveEdition(db, doc.data, { actor: 'test', source: 'import:plan-text' });
      const actor = await systemActor(db, org.code);
      const add = (title: string) =>
        addInitiative(db, actor, 2024, {
          title,
          pillarKey: doc.data.pillars[0]!.key,
          subAreaKey: null,
          departments: ['デジタル推進課'],
          content: '',
          plan: '',
        });
      const key = await add('電子申請の案内');
      const year = async (k: string) => (await loadEdition(db, org.code, 2024))!.initiatives.find((i) => i.key === k)!.resultsFiscalYear;
      assert.equal(await year(key), null, 'no results, so no year: not the year before the edition, not the edition’s');
      const version = async (k: string) => (await loadWorkspace(db, actor, 2024, k)).items[0]!.version;
      const edit = { status: 'new' as const, content: '', plan: '', planTargets: [] };
      await saveInitiative(db, actor, 2024, key, await version(key), { ...edit, results: [] });
      assert.equal(await year(key), null, 'saved without results: still none');
      await saveInitiative(db, actor, 2024, key, await version(key), { ...edit, results: [], resultsText: '案内を始めた。' });
      assert.equal(await year(key), 2024, 'with results: the year the edition’s initiatives report for');
      // Its own 実績 naming a year is that year.
      const named = await add('窓口の予約');
      await saveInitiative(db, actor, 2024, named, await version(named), { ...edit, results: [], resultsText: '【令和5年度】\n予約を始めた。' });
      assert.equal(await year(named), 2023);
      // Now the edition's initiatives disagree (2024 and 2023): a third with results and no year of its own stays unknown.
      const third = await add('窓口の混雑表示');
      await saveInitiative(db, actor, 2024, third, await version(third), { ...edit, results: [], resultsText: '表示を始めた。' });
      assert.equal(await year(third), null);
      const stored = (await loadEdition(db, org.code, 2024))!;
      assert.deepEqual(
        lintDocument(editionDocument(stored, 'stored'))
          .filter((f) => f.ruleId === 'results-year')
          .map((f) => f.refs),
        [[third]],
      );
    } finally {
      await database.close();
    }
  });
}
