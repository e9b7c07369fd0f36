// Which fiscal year an initiative's results (実績) are for, as its printed text says (「【令和4年度】」), and
// whether a document says it at all. Where nothing says it the year is unknown (null), never assumed: the
// plan-text import, the workbook and the form read the year from here, and lint reports the initiatives
// with results whose year is unknown.
import type { Initiative } from './model.ts';
import { parseWarekiYear } from './wareki.ts';

/** "令和4年度", "R4", "2022年度" → 2022; null for anything else. */
export function parseResultsYear(text: string): number | null {
  const wareki = parseWarekiYear(text);
  if (wareki !== null) return wareki;
  const m = /^((?:19|20)\d{2})(?:年度?)?$/.exec(text.normalize('NFKC').replace(/\s/g, ''));
  return m ? Number(m[1]) : null;
}

/** The year named by the first 【…】 of the printed 実績 text that is a year, or null when it names none. */
export function statedResultsYear(resultsText: string): number | null {
  for (const m of resultsText.matchAll(/【(.+?)】/g)) {
    const year = parseResultsYear(m[1]!);
    if (year !== null) return year;
  }
  return null;
}

/** Whether there are results to date: a value, or a printed line other than a year heading or a dash (「—」 says there are none). */
export function hasResults(i: Pick<Initiative, 'results' | 'resultsText'>): boolean {
  return i.results.length > 0 || i.resultsText.split('\n').some((l) => !/^\s*(【[^】]*】|[—―－‐-])?\s*$/.test(l));
}

/**
 * The one year the document's results name where every initiative that names one names the same: the
 * document then says what year its results are for, and an initiative that repeats no heading shares it.
 * Null when none names a year or they disagree.
 */
export function documentResultsYear(initiatives: readonly Pick<Initiative, 'resultsText'>[]): number | null {
  const years = new Set(initiatives.map((i) => statedResultsYear(i.resultsText)).filter((y): y is number => y !== null));
  return years.size === 1 ? [...years][0]! : null;
}

/** The one year the initiatives' results are for where every one with a known year has the same; null when none has one or they differ. */
export function reportedResultsYear(initiatives: readonly Pick<Initiative, 'resultsFiscalYear'>[]): number | null {
  const years = new Set(initiatives.map((i) => i.resultsFiscalYear).filter((y): y is number => y !== null));
  return years.size === 1 ? [...years][0]! : null;
}

/**
 * The year of the results of an initiative that has no year yet (one a workbook or the form adds): unknown
 * while it has no results; once it has some, the year its own text names, else the one year the edition's
 * other initiatives report for, else still unknown.
 */
export function joiningResultsYear(i: Pick<Initiative, 'results' | 'resultsText'>, others: readonly Pick<Initiative, 'resultsFiscalYear'>[]): number | null {
  if (!hasResults(i)) return null;
  return statedResultsYear(i.resultsText) ?? reportedResultsYear(others);
}

/** The admin's heading over an initiative's results: 「実績【2022年度】」, or 「実績（年度の記載なし）」 where no source names the year. */
export function resultsHeading(year: number | null): string {
  return year === null ? '実績（年度の記載なし）' : `実績【${year}年度】`;
}
