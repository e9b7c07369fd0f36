// Bugs the generated structure test (test/roundtrip/structure.test.ts) found, each pinned by a plain example.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import { backends } from '../helpers/db.ts';
import { authenticate, createUser } from '../../src/db/accounts.ts';
import { loadSample } from '../../src/db/sample.ts';
import { loadEdition } from '../../src/db/repository.ts';
import { openRound } from '../../src/db/workspace.ts';
import { kpiVersions, saveKpi, savePillar, saveSubArea, updateIdentity } from '../../src/db/structure.ts';
import type { Db } from '../../src/db/client.ts';

const PASSWORD = 'correct horse battery';

async function changeSets(db: Db): Promise<number> {
  const r = (await db.execute(sql`SELECT count(*)::int AS n FROM change_sets`)) as unknown as { rows: { n: number }[] };
  return Number(r.rows[0]!.n);
}

async function version(db: Db, key: string): Promise<number> {
  const r = (await db.execute(
    sql`SELECT y.version FROM initiative_years y JOIN initiatives i ON i.id = y.initiative_id JOIN editions e ON e.id = y.edition_id WHERE e.fiscal_year = 2024 AND i.key = ${key}`,
  )) as unknown as { rows: { version: number }[] };
  return Number(r.rows[0]!.version);
}

for (const backend of backends) {
  test(`${backend.name}: saving an initiative's identity, a pillar, a sub-area or a KPI unchanged writes nothing (seed 20240401, first case)`, async () => {
    const database = await backend.open();
    const db = database.db;
    try {
      await loadSample(db);
      await createUser(db, { orgCode: '082023', login: 'admin', displayName: 'admin', email: null, password: PASSWORD, role: 'admin', departments: [] });
      const admin = (await authenticate(db, 'admin', PASSWORD))!;
      await openRound(db, admin, { fromFiscalYear: 2023, dueDate: '2099-01-01', dropCompleted: false });
      const e = (await loadEdition(db, '082023', 2024))!;
      const i = e.initiatives.find((x) => x.subAreaKey !== null)!;
      const sets = await changeSets(db);

      // The identity form saved as shown: before, this wrote an audit row with before = after and a new
      // version, so another admin's open form was refused as if someone had changed the initiative.
      const v = await version(db, i.key);
      const out = await updateIdentity(db, admin, 2024, i.key, v, {
        number: i.number,
        title: i.title,
        pillarKey: i.pillarKey,
        subAreaKey: i.subAreaKey,
        departments: i.departments,
      });
      assert.equal(out.version, v, 'the version is kept');
      assert.equal(await version(db, i.key), v);
      await updateIdentity(db, admin, 2024, i.key, v, {
        number: i.number,
        title: `${i.title}（改）`,
        pillarKey: i.pillarKey,
        subAreaKey: i.subAreaKey,
        departments: i.departments,
      });
      assert.equal(await version(db, i.key), v + 1, 'a form opened before the unchanged save still saves');
      const afterIdentity = await changeSets(db);
      assert.equal(afterIdentity, sets + 1, 'one change set: the real change only');

      const p = e.pillars[1]!;
      await savePillar(db, admin, 2024, p.key, { name: p.name, tagline: p.tagline });
      const s = p.subAreas[0]!;
      await saveSubArea(db, admin, 2024, p.key, s.key, s.name);
      const k = e.kpis[0]!;
      await saveKpi(db, admin, 2024, k.key, (await kpiVersions(db, admin, 2024)).get(k.key)!, {
        name: k.name,
        pillarKey: k.pillarKey,
        unit: k.unit,
        target: k.target,
        targetFiscalYear: k.targetFiscalYear,
        direction: k.direction,
        baseline: k.baseline,
        initiativeKey: k.initiativeKey,
      });
      assert.equal(await changeSets(db), afterIdentity, 'unchanged saves record no change set');
      const kpiAudit = (await db.execute(sql`SELECT count(*)::int AS n FROM audit_log WHERE entity IN ('pillar', 'sub-area', 'kpi')`)) as unknown as {
        rows: { n: number }[];
      };
      assert.equal(Number(kpiAudit.rows[0]!.n), 0);
      assert.deepEqual({ ...(await loadEdition(db, '082023', 2024))!, initiatives: [] }, { ...e, initiatives: [] });
    } finally {
      await database.close();
    }
  });
}
