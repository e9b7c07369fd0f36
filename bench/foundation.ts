// Foundation figures: importing the sample, computing both tables, and a cold start to the first page.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { openDatabase } from '../src/db/client.ts';
import { saveEdition } from '../src/db/repository.ts';
import { sampleDocument } from '../src/db/sample.ts';
import { parsePlanText } from '../src/import/plan-text.ts';
import { kpiTable, summaryTable } from '../src/domain/tables.ts';
import { timeMs, type BenchResult } from './types.ts';

export async function benchFoundation(): Promise<BenchResult[]> {
  const out: BenchResult[] = [];
  const { text, doc } = sampleDocument();

  const parseMs = await timeMs(() => parsePlanText(text, { organization: { code: '082023', name: '日立市' }, fiscalYear: 2023 }), 10, 2);
  const copyMs = await timeMs(() => JSON.parse(JSON.stringify(doc.data)), 10, 2);
  out.push({ name: 'parse sample plan text', value: parseMs, unit: 'ms', baseline: { name: 'JSON round trip of the same edition', value: copyMs } });

  const database = await openDatabase({ dataDir: 'memory://' });
  try {
    let n = 0;
    const importMs = await timeMs(
      async () => {
        await saveEdition(database.db, doc.data, { replace: n++ > 0, actor: 'bench', source: 'bench' });
      },
      5,
      1,
    );
    await database.db.execute(sql`CREATE TABLE IF NOT EXISTS bench_blob (id serial primary key, body jsonb)`);
    const blob = JSON.stringify(doc.data);
    const blobMs = await timeMs(() => database.db.execute(sql`INSERT INTO bench_blob (body) VALUES (${blob}::jsonb)`), 5, 1);
    out.push({
      name: 'import sample edition (PGlite, one transaction)',
      value: importMs,
      unit: 'ms',
      baseline: { name: 'insert the same edition as one JSON row', value: blobMs },
    });
  } finally {
    await database.close();
  }

  const loopMs = await timeMs(
    () => {
      const c: Record<string, number> = {};
      for (const i of doc.data.initiatives) c[i.pillarKey + i.status] = (c[i.pillarKey + i.status] ?? 0) + 1;
      return c;
    },
    200,
    20,
  );
  const tablesMs = await timeMs(() => [summaryTable(doc.data), kpiTable(doc.data)], 200, 20);
  out.push({ name: 'compute summary + KPI tables', value: tablesMs, unit: 'ms', baseline: { name: 'plain counting loop over initiatives', value: loopMs } });

  out.push(await coldStart());
  return out;
}

/** From spawning `shisaku serve` on a fresh data directory (sample seeded) to the first 200 response. */
async function coldStart(): Promise<BenchResult> {
  const nodeMs = await timeMs(() => run(process.execPath, ['-e', '0']), 3, 1);
  const dir = mkdtempSync(join(tmpdir(), 'shisaku-bench-'));
  try {
    const seed = await startAndFetch(dir);
    const warmDir = await startAndFetch(dir);
    return {
      name: 'cold start to first page (new data dir incl. migrations + sample import)',
      value: seed,
      unit: 'ms',
      baseline: { name: 'node start with no work', value: nodeMs },
      note: `restart on the existing data directory: ${warmDir.toFixed(0)} ms`,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: 'ignore' });
    p.on('exit', () => resolve());
    p.on('error', reject);
  });
}

async function startAndFetch(dataDir: string): Promise<number> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--seed-sample', '--port', String(port)], {
    env: { ...process.env, SHISAKU_DATA_DIR: dataDir, DATABASE_URL: '' },
    stdio: 'ignore',
  });
  try {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      try {
        const r = await fetch(`http://127.0.0.1:${port}/o/082023/2023`);
        if (r.status === 200) {
          await r.arrayBuffer();
          return performance.now() - t0;
        }
      } catch {
        /* not listening yet */
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error('server did not answer within 60 s');
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}
