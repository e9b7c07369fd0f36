// Public pages during uploads: the p99 latency of the plan overview while an admin uploads, one after
// another, (1) an honest workbook of 12,000 initiatives (about 1 MB; read and previewed on the worker,
// where the preview refuses it for initiative keys the sample does not have, after walking every row) and (2) a workbook bomb (1.5 MB whose sheet says 1,000 bytes and inflates to 1.5 GB), each beside the
// p99 of the same page with no upload, measured in the same run against the same server process.
// Goal: ≤ 100 ms p99 during an upload. The server runs in a child process (this file with --serve).
import { fork } from 'node:child_process';
import { load } from './load.ts';
import type { BenchResult } from './types.ts';

const PASSWORD = 'bench upload passphrase';
const PAGE = '/o/082023/2023';

async function serveForBench(): Promise<void> {
  const { serve } = await import('@hono/node-server');
  const { sql } = await import('drizzle-orm');
  const { openDatabase } = await import('../src/db/client.ts');
  const { loadSample } = await import('../src/db/sample.ts');
  const { createUser } = await import('../src/db/accounts.ts');
  const { createApp } = await import('../src/web/app.tsx');
  const database = await openDatabase({ dataDir: 'memory://' });
  await loadSample(database.db);
  // Files are read into a draft; the portal keeps showing the published copy.
  await database.db.execute(sql`UPDATE editions SET state = 'draft'`);
  await createUser(database.db, { orgCode: '082023', login: 'bench', displayName: 'bench', password: PASSWORD, role: 'admin' });
  const app = createApp({ database });
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => process.send!({ port: info.port }));
  process.on('message', async (m) => {
    if (m === 'stop') {
      server.close();
      await database.close();
      process.exit(0);
    }
  });
}

if (process.argv.includes('--serve')) await serveForBench();

/** Signs in as the bench admin: the session cookie and the CSRF token, as a browser would hold them. */
async function signIn(base: string): Promise<{ cookie: string; csrf: string }> {
  const res = await fetch(`${base}/admin/login`, {
    method: 'POST',
    body: new URLSearchParams({ login: 'bench', password: PASSWORD, next: '/admin' }),
    redirect: 'manual',
  });
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  if (res.status !== 303 || !cookie) throw new Error(`bench sign-in: ${res.status}`);
  const page = await (await fetch(`${base}/admin`, { headers: { cookie } })).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1];
  if (!csrf) throw new Error('bench sign-in: no CSRF token');
  return { cookie, csrf };
}

/** Uploads `bytes` again and again until `until` resolves; the time each upload took, and their statuses. */
async function uploadsUntil(base: string, session: { cookie: string; csrf: string }, bytes: Uint8Array, until: Promise<unknown>) {
  let done = false;
  void until.then(() => (done = true));
  const times: number[] = [];
  const statuses = new Set<number>();
  while (!done) {
    const body = new FormData();
    body.append('_csrf', session.csrf);
    body.append('file', new File([new Uint8Array(bytes)], 'upload.xlsx'));
    const t0 = performance.now();
    const res = await fetch(`${base}/admin/e/2023/import`, { method: 'POST', body, headers: { cookie: session.cookie } });
    await res.text();
    times.push(performance.now() - t0);
    statuses.add(res.status);
  }
  return { times, statuses: [...statuses] };
}

export async function benchUpload(): Promise<BenchResult[]> {
  const { sampleDocument } = await import('../src/db/sample.ts');
  const { exportWorkbook } = await import('../src/export/xlsx.ts');
  const { syntheticEdition } = await import('./spreadsheet.ts');
  const { longSheetWorkbook } = await import('../test/spreadsheet/bomb-zip.ts');
  const honest = await exportWorkbook(syntheticEdition(sampleDocument().doc.data, 12_000));
  const bomb = longSheetWorkbook(1500, 1000);

  const child = fork(new URL(import.meta.url).pathname, ['--serve'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  try {
    const { port } = await new Promise<{ port: number }>((resolve, reject) => {
      child.once('message', (m) => resolve(m as never));
      child.once('exit', (code) => reject(new Error(`bench server exited ${code}`)));
    });
    const base = `http://127.0.0.1:${port}`;
    const session = await signIn(base);
    const opts = { seconds: 6, concurrency: 4, headers: { 'accept-language': 'ja' } };
    await load(base + PAGE, { ...opts, seconds: 1 }); // warm-up
    // One upload of each before measuring, so the worker is started and warm as it is on a running server.
    for (const bytes of [honest, bomb]) await uploadsUntil(base, session, bytes, Promise.resolve());
    const out: BenchResult[] = [];
    for (const [what, bytes] of [
      [`an honest workbook of 12,000 initiatives (${(honest.length / 1024).toFixed(0)} KiB)`, honest],
      [`a workbook bomb (${(bomb.length / 1024 / 1024).toFixed(1)} MB, 1,000 bytes declared, 1.5 GB inflated)`, bomb],
    ] as const) {
      const quiet = await load(base + PAGE, opts);
      const measuring = load(base + PAGE, opts);
      const uploads = await uploadsUntil(base, session, bytes, measuring);
      const busy = await measuring;
      const sorted = [...uploads.times].sort((a, b) => a - b);
      out.push({
        name: `public page p99 while uploading ${what}`,
        value: busy.p99,
        unit: 'ms',
        baseline: { name: 'p99 of the same page with no upload', value: quiet.p99 },
        goal: { value: 100, direction: 'max' },
        note: `${uploads.times.length} uploads (status ${uploads.statuses.join('/')}, median ${sorted[sorted.length >> 1]!.toFixed(0)} ms); p50 ${busy.p50.toFixed(1)} ms vs ${quiet.p50.toFixed(1)} ms; ${busy.requests} requests, ${busy.errors + quiet.errors} errors`,
      });
    }
    return out;
  } finally {
    child.send('stop');
    await new Promise((r) => child.once('exit', r));
  }
}
