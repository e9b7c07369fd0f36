// The worker that reads uploads, at its edges: a file that gets past every counted limit but needs more
// memory than the worker's heap ends that worker, not the process, and is refused in Japanese; so is a
// read that takes too long; three reads started at once get two slots and one ImportBusyError; a Shift_JIS
// CSV read on the worker still knows which characters its encoding could not hold.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import iconv from 'iconv-lite';
import { ImportBusyError, IMPORT_SLOTS } from '../../src/import/import-slots.ts';
import { SpreadsheetError } from '../../src/import/spreadsheet.ts';
import { endIdleWorkers, readUploaded, WORKER_LIMITS } from '../../src/import/upload-reader.ts';
import { exportWorkbook } from '../../src/export/xlsx.ts';
import { sampleDocument } from '../../src/db/sample.ts';
import { longSheetWorkbook } from './bomb-zip.ts';

async function refusedWith(p: Promise<unknown>, re: RegExp): Promise<void> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof SpreadsheetError, String((e as Error)?.stack ?? e));
    assert.match(e.ja, re);
    return;
  }
  assert.fail('expected a refusal');
}

/** Runs `fn` with the worker limits changed, on fresh workers. */
async function withLimits(limits: Partial<typeof WORKER_LIMITS>, fn: () => Promise<void>): Promise<void> {
  const saved = { ...WORKER_LIMITS };
  await endIdleWorkers();
  Object.assign(WORKER_LIMITS, limits);
  try {
    await fn();
  } finally {
    Object.assign(WORKER_LIMITS, saved);
    await endIdleWorkers();
  }
}

const sample = await exportWorkbook(sampleDocument().doc.data);

test('a file within the counted limits that needs more than the worker heap is refused; the process goes on', async () => {
  // A 60 MiB text cell passes the 64 MB part limit; on a 64 MB heap, parsing it cannot fit.
  await withLimits({ heapMb: 64 }, () =>
    refusedWith(readUploaded(null, 'xlsx', longSheetWorkbook(60)), /^ファイルが大きすぎて読み取れません（読み取りに使えるメモリの上限を超えました）/),
  );
  // The next read gets a new worker and works.
  const { sheets } = await readUploaded(null, 'xlsx', sample);
  assert.equal(sheets.length, 3);
});

test('a read that takes too long is stopped', async () => {
  await withLimits({ timeoutMs: 50 }, () => refusedWith(readUploaded(null, 'xlsx', sample), /^読み取りに時間がかかりすぎるため中止しました/));
  assert.equal((await readUploaded(null, 'xlsx', sample)).sheets.length, 3);
});

test(`reads started at once beyond ${IMPORT_SLOTS.max} are told to retry`, async () => {
  const reads = Array.from({ length: IMPORT_SLOTS.max + 1 }, () => readUploaded(null, 'xlsx', sample));
  const settled = await Promise.allSettled(reads);
  const busy = settled.filter((r) => r.status === 'rejected' && r.reason instanceof ImportBusyError);
  assert.equal(busy.length, 1);
  assert.equal(settled.filter((r) => r.status === 'fulfilled').length, IMPORT_SLOTS.max);
  // Slots are given back: as many again now succeed.
  const again = await Promise.all(Array.from({ length: IMPORT_SLOTS.max }, () => readUploaded(null, 'xlsx', sample)));
  assert.equal(again.length, IMPORT_SLOTS.max);
});

test('a Shift_JIS CSV read on the worker keeps what its encoding could not hold', async () => {
  const csv = iconv.encode('施策キー,番号,施策名,状況\r\nk1,01,吉田さんの施策,実施中\r\n', 'cp932');
  const { sheets, encoding } = await readUploaded(null, 'csv', new Uint8Array(csv));
  assert.equal(encoding, 'shift_jis');
  // 𠮷 (U+20BB7) has no Shift_JIS code: the function that says so crosses back from the worker.
  assert.equal(sheets[0]!.represent?.('𠮷田'), '?田');
  assert.deepEqual(sheets[0]!.rows[0]!.cells, ['k1', '01', '吉田さんの施策', '実施中']);
});
