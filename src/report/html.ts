// The annual report as one self-contained HTML document, in the sample's order: cover, 1 計画の進捗状況,
// 2 KPIの達成状況, CONTENTS, then per pillar a title page with its own contents and one block per
// initiative. Everything is computed from the edition; nothing is typed twice.
//
// A plan of its own shape (deeper levels, its own sections, indicators, grades, a schedule) gets the same
// report built from its parts instead (shape-html.ts): every level's headings in the plan's words, a
// summary row per group, the sections in the plan's order, indicators, grades, the schedule. A plan of
// the sample's shape never takes that path, so its report is the same, byte for byte, as before.
//
// The text is laid out so that `pdftotext -layout` of the PDF reads back into the same edition through
// the plan-text importer: one fact per line, the importer's landmarks (施策内容, R5取組, 実績, 【令和N年度】)
// on lines of their own, tables whose cells never wrap.
import { STATUS_ORDER, statusLabel, type EditionData, type Initiative, type Status } from '../domain/model.ts';
import { formatNumber } from '../domain/decimal.ts';
import { kpiTable, summaryTable } from '../domain/tables.ts';
import { fiscalYearLabel, reiwaShort, warekiFiscalYear } from '../domain/wareki.ts';
import type { EditionDiff } from '../domain/edition-diff.ts';
import { renderDiffSection } from './diff-html.ts';
import { esc } from './escape.ts';
import { contentsSection, hasPlanShape, pillarSections, progressSection, resultsFromValues, scheduleSection, SHAPE_CSS } from './shape-html.ts';

export { esc };

export interface ReportOptions {
  /** Page of each initiative by key (PDF second pass); absent in HTML, where contents entries are links. */
  pages?: Map<string, number>;
  /** Optional appendix: what changed since an earlier edition. */
  diff?: EditionDiff | null;
}

const REPORT_CSS = `
@page { size: A4; margin: 16mm 15mm 18mm; }
* { box-sizing: border-box; }
html { font-size: 10pt; }
body { margin: 0; font-family: 'Noto Sans CJK JP', 'Noto Sans JP', sans-serif; color: #1a1a1a; line-height: 1.65; }
.page { break-after: page; }
.cover { display: flex; flex-direction: column; justify-content: center; min-height: 240mm; padding: 0 8mm; border-left: 6mm solid #0017c1; }
.cover h1 { font-size: 19pt; line-height: 1.3; margin: 0 0 6mm; white-space: nowrap; }
.cover .fy { font-size: 14pt; margin: 0 0 14mm; }
.cover .tagline { font-size: 16pt; font-weight: 700; color: #0017c1; margin: 0 0 10mm; }
.cover .lead { font-size: 11pt; margin: 0 0 4mm; }
.cover .meta { margin-top: 20mm; font-size: 10pt; }
h2.section { font-size: 15pt; border-bottom: 2px solid #0017c1; padding-bottom: 1mm; margin: 0 0 4mm; }
table { border-collapse: collapse; width: 100%; margin: 0 0 8mm; }
th, td { border: 0.3mm solid #767676; padding: 1.2mm 1.8mm; text-align: left; vertical-align: top; white-space: nowrap; }
thead { display: table-header-group; }
thead th { background: #e8f1fe; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
table.kpi { font-size: 7.5pt; }
table.kpi td, table.kpi th { padding: 1mm 1.2mm 1mm 3mm; }
table.kpi td.num { min-width: 9mm; }
.toc h3 { font-size: 11pt; margin: 4mm 0 1mm; }
.toc h4 { font-size: 10pt; margin: 2mm 0 1mm 4mm; font-weight: 700; }
.toc ul { list-style: none; margin: 0 0 0 8mm; padding: 0; }
.toc li { display: flex; gap: 2mm; white-space: nowrap; }
.toc li .t { flex: 1; overflow: hidden; }
.toc li .p { min-width: 8mm; text-align: right; }
.pillar-title { padding: 30mm 0 6mm; }
.pillar-title h2 { font-size: 22pt; color: #0017c1; margin: 0 0 6mm; }
.pillar-title .tagline { font-size: 14pt; font-weight: 700; white-space: pre-line; margin: 0 0 12mm; }
.subarea { font-size: 12pt; margin: 6mm 0 2mm; padding: 1mm 2mm; background: #e8f1fe; break-after: avoid; }
.initiative { break-inside: avoid; border-top: 0.6mm solid #0017c1; padding: 2mm 0 4mm; margin: 0 0 2mm; }
.initiative h3 { font-size: 12.5pt; margin: 0 0 1mm; }
.initiative .depts { margin: 0; }
.initiative .status { margin: 0 0 1mm; }
.badge { display: inline-block; padding: 0 2.5mm; border: 0.3mm solid currentColor; border-radius: 1mm; font-weight: 700; font-size: 9pt; }
.badge.completed { color: #197a4b; }
.badge.in_progress { color: #0017c1; }
.badge.new { color: #ac3e00; }
.label { font-weight: 700; color: #0017c1; margin: 2mm 0 0; }
.text { white-space: pre-wrap; margin: 0; }
.results { white-space: pre; margin: 0; font-size: 9pt; }
.colophon { font-size: 9pt; }
.diff ins { background: #e6f5ec; text-decoration: none; }
.diff del { background: #fde8e8; }
@media screen {
  body { max-width: 210mm; margin: 0 auto; padding: 10mm; }
  .page { border-bottom: 1px dashed #999; margin-bottom: 10mm; padding-bottom: 10mm; }
}
`;

function statusClass(s: Status) {
  return s;
}

function numberLabel(i: Pick<Initiative, 'number'>) {
  return i.number ?? '新';
}

export function renderReportHtml(data: EditionData, opts: ReportOptions = {}): string {
  const fy = data.edition.fiscalYear;
  const summary = summaryTable(data);
  const kpis = kpiTable(data);
  const cols: Status[] = STATUS_ORDER.filter((s) => s === 'completed' || s === 'in_progress' || s === 'new' || summary.totals[s] > 0);
  const colHead: Record<Status, string> = { completed: '取組完了', in_progress: '実施中', new: '新規取組', suspended: '休止', not_started: '未着手' };
  const dash = (n: number) => (n === 0 ? '—' : String(n));
  const out: string[] = [];
  const page = (n: number | undefined) => (n === undefined ? '' : String(n));
  const link = (i: Initiative) => (opts.pages ? '' : ` href="#i-${esc(i.key)}"`);
  const shaped = hasPlanShape(data);

  out.push(`<!doctype html><html lang="ja"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">`);
  out.push(`<title>${esc(data.edition.title)}</title><style>${REPORT_CSS}${shaped ? SHAPE_CSS : ''}</style></head><body>`);

  // Cover. Metadata lines come after the lead, each recognisable by the importer as metadata.
  out.push(`<section class="page cover"><h1>${esc(data.edition.title)}</h1>`);
  if (data.edition.tagline) out.push(`<p class="tagline">${esc(data.edition.tagline)}</p>`);
  for (const para of (data.edition.lead ?? '').split(/\n{2,}/).filter(Boolean)) out.push(`<p class="lead">${esc(para)}</p>`);
  out.push(`<div class="meta"><p>${esc(fiscalYearLabel(fy))}</p>`);
  out.push(`<p>${esc(data.plan.title)}（${esc(warekiFiscalYear(data.plan.startFiscalYear))}〜${esc(warekiFiscalYear(data.plan.endFiscalYear))}）</p>`);
  if (data.edition.source) out.push(`<p>${esc(data.edition.source)}</p>`);
  out.push(`</div></section>`);

  // 1 計画の進捗状況 (a plan of its own shape: a row per group at every level, and its grades)
  if (shaped) out.push(`<section class="page">${progressSection(data, colHead)}`);
  else {
    out.push(`<section class="page"><h2 class="section">1 計画の進捗状況</h2><table><thead><tr><th>施策の体系</th>`);
    for (const s of cols) out.push(`<th class="num">${colHead[s]}</th>`);
    out.push(`<th class="num">合計</th></tr></thead><tbody>`);
    for (const r of summary.rows) {
      out.push(`<tr><td>${esc(r.pillarName)}</td>${cols.map((s) => `<td class="num">${dash(r.counts[s])}</td>`).join('')}<td class="num">${r.total}</td></tr>`);
    }
    out.push(
      `<tr><th>合 計</th>${cols.map((s) => `<td class="num">${dash(summary.totals[s])}</td>`).join('')}<td class="num">${summary.total}</td></tr></tbody></table>`,
    );
  }

  // 2 KPIの達成状況: one header row so the years and the target year sit on one line of text. A plan of
  // its own shape measures by its initiatives' indicators and prints this table only when it has KPIs.
  const withKpis = !shaped || kpis.rows.length > 0;
  if (withKpis) {
    out.push(`<h2 class="section">2 KPI の達成状況</h2><table class="kpi"><thead><tr><th>施策体系</th><th>主な施策</th>`);
    out.push(`<th class="num">目標値 (${reiwaShort(data.plan.endFiscalYear)})</th>`);
    kpis.fiscalYears.forEach((y, k) => out.push(`<th class="num">${reiwaShort(y)}${k === 0 ? ' (進捗率)' : ''}</th>`));
    out.push(`</tr></thead><tbody>`);
    let lastPillar = '';
    for (const r of kpis.rows) {
      const p = r.pillarName === lastPillar ? '' : r.pillarName;
      lastPillar = r.pillarName;
      const target = `${formatNumber(r.kpi.target)}${r.kpi.unit ? (r.kpi.unit === 'h' ? ' h' : r.kpi.unit) : ''}`;
      const cells = r.cells.map((c) => {
        if (c.actual === null) return '—';
        const v = `${formatNumber(c.actual)}${r.kpi.unit && r.kpi.unit !== 'h' ? r.kpi.unit : ''}`;
        return c.progressRate === null ? v : `${v} (${c.progressRate}%)`;
      });
      out.push(
        `<tr><td>${esc(p)}</td><td>${esc(r.kpi.name)}</td><td class="num">${esc(target)}</td>${cells.map((c) => `<td class="num">${esc(c)}</td>`).join('')}</tr>`,
      );
    }
    out.push(`</tbody></table></section>`);
  } else out.push(`</section>`);

  if (shaped) {
    // 工程表, then the contents and the pillars with every level of groups.
    out.push(scheduleSection(data, withKpis ? 3 : 2));
    out.push(contentsSection(data, link, (i) => page(opts.pages?.get(i.key))));
    out.push(pillarSections(data));
    return finish(data, opts, out);
  }

  // CONTENTS
  out.push(`<section class="page toc"><h2 class="section">CONTENTS</h2>`);
  for (const p of data.pillars) {
    out.push(`<h3>${esc(p.name)}</h3>`);
    const groups = [
      { key: null as string | null, name: null as string | null },
      ...p.subAreas.map((s) => ({ key: s.key as string | null, name: s.name as string | null })),
    ];
    for (const g of groups) {
      const items = data.initiatives.filter((i) => i.pillarKey === p.key && i.subAreaKey === g.key);
      if (items.length === 0) continue;
      if (g.name) out.push(`<h4>${esc(g.name)}</h4>`);
      out.push(`<ul>`);
      for (const i of items) {
        out.push(
          `<li><span class="t"><a${link(i)}>- ${esc(numberLabel(i))} ${esc(i.title)}</a></span><span class="p">${page(opts.pages?.get(i.key))}</span></li>`,
        );
      }
      out.push(`</ul>`);
    }
  }
  out.push(`</section>`);

  // Pillars and initiatives.
  for (const p of data.pillars) {
    out.push(`<section class="page"><div class="pillar-title"><h2>${esc(p.name)}</h2>`);
    out.push(`<p class="tagline">${esc(p.tagline ?? `${p.name}の施策。`)}</p></div>`);
    const groups = [
      { key: null as string | null, name: null as string | null },
      ...p.subAreas.map((s) => ({ key: s.key as string | null, name: s.name as string | null })),
    ];
    for (const g of groups) {
      const items = data.initiatives.filter((i) => i.pillarKey === p.key && i.subAreaKey === g.key);
      if (items.length === 0) continue;
      if (g.name) out.push(`<h3 class="subarea">○${esc(g.name)}</h3>`);
      for (const i of items) out.push(initiativeBlock(i, fy));
    }
    out.push(`</section>`);
  }
  return finish(data, opts, out);
}

/** The diff appendix and the colophon, and the document's end. */
function finish(data: EditionData, opts: ReportOptions, out: string[]): string {
  const fy = data.edition.fiscalYear;
  if (opts.diff) out.push(`<section class="page">${renderDiffSection(opts.diff)}</section>`);

  out.push(`<section class="colophon"><p>${esc(data.edition.title)}（${esc(fiscalYearLabel(fy))}）</p>`);
  out.push(`<p>${esc(data.organization.name)}（全国地方公共団体コード ${esc(data.organization.code)}）</p>`);
  if (data.edition.source) out.push(`<p>${esc(data.edition.source)}</p>`);
  out.push(`<p>このレポートは shisaku によりデータから生成されました。</p></section>`);
  out.push(`</body></html>`);
  return out.join('\n');
}

function initiativeBlock(i: Initiative, fy: number): string {
  const lines: string[] = [];
  lines.push(`<article class="initiative" id="i-${esc(i.key)}">`);
  lines.push(`<h3>${esc(numberLabel(i))}. ${esc(i.title)}</h3>`);
  lines.push(`<p class="depts">${esc(i.departments.join('、'))}</p>`);
  lines.push(`<p class="status"><span class="badge ${statusClass(i.status)}">${esc(statusLabel(i.status))}</span></p>`);
  lines.push(`<p class="label">施策内容</p><p class="text">${esc(i.content)}</p>`);
  lines.push(`<p class="label">${reiwaShort(fy)}取組</p><p class="text">${esc(i.plan)}</p>`);
  lines.push(`<p class="label">実績</p>`);
  const text = i.resultsText.trim() || synthesizedResults(i);
  lines.push(`<p class="results">${esc(text)}</p>`);
  lines.push(`</article>`);
  return lines.join('\n');
}

/** Results entered as values (not as printed text), or — where there are none. */
function synthesizedResults(i: Initiative): string {
  return resultsFromValues(i) || '—';
}
