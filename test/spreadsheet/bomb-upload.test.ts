// Bounded uploads in the workspace, on both databases: a workbook bomb is refused with the Japanese
// message; while a big workbook (3,000 initiatives, whose keys the preview refuses after walking every
// row) is read and previewed, public pages keep answering
// (their latencies are reported here; the p99 figure is bench/upload.ts's); and when the installation is
// already reading as many files as it allows, an upload gets 503 with Retry-After and the message to try
// again — on PostgreSQL also when the slots are held by another process (another session's advisory
// locks) — and goes through once a slot is free.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { backends } from '../helpers/db.ts';
import { loadEdition } from '../../src/db/repository.ts';
import { exportWorkbook } from '../../src/export/xlsx.ts';
import { IMPORT_SLOTS, SLOT_LOCK_KEY, takeImportSlot } from '../../src/import/import-slots.ts';
import { syntheticEdition } from '../../bench/spreadsheet.ts';
import { signIn, workspaceApp, type AppLike } from '../workspace/helpers.ts';
import { longSheetWorkbook } from './bomb-zip.ts';

const alert = (html: string) => /role="alert">([^<]*)/.exec(html)?.[1] ?? '';

for (const backend of backends) {
  test(`${backend.name}: uploads are bounded`, async (t) => {
    const { database, app } = await workspaceApp(backend);
    // The app, remembering the headers of its last answer (Staff gives status and body only).
    let lastHeaders = new Headers();
    const recording: AppLike = {
      request: async (path, init) => {
        const r = await app.request(path, init);
        lastHeaders = r.headers;
        return r;
      },
    };
    try {
      const admin = await signIn(recording, 'admin');
      // A draft to upload into: the 2024 edition of a round.
      assert.equal((await admin.post('/admin/rounds', { fromFiscalYear: '2023', dueDate: '2024-05-31', dropCompleted: 'carry' })).status, 303);
      const current = (await loadEdition(database.db, '082023', 2024))!;
      const sample = await exportWorkbook(current);
      const upload = (bytes: Uint8Array, name = '施策.xlsx') => admin.upload('/admin/e/2024/import', {}, { name, bytes });

      await t.test('a bomb (1,000 bytes declared, 1.5 GB inflated) is refused with the Japanese message', async () => {
        const r = await upload(longSheetWorkbook(1500, 1000));
        assert.equal(r.status, 400);
        assert.match(alert(r.html), /^ファイルが大きすぎます（展開後の大きさが上限を超えます/);
      });

      await t.test('public pages answer while a big workbook is read and previewed', async () => {
        const big = await exportWorkbook(syntheticEdition(current, 3000));
        let pending = true;
        const t0 = performance.now();
        const uploading = upload(big).finally(() => (pending = false));
        const during: number[] = [];
        while (pending) {
          const t1 = performance.now();
          const r = await app.request('/o/082023/2023');
          await r.text();
          assert.equal(r.status, 200);
          if (pending) during.push(performance.now() - t1);
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        const r = await uploading;
        const uploadMs = performance.now() - t0;
        assert.ok(r.status < 500, `${r.status} ${alert(r.html)}`);
        assert.match(r.html, /取り込みの確認/);
        assert.ok(during.length >= 1, 'a public page answered while the upload was being read');
        const sorted = during.sort((a, b) => a - b);
        t.diagnostic(
          `upload of ${(big.length / 1024).toFixed(0)} KiB took ${uploadMs.toFixed(0)} ms; ${during.length} public pages meanwhile, median ${sorted[sorted.length >> 1]!.toFixed(0)} ms, max ${sorted.at(-1)!.toFixed(0)} ms`,
        );
      });

      await t.test(`with ${IMPORT_SLOTS.max} imports being read, the next one gets 503 and Retry-After`, async () => {
        const held: (() => Promise<void>)[] = [];
        for (let k = 0; k < IMPORT_SLOTS.max; k++) held.push(await takeImportSlot(database));
        try {
          const r = await upload(sample);
          assert.equal(r.status, 503);
          assert.equal(lastHeaders.get('retry-after'), String(IMPORT_SLOTS.retryAfterSeconds));
          assert.match(alert(r.html), /^ほかの取り込みを処理中です（同時に 2 件まで）。15 秒ほど待ってから、もう一度お試しください/);
        } finally {
          for (const release of held) await release();
        }
        const r = await upload(sample);
        assert.equal(r.status, 200, alert(r.html));
        assert.equal(lastHeaders.get('retry-after'), null);
      });

      if (backend.name === 'postgres') {
        await t.test('the slots are the installation’s: held by another process, they refuse this one', async () => {
          const other = new pg.Client({ connectionString: database.location });
          await other.connect();
          try {
            for (let slot = 1; slot <= IMPORT_SLOTS.max; slot++) await other.query('SELECT pg_advisory_lock($1, $2)', [SLOT_LOCK_KEY, slot]);
            const r = await upload(sample);
            assert.equal(r.status, 503);
            assert.equal(lastHeaders.get('retry-after'), String(IMPORT_SLOTS.retryAfterSeconds));
            // One slot freed by the other process is enough.
            await other.query('SELECT pg_advisory_unlock($1, 1)', [SLOT_LOCK_KEY]);
            assert.equal((await upload(sample)).status, 200);
          } finally {
            await other.end();
          }
        });
      }
    } finally {
      await database.close();
    }
  });
}
