// A replace cannot destroy: a truncated plan text is shown for what it is (--dry-run), refused unless
// --allow-remove says so, never touches the plan's KPIs, and the replaced version comes back with
// `editions restore-replaced` — its data, its source text and its published copy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.ts';
import { openDatabase } from '../../src/db/client.ts';
import { loadEdition, loadEditionSource } from '../../src/db/edition-read.ts';
import { loadPublished } from '../../src/db/publication.ts';
import * as t from '../../src/db/schema.ts';
import { eq } from 'drizzle-orm';

const PLAN = new URL('../../data-sample/hitachi-2023/plan.txt', import.meta.url).pathname;

test('a truncated plan text cannot silently replace the edition, and the replaced version comes back', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'shisaku-replace-'));
  const env = { SHISAKU_DATA_DIR: join(dir, 'data'), DATABASE_URL: undefined };
  const half = join(dir, 'half.txt');
  writeFileSync(half, readFileSync(PLAN, 'utf8').split('\n').slice(0, 1400).join('\n'));
  try {
    assert.equal((await runCli(['import', 'plan-text', PLAN, '--org', '082023'], env)).code, 0);
    // An admin renames a KPI; no replace may revert it.
    {
      const database = await openDatabase({ dataDir: env.SHISAKU_DATA_DIR });
      await database.db.update(t.kpis).set({ name: '管理画面で直した名前', unit: '件' }).where(eq(t.kpis.key, 'k1'));
      await database.close();
    }

    const dry = await runCli(['import', 'plan-text', half, '--org', '082023', '--replace', '--dry-run'], env);
    assert.equal(dry.code, 0);
    assert.match(dry.stderr, /削除される施策 54 件/);
    assert.match(dry.stderr, /削除される施策体系 2 件: 業務効率化、安全・安心の確保/);
    assert.match(dry.stderr, /何も書き込んでいません/);

    const refused = await runCli(['import', 'plan-text', half, '--org', '082023', '--replace'], env);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /施策 54 件と施策体系 2 件が削除されます.*--allow-remove/);
    {
      const database = await openDatabase({ dataDir: env.SHISAKU_DATA_DIR });
      assert.equal((await loadEdition(database.db, '082023', 2023))!.initiatives.length, 102);
      await database.close();
    }

    assert.equal((await runCli(['import', 'plan-text', half, '--org', '082023', '--replace', '--allow-remove'], env)).code, 0);
    {
      const database = await openDatabase({ dataDir: env.SHISAKU_DATA_DIR });
      const d = (await loadEdition(database.db, '082023', 2023))!;
      assert.equal(d.initiatives.length, 48);
      const k1 = d.kpis.find((k) => k.key === 'k1')!;
      assert.deepEqual([k1.name, k1.unit], ['管理画面で直した名前', '件']);
      await database.close();
    }

    const back = await runCli(['editions', 'restore-replaced', '--org', '082023', '--year', '2023'], env);
    assert.equal(back.code, 0, back.stderr);
    assert.match(back.stderr, /102 件/);
    const database = await openDatabase({ dataDir: env.SHISAKU_DATA_DIR });
    try {
      assert.equal((await loadEdition(database.db, '082023', 2023))!.initiatives.length, 102);
      assert.equal((await loadPublished(database.db, '082023', 2023))!.initiatives.length, 102);
      assert.equal((await loadEditionSource(database.db, '082023', 2023))!.content, readFileSync(PLAN, 'utf8'));
      assert.equal((await loadEdition(database.db, '082023', 2023))!.kpis.find((k) => k.key === 'k1')!.name, '管理画面で直した名前');
    } finally {
      await database.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
