// The annual report: same sections as the sample, and the proof that it says what the data say —
// its PDF, read back with pdftotext -layout and imported, is the same edition.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sampleDocument } from '../../src/db/sample.ts';
import { parsePlanText } from '../../src/import/plan-text.ts';
import { renderReportHtml } from '../../src/report/html.ts';
import { closeBrowser, pdfToText, renderReportPdf, writeAtomically } from '../../src/report/pdf.ts';
import { diffEditions } from '../../src/domain/edition-diff.ts';
import type { EditionData } from '../../src/domain/model.ts';
import { backends } from '../helpers/db.ts';
import { loadSample } from '../../src/db/sample.ts';
import { saveEdition } from '../../src/db/repository.ts';
import { createApp } from '../../src/web/app.tsx';
import { clearEditionCache } from '../../src/web/public/edition-cache.ts';
import { reportCommand } from '../../src/cli/report.ts';

after(() => closeBrowser());

const { doc } = sampleDocument();
const data = doc.data;

function essence(d: EditionData) {
  return {
    initiatives: d.initiatives.map((i) => ({
      number: i.number,
      title: i.title,
      departments: i.departments,
      status: i.status,
      pillar: d.pillars.find((p) => p.key === i.pillarKey)!.name,
      subArea: d.pillars.flatMap((p) => p.subAreas).find((s) => s.key === i.subAreaKey)?.name ?? null,
      results: i.results.map((r) => [r.label, r.actual, r.target, r.unit]),
    })),
    kpis: d.kpis.map((k) => [k.name, k.pillarKey, k.unit, k.target, k.targetFiscalYear, k.actuals]),
    summary: d.pillars.map((p) => p.name),
  };
}

test('HTML has the sample’s sections in order and escapes what it prints', () => {
  const html = renderReportHtml(data);
  const order = [
    '日立市デジタル化推進アクションプラン2023',
    'ひたち型スマートライフの実現に向けて',
    '1 計画の進捗状況',
    '2 KPI の達成状況',
    'CONTENTS',
    'デジタル化推進体制整備',
    '01. 日立市デジタル化推進本部の開催',
    '施策内容',
    'R5取組',
    '実績',
    '【令和4年度】',
    '97. オンラインによる保健指導',
  ];
  let at = 0;
  for (const s of order) {
    const i = html.indexOf(s, at);
    assert.ok(i >= 0, `${s} after ${at}`);
    at = i;
  }
  assert.match(html, /11\.2% \(48\.6%\)/);
  assert.doesNotMatch(html, /<script/i);
  const evil = structuredClone(data);
  evil.initiatives[0]!.title = '<script>alert(1)</script>';
  evil.initiatives[0]!.departments = ['"><img src=x onerror=alert(1)>'];
  const e = renderReportHtml(evil);
  assert.doesNotMatch(e, /<script>alert/);
  assert.doesNotMatch(e, /<img src=x/);
});

test('round trip: PDF → pdftotext -layout → plan-text importer gives the same edition', async () => {
  const { pdf, pages } = await renderReportPdf(data);
  assert.ok(pages > 40, `pages: ${pages}`);
  assert.equal(Buffer.from(pdf.subarray(0, 5)).toString(), '%PDF-');
  const text = await pdfToText(pdf, true);
  const back = parsePlanText(text, { organization: data.organization }).data;
  assert.deepEqual(essence(back), essence(data));
  assert.equal(back.edition.fiscalYear, 2023);
  assert.equal(back.edition.title, data.edition.title);
  // Contents carry page numbers found in a first pass: 01 is on the page after the first pillar's title.
  assert.match(text, /01 日立市デジタル化推進本部の開催\s+\d+/);
});

test('limits: 20,000 characters of text, an emoji department, an empty edition', async () => {
  const big = structuredClone(data);
  big.initiatives = big.initiatives.slice(0, 3);
  big.initiatives[0]!.content = 'あ'.repeat(20000);
  big.initiatives[1]!.departments = ['🏛️デジタル推進課🚀'];
  const { pdf } = await renderReportPdf(big);
  const text = await pdfToText(pdf, false);
  assert.match(text, /デジタル推進課/);
  const empty: EditionData = { ...structuredClone(data), pillars: [], initiatives: [], kpis: [] };
  const html = renderReportHtml(empty);
  assert.match(html, /1 計画の進捗状況/);
  const r = await renderReportPdf(empty);
  assert.ok(r.pages >= 3);
});

test('a render that overruns its time box fails cleanly and writes no file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'shisaku-report-'));
  try {
    await assert.rejects(renderReportPdf(data, { timeoutMs: 5 }), /時間|timed out|Timeout/i);
    // The next render starts a fresh browser and works.
    const small = structuredClone(data);
    small.initiatives = small.initiatives.slice(0, 2);
    const { pdf } = await renderReportPdf(small);
    const out = join(dir, 'r.pdf');
    writeAtomically(out, pdf);
    assert.deepEqual(readdirSync(dir), ['r.pdf']);
    assert.throws(() => writeAtomically(join(dir, 'missing', 'r.pdf'), pdf));
    assert.deepEqual(readdirSync(dir), ['r.pdf']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('edition diff: added, removed, finished, renumbered, status, text, results and KPI changes', () => {
  const next = structuredClone(data);
  next.edition.fiscalYear = 2024;
  const moved = next.initiatives.find((i) => i.number === '05')!;
  moved.number = '50';
  next.initiatives.find((i) => i.number === '08')!.status = 'completed';
  next.initiatives.find((i) => i.number === '09')!.content += '追記。';
  next.initiatives.find((i) => i.number === '29')!.results[0]!.actual = '15.0';
  next.initiatives = next.initiatives.filter((i) => i.number !== '12');
  next.initiatives.push({ ...structuredClone(next.initiatives[0]!), key: 'new00001', number: null, title: '新しい施策' });
  next.kpis[0]!.actuals['2023'] = '15.0';
  const d = diffEditions(data, next);
  assert.deepEqual(
    d.added.map((i) => i.title),
    ['新しい施策'],
  );
  assert.deepEqual(
    d.removed.map((i) => i.number),
    ['12'],
  );
  assert.deepEqual(
    d.finished.map((i) => i.number),
    ['08'],
  );
  const c = (n: string) => d.changed.find((x) => x.numberAfter === n)!;
  assert.equal(c('50').renumbered, true);
  assert.equal(c('50').numberBefore, '05');
  assert.deepEqual(c('08').status, { before: 'in_progress', after: 'completed' });
  const text = c('09').texts.find((t) => t.field === 'content')!;
  assert.deepEqual(
    text.parts.filter((p) => p.added).map((p) => p.value),
    ['追記。'],
  );
  assert.deepEqual(c('29').results[0]!.after!.actual, '15.0');
  assert.deepEqual(d.kpis[0]!.actuals, [{ fiscalYear: '2023', before: null, after: '15.0' }]);
  const html = renderReportHtml(next, { diff: d });
  assert.match(html, /<ins>追記。<\/ins>/);
});

for (const backend of backends) {
  test(`${backend.name}: portal report downloads, diff page and JSON; CLI errors`, async () => {
    const database = await backend.open();
    clearEditionCache();
    try {
      await loadSample(database.db);
      const next = structuredClone(data);
      next.edition.fiscalYear = 2024;
      next.initiatives.find((i) => i.number === '08')!.status = 'completed';
      await saveEdition(database.db, next, { actor: 't', source: 't' });
      const app = createApp({ database });
      const html = await app.request('/o/082023/2023/report.html');
      assert.equal(html.status, 200);
      assert.match(await html.text(), /CONTENTS/);
      assert.doesNotMatch(html.headers.get('content-security-policy') ?? '', /script-src/);
      assert.equal((await app.request('/o/082023/2023/report.html', { headers: { 'if-none-match': html.headers.get('etag')! } })).status, 304);
      assert.equal((await app.request('/o/082023/2031/report.pdf')).status, 404);
      const diff = await app.request('/o/082023/diff/2023/2024', { headers: { 'accept-language': 'ja' } });
      assert.equal(diff.status, 200);
      assert.match(await diff.text(), /状況: 実施中 → 完了/);
      const json = (await (await app.request('/api/v1/organizations/082023/diff/2023/2024')).json()) as { finished: unknown[] };
      assert.equal(json.finished.length, 1);
      const dir = mkdtempSync(join(tmpdir(), 'shisaku-cli-report-'));
      try {
        const out = join(dir, 'r.html');
        assert.equal(await reportCommand(['--org', '082023', '--year', '2031', '--format', 'html', '--out', out], database), 2);
        assert.equal(existsSync(out), false);
        assert.equal(await reportCommand(['--org', '082024', '--year', '2023', '--format', 'html', '--out', out], database), 2);
        assert.equal(await reportCommand(['--org', '082023', '--year', '2024', '--format', 'html', '--out', out, '--diff-from', '2023'], database), 0);
        assert.ok(existsSync(out));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    } finally {
      await database.close();
    }
  });
}
