// Spreadsheet formula injection guard for exported cells, and its inverse for cells read back in.
//
// A text cell that a spreadsheet would run as a formula (= + - @, tab, CR) is written with a leading
// apostrophe. A text that already starts with an apostrophe gets one more, so that the pair is a
// bijection: restoreFormula(neutralizeFormula(s)) === s for every string, and an export → import round
// trip never adds (or eats) an apostrophe.

/** Characters that make a spreadsheet treat a text as a formula, plus the apostrophe itself. */
const NEEDS_QUOTE = /^[=+\-@\t\r']/;
/** A plain number such as -5 is a value, not a formula, and is left alone. */
const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;
/** What neutralizeFormula produces when it quotes: an apostrophe followed by one of NEEDS_QUOTE. */
const QUOTED = /^'[=+\-@\t\r']/;

/**
 * A text cell that a spreadsheet would run as a formula (= + - @, tab, CR), or that starts with an
 * apostrophe, gets a leading apostrophe. Numbers (and texts that are plain numbers, like "-5") are
 * left alone.
 */
export function neutralizeFormula(v: string): string;
export function neutralizeFormula(v: number): number;
export function neutralizeFormula(v: null): null;
export function neutralizeFormula(v: string | number | null): string | number | null;
export function neutralizeFormula(v: string | number | null): string | number | null {
  if (typeof v !== 'string' || v === '') return v;
  if (PLAIN_NUMBER.test(v)) return v;
  return NEEDS_QUOTE.test(v) ? `'${v}` : v;
}

/**
 * Undoes neutralizeFormula: removes exactly one leading apostrophe when it is followed by one of
 * = + - @ tab CR or another apostrophe. Any other text (and any non-string) comes back as it is.
 */
export function restoreFormula(s: string): string;
export function restoreFormula(s: number): number;
export function restoreFormula(s: null): null;
export function restoreFormula(s: string | number | null): string | number | null;
export function restoreFormula(s: string | number | null): string | number | null {
  if (typeof s !== 'string') return s;
  return QUOTED.test(s) ? s.slice(1) : s;
}
