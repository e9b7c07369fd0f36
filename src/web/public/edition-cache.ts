// Published editions as the portal, the API, the downloads and the report read them: the copy made when
// the edition was last published (src/db/publication.ts), so a reopened edition or next year's draft
// changes nothing here until it is published. A whole edition is loaded once and kept with its stamp;
// every request asks only for the stamp (one indexed row) and reloads when a publish has changed it.
import type { Db } from '../../db/client.ts';
import { editionStamp, loadEdition } from '../../db/repository.ts';
import { loadPublished, publishedStamp } from '../../db/publication.ts';
import type { EditionData } from '../../domain/model.ts';
import { withEditionLinks } from '../../domain/structure.ts';
import { kpiTable, summaryTable, type KpiTable, type SummaryTable } from '../../domain/tables.ts';
import { buildSearchIndex, type SearchIndex } from './search.ts';
import { groupSummaries, type GroupSummary } from '../../domain/group-summary.ts';
import { initiativeGrade, type GradeResult } from '../../domain/grades.ts';
import { changeGeneration } from '../../db/change-signal.ts';

export interface EditionView {
  stamp: string;
  data: EditionData;
  summary: SummaryTable;
  kpis: KpiTable;
  pillarName: Map<string, string>;
  subAreaName: Map<string, string>;
  search: SearchIndex;
  /** Counts per status and grade of every group, one tree per pillar (group-summary.ts). */
  groups: GroupSummary[];
  /**
   * The grade of each initiative by key, computed once per published copy; null when the plan publishes
   * no grades (a plan without a scale, or one that keeps its grades to the staff), so no view shows one.
   */
  grades: Map<string, GradeResult> | null;
  /** Rendered pages keyed by path and language; dropped with the view when the stamp changes. */
  pages: Map<string, string>;
  /** Built download files (CSV, XLSX, zip) by file name. */
  files: Map<string, Uint8Array | string>;
}

const cache = new Map<string, EditionView>();
/** When each edition's stamp was last read, and the write generation at that time. */
const checked = new Map<string, { at: number; generation: number; db: Db }>();
/** How long a published page may lag a write made by another process. */
const STAMP_TTL_MS = 1000;

/**
 * The edition as published; null when it has never been published. With `includeDrafts`, the live rows
 * instead, draft or not (for views of the edition as it is being edited); the two are cached apart and
 * their stamps differ, so neither answers, or gives an ETag, for the other.
 */
export async function editionView(db: Db, org: string, fy: number, opts: { includeDrafts?: boolean } = {}): Promise<EditionView | null> {
  const live = opts.includeDrafts === true;
  const key = `${live ? 'live' : 'published'}:${org}/${fy}`;
  let view = cache.get(key);
  const last = checked.get(key);
  if (view && last && last.db === db && last.generation === changeGeneration() && performance.now() - last.at < STAMP_TTL_MS) return view;
  const generation = changeGeneration();
  const stamp = live ? await editionStamp(db, org, fy) : await publishedStamp(db, org, fy);
  if (!stamp) {
    checked.delete(key);
    cache.delete(key);
    return null;
  }
  checked.set(key, { at: performance.now(), generation, db });
  if (!view || view.stamp !== stamp) {
    const loaded = live ? await loadEdition(db, org, fy) : await loadPublished(db, org, fy);
    if (!loaded) return null;
    // KPIs are the plan's; a link to an initiative this edition does not hold is no link in its views.
    const data = withEditionLinks(loaded);
    view = {
      stamp,
      data,
      summary: summaryTable(data),
      kpis: kpiTable(data),
      pillarName: new Map(data.pillars.map((p) => [p.key, p.name])),
      subAreaName: new Map(data.pillars.flatMap((p) => p.subAreas.map((s) => [s.key, s.name] as const))),
      search: buildSearchIndex(data),
      groups: groupSummaries(data),
      grades: publishedGrades(data),
      pages: new Map(),
      files: new Map(),
    };
    cache.set(key, view);
  }
  return view;
}

/** The grades the public may see: every initiative's, when the plan publishes them; otherwise null. */
function publishedGrades(data: EditionData): Map<string, GradeResult> | null {
  const settings = data.plan.settings;
  if (!settings.grades?.publish) return null;
  const out = new Map<string, GradeResult>();
  for (const i of data.initiatives) {
    const g = initiativeGrade(i, data.edition.fiscalYear, settings);
    if (g) out.set(i.key, g);
  }
  return out;
}

/** Tests open many databases in one process; an edition cached from one must not answer for another. */
export function clearEditionCache(): void {
  cache.clear();
  checked.clear();
}
