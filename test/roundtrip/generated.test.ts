// Generated round trips over every spreadsheet write path (the workbook; each CSV table in UTF-8 and in
// Shift_JIS) and the workspace form, on both databases. Each case edits what is stored now (a random walk:
// later cases start from what earlier ones stored), previews, applies and checks the contract in runner.ts.
//
//   npx tsx --test test/roundtrip/generated.test.ts                    default: seeded, a few cases per path
//   ROUNDTRIP_CASES=200 npx tsx --test test/roundtrip/generated.test.ts     or: npx tsx test/roundtrip/generated.test.ts --cases 200
//   ROUNDTRIP_SEED=123 …                                               another walk (the seed is printed)
//   ROUNDTRIP_BACKENDS=pglite …                                        one backend only
//   ROUNDTRIP_PATHS=xlsx,form …                                        some paths only
import { test } from 'node:test';
import fc from 'fast-check';
import { backends } from '../helpers/db.ts';
import { openWorld } from './world.ts';
import { formCaseArb, spreadsheetCaseArb } from './generators.ts';
import { CaseFailure, runFormCase, runSpreadsheetCase, type SpreadsheetPath, type Stats } from './runner.ts';

function arg(name: string): string | undefined {
  const k = process.argv.indexOf(`--${name}`);
  if (k >= 0) return process.argv[k + 1];
  return process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
}

const CASES = Number(arg('cases') ?? process.env.ROUNDTRIP_CASES ?? 10);
const SEED = Number(arg('seed') ?? process.env.ROUNDTRIP_SEED ?? 20240401);
/** Exploration: record every failing case and go on walking, then print the distinct problems. */
const COLLECT = Boolean(process.env.ROUNDTRIP_COLLECT);
const ONLY_BACKENDS = (process.env.ROUNDTRIP_BACKENDS ?? '').split(',').filter(Boolean);
const ONLY_PATHS = (arg('paths') ?? process.env.ROUNDTRIP_PATHS ?? '').split(',').filter(Boolean);

const SPREADSHEET_PATHS: SpreadsheetPath[] = [
  { name: 'xlsx', kind: 'xlsx', encoding: 'utf8', sheets: ['initiatives', 'results', 'kpis'] },
  ...(['utf8', 'sjis'] as const).flatMap((encoding) =>
    (['initiatives', 'results', 'kpis'] as const).map((table) => ({
      name: `csv-${table}-${encoding}`,
      kind: 'csv' as const,
      table,
      encoding,
      sheets: [table],
    })),
  ),
];
const PATHS = [...SPREADSHEET_PATHS.map((p) => p.name), 'form'].filter((p) => !ONLY_PATHS.length || ONLY_PATHS.includes(p));

console.log(`roundtrip: seed ${SEED}, ${CASES} cases per path (ROUNDTRIP_SEED / ROUNDTRIP_CASES or --seed / --cases)`);

for (const backend of backends.filter((b) => !ONLY_BACKENDS.length || ONLY_BACKENDS.includes(b.name))) {
  test(`${backend.name}: generated round trips (seed ${SEED}, ${CASES} cases per path)`, async (t) => {
    const world = await openWorld(backend);
    const db = world.database.db;
    const all: Record<string, Stats> = {};
    const problems: Record<string, string[]> = {};
    try {
      for (const [k, name] of PATHS.entries()) {
        const stats: Stats = (all[name] = { cases: 0, applied: 0, refused: 0, empty: 0, failed: 0 });
        const seed = SEED + k;
        await t.test(`${name} (seed ${seed})`, async () => {
          const path = SPREADSHEET_PATHS.find((p) => p.name === name);
          const params = { seed, numRuns: CASES, endOnFailure: true };
          const collect = async (run: () => Promise<void>) => {
            try {
              await run();
            } catch (e) {
              if (!COLLECT || !(e instanceof CaseFailure)) throw e;
              for (const p of e.problems)
                (problems[
                  `${name} (${p.check}) ${p.message
                    .split('\n')[0]!
                    .replace(/[0-9a-f]{8}/g, 'KEY')
                    .slice(0, 160)}`
                ] ??= []).push(`${p.message}\n${e.log.join('\n')}`);
            }
          };
          try {
            if (path)
              await fc.assert(
                fc.asyncProperty(spreadsheetCaseArb(path.sheets), (c) => collect(() => runSpreadsheetCase(db, world.actor, path, c, stats))),
                params,
              );
            else
              await fc.assert(
                fc.asyncProperty(formCaseArb, (c) => collect(() => runFormCase(db, world.actor, c, stats))),
                params,
              );
          } catch (e) {
            // fast-check keeps the property's own error as the cause; node:test prints only the message.
            const cause = (e as Error).cause;
            throw new Error(
              `${(e as Error).message}\n\n${cause instanceof Error ? (cause instanceof CaseFailure ? cause.message : cause.stack) : String(cause)}`,
            );
          }
        });
      }
    } finally {
      for (const [name, s] of Object.entries(all)) {
        console.log(`roundtrip ${backend.name} ${name}: ${s.cases} cases, ${s.applied} applied, ${s.empty} no-op, ${s.refused} refused, ${s.failed} failed`);
      }
      for (const [k, v] of Object.entries(problems)) console.log(`problem ×${v.length}: ${k}\n  first: ${v[0]!.split('\n').slice(0, 40).join('\n  ')}`);
      await world.database.close();
    }
  });
}
