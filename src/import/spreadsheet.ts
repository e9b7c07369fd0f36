// Reading workbooks and CSV files that staff edited. Everything is checked before anything is written:
// the file's kind, size and row count first (so a 50 MB upload, a zip bomb or a 100,000-row sheet is
// refused without being held in memory), then every cell, with errors named by sheet, row and column in
// Japanese. The web and the CLI run these off the request thread (src/import/upload-reader.ts).
import ExcelJS from 'exceljs';
import { inflateWithin, storedZip, ZipGuardError } from './zip-guard.ts';
import { parse as parseCsv } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { Decimal } from 'decimal.js';
import {
  IDENTITY_LABELS,
  INDICATOR_SHEET,
  INITIATIVE_SHEET,
  KPI_SHEET,
  MILESTONE_SHEET,
  parseIdentity,
  README_SHEET,
  RESULT_SHEET,
  type WorkbookIdentity,
} from '../domain/sheets.ts';

export class SpreadsheetError extends Error {
  constructor(
    readonly ja: string,
    readonly en: string,
  ) {
    super(`${ja} / ${en}`);
    this.name = 'SpreadsheetError';
  }
}

export const LIMITS = {
  /** A real edition's workbook is well under 1 MB; 3,000 initiatives take about 2 MB. */
  maxBytes: 20 * 1024 * 1024,
  maxRowsPerSheet: 20_000,
  /**
   * Cells of all sheets together: a parser spends some 500 bytes on each, whatever its size in the file.
   * 3,000 initiatives with their results hold about 70,000; 12,000 about 300,000.
   */
  maxCells: 600_000,
  /**
   * What the parts read may inflate to, counted as they inflate (never the sizes the zip declares): far
   * above a real workbook (3,000 initiatives inflate to 2.6 MB, 12,000 to 10 MB), far below what would
   * strain memory. One part, and all of them together.
   */
  maxPartInflatedBytes: 64 * 1024 * 1024,
  maxInflatedBytes: 128 * 1024 * 1024,
  /** Central directory entries: a workbook has a few dozen. */
  maxZipEntries: 10_000,
};

export type Cell = string | number | null | { formula: string } | { error: string } | Date;

export interface SheetData {
  /** 施策 / 実績 / KPI / 指標 / マイルストーン, recognised by the header row (the sheet may have been renamed). */
  kind: 'initiatives' | 'results' | 'kpis' | 'indicators' | 'milestones';
  name: string;
  header: string[];
  rows: { row: number; cells: Cell[] }[];
  /** Set when the file's encoding cannot hold every character (Shift_JIS); see SheetInput. */
  represent?: (s: string) => string;
  /** What the workbook's 説明 sheet says it is for; a CSV says nothing. */
  identity?: WorkbookIdentity | null;
}

/**
 * Which table a header row is, by the headings every plan shares (the others are in the plan's own words
 * and are found by the preview, which knows the plan): KPIキー, 指標キー, 項目 and 実績値, 状況, 日付 and 内容.
 */
function kindOf(header: string[]): SheetData['kind'] | null {
  const h = new Set(header.map((x) => x.normalize('NFKC').trim()));
  if (h.has('KPIキー')) return 'kpis';
  if (h.has('指標キー')) return 'indicators';
  if (h.has('項目') && h.has('実績値')) return 'results';
  if (h.has('状況')) return 'initiatives';
  if (h.has('日付') && h.has('内容')) return 'milestones';
  return null;
}

const SHEET_NAMES: Record<SheetData['kind'], string> = {
  initiatives: INITIATIVE_SHEET,
  results: RESULT_SHEET,
  kpis: KPI_SHEET,
  indicators: INDICATOR_SHEET,
  milestones: MILESTONE_SHEET,
};

/**
 * A cell's value as read. A number shown with a percent format (Excel stores 85% as 0.85 with the
 * format "0%") comes back as the percent the person typed, as a decimal string: 0.85 → "85",
 * 0.736 → "73.6". The double is first rounded to 15 significant digits (what Excel shows), then
 * multiplied by 100 in decimal, so 0.07 gives "7" and not 7.000000000000001.
 */
function cellValue(v: ExcelJS.CellValue, numFmt?: string): Cell {
  if (v === null || v === undefined) return null;
  // A format scales by 100 when it has a % that is not quoted ("%") or in [brackets]. (An escaped \%
  // would not either, but exceljs drops the backslash when it reads the format, so it reads as a %.)
  if (typeof v === 'number' && Number.isFinite(v) && numFmt?.replace(/"[^"]*"?|\[[^\]]*\]?/g, '').includes('%')) {
    // 15 significant digits × 100 is exact in decimal.js's default 20-digit precision.
    const percent = new Decimal(Number(v.toPrecision(15))).times(100).toFixed();
    return percent === '-0' ? '0' : percent;
  }
  if (typeof v === 'string' || typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (v instanceof Date) return v;
  if (typeof v === 'object') {
    if ('formula' in v || 'sharedFormula' in v)
      return { formula: String((v as { formula?: string }).formula ?? (v as { sharedFormula?: string }).sharedFormula ?? '') };
    if ('richText' in v) return (v as ExcelJS.CellRichTextValue).richText.map((r) => r.text).join('');
    if ('text' in v) return String((v as { text: unknown }).text);
    if ('error' in v) return { error: String((v as ExcelJS.CellErrorValue).error) };
  }
  return String(v);
}

export function checkSize(bytes: Uint8Array): void {
  if (bytes.length === 0) throw new SpreadsheetError('ファイルが空です', 'the file is empty');
  if (bytes.length > LIMITS.maxBytes) {
    throw new SpreadsheetError(
      `ファイルが大きすぎます（${(bytes.length / 1024 / 1024).toFixed(1)} MB、上限 ${LIMITS.maxBytes / 1024 / 1024} MB）`,
      `file too large (${bytes.length} bytes, limit ${LIMITS.maxBytes})`,
    );
  }
}

/** The parts exceljs reads (xlsx.js load()), matched as it matches them; any other part is never inflated. */
function readByExceljs(name: string): boolean {
  const n = name.startsWith('/') ? name.slice(1) : name;
  return (
    /^(_rels\/\.rels|xl\/workbook\.xml|xl\/_rels\/workbook\.xml\.rels|xl\/sharedStrings\.xml|xl\/styles\.xml|docProps\/(app|core)\.xml)$/.test(n) ||
    /xl\/worksheets\/sheet(\d+)[.]xml|xl\/worksheets\/_rels\/sheet(\d+)[.]xml.rels|xl\/theme\/([a-zA-Z0-9]+)[.]xml|xl\/media\/|xl\/drawings\/|xl\/(comments\d+)[.]xml|xl\/tables\/(table\d+)[.]xml/.test(
      n,
    )
  );
}

const MB = (n: number) => `${n / 1024 / 1024} MB`;

/** A refusal of the zip guard in the person's words. */
function guardRefusal(e: ZipGuardError): SpreadsheetError {
  switch (e.reason) {
    case 'inflated':
      return new SpreadsheetError(
        `ファイルが大きすぎます（展開後の大きさが上限を超えます。1つの部品 ${MB(LIMITS.maxPartInflatedBytes)}、全体 ${MB(LIMITS.maxInflatedBytes)} まで）`,
        `the workbook inflates past its limit (${e.part ?? ''}: ${e.detail})`,
      );
    case 'rows':
      return new SpreadsheetError(
        `行が多すぎます（1シート ${LIMITS.maxRowsPerSheet.toLocaleString('ja-JP')} 行まで）`,
        `too many rows (limit ${LIMITS.maxRowsPerSheet} per sheet)`,
      );
    case 'cells':
      return new SpreadsheetError(
        `セルが多すぎます（全シート合わせて ${LIMITS.maxCells.toLocaleString('ja-JP')} セルまで）`,
        `too many cells (limit ${LIMITS.maxCells})`,
      );
    case 'entries':
      return new SpreadsheetError('Excel ブックとして読み取れません（ファイルの中の部品が多すぎます）', `too many zip entries (${e.detail})`);
    case 'encrypted':
      return new SpreadsheetError(
        'パスワードで保護されたファイルです。パスワードを外し、Excel ブック（.xlsx）として保存し直してください',
        'the zip is encrypted',
      );
    case 'method':
      return new SpreadsheetError(
        'Excel ブックとして読み取れません（対応していない圧縮形式です）。Excel で開いて保存し直してください',
        `unsupported compression (${e.detail})`,
      );
    default:
      return unreadable(e);
  }
}

/**
 * The parts of a workbook exceljs reads, inflated within the limits (src/import/zip-guard.ts), as a
 * stored zip of exactly those bytes. Rows of each sheet and cells of all sheets are counted in the raw
 * XML while it inflates, so a 100,000-row sheet is refused without building its cells.
 */
async function boundedWorkbook(bytes: Uint8Array): Promise<Uint8Array> {
  try {
    const parts = await inflateWithin(
      bytes,
      {
        maxPartBytes: LIMITS.maxPartInflatedBytes,
        maxTotalBytes: LIMITS.maxInflatedBytes,
        maxEntries: LIMITS.maxZipEntries,
        // The header row is a row too.
        sheets: { part: (n) => /xl\/worksheets\/sheet(\d+)[.]xml/.test(n), maxRows: LIMITS.maxRowsPerSheet + 1, maxCells: LIMITS.maxCells },
      },
      readByExceljs,
    );
    return storedZip(parts);
  } catch (e) {
    if (e instanceof ZipGuardError) throw guardRefusal(e);
    throw unreadable(e);
  }
}

function unreadable(e: unknown): SpreadsheetError {
  return new SpreadsheetError(
    `Excel ブックを読み取れません（壊れているか、途中で切れています）: ${String((e as Error)?.message ?? e).slice(0, 120)}`,
    'the workbook cannot be read (corrupt or truncated)',
  );
}

/**
 * Reads a workbook. exceljs's streaming reader decodes each zip chunk on its own and so can split a
 * multibyte character at a chunk boundary (目指し → 目指��); the bounds are checked first instead, and
 * the whole-file reader, which decodes each part at once, does the parsing.
 */
export async function readXlsx(bytes: Uint8Array): Promise<SheetData[]> {
  checkSize(bytes);
  if (bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0) {
    throw new SpreadsheetError(
      'パスワードで保護されたブック、または古い形式（.xls）のファイルです。パスワードを外し、Excel ブック（.xlsx）として保存し直してください',
      'password-protected or legacy .xls workbook; remove the password and save as .xlsx',
    );
  }
  if (!(bytes[0] === 0x50 && bytes[1] === 0x4b)) {
    throw new SpreadsheetError('Excel ブック（.xlsx）ではありません', 'not an .xlsx workbook');
  }
  const checked = await boundedWorkbook(bytes);
  const wb = new ExcelJS.Workbook();
  try {
    // Only the bytes the guard counted reach exceljs, never the file as uploaded.
    await wb.xlsx.load(Buffer.from(checked.buffer, checked.byteOffset, checked.byteLength) as unknown as ArrayBuffer);
  } catch (e) {
    throw unreadable(e);
  }
  const sheets: SheetData[] = [];
  const identity = identityOf(wb);
  for (const ws of wb.worksheets) {
    let header: string[] | null = null;
    let kind: SheetData['kind'] | null = null;
    const rows: SheetData['rows'] = [];
    ws.eachRow({ includeEmpty: false }, (row) => {
      if (header && !kind) return;
      const values = (row.values as ExcelJS.CellValue[]).slice(1).map((v, k) => cellValue(v, row.findCell(k + 1)?.numFmt));
      if (!header) {
        header = values.map((v) => (typeof v === 'string' ? v.trim() : ''));
        kind = kindOf(header); // 説明 and リスト sheets, or anything else: not data.
        return;
      }
      if (values.every((v) => v === null || v === '')) return;
      rows.push({ row: row.number, cells: values });
    });
    if (header && kind) sheets.push({ kind, name: SHEET_NAMES[kind], header, rows, ...(identity ? { identity } : {}) });
  }
  if (sheets.length === 0) {
    throw new SpreadsheetError(
      '施策・実績・KPI・指標・マイルストーンのいずれのシートも見つかりません（1行目の見出しで判別します）',
      'no 施策/実績/KPI sheet found (recognised by the header row)',
    );
  }
  return sheets;
}

/** The identity rows of the 説明 sheet (label in column A, value in column B), as the export writes them. */
function identityOf(wb: ExcelJS.Workbook): WorkbookIdentity | null {
  const ws = wb.getWorksheet(README_SHEET);
  if (!ws) return null;
  const labels = new Set<string>(Object.values(IDENTITY_LABELS));
  const values = new Map<string, { text: string; row: number }>();
  // The identity is near the top; the column explanations below are not read.
  for (let r = 1; r <= Math.min(ws.rowCount, 20); r++) {
    const a = cellValue(ws.getCell(r, 1).value);
    const b = cellValue(ws.getCell(r, 2).value);
    if (typeof a !== 'string' || !labels.has(a.trim()) || values.has(a.trim())) continue;
    if (typeof b === 'string' || typeof b === 'number') values.set(a.trim(), { text: String(b), row: r });
  }
  return parseIdentity(values);
}

export type DetectedEncoding = 'utf-8' | 'utf-8-bom' | 'shift_jis';

/** UTF-8 is tried strictly first; bytes that are not UTF-8 are read as Shift_JIS (cp932). */
export function decodeText(bytes: Uint8Array): { text: string; encoding: DetectedEncoding } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { text: new TextDecoder('utf-8').decode(bytes.subarray(3)), encoding: 'utf-8-bom' };
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    const text = iconv.decode(Buffer.from(bytes), 'cp932');
    if (text.includes('\uFFFD')) throw new SpreadsheetError('文字コードを判別できません（UTF-8 または Shift_JIS で保存してください）', 'unknown text encoding');
    return { text, encoding: 'shift_jis' };
  }
}

/** What a Shift_JIS (cp932) file can hold of a text: characters it has no code for become "?". */
export function cp932Representation(text: string): string {
  return iconv.decode(iconv.encode(text, 'cp932'), 'cp932');
}

export function readCsv(bytes: Uint8Array): { sheet: SheetData; encoding: DetectedEncoding } {
  checkSize(bytes);
  if (bytes.includes(0)) throw new SpreadsheetError('CSV ではありません（バイナリデータです）', 'not a CSV file (binary data)');
  const { text, encoding } = decodeText(bytes);
  let records: string[][];
  try {
    // Column counts are checked below, after the header says which table this is: a CSV that is not
    // one of ours should be told so, not told about its columns. Empty lines are kept (and skipped
    // below), so a record's number is the row a spreadsheet program shows it in, multi-line cells or not.
    records = parseCsv(text, {
      relax_column_count: true,
      skip_empty_lines: false,
      bom: true,
      to: LIMITS.maxRowsPerSheet + 2,
    }) as string[][];
  } catch (e) {
    const err = e as { lines?: number; message: string };
    throw new SpreadsheetError(`CSV ${err.lines ?? '?'}行目付近を読み取れません: ${err.message.slice(0, 120)}`, 'the CSV cannot be parsed');
  }
  if (records.length > LIMITS.maxRowsPerSheet + 1) {
    throw new SpreadsheetError(`行が多すぎます（${LIMITS.maxRowsPerSheet.toLocaleString('ja-JP')} 行まで）`, 'too many rows');
  }
  const numbered = records.map((record, k) => ({ record, row: k + 1 }));
  // A row of empty cells (",,,,,,,," as Excel writes it below a table) is no row, as in a workbook.
  const filled = numbered.filter(({ record }) => record.some((c) => c.trim() !== ''));
  const [head, ...rest] = filled;
  const header = head?.record.map((h) => h.trim());
  const kind = header ? kindOf(header) : null;
  if (!header || !kind) {
    throw new SpreadsheetError(
      '見出し行から表の種類（施策・実績・KPI・指標・マイルストーン）を判別できません',
      'cannot tell which table this CSV is from its header row',
    );
  }
  for (const { record, row } of rest) {
    if (record.length !== header.length) {
      throw new SpreadsheetError(
        `CSV ${row}行目: 列の数が見出し行と違います（${record.length}列、見出しは${header.length}列）`,
        `CSV row ${row}: wrong number of columns`,
      );
    }
  }
  return {
    encoding,
    sheet: {
      kind,
      name: SHEET_NAMES[kind],
      header,
      rows: rest.map(({ record, row }) => ({ row, cells: record.map((c) => (c === '' ? null : c)) })),
      ...(encoding === 'shift_jis' ? { represent: cp932Representation } : {}),
    },
  };
}
