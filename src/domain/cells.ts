// Reading a spreadsheet's cells: a cell as text (formula guard undone, trailing spaces dropped), as a
// decimal number with the reason when it is not one, and a header's column lookup. Shared by every sheet
// the preview reads, apart from the preview's own logic in changes.ts. Pure.
import { normalizeNumber } from './decimal.ts';
import { restoreFormula } from './formula.ts';

export type Cell = string | number | null | { formula: string } | { error: string } | Date;

export interface CellError {
  sheet: string;
  row: number;
  column: string;
  message: string;
}

export function text(c: Cell): string | null {
  if (c === null) return null;
  if (typeof c === 'number') return String(c);
  if (typeof c === 'string') {
    // The export's quote is taken off first: it quotes a text that starts with a CR as '\r…, which reads
    // as '\n… once line ends are normalised and would keep its apostrophe.
    const t = cellForm(restoreFormula(c).replace(/\r\n?/g, '\n'));
    return t === '' ? null : t;
  }
  if (c instanceof Date) return c.toISOString().slice(0, 10);
  return null;
}

/** A text as a cell gives it back: line ends normalised, blanks at the end of each line and around the whole dropped. */
export function cellForm(s: string): string {
  return s
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t\u3000]+$/gm, '')
    .trim();
}

/** A decimal string from what a person typed: full-width digits, commas, spaces, a number cell. */
export function numberCell(c: Cell, where: Omit<CellError, 'message'>, errors: CellError[]): string | null {
  if (c === null || c === '') return null;
  if (typeof c === 'object' && c !== null && 'formula' in c) {
    errors.push({ ...where, message: `数式は使えません。値を入力してください「=${c.formula}」` });
    return null;
  }
  if (typeof c === 'object' && c !== null && 'error' in c) {
    errors.push({ ...where, message: `セルがエラー値です「${c.error}」` });
    return null;
  }
  if (c instanceof Date) {
    errors.push({ ...where, message: `日付になっています。数値を入力してください「${c.toISOString().slice(0, 10)}」` });
    return null;
  }
  if (typeof c === 'number') {
    if (!Number.isFinite(c)) {
      errors.push({ ...where, message: `数値ではありません「${c}」` });
      return null;
    }
    // A double from Excel: 15 significant digits is what Excel itself shows.
    return normalizeNumber(Number(c.toPrecision(15)).toString());
  }
  const t = restoreFormula(c).normalize('NFKC').trim();
  if (t === '' || /^[—―\-‐]$/.test(t)) return null;
  const n = normalizeNumber(t);
  if (n === null) errors.push({ ...where, message: `数値ではありません「${c}」` });
  return n;
}

export function columnIndex(header: string[]): (name: string) => number {
  const norm = header.map((h) => h.normalize('NFKC').trim());
  return (name: string) => norm.indexOf(name.normalize('NFKC'));
}
