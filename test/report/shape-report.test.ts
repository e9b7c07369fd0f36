// The annual report of a plan with its own shape: headings at every level in the plan's words, each
// initiative's sections in the plan's order, indicators with the kind of target, published grades with
// their labels, a summary row per group, the schedule as a table and a chart, milestones. A plan of the
// sample's shape does not take this path (its report is compared byte for byte in report.test.ts' terms).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { renderReportHtml } from '../../src/report/html.ts';
import { hasPlanShape } from '../../src/report/shape-html.ts';
import { closeBrowser, pdfToText, renderReportPdf } from '../../src/report/pdf.ts';
import { sampleDocument } from '../../src/db/sample.ts';
import { DEFAULT_PLAN_SETTINGS } from '../../src/domain/model.ts';
import { threeLevelEdition } from '../fixtures/three-level-edition.ts';

after(() => closeBrowser());

const data = threeLevelEdition();
const html = renderReportHtml(data);

/** The strings appear in this order in the HTML. */
function inOrder(text: string, parts: string[]) {
  let at = 0;
  for (const s of parts) {
    const i = text.indexOf(s, at);
    assert.ok(i >= 0, `「${s}」 after ${at}`);
    at = i + s.length;
  }
}

test('only a plan with a shape of its own takes the shaped report', () => {
  assert.equal(hasPlanShape(sampleDocument().doc.data), false);
  const town = { ...data, plan: { ...data.plan, settings: { ...DEFAULT_PLAN_SETTINGS, levels: ['取組の柱'], initiativeName: '取組項目' } } };
  assert.equal(hasPlanShape({ ...town, pillars: [], initiatives: [] }), false);
  assert.equal(hasPlanShape(data), true);
});

test('headings at every level, in the plan’s words and in print order', () => {
  inOrder(html, [
    'CONTENTS',
    '<h3>暮らしの利便性向上</h3>',
    '<h4 class="lv-2">行政手続のデジタル化</h4>',
    '<h5 class="lv-3">オンライン申請の拡充</h5>',
    '- 1 電子申請サービスの導入',
    '- 2 キャッシュレス決済の導入',
    '<h3>行政運営の効率化</h3>',
    '<h5 class="lv-3">ペーパーレス化</h5>',
  ]);
  inOrder(html, [
    '<span class="lv-name">基本目標</span></p><h2>暮らしの利便性向上</h2>',
    '暮らしの利便性向上の事業。',
    '<h3 class="group lv-2"><span class="lv-name">取組分野</span>行政手続のデジタル化</h3>',
    '<h4 class="group lv-3"><span class="lv-name">取組事項</span>オンライン申請の拡充</h4>',
    '<h5>1. 電子申請サービスの導入</h5>',
    '<h5>2. キャッシュレス決済の導入</h5>',
    '<h2>行政運営の効率化</h2>',
    '<h4 class="group lv-3"><span class="lv-name">取組事項</span>ペーパーレス化</h4>',
    '<h5>3. 会議資料のペーパーレス化</h5>',
  ]);
  assert.doesNotMatch(html, /<script/i);
});

test('a summary row per group at every level, with counts per status and grade', () => {
  const table = html.slice(html.indexOf('1 計画の進捗状況'), html.indexOf('</table>', html.indexOf('1 計画の進捗状況')));
  assert.match(table, /<th>基本目標・取組分野・取組事項<\/th>/);
  for (const g of ['評価 A', '評価 B', '評価 C', '評価 D']) assert.ok(table.includes(`<th class="num">${g}</th>`), g);
  // オンライン申請の拡充: 実施中 1, 新規 1, total 2; grades C (電子申請) and D (no indicators).
  assert.match(
    table,
    /<td class="name lv-3">オンライン申請の拡充<\/td><td class="num">—<\/td><td class="num">1<\/td><td class="num">1<\/td><td class="num">2<\/td><td class="num">—<\/td><td class="num">—<\/td><td class="num">1<\/td><td class="num">1<\/td>/,
  );
  assert.match(
    table,
    /<th>合 計<\/th><td class="num">1<\/td><td class="num">1<\/td><td class="num">1<\/td><td class="num">3<\/td><td class="num">—<\/td><td class="num">1<\/td><td class="num">1<\/td><td class="num">1<\/td>/,
  );
  assert.match(html, /評価: A 目標より進んでいる、B 目標どおり、C 目標より遅れている、D 評価できない/);
  // No KPIs: no KPI table; the schedule is section 2.
  assert.doesNotMatch(html, /KPI の達成状況/);
  assert.match(html, /<h2 class="section">2 工程表<\/h2>/);
});

test('each initiative: sections in the plan’s order, indicators with their targets, grade and label', () => {
  const block = html.slice(html.indexOf('<article class="initiative" id="i-e0000001">'), html.indexOf('<article class="initiative" id="i-e0000002">'));
  inOrder(block, [
    '<p class="grade"><span class="badge grade">評価 C</span> 目標より遅れている（進捗率 80.0%）</p>',
    '<p class="label">事業概要</p><p class="text">電子申請の対象手続を広げる。</p>',
    '<p class="label">事業費（千円）</p><p class="text">12,000</p>',
    '<p class="label">対象</p><p class="text">村民</p>',
    '<p class="label">今年度の取組</p><p class="text">子育て関係の手続を電子化する。</p>',
    '<th>種類</th><th>指標</th><th>目標の種類</th><th>目標</th><th>基準値</th><th>実績</th><th class="num">進捗率</th>',
    '<td>活動指標</td><td>電子申請の件数</td><td>年間</td><td>1,000件/年</td><td>—</td><td>950件（2025年度）</td><td class="num">95.0%</td>',
    '<td>成果指標</td><td>操作講習の参加者</td><td>累計</td><td>75人（累計）</td><td>10人（2023年度）</td><td>60人（2025年度）</td><td class="num">80.0%</td>',
    '<td>成果指標</td><td>手続の見直し</td><td>定性</td><td>行動規範の制定</td><td>—</td><td>達成（2025年度）</td><td class="num">100.0%</td>',
  ]);
  // Measured by indicators, without results in words: no empty 実績 block.
  assert.doesNotMatch(block, /<p class="label">実績<\/p>/);
  const two = html.slice(html.indexOf('id="i-e0000002"'), html.indexOf('id="i-e0000003"'));
  assert.match(two, /評価 D<\/span> 評価できない<\/p>/);
  assert.match(two, /<p class="label">事業費（千円）<\/p><p class="text">—<\/p>/);
  const three = html.slice(html.indexOf('id="i-e0000003"'));
  assert.match(three, /評価 B<\/span> 目標どおり（進捗率 95\.0%）<\/p>\n<p class="grade-reason">評価の理由: 年度末に目標を達成する見込み<\/p>/);
  assert.doesNotMatch(three, /管理者/, 'who set a grade is not published');
  // Grades not published: none printed (the summary has no grade columns either).
  const quiet = structuredClone(data);
  quiet.plan.settings.grades!.publish = false;
  const q = renderReportHtml(quiet);
  assert.doesNotMatch(q, /評価 [A-D]|class="grade/);
});

test('the schedule: a table per initiative, a chart per pillar, and the milestones', () => {
  const block = html.slice(html.indexOf('id="i-e0000001"'), html.indexOf('id="i-e0000002"'));
  assert.match(
    block,
    /<table class="schedule"><thead>\n<tr><th>期間<\/th><th>2024年度<\/th><th>2025年度<\/th><th>2026年度<\/th><\/tr>\n<\/thead><tbody><tr><th>工程<\/th><td>検討<\/td><td>実施<\/td><td>運用<\/td><\/tr><\/tbody><\/table>/,
  );
  inOrder(block, ['<p class="label">マイルストーン</p>', '◆ 2024年6月 導入方針の決定（達成）', '◇ 2026年3月31日 全手続の電子化（予定）']);
  const section = html.slice(html.indexOf('2 工程表'), html.indexOf('CONTENTS'));
  assert.equal(section.match(/<svg /g)?.length, 2, 'one chart per pillar');
  assert.match(section, /<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" role="img"/);
  assert.match(section, /<title id="[^"]+">暮らしの利便性向上 工程表<\/title>/);
  assert.match(section, /1 電子申請サービスの導入：検討 2024年度、実施 2025年度、運用 2026年度、◆2024-06 導入方針の決定（達成）/);
  // キャッシュレス決済 has no schedule: not a row of the chart.
  assert.doesNotMatch(section, /キャッシュレス/);
  // Quarters: the table heads the fiscal years over their quarters.
  const q = structuredClone(data);
  q.plan.settings.schedule!.unit = 'quarter';
  q.initiatives[0]!.schedule = [{ period: '2025Q2', phase: '実施' }];
  const qh = renderReportHtml(q);
  assert.match(qh, /<th colspan="4">2024年度<\/th><th colspan="4">2025年度<\/th><th colspan="4">2026年度<\/th><\/tr>\n<tr><th>Q1<\/th>/);
  assert.match(qh, /<td><\/td><td>実施<\/td>/);
});

test('PDF: one render, with the level-3 heading and the indicators’ targets in its text', async () => {
  const { pdf, pages } = await renderReportPdf(data);
  assert.equal(Buffer.from(pdf.subarray(0, 5)).toString(), '%PDF-');
  assert.ok(pages >= 4, `pages: ${pages}`);
  const text = await pdfToText(pdf, false);
  assert.match(text, /取組事項\s*オンライン申請の拡充/);
  assert.match(text, /1,000件\/年/);
  assert.match(text, /75人（累計）/);
  // The contents carry the page of each initiative, found in the first pass.
  assert.match(text, /- 3 会議資料のペーパーレス化\s+\d+/);
});
