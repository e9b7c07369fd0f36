// Editing an initiative's results (実績) the same way from every door (the form, the workbook, CSV):
// which stored row an edited row stands for, what its printed line says, and how the printed 実績 text
// follows the values. Unchanged rows keep their text exactly as the source printed it; a changed or new
// row is printed the way the sample prints one; prose lines that are not a value are never touched by a
// change of values. The prose itself (the lines that are not a value's line) is edited on its own
// (proseOf, withProse), and its lines stay where they stand among the value lines.
import { diffArrays } from 'diff';
import { formatNumber } from './decimal.ts';
import type { Result } from './model.ts';

export type ResultValues = Omit<Result, 'raw'>;

/** "・マイナンバーカード交付率 73.6% (70%)", as the sample prints a result. */
export function resultLine(r: ResultValues): string {
  const v = (x: string) => `${formatNumber(x)}${r.unit ?? ''}`;
  const parts = [`・${r.label}`];
  if (r.actual !== null) parts.push(v(r.actual));
  if (r.target !== null) parts.push(`(${v(r.target)})`);
  return parts.join(' ');
}

/** True when the printed line of a result would differ (備考 is not printed in the line). */
function lineChanged(a: ResultValues, b: ResultValues): boolean {
  return a.label !== b.label || a.actual !== b.actual || a.target !== b.target || (a.unit ?? null) !== (b.unit ?? null);
}

export function sameValues(a: ResultValues, b: ResultValues): boolean {
  return !lineChanged(a, b) && (a.note ?? null) === (b.note ?? null);
}

/**
 * For each edited row, the index of the stored row it stands for, or null for a new row. Rows of one
 * label are matched first to a stored row with exactly the same values (so reordering rows that share a
 * label changes nothing), then by their order among rows of that label. With `byPosition`, rows left
 * over are matched in order to stored rows left over (the form, where a row renamed in place is that row).
 */
export function pairResults(stored: readonly ResultValues[], edited: readonly ResultValues[], opts: { byPosition?: boolean } = {}): (number | null)[] {
  const origin: (number | null)[] = edited.map(() => null);
  const used = new Set<number>();
  edited.forEach((r, j) => {
    const k = stored.findIndex((s, k) => !used.has(k) && sameValues(s, r));
    if (k >= 0) {
      origin[j] = k;
      used.add(k);
    }
  });
  edited.forEach((r, j) => {
    if (origin[j] !== null) return;
    const k = stored.findIndex((s, k) => !used.has(k) && s.label === r.label);
    if (k >= 0) {
      origin[j] = k;
      used.add(k);
    }
  });
  if (opts.byPosition) {
    const left = stored.map((_, k) => k).filter((k) => !used.has(k));
    edited.forEach((_, j) => {
      if (origin[j] === null && left.length) {
        origin[j] = left.shift()!;
        used.add(origin[j]!);
      }
    });
  }
  return origin;
}

function printedLine(r: Result): string[] {
  const own = r.raw.replace(/^[-‐]\s*/, '').trim();
  return [...new Set([own, resultLine(r)].filter(Boolean))];
}

/**
 * Where a result's printed line stands in the lines of a text: the first place where one of its printed
 * forms is, line by line (a label typed over two lines prints over two lines), skipping lines in `skip`.
 */
function spanOf(lines: readonly string[], forms: readonly string[], skip: ReadonlySet<number> = new Set()): { at: number; length: number } | null {
  const parts = forms.map((f) => f.split('\n').map((l) => l.trim()));
  for (let at = 0; at < lines.length; at++) {
    for (const p of parts) {
      if (p.every((l, j) => at + j < lines.length && !skip.has(at + j) && lines[at + j]!.trim() === l)) return { at, length: p.length };
    }
  }
  return null;
}

/**
 * The results and printed text after an edit. `edited` is the new list in its new order, `origin` says
 * which stored row each one stands for (pairResults). Unchanged rows keep `raw`; changed and new rows are
 * printed anew. In the printed text, the line of a changed row is replaced, of a removed row deleted, and
 * a new row's line appended; where a changed row's line cannot be found, its new line is appended. An
 * empty printed text stays empty (the report then prints the values).
 */
export function reviseResults(
  stored: { results: readonly Result[]; resultsText: string },
  edited: readonly ResultValues[],
  origin: readonly (number | null)[],
): { results: Result[]; resultsText: string } {
  const results: Result[] = edited.map((r, j) => {
    const k = origin[j];
    const old = k === null || k === undefined ? null : stored.results[k]!;
    const values: ResultValues = { label: r.label, actual: r.actual, target: r.target, unit: r.unit, note: r.note };
    return { ...values, raw: old && !lineChanged(old, values) ? old.raw : resultLine(values) };
  });
  let lines = stored.resultsText === '' ? null : stored.resultsText.split('\n');
  if (lines) {
    // The lines after the first of a printed line that spans several: gone once the line is rewritten.
    const spanRest = new Set<number>();
    const find = (old: Result) => spanOf(lines!, printedLine(old), spanRest);
    const kept = new Set(origin.filter((k): k is number => k !== null));
    const appended: string[] = [];
    const removeAt = new Set<number>();
    stored.results.forEach((old, k) => {
      if (kept.has(k)) return;
      const span = find(old);
      if (span) for (let n = 0; n < span.length; n++) removeAt.add(span.at + n);
    });
    edited.forEach((_, j) => {
      const k = origin[j];
      const now = results[j]!;
      if (k === null || k === undefined) {
        appended.push(resultLine(now));
        return;
      }
      const old = stored.results[k]!;
      if (!lineChanged(old, now)) return;
      const span = find(old);
      if (span && !removeAt.has(span.at)) {
        lines![span.at] = lines![span.at]!.replace(lines![span.at]!.trim(), resultLine(now));
        for (let n = 1; n < span.length; n++) spanRest.add(span.at + n);
      } else appended.push(resultLine(now));
    });
    lines = [...lines.filter((_, n) => !removeAt.has(n) && !spanRest.has(n)), ...appended];
  }
  return { results, resultsText: lines ? lines.join('\n') : '' };
}

/** "・マイナンバーカード交付率 85%", as the sample prints a target of this year's plan. */
export function targetLine(p: { label: string; value: string | null; unit: string | null }): string {
  const value = p.value !== null ? `${formatNumber(p.value)}${p.unit ?? ''}` : '';
  // A target without a name is printed as its value: 「・26コンテンツ」.
  return p.label ? [`・${p.label}`, value].filter(Boolean).join(' ') : `・${value}`;
}

/** Which lines of a printed text are results' lines: each result claims the first place not yet claimed that prints it (one line or several). */
function valueLines(lines: readonly string[], results: readonly Result[]): Set<number> {
  const claimed = new Set<number>();
  for (const r of results) {
    const span = spanOf(lines, printedLine(r), claimed);
    if (span) for (let n = 0; n < span.length; n++) claimed.add(span.at + n);
  }
  return claimed;
}

/** The prose of an initiative's printed 実績 text: the lines that are not a result's line, in order. */
export function proseOf(i: { results: readonly Result[]; resultsText: string }): string {
  const lines = i.resultsText === '' ? [] : i.resultsText.split('\n');
  const values = valueLines(lines, i.results);
  return lines.filter((_, k) => !values.has(k)).join('\n');
}

/**
 * The printed 実績 text with its prose replaced, the value lines left where they stand: a prose line kept
 * stays in place, a changed one is written where the old one was, a new one goes after the prose line
 * before it (and the value lines that follow that line), or first. Where there was no prose, the new prose
 * goes before the value lines when it opens with a heading (【令和5年度】), after them otherwise. An empty
 * text, which the report prints from the values, gets its value lines written out once there is prose.
 */
export function withProse(i: { results: readonly Result[]; resultsText: string }, prose: string): string {
  const lines = i.resultsText === '' ? i.results.map((r) => resultLine(r)) : i.resultsText.split('\n');
  const values = valueLines(lines, i.results);
  const old = lines.map((line, k) => ({ line, k })).filter((x) => !values.has(x.k));
  const now = prose === '' ? [] : prose.split('\n');
  const removed = new Set<number>();
  const before = new Map<number, string[]>();
  let p = 0;
  let replacing: number | null = null;
  for (const part of diffArrays(
    old.map((x) => x.line),
    now,
  )) {
    if (part.removed) {
      replacing = old[p]!.k;
      for (let n = 0; n < part.count; n++) removed.add(old[p++]!.k);
      continue;
    }
    if (part.added) {
      // Without prose to stand by, a block that opens with a heading (【令和5年度】) goes first, any other after the values.
      const first = old.length === 0 ? (/^\s*【/.test(part.value[0] ?? '') ? 0 : lines.length) : 0;
      const at = replacing ?? (p === 0 ? first : p < old.length ? old[p]!.k : lines.length);
      before.set(at, [...(before.get(at) ?? []), ...part.value]);
    } else p += part.count;
    replacing = null;
  }
  const out: string[] = [];
  for (let k = 0; k <= lines.length; k++) {
    out.push(...(before.get(k) ?? []));
    if (k < lines.length && !removed.has(k)) out.push(lines[k]!);
  }
  // Nothing but the values left of a text that was empty: empty again, the report prints the values.
  if (i.resultsText === '' && out.length === lines.length && out.every((l, k) => l === lines[k])) return '';
  return out.join('\n');
}
