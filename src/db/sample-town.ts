// The second bundled example: みほん町（架空の例）, a fictional town whose plan is entered the way a new
// municipality enters its own — the plan from its definition file, then the blank workbook of that plan
// filled in by column heading, imported with the creation of its groups and departments confirmed, and
// published. It runs on every `npm start` of an empty database, so that path is exercised as users take it.
// `enterPlan` is that path for any definition and entries file; the example plans of other shapes
// (example-plans.ts) go through it too.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { parse as parseYaml } from 'yaml';
import type { Db } from './client.ts';
import { systemActor } from './command.ts';
import { addOrganization, platformSystemActor } from './organizations.ts';
import { createPlan } from './plans.ts';
import { loadImportTarget } from './import-target.ts';
import { applyPreview } from './apply-changes.ts';
import { readEditionDisplay, saveEditionDisplay } from './edition-display.ts';
import { publishEdition } from './workspace.ts';
import { formatDefinitionErrors, parsePlanDefinition } from '../domain/plan-definition.ts';
import { formatErrors, previewSpreadsheet } from '../domain/changes.ts';
import { exportWorkbook } from '../export/xlsx.ts';
import { INITIATIVE_SHEET } from '../domain/sheets.ts';
import { readXlsx } from '../import/spreadsheet.ts';

const DIR = new URL('../../data-sample/mihon-2024/', import.meta.url);

export const SAMPLE_TOWN = {
  planFile: fileURLToPath(new URL('plan.yaml', DIR)),
  entriesFile: fileURLToPath(new URL('entries.yaml', DIR)),
  code: '229997',
  fiscalYear: 2024,
} as const;

/** What a person types into one cell: text, or a number typed as a number. An empty cell is left out. */
export type EntryValue = string | number | null;
/** One row of a sheet, by column heading. */
export type EntryRow = Record<string, EntryValue>;

/**
 * An entries file: the 出典 line of the edition, and the rows of each sheet by its name (施策, 指標,
 * マイルストーン). `rows` alone is the 施策 sheet (みほん町's file, written before a plan had other sheets).
 */
export interface Entries {
  source: string;
  rows?: EntryRow[];
  sheets?: Record<string, EntryRow[]>;
}

/** The rows of each sheet an entries file fills, `rows` as the 施策 sheet's. */
export function entrySheets(entries: Entries): Record<string, EntryRow[]> {
  const out: Record<string, EntryRow[]> = { ...(entries.sheets ?? {}) };
  if (entries.rows) out[INITIATIVE_SHEET] = [...(out[INITIATIVE_SHEET] ?? []), ...entries.rows];
  return out;
}

/**
 * Writes the rows of each named sheet into the first rows under its heading row, each value into the
 * column of its heading, as a person fills in the blank workbook. A sheet or heading the workbook lacks is
 * an error naming what it has, so an entries file that drifts from the workbook's layout is caught at once.
 */
export async function fillWorkbook(bytes: Uint8Array, sheets: Record<string, EntryRow[]>, what = 'sample town'): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  for (const [sheetName, rows] of Object.entries(sheets)) {
    if (!rows.length) continue;
    const ws = wb.getWorksheet(sheetName);
    if (!ws) throw new Error(`${what}: the blank workbook has no sheet ${sheetName} (${wb.worksheets.map((w) => w.name).join('、')})`);
    const column = new Map<string, number>();
    ws.getRow(1).eachCell((cell, n) => column.set(String(cell.value ?? '').trim(), n));
    rows.forEach((row, k) => {
      for (const [heading, value] of Object.entries(row)) {
        if (value === null || value === undefined) continue;
        const n = column.get(heading);
        if (!n) throw new Error(`${what}: no column 「${heading}」 in the sheet ${sheetName} of the blank workbook (${[...column.keys()].join('、')})`);
        ws.getRow(2 + k).getCell(n).value = value;
      }
    });
  }
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

/** Where a plan entered through the blank workbook is read from, and the year of the edition filled in. */
export interface EnteredPlan {
  planFile: string;
  entriesFile: string;
  fiscalYear: number;
}

/**
 * A plan entered as a new municipality enters it: the organization and the plan from the definition file,
 * the blank workbook of that plan for the year filled in from the entries file, previewed with creation
 * confirmed (any error stops here, with the messages a person would see), applied, given its 出典 line,
 * and published. `what` names the plan in errors.
 */
export async function enterPlan(db: Db, plan: EnteredPlan, what: string): Promise<void> {
  const definition = parsePlanDefinition(readFileSync(plan.planFile, 'utf8'), 'plan.yaml');
  if (!definition.ok) throw new Error(`${what}: ${formatDefinitionErrors('plan.yaml', definition.errors)}`);
  const entries = parseYaml(readFileSync(plan.entriesFile, 'utf8')) as Entries;
  const { code, name } = definition.definition.organization;
  await addOrganization(db, platformSystemActor, { code, name });
  const actor = await systemActor(db, code, 'sample');
  await createPlan(db, actor, definition.definition);

  const fy = plan.fiscalYear;
  const target = await loadImportTarget(db, code, fy);
  if (!target) throw new Error(`${what}: the plan does not hold the year ${fy}`);
  const blank = await exportWorkbook(target.current, { blank: true });
  const filled = await fillWorkbook(blank, entrySheets(entries), what);
  const preview = previewSpreadsheet(target.current, await readXlsx(filled), {
    create: true,
    newEdition: target.newEdition,
    planGroups: target.planGroups,
  });
  if (preview.errors.length) throw new Error(`${what}: ${formatErrors(preview.errors).join('; ')}`);
  await applyPreview(db, code, fy, preview, { actor, source: 'import:xlsx', expectedStamp: target.stamp, create: true });
  const { display } = await readEditionDisplay(db, actor, fy);
  await saveEditionDisplay(db, actor, fy, null, { ...display, source: entries.source });
  await publishEdition(db, actor, fy);
}

export async function loadSampleTown(db: Db): Promise<void> {
  await enterPlan(db, SAMPLE_TOWN, 'sample town');
}
