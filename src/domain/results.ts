// Editing an initiative's results (実績) the same way from every door (the form, the workbook, CSV):
// which stored row an edited row stands for, what its printed line says, and how the printed 実績 text
// follows the values. Unchanged rows keep their text exactly as the source printed it; a changed or new
// row is printed the way the sample prints one; prose lines that are not a value are never touched.
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
    const find = (old: Result) => {
      const wanted = printedLine(old);
      return lines!.findIndex((l) => wanted.includes(l.trim()));
    };
    const kept = new Set(origin.filter((k): k is number => k !== null));
    const appended: string[] = [];
    const removeAt = new Set<number>();
    stored.results.forEach((old, k) => {
      if (kept.has(k)) return;
      const at = find(old);
      if (at >= 0) removeAt.add(at);
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
      const at = find(old);
      if (at >= 0 && !removeAt.has(at)) lines![at] = lines![at]!.replace(lines![at]!.trim(), resultLine(now));
      else appended.push(resultLine(now));
    });
    lines = [...lines.filter((_, n) => !removeAt.has(n)), ...appended];
  }
  return { results, resultsText: lines ? lines.join('\n') : '' };
}

/** "・マイナンバーカード交付率 85%", as the sample prints a target of this year's plan. */
export function targetLine(p: { label: string; value: string | null; unit: string | null }): string {
  const value = p.value !== null ? `${formatNumber(p.value)}${p.unit ?? ''}` : '';
  // A target without a name is printed as its value: 「・26コンテンツ」.
  return p.label ? [`・${p.label}`, value].filter(Boolean).join(' ') : `・${value}`;
}
