// The plan-shape feature leaves the workbooks of plans of the old shape exactly as they were: the sample's
// export (whole, one department's slice, blank), the fictional town's blank workbook and the sample's CSV
// tables are compared with a fixture captured before the feature was built — every sheet's cells by value,
// and a digest of every XML part of the workbook (column widths, styles, locked cells, data validations,
// protection), so a changed drop-down or a moved column fails here. SHAPE_FIXTURE_WRITE=1 rewrites it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { unzipSync } from 'fflate';
import ExcelJS from 'exceljs';
import { sampleDocument } from '../../src/db/sample.ts';
import { SAMPLE_TOWN } from '../../src/db/sample-town.ts';
import { emptyEdition } from '../../src/domain/changes.ts';
import { DEFAULT_PLAN_SETTINGS, type EditionData } from '../../src/domain/model.ts';
import type { PlanSettings } from '../../src/domain/model.ts';
import { exportWorkbook, type WorkbookOptions } from '../../src/export/xlsx.ts';
import { spreadsheetRows } from '../../src/export/csv.ts';

const FIXTURE = new URL('../fixtures/sample-workbooks.json', import.meta.url);

interface Snapshot {
  /** Sheet name → its state and every row's cell values as JSON-able values. */
  sheets: Record<string, { state: string; rows: unknown[][] }>;
  /** Zip part → sha256 of its bytes (the XML exceljs writes is deterministic for the same input). */
  parts: Record<string, string>;
}

function cellJson(v: ExcelJS.CellValue): unknown {
  if (v instanceof Date) return { date: v.toISOString() };
  return v ?? null;
}

async function snapshot(bytes: Uint8Array): Promise<Snapshot> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  const sheets: Snapshot['sheets'] = {};
  for (const ws of wb.worksheets) {
    const rows: unknown[][] = [];
    for (let r = 1; r <= ws.rowCount; r++) rows.push(Array.from((ws.getRow(r).values as ExcelJS.CellValue[]).slice(1), cellJson));
    sheets[ws.name] = { state: ws.state, rows };
  }
  const parts: Record<string, string> = {};
  for (const [name, data] of Object.entries(unzipSync(bytes)).sort(([a], [b]) => a.localeCompare(b)))
    parts[name] = createHash('sha256').update(data).digest('hex').slice(0, 16);
  return { sheets, parts };
}

/** The fictional town's plan as its plan.yaml defines it today (one level, 取組項目), pinned here. */
const TOWN_SETTINGS: PlanSettings = { ...DEFAULT_PLAN_SETTINGS, levels: ['取組の柱'], initiativeName: '取組項目', departmentRequired: true };

function townBlank(): EditionData {
  return emptyEdition(
    {
      organization: { code: SAMPLE_TOWN.code, name: 'みほん町（架空の例）' },
      plan: { title: 'みほん町DX推進計画', startFiscalYear: 2024, endFiscalYear: 2026, settings: TOWN_SETTINGS },
      kpis: [],
      departments: [],
    },
    SAMPLE_TOWN.fiscalYear,
  );
}

const CASES: [string, () => EditionData, WorkbookOptions][] = [
  ['sample', () => sampleDocument().doc.data, {}],
  ['sample-department', () => sampleDocument().doc.data, { department: 'デジタル推進課' }],
  ['sample-blank', () => sampleDocument().doc.data, { blank: true }],
  ['town-blank', townBlank, { blank: true }],
];

async function current(): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [name, data, opts] of CASES) out[name] = await snapshot(await exportWorkbook(data(), opts));
  const data = sampleDocument().doc.data;
  out.csv = Object.fromEntries((['initiatives', 'results', 'kpis'] as const).map((t) => [t, spreadsheetRows(data, t)]));
  return out;
}

test('the sample and the fictional town get exactly the workbooks they got before the plan shape', async () => {
  const now = await current();
  if (process.env.SHAPE_FIXTURE_WRITE === '1' || !existsSync(FIXTURE)) {
    writeFileSync(FIXTURE, `${JSON.stringify(now)}\n`);
    return;
  }
  const before = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Record<string, Snapshot & Record<string, unknown>>;
  for (const [name] of CASES) {
    const a = before[name]!;
    const b = now[name] as Snapshot;
    assert.deepEqual(Object.keys(b.sheets), Object.keys(a.sheets), `${name}: sheets`);
    for (const sheet of Object.keys(a.sheets)) assert.deepEqual(b.sheets[sheet], a.sheets[sheet], `${name}: sheet ${sheet}`);
    assert.deepEqual(b.parts, a.parts, `${name}: the workbook's parts (widths, styles, validations, protection)`);
  }
  assert.deepEqual(now.csv, before.csv, 'the sample CSV tables');
});
