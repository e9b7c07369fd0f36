// Reading an uploaded spreadsheet (and previewing it) off the thread that answers requests, within bounds
// of memory, time and number. The work happens in src/import/workbook-worker.ts on a worker thread whose
// heap is capped, so a file that gets past every counted limit and still needs too much memory ends that
// worker, not the server; a read that takes too long is stopped; at most IMPORT_SLOTS.max run at once in
// the installation (src/import/import-slots.ts). Every refusal is a SpreadsheetError or ImportBusyError
// with a Japanese message.
//
// Workers are kept warm between reads (starting one costs about half a second: TypeScript is compiled by
// tsx as the worker loads), except after a large file, whose worker is ended so its memory goes back to
// the system at once. An idle worker does not keep the process alive.
import { Worker } from 'node:worker_threads';
import type { Database } from '../db/client.ts';
import type { Preview, PreviewOptions } from '../domain/changes.ts';
import type { EditionData } from '../domain/model.ts';
import { withImportSlot } from './import-slots.ts';
import { cp932Representation, SpreadsheetError, type DetectedEncoding, type SheetData } from './spreadsheet.ts';
import type { ReadJob, ReadReply } from './workbook-worker.ts';

export const WORKER_LIMITS = {
  /**
   * The worker's V8 heap. A workbook at the counted limits (600,000 cells, 128 MB inflated) needs about
   * 500 MB to parse; a file that needs more is refused instead of growing the process without end.
   */
  heapMb: 1024,
  /** A read (and its preview) that takes longer is stopped: a file at the limits takes some 15 s. */
  timeoutMs: 120_000,
  /** An idle worker is ended after this long. */
  idleMs: 60_000,
  /** After a file larger than this (real workbooks are well under), the worker is ended, not kept. */
  recycleAboveBytes: 1024 * 1024,
};

export type FileKind = 'xlsx' | 'csv';

/** A CSV by its name; anything else is read as a workbook (and refused if it is not one). */
export function fileKind(filename: string): FileKind {
  return /\.csv$/i.test(filename) ? 'csv' : 'xlsx';
}

// The worker runs TypeScript: tsx is registered inside it, whichever way this process got tsx (the
// `--import tsx` flag, `tsx` itself, or the bin shim's register()). Inherited flags are dropped
// (execArgv: []) so it is registered exactly once.
const BOOT = `
const { workerData } = require('node:worker_threads');
import(workerData.tsx).then(({ register }) => { register(); return import(workerData.entry); });
`;
const TSX_API = import.meta.resolve('tsx/esm/api');
const ENTRY = new URL('./workbook-worker.ts', import.meta.url).href;

interface Idle {
  worker: Worker;
  timer: NodeJS.Timeout;
}
const idle: Idle[] = [];

function spawn(): Worker {
  const worker = new Worker(BOOT, {
    eval: true,
    execArgv: [],
    workerData: { tsx: TSX_API, entry: ENTRY },
    resourceLimits: { maxOldGenerationSizeMb: WORKER_LIMITS.heapMb },
  });
  // A worker that fails between jobs must not take the process with it (an 'error' nobody listens to would).
  worker.on('error', () => {});
  worker.on('exit', () => {
    const k = idle.findIndex((i) => i.worker === worker);
    if (k >= 0) {
      clearTimeout(idle[k]!.timer);
      idle.splice(k, 1);
    }
  });
  return worker;
}

function takeWorker(): Worker {
  const warm = idle.pop();
  if (!warm) return spawn();
  clearTimeout(warm.timer);
  warm.worker.ref();
  return warm.worker;
}

function putBack(worker: Worker): void {
  worker.unref();
  const timer = setTimeout(() => void worker.terminate(), WORKER_LIMITS.idleMs);
  timer.unref();
  idle.push({ worker, timer });
}

const tooLarge = () =>
  new SpreadsheetError(
    'ファイルが大きすぎて読み取れません（読み取りに使えるメモリの上限を超えました）。シートを分けるか、行や列を減らしてください',
    'the file needs more memory to read than is allowed',
  );

/** One job on one worker: its reply, or a refusal when the worker ran out of memory, time or life. */
function call(worker: Worker, job: ReadJob): Promise<ReadReply> {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const onMessage = (reply: ReadReply) => {
      done();
      resolve(reply);
    };
    const onError = (e: Error) => {
      done();
      void worker.terminate();
      if ((e as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY') reject(tooLarge());
      else reject(new Error(`the spreadsheet worker failed: ${e.message}`, { cause: e }));
    };
    const onExit = (code: number) => {
      done();
      reject(new Error(`the spreadsheet worker exited (${code})`));
    };
    const timer = setTimeout(() => {
      done();
      void worker.terminate();
      reject(
        new SpreadsheetError(
          `読み取りに時間がかかりすぎるため中止しました（${WORKER_LIMITS.timeoutMs / 1000} 秒まで）。シートを分けるか、行や列を減らしてください`,
          'reading the file took too long',
        ),
      );
    }, WORKER_LIMITS.timeoutMs);
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    // A copy of exactly the file's bytes, moved (not copied again) to the worker.
    const bytes = job.bytes.slice();
    worker.postMessage({ ...job, bytes }, [bytes.buffer]);
  });
}

async function runJob(database: Database | null, job: ReadJob): Promise<Extract<ReadReply, { ok: true }>> {
  return withImportSlot(database, async () => {
    const worker = takeWorker();
    const reply = await call(worker, job);
    if (job.bytes.length > WORKER_LIMITS.recycleAboveBytes) void worker.terminate();
    else putBack(worker);
    if (reply.ok) return reply;
    if ('refused' in reply) throw new SpreadsheetError(reply.refused.ja, reply.refused.en);
    throw new Error(`reading the spreadsheet failed in its worker: ${reply.failed}`);
  });
}

/**
 * The sheets of an uploaded file, read on a worker. Throws SpreadsheetError for a file that cannot be
 * read or passes a limit, ImportBusyError when the installation is already reading IMPORT_SLOTS.max.
 */
export async function readUploaded(
  database: Database | null,
  kind: FileKind,
  bytes: Uint8Array,
): Promise<{ sheets: SheetData[]; encoding: DetectedEncoding | null }> {
  const reply = await runJob(database, { kind, bytes });
  const sheets = (reply.sheets ?? []).map((s): SheetData => (reply.encoding === 'shift_jis' ? { ...s, represent: cp932Representation } : s));
  return { sheets, encoding: reply.encoding };
}

/** The preview of an uploaded file against `current`, read and worked out on a worker (see readUploaded). */
export async function previewUploaded(
  database: Database | null,
  kind: FileKind,
  bytes: Uint8Array,
  current: EditionData,
  options: PreviewOptions,
): Promise<Preview> {
  const reply = await runJob(database, { kind, bytes, preview: { current, options } });
  return reply.preview!;
}

/** Ends the idle workers now (tests and benchmarks that measure memory). */
export async function endIdleWorkers(): Promise<void> {
  await Promise.all(
    idle.splice(0).map((i) => {
      clearTimeout(i.timer);
      return i.worker.terminate();
    }),
  );
}
