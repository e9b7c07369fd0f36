import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { backends } from './helpers/db.ts';
import { openDatabase, DatabaseLockedError } from '../src/db/client.ts';

for (const backend of backends) {
  test(`${backend.name}: migrations apply and the audit log is append-only`, async () => {
    const database = await backend.open();
    try {
      const { db } = database;
      await db.execute(sql`INSERT INTO change_sets (actor, source) VALUES ('test', 'test')`);
      await db.execute(sql`INSERT INTO audit_log (change_set_id, entity, entity_key, action) VALUES (1, 'x', '1', 'insert')`);
      const appendOnly = (e: unknown) => /append-only/.test(String((e as Error).cause ?? e));
      await assert.rejects(db.execute(sql`UPDATE audit_log SET entity = 'y'`), appendOnly);
      await assert.rejects(db.execute(sql`DELETE FROM audit_log`), appendOnly);
    } finally {
      await database.close();
    }
  });
}

test('pglite: a second open of the same data directory is refused with a clear message', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'shisaku-lock-'));
  const first = await openDatabase({ dataDir: dir });
  try {
    await assert.rejects(openDatabase({ dataDir: dir }), (e: unknown) => {
      assert.ok(e instanceof DatabaseLockedError);
      assert.match(e.message, /使用中/);
      return true;
    });
  } finally {
    await first.close();
  }
  // Released on close: the directory opens again, with its data intact.
  const again = await openDatabase({ dataDir: dir });
  await again.close();
  rmSync(dir, { recursive: true, force: true });
});
