// The parts of the annual report that follow a plan's own shape: the group hierarchy at every level, each
// initiative's sections in the plan's order, its indicators with the kind of target, its grade, its
// schedule and milestones, and a summary per group. html.ts uses them for a plan that has any of these;
// a plan of the sample's shape never reaches this module, so its report stays what it always was.
import { initiativeGrade } from '../domain/grades.ts';
import { editionSummary, groupSummaries, type GroupSummary } from '../domain/group-summary.ts';
import { groupTree, initiativesUnder, levelName, type GroupNode } from '../domain/groups.ts';
import { fieldValueOf, formatFieldValue } from '../domain/field-values.ts';
import { targetKindLabel, targetText, valueText } from '../domain/indicator-text.ts';
import { gradeChoices } from '../domain/grades.ts';
import { indicatorProgress, type IndicatorProgress } from '../domain/progress.ts';
import {
  planFields,
  SHAPE_KEYS,
  STATUS_ORDER,
  statusLabel,
  type EditionData,
  type Indicator,
  type Initiative,
  type Milestone,
  type Status,
} from '../domain/model.ts';
import { schedulePeriods, scheduleSvg } from '../web/schedule-chart.ts';
import { resultLine } from '../domain/results.ts';
import { warekiFiscalYear } from '../domain/wareki.ts';
import { esc } from './escape.ts';

/**
 * Whether the plan has anything beyond the sample's shape (deeper levels, its own sections, indicators,
 * grades, a schedule, or initiatives carrying any of them). Without, the report is the sample's, byte for byte.
 */
export function hasPlanShape(data: Pick<EditionData, 'plan' | 'pillars' | 'initiatives'>): boolean {
  const s = data.plan.settings;
  if (s.fields !== undefined || s.indicatorKinds !== undefined || s.grades !== undefined || s.schedule !== undefined) return true;
  if (s.levels.length > 2) return true;
  if (data.pillars.some((p) => p.subAreas.some((a) => a.parentKey !== undefined))) return true;
  return data.initiatives.some((i) => SHAPE_KEYS.some((k) => i[k] !== undefined));
}

export const SHAPE_CSS = `
.lv-name { display: inline-block; font-size: 8.5pt; font-weight: 400; color: #0017c1; border: 0.3mm solid #0017c1; border-radius: 1mm; padding: 0 1.5mm; margin-right: 2mm; vertical-align: middle; }
.pillar-title .lv-name { font-size: 10pt; }
.group { margin: 6mm 0 2mm; padding: 1mm 2mm; background: #e8f1fe; break-after: avoid; }
h3.group { font-size: 12pt; }
h4.group { font-size: 11pt; background: #f1f6fe; margin-left: 3mm; }
h5.group { font-size: 10.5pt; background: #f7faff; margin-left: 6mm; }
.initiative h4, .initiative h5, .initiative h6 { font-size: 12.5pt; margin: 0 0 1mm; }
.toc h5 { font-size: 10pt; margin: 2mm 0 1mm 8mm; font-weight: 700; }
.toc h6 { font-size: 10pt; margin: 2mm 0 1mm 12mm; font-weight: 700; }
.toc ul.lv-3 { margin-left: 12mm; }
.toc ul.lv-4 { margin-left: 16mm; }
table.summary td.name { white-space: normal; }
table.summary td.lv-2 { padding-left: 6mm; }
table.summary td.lv-3 { padding-left: 10mm; }
table.summary td.lv-4 { padding-left: 14mm; }
.note { font-size: 9pt; margin: -6mm 0 8mm; }
.grade { margin: 0 0 1mm; }
.badge.grade { color: #1a1a1a; }
.grade-reason { margin: 0 0 1mm; font-size: 9pt; }
table.indicators, table.schedule { font-size: 8pt; margin: 1mm 0 2mm; }
table.indicators td, table.indicators th { white-space: normal; }
table.schedule th, table.schedule td { text-align: center; padding: 0.8mm 1mm; }
ul.milestones { margin: 0; padding-left: 5mm; list-style: none; }
figure.schedule-chart { margin: 0 0 6mm; break-inside: avoid; }
figure.schedule-chart svg { max-width: 100%; height: auto; }
.schedule-pillar { font-size: 12pt; margin: 4mm 0 2mm; }
`;

const numberLabel = (i: Pick<Initiative, 'number'>) => i.number ?? '新';

/** A group heading in the plan's words: the level's name (取組分野), then the group's. */
function groupHeading(data: EditionData, node: GroupNode, tag: string): string {
  return `<${tag} class="group lv-${node.level}"><span class="lv-name">${esc(levelName(data.plan.settings, node.level))}</span>${esc(node.name)}</${tag}>`;
}

interface Visit {
  node: GroupNode;
  /** The initiatives sitting in this group itself (not in a group below it). */
  items: Initiative[];
}

/**
 * The groups of a pillar in print order (a group, the initiatives in it, then its groups), leaving out a
 * group with no initiative anywhere under it. The pillar comes first with the initiatives directly under it,
 * and those naming a group the pillar does not hold, so no initiative goes unprinted.
 */
function visits(data: EditionData, pillarNode: GroupNode): Visit[] {
  const known = new Set<string>();
  const collect = (n: GroupNode) => {
    for (const c of n.children) {
      known.add(c.key);
      collect(c);
    }
  };
  collect(pillarNode);
  const inPillar = data.initiatives.filter((i) => i.pillarKey === pillarNode.pillarKey);
  const out: Visit[] = [{ node: pillarNode, items: inPillar.filter((i) => i.subAreaKey === null || !known.has(i.subAreaKey)) }];
  const walk = (n: GroupNode) => {
    for (const c of n.children) {
      if (initiativesUnder(data, c).length === 0) continue;
      out.push({ node: c, items: inPillar.filter((i) => i.subAreaKey === c.key) });
      walk(c);
    }
  };
  walk(pillarNode);
  return out;
}

// ---- 1 計画の進捗状況: one row per group at every level ---------------------------------------------

export function progressSection(data: EditionData, colHead: Record<Status, string>): string {
  const settings = data.plan.settings;
  const total = editionSummary(data);
  const cols = STATUS_ORDER.filter((s) => s === 'completed' || s === 'in_progress' || s === 'new' || total.byStatus[s] > 0);
  const grades = settings.grades?.publish ? gradeChoices(settings) : [];
  const dash = (n: number) => (n === 0 ? '—' : String(n));
  const head = settings.levels.filter((l) => l.trim() !== '').join('・') || levelName(settings, 1);
  const out: string[] = [];
  out.push(`<h2 class="section">1 計画の進捗状況</h2><table class="summary"><thead><tr><th>${esc(head)}</th>`);
  for (const s of cols) out.push(`<th class="num">${colHead[s]}</th>`);
  out.push(`<th class="num">合計</th>`);
  for (const g of grades) out.push(`<th class="num">評価 ${esc(g.grade)}</th>`);
  out.push(`</tr></thead><tbody>`);
  const row = (s: GroupSummary, cell: string) =>
    `<tr>${cell}${cols.map((c) => `<td class="num">${dash(s.byStatus[c])}</td>`).join('')}<td class="num">${s.total}</td>${grades
      .map((g) => `<td class="num">${dash(s.byGrade[g.grade] ?? 0)}</td>`)
      .join('')}</tr>`;
  const walk = (s: GroupSummary) => {
    out.push(row(s, `<td class="name lv-${s.level}">${esc(s.name)}</td>`));
    s.children.forEach(walk);
  };
  groupSummaries(data).forEach(walk);
  out.push(`${row(total, '<th>合 計</th>')}</tbody></table>`);
  if (grades.length) out.push(`<p class="note">評価: ${grades.map((g) => `${esc(g.grade)} ${esc(g.label)}`).join('、')}</p>`);
  return out.join('\n');
}

// ---- 工程表: one chart per pillar -----------------------------------------------------------------------

const hasSchedule = (i: Initiative) => Boolean(i.schedule?.length || i.milestones?.length);

/** The schedule of every initiative, one chart per pillar; '' when the plan has no schedule or none is filled. */
export function scheduleSection(data: EditionData, number: number): string {
  const schedule = data.plan.settings.schedule;
  if (!schedule || !data.initiatives.some(hasSchedule)) return '';
  const periods = schedulePeriods(data.plan).map((p) => ({ id: p.id, label: p.label }));
  const out: string[] = [`<section class="page"><h2 class="section">${number} 工程表</h2>`];
  for (const p of data.pillars) {
    const items = data.initiatives.filter((i) => i.pillarKey === p.key && hasSchedule(i));
    if (!items.length) continue;
    out.push(`<h3 class="schedule-pillar">${esc(p.name)}</h3>`);
    const svg = scheduleSvg({
      title: `${p.name} 工程表`,
      lang: 'ja',
      periods,
      phases: schedule.phases,
      rows: items.map((i) => ({ label: `${numberLabel(i)} ${i.title}`, cells: i.schedule ?? [], milestones: i.milestones })),
    });
    out.push(`<figure class="schedule-chart">${svg}</figure>`);
  }
  out.push(`</section>`);
  return out.join('\n');
}

// ---- CONTENTS and the pillars --------------------------------------------------------------------------

export function contentsSection(data: EditionData, link: (i: Initiative) => string, page: (i: Initiative) => string): string {
  const out: string[] = [`<section class="page toc"><h2 class="section">CONTENTS</h2>`];
  const list = (items: Initiative[], level: number) => {
    if (!items.length) return;
    out.push(level > 2 ? `<ul class="lv-${level}">` : `<ul>`);
    for (const i of items)
      out.push(`<li><span class="t"><a${link(i)}>- ${esc(numberLabel(i))} ${esc(i.title)}</a></span><span class="p">${page(i)}</span></li>`);
    out.push(`</ul>`);
  };
  for (const root of groupTree(data.pillars)) {
    out.push(`<h3>${esc(root.name)}</h3>`);
    for (const { node, items } of visits(data, root)) {
      if (node.level > 1) {
        const tag = `h${Math.min(6, node.level + 2)}`;
        out.push(`<${tag} class="lv-${node.level}">${esc(node.name)}</${tag}>`);
      }
      list(items, node.level);
    }
  }
  out.push(`</section>`);
  return out.join('\n');
}

export function pillarSections(data: EditionData): string {
  const out: string[] = [];
  const settings = data.plan.settings;
  const pillars = new Map(data.pillars.map((p) => [p.key, p]));
  for (const root of groupTree(data.pillars)) {
    const p = pillars.get(root.key)!;
    out.push(`<section class="page"><div class="pillar-title">`);
    out.push(`<p><span class="lv-name">${esc(levelName(settings, 1))}</span></p><h2>${esc(p.name)}</h2>`);
    out.push(`<p class="tagline">${esc(p.tagline ?? `${p.name}の${settings.initiativeName}。`)}</p></div>`);
    for (const { node, items } of visits(data, root)) {
      if (node.level > 1) out.push(groupHeading(data, node, `h${Math.min(6, node.level + 1)}`));
      for (const i of items) out.push(initiativeBlock(data, i, `h${Math.min(6, node.level + 2)}`));
    }
    out.push(`</section>`);
  }
  return out.join('\n');
}

// ---- one initiative ------------------------------------------------------------------------------------

const UNRATED: Record<NonNullable<IndicatorProgress['unrated']>, string> = {
  'no-actual': '実績なし',
  'no-target': '目標なし',
  'not-judged': '未判定',
  'zero-denominator': '算出できません',
};

function indicatorRow(data: EditionData, ind: Indicator, kinds: boolean): string {
  const fy = data.edition.fiscalYear;
  const p = indicatorProgress(ind, fy, data.plan.settings.progress);
  const baseline = ind.baseline ? `${valueText(ind.baseline.value, ind.unit)}（${ind.baseline.fiscalYear}年度）` : '—';
  let actual = '—';
  if (p.fiscalYear !== null) {
    if (ind.qualitative != null) {
      const judged = ind.values.find((v) => v.fiscalYear === p.fiscalYear)?.achieved;
      actual = `${judged ? '達成' : '未達成'}（${p.fiscalYear}年度）`;
    } else if (p.actual !== null) actual = `${valueText(p.actual, ind.unit)}（${p.fiscalYear}年度）`;
  }
  const rate = p.rate !== null ? `${p.rate}%` : p.unrated ? UNRATED[p.unrated] : '—';
  const cells = [...(kinds ? [ind.kind ?? '—'] : []), ind.name, targetKindLabel(ind), targetText(ind), ind.qualitative != null ? '—' : baseline, actual];
  return `<tr>${cells.map((c) => `<td>${esc(c)}</td>`).join('')}<td class="num">${esc(rate)}</td></tr>`;
}

function indicatorTable(data: EditionData, indicators: Indicator[]): string {
  const kinds = Boolean(data.plan.settings.indicatorKinds?.length);
  const head = [...(kinds ? ['種類'] : []), '指標', '目標の種類', '目標', '基準値', '実績'];
  return [
    `<p class="label">指標</p><table class="indicators"><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}<th class="num">進捗率</th></tr></thead><tbody>`,
    ...indicators.map((ind) => indicatorRow(data, ind, kinds)),
    `</tbody></table>`,
  ].join('\n');
}

function scheduleTable(data: EditionData, i: Initiative): string {
  const periods = schedulePeriods(data.plan);
  const phase = new Map((i.schedule ?? []).map((c) => [c.period, c.phase]));
  const quarterly = data.plan.settings.schedule?.unit === 'quarter';
  const out: string[] = [`<p class="label">工程</p><table class="schedule"><thead>`];
  if (quarterly) {
    const years = [...new Set(periods.map((p) => p.id.slice(0, 4)))];
    out.push(`<tr><th rowspan="2">期間</th>${years.map((y) => `<th colspan="4">${esc(y)}年度</th>`).join('')}</tr>`);
    out.push(`<tr>${periods.map((p) => `<th>Q${esc(p.id.slice(5))}</th>`).join('')}</tr>`);
  } else out.push(`<tr><th>期間</th>${periods.map((p) => `<th>${esc(p.label)}</th>`).join('')}</tr>`);
  out.push(`</thead><tbody><tr><th>工程</th>${periods.map((p) => `<td>${esc(phase.get(p.id) ?? '')}</td>`).join('')}</tr></tbody></table>`);
  return out.join('\n');
}

/** 2024-06-15 → 2024年6月15日, 2024-06 → 2024年6月; anything else as written. */
function dateText(date: string): string {
  const m = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/.exec(date.trim());
  if (!m) return date;
  return `${m[1]}年${Number(m[2])}月${m[3] ? `${Number(m[3])}日` : ''}`;
}

function milestoneList(milestones: Milestone[]): string {
  const items = [...milestones].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  return [
    `<p class="label">マイルストーン</p><ul class="milestones">`,
    ...items.map((m) => `<li>${m.done ? '◆' : '◇'} ${esc(dateText(m.date))} ${esc(m.label)}（${m.done ? '達成' : '予定'}）</li>`),
    `</ul>`,
  ].join('\n');
}

function gradeLines(data: EditionData, i: Initiative): string {
  const settings = data.plan.settings;
  if (!settings.grades?.publish) return '';
  const g = initiativeGrade(i, data.edition.fiscalYear, settings);
  if (!g) return '';
  const rate = g.rate !== null ? `（進捗率 ${g.rate}%）` : '';
  const lines = [`<p class="grade"><span class="badge grade">評価 ${esc(g.grade)}</span> ${esc(g.label)}${esc(rate)}</p>`];
  if (g.source === 'manual' && g.reason) lines.push(`<p class="grade-reason">評価の理由: ${esc(g.reason)}</p>`);
  return lines.join('\n');
}

function initiativeBlock(data: EditionData, i: Initiative, tag: string): string {
  const settings = data.plan.settings;
  const lines: string[] = [];
  lines.push(`<article class="initiative" id="i-${esc(i.key)}">`);
  // "番号. 題名" at the start of the heading: the PDF's second pass finds each initiative's page by it.
  lines.push(`<${tag}>${esc(numberLabel(i))}. ${esc(i.title)}</${tag}>`);
  lines.push(`<p class="depts">${esc(i.departments.join('、'))}</p>`);
  lines.push(`<p class="status"><span class="badge ${i.status}">${esc(statusLabel(i.status))}</span></p>`);
  const grade = gradeLines(data, i);
  if (grade) lines.push(grade);
  for (const def of planFields(settings)) {
    const text = formatFieldValue(def, fieldValueOf(i, def.key), 'ja');
    lines.push(`<p class="label">${esc(def.label)}</p><p class="text">${esc(text || '—')}</p>`);
  }
  if (i.indicators?.length) lines.push(indicatorTable(data, i.indicators));
  const text = i.resultsText.trim() || resultsFromValues(i);
  // An initiative measured by its indicators and with no results in words has no 実績 block to show.
  if (text || !i.indicators?.length) lines.push(`<p class="label">実績</p>`, `<p class="results">${esc(text || '—')}</p>`);
  if (settings.schedule && i.schedule?.length) lines.push(scheduleTable(data, i));
  if (i.milestones?.length) lines.push(milestoneList(i.milestones));
  lines.push(`</article>`);
  return lines.join('\n');
}

/**
 * Results entered as values (not as printed text) written the way the sample prints them (resultLine, as
 * the import and the form print a changed row); '' when there are none.
 */
export function resultsFromValues(i: Pick<Initiative, 'results' | 'resultsFiscalYear'>): string {
  if (i.results.length === 0) return '';
  // A year no source names is not printed: the heading is left out rather than made up.
  const lines = i.resultsFiscalYear === null ? [] : [`【${warekiFiscalYear(i.resultsFiscalYear)}】`];
  for (const r of i.results) lines.push(resultLine(r));
  return lines.join('\n');
}
