// Counts of initiatives per status and per grade for every group of an edition, rolled up: an initiative
// counts in the group it sits in and in every group above it, so a pillar's counts are those of the
// sample's 計画の進捗状況 table (tables.ts summaryTable), and each deeper level adds its own rows.
// Initiatives whose pillar the edition does not hold count nowhere, as in summaryTable.
import { gradeChoices, initiativeGrade } from './grades.ts';
import { groupPath, groupTree, type GroupNode } from './groups.ts';
import type { EditionData, Status } from './model.ts';
import { STATUSES } from './enums.ts';

export interface GroupSummary {
  key: string;
  name: string;
  level: number;
  total: number;
  byStatus: Record<Status, number>;
  /** {} when the plan has no grades; otherwise every grade of gradeChoices, 0 included (and a hand-set grade outside the scale, where one is used). */
  byGrade: Record<string, number>;
  children: GroupSummary[];
}

type SummaryData = Pick<EditionData, 'pillars' | 'initiatives' | 'plan' | 'edition'>;

function emptySummary(key: string, name: string, level: number, grades: readonly string[]): GroupSummary {
  const byStatus = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
  return { key, name, level, total: 0, byStatus, byGrade: Object.fromEntries(grades.map((g) => [g, 0])), children: [] };
}

function build(data: SummaryData): { pillars: GroupSummary[]; edition: GroupSummary } {
  const settings = data.plan.settings;
  const grades = gradeChoices(settings).map((c) => c.grade);
  const edition = emptySummary('', '合計', 0, grades);
  // Summaries by pillar key and group key (a group key is looked up within its pillar only).
  const index = new Map<string, Map<string, GroupSummary>>();
  const fromNode = (n: GroupNode, groups: Map<string, GroupSummary>): GroupSummary => {
    const s = emptySummary(n.key, n.name, n.level, grades);
    if (n.level > 1) groups.set(n.key, s);
    s.children = n.children.map((c) => fromNode(c, groups));
    return s;
  };
  const pillars = groupTree(data.pillars).map((n) => {
    const groups = new Map<string, GroupSummary>();
    const s = fromNode(n, groups);
    if (!index.has(n.key)) index.set(n.key, new Map([['', s], ...groups]));
    return s;
  });
  for (const i of data.initiatives) {
    const groups = index.get(i.pillarKey);
    if (!groups) continue;
    const path = groupPath(data.pillars, i.pillarKey, i.subAreaKey);
    const counted = [edition, ...path.map((p) => (p.level === 1 ? groups.get('')! : groups.get(p.key)!))];
    const grade = initiativeGrade(i, data.edition.fiscalYear, settings)?.grade ?? null;
    for (const s of counted) {
      s.total++;
      s.byStatus[i.status]++;
      if (grade !== null) s.byGrade[grade] = (s.byGrade[grade] ?? 0) + 1;
    }
  }
  edition.children = pillars;
  return { pillars, edition };
}

/** One summary per pillar, with its groups' summaries below it, recursively, in stored order. */
export function groupSummaries(data: SummaryData): GroupSummary[] {
  return build(data).pillars;
}

/** The whole edition (key '', level 0, named 合計 as the summary table's last row), its pillars as children. */
export function editionSummary(data: SummaryData): GroupSummary {
  return build(data).edition;
}
