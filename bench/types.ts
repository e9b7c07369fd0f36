// A benchmark figure and the baseline it is compared with, both measured in the same run: these
// machines are shared, so an absolute number alone says little; the ratio is what to watch.
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  baseline?: { name: string; value: number };
  /** A goal stated as "value/baseline ≤ x" or "≥ x", shown next to the ratio. */
  goal?: { ratio: number; direction: 'max' | 'min' } | { value: number; direction: 'max' | 'min' };
  note?: string;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Runs fn `runs` times after `warmup` runs and returns the median milliseconds. */
export async function timeMs(fn: () => unknown, runs = 5, warmup = 1): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    xs.push(performance.now() - t0);
  }
  return median(xs);
}
