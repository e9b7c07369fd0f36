// Ordering and numbering of the plan's structure: pure rules shared by the workspace commands and tests.
import type { EditionData } from './model.ts';

export type MoveDirection = 'up' | 'down';

/** A key for a new pillar, sub-area or KPI: the prefix and one more than the highest number in use. */
export function nextKey(prefix: string, existing: readonly string[]): string {
  let max = 0;
  for (const k of existing) {
    if (!k.startsWith(prefix)) continue;
    const n = Number(k.slice(prefix.length));
    if (Number.isInteger(n) && n > max) max = n;
  }
  return `${prefix}${max + 1}`;
}

/** The list with one element swapped with its neighbour, or null when it is already at that end. */
export function reorder<T>(rows: readonly T[], index: number, direction: MoveDirection): T[] | null {
  const other = direction === 'up' ? index - 1 : index + 1;
  if (index < 0 || index >= rows.length || other < 0 || other >= rows.length) return null;
  const next = [...rows];
  [next[index], next[other]] = [next[other]!, next[index]!];
  return next;
}

/** 01, 02, … as the sample prints them; three digits once there are more than 99. */
export function renumber(count: number): string[] {
  const width = Math.max(2, String(count).length);
  return Array.from({ length: count }, (_, i) => String(i + 1).padStart(width, '0'));
}

/**
 * Print order: by pillar, then initiatives without a sub-area, then each sub-area in its order, and by
 * position inside each group. This is the order the portal and the report show.
 */
export function displayOrder<T extends { position: number; initiative: { pillarKey: string; subAreaKey: string | null } }>(
  items: readonly T[],
  pillarKeys: readonly string[],
  subAreaKeys: (pillarKey: string) => readonly string[],
): T[] {
  const pillarRank = new Map(pillarKeys.map((k, n) => [k, n]));
  const subRank = new Map<string, number>();
  for (const p of pillarKeys) subAreaKeys(p).forEach((s, n) => subRank.set(`${p}\n${s}`, n + 1));
  const rank = (i: T) => [
    pillarRank.get(i.initiative.pillarKey) ?? pillarKeys.length,
    i.initiative.subAreaKey === null ? 0 : (subRank.get(`${i.initiative.pillarKey}\n${i.initiative.subAreaKey}`) ?? Number.MAX_SAFE_INTEGER),
    i.position,
  ];
  return [...items].sort((a, b) => {
    const x = rank(a);
    const y = rank(b);
    return x[0]! - y[0]! || x[1]! - y[1]! || x[2]! - y[2]!;
  });
}

/**
 * The edition as its views show it: a KPI's link to an initiative this edition does not hold (one
 * dropped in a rollover, say) is no link here. KPIs belong to the whole plan, so the stored link stays
 * and earlier editions, which still hold the initiative, keep showing it. Never save what this returns.
 */
export function withEditionLinks<T extends Pick<EditionData, 'initiatives' | 'kpis'>>(data: T): T {
  const keys = new Set(data.initiatives.map((i) => i.key));
  if (data.kpis.every((k) => k.initiativeKey === null || keys.has(k.initiativeKey))) return data;
  return { ...data, kpis: data.kpis.map((k) => (k.initiativeKey !== null && !keys.has(k.initiativeKey) ? { ...k, initiativeKey: null } : k)) };
}
