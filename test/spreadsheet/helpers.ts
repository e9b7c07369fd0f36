// Editing exported workbooks and CSV files the way staff do, for the spreadsheet tests.
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import iconv from 'iconv-lite';
import type { EditionData } from '../../src/domain/model.ts';
import { exportWorkbook } from '../../src/export/xlsx.ts';
import { exportCsv, type CsvTable } from '../../src/export/csv.ts';
import { readCsv, readXlsx } from '../../src/import/spreadsheet.ts';
import { previewSpreadsheet, type Preview, type PreviewOptions } from '../../src/domain/changes.ts';

export interface Book {
  wb: ExcelJS.Workbook;
  sheet(name: '施策' | '実績' | 'KPI'): ExcelJS.Worksheet;
  /** The first row whose cell in that column holds the value. */
  row(name: '施策' | '実績' | 'KPI', col: number, value: string): number;
  /** Every row whose cell in that column holds the value. */
  rows(name: '施策' | '実績' | 'KPI', col: number, value: string): number[];
  bytes(): Promise<Uint8Array>;
  preview(current: EditionData, opts?: PreviewOptions): Promise<Preview>;
}

export async function book(data: EditionData): Promise<Book> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(await exportWorkbook(data)) as unknown as ArrayBuffer);
  const rows = (name: string, col: number, value: string) => {
    const ws = wb.getWorksheet(name)!;
    const out: number[] = [];
    for (let r = 2; r <= ws.rowCount; r++) if (ws.getCell(r, col).value === value) out.push(r);
    return out;
  };
  const b: Book = {
    wb,
    sheet: (name) => wb.getWorksheet(name)!,
    rows,
    row: (name, col, value) => {
      const found = rows(name, col, value)[0];
      if (found === undefined) throw new Error(`${name}: no row with ${value} in column ${col}`);
      return found;
    },
    bytes: async () => new Uint8Array(await wb.xlsx.writeBuffer()),
    preview: async (current, opts) => previewSpreadsheet(current, await readXlsx(await b.bytes()), opts),
  };
  return b;
}

/** A CSV table as rows of strings, edited, then written back in the same encoding. */
export function csvRows(data: EditionData, table: CsvTable, encoding: 'utf8' | 'sjis' = 'utf8'): string[][] {
  const bytes = exportCsv(data, table, { encoding });
  const text = encoding === 'sjis' ? iconv.decode(Buffer.from(bytes), 'cp932') : new TextDecoder().decode(bytes.subarray(3));
  return parse(text, { relax_column_count: true }) as string[][];
}

export function csvBytes(rows: string[][], encoding: 'utf8' | 'sjis' = 'utf8'): Uint8Array {
  const text = stringify(rows, { record_delimiter: '\r\n' });
  return encoding === 'sjis' ? new Uint8Array(iconv.encode(text, 'cp932')) : new TextEncoder().encode(`\uFEFF${text}`);
}

export function previewCsv(current: EditionData, rows: string[][], encoding: 'utf8' | 'sjis' = 'utf8', opts?: PreviewOptions): Preview {
  return previewSpreadsheet(current, [readCsv(csvBytes(rows, encoding)).sheet], opts);
}
