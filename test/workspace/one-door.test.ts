// One door for every write (src/db/command.ts): permission before validation, state read under the lock,
// the command line as an actor with the same rules. On both databases.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import { backends } from '../helpers/db.ts';
import { authenticate } from '../../src/db/accounts.ts';
import { loadEdition } from '../../src/db/repository.ts';
import { mergeDepartments } from '../../src/db/departments.ts';
import { applyPreview } from '../../src/db/apply-changes.ts';
import { systemActor } from '../../src/db/command.ts';
import { openRound, publishEdition, reopenEdition, reviewInitiative, WorkspaceError } from '../../src/db/workspace.ts';
import { previewSpreadsheet } from '../../src/domain/changes.ts';
import { readCsv } from '../../src/import/spreadsheet.ts';
import { addUsers, PASSWORD } from './helpers.ts';
import { loadSample } from '../../src/db/sample.ts';
import { csvBytes, csvRows } from '../spreadsheet/helpers.ts';
import type { Db } from '../../src/db/client.ts';

async function count(db: Db, q: string): Promise<number> {
  const r = (await db.execute(sql.raw(q))) as unknown as { rows: { n: number }[] };
  return Number(r.rows[0]!.n);
}

for (const backend of backends) {
  test(`${backend.name}: one door for every write`, async (t) => {
    const database = await backend.open();
    const db = database.db;
    try {
      await loadSample(db);
      await addUsers(db);
      const admin = (await authenticate(db, 'admin', PASSWORD))!;
      const viewer = (await authenticate(db, 'exec', PASSWORD))!;
      const editor = (await authenticate(db, 'digital', PASSWORD))!;

      await t.test('two admins publishing the same edition at once: one succeeds, one is refused, one audit row', async () => {
        await reopenEdition(db, admin, 2023, '誤字の修正');
        const before = await count(db, `SELECT count(*)::int AS n FROM audit_log WHERE entity = 'edition' AND after->>'state' = 'published'`);
        const outcomes = await Promise.allSettled([publishEdition(db, admin, 2023), publishEdition(db, admin, 2023)]);
        assert.deepEqual(outcomes.map((o) => o.status).sort(), ['fulfilled', 'rejected']);
        const refused = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
        assert.ok(refused.reason instanceof WorkspaceError && refused.reason.status === 409, String(refused.reason));
        assert.equal(await count(db, `SELECT count(*)::int AS n FROM audit_log WHERE entity = 'edition' AND after->>'state' = 'published'`), before + 1);
      });

      await t.test('permission comes before validation: a viewer reviewing without a comment gets 403, not 400', async () => {
        await openRound(db, admin, { fromFiscalYear: 2023, dueDate: '2099-03-31', dropCompleted: false });
        const key = (await loadEdition(db, '082023', 2024))!.initiatives[0]!.key;
        for (const who of [viewer, editor]) {
          await assert.rejects(reviewInitiative(db, who, 2024, key, 'return', ''), (e: unknown) => e instanceof WorkspaceError && e.status === 403);
        }
      });

      await t.test('applying a file and merging departments need an administrator of that organization', async () => {
        const cur = (await loadEdition(db, '082023', 2024))!;
        const rows = csvRows(cur, 'initiatives');
        rows[1]![7] = '権限のない人が変えようとした内容';
        const preview = previewSpreadsheet(cur, [readCsv(csvBytes(rows)).sheet]);
        const stamp = JSON.stringify(await loadEdition(db, '082023', 2024));
        for (const who of [viewer, editor]) {
          await assert.rejects(
            applyPreview(db, '082023', 2024, preview, { actor: who, source: 'test' }),
            (e: unknown) => e instanceof WorkspaceError && e.status === 403,
          );
          await assert.rejects(mergeDepartments(db, '082023', '市民課', 'デジタル推進課', who), /権限/);
        }
        assert.equal(JSON.stringify(await loadEdition(db, '082023', 2024)), stamp, 'nothing changed');
        const other = { ...admin, organizationId: admin.organizationId + 1000 };
        await assert.rejects(
          applyPreview(db, '082023', 2024, preview, { actor: other, source: 'test' }),
          (e: unknown) => e instanceof WorkspaceError && e.status === 403,
        );
        // The command line is an administrator of the organization it names, recorded without an account.
        const cli = await systemActor(db, '082023');
        const r = await applyPreview(db, '082023', 2024, preview, { actor: cli, source: 'import:csv' });
        const [cs] = (
          (await db.execute(sql`SELECT actor, user_id FROM change_sets WHERE id = ${r.changeSetId}`)) as unknown as {
            rows: { actor: string; user_id: number | null }[];
          }
        ).rows;
        assert.deepEqual(cs, { actor: 'cli', user_id: null });
      });
    } finally {
      await database.close();
    }
  });
}
