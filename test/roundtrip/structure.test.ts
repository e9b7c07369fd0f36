// Generated (model-based) tests of the admin's structure commands and of the yearly rollover, on both
// databases.
//
// Structure: a random walk of commands (pillars, sub-areas, an initiative's order/identity/removal,
// renumbering, KPIs and their actuals, the department master) on the FY2024 draft opened from the sample,
// each checked against a pure model (structure-model.ts) as described in structure-walk.ts.
// Rollover: rollover() on random editions keeps what it should and makes results from last year's plan
// targets (pure, many cases); and what openRound stores is rollover(current) read back (a few cases per
// database, each in an organization of its own).
//
//   npx tsx --test test/roundtrip/structure.test.ts                 default: seeded, small
//   ROUNDTRIP_CASES=100 …        cases of the walk (each 1–STEPS commands); rollover cases scale with it
//   ROUNDTRIP_STEPS=20 …         commands per case at most
//   ROUNDTRIP_SEED=123 …         another walk (the seed is printed)
//   ROUNDTRIP_BACKENDS=pglite …  one backend only
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { backends } from '../helpers/db.ts';
import { authenticate } from '../../src/db/accounts.ts';
import { loadSample } from '../../src/db/sample.ts';
import { loadEdition, saveEdition } from '../../src/db/repository.ts';
import { openRound } from '../../src/db/workspace.ts';
import { rollover } from '../../src/domain/rollover.ts';
import { checkDigit } from '../../src/domain/org-code.ts';
import { sql } from 'drizzle-orm';
import { addUsers, PASSWORD } from '../workspace/helpers.ts';
import { acmdArb, initModel, Walk, WalkFailure } from './structure-walk.ts';
import { checkRollover, rolloverCaseArb } from './rollover-gen.ts';

const CASES = Number(process.env.ROUNDTRIP_CASES ?? 8);
const STEPS = Number(process.env.ROUNDTRIP_STEPS ?? 8);
const SEED = Number(process.env.ROUNDTRIP_SEED ?? 20240401);
const ONLY_BACKENDS = (process.env.ROUNDTRIP_BACKENDS ?? '').split(',').filter(Boolean);
const ROLLOVER_CASES = Math.max(1, Math.round(CASES / 4));

console.log(
  `structure: seed ${SEED}, ${CASES} cases of up to ${STEPS} commands; rollover ${CASES * 25} pure cases, ${ROLLOVER_CASES} per database (ROUNDTRIP_SEED / ROUNDTRIP_CASES / ROUNDTRIP_STEPS)`,
);

/** fast-check keeps the property's own error as the cause; node:test prints only the message. */
async function assertProperty(run: () => Promise<void>) {
  try {
    await run();
  } catch (e) {
    const cause = (e as Error).cause;
    throw new Error(`${(e as Error).message}\n\n${cause instanceof WalkFailure ? cause.message : cause instanceof Error ? cause.stack : String(cause)}`);
  }
}

test(`rollover keeps identity, placement, wording and plan; results come from last year's targets (seed ${SEED})`, async () => {
  await assertProperty(async () =>
    fc.assert(
      fc.property(rolloverCaseArb(40), ({ data, dropCompleted }) => {
        const copy = structuredClone(data);
        const next = rollover(data, { dropCompleted });
        assert.deepEqual(data, copy, 'rollover leaves its input alone');
        checkRollover(data, next, dropCompleted);
      }),
      { seed: SEED, numRuns: CASES * 25 },
    ),
  );
});

const chosen = backends.filter((b) => !ONLY_BACKENDS.length || ONLY_BACKENDS.includes(b.name));
// Both databases start opening now (PGlite's migrations take seconds), while the pure property runs.
const opening = new Map(chosen.map((b) => [b.name, b.open()]));
for (const p of opening.values()) p.catch(() => {}); // reported by the test that awaits it

for (const backend of chosen) {
  test(`${backend.name}: generated structure commands and rollover (seed ${SEED})`, async (t) => {
    const database = await opening.get(backend.name)!;
    const db = database.db;
    try {
      await loadSample(db);
      await addUsers(db);
      const admin = (await authenticate(db, 'admin', PASSWORD))!;
      await openRound(db, admin, { fromFiscalYear: 2023, dueDate: '2099-01-01', dropCompleted: false });

      await t.test(`structure commands: ${CASES} cases of up to ${STEPS} commands`, async () => {
        const walk = new Walk(db, admin, await initModel(db));
        try {
          await assertProperty(async () =>
            fc.assert(
              fc.asyncProperty(fc.array(acmdArb, { minLength: 1, maxLength: STEPS }), async (cmds) => {
                walk.log = [];
                for (const a of cmds) await walk.step(a);
              }),
              { seed: SEED, numRuns: CASES, endOnFailure: true },
            ),
          );
        } finally {
          const s = walk.stats;
          console.log(
            `structure ${backend.name}: ${s.commands} commands (${s.repeated} repeats), ${s.accepted} accepted, ${s.refused} refused; ${Object.entries(s.byKind)
              .map(([k, [ok, no]]) => `${k} ${ok}/${no}`)
              .join(', ')}`,
          );
        }
      });

      await t.test(`openRound stores rollover(current): ${ROLLOVER_CASES} cases`, async () => {
        let n = 0;
        await assertProperty(async () =>
          fc.assert(
            fc.asyncProperty(rolloverCaseArb(8, [2023]), async ({ data, dropCompleted }) => {
              // An organization of its own per case, so every case rolls a fresh FY2023 over.
              const five = `4${String(1000 + n++).padStart(4, '0')}`;
              data.organization = { code: `${five}${checkDigit(five)}`, name: `試験市${n}` };
              await saveEdition(db, data, { actor: 'test', source: 'test:rollover' });
              const [org] = (
                (await db.execute(sql`SELECT id FROM organizations WHERE code = ${data.organization.code}`)) as unknown as { rows: { id: number }[] }
              ).rows;
              const actor = { ...admin, organizationId: Number(org!.id) };
              const current = (await loadEdition(db, data.organization.code, 2023))!;
              await openRound(db, actor, { fromFiscalYear: 2023, dueDate: '2099-01-01', dropCompleted });
              const stored = (await loadEdition(db, data.organization.code, 2024))!;
              const expected = rollover(current, { dropCompleted });
              assert.deepEqual(stored, expected, 'what openRound stores is rollover(current)');
              checkRollover(current, stored, dropCompleted);
            }),
            { seed: SEED, numRuns: ROLLOVER_CASES, endOnFailure: true },
          ),
        );
      });
    } finally {
      await database.close();
    }
  });
}
