// Portal throughput: the initiative page and the plan overview against the same bytes served as a
// static response by the same server process, measured in the same run. Goal: ≥ 50 % of static.
import { fork } from 'node:child_process';
import { load } from './load.ts';
import type { BenchResult } from './types.ts';

export async function benchPortal(): Promise<BenchResult[]> {
  const child = fork(new URL('./portal-server.ts', import.meta.url).pathname, [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  try {
    const info = await new Promise<{ port: number; pages: Record<string, string>; sizes: Record<string, number> }>((resolve, reject) => {
      child.once('message', (m) => resolve(m as never));
      child.once('exit', (code) => reject(new Error(`bench server exited ${code}`)));
    });
    const base = `http://127.0.0.1:${info.port}`;
    const headers = { 'accept-language': 'ja' };
    const out: BenchResult[] = [];
    for (const name of ['initiative', 'overview'] as const) {
      await load(base + info.pages[name], { seconds: 1, concurrency: 8, headers }); // warm-up
      const staticRun = await load(`${base}/__static/${name}`, { seconds: 3, concurrency: 16, headers });
      const pageRun = await load(base + info.pages[name], { seconds: 3, concurrency: 16, headers });
      out.push({
        name: `${name} page (${(info.sizes[name]! / 1024).toFixed(1)} KiB) requests/s`,
        value: pageRun.rps,
        unit: 'req/s',
        baseline: { name: 'same bytes as a static response', value: staticRun.rps },
        goal: { ratio: 0.5, direction: 'min' },
        note: `p50 ${pageRun.p50.toFixed(2)} ms, p99 ${pageRun.p99.toFixed(2)} ms (static p50 ${staticRun.p50.toFixed(2)}, p99 ${staticRun.p99.toFixed(2)}); errors ${pageRun.errors + staticRun.errors}`,
      });
    }
    return out;
  } finally {
    child.send('stop');
    await new Promise((r) => child.once('exit', r));
  }
}
