// Per-edition search under load: 200 keep-alive connections driving /o/082023/2023/search?q=… with a mix
// of queries (one character, 窓口, AI, RPA, phrases, a filter, no hit, and one request in ten a query never
// asked before) for 5 s, against the real app on the sample in another process. The baseline, measured in
// the same run by the same load generator and the same 200 connections, is the very bytes of those pages
// served as a plain in-memory response from that server process. Goal: p99 ≤ 500 ms.
//
// This one file is both the suite (imported by run.ts) and its server: run.ts's process forks it with
// SHISAKU_BENCH_ROLE=search-server, so the load generator and the server never share an event loop.
import { fork } from 'node:child_process';
import http from 'node:http';
import type { BenchResult } from './types.ts';

const ROLE_ENV = 'SHISAKU_BENCH_ROLE';
const CONNECTIONS = 200;
const SECONDS = 5;
const EDITION = '/o/082023/2023';

/** The queries of the mix, each as the query string after `search?`. */
const MIX: { label: string; query: string }[] = [
  { label: 'one character', query: `q=${encodeURIComponent('窓')}` },
  { label: 'one character, every initiative', query: `q=${encodeURIComponent('の')}` },
  { label: 'two characters', query: `q=${encodeURIComponent('窓口')}` },
  { label: 'Latin', query: 'q=AI' },
  { label: 'Latin', query: 'q=RPA' },
  { label: 'phrase, segmented', query: `q=${encodeURIComponent('マイナンバーカードを普及')}` },
  { label: 'phrase', query: `q=${encodeURIComponent('デジタル化の推進')}` },
  { label: 'two words', query: `q=${encodeURIComponent('窓口 申請')}` },
  { label: 'with a filter', query: `q=${encodeURIComponent('システム')}&status=completed` },
  { label: 'no hit', query: `q=${encodeURIComponent('ぞうきんがけ')}` },
];

interface ServerInfo {
  port: number;
  /** Bytes of each page of the mix, as the app answered it, for the static baseline and the check. */
  sizes: number[];
}

// ---- the server process -------------------------------------------------------------------------

async function runServer(): Promise<void> {
  const { serve } = await import('@hono/node-server');
  const { Hono } = await import('hono');
  const { openDatabase } = await import('../src/db/client.ts');
  const { loadSample } = await import('../src/db/sample.ts');
  const { createApp } = await import('../src/web/app.tsx');
  const database = await openDatabase({ dataDir: 'memory://' });
  await loadSample(database.db);
  const app = createApp({ database });
  const bytes: string[] = [];
  for (const m of MIX) bytes.push(await (await app.request(`${EDITION}/search?${m.query}`, { headers: { 'accept-language': 'ja' } })).text());
  const outer = new Hono();
  outer.get('/__static/:i', (c) => c.html(bytes[Number(c.req.param('i'))] ?? ''));
  outer.route('/', app);
  const server = serve({ fetch: outer.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
    process.send!({ port: info.port, sizes: bytes.map((b) => Buffer.byteLength(b)) } satisfies ServerInfo);
  });
  const stop = async () => {
    server.close();
    await database.close();
    process.exit(0);
  };
  process.on('message', (m) => m === 'stop' && void stop());
  // The bench process died: do not outlive it.
  process.on('disconnect', () => void stop());
}

if (process.env[ROLE_ENV] === 'search-server') await runServer();

// ---- the load generator -------------------------------------------------------------------------

interface Run {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
}

/**
 * A closed loop over `connections` keep-alive sockets to 127.0.0.1: each connection sends its next path
 * as soon as the previous answer has been read, for `seconds`. Non-200 answers and socket errors count
 * as errors and not as latencies.
 */
async function drive(port: number, nextPath: (n: number) => string, seconds: number, connections = CONNECTIONS): Promise<Run> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
  const latencies: number[] = [];
  let errors = 0;
  let sent = 0;
  const deadline = performance.now() + seconds * 1000;
  const one = (path: string) =>
    new Promise<void>((resolve) => {
      const t0 = performance.now();
      const req = http.get({ hostname: '127.0.0.1', port, path, agent, headers: { 'accept-language': 'ja' } }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode === 200) latencies.push(performance.now() - t0);
          else errors++;
          resolve();
        });
      });
      req.on('error', () => {
        errors++;
        resolve();
      });
    });
  const start = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < deadline) await one(nextPath(sent++));
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
  return { requests: latencies.length, rps: latencies.length / elapsed, p50: q(0.5), p99: q(0.99), max: latencies.at(-1) ?? 0, errors };
}

/** The search mix: the fixed queries in turn, and every tenth request a query no one asked before. */
function searchPath(n: number): string {
  if (n % 10 === 9) return `${EDITION}/search?q=${encodeURIComponent(`窓口${n}`)}`;
  return `${EDITION}/search?${MIX[n % MIX.length]!.query}`;
}

function staticPath(n: number): string {
  return `/__static/${n % MIX.length}`;
}

export async function benchSearch(): Promise<BenchResult[]> {
  const child = fork(new URL(import.meta.url).pathname, [], {
    // SHISAKU_BENCH_CPU_PROF=DIR writes a CPU profile of the server process there, to see where the time goes.
    execArgv: ['--import', 'tsx', ...(process.env.SHISAKU_BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.SHISAKU_BENCH_CPU_PROF}`] : [])],
    env: { ...process.env, [ROLE_ENV]: 'search-server' },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  try {
    const info = await new Promise<ServerInfo>((resolve, reject) => {
      child.once('message', (m) => resolve(m as ServerInfo));
      child.once('exit', (code) => reject(new Error(`bench server exited ${code}`)));
    });
    await drive(info.port, searchPath, 1); // warm-up: JIT, sockets
    const staticRun = await drive(info.port, staticPath, SECONDS);
    const searchRun = await drive(info.port, searchPath, SECONDS);
    const meanKiB = info.sizes.reduce((a, b) => a + b, 0) / info.sizes.length / 1024;
    const detail = (r: Run) =>
      `p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, max ${r.max.toFixed(0)} ms, ${r.rps.toFixed(0)} req/s, errors ${r.errors}`;
    const setup = `${CONNECTIONS} connections, ${SECONDS} s, ${MIX.length} queries + 1 in 10 new (pages ${meanKiB.toFixed(1)} KiB on average)`;
    return [
      {
        name: `search p99 under ${CONNECTIONS} connections`,
        value: searchRun.p99,
        unit: 'ms',
        baseline: { name: 'same bytes as a static response', value: staticRun.p99 },
        goal: { value: 500, direction: 'max' },
        note: `search ${detail(searchRun)}; static ${detail(staticRun)}; ${setup}`,
      },
      {
        name: `search requests/s under ${CONNECTIONS} connections`,
        value: searchRun.rps,
        unit: 'req/s',
        baseline: { name: 'same bytes as a static response', value: staticRun.rps },
        note: `search p50 ${searchRun.p50.toFixed(1)} ms (static ${staticRun.p50.toFixed(1)} ms)`,
      },
    ];
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.send('stop');
      await exited;
    }
  }
}
