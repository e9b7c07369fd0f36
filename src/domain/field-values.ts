// The values of an initiative's own sections (the plan definition's `fields`): reading what a person typed
// or a spreadsheet cell held into the stored form (FieldValue: decimal strings for money and number,
// YYYY-MM-DD for dates, the option as the plan spells it, a boolean), and writing a stored value back for a
// page, an export and a workbook cell. Every refusal is a Japanese sentence naming the section and what was
// typed; nothing here throws. Pure.
import { Decimal } from 'decimal.js';
import { formatNumber, normalizeNumber } from './decimal.ts';
import { cellForm } from './cells.ts';
import type { FieldDef, FieldValue, Initiative } from './model.ts';

export type FieldParse = { ok: true; value: FieldValue | null } | { ok: false; message: string };

/** What a section's value is read from: a form's text, a cell (number, boolean, date), or nothing. */
export type FieldInput = string | number | boolean | Date | null | undefined;

/** How a typed choice is matched to a select option: width and spaces do not tell two options apart (so a definition may not hold two that differ only so). */
export const optionForm = (s: string): string => s.normalize('NFKC').replace(/\s/g, '');

const ok = (value: FieldValue | null): FieldParse => ({ ok: true, value });
const no = (message: string): FieldParse => ({ ok: false, message });

/** What was typed, short enough for a message. */
function shown(raw: FieldInput): string {
  const s = raw instanceof Date ? (Number.isNaN(raw.getTime()) ? '不正な日付' : raw.toISOString().slice(0, 10)) : String(raw);
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

const YES = new Set(['はい', 'true', '1', '○', '◯', '〇', '有', 'あり', 'yes', 'y']);
const NO = new Set(['いいえ', 'false', '0', '×', '✕', '無', 'なし', 'no', 'n']);

/**
 * The stored value of `raw` for the section `def`, or why it cannot be one. An empty value is null (the
 * section is left blank), never an error.
 */
export function parseFieldValue(def: FieldDef, raw: FieldInput): FieldParse {
  if (raw === null || raw === undefined) return ok(null);
  if (typeof raw === 'string' && raw.trim() === '') return ok(null);
  const label = def.label;
  switch (def.type) {
    case 'text': {
      if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? no(`${label}の日付が読めません`) : ok(raw.toISOString().slice(0, 10));
      if (typeof raw === 'boolean') return ok(raw ? 'はい' : 'いいえ');
      const t = cellForm(String(raw));
      return ok(t === '' ? null : t);
    }
    case 'money':
    case 'number': {
      const n = numberOf(raw);
      if (n === undefined) return no(`${label}は数値で書きます「${shown(raw)}」`);
      return ok(n);
    }
    case 'url': {
      if (typeof raw !== 'string') return no(`${label}は http:// か https:// で始まるアドレスで書きます「${shown(raw)}」`);
      const t = raw.trim();
      if (/\s/.test(t)) return no(`${label}のアドレスに空白や改行があります「${shown(t)}」`);
      let url: URL;
      try {
        url = new URL(t);
      } catch {
        return no(`${label}は http:// か https:// で始まるアドレスで書きます「${shown(t)}」`);
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:')
        return no(`${label}は http:// か https:// で始まるアドレスで書きます（${url.protocol.replace(/:$/, '')} は使えません）「${shown(t)}」`);
      if (!url.hostname) return no(`${label}のアドレスにホスト名がありません「${shown(t)}」`);
      return ok(t);
    }
    case 'date': {
      const d = dateOf(raw);
      if (typeof d === 'object') return no(`${label}${d.problem}「${shown(raw)}」`);
      return ok(d);
    }
    case 'select': {
      const options = def.options ?? [];
      const typed = typeof raw === 'string' ? raw : typeof raw === 'boolean' ? (raw ? 'はい' : 'いいえ') : shown(raw);
      const form = optionForm(typed);
      const found = options.find((o) => optionForm(o) === form);
      if (found === undefined) return no(`${label}は ${options.join('、')} のどれかを選びます「${shown(typed.trim())}」`);
      return ok(found);
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return ok(raw);
      if (typeof raw === 'number' && (raw === 1 || raw === 0)) return ok(raw === 1);
      const t = typeof raw === 'string' ? raw.normalize('NFKC').trim().toLowerCase() : '';
      if (YES.has(t)) return ok(true);
      if (NO.has(t)) return ok(false);
      return no(`${label}は「はい」か「いいえ」で書きます「${shown(raw)}」`);
    }
  }
}

/**
 * A decimal string from a cell or a typed number: full-width digits, 1,234, and the △/▲ that Japanese
 * budgets print for a minus. A dash alone means nothing was entered. undefined when it is not a number.
 */
function numberOf(raw: FieldInput): string | null | undefined {
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw)) return undefined;
    // A double from a spreadsheet: 15 significant digits is what Excel itself shows.
    return new Decimal(raw.toPrecision(15)).toFixed();
  }
  if (typeof raw !== 'string') return undefined;
  const t = raw.normalize('NFKC').trim();
  if (/^[—―\-‐]$/.test(t)) return null;
  return normalizeNumber(t.replace(/^[△▲]\s*/, '-')) ?? undefined;
}

const ERAS: { names: string[]; start: string; end: string; offset: number }[] = [
  { names: ['令和', 'R'], start: '2019-05-01', end: '9999-12-31', offset: 2018 },
  { names: ['平成', 'H'], start: '1989-01-08', end: '2019-04-30', offset: 1988 },
  { names: ['昭和', 'S'], start: '1926-12-25', end: '1989-01-07', offset: 1925 },
];

/** YYYY-MM-DD of a real day, or what is wrong with the date as a phrase after the section's name. */
function dateOf(raw: FieldInput): string | { problem: string } {
  if (raw instanceof Date) {
    // Spreadsheet readers give a date cell as UTC midnight of that day (cells.ts reads them the same way).
    if (Number.isNaN(raw.getTime())) return { problem: 'の日付が読めません' };
    return raw.toISOString().slice(0, 10);
  }
  if (typeof raw !== 'string') return { problem: 'は日付で書きます（例: 2024-04-01、2024/4/1、令和6年4月1日）' };
  const t = raw.normalize('NFKC').replace(/\s/g, '');
  let m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(t) ?? /^(\d{4})年(\d{1,2})月(\d{1,2})日$/.exec(t);
  if (m) return day(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(令和|平成|昭和|R|H|S)(元|\d{1,2})(?:年(\d{1,2})月(\d{1,2})日|[.](\d{1,2})[.](\d{1,2}))$/i.exec(t);
  if (m) {
    const era = ERAS.find((e) => e.names.includes(m![1]!.toUpperCase()))!;
    const year = era.offset + (m[2] === '元' ? 1 : Number(m[2]));
    const d = day(year, Number(m[3] ?? m[5]), Number(m[4] ?? m[6]));
    if (typeof d === 'object') return d;
    if (d < era.start || d > era.end)
      return { problem: `の${era.names[0]}${m[2]}年${Number(m[3] ?? m[5])}月${Number(m[4] ?? m[6])}日はありません（${era.names[0]}の期間の外です）` };
    return d;
  }
  return { problem: 'は日付で書きます（例: 2024-04-01、2024/4/1、令和6年4月1日）' };
}

function day(y: number, m: number, d: number): string | { problem: string } {
  const date = new Date(Date.UTC(y, m - 1, d));
  if (m < 1 || m > 12 || d < 1 || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return { problem: `の${y}年${m}月${d}日という日はありません` };
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** A stored value as a page or an export prints it: money and numbers grouped (1,234), booleans in words, an empty value as ''. */
export function formatFieldValue(def: FieldDef, value: FieldValue | null | undefined, lang: 'ja' | 'en' = 'ja'): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return lang === 'en' ? (value ? 'Yes' : 'No') : value ? 'はい' : 'いいえ';
  if ((def.type === 'money' || def.type === 'number') && normalizeNumber(value) !== null) return formatNumber(value);
  return value;
}

/**
 * A stored value as a workbook cell holds it: always text (a number cell would pass the decimal through a
 * binary float), booleans as はい/いいえ so the cell reads back through parseFieldValue; null for no value.
 */
export function fieldCellValue(_def: FieldDef, value: FieldValue | null | undefined): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'boolean') return value ? 'はい' : 'いいえ';
  return value;
}

/** The value an initiative holds for a section: its own column for the built-in content and plan, Initiative.fields otherwise; null when blank. */
export function fieldValueOf(i: Pick<Initiative, 'content' | 'plan' | 'fields'>, key: string): FieldValue | null {
  if (key === 'content') return i.content.trim() ? i.content : null;
  if (key === 'plan') return i.plan.trim() ? i.plan : null;
  const v = i.fields?.[key];
  return v === undefined || v === '' ? null : v;
}
