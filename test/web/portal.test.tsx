// The public portal through app.request: every page type on the sample, on both databases; escaping
// of hostile titles; errors are 404/400 pages, never 500.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backends } from '../helpers/db.ts';
import { createApp } from '../../src/web/app.tsx';
import { loadSample, sampleDocument } from '../../src/db/sample.ts';
import { saveEdition } from '../../src/db/repository.ts';
import { clearEditionCache } from '../../src/web/public/edition-cache.ts';

const ja = { headers: { 'accept-language': 'ja' } };

for (const backend of backends) {
  test(`${backend.name}: every public page type of the sample`, async (t) => {
    const database = await backend.open();
    clearEditionCache();
    try {
      await loadSample(database.db);
      const app = createApp({ database });
      const get = async (path: string, init: RequestInit = ja) => {
        const res = await app.request(path, init);
        return { status: res.status, html: await res.text(), res };
      };
      const { doc } = sampleDocument();
      const i08 = doc.data.initiatives.find((i) => i.number === '08')!;

      await t.test('home lists the organization and its current edition', async () => {
        const r = await get('/');
        assert.equal(r.status, 200);
        assert.match(r.html, /日立市デジタル化推進アクションプラン2023/);
        assert.match(r.html, /令和5年度（2023年度）/);
      });
      await t.test('plan overview shows both computed tables', async () => {
        const r = await get('/o/082023/2023');
        assert.equal(r.status, 200);
        assert.match(r.html, /計画の進捗状況/);
        assert.match(r.html, /KPIの達成状況/);
        assert.match(r.html, /11\.2%（48\.6%）/);
        assert.match(r.html, /2,682,332（44\.1%）/);
        assert.match(r.html, /<td class="num">102<\/td>/);
        assert.match(r.html, /出典|日立市「/);
        assert.match(r.html, /charts\/status\.svg/);
      });
      await t.test('pillar page lists sub-areas and initiatives', async () => {
        const r = await get('/o/082023/2023/pillars/p2');
        assert.match(r.html, /マイナンバーカードの普及促進/);
        assert.match(r.html, /マイナンバーカードの普及啓発/);
        assert.equal((r.html.match(/class="initiative-list"/g) ?? []).length, 5);
      });
      await t.test('initiative page: content, plan, results with achievement, history', async () => {
        const r = await get(`/o/082023/2023/initiatives/${i08.key}`);
        assert.equal(r.status, 200);
        assert.match(r.html, /08\. マイナンバーカードの普及啓発/);
        assert.match(r.html, /73\.6%/);
        assert.match(r.html, /105\.1%/); // 73.6 / 70, truncated
        assert.match(r.html, /令和4年度/);
        assert.match(r.html, /年度ごとの経過/);
      });
      await t.test('departments and one department', async () => {
        assert.match((await get('/o/082023/2023/departments')).html, /デジタル推進課/);
        const r = await get(`/o/082023/2023/departments/${encodeURIComponent('市民課')}`);
        assert.equal(r.status, 200);
        assert.match(r.html, /マイナンバーカードの取得支援/);
      });
      await t.test('KPI page with chart and table', async () => {
        const r = await get('/o/082023/2023/kpis/k1');
        assert.match(r.html, /コンビニ等での各種証明書交付率/);
        assert.match(r.html, /48\.6%/);
        const svg = await get('/o/082023/2023/kpis/k1/chart.svg');
        assert.equal(svg.res.headers.get('content-type'), 'image/svg+xml; charset=utf-8');
        assert.match(svg.html, /^<svg/);
      });
      await t.test('search: マイナンバー finds 08, 09, 10 first, highlighted; filters narrow it', async () => {
        const r = await get(`/o/082023/2023/search?q=${encodeURIComponent('マイナンバー')}`);
        const numbers = [...r.html.matchAll(/<span class="no">([^<]+)<\/span>/g)].map((m) => m[1]);
        assert.deepEqual(numbers.slice(0, 3).sort(), ['08', '09', '10']);
        assert.match(r.html, /<mark>マイナンバー<\/mark>/);
        const filtered = await get(`/o/082023/2023/search?q=${encodeURIComponent('マイナンバー')}&status=completed`);
        assert.doesNotMatch(filtered.html, /<span class="no">08<\/span>/);
        const phrase = await get(`/o/082023/2023/search?q=${encodeURIComponent('マイナンバーカードを普及')}`);
        assert.match(phrase.html, /<span class="no">08<\/span>/);
        const dept = await get(`/o/082023/2023/search?department=${encodeURIComponent('市民課')}`);
        assert.match(dept.html, /<span class="no">28<\/span>/);
      });
      await t.test('English UI via ?lang=en (remembered by cookie) and Accept-Language; data stay Japanese', async () => {
        const r = await get('/o/082023/2023?lang=en', { headers: {} });
        assert.match(r.html, /<html lang="en">/);
        assert.match(r.html, /Progress of the plan/);
        assert.match(r.html, /マイナンバー|日立市/);
        assert.match(r.res.headers.get('set-cookie') ?? '', /lang=en/);
        const viaCookie = await get('/o/082023/2023', { headers: { cookie: 'lang=en' } });
        assert.match(viaCookie.html, /<html lang="en">/);
        const viaHeader = await get('/o/082023/2023', { headers: { 'accept-language': 'en-US,en;q=0.9' } });
        assert.match(viaHeader.html, /<html lang="en">/);
        assert.match((await get('/o/082023/2023')).html, /<html lang="ja">/);
      });
      await t.test('security headers: CSP without scripts, nosniff, referrer policy', async () => {
        const r = await get('/o/082023/2023');
        const csp = r.res.headers.get('content-security-policy') ?? '';
        assert.match(csp, /default-src 'none'/);
        assert.doesNotMatch(csp, /unsafe-inline/);
        assert.equal(r.res.headers.get('x-content-type-options'), 'nosniff');
        assert.ok(r.res.headers.get('referrer-policy'));
        assert.doesNotMatch(r.html, /<script/i);
      });
      await t.test('unknown ids and bad parameters are 404/400 pages, never 500', async () => {
        for (const path of [
          '/o/082023/2099',
          '/o/999999/2023',
          '/o/082024/2023',
          '/o/082023/2023/initiatives/nope',
          '/o/082023/2023/pillars/p9',
          '/o/082023/2023/kpis/k99',
          '/o/082023/2023/departments/nope',
          '/o/082023/20233',
          '/nope',
          '/o/082023/2023/kpis/k99/chart.svg',
        ]) {
          const r = await get(path);
          assert.equal(r.status, 404, path);
          assert.match(r.html, /ページが見つかりません/, path);
        }
        assert.equal((await get('/o/082023/2023/search?status=bogus')).status, 400);
        assert.equal((await get('/o/082023/2023/search?pillar=zz')).status, 400);
        assert.equal((await get(`/o/082023/2023/search?q=${'あ'.repeat(10000)}`)).status, 200);
      });
    } finally {
      await database.close();
    }
  });

  test(`${backend.name}: hostile text in the data is shown as text everywhere`, async () => {
    const database = await backend.open();
    clearEditionCache();
    try {
      const { doc } = sampleDocument();
      const evil = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>'];
      doc.data.initiatives[0]!.title = evil[0]!;
      doc.data.initiatives[1]!.title = evil[1]!;
      doc.data.initiatives[1]!.departments = ['"><img src=x onerror=alert(2)>課'];
      doc.data.initiatives[2]!.content = evil.join(' ');
      doc.data.pillars[0]!.name = '<b>pillar</b>';
      await saveEdition(database.db, doc.data, { actor: 'test', source: 'test' });
      const app = createApp({ database });
      const pages = [
        '/',
        '/o/082023/2023',
        '/o/082023/2023/pillars/p1',
        `/o/082023/2023/initiatives/${doc.data.initiatives[0]!.key}`,
        `/o/082023/2023/initiatives/${doc.data.initiatives[1]!.key}`,
        `/o/082023/2023/initiatives/${doc.data.initiatives[2]!.key}`,
        '/o/082023/2023/departments',
        `/o/082023/2023/search?q=${encodeURIComponent('<script>')}`,
        `/o/082023/2023/search?q=${encodeURIComponent('"><img src=x onerror=alert(1)>')}`,
        '/o/082023/2023/charts/status.svg',
      ];
      for (const path of pages) {
        const html = await (await app.request(path, ja)).text();
        assert.doesNotMatch(html, /<script>alert/, path);
        assert.doesNotMatch(html, /<img src=x onerror/, path);
        assert.doesNotMatch(html, /<b>pillar<\/b>/, path);
      }
      const page = await (await app.request(`/o/082023/2023/initiatives/${doc.data.initiatives[0]!.key}`, ja)).text();
      assert.match(page, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    } finally {
      await database.close();
    }
  });
}
