// Every CSV the product writes is RFC 4180, read by a strict parser written here (not the csv-parse the
// importer uses): CRLF between records, any field with CR, LF, a quote or a comma quoted, quotes doubled,
// nothing else. Each file's record count is its row count plus the header, every record has the header's
// field count, and the downloads keep their BOM and 全国地方公共団体コード column. Run over the samples and
// the examples of other plan shapes, whose texts hold line breaks, quotes and commas.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import iconv from 'iconv-lite';
import { openDatabase } from '../../src/db/client.ts';
import { createApp } from '../../src/web/app.tsx';
import { loadSample } from '../../src/db/sample.ts';
import { loadSampleTown } from '../../src/db/sample-town.ts';
import { loadExamplePlans } from '../../src/db/example-plans.ts';
import { loadEdition } from '../../src/db/edition-read.ts';
import { exportCsv, type SheetTable } from '../../src/export/csv.ts';
import { clearEditionCache } from '../../src/web/public/edition-cache.ts';

/** RFC 4180, strictly: throws at the first byte that breaks it. */
export function parseRfc4180(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let k = 0;
  const n = text.length;
  if (n === 0) return records;
  for (;;) {
    let field = '';
    if (text[k] === '"') {
      k++;
      for (;;) {
        if (k >= n) throw new Error(`unterminated quoted field at ${k}`);
        if (text[k] === '"') {
          if (text[k + 1] === '"') {
            field += '"';
            k += 2;
            continue;
          }
          k++;
          break;
        }
        field += text[k++];
      }
    } else {
      while (k < n && text[k] !== ',' && text[k] !== '\r' && text[k] !== '\n') {
        if (text[k] === '"') throw new Error(`a quote in an unquoted field at ${k}`);
        field += text[k++];
      }
    }
    record.push(field);
    if (k >= n) {
      records.push(record);
      return records;
    }
    if (text[k] === ',') {
      k++;
      continue;
    }
    if (text[k] === '\r' && text[k + 1] === '\n') {
      records.push(record);
      record = [];
      k += 2;
      if (k >= n) return records;
      continue;
    }
    throw new Error(
      `a bare ${text[k] === '\n' ? 'LF' : text[k] === '\r' ? 'CR' : JSON.stringify(text[k])} at ${k} (after ${JSON.stringify(field.slice(-20))})`,
    );
  }
}

function checkTable(name: string, text: string, rows?: number): string[][] {
  const records = parseRfc4180(text);
  assert.ok(records.length >= 1, `${name}: a header`);
  const width = records[0]!.length;
  records.forEach((r, j) => assert.equal(r.length, width, `${name}: record ${j + 1} has ${r.length} fields, the header ${width}`));
  if (rows !== undefined) assert.equal(records.length, rows + 1, `${name}: records`);
  return records;
}

test('the strict parser refuses what RFC 4180 does', () => {
  assert.deepEqual(parseRfc4180('a,"b\r\nc","d""e"\r\n1,2,3\r\n'), [
    ['a', 'b\r\nc', 'd"e'],
    ['1', '2', '3'],
  ]);
  assert.throws(() => parseRfc4180('a,b\nc,d\r\n'), /bare LF/);
  assert.throws(() => parseRfc4180('a,b"c\r\n'), /quote in an unquoted/);
  assert.throws(() => parseRfc4180('"a\r\n'), /unterminated/);
});

test('every CSV download and every CSV export of the samples and examples is RFC 4180', async () => {
  const database = await openDatabase({ dataDir: 'memory://' });
  clearEditionCache();
  try {
    await loadSample(database.db);
    await loadSampleTown(database.db);
    await loadExamplePlans(database.db);
    const app = createApp({ database });
    const editions = [
      ['082023', 2023],
      ['229997', 2024],
      ['019992', 2025],
      ['479993', 2025],
      ['039993', 2024],
    ] as const;
    let files = 0;
    for (const [code, fy] of editions) {
      const data = (await loadEdition(database.db, code, fy))!;
      // The open-data downloads, as a visitor gets them from the downloads page.
      const page = await (await app.request(`/o/${code}/${fy}/downloads`, { headers: { 'accept-language': 'ja' } })).text();
      const links = [...new Set([...page.matchAll(/href="([^"]+\.csv)"/g)].map((m) => m[1]!))];
      assert.ok(links.length >= 3, `${code}: CSV downloads listed`);
      for (const link of links) {
        const res = await app.request(link);
        assert.equal(res.status, 200, link);
        const bytes = new Uint8Array(await res.arrayBuffer());
        assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], `${link}: BOM`);
        const records = checkTable(link, new TextDecoder().decode(bytes.subarray(3)), link.endsWith('_initiatives.csv') ? data.initiatives.length : undefined);
        assert.ok(records[0]!.includes('全国地方公共団体コード'), `${link}: the code column`);
        assert.ok(
          records.slice(1).every((r) => r[records[0]!.indexOf('全国地方公共団体コード')] === code),
          `${link}: the code in every row`,
        );
        files++;
      }
      // The command line's tables (the workbook's sheets as CSV), in UTF-8 and Shift_JIS.
      const tables: SheetTable[] = ['initiatives', 'results', 'kpis'];
      if (data.plan.settings.indicatorKinds !== undefined) tables.push('indicators');
      if (data.plan.settings.schedule?.milestones) tables.push('milestones');
      for (const table of tables) {
        const utf8 = exportCsv(data, table);
        const text = new TextDecoder().decode(utf8[0] === 0xef ? utf8.subarray(3) : utf8);
        const records = checkTable(`${code} ${table} utf8`, text, table === 'initiatives' ? data.initiatives.length : undefined);
        const sjis = iconv.decode(Buffer.from(exportCsv(data, table, { encoding: 'sjis' })), 'cp932');
        assert.equal(checkTable(`${code} ${table} sjis`, sjis).length, records.length, `${code} ${table}: the same records in Shift_JIS`);
        files += 2;
      }
    }
    assert.ok(files >= 40, `files checked: ${files}`);
  } finally {
    await database.close();
  }
});
