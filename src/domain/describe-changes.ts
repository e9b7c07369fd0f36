// The change list of a preview: every difference between two states of an edition, field by field, as a
// person reads it (and each initiative's one-line label). Apart from computing the next state (changes.ts).
import { BUILTIN_FIELD_KEYS, planFields, statusLabel, type EditionData, type FieldValue, type Indicator, type Initiative, type Kpi } from './model.ts';
import type { FieldChange, Preview } from './changes.ts';
import { initiativeColumns } from './sheets.ts';
import { groupPath } from './groups.ts';
import { fiscalYearLabel } from './wareki.ts';

/** An initiative as a list names it: its number (新 for a new one) and title. */
export function label(i: Pick<Initiative, 'number' | 'title'>): string {
  return `${i.number ?? '新'} ${i.title}`;
}

/** Every difference between two states of an edition, as a person reads it. Pairs results by `resultOrigin` where given, else by position. */
export function describeChanges(
  current: EditionData,
  next: EditionData,
  resultOrigin: Map<string, (number | null)[]> = new Map(),
): Pick<Preview, 'changes' | 'added' | 'removed'> {
  const changes: FieldChange[] = [];
  const added = { initiatives: [] as string[], results: [] as string[] };
  const removed = { initiatives: [] as string[], results: [] as string[] };
  const place = (d: EditionData, i: Initiative) => {
    const p = d.pillars.find((x) => x.key === i.pillarKey);
    return { pillar: p?.name ?? i.pillarKey, sub: i.subAreaKey ? (p?.subAreas.find((s) => s.key === i.subAreaKey)?.name ?? i.subAreaKey) : null };
  };
  // The group an initiative sits in at each level below the pillar (a plan of three or four levels), as
  // the portal's breadcrumbs name it; a sub-area the edition does not have shows its key, as before.
  const atLevel = (d: EditionData, i: Initiative, level: number): string | null => {
    const path = groupPath(d.pillars, i.pillarKey, i.subAreaKey);
    if (i.subAreaKey && path.length <= 1) return level === 2 ? i.subAreaKey : null;
    return path[level - 1]?.name ?? null;
  };
  // Named as the file's columns are, in the plan's words (施策名 / 施策体系 / 分野 in the sample).
  const heading = new Map(initiativeColumns(next.plan.settings).map((c) => [c.field, c.header]));
  const levels = next.plan.settings.levels;
  // The sample's sections under the labels the plan gives them (施策内容, 取組の概要 …).
  const builtin = (key: 'content' | 'plan') =>
    planFields(next.plan.settings).find((f) => f.key === key)?.label ?? heading.get(key) ?? (key === 'content' ? '施策内容' : '今年度の取組');
  const fields: [string, (d: EditionData, i: Initiative) => string | null][] = [
    ['番号', (_, i) => i.number ?? '新'],
    [heading.get('title')!, (_, i) => i.title],
    [levels[0]!, (d, i) => place(d, i).pillar],
    [levels[1] ?? '分野', (d, i) => atLevel(d, i, 2)],
    ['担当課所', (_, i) => i.departments.join('、')],
    ['状況', (_, i) => statusLabel(i.status)],
    [builtin('content'), (_, i) => i.content],
    [builtin('plan'), (_, i) => i.plan],
    ['今年度の目標値', (_, i) => i.planTargets.map((p) => `${p.label} ${p.value ?? ''}${p.unit ?? ''}`.trim()).join('\n') || null],
    ['実績（本文）', (_, i) => i.resultsText || null],
    ['実績の年度', (_, i) => (i.resultsFiscalYear === null ? null : fiscalYearLabel(i.resultsFiscalYear))],
    // The plan's shape: its deeper levels, its own sections, indicators, a grade set by hand, the schedule.
    ...levels.slice(2).map((name, k): [string, (d: EditionData, i: Initiative) => string | null] => [name, (d, i) => atLevel(d, i, k + 3)]),
    ...planFields(next.plan.settings)
      .filter((f) => !BUILTIN_FIELD_KEYS.includes(f.key))
      .map((f): [string, (d: EditionData, i: Initiative) => string | null] => [f.label, (_, i) => shownValue(i.fields?.[f.key])]),
    ['指標', (_, i) => i.indicators?.map(indicatorLine).join('\n') || null],
    ['評価（手動）', (_, i) => gradeLine(i)],
    ['スケジュール', (_, i) => scheduleLine(i)],
    ['マイルストーン', (_, i) => milestonesLine(i)],
  ];
  const old = new Map(current.initiatives.map((i) => [i.key, i]));
  const nextKeys = new Set(next.initiatives.map((i) => i.key));
  for (const i of next.initiatives) {
    const o = old.get(i.key);
    if (!o) {
      added.initiatives.push(label(i));
      for (const r of i.results) added.results.push(`${label(i)} ／ ${r.label}`);
      continue;
    }
    const lbl = label(o);
    let mentioned = false;
    for (const [field, get] of fields) {
      const a = get(current, o);
      const b = get(next, i);
      if ((a ?? '') !== (b ?? '')) {
        changes.push({ entity: 'initiative', key: i.key, label: lbl, field, before: a, after: b });
        mentioned = true;
      }
    }
    const origin = resultOrigin.get(i.key) ?? i.results.map((_, k) => (k < o.results.length ? k : null));
    const nth = new Map<string, number>();
    i.results.forEach((r, j) => {
      const n = nth.get(r.label) ?? 0;
      nth.set(r.label, n + 1);
      const rk = `${i.key}/${r.label}${n ? `#${n + 1}` : ''}`;
      const rl = `${lbl} ／ ${r.label}${n ? `（${n + 1}件目）` : ''}`;
      const k = origin[j];
      const x = k === null || k === undefined ? undefined : o.results[k];
      if (!x) {
        added.results.push(rl);
        mentioned = true;
        return;
      }
      const pairs: [string, string | null, string | null][] = [
        ['項目', x.label, r.label],
        ['実績値', x.actual, r.actual],
        ['目標値', x.target, r.target],
        ['単位', x.unit, r.unit],
        ['備考', x.note, r.note],
      ];
      for (const [field, a, b] of pairs) {
        if ((a ?? '') !== (b ?? '')) {
          changes.push({ entity: 'result', key: rk, label: rl, field, before: a, after: b });
          mentioned = true;
        }
      }
    });
    o.results.forEach((x, k) => {
      if (origin.includes(k)) return;
      removed.results.push(`${lbl} ／ ${x.label}`);
      mentioned = true;
    });
    // Anything else that differs (a field no column names) is still announced, never written silently.
    if (!mentioned && JSON.stringify(o) !== JSON.stringify(i))
      changes.push({ entity: 'initiative', key: i.key, label: lbl, field: 'その他', before: null, after: null });
  }
  for (const o of current.initiatives) if (!nextKeys.has(o.key)) removed.initiatives.push(label(o));
  const oldKpis = new Map(current.kpis.map((k) => [k.key, k]));
  for (const k of next.kpis) {
    const o = oldKpis.get(k.key);
    if (!o) continue;
    if (o.target !== k.target) changes.push({ entity: 'kpi', key: k.key, label: k.name, field: '目標値', before: o.target, after: k.target });
    const years = [...new Set([...Object.keys(o.actuals), ...Object.keys(k.actuals)])].sort();
    for (const fy of years) {
      const a = o.actuals[fy] ?? null;
      const b = k.actuals[fy] ?? null;
      if (a !== b) changes.push({ entity: 'kpi', key: k.key, label: k.name, field: `${fy}年度実績`, before: a, after: b });
    }
    if (!kpiSame(o, k) && !changes.some((c) => c.entity === 'kpi' && c.key === k.key)) {
      changes.push({ entity: 'kpi', key: k.key, label: k.name, field: 'その他', before: null, after: null });
    }
  }
  return { changes, added, removed };
}

function kpiSame(a: Kpi, b: Kpi): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** A grade set by hand, its schedule and its milestones as one line each (null when none): the preview and the diff print them so. */
export function gradeLine(i: Pick<Initiative, 'grade'>): string | null {
  return i.grade ? `${i.grade.grade}（${i.grade.reason}）` : null;
}

export function scheduleLine(i: Pick<Initiative, 'schedule'>): string | null {
  return i.schedule?.map((c) => `${c.period} ${c.phase}`).join('、') || null;
}

export function milestonesLine(i: Pick<Initiative, 'milestones'>): string | null {
  return i.milestones?.map((m) => `${m.date} ${m.label}${m.done ? '（済）' : ''}`).join('\n') || null;
}

/** A field value as a person reads it in a change list: はい / いいえ for a boolean. */
export function shownValue(v: FieldValue | undefined): string | null {
  if (v === undefined || v === '') return null;
  return typeof v === 'boolean' ? (v ? 'はい' : 'いいえ') : v;
}

/** One indicator on one line, every value it holds, so any change to it shows in the preview. */
export function indicatorLine(x: Indicator): string {
  const parts = [
    x.kind,
    x.unit ? `単位 ${x.unit}` : null,
    x.direction === 'lower' ? '低いほど良い' : null,
    x.cumulative ? '累計' : null,
    x.perYear ? '年あたり' : null,
    x.baseline ? `基準 ${x.baseline.fiscalYear}年度 ${x.baseline.value}` : null,
    x.target ? `目標 ${x.target.fiscalYear}年度 ${x.target.value}` : null,
    x.qualitative ? `目標「${x.qualitative}」` : null,
    ...x.values.map(
      (v) =>
        `${v.fiscalYear}年度${v.target !== null ? ` 目標 ${v.target}` : ''}${v.actual !== null ? ` 実績 ${v.actual}` : ''}${v.achieved === null ? '' : v.achieved ? ' 達成' : ' 未達成'}`,
    ),
  ].filter(Boolean);
  return `${x.name}（${parts.join('／')}）`;
}
