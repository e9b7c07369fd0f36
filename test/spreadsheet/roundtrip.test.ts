// Excel and CSV round trips on both databases: an unedited export changes nothing; ten edited cells are
// exactly ten changes, applied in one change set; applying twice changes nothing the second time; bad
// files get a clear message and leave the edition as it was.
import { systemActor } from '../../src/db/command.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { zipSync } from 'fflate';
import { backends } from '../helpers/db.ts';
import { loadSample } from '../../src/db/sample.ts';
import { editionStamp, loadEdition } from '../../src/db/repository.ts';
import { exportWorkbook } from '../../src/export/xlsx.ts';
import { exportCsv } from '../../src/export/csv.ts';
import { readCsv, readXlsx, SpreadsheetError, LIMITS } from '../../src/import/spreadsheet.ts';
import { formatErrors, previewSpreadsheet } from '../../src/domain/changes.ts';
import { applyPreview } from '../../src/db/apply-changes.ts';
import type { Db } from '../../src/db/client.ts';

async function rows(db: Db, q: string): Promise<number> {
  const r = (await db.execute(sql.raw(q))) as unknown as { rows: { n: number | string }[] };
  return Number(r.rows[0]!.n);
}

for (const backend of backends) {
  test(`${backend.name}: spreadsheet round trips`, async (t) => {
    const database = await backend.open();
    const db = database.db;
    try {
      await loadSample(db);
      // Files are applied to a draft: a published edition refuses them until it is reopened.
      await db.execute(sql`UPDATE editions SET state = 'draft'`);
      const current = (await loadEdition(db, '082023', 2023))!;

      await t.test('workbook: protected keys, drop-downs, read-me; unedited export imports with no changes', async () => {
        const bytes = await exportWorkbook(current);
        const wb = new ExcelJS.Workbook();
        await wb.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
        const ws = wb.getWorksheet('施策')!;
        assert.equal(ws.rowCount >= 103, true);
        assert.equal(ws.getCell('A2').protection?.locked, undefined); // key cell: locked by default
        assert.equal(ws.getCell('E2').protection?.locked, false); // title: editable
        assert.equal(ws.getCell('G2').dataValidation?.type, 'list');
        assert.ok(wb.getWorksheet('説明'));
        assert.equal(wb.getWorksheet('リスト')!.state, 'hidden');
        const preview = previewSpreadsheet(current, await readXlsx(bytes));
        assert.deepEqual(preview.errors, []);
        assert.deepEqual(preview.changes, []);
        assert.deepEqual(preview.added, { initiatives: [], results: [] });
      });

      await t.test('CSV in UTF-8 with BOM and in Shift_JIS: no changes', async () => {
        for (const encoding of ['utf8', 'sjis'] as const) {
          for (const table of ['initiatives', 'results', 'kpis'] as const) {
            const bytes = exportCsv(current, table, { encoding });
            if (encoding === 'utf8') assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
            const { sheet, encoding: detected } = readCsv(bytes);
            assert.equal(detected, encoding === 'utf8' ? 'utf-8-bom' : 'shift_jis');
            const preview = previewSpreadsheet(current, [sheet]);
            assert.deepEqual(preview.errors, [], `${encoding} ${table}`);
            assert.deepEqual(preview.changes, [], `${encoding} ${table}`);
          }
        }
      });

      await t.test('ten cells edited in Excel are exactly ten changes, applied as one change set; twice changes nothing', async () => {
        const wb = new ExcelJS.Workbook();
        await wb.xlsx.load(Buffer.from(await exportWorkbook(current)) as unknown as ArrayBuffer);
        const ws = wb.getWorksheet('施策')!;
        const rs = wb.getWorksheet('実績')!;
        const ks = wb.getWorksheet('KPI')!;
        const rowOf = (sheet: ExcelJS.Worksheet, col: number, value: string) => {
          for (let r = 2; r <= sheet.rowCount; r++) if (sheet.getCell(r, col).value === value) return r;
          throw new Error(value);
        };
        const r08 = rowOf(ws, 2, '08');
        ws.getCell(r08, 7).value = '完了'; // 1 status
        ws.getCell(r08, 9).value = '新しい取組の文。'; // 2 plan
        ws.getCell(rowOf(ws, 2, '01'), 5).value = '日立市デジタル化推進本部の開催（改）'; // 3 title
        ws.getCell(rowOf(ws, 2, '36'), 6).value = '商工振興課、デジタル推進課'; // 4 departments
        ws.getCell(rowOf(ws, 2, '97'), 8).value = '内容を改めた。'; // 5 content
        const r29 = rowOf(rs, 2, '29');
        rs.getCell(r29, 5).value = '１２．５'; // 6 actual, typed full-width as text
        rs.getCell(r29, 6).value = 10; // 7 target
        rs.getCell(rowOf(rs, 2, '12'), 8).value = '備考を追加 '; // 8 note (trailing space ignored in value, not a change by itself)
        rs.getCell(rowOf(rs, 2, '65'), 7).value = '業務 '; // the same unit with a trailing space: not a change
        rs.getCell(rowOf(rs, 2, '47'), 5).value = '2,700,000'; // 9 actual with commas
        ks.getCell(2, 7).value = 13.5; // 10 KPI k1 FY2023 actual (column 7 = 実績 2023年度)
        // Reordering rows changes nothing by itself.
        const a = ws.getRow(3).values;
        ws.getRow(3).values = ws.getRow(4).values as ExcelJS.CellValue[];
        ws.getRow(4).values = a as ExcelJS.CellValue[];
        const edited = new Uint8Array(await wb.xlsx.writeBuffer());

        const before = await rows(db, 'SELECT count(*) AS n FROM change_sets');
        const stamp = (await editionStamp(db, '082023', 2023))!;
        const preview = previewSpreadsheet(current, await readXlsx(edited));
        assert.deepEqual(preview.errors, []);
        const cells = preview.changes.filter((c) => c.field !== '実績（本文）');
        assert.equal(cells.length, 10, preview.changes.map((c) => `${c.label} ${c.field}`).join('\n'));
        // The printed 実績 lines of 29 and 47 follow their new values, and the preview says so.
        assert.deepEqual(
          preview.changes
            .filter((c) => c.field === '実績（本文）')
            .map((c) => c.label.slice(0, 2))
            .sort(),
          ['29', '47'],
        );
        const applied = await applyPreview(db, '082023', 2023, preview, {
          actor: await systemActor(db, '082023', 'test'),
          source: 'import:xlsx',
          expectedStamp: stamp,
        });
        assert.ok(applied.changeSetId);
        assert.equal(await rows(db, 'SELECT count(*) AS n FROM change_sets'), before + 1);
        // One audit row per changed initiative (08, 01, 36, 97, 29, 12, 47) and KPI (k1), each with its whole before and after.
        assert.equal(await rows(db, `SELECT count(*) AS n FROM audit_log WHERE change_set_id = ${applied.changeSetId}`), 8);
        const after = (await loadEdition(db, '082023', 2023))!;
        const by = (n: string) => after.initiatives.find((i) => i.number === n)!;
        assert.equal(by('08').status, 'completed');
        assert.equal(by('29').results[0]!.actual, '12.5');
        assert.equal(by('29').results[0]!.target, '10');
        assert.equal(by('47').results[0]!.actual, '2700000');
        assert.deepEqual(by('36').departments, ['商工振興課', 'デジタル推進課']);
        assert.equal(after.kpis[0]!.actuals['2023'], '13.5');
        assert.equal(after.initiatives.length, 102, 'nothing deleted');
        // The same file again: nothing to do.
        const again = previewSpreadsheet(after, await readXlsx(edited));
        assert.equal(again.changes.length, 0);
        assert.equal(
          (await applyPreview(db, '082023', 2023, again, { actor: await systemActor(db, '082023', 'test'), source: 'import:xlsx' })).changeSetId,
          null,
        );
      });

      await t.test('a preview made before someone else saved is not applied', async () => {
        const cur = (await loadEdition(db, '082023', 2023))!;
        const stale = (await editionStamp(db, '082023', 2023))!;
        const csv = exportCsv(cur, 'initiatives').slice();
        const text = new TextDecoder().decode(csv).replace('新しい取組の文。', '別の文。');
        const preview = previewSpreadsheet(cur, [readCsv(new TextEncoder().encode(text)).sheet]);
        assert.equal(preview.changes.length, 1);
        const other = previewSpreadsheet(cur, [readCsv(new TextEncoder().encode(text.replace('別の文。', '先に保存された文。'))).sheet]);
        await applyPreview(db, '082023', 2023, other, { actor: await systemActor(db, '082023', 'someone'), source: 'import:csv' });
        await assert.rejects(
          applyPreview(db, '082023', 2023, preview, { actor: await systemActor(db, '082023', 'test'), source: 'import:csv', expectedStamp: stale }),
          /プレビューの後に/,
        );
      });

      await t.test('errors name sheet, row and column in Japanese; a file with any error applies nothing', async () => {
        const cur = (await loadEdition(db, '082023', 2023))!;
        const wb = new ExcelJS.Workbook();
        await wb.xlsx.load(Buffer.from(await exportWorkbook(cur)) as unknown as ArrayBuffer);
        const rs = wb.getWorksheet('実績')!;
        rs.getCell(14, 5).value = '約30件';
        rs.getCell(15, 5).value = { formula: 'SUM(1,2)', result: 3 } as ExcelJS.CellFormulaValue;
        wb.getWorksheet('施策')!.getCell(5, 7).value = '進行中';
        wb.getWorksheet('施策')!.getCell(6, 5).value = '問題なく変更したい題名';
        const preview = previewSpreadsheet(cur, await readXlsx(new Uint8Array(await wb.xlsx.writeBuffer())));
        const lines = formatErrors(preview.errors);
        assert.ok(lines.includes('実績シート 14行目 実績値: 数値ではありません「約30件」'), lines.join('\n'));
        assert.ok(lines.some((l) => /^実績シート 15行目 実績値: 数式は使えません/.test(l)));
        assert.ok(lines.some((l) => /^施策シート 5行目 状況: 状況「進行中」は選択肢/.test(l)));
        const stamp = await editionStamp(db, '082023', 2023);
        await assert.rejects(applyPreview(db, '082023', 2023, preview, { actor: await systemActor(db, '082023', 't'), source: 't' }), /適用しません/);
        assert.equal(await editionStamp(db, '082023', 2023), stamp);
      });
    } finally {
      await database.close();
    }
  });
}

test('bad files: random bytes, truncated zip, 50 MB, 100,000 rows, password-protected, wrong column count', async () => {
  const expectError = async (p: Promise<unknown> | (() => unknown), re: RegExp) => {
    try {
      await (typeof p === 'function' ? p() : p);
      assert.fail('expected an error');
    } catch (e) {
      assert.ok(e instanceof SpreadsheetError, String(e));
      assert.match(e.message, re);
    }
  };
  await expectError(
    readXlsx(new Uint8Array(4096).map(() => (Math.random() * 256) | 0).map((b, i) => (i === 0 ? 0x41 : b))),
    /Excel ブック（.xlsx）ではありません/,
  );
  const good = zipSync({ 'a.txt': new Uint8Array(1000) });
  await expectError(readXlsx(good.subarray(0, 40)), /読み取れません/);
  const wbBytes = new Uint8Array(
    await (async () => {
      const wb = new ExcelJS.Workbook();
      wb.addWorksheet('施策').addRow(['施策キー', '番号', '施策体系', '分野', '施策名', '担当課所', '状況', '施策内容', '今年度の取組']);
      return wb.xlsx.writeBuffer();
    })(),
  );
  await expectError(readXlsx(wbBytes.subarray(0, wbBytes.length - 200)), /読み取れません/);
  await expectError(readXlsx(new Uint8Array(50 * 1024 * 1024)), /大きすぎます/);
  await expectError(readXlsx(Uint8Array.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, ...new Array(500).fill(0)])), /パスワード/);
  // 100,000 rows, written by the streaming writer so the test itself stays small in memory.
  const { PassThrough } = await import('node:stream');
  const chunks: Buffer[] = [];
  const sink = new PassThrough();
  sink.on('data', (c: Buffer) => chunks.push(c));
  const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: sink });
  const ws = writer.addWorksheet('実績');
  ws.addRow(['施策キー', '番号', '施策名', '項目', '実績値', '目標値', '単位', '備考']).commit();
  for (let i = 0; i < 100_000; i++) ws.addRow([`k${i}`, '01', 't', 'x', i, null, '件', null]).commit();
  ws.commit();
  await writer.commit();
  const big = new Uint8Array(Buffer.concat(chunks));
  assert.ok(big.length < LIMITS.maxBytes);
  await expectError(readXlsx(big), /行が多すぎます/);
  await expectError(() => readCsv(new TextEncoder().encode('施策キー,番号,施策名,項目,実績値,目標値,単位,備考\r\na,01,t,x,1\r\n')), /2行目: 列の数/);
  await expectError(() => readCsv(iconv.encode('これは,表,では\nない', 'cp932')), /判別できません/);
  await expectError(() => readCsv(new Uint8Array([1, 2, 0, 4])), /バイナリ/);
});
