// The worker thread that reads uploaded workbooks and CSV files and previews them, so the thread that
// answers requests never spends seconds in exceljs, csv-parse or the preview of 20,000 rows. It is
// started by src/import/upload-reader.ts (which also bounds its memory and time) and takes one job at a
// time: the file's bytes, and when a preview is asked for, the edition as it is now with the options.
// A SpreadsheetError goes back as its two messages; anything else as its message, to be a real error.
import { parentPort } from 'node:worker_threads';
import { previewSpreadsheet, type Preview, type PreviewOptions } from '../domain/changes.ts';
import type { EditionData } from '../domain/model.ts';
import { readCsv, readXlsx, SpreadsheetError, type DetectedEncoding, type SheetData } from './spreadsheet.ts';

export interface ReadJob {
  kind: 'xlsx' | 'csv';
  bytes: Uint8Array;
  /** Asked for: the preview of the file against `current` (then the sheets are not sent back). */
  preview?: { current: EditionData; options: PreviewOptions };
}

/** A sheet as it crosses threads: without its `represent` function, which the reader puts back. */
export type WireSheet = Omit<SheetData, 'represent'>;

export type ReadReply =
  | { ok: true; sheets: WireSheet[] | null; encoding: DetectedEncoding | null; preview: Preview | null }
  | { ok: false; refused: { ja: string; en: string } }
  | { ok: false; failed: string };

async function run(job: ReadJob): Promise<ReadReply> {
  try {
    let sheets: SheetData[];
    let encoding: DetectedEncoding | null = null;
    if (job.kind === 'csv') {
      const r = readCsv(job.bytes);
      sheets = [r.sheet];
      encoding = r.encoding;
    } else {
      sheets = await readXlsx(job.bytes);
    }
    if (job.preview) return { ok: true, sheets: null, encoding, preview: previewSpreadsheet(job.preview.current, sheets, job.preview.options) };
    return { ok: true, sheets: sheets.map(({ represent: _, ...s }) => s), encoding, preview: null };
  } catch (e) {
    if (e instanceof SpreadsheetError) return { ok: false, refused: { ja: e.ja, en: e.en } };
    return { ok: false, failed: String((e as Error)?.stack ?? e) };
  }
}

parentPort?.on('message', async (job: ReadJob) => {
  parentPort!.postMessage(await run(job));
});
