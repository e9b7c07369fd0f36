// JSON API and open-data downloads: shapes consistent with `export json`, ETag/304, CORS, pagination,
// errors as JSON, CSV with BOM and the organization code first, formulas neutralised.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unzipSync, strFromU8 } from 'fflate';
import ExcelJS from 'exceljs';
import { backends } from '../helpers/db.ts';
import { createApp } from '../../src/web/app.tsx';
import { loadSample, sampleDocument } from '../../src/db/sample.ts';
import { loadEdition, saveEdition } from '../../src/db/repository.ts';
import { editionToJson } from '../../src/export/json.ts';
import { neutralizeFormula } from '../../src/export/opendata.ts';
import { clearEditionCache } from '../../src/web/public/edition-cache.ts';

for (const backend of backends) {
  test(`${backend.name}: JSON API`, async (t) => {
    const database = await backend.open();
    clearEditionCache();
    try {
      await loadSample(database.db);
      const app = createApp({ database });
      const get = (p: string, init?: RequestInit) => app.request(p, init);
      const exported = editionToJson((await loadEdition(database.db, '082023', 2023))!);
      const base = '/api/v1/organizations/082023/editions/2023';

      await t.test('organizations and editions', async () => {
        assert.deepEqual(await (await get('/api/v1/organizations')).json(), { items: [{ code: '082023', name: '日立市' }] });
        const eds = (await (await get('/api/v1/organizations/082023/editions')).json()) as { items: { fiscalYear: number }[] };
        assert.equal(eds.items[0]!.fiscalYear, 2023);
      });
      await t.test('the edition is the same document as export json', async () => {
        const res = await get(base);
        assert.equal(res.status, 200);
        assert.deepEqual(await res.json(), JSON.parse(JSON.stringify(exported)));
      });
      await t.test('initiatives paginate and filter; one initiative by key', async () => {
        const p1 = (await (await get(`${base}/initiatives?perPage=40`)).json()) as { items: { key: string }[]; total: number; totalPages: number };
        assert.equal(p1.total, 102);
        assert.equal(p1.items.length, 40);
        assert.equal(p1.totalPages, 3);
        const p3 = (await (await get(`${base}/initiatives?perPage=40&page=3`)).json()) as { items: unknown[] };
        assert.equal(p3.items.length, 22);
        const done = (await (await get(`${base}/initiatives?status=completed`)).json()) as { total: number };
        assert.equal(done.total, 8);
        const one = (await (await get(`${base}/initiatives/${p1.items[0]!.key}`)).json()) as { title: string };
        assert.equal(one.title, '日立市デジタル化推進本部の開催');
      });
      await t.test('KPIs carry exact progress rates; search finds 08, 09, 10', async () => {
        const k = (await (await get(`${base}/kpis`)).json()) as { items: { progressRate: string }[] };
        assert.deepEqual(
          k.items.map((x) => x.progressRate),
          ['48.6', '44.1', '63.5', '84.5', '84.1', '71.9', '83.3', '98.3', '92.8'],
        );
        const s = (await (await get(`${base}/search?q=${encodeURIComponent('マイナンバー')}`)).json()) as { items: { number: string }[] };
        assert.deepEqual(
          s.items
            .slice(0, 3)
            .map((x) => x.number)
            .sort(),
          ['08', '09', '10'],
        );
        const d = (await (await get(`${base}/departments`)).json()) as { items: { name: string; initiatives: number }[] };
        assert.equal(d.items.find((x) => x.name === 'デジタル推進課')!.initiatives > 20, true);
      });
      await t.test('ETag and 304; Cache-Control; CORS', async () => {
        const res = await get(base, { headers: { origin: 'https://example.org' } });
        const etag = res.headers.get('etag')!;
        assert.match(etag, /^W\/"/);
        assert.match(res.headers.get('cache-control') ?? '', /no-cache/);
        assert.equal(res.headers.get('access-control-allow-origin'), '*');
        assert.equal((await get(base, { headers: { 'if-none-match': etag } })).status, 304);
        // A write changes the stamp, so the old ETag no longer matches.
        const { doc } = sampleDocument();
        doc.data.initiatives[0]!.title = '改題';
        await saveEdition(database.db, doc.data, { actor: 't', source: 't', replace: true });
        const after = await get(base, { headers: { 'if-none-match': etag } });
        assert.equal(after.status, 200);
        assert.equal(((await after.json()) as { initiatives: { title: string }[] }).initiatives[0]!.title, '改題');
      });
      await t.test('errors are JSON 400/404, never 500', async () => {
        for (const [path, status] of [
          ['/api/v1/organizations/082023/editions/2099', 404],
          ['/api/v1/organizations/999999/editions', 404],
          ['/api/v1/organizations/abc/editions', 400],
          [`${base}/initiatives?page=-1`, 400],
          [`${base}/initiatives?page=1000000000`, 400],
          [`${base}/initiatives?perPage=100000`, 400],
          [`${base}/initiatives?status=bogus`, 400],
          [`${base}/initiatives/zzz`, 404],
          ['/api/v1/nothing', 404],
        ] as const) {
          const res = await get(path);
          assert.equal(res.status, status, path);
          assert.equal(typeof ((await res.json()) as { error: string }).error, 'string', path);
        }
      });
      await t.test('OpenAPI 3.1 document generated from the schemas, and a page for people', async () => {
        const doc = (await (await get('/api/openapi.json')).json()) as {
          openapi: string;
          paths: Record<string, unknown>;
          components: { schemas: Record<string, unknown> };
        };
        assert.equal(doc.openapi, '3.1.0');
        assert.ok(doc.paths['/api/v1/organizations/{org}/editions/{fy}/initiatives'] || doc.paths['/v1/organizations/{org}/editions/{fy}/initiatives']);
        assert.ok(doc.components.schemas.Initiative);
        assert.match(await (await get('/api')).text(), /openapi\.json/);
      });
    } finally {
      await database.close();
    }
  });

  test(`${backend.name}: open-data downloads`, async () => {
    const database = await backend.open();
    clearEditionCache();
    try {
      await loadSample(database.db);
      const app = createApp({ database });
      const page = await (await app.request('/o/082023/2023/downloads', { headers: { 'accept-language': 'ja' } })).text();
      assert.match(page, /082023_2023_initiatives\.csv/);
      assert.match(page, /全国地方公共団体コード/);
      const csv = await app.request('/o/082023/2023/downloads/082023_2023_initiatives.csv');
      assert.equal(csv.status, 200);
      assert.match(csv.headers.get('content-type')!, /text\/csv/);
      const bytes = new Uint8Array(await csv.arrayBuffer());
      assert.deepEqual([...bytes.slice(0, 3)], [0xef, 0xbb, 0xbf]);
      const text = new TextDecoder().decode(bytes); // the decoder drops the BOM
      const lines = text.split('\r\n');
      assert.match(lines[0]!, /^全国地方公共団体コード,地方公共団体名,年度,施策キー,施策番号,施策名/);
      assert.match(lines[1]!, /^082023,日立市,2023,/);
      assert.equal(lines.filter(Boolean).length, 103);
      const results = new TextDecoder().decode(new Uint8Array(await (await app.request('/o/082023/2023/downloads/082023_2023_results.csv')).arrayBuffer()));
      assert.match(results, /マイナンバーカード交付率,73\.6,70,%/);
      const kpis = new TextDecoder().decode(new Uint8Array(await (await app.request('/o/082023/2023/downloads/082023_2023_kpis.csv')).arrayBuffer()));
      assert.match(kpis, /コンビニ等での各種証明書交付率,%,23,2026,2022,11\.2,48\.6/);
      const zip = unzipSync(new Uint8Array(await (await app.request('/o/082023/2023/downloads/082023_2023_all.zip')).arrayBuffer()));
      assert.deepEqual(Object.keys(zip).sort(), [
        '082023_2023.json',
        '082023_2023.xlsx',
        '082023_2023_initiatives.csv',
        '082023_2023_kpis.csv',
        '082023_2023_results.csv',
      ]);
      assert.equal(JSON.parse(strFromU8(zip['082023_2023.json']!)).initiatives.length, 102);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(Buffer.from(zip['082023_2023.xlsx']!) as unknown as ArrayBuffer);
      assert.equal(wb.getWorksheet('施策一覧')!.rowCount, 103);
      const etag = csv.headers.get('etag')!;
      assert.equal((await app.request('/o/082023/2023/downloads/082023_2023_initiatives.csv', { headers: { 'if-none-match': etag } })).status, 304);
      assert.equal((await app.request('/o/082023/2023/downloads/nope.csv')).status, 404);
    } finally {
      await database.close();
    }
  });
}

test('cells a spreadsheet would run as formulas are neutralised; numbers are not', () => {
  assert.equal(neutralizeFormula('=HYPERLINK("x")'), `'=HYPERLINK("x")`);
  assert.equal(neutralizeFormula('+1+1'), `'+1+1`);
  assert.equal(neutralizeFormula('@SUM(A1)'), `'@SUM(A1)`);
  assert.equal(neutralizeFormula('-5'), '-5');
  assert.equal(neutralizeFormula('-x'), `'-x`);
  assert.equal(neutralizeFormula('普通の文'), '普通の文');
  assert.equal(neutralizeFormula(12), 12);
});
