// The second bundled example: みほん町（架空の例）, a fictional town whose plan is entered the way a new
// municipality enters its own — the plan from its definition file, then the blank workbook of that plan
// filled in by column heading, imported with the creation of its groups and departments confirmed, and
// published. It runs on every `npm start` of an empty database, so that path is exercised as users take it.
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
import { parsePlanDefinition } from '../domain/plan-definition.ts';
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

interface Entries {
  source: string;
  rows: Record<string, string>[];
}

/** Writes each entry into the first empty rows of the workbook's initiative sheet, column by heading. */
async function fillWorkbook(bytes: Uint8Array, entries: Entries, sheetName: string): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  const ws = wb.getWorksheet(sheetName);
  if (!ws) throw new Error(`sample town: the blank workbook has no sheet ${sheetName}`);
  const column = new Map<string, number>();
  ws.getRow(1).eachCell((cell, n) => column.set(String(cell.value ?? '').trim(), n));
  entries.rows.forEach((row, k) => {
    for (const [heading, value] of Object.entries(row)) {
      const n = column.get(heading);
      if (!n) throw new Error(`sample town: no column 「${heading}」 in the blank workbook (${[...column.keys()].join('、')})`);
      ws.getRow(2 + k).getCell(n).value = value;
    }
  });
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

export async function loadSampleTown(db: Db): Promise<void> {
  const definition = parsePlanDefinition(readFileSync(SAMPLE_TOWN.planFile, 'utf8'), 'plan.yaml');
  if (!definition.ok) throw new Error(`sample town: ${definition.errors.map((e) => e.message).join('; ')}`);
  const entries = parseYaml(readFileSync(SAMPLE_TOWN.entriesFile, 'utf8')) as Entries;
  const { code, name } = definition.definition.organization;
  await addOrganization(db, platformSystemActor, { code, name });
  const actor = await systemActor(db, code, 'sample');
  await createPlan(db, actor, definition.definition);

  const fy = SAMPLE_TOWN.fiscalYear;
  const target = await loadImportTarget(db, code, fy);
  if (!target) throw new Error('sample town: the plan does not hold its first year');
  const blank = await exportWorkbook(target.current, { blank: true });
  const filled = await fillWorkbook(blank, entries, INITIATIVE_SHEET);
  const preview = previewSpreadsheet(target.current, await readXlsx(filled), {
    create: true,
    newEdition: target.newEdition,
    planGroups: target.planGroups,
  });
  if (preview.errors.length) throw new Error(`sample town: ${formatErrors(preview.errors).join('; ')}`);
  await applyPreview(db, code, fy, preview, { actor, source: 'import:xlsx', expectedStamp: target.stamp, create: true });
  const { display } = await readEditionDisplay(db, actor, fy);
  await saveEditionDisplay(db, actor, fy, null, { ...display, source: entries.source });
  await publishEdition(db, actor, fy);
}
