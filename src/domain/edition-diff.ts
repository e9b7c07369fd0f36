// What changed between two editions of a plan. Initiatives are matched by their stable key, so a
// renumbering is reported as such and not as one removal plus one addition.
import { diffChars } from 'diff';
import { planFields, type EditionData, type Initiative, type Kpi, type Status } from './model.ts';
import { gradeLine, indicatorLine, milestonesLine, scheduleLine, shownValue } from './describe-changes.ts';

export interface TextChange {
  field: 'title' | 'content' | 'plan' | 'resultsText';
  before: string;
  after: string;
  /** Character-level pieces: Japanese has no spaces, so word diffs would mark whole sentences. */
  parts: { value: string; added?: boolean; removed?: boolean }[];
}

export interface ValueChange {
  label: string;
  /** Which row of this label (0 for the first): a label may repeat within one initiative. */
  occurrence: number;
  before: { actual: string | null; target: string | null; unit: string | null; note: string | null } | null;
  after: { actual: string | null; target: string | null; unit: string | null; note: string | null } | null;
}

/** A change in one of this year's plan targets (今年度の目標値). */
export interface TargetChange {
  label: string;
  /** Which row of this label (0 for the first). */
  occurrence: number;
  before: { value: string | null; unit: string | null } | null;
  after: { value: string | null; unit: string | null } | null;
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
  /** 今年度の目標値. */
  targets: TargetChange[];
  results: ValueChange[];
  /** Changes to the parts that follow the plan's shape; absent when there are none (a plan of the sample's shape never has any). */
  shape?: ShapeChange[];
}

/** A change to one of the plan's own sections (by field key), an indicator (by its key), the hand-set grade, the schedule or the milestones. */
export interface ShapeChange {
  part: 'field' | 'indicator' | 'grade' | 'schedule' | 'milestones';
  /** The field key or indicator key; '' for the grade, schedule and milestones. */
  key: string;
  /** What a person reads: the indicator's name, or the field key (views name it by the plan's label). */
  label: string;
  before: string | null;
  after: string | null;
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
  return {
    field,
    before,
    after,
    parts: diffChars(before, after).map((p) => ({ value: p.value, added: p.added || undefined, removed: p.removed || undefined })),
  };
}

/**
 * Pairs the rows of two lists by label and occurrence order: the n-th row labelled L in `a` with the n-th
 * row labelled L in `b`. Labels come in the order they first appear (in `a`, then those only in `b`).
 */
function pairByLabel<R extends { label: string }, V>(
  a: R[],
  b: R[],
  pick: (r: R) => V,
): { label: string; occurrence: number; before: V | null; after: V | null }[] {
  const group = (rows: R[]) => {
    const m = new Map<string, R[]>();
    for (const r of rows) m.set(r.label, [...(m.get(r.label) ?? []), r]);
    return m;
  };
  const ga = group(a);
  const gb = group(b);
  const labels = [...new Set([...a.map((r) => r.label), ...b.map((r) => r.label)])];
  const out: { label: string; occurrence: number; before: V | null; after: V | null }[] = [];
  for (const label of labels) {
    const xs = ga.get(label) ?? [];
    const ys = gb.get(label) ?? [];
    for (let k = 0; k < Math.max(xs.length, ys.length); k++) {
      const x = xs[k] ? pick(xs[k]!) : null;
      const y = ys[k] ? pick(ys[k]!) : null;
      if (JSON.stringify(x) !== JSON.stringify(y)) out.push({ label, occurrence: k, before: x, after: y });
    }
  }
  return out;
}

function resultChanges(a: Initiative, b: Initiative): ValueChange[] {
  return pairByLabel(a.results, b.results, (r) => ({ actual: r.actual, target: r.target, unit: r.unit, note: r.note ?? null }));
}

function targetChanges(a: Initiative, b: Initiative): TargetChange[] {
  return pairByLabel(a.planTargets ?? [], b.planTargets ?? [], (p) => ({ value: p.value, unit: p.unit }));
}

function kpiChanges(a: Kpi[], b: Kpi[]): KpiChange[] {
  const out: KpiChange[] = [];
  for (const k of b) {
    const old = a.find((x) => x.key === k.key);
    const years = [...new Set([...Object.keys(old?.actuals ?? {}), ...Object.keys(k.actuals)])].sort();
    const actuals = years.map((fy) => ({ fiscalYear: fy, before: old?.actuals[fy] ?? null, after: k.actuals[fy] ?? null })).filter((x) => x.before !== x.after);
    const target = old && old.target !== k.target ? { before: old.target, after: k.target } : null;
    if (actuals.length || target || !old) out.push({ key: k.key, name: k.name, target, actuals });
  }
  return out;
}

export { isInitiativeSnapshot } from './audit-entry.ts';

/** What changed in one initiative between two versions of it (two editions, or two submissions). */
export function diffInitiative(x: Initiative, y: Initiative): InitiativeChange | null {
  const texts = [
    textChange('title', x.title, y.title),
    textChange('content', x.content, y.content),
    textChange('plan', x.plan, y.plan),
    textChange('resultsText', x.resultsText ?? '', y.resultsText ?? ''),
  ].filter((t): t is TextChange => t !== null);
  const targets = targetChanges(x, y);
  const results = resultChanges(x, y);
  const renumbered = x.number !== y.number;
  const status = x.status !== y.status ? { before: x.status, after: y.status } : null;
  const departments = x.departments.join('、') !== y.departments.join('、') ? { before: x.departments, after: y.departments } : null;
  const placement =
    x.pillarKey !== y.pillarKey || (x.subAreaKey ?? null) !== (y.subAreaKey ?? null)
      ? { before: { pillarKey: x.pillarKey, subAreaKey: x.subAreaKey ?? null }, after: { pillarKey: y.pillarKey, subAreaKey: y.subAreaKey ?? null } }
      : null;
  const shape = shapeChanges(x, y);
  if (!(renumbered || status || departments || placement || texts.length || targets.length || results.length || shape.length)) return null;
  return {
    key: y.key,
    title: y.title,
    numberBefore: x.number,
    numberAfter: y.number,
    renumbered,
    status,
    departments,
    placement,
    texts,
    targets,
    results,
    ...(shape.length ? { shape } : {}),
  };
}

/** Differences in the shape parts of two versions of an initiative, each field and indicator on its own. */
function shapeChanges(x: Initiative, y: Initiative): ShapeChange[] {
  const out: ShapeChange[] = [];
  const fieldKeys = [...new Set([...Object.keys(x.fields ?? {}), ...Object.keys(y.fields ?? {})])];
  for (const k of fieldKeys) {
    const [a, b] = [shownValue(x.fields?.[k]), shownValue(y.fields?.[k])];
    if (a !== b) out.push({ part: 'field', key: k, label: k, before: a, after: b });
  }
  const ia = new Map((x.indicators ?? []).map((i) => [i.key, i]));
  const ib = new Map((y.indicators ?? []).map((i) => [i.key, i]));
  for (const k of [...new Set([...ia.keys(), ...ib.keys()])]) {
    const [a, b] = [ia.get(k), ib.get(k)];
    const [ta, tb] = [a ? indicatorLine(a) : null, b ? indicatorLine(b) : null];
    if (ta !== tb) out.push({ part: 'indicator', key: k, label: (b ?? a)!.name, before: ta, after: tb });
  }
  const parts = [
    ['grade', '評価', gradeLine],
    ['schedule', 'スケジュール', scheduleLine],
    ['milestones', 'マイルストーン', milestonesLine],
  ] as const;
  for (const [part, label, line] of parts) {
    const [a, b] = [line(x), line(y)];
    if (a !== b) out.push({ part, key: '', label, before: a, after: b });
  }
  return out;
}

export function diffEditions(a: EditionData, b: EditionData): EditionDiff {
  const before = new Map(a.initiatives.map((i) => [i.key, i]));
  const after = new Map(b.initiatives.map((i) => [i.key, i]));
  const changed: InitiativeChange[] = [];
  const finished: Initiative[] = [];
  const fieldLabel = new Map(planFields(b.plan.settings).map((f) => [f.key, f.label]));
  for (const y of b.initiatives) {
    const x = before.get(y.key);
    if (!x) continue;
    if (y.status === 'completed' && x.status !== 'completed') finished.push(y);
    const change = diffInitiative(x, y);
    if (change) changed.push(change);
    // The plan's own sections are named by their labels where the later edition's plan gives them.
    for (const sc of change?.shape ?? []) if (sc.part === 'field') sc.label = fieldLabel.get(sc.key) ?? sc.key;
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
