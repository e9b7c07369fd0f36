// Workbook bombs of both kinds, written byte by byte (bomb-zip.ts), against the reader: a 1.5 MB workbook
// whose headers say its sheet inflates to 1,000 bytes when it inflates to 1.5 GB, and honest workbooks
// whose sheets inflate to 200 MB, one part or four. Each is refused with the Japanese message at the
// counted limit, in well under a second or two, and — measured in a child process, through the worker the
// server uses — with the process's peak RSS growing by at most 300 MB. Also: rows and cells are counted
// while inflating, a bomb in a part the parser never reads is never inflated, broken zips of every kind
// get a Japanese message and nothing else, and the guard reads exactly what a zip library reads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { unzipSync, zipSync } from 'fflate';
import { LIMITS, readXlsx, SpreadsheetError } from '../../src/import/spreadsheet.ts';
import { inflateWithin } from '../../src/import/zip-guard.ts';
import { exportWorkbook } from '../../src/export/xlsx.ts';
import { sampleDocument } from '../../src/db/sample.ts';
import { INITIATIVE_HEADER, longDeflate, longSheetWorkbook, part, SHEET_TAIL, sheetHead, workbookParts, writeZip } from './bomb-zip.ts';

const MiB = 1024 * 1024;
const ROOT = new URL('../../', import.meta.url).pathname;

async function refusal(bytes: Uint8Array): Promise<SpreadsheetError> {
  try {
    await readXlsx(bytes);
  } catch (e) {
    assert.ok(e instanceof SpreadsheetError, `expected a SpreadsheetError, got ${String((e as Error)?.stack ?? e)}`);
    return e;
  }
  assert.fail('expected the workbook to be refused');
}

const TOO_LARGE = /^ファイルが大きすぎます（展開後の大きさが上限を超えます。1つの部品 64 MB、全体 128 MB まで）/;

test('a workbook whose headers understate its sheet (1,000 bytes declared, 1.5 GB inflated) is refused at the counted limit', async () => {
  const bomb = longSheetWorkbook(1500, 1000);
  assert.ok(bomb.length < 2 * MiB, `the bomb is small: ${bomb.length} bytes`);
  const t0 = performance.now();
  const e = await refusal(bomb);
  const ms = performance.now() - t0;
  assert.match(e.ja, TOO_LARGE);
  assert.match(e.en, /declared 1000/);
  // Refused after counting 64 MB of output, not 1.5 GB: a fraction of what inflating it all would take.
  assert.ok(ms < 10_000, `refused in ${ms.toFixed(0)} ms`);
});

test('a lying size within the limits changes nothing: the part is read as it inflates, all of it', async () => {
  const sheets = await readXlsx(longSheetWorkbook(2, 10));
  assert.equal(sheets.length, 1);
  assert.equal(String(sheets[0]!.rows[0]!.cells[7]).length, 2 * MiB);
});

test('honest workbooks that inflate to 200 MB are refused at the inflated limit: one part, or four of 50 MB', async () => {
  assert.match((await refusal(longSheetWorkbook(200))).ja, TOO_LARGE);
  const sheets = ['施策', '実績', 'KPI', '指標'];
  const parts = sheets.map((_, k) => {
    const s = longDeflate(`${sheetHead(INITIATIVE_HEADER)}<row r="2"><c r="H2" t="inlineStr"><is><t>`, 0x61, 50, `</t></is></c></row>${SHEET_TAIL}`);
    return { name: `xl/worksheets/sheet${k + 1}.xml`, data: s.data, declaredSize: s.size, crc: 0 };
  });
  const e = await refusal(writeZip([...workbookParts(sheets), ...parts]));
  assert.match(e.ja, TOO_LARGE);
  assert.match(e.en, /all parts together/);
});

test('the bomb is refused within 300 MB of peak RSS growth, through the worker and in process (child processes)', () => {
  // Each child reads the sample workbook first (for the worker: it is started and exceljs loaded in it),
  // then the bomb, and reports its peak RSS before and after: both threads' memory counts, as for the server.
  const script = (read: string) => `
    import { readUploaded } from '${ROOT}src/import/upload-reader.ts';
    import { readXlsx } from '${ROOT}src/import/spreadsheet.ts';
    import { exportWorkbook } from '${ROOT}src/export/xlsx.ts';
    import { sampleDocument } from '${ROOT}src/db/sample.ts';
    import { longSheetWorkbook } from '${ROOT}test/spreadsheet/bomb-zip.ts';
    const read = ${read};
    await read(await exportWorkbook(sampleDocument().doc.data));
    const bomb = longSheetWorkbook(1500, 1000);
    const peak = () => process.resourceUsage().maxRSS / 1024;
    const before = peak();
    const t0 = performance.now();
    let message = '';
    try { await read(bomb); } catch (e) { message = e.ja ?? String(e); }
    process.stdout.write(JSON.stringify({ message, ms: performance.now() - t0, growthMb: peak() - before }));
  `;
  const lines: string[] = [];
  for (const [name, read] of [
    ['worker', `(b) => readUploaded(null, 'xlsx', b)`],
    ['in process', 'readXlsx'],
  ] as const) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script(read)], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    const m = JSON.parse(r.stdout) as { message: string; ms: number; growthMb: number };
    assert.match(m.message, TOO_LARGE, name);
    assert.ok(m.growthMb <= 300, `${name}: peak RSS grew by ${m.growthMb.toFixed(0)} MB`);
    lines.push(`${name}: ${m.ms.toFixed(0)} ms, +${m.growthMb.toFixed(0)} MB peak RSS`);
  }
  console.log(`# bomb refused — ${lines.join('; ')}`);
});

test('rows of a sheet and cells of all sheets are counted as they inflate', async () => {
  const rows = writeZip([
    ...workbookParts(['施策']),
    part('xl/worksheets/sheet1.xml', `${sheetHead(INITIATIVE_HEADER)}${'<row/>'.repeat(LIMITS.maxRowsPerSheet + 5)}${SHEET_TAIL}`),
  ]);
  assert.match((await refusal(rows)).ja, /^行が多すぎます（1シート 20,000 行まで）/);
  // Namespaced tags count as well.
  const prefixed = writeZip([
    ...workbookParts(['施策']),
    part('xl/worksheets/sheet1.xml', `<x:worksheet><x:sheetData>${'<x:row>'.repeat(LIMITS.maxRowsPerSheet + 5)}</x:sheetData></x:worksheet>`),
  ]);
  assert.match((await refusal(prefixed)).ja, /^行が多すぎます/);
  // Cells over two sheets, each under the limit alone.
  const half = `${sheetHead(INITIATIVE_HEADER)}<row r="2">${'<c/>'.repeat(LIMITS.maxCells / 2 + 10)}</row>${SHEET_TAIL}`;
  const cells = writeZip([...workbookParts(['施策', '実績']), part('xl/worksheets/sheet1.xml', half), part('xl/worksheets/sheet2.xml', half)]);
  assert.match((await refusal(cells)).ja, /^セルが多すぎます（全シート合わせて 600,000 セルまで）/);
});

test('a bomb in a part the parser never reads is never inflated; the workbook reads as usual', async () => {
  const sample = unzipSync(await exportWorkbook(sampleDocument().doc.data));
  const bomb = longDeflate('', 0, 1500, '');
  const zip = writeZip([
    ...Object.entries(sample).map(([name, data]) => ({ name, data, stored: true, declaredSize: data.length, crc: 0 })),
    { name: 'xl/printerSettings/printerSettings1.bin', data: bomb.data, declaredSize: 1000, crc: 0 },
  ]);
  const t0 = performance.now();
  const sheets = await readXlsx(zip);
  assert.deepEqual(
    sheets.map((s) => s.kind),
    ['initiatives', 'results', 'kpis'],
  );
  assert.ok(performance.now() - t0 < 10_000);
});

test('broken zips of every kind: a Japanese message, nothing else', async () => {
  const good = () => [...workbookParts(['施策']), part('xl/worksheets/sheet1.xml', `${sheetHead(INITIATIVE_HEADER)}${SHEET_TAIL}`)];
  const sheet = good()[4]!;
  const cases: [string, Uint8Array, RegExp][] = [
    ['encrypted', writeZip([...good().slice(0, 4), { ...sheet, flags: 1 }]), /パスワードで保護された/],
    ['bzip2', writeZip([...good().slice(0, 4), { ...sheet, method: 12 }]), /対応していない圧縮形式/],
    ['two parts of one name', writeZip([...good(), sheet]), /読み取れません/],
    ['a damaged deflate stream', writeZip([...good().slice(0, 4), { ...sheet, data: sheet.data.map((b, k) => (k < 4 ? 0xff : b)) }]), /読み取れません/],
    ['a truncated deflate stream', writeZip([...good().slice(0, 4), { ...sheet, data: sheet.data.subarray(0, 5) }]), /読み取れません/],
  ];
  // The first entry's compressed size runs past the end of the file.
  const past = writeZip(good());
  const dir = new DataView(past.buffer).getUint32(past.length - 22 + 16, true);
  new DataView(past.buffer).setUint32(dir + 20, 0x7fff0000, true);
  cases.push(['a part past the end', past, /読み取れません/]);
  // The end record claims 60,000 entries.
  const many = writeZip(good());
  new DataView(many.buffer).setUint16(many.length - 22 + 10, 60000, true);
  cases.push(['60,000 entries', many, /部品が多すぎます/]);
  // The central directory points outside the file.
  const outside = writeZip(good());
  new DataView(outside.buffer).setUint32(outside.length - 22 + 16, 0x7fffffff, true);
  cases.push(['a central directory outside the file', outside, /読み取れません/]);
  for (const [name, bytes, re] of cases) assert.match((await refusal(bytes)).ja, re, name);
});

test('any prefix or damaged copy of a workbook is read or refused with a SpreadsheetError, never anything else', async () => {
  const wb = await exportWorkbook(sampleDocument().doc.data);
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 1, max: wb.length - 1 }), async (cut) => {
      await refusal(wb.subarray(0, cut));
    }),
    { numRuns: 25 },
  );
  await fc.assert(
    fc.asyncProperty(fc.array(fc.tuple(fc.nat({ max: wb.length - 1 }), fc.nat({ max: 255 })), { minLength: 1, maxLength: 8 }), async (flips) => {
      const bytes = wb.slice();
      for (const [at, v] of flips) bytes[at] = v;
      try {
        await readXlsx(bytes);
      } catch (e) {
        assert.ok(e instanceof SpreadsheetError, String((e as Error)?.stack ?? e));
      }
    }),
    { numRuns: 25 },
  );
});

test('the guard reads what a zip library reads, for zips of any content and compression', async () => {
  const name = fc.constantFrom('xl/workbook.xml', 'xl/worksheets/sheet1.xml', 'xl/worksheets/sheet2.xml', 'docProps/core.xml', 'a/b/c.bin');
  const content = fc.oneof(
    fc.uint8Array({ maxLength: 5000 }),
    fc.string({ maxLength: 3000 }).map((s) => new TextEncoder().encode(s.repeat(3))),
  );
  await fc.assert(
    fc.asyncProperty(fc.dictionary(name, content, { minKeys: 1 }), fc.integer({ min: 0, max: 9 }), async (files, level) => {
      const zip = zipSync(files, { level: level as 0 });
      const parts = await inflateWithin(zip, { maxPartBytes: MiB, maxTotalBytes: 10 * MiB, maxEntries: 100 }, () => true);
      assert.deepEqual(parts, unzipSync(zip));
    }),
    { numRuns: 40 },
  );
});
