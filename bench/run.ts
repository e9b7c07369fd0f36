// `npm run bench`: every figure with the baseline measured beside it in the same run, and their ratio.
import type { BenchResult } from './types.ts';

type Suite = { name: string; load: () => Promise<() => Promise<BenchResult[]>> };

const suites: Suite[] = [
  { name: 'foundation', load: async () => (await import('./foundation.ts')).benchFoundation },
  { name: 'portal', load: async () => (await import('./portal.ts')).benchPortal },
  { name: 'search', load: async () => (await import('./search.ts')).benchSearch },
  { name: 'report', load: async () => (await import('./report.ts')).benchReport },
  { name: 'spreadsheet', load: async () => (await import('./spreadsheet.ts')).benchSpreadsheet },
  { name: 'structure', load: async () => (await import('./structure.ts')).benchStructure },
  { name: 'upload', load: async () => (await import('./upload.ts')).benchUpload },
];

function fmt(n: number): string {
  return n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2);
}

const only = process.argv.slice(2);
let failed = 0;
for (const suite of suites) {
  if (only.length && !only.includes(suite.name)) continue;
  console.log(`\n## ${suite.name}`);
  try {
    const results = await (await suite.load())();
    for (const r of results) {
      let line = `${r.name}: ${fmt(r.value)} ${r.unit}`;
      if (r.baseline) line += ` | baseline (${r.baseline.name}): ${fmt(r.baseline.value)} ${r.unit} | ratio ${(r.value / r.baseline.value).toFixed(2)}`;
      if (r.goal) {
        const actual = 'ratio' in r.goal ? r.value / (r.baseline?.value ?? 1) : r.value;
        const target = 'ratio' in r.goal ? r.goal.ratio : r.goal.value;
        const ok = r.goal.direction === 'max' ? actual <= target : actual >= target;
        line += ` | goal ${r.goal.direction === 'max' ? '≤' : '≥'} ${target}: ${ok ? 'met' : 'NOT met'}`;
      }
      if (r.note) line += ` | ${r.note}`;
      console.log(line);
    }
  } catch (e) {
    failed++;
    console.log(`${suite.name} failed: ${(e as Error).stack ?? e}`);
  }
}
process.exitCode = failed ? 1 : 0;
