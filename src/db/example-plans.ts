// The example plans of other shapes (data-sample/example-*), three fictional municipalities whose plans
// are entered exactly as a new municipality enters its own (sample-town.ts enterPlan: the plan from its
// definition file, the blank workbook of that plan filled in sheet by sheet by column heading, imported
// with creation confirmed, given its 出典 line, published). Each exercises a part of the plan's shape on
// every `npm start` of an empty database, so the portal, API and report show those shapes out of the box:
//   example-levels    ひながた市 — three levels (基本目標 → 取組分野 → 取組事項 → 事業), sections with an amount,
//                     several departments per 事業, numeric indicators
//   example-grades    さんこう町 — 活動指標/成果指標 with per-year, cumulative, percentage, lower-is-better and
//                     qualitative targets, grades A–D published, one set by hand with its reason
//   example-schedule  もはん村 — its own sections (text, url, select), 評価指標, a three-year schedule in
//                     phases, and milestones
// The codes are numbers no municipality uses, with valid check digits; each SOURCE.md says they are fictional.
import { fileURLToPath } from 'node:url';
import type { Db } from './client.ts';
import { listOrganizations } from './repository.ts';
import { enterPlan, type EnteredPlan } from './sample-town.ts';

export interface ExamplePlan extends EnteredPlan {
  /** The folder under data-sample/. */
  dir: string;
  code: string;
  /** What the example shows, for the log line. */
  title: string;
}

function example(dir: string, code: string, fiscalYear: number, title: string): ExamplePlan {
  const at = new URL(`../../data-sample/${dir}/`, import.meta.url);
  return {
    dir,
    code,
    fiscalYear,
    title,
    planFile: fileURLToPath(new URL('plan.yaml', at)),
    entriesFile: fileURLToPath(new URL('entries.yaml', at)),
  };
}

export const EXAMPLE_PLANS: readonly ExamplePlan[] = [
  example('example-levels', '019992', 2025, 'ひながた市DX推進計画（3階層）'),
  example('example-grades', '479993', 2025, 'さんこう町デジタル変革推進計画（指標と評価）'),
  example('example-schedule', '039993', 2024, 'もはん村デジタル化推進計画（記入項目と工程表）'),
];

/**
 * Loads each example whose organization the database does not have yet (so `seed-sample` run twice
 * adds nothing), in order; returns the ones loaded. An entries file the workbook no longer reads fails
 * with the import's own messages.
 */
export async function loadExamplePlans(db: Db): Promise<ExamplePlan[]> {
  const present = new Set((await listOrganizations(db)).map((o) => o.code));
  const loaded: ExamplePlan[] = [];
  for (const plan of EXAMPLE_PLANS) {
    if (present.has(plan.code)) continue;
    await enterPlan(db, plan, plan.dir);
    loaded.push(plan);
  }
  return loaded;
}
