// What changed between two editions of a plan. Initiatives are matched by their stable key, so a
// renumbering is reported as such and not as one removal plus one addition.
import { diffChars } from 'diff';
import type { EditionData, Initiative, Kpi, Status } from './model.ts';

export interface TextChange {
  field: 'title' | 'content' | 'plan';
  before: string;
  after: string;
  /** Character-level pieces: Japanese has no spaces, so word diffs would mark whole sentences. */
  parts: { value: string; added?: boolean; removed?: boolean }[];
}

export interface ValueChange {
  label: string;
  before: { actual: string | null; target: string | null; unit: string | null } | null;
  after: { actual: string | null; target: string | null; unit: string | null } | null;
}

export interface InitiativeChange {
  key: string;
  title: string;
  numberBefore: string | null;
  numberAfter: string | null;
  renumbered: boolean;
  status: { before: Status; after: Status } | null;
  departments: { before: string[]; after: string[] } | null;
  /** Moved to another pillar or sub-area. */
  placement: { before: Placement; after: Placement } | null;
  texts: TextChange[];
  results: ValueChange[];
}

export interface Placement {
  pillarKey: string;
  subAreaKey: string | null;
}

export interface KpiChange {
  key: string;
  name: string;
  target: { before: string; after: string } | null;
  actuals: { fiscalYear: string; before: string | null; after: string | null }[];
}

export interface EditionDiff {
  from: number;
  to: number;
  added: Initiative[];
  removed: Initiative[];
  /** Present in both, now 完了 (and not 完了 before). */
  finished: Initiative[];
  changed: InitiativeChange[];
  kpis: KpiChange[];
  /** Names of the pillars and sub-areas the changes mention, by key (the later edition's wording wins). */
  places: Record<string, string>;
}

function textChange(field: TextChange['field'], before: string, after: string): TextChange | null {
  if (before === after) return null;
  return { field, before, after, parts: diffChars(before, after).map((p) => ({ value: p.value, added: p.added || undefined, removed: p.removed || undefined })) };
}

function resultChanges(a: Initiative, b: Initiative): ValueChange[] {
  const pick = (r: Initiative['results'][number] | undefined) => (r ? { actual: r.actual, target: r.target, unit: r.unit } : null);
  const labels = [...new Set([...a.results.map((r) => r.label), ...b.results.map((r) => r.label)])];
  const out: ValueChange[] = [];
  for (const label of labels) {
    const x = pick(a.results.find((r) => r.label === label));
    const y = pick(b.results.find((r) => r.label === label));
    if (JSON.stringify(x) !== JSON.stringify(y)) out.push({ label, before: x, after: y });
  }
  return out;
}

function kpiChanges(a: Kpi[], b: Kpi[]): KpiChange[] {
  const out: KpiChange[] = [];
  for (const k of b) {
    const old = a.find((x) => x.key === k.key);
    const years = [...new Set([...Object.keys(old?.actuals ?? {}), ...Object.keys(k.actuals)])].sort();
    const actuals = years
      .map((fy) => ({ fiscalYear: fy, before: old?.actuals[fy] ?? null, after: k.actuals[fy] ?? null }))
      .filter((x) => x.before !== x.after);
    const target = old && old.target !== k.target ? { before: old.target, after: k.target } : null;
    if (actuals.length || target || !old) out.push({ key: k.key, name: k.name, target, actuals });
  }
  return out;
}

/** True for a whole initiative as stored in an audit row or a submission, not a partial record. */
export function isInitiativeSnapshot(x: unknown): x is Initiative {
  const i = x as Partial<Initiative> | null;
  return !!i && typeof i.title === 'string' && typeof i.content === 'string' && typeof i.plan === 'string' && Array.isArray(i.results) && Array.isArray(i.departments);
}

/** What changed in one initiative between two versions of it (two editions, or two submissions). */
export function diffInitiative(x: Initiative, y: Initiative): InitiativeChange | null {
  const texts = [textChange('title', x.title, y.title), textChange('content', x.content, y.content), textChange('plan', x.plan, y.plan)].filter(
    (t): t is TextChange => t !== null,
  );
  const results = resultChanges(x, y);
  const renumbered = x.number !== y.number;
  const status = x.status !== y.status ? { before: x.status, after: y.status } : null;
  const departments = x.departments.join('、') !== y.departments.join('、') ? { before: x.departments, after: y.departments } : null;
  const placement =
    x.pillarKey !== y.pillarKey || (x.subAreaKey ?? null) !== (y.subAreaKey ?? null)
      ? { before: { pillarKey: x.pillarKey, subAreaKey: x.subAreaKey ?? null }, after: { pillarKey: y.pillarKey, subAreaKey: y.subAreaKey ?? null } }
      : null;
  if (!(renumbered || status || departments || placement || texts.length || results.length)) return null;
  return { key: y.key, title: y.title, numberBefore: x.number, numberAfter: y.number, renumbered, status, departments, placement, texts, results };
}

export function diffEditions(a: EditionData, b: EditionData): EditionDiff {
  const before = new Map(a.initiatives.map((i) => [i.key, i]));
  const after = new Map(b.initiatives.map((i) => [i.key, i]));
  const changed: InitiativeChange[] = [];
  const finished: Initiative[] = [];
  for (const y of b.initiatives) {
    const x = before.get(y.key);
    if (!x) continue;
    if (y.status === 'completed' && x.status !== 'completed') finished.push(y);
    const change = diffInitiative(x, y);
    if (change) changed.push(change);
  }
  return {
    from: a.edition.fiscalYear,
    to: b.edition.fiscalYear,
    added: b.initiatives.filter((i) => !before.has(i.key)),
    removed: a.initiatives.filter((i) => !after.has(i.key)),
    finished,
    changed,
    kpis: kpiChanges(a.kpis, b.kpis),
    places: Object.fromEntries([...a.pillars, ...b.pillars].flatMap((p) => [[p.key, p.name], ...p.subAreas.map((s) => [s.key, s.name])])),
  };
}
