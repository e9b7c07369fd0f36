// The cover's two printed tables, read as printed: 計画の進捗状況 (initiatives by status per pillar) and
// KPIの達成状況 (target and actuals by year), with the cell splitting they need. Apart from the document
// parser (plan-text.ts) because a table row is read by its own rules, not as prose.
import { normalizeNumber } from '../../domain/decimal.ts';
import { parseStatus, type Status } from '../../domain/model.ts';
import { parseWarekiYear } from '../../domain/wareki.ts';
import type { NameOccurrence, PrintedKpiRow, PrintedSummaryRow } from '../../domain/plan-document.ts';
import { isBlank, squash, type Line } from './lines.ts';

/** "Nothing yet" as printed: em dash, horizontal bar (Shift_JIS has no em dash), hyphen. */
const NONE = /^[—―－\-‐]$/;

export function cells(line: Line): string[] {
  const n = line.raw.normalize('NFKC');
  const parts = n.includes('\t') ? n.split('\t') : n.trim().split(/\s{2,}/);
  return parts.map((p) => p.replace(/\*\*/g, '').replace(/\s+/g, ' ').trim());
}

function findLine(lines: Line[], re: RegExp, from: number, to: number): number {
  for (let i = from; i < to; i++) if (re.test(lines[i]!.text)) return i;
  return -1;
}

/** 計画の進捗状況 as printed, from its heading at `summaryIdx`. */
export function readSummaryTable(lines: Line[], summaryIdx: number): PrintedSummaryRow[] {
  const summary: PrintedSummaryRow[] = [];
  const headerAt = findLine(lines, /合\s*計/, summaryIdx + 1, Math.min(lines.length, summaryIdx + 5));
  const header = headerAt >= 0 ? cells(lines[headerAt]!) : [];
  const columns = header.slice(1).map((h): Status | 'total' | null => {
    const t = squash(h);
    if (t === '合計') return 'total';
    return parseStatus(t) ?? (t.includes('完了') ? 'completed' : t.includes('新規') ? 'new' : null);
  });
  for (let i = headerAt + 1; headerAt >= 0 && i < lines.length; i++) {
    const l = lines[i]!;
    if (isBlank(l)) {
      if (summary.length) break;
      continue;
    }
    const c = cells(l);
    if (c.length < 2 || !c.slice(1).every((x) => NONE.test(x) || /^\d+$/.test(x))) break;
    const row: PrintedSummaryRow = { pillarName: c[0]!, counts: {}, total: null, isTotal: squash(c[0]!) === '合計', line: l.no };
    c.slice(1).forEach((v, k) => {
      const n = /^\d+$/.test(v) ? Number(v) : 0;
      const col = columns[k];
      if (col === 'total') row.total = n;
      else if (col) row.counts[col] = n;
    });
    summary.push(row);
  }
  return summary;
}

/**
 * KPIの達成状況 as printed, from its heading at `kpiIdx` up to `end`; each row's pillar is added to `names`.
 * Returns the rows, the year columns and the target year.
 */
export function readKpiTable(lines: Line[], kpiIdx: number, end: number, pillarNames: string[], names: NameOccurrence[]) {
  const printedKpis: PrintedKpiRow[] = [];
  let kpiYears: number[] = [];
  let kpiTargetYear: number | null = null;
  let pillar = '';
  for (let i = kpiIdx + 1; i < end; i++) {
    const l = lines[i]!;
    if (isBlank(l)) continue;
    const years = [...l.text.matchAll(/R\s*(\d+)/g)].map((m) => parseWarekiYear(`R${m[1]}`)!);
    if (/目標値/.test(l.text)) {
      if (years.length) kpiTargetYear = years[0]!;
      // A one-row header also carries the year columns: "目標値 (R8) R4 (進捗率) R5 R6 R7 R8".
      if (years.length >= 3) kpiYears = years.slice(1);
      continue;
    }
    if (years.length >= 2 && !/\d%/.test(l.text.replace(/R\s*\d+/g, ''))) {
      kpiYears = years;
      continue;
    }
    if (kpiYears.length === 0) continue;
    let c = cells(l);
    if (c.length !== kpiYears.length + 3 && c.length !== kpiYears.length + 2) c = kpiCellsByShape(l.text, kpiYears.length, pillarNames) ?? c;
    if (c.length < 3) continue;
    // Cells: [pillar?], name, target, one per year. Count from the right so a missing pillar cell works.
    const yearCells = c.slice(-kpiYears.length);
    const head = c.slice(0, c.length - kpiYears.length);
    const targetText = head.pop() ?? '';
    let name = head.pop() ?? '';
    // Pillar and name fused by a single space ("デジタル環境整備 コンビニ等での…").
    const fused = head.length === 0 ? pillarNames.find((p) => name.startsWith(`${p} `)) : undefined;
    if (fused) {
      head.push(fused);
      name = name.slice(fused.length).trim();
    }
    if (head.length && head[0]) pillar = head[0];
    if (!name) continue;
    const rowCells: PrintedKpiRow['cells'] = {};
    yearCells.forEach((cell, k) => {
      if (!cell || NONE.test(cell)) return;
      const m = /^(.*?)\s*\(\s*([\d.]+)\s*%\s*\)$/.exec(cell);
      rowCells[String(kpiYears[k])] = { actual: (m ? m[1]! : cell).trim(), rate: m ? m[2]! : null };
    });
    printedKpis.push({ pillarName: pillar, name, targetText, cells: rowCells, line: l.no });
    names.push({ kind: 'pillar', name: pillar, line: l.no, where: 'KPIの達成状況' });
  }
  return { printedKpis, kpiYears, kpiTargetYear };
}

/**
 * A KPI row whose cells are not separated clearly (one space between them, as pdftotext may print a
 * narrow table) is read from the right by the shape of its values: N year cells, then the target, then
 * the name, with the pillar in front when the row names one.
 */
function kpiCellsByShape(text: string, years: number, pillarNames: string[]): string[] | null {
  const cell = String.raw`(?:—|―|-|[\d,]+(?:\.\d+)?\s?%?(?:\s?\(\s?[\d.]+\s?%\s?\))?)`;
  const target = String.raw`[\d,]+(?:\.\d+)?\s?(?:%|[A-Za-z]+\b|[^\s\d—―()]{1,4})?`;
  const m = new RegExp(String.raw`^(.*?)\s+(${target})\s+(${cell}(?:\s+${cell}){${years - 1}})$`).exec(text);
  if (!m) return null;
  const yearCells = m[3]!.match(new RegExp(cell, 'g')) ?? [];
  if (yearCells.length !== years) return null;
  const head = m[1]!.trim();
  const pillar = pillarNames.find((p) => head.startsWith(`${p} `));
  return [pillar ?? '', pillar ? head.slice(pillar.length).trim() : head, m[2]!.trim(), ...yearCells.map((x) => x.trim())];
}

/** "3,300 h" → 3300 / h; "23%" → 23 / %; "2,682,332" → 2682332 / null. */
export function splitValue(text: string): { value: string | null; unit: string | null } {
  const t = text.normalize('NFKC').trim();
  const m = /^([\d,]+(?:\.\d+)?)\s*(.*)$/.exec(t);
  if (!m) return { value: null, unit: null };
  return { value: normalizeNumber(m[1]!), unit: m[2]!.trim() || null };
}
