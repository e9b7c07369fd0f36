// Reading "label actual unit (target unit)" out of the free text under 実績 and R5取組.
// The sample writes the same thing many ways: "交付率 73.6% (70%)", a label line followed by
// "1,165回（1,200回）", two results on one line, a bare "2,375時間", notes in parentheses or after ※.
import { normalizeNumber } from '../../domain/decimal.ts';
import type { PlanTarget, Result } from '../../domain/model.ts';
import type { Line } from './lines.ts';

const NUM = String.raw`\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?`;
// A unit is short and is not a sentence: "%", "件", "回", "時間", "手続", "ライセンス", "h".
const UNIT = String.raw`[^\s\d（）()、。,.:：/|~〜]{0,5}`;
const VALUE = new RegExp(String.raw`(?<=^|[\s|])(${NUM})\s*(${UNIT})(?:\s*[（(]\s*(${NUM})\s*(${UNIT})\s*[）)])?(?=$|\s|[（(])`, 'gu');

/** Dates and periods carry digits but are not measurements: 2023.3, 令和4年12月16日, 9/30. */
const DATE = /\d{4}\.\d{1,2}|\d+年\d+月|\d+月\d+日|\d+\/\d+/;

export interface ValueHit {
  label: string;
  actual: string;
  actualUnit: string | null;
  target: string | null;
  targetUnit: string | null;
  rest: string;
}

/** Every value on a line, each with the text before it (since the previous value) as its label. */
export function valuesOnLine(text: string): ValueHit[] {
  if (DATE.test(text)) return [];
  const hits: ValueHit[] = [];
  let last = 0;
  for (const m of text.matchAll(VALUE)) {
    const actual = normalizeNumber(m[1]!);
    if (actual === null) continue;
    const target = m[3] ? normalizeNumber(m[3]) : null;
    const label = text.slice(last, m.index).trim();
    hits.push({
      label,
      actual,
      actualUnit: m[2] || null,
      target,
      targetUnit: m[4] || null,
      rest: '',
    });
    last = m.index! + m[0].length;
  }
  if (hits.length) hits[hits.length - 1]!.rest = text.slice(last).trim();
  return hits;
}

function isNoteLine(text: string): boolean {
  return /^[（(].*[）)]$/.test(text) || text.startsWith('※');
}

/** A line that names a measurement whose value follows on the next line. */
function isLabelOnly(l: Line): boolean {
  return l.text !== '' && valuesOnLine(l.text).length === 0 && !isNoteLine(l.text) && !/。$/.test(l.text);
}

export interface ParsedResults {
  results: Result[];
  /** Labels that announce a value that never came (83 印刷経費削減額). */
  dangling: { label: string; line: number }[];
  lines: number[];
}

export function parseResults(lines: Line[]): ParsedResults {
  const results: Result[] = [];
  const resultLines: number[] = [];
  const dangling: { label: string; line: number }[] = [];
  let heading: { label: string; line: number; used: boolean } | null = null;
  for (const l of lines) {
    const text = l.text;
    if (text === '' || /^【.*】$/.test(text) || /^[—―－‐-]$/.test(text) || /^\|?[-|\s]+\|?$/.test(text)) continue;
    const cells = text.includes('|')
      ? text
          .replace(/^\||\|$/g, '')
          .split('|')
          .map((s) => s.trim())
          .join(' ')
      : text;
    const note = isNoteLine(cells);
    const hits = note ? [] : valuesOnLine(cells);
    if (hits.length === 0) {
      if (note && results.length) {
        const prev = results[results.length - 1]!;
        prev.note = prev.note ? `${prev.note} ${cells}` : cells;
        prev.raw += `\n${l.raw.trim()}`;
        continue;
      }
      if (heading && !heading.used) dangling.push({ label: heading.label, line: heading.line });
      heading =
        isLabelOnly(l) && l.bullet
          ? { label: cells, line: l.no, used: false }
          : isLabelOnly(l) && !/[。、]/.test(cells)
            ? { label: cells, line: l.no, used: false }
            : null;
      continue;
    }
    for (const [i, h] of hits.entries()) {
      if (i > 0 && h.label === '' && h.target === null) {
        // "12 回（12 回） 47 人参加": an unlabelled figure after a result describes it.
        const prev = results[results.length - 1]!;
        const extra = `${h.actual}${h.actualUnit ?? ''}${h.rest ? ` ${h.rest}` : ''}`;
        prev.note = prev.note ? `${prev.note} ${extra}` : extra;
        continue;
      }
      // A heading ("ICT機器活用の支援体制") names every figure beneath it until the next bullet item.
      let label = h.label;
      if (heading) label = label ? `${heading.label} ${label}` : heading.label;
      if (label === '' && results.length) label = results[results.length - 1]!.label;
      results.push({
        label,
        actual: h.actual,
        target: h.target,
        unit: h.actualUnit ?? h.targetUnit,
        note: i === hits.length - 1 && h.rest ? h.rest : null,
        raw: l.raw.trim(),
      });
      resultLines.push(l.no);
    }
    if (heading) heading.used = true;
    if (l.bullet && hits[0]!.label !== '') heading = null;
  }
  if (heading && !heading.used) dangling.push({ label: heading.label, line: heading.line });
  return { results, dangling, lines: resultLines };
}

/** Numeric targets in this year's plan: bullets such as "・マイナンバーカード交付率 85%". */
export function parsePlanTargets(lines: Line[]): PlanTarget[] {
  const targets: PlanTarget[] = [];
  let pending: Line | null = null;
  for (const l of lines) {
    if (l.text === '') continue;
    const hits = valuesOnLine(l.text);
    if (hits.length === 0) {
      pending = l.bullet ? l : null;
      continue;
    }
    if (!l.bullet && !pending) continue;
    for (const h of hits) {
      const label = h.label || (pending ? pending.text : '');
      targets.push({ label, value: h.actual, unit: h.actualUnit, raw: (pending && !h.label ? `${pending.raw.trim()}\n` : '') + l.raw.trim() });
    }
    pending = null;
  }
  return targets;
}
