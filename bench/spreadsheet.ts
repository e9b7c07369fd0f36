// Spreadsheet figures: xlsx and CSV export, import + preview (an unedited file must be 0 changes), for the
// sample edition and for a synthetic one of 3,000 initiatives, and applying a 10-cell preview to PGlite.
// Every figure is compared with a JSON round trip of the same edition (or, for the apply, the least a
// database must do to write ten cells), measured in the same run.
import { sql } from 'drizzle-orm';
import { systemActor } from '../src/db/command.ts';
import { openDatabase } from '../src/db/client.ts';
import { loadSample, sampleDocument } from '../src/db/sample.ts';
import { loadEdition } from '../src/db/repository.ts';
import { applyPreview } from '../src/db/apply-changes.ts';
import { previewSpreadsheet, type Preview, type SheetInput } from '../src/domain/changes.ts';
import type { EditionData, Initiative } from '../src/domain/model.ts';
import { kpiYearHeader } from '../src/domain/sheets.ts';
import { exportWorkbook } from '../src/export/xlsx.ts';
import { exportCsv, type CsvTable } from '../src/export/csv.ts';
import { readCsv, readXlsx, LIMITS } from '../src/import/spreadsheet.ts';
import { median, timeMs, type BenchResult } from './types.ts';

const TABLES: CsvTable[] = ['initiatives', 'results', 'kpis'];
const SYNTHETIC_INITIATIVES = 3000;

/** The sample's initiatives cloned until there are `count`, each with a new key (syn-00001…) and title. */
export function syntheticEdition(sample: EditionData, count: number): EditionData {
  const data = structuredClone(sample);
  const initiatives: Initiative[] = [];
  const firstCopyKey = new Map<string, string>();
  let numbered = 0;
  for (let n = 0; initiatives.length < count; n++) {
    const src = sample.initiatives[n % sample.initiatives.length]!;
    const key = `syn-${String(n + 1).padStart(5, '0')}`;
    if (!firstCopyKey.has(src.key)) firstCopyKey.set(src.key, key);
    initiatives.push({
      ...structuredClone(src),
      key,
      number: src.number === null ? null : String(++numbered).padStart(2, '0'),
      title: `${src.title}（${String(n + 1).padStart(5, '0')}）`,
    });
  }
  data.initiatives = initiatives;
  for (const k of data.kpis) k.initiativeKey = k.initiativeKey ? (firstCopyKey.get(k.initiativeKey) ?? null) : null;
  return data;
}

function checkUnchanged(p: Preview, what: string): void {
  const n = p.changes.length + p.errors.length + p.added.initiatives.length + p.added.results.length;
  if (n)
    throw new Error(
      `${what}: an unedited file gave ${p.changes.length} changes, ${p.errors.length} errors, ${p.added.initiatives.length + p.added.results.length} added rows`,
    );
}

async function benchEdition(label: string, data: EditionData, runs: number, warmup: number): Promise<{ results: BenchResult[]; peakRssMb: number }> {
  const jsonMs = await timeMs(() => JSON.parse(JSON.stringify(data)), Math.max(runs, 5), 1);
  const baseline = { name: 'JSON stringify + parse of the same edition', value: jsonMs };

  let xlsx: Uint8Array = new Uint8Array();
  const xlsxExportMs = await timeMs(async () => (xlsx = await exportWorkbook(data)), runs, warmup);
  let preview: Preview | null = null;
  const xlsxImportMs = await timeMs(async () => (preview = previewSpreadsheet(data, await readXlsx(xlsx))), runs, warmup);
  checkUnchanged(preview!, `${label} xlsx`);

  let csv: Uint8Array[] = [];
  const csvExportMs = await timeMs(() => (csv = TABLES.map((t) => exportCsv(data, t))), runs * 2, warmup + 1);
  const csvImportMs = await timeMs(
    () =>
      (preview = previewSpreadsheet(
        data,
        csv.map((b) => readCsv(b).sheet),
      )),
    runs * 2,
    warmup + 1,
  );
  checkUnchanged(preview!, `${label} CSV`);
  const peakRssMb = process.resourceUsage().maxRSS / 1024;

  const results = data.initiatives.reduce((s, i) => s + i.results.length, 0);
  const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`;
  return {
    peakRssMb,
    results: [
      {
        name: `xlsx export, ${label}`,
        value: xlsxExportMs,
        unit: 'ms',
        baseline,
        note: `${data.initiatives.length} initiatives, ${results} results; ${kib(xlsx.length)}`,
      },
      { name: `xlsx import + preview, ${label} (0 changes)`, value: xlsxImportMs, unit: 'ms', baseline },
      { name: `CSV export UTF-8 (3 tables), ${label}`, value: csvExportMs, unit: 'ms', baseline, note: kib(csv.reduce((s, b) => s + b.length, 0)) },
      { name: `CSV import + preview (3 tables), ${label} (0 changes)`, value: csvImportMs, unit: 'ms', baseline },
    ],
  };
}

/** The sheets read back from an unedited export, with ten cells changed to values unique to `rep`. */
function editTenCells(base: SheetInput[], rep: number): SheetInput[] {
  const sheets = structuredClone(base);
  const sheet = (kind: SheetInput['kind']) => sheets.find((s) => s.kind === kind)!;
  const set = (s: SheetInput, row: number, header: string, v: string) => {
    const col = s.header.indexOf(header);
    if (col < 0 || !s.rows[row]) throw new Error(`no cell ${s.name} ${header} row ${row}`);
    s.rows[row]!.cells[col] = v;
  };
  const ini = sheet('initiatives');
  set(ini, 0, '施策名', `施策名の変更 ${rep}`);
  set(ini, 1, '施策内容', `施策内容の変更 ${rep}。`);
  set(ini, 2, '今年度の取組', `今年度の取組の変更 ${rep}。`);
  set(ini, 3, '今年度の取組', `今年度の取組の変更 ${rep}。`);
  const res = sheet('results');
  set(res, 0, '実績値', String(1000 + rep));
  set(res, 1, '実績値', String(2000 + rep));
  set(res, 2, '実績値', String(3000 + rep));
  set(res, 3, '備考', `備考の変更 ${rep}`);
  const kpi = sheet('kpis');
  const year = kpi.header.find((h) => h === kpiYearHeader(2023)) ?? kpi.header[kpi.header.length - 1]!;
  set(kpi, 0, year, String(4000 + rep));
  set(kpi, 1, year, String(5000 + rep));
  return sheets;
}

async function benchApply(sample: EditionData): Promise<BenchResult> {
  const baseSheets = await readXlsx(await exportWorkbook(sample));
  const database = await openDatabase({ dataDir: 'memory://' });
  try {
    const db = database.db;
    await loadSample(db);
    // Files are applied to a draft; the sample is published.
    await db.execute(sql`UPDATE editions SET state = 'draft'`);
    const times: number[] = [];
    const runs = 10;
    for (let rep = 0; rep < runs + 1; rep++) {
      const current = (await loadEdition(db, '082023', 2023))!;
      const preview = previewSpreadsheet(current, editTenCells(baseSheets, rep));
      // The printed 実績 lines that follow the three changed actuals are announced beside the ten cells.
      const cells = preview.changes.filter((c) => c.field !== '実績（本文）').length;
      if (cells !== 10 || preview.errors.length) {
        throw new Error(`10 edited cells gave ${cells} changes and ${preview.errors.length} errors`);
      }
      const t0 = performance.now();
      const r = await applyPreview(db, '082023', 2023, preview, { actor: await systemActor(db, '082023', 'bench'), source: 'bench' });
      if (rep > 0) times.push(performance.now() - t0); // the first is warm-up
      if (r.changed !== preview.changes.length) throw new Error(`applied ${r.changed} changes, expected ${preview.changes.length}`);
    }

    await db.execute(sql`CREATE TABLE bench_spreadsheet_cells (id integer primary key, v text)`);
    await db.execute(sql`INSERT INTO bench_spreadsheet_cells SELECT g, 'x' FROM generate_series(1, 100) g`);
    let n = 0;
    const floorMs = await timeMs(
      () =>
        db.transaction(async (tx) => {
          n++;
          for (let id = 1; id <= 10; id++) await tx.execute(sql`UPDATE bench_spreadsheet_cells SET v = ${`v${n}`} WHERE id = ${id}`);
        }),
      runs,
      1,
    );
    return {
      name: 'apply a 10-cell preview to the sample (PGlite in memory, one change set)',
      value: median(times),
      unit: 'ms',
      baseline: { name: '10 single-row UPDATEs in one transaction', value: floorMs },
      note: '4 initiative fields, 4 result cells, 2 KPI actuals',
    };
  } finally {
    await database.close();
  }
}

export async function benchSpreadsheet(): Promise<BenchResult[]> {
  const sample = sampleDocument().doc.data;
  const synthetic = syntheticEdition(sample, SYNTHETIC_INITIATIVES);
  const syntheticResults = synthetic.initiatives.reduce((s, i) => s + i.results.length, 0);
  if (syntheticResults > LIMITS.maxRowsPerSheet) throw new Error(`synthetic edition has ${syntheticResults} results, above LIMITS.maxRowsPerSheet`);

  const small = await benchEdition('sample edition', sample, 10, 2);
  const big = await benchEdition(`synthetic ${SYNTHETIC_INITIATIVES.toLocaleString('en-US')} initiatives`, synthetic, 5, 1);
  const csvImport = big.results[3]!;
  csvImport.note = `peak RSS of the process after the ${SYNTHETIC_INITIATIVES.toLocaleString('en-US')}-initiative xlsx and CSV imports: ${big.peakRssMb.toFixed(0)} MB`;
  return [...small.results, ...big.results, await benchApply(sample)];
}
