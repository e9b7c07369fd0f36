// The portal for a plan of another shape than the sample's (test/web/shape-fixture.ts), published the way
// staff publish, on both databases: group pages at every level with breadcrumbs named in the plan's words,
// the plan's sections in order, the indicators table ("1,000人/年", "75人（累計）", qualitative targets with
// 達成/未達成/未判定), grade badges with their labels (a hand-set one with its reason and who), the
// schedule table beside its chart, milestones, and hostile text shown as text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backends } from '../helpers/db.ts';
import { createApp } from '../../src/web/app.tsx';
import { clearEditionCache } from '../../src/web/public/edition-cache.ts';
import { EVIL, FY, KEYS, ORG, publishShapeEdition } from './shape-fixture.ts';

const ja = { headers: { 'accept-language': 'ja' } };
const base = `/o/${ORG}/${FY}`;

/** The texts of the breadcrumb list, in order. */
function crumbs(html: string): string[] {
  const nav = /<nav class="breadcrumbs"[^>]*>([\s\S]*?)<\/nav>/.exec(html)?.[1] ?? '';
  return [...nav.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, ''));
}

/** The headings h2 of the main content, as text. */
function headings(html: string): string[] {
  return [...html.matchAll(/<h2[^>]*>([\s\S]*?)<\/h2>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, '').trim());
}

/** The cells of the table whose caption is `caption`, row by row, as text. */
function table(html: string, caption: string): string[][] {
  const re = new RegExp(`<caption>${caption}</caption>([\\s\\S]*?)</table>`);
  const body = re.exec(html)?.[1] ?? '';
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((r) =>
    [...r[1]!.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((c) =>
      c[1]!
        .replace(/<br\s*\/?>/g, ' ')
        .replace(/<[^>]+>/g, '')
        .trim(),
    ),
  );
}

for (const backend of backends) {
  test(`${backend.name}: the portal of a plan of three levels with sections, indicators, grades and a schedule`, async (t) => {
    const database = await backend.open();
    clearEditionCache();
    try {
      await publishShapeEdition(database.db);
      const app = createApp({ database });
      const get = async (path: string, init: RequestInit = ja) => {
        const res = await app.request(path, init);
        return { status: res.status, html: await res.text(), res };
      };

      await t.test('overview: the summary and, as the plan publishes grades, the grade counts per pillar', async () => {
        const r = await get(base);
        assert.equal(r.status, 200);
        assert.equal(r.res.headers.get('cache-control'), 'public, no-cache');
        const grades = table(r.html, '評価の状況');
        assert.deepEqual(grades[0], ['基本目標', '評価 A 目標より進んでいる', '評価 B 目標どおり', '評価 C 目標より遅れている', '評価 D 評価できない']);
        assert.deepEqual(grades[1], ['便利に暮らせるまち', '1', '1', '—', '1']);
        assert.deepEqual(grades.at(-1), ['合計', '1', '1', '—', '2']);
      });

      await t.test('a pillar is a group page: its level-2 groups with counts per status and grade, every initiative below it', async () => {
        const r = await get(`${base}/pillars/p1`);
        assert.equal(r.status, 200);
        assert.deepEqual(crumbs(r.html).slice(3), ['便利に暮らせるまち']);
        assert.match(r.html, /<p class="meta">基本目標<\/p>/);
        const rows = table(r.html, '取組分野ごとの状況');
        assert.deepEqual(rows[0]!.slice(0, 1), ['取組分野']);
        assert.deepEqual(rows[1]!.slice(0, 1), ['行政手続のデジタル化']);
        assert.deepEqual(rows.at(-1)!.slice(0, 1), ['合計']);
        assert.match(r.html, new RegExp(`href="${base}/pillars/p1/groups/g1"`));
        for (const title of ['オンライン申請の利用促進', '窓口の待ち時間の短縮', '地域のデジタル人材の育成']) assert.ok(r.html.includes(title), title);
      });

      await t.test('a level-2 group lists its level-3 groups; a level-3 group its initiatives, with breadcrumbs down to it', async () => {
        const g1 = await get(`${base}/pillars/p1/groups/g1`);
        assert.equal(g1.status, 200);
        assert.equal(g1.res.headers.get('cache-control'), 'public, no-cache');
        assert.ok(g1.res.headers.get('etag'));
        assert.deepEqual(crumbs(g1.html).slice(3), ['便利に暮らせるまち', '行政手続のデジタル化']);
        const rows = table(g1.html, '取組事項ごとの状況');
        assert.deepEqual(
          rows.slice(1).map((r) => r[0]),
          ['オンライン申請', '窓口の改善', '合計'],
        );
        const g11 = await get(`${base}/pillars/p1/groups/g11`);
        assert.deepEqual(crumbs(g11.html).slice(3), ['便利に暮らせるまち', '行政手続のデジタル化', 'オンライン申請']);
        assert.match(g11.html, /<dt>基本目標<\/dt>/);
        assert.match(g11.html, /<dt>取組分野<\/dt>/);
        assert.match(g11.html, /この階層の事業/);
        assert.match(g11.html, /<span class="badge grade">A 目標より進んでいる<\/span>/);
        assert.doesNotMatch(g11.html, /窓口の待ち時間の短縮/);
        // Not modified: the same ETag answers 304.
        const again = await app.request(`${base}/pillars/p1/groups/g11`, {
          headers: { 'accept-language': 'ja', 'if-none-match': g11.res.headers.get('etag')! },
        });
        assert.equal(again.status, 304);
      });

      await t.test('initiative at level 3: breadcrumbs edition → pillar → group → group → initiative, in the plan’s words', async () => {
        const r = await get(`${base}/initiatives/${KEYS.a}`);
        assert.equal(r.status, 200);
        assert.deepEqual(crumbs(r.html).slice(2), [
          'ひながた市DX推進計画 令和7年度版（令和7年度（2025年度））',
          '便利に暮らせるまち',
          '行政手続のデジタル化',
          'オンライン申請',
          'オンライン申請の利用促進',
        ]);
        for (const level of ['基本目標', '取組分野', '取組事項']) assert.match(r.html, new RegExp(`<dt>${level}</dt>`));
      });

      await t.test('initiative: the plan’s sections in order, money with its unit, a url as a link', async () => {
        const r = await get(`${base}/initiatives/${KEYS.a}`);
        const h = headings(r.html);
        const sections = ['事業概要', '現状・課題', '事業費（千円）', '関連ページ', '対象', '今年度の取組（R7取組）'];
        assert.deepEqual(
          h.filter((x) => sections.includes(x)),
          sections,
        );
        assert.ok(
          h.indexOf('事業概要') < h.indexOf('指標') && h.indexOf('指標') < h.indexOf('スケジュール') && h.indexOf('スケジュール') < h.indexOf('マイルストーン'),
        );
        assert.match(r.html, /<p>12,345千円<\/p>/);
        assert.match(r.html, /<a href="https:\/\/example\.jp\/dx\?a=1&amp;b=2" rel="noopener">/);
        assert.match(r.html, /<p>市民<\/p>/);
        assert.doesNotMatch(r.html, /<h2>施策内容<\/h2>/);
      });

      await t.test('initiative: the indicators table with per-year, cumulative and qualitative targets and progress rates', async () => {
        const a = await get(`${base}/initiatives/${KEYS.a}`);
        const rows = table(a.html, '指標');
        assert.deepEqual(rows[0]!.slice(0, 6), ['名称', '種類', '単位', '目標の種類', '基準値', '最終目標']);
        assert.deepEqual(rows[0]!.slice(6), [
          'R6 目標／実績（進捗率）',
          'R7 目標／実績（進捗率）',
          'R8 目標／実績（進捗率）',
          'R9 目標／実績（進捗率）',
          '進捗率 （R7）',
        ]);
        const perYear = rows.find((r) => r[0] === '講座の受講者数')!;
        assert.deepEqual(perYear.slice(1, 4), ['活動指標', '人', '年間']);
        assert.equal(perYear[5], '1,000人/年 R9年度');
        // A rate per year applies to every year.
        assert.deepEqual(perYear.slice(6, 9), ['目標 1,000人/年 実績 486人（48.6%）', '目標 1,000人/年 実績 1,200人（120.0%）', '目標 1,000人/年']);
        assert.equal(perYear.at(-1), '120.0%');
        const cumulative = rows.find((r) => r[0] === '支援員の人数')!;
        assert.equal(cumulative[3], '累計');
        assert.equal(cumulative[4], '0人 R5年度');
        assert.equal(cumulative[5], '75人（累計） R9年度');
        assert.deepEqual(cumulative.slice(6, 9), ['目標 30人（累計） 実績 40人（133.3%）', '実績 85人（113.3%）', '—']);
        assert.match(a.html, /1,000人\/年/);
        assert.match(a.html, /75人（累計）/);

        const b = await get(`${base}/initiatives/${KEYS.b}`);
        const qual = table(b.html, '指標');
        const achieved = qual.find((r) => r[0] === '行動規範の制定')!;
        assert.deepEqual(achieved.slice(3, 4), ['定性']);
        assert.equal(achieved[5], '職員の行動規範を制定する');
        assert.deepEqual(achieved.slice(6, 8), ['実績 未判定', '実績 達成']);
        assert.equal(achieved.at(-1), '100.0%');
        assert.equal(qual.find((r) => r[0] === '利用者アンケートの実施')![7], '実績 未達成');
        assert.equal(qual.find((r) => r[0]!.startsWith('外部評価'))!.at(-1), '未判定');
        assert.equal(qual.find((r) => r[0] === '窓口の待ち時間')![7], '実績 8分（125.0%）');
      });

      await t.test('grade badge with its label; a hand-set grade with its reason and who set it', async () => {
        const a = await get(`${base}/initiatives/${KEYS.a}`);
        assert.match(a.html, /<dt>評価<\/dt><dd><span class="badge grade">A 目標より進んでいる<\/span>/);
        assert.match(a.html, /指標の進捗率から計算（進捗率 113\.3%）/);
        const b = await get(`${base}/initiatives/${KEYS.b}`);
        assert.match(b.html, /<span class="badge grade">B 目標どおり<\/span>/);
        assert.match(b.html, /手動で設定した評価（理由: アンケートは実施済みで集計中のため／設定者: 山田（デジタル推進課）/);
        const c = await get(`${base}/initiatives/${KEYS.c}`);
        assert.match(c.html, /<span class="badge grade">D 評価できない<\/span>/);
      });

      await t.test('schedule: a table of the periods with the chart beside it; milestones with 済/未', async () => {
        const r = await get(`${base}/initiatives/${KEYS.a}`);
        const rows = table(r.html, 'スケジュール');
        assert.deepEqual(rows[0], ['項目', '2024年度', '2025年度', '2026年度', '2027年度']);
        assert.deepEqual(rows[1], ['オンライン申請の利用促進', '検討', '準備', '実施', '運用']);
        assert.match(r.html, /<figure class="chart">[\s\S]*?<svg[^>]*role="img"/);
        const ms = table(r.html, 'マイルストーン');
        assert.deepEqual(ms, [
          ['日付', '内容', '状況'],
          ['2025年6月30日', '要件定義の完了', '済'],
          ['2026年4月', 'サービス開始', '未'],
        ]);
        const group = await get(`${base}/pillars/p1/groups/g1`);
        assert.deepEqual(table(group.html, 'スケジュール')[1], ['01 オンライン申請の利用促進', '検討', '準備', '実施', '運用']);
      });

      await t.test('English UI: level names, grade and indicator words translated, data as entered', async () => {
        const r = await get(`${base}/initiatives/${KEYS.b}?lang=en`, { headers: {} });
        assert.match(r.html, /<html lang="en">/);
        assert.match(r.html, /<dt>Pillar<\/dt>/);
        assert.match(r.html, /<dt>Level 3<\/dt>/);
        assert.match(r.html, /Set by hand/);
        assert.match(r.html, /Not achieved/);
        assert.match(r.html, /qualitative/);
        assert.match(r.html, /窓口の待ち時間の短縮/);
      });

      await t.test('hostile text is shown as text on every page type, and a javascript: address is no link', async () => {
        const pages = [
          base,
          `${base}/pillars/p1`,
          `${base}/pillars/p2`,
          `${base}/pillars/p1/groups/g1`,
          `${base}/pillars/p1/groups/g12`,
          `${base}/initiatives/${KEYS.b}`,
          `${base}/initiatives/${KEYS.evil}`,
          `${base}/downloads`,
          `${base}/search?q=${encodeURIComponent('<script>')}`,
        ];
        for (const path of pages) {
          const r = await get(path);
          assert.equal(r.status, 200, path);
          assert.doesNotMatch(r.html, /<script/i, path);
          assert.doesNotMatch(r.html, /<img src=x/, path);
          assert.doesNotMatch(r.html, /href="javascript:/i, path);
        }
        const evil = await get(`${base}/initiatives/${KEYS.evil}`);
        assert.ok(evil.html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
        assert.match(evil.html, /<p>javascript:alert\(1\)<\/p>/);
        assert.ok(EVIL.includes('<script>'));
      });

      await t.test('unknown groups are 404 pages; a group key is looked up in its own pillar', async () => {
        for (const path of [`${base}/pillars/p1/groups/nope`, `${base}/pillars/p2/groups/g1`, `${base}/pillars/p9/groups/g1`]) {
          const r = await get(path);
          assert.equal(r.status, 404, path);
          assert.match(r.html, /ページが見つかりません/);
        }
      });
    } finally {
      await database.close();
    }
  });
}
