// Generators for the round-trip test. They produce abstract edits: which sheet, which kind of edit, and
// raw material (indices, typed texts, typed numbers). An abstract edit is resolved against the edition as
// it is stored when the case runs (cells.ts), so the same material works at every step of the random walk
// and new columns of a sheet are covered by the column lists below, not by a list of hand-written cases.
import fc from 'fast-check';

// ---- typed text ------------------------------------------------------------------------------------

/** Pieces a person types: Japanese, ASCII, punctuation, characters cp932 lacks, and a few that trip tools. */
const TOKENS = [
  'あ',
  'い',
  'う',
  'か',
  'さ',
  'ア',
  'イ',
  'カ',
  '日',
  '本',
  '市',
  '民',
  '課',
  '施',
  '策',
  '推',
  '進',
  '実',
  '施',
  'a',
  'b',
  'X',
  'Z',
  '0',
  '1',
  '9',
  ' ',
  ',',
  '.',
  '(',
  ')',
  '/',
  ':',
  '"',
  "'",
  '%',
  '、',
  '。',
  '・',
  '（',
  '）',
  '「',
  '」',
  '〜',
  '～',
  '－',
  '①',
  'Ⅲ',
  '髙',
  '㈱',
  '―',
  'é',
  '😀',
  '𠮷',
  'ß',
  '\u00a0',
  '—',
  '\u3000',
  '\n',
  '\r\n',
  '\t',
  '_x000D_',
  '&amp;',
  '<b>',
  '１２',
  '８５',
] as const;

export interface TextSpec {
  core: string;
  /** A leading character a spreadsheet would run as a formula, or an apostrophe. */
  prefix: '' | '=' | '+' | '-' | '@' | "'";
  /** Surrounding spaces (only without a prefix, so the apostrophe rule stays unambiguous). */
  pad: '' | ' ' | '\u3000' | ' \n';
  multiline: boolean;
}

export const textArb: fc.Arbitrary<TextSpec> = fc.record({
  core: fc.array(fc.constantFrom(...TOKENS), { minLength: 0, maxLength: 12 }).map((a) => a.join('')),
  prefix: fc.oneof({ weight: 6, arbitrary: fc.constant('' as const) }, { weight: 1, arbitrary: fc.constantFrom('=', '+', '-', '@', "'") }),
  pad: fc.oneof({ weight: 5, arbitrary: fc.constant('' as const) }, { weight: 1, arbitrary: fc.constantFrom(' ', '\u3000', ' \n') }),
  multiline: fc.boolean(),
});

/** The first n characters (code points, so an emoji is never cut in half). */
export function cut(s: string, n: number): string {
  return Array.from(s).slice(0, n).join('');
}

export function renderText(s: TextSpec): string {
  let core = s.core;
  if (s.multiline) core = `${core}\n二行目 ${cut(core, 3)}`;
  if (s.prefix) return s.prefix + core;
  return s.pad + core + s.pad;
}

// ---- typed numbers ---------------------------------------------------------------------------------

export type NumRender =
  | 'plain'
  | 'comma'
  | 'fullwidth'
  | 'spaces'
  | 'plus'
  | 'trailingZero'
  | 'leadingZero'
  | 'numberCell'
  | 'percentCell'
  | 'dash'
  | 'blank'
  | 'emptyString'
  | 'long'
  | 'bad'
  | 'formula';

export interface NumSpec {
  int: number;
  /** Fraction digits without a trailing zero, '' for an integer. */
  frac: string;
  negative: boolean;
  render: NumRender;
  long: string;
  bad: string;
}

export const numArb: fc.Arbitrary<NumSpec> = fc.record({
  int: fc.oneof(fc.integer({ min: 0, max: 120 }), fc.integer({ min: 0, max: 3_000_000 })),
  frac: fc.oneof({ weight: 3, arbitrary: fc.constant('') }, { weight: 2, arbitrary: fc.stringMatching(/^\d{0,2}[1-9]$/) }),
  negative: fc.oneof({ weight: 9, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  render: fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom<NumRender>('plain', 'numberCell') },
    { weight: 7, arbitrary: fc.constantFrom<NumRender>('comma', 'fullwidth', 'spaces', 'plus', 'trailingZero', 'leadingZero', 'percentCell') },
    { weight: 3, arbitrary: fc.constantFrom<NumRender>('dash', 'blank', 'emptyString') },
    { weight: 2, arbitrary: fc.constantFrom<NumRender>('long') },
    { weight: 1, arbitrary: fc.constantFrom<NumRender>('bad', 'formula') },
  ),
  long: fc.tuple(fc.stringMatching(/^[1-9]\d{10,18}$/), fc.stringMatching(/^\d{0,8}[1-9]$/)).map(([a, b]) => `${a}.${b}`),
  bad: fc.constantFrom('abc', '1.2.3', '12a', '１２ab', '--5', '5-'),
});

/** The decimal string a number spec means (the model's expectation), before rendering. */
export function canonical(n: NumSpec): string {
  const s = `${n.int}${n.frac ? `.${n.frac}` : ''}`;
  return n.negative && s !== '0' ? `-${s}` : s;
}

const FULL = (s: string) => s.replace(/[0-9.,\-+]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

export type Target = 'xlsx' | 'csv' | 'form';

/** A typed number as a cell value (xlsx may hold a number, maybe formatted as a percentage) or a string. */
export function renderNum(n: NumSpec, target: Target): { v: string | number | null | { formula: string }; fmt?: string } {
  const c = canonical(n);
  const withCommas = (s: string) => s.replace(/^(-?)(\d+)/, (_, m: string, d: string) => m + d.replace(/\B(?=(\d{3})+(?!\d))/g, ','));
  switch (n.render) {
    case 'plain':
      return { v: c };
    case 'comma':
      return { v: withCommas(c) };
    case 'fullwidth':
      return { v: FULL(withCommas(c)) };
    case 'spaces':
      return { v: ` ${c}\u3000` };
    case 'plus':
      return { v: n.negative ? c : `+${c}` };
    case 'trailingZero':
      return { v: n.frac ? `${c}0` : `${c}.00` };
    case 'leadingZero':
      return { v: n.negative ? c : `00${c}` };
    case 'numberCell':
      return target === 'xlsx' ? { v: Number(c) } : { v: c };
    case 'percentCell':
      // Excel keeps 85 % as 0.85 with a percentage format.
      return target === 'xlsx' ? { v: Number(c) / 100, fmt: n.frac ? '0.000%' : '0%' } : { v: c };
    case 'dash':
      return { v: ['-', '—', '―'][n.int % 3]! };
    case 'blank':
      return { v: null };
    case 'emptyString':
      return { v: '' };
    case 'long':
      return { v: n.long };
    case 'bad':
      return { v: n.bad };
    case 'formula':
      return target === 'xlsx' ? { v: { formula: 'SUM(1,2)' } } : { v: n.bad };
  }
}

// ---- abstract edits --------------------------------------------------------------------------------

export type Sheet = 'initiatives' | 'results' | 'kpis';

export const INITIATIVE_FIELDS = ['番号', '施策体系', '分野', '施策名', '担当課所', '状況', '施策内容', '今年度の取組', '実績（文章）'] as const;
export const RESULT_FIELDS = ['項目', '実績値', '目標値', '単位', '備考'] as const;
/** KPI editable columns: 目標値 and every 実績 column of the header (picked by index at resolution). */
export const KPI_FIELDS = ['目標値', 'year'] as const;

export type EditKind = 'set' | 'add' | 'delete' | 'swap' | 'blankRow' | 'badKey';

export interface Material {
  /** Row, column and choice indices; resolved modulo what exists. */
  a: number;
  b: number;
  c: number;
  text: TextSpec;
  num: NumSpec;
  num2: NumSpec;
  /** 担当課所: which names (existing, alias, or a new one) and how they are joined. */
  deps: { pick: number; fresh: boolean }[];
  sep: string;
  /** A deliberately wrong value (unknown pillar, status, number…), expected to be refused. */
  wrong: boolean;
  /** Number typed as a number cell (番号 5) instead of text. */
  asNumber: boolean;
}

export const materialArb: fc.Arbitrary<Material> = fc.record({
  a: fc.nat(10_000),
  b: fc.nat(10_000),
  c: fc.nat(10_000),
  text: textArb,
  num: numArb,
  num2: numArb,
  deps: fc.array(
    fc.record({ pick: fc.nat(1000), fresh: fc.oneof({ weight: 8, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }) }),
    { minLength: 1, maxLength: 3 },
  ),
  sep: fc.constantFrom('、', '、', ',', '，', '\n', ' 、 '),
  wrong: fc.oneof({ weight: 60, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  asNumber: fc.boolean(),
});

export interface AbstractEdit {
  sheet: Sheet;
  kind: EditKind;
  field: number;
  m: Material;
}

const kindArb = fc.oneof(
  { weight: 40, arbitrary: fc.constant<EditKind>('set') },
  { weight: 6, arbitrary: fc.constant<EditKind>('add') },
  { weight: 6, arbitrary: fc.constant<EditKind>('delete') },
  { weight: 6, arbitrary: fc.constant<EditKind>('swap') },
  { weight: 2, arbitrary: fc.constant<EditKind>('blankRow') },
  { weight: 1, arbitrary: fc.constant<EditKind>('badKey') },
);

export function editArb(sheets: Sheet[]): fc.Arbitrary<AbstractEdit> {
  return fc.record({ sheet: fc.constantFrom(...sheets), kind: kindArb, field: fc.nat(100), m: materialArb });
}

export interface SpreadsheetCase {
  allowDelete: boolean;
  edits: AbstractEdit[];
}

export function spreadsheetCaseArb(sheets: Sheet[]): fc.Arbitrary<SpreadsheetCase> {
  // Mostly several edits from the first run on (fast-check starts small otherwise); now and then none,
  // which is the plain export → import round trip.
  const edits = fc.oneof(
    { weight: 1, arbitrary: fc.constant<AbstractEdit[]>([]) },
    { weight: 9, arbitrary: fc.array(editArb(sheets), { minLength: 1, maxLength: 8, size: 'medium' }) },
  );
  return fc.record({ allowDelete: fc.boolean(), edits });
}

// ---- the workspace form ----------------------------------------------------------------------------

export interface RowEdit {
  kind: 'keep' | 'change' | 'rename' | 'add' | 'delete' | 'swap' | 'blank';
  field: number;
  m: Material;
}

export interface FormCase {
  pick: number;
  /** same: the form posted as shown; edit: random changes. */
  mode: 'same' | 'edit';
  status: number;
  content: TextSpec | null;
  plan: TextSpec | null;
  results: RowEdit[];
  targets: RowEdit[];
}

const rowEditArb: fc.Arbitrary<RowEdit> = fc.record({
  kind: fc.oneof(
    { weight: 3, arbitrary: fc.constant<RowEdit['kind']>('change') },
    { weight: 1, arbitrary: fc.constantFrom<RowEdit['kind']>('keep', 'rename', 'add', 'delete', 'swap', 'blank') },
  ),
  field: fc.nat(100),
  m: materialArb,
});

export const formCaseArb: fc.Arbitrary<FormCase> = fc.record({
  pick: fc.nat(10_000),
  mode: fc.oneof({ weight: 1, arbitrary: fc.constant<'same'>('same') }, { weight: 4, arbitrary: fc.constant<'edit'>('edit') }),
  status: fc.nat(100),
  content: fc.option(textArb, { nil: null }),
  plan: fc.option(textArb, { nil: null }),
  results: fc.array(rowEditArb, { maxLength: 5, size: 'medium' }),
  targets: fc.array(rowEditArb, { maxLength: 3, size: 'medium' }),
});
