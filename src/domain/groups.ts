// The group tree of an edition: pillars (level 1) and the groups below them. A pillar stores every group
// below it in one flat list (Pillar.subAreas), each naming its parent with `parentKey` (absent: directly
// under the pillar, level 2). This module turns that list into a tree, finds the level and path of a group,
// the initiatives under a group, and what is wrong with a list (a missing parent, a parent in another
// pillar, a cycle, a group deeper than the plan's levels).
//
// Stored data can be wrong (an import from a hand-made workbook, an old edition), and a page must still
// render. So the tree functions are lenient: a group whose parent is missing, or the first group (in stored
// order) of a cycle, is shown directly under its pillar, and a second group with a key already used is left
// out. groupIssues names each of those repairs in Japanese so the data can be fixed; subAreaLevel, which
// answers one precise question, refuses (throws) rather than guess.
import type { EditionData, Initiative, Pillar, PlanSettings, SubArea } from './model.ts';

export interface GroupNode {
  key: string;
  name: string;
  /** 1 = pillar, 2 = a group directly under it, and so on. */
  level: number;
  pillarKey: string;
  /** null for a pillar; the pillar's key for a level-2 group; the parent group's key below that. */
  parentKey: string | null;
  children: GroupNode[];
}

/** The sub-areas of a pillar with each key once (the first occurrence wins), in stored order. */
function uniqueSubAreas(pillar: Pillar): SubArea[] {
  const seen = new Set<string>();
  const out: SubArea[] = [];
  for (const s of pillar.subAreas) {
    if (seen.has(s.key)) continue;
    seen.add(s.key);
    out.push(s);
  }
  return out;
}

/**
 * The parent each group of a pillar is shown under (null: directly under the pillar), after the repairs
 * described at the top: a missing or own parent becomes null, and each cycle is broken at its member that
 * comes first in stored order.
 */
export function effectiveParents(pillar: Pillar): Map<string, string | null> {
  const subs = uniqueSubAreas(pillar);
  const order = new Map(subs.map((s, idx) => [s.key, idx]));
  const parent = new Map<string, string | null>();
  for (const s of subs) {
    const p = s.parentKey;
    parent.set(s.key, p !== undefined && p !== s.key && order.has(p) ? p : null);
  }
  // Walk up from every group; a walk that meets its own path has found a cycle. Breaking one edge per cycle
  // found, then walking again from the same group, ends because every break removes a cycle.
  for (const s of subs) {
    for (;;) {
      const path: string[] = [];
      const onPath = new Set<string>();
      let k: string | null = s.key;
      while (k !== null && !onPath.has(k)) {
        path.push(k);
        onPath.add(k);
        k = parent.get(k) ?? null;
      }
      if (k === null) break;
      const cycle = path.slice(path.indexOf(k));
      const first = cycle.reduce((a, b) => (order.get(a)! <= order.get(b)! ? a : b));
      parent.set(first, null);
    }
  }
  return parent;
}

/** The level of every group of a pillar (2 directly under it), by the lenient tree. */
export function groupLevels(pillar: Pillar): Map<string, number> {
  const parent = effectiveParents(pillar);
  const levels = new Map<string, number>();
  const levelOf = (key: string): number => {
    const known = levels.get(key);
    if (known !== undefined) return known;
    const p = parent.get(key) ?? null;
    const level = p === null ? 2 : levelOf(p) + 1;
    levels.set(key, level);
    return level;
  };
  for (const key of parent.keys()) levelOf(key);
  return levels;
}

function pillarNode(pillar: Pillar): GroupNode {
  const subs = uniqueSubAreas(pillar);
  const parent = effectiveParents(pillar);
  const build = (s: SubArea, level: number, parentKey: string): GroupNode => ({
    key: s.key,
    name: s.name,
    level,
    pillarKey: pillar.key,
    parentKey,
    children: subs.filter((c) => parent.get(c.key) === s.key).map((c) => build(c, level + 1, s.key)),
  });
  return {
    key: pillar.key,
    name: pillar.name,
    level: 1,
    pillarKey: pillar.key,
    parentKey: null,
    children: subs.filter((s) => parent.get(s.key) === null).map((s) => build(s, 2, pillar.key)),
  };
}

/** The tree of an edition's groups: one root per pillar, children in stored order. */
export function groupTree(pillars: readonly Pillar[]): GroupNode[] {
  return pillars.map(pillarNode);
}

/** Every node of a tree, parents before their children, in print order. */
export function flattenGroups(nodes: readonly GroupNode[]): GroupNode[] {
  const out: GroupNode[] = [];
  const walk = (n: GroupNode) => {
    out.push(n);
    n.children.forEach(walk);
  };
  nodes.forEach(walk);
  return out;
}

/**
 * The groups from the pillar down to `subAreaKey` (the pillar alone for null or an unknown group); [] when
 * the pillar is unknown.
 */
export function groupPath(pillars: readonly Pillar[], pillarKey: string, subAreaKey: string | null): { key: string; name: string; level: number }[] {
  const pillar = pillars.find((p) => p.key === pillarKey);
  if (!pillar) return [];
  const head = { key: pillar.key, name: pillar.name, level: 1 };
  if (subAreaKey === null) return [head];
  const parent = effectiveParents(pillar);
  if (!parent.has(subAreaKey)) return [head];
  const names = new Map(uniqueSubAreas(pillar).map((s) => [s.key, s.name]));
  const chain: string[] = [];
  for (let k: string | null = subAreaKey; k !== null; k = parent.get(k) ?? null) chain.unshift(k);
  return [head, ...chain.map((key, idx) => ({ key, name: names.get(key)!, level: idx + 2 }))];
}

/**
 * The level of a group of the pillar as stored: 2 without a parent, 3 for a child of a level-2 group, and so
 * on. Throws (a Japanese message) for a key the pillar does not hold, a parent it does not hold, or a cycle.
 */
export function subAreaLevel(pillar: Pillar, subAreaKey: string): number {
  const byKey = new Map(uniqueSubAreas(pillar).map((s) => [s.key, s]));
  let s = byKey.get(subAreaKey);
  if (!s) throw new Error(`「${pillar.name}」にキー「${subAreaKey}」のグループはありません`);
  const seen = new Set<string>();
  let level = 2;
  while (s.parentKey !== undefined) {
    seen.add(s.key);
    const p = byKey.get(s.parentKey);
    if (!p) throw new Error(`「${pillar.name}」の「${s.name}」: 上位のキー「${s.parentKey}」のグループがありません`);
    if (seen.has(p.key)) throw new Error(`「${pillar.name}」の「${s.name}」: 上位のグループをたどると循環しています`);
    s = p;
    level++;
  }
  return level;
}

/** Every group key of the subtree rooted at `key` (itself included), by the lenient tree. */
function subtreeKeys(pillar: Pillar, key: string): Set<string> {
  const parent = effectiveParents(pillar);
  const keys = new Set<string>([key]);
  // Parents come in any stored order, so repeat until nothing is added (depth is at most a few levels).
  let grew = true;
  while (grew) {
    grew = false;
    for (const [k, p] of parent) {
      if (p !== null && keys.has(p) && !keys.has(k)) {
        keys.add(k);
        grew = true;
      }
    }
  }
  return keys;
}

/**
 * Every initiative in the node's subtree, in stored order: for a pillar, all of its initiatives (those
 * directly under it too); for a group, those in it or in any group below it. Level 0 is the whole edition
 * (the initiatives of known pillars).
 */
export function initiativesUnder(data: Pick<EditionData, 'pillars' | 'initiatives'>, node: { key: string; level: number; pillarKey: string }): Initiative[] {
  if (node.level <= 0) {
    const known = new Set(data.pillars.map((p) => p.key));
    return data.initiatives.filter((i) => known.has(i.pillarKey));
  }
  if (node.level === 1) return data.initiatives.filter((i) => i.pillarKey === node.pillarKey);
  const pillar = data.pillars.find((p) => p.key === node.pillarKey);
  if (!pillar) return [];
  const keys = subtreeKeys(pillar, node.key);
  return data.initiatives.filter((i) => i.pillarKey === node.pillarKey && i.subAreaKey !== null && keys.has(i.subAreaKey));
}

/** The plan's name of a level (settings.levels[level − 1]), or 第N階層 where the plan names none. */
export function levelName(settings: Pick<PlanSettings, 'levels'>, level: number): string {
  const name = level >= 1 ? settings.levels[level - 1] : undefined;
  if (name !== undefined && name.trim() !== '') return name;
  return level <= 0 ? '計画全体' : `第${level}階層`;
}

export interface GroupIssue {
  pillarKey: string;
  subAreaKey: string;
  /** Japanese, naming the pillar and the group. */
  message: string;
}

/**
 * What is wrong with the groups of an edition: a key used twice in a pillar, a parent that is missing or
 * sits in another pillar, a cycle of parents (each member reported), a group deeper than `levels` (the
 * number of levels the plan has, pillars included).
 */
export function groupIssues(pillars: readonly Pillar[], levels: number): GroupIssue[] {
  const issues: GroupIssue[] = [];
  const pillarOf = new Map<string, Pillar>();
  for (const p of pillars) for (const s of p.subAreas) if (!pillarOf.has(s.key)) pillarOf.set(s.key, p);
  for (const pillar of pillars) {
    const where = (s: SubArea) => `「${pillar.name}」の「${s.name}」`;
    const add = (s: SubArea, message: string) => issues.push({ pillarKey: pillar.key, subAreaKey: s.key, message: `${where(s)}: ${message}` });
    const subs = uniqueSubAreas(pillar);
    const byKey = new Map(subs.map((s) => [s.key, s]));
    const seen = new Set<string>();
    for (const s of pillar.subAreas) {
      if (seen.has(s.key)) add(s, `キー「${s.key}」が同じ「${pillar.name}」の中で重複しています`);
      seen.add(s.key);
    }
    for (const s of subs) {
      const p = s.parentKey;
      if (p === undefined || byKey.has(p)) continue;
      const other = pillarOf.get(p);
      if (other && other.key !== pillar.key) {
        const otherName = other.subAreas.find((x) => x.key === p)!.name;
        add(s, `上位のグループ「${otherName}」は別の「${other.name}」にあります（上位は同じ第1階層の中のグループです）`);
      } else add(s, `上位のキー「${p}」のグループがありません`);
    }
    // Cycles in the stored parents: a group is on one when walking up from it comes back to it.
    for (const s of subs) {
      const names: string[] = [s.name];
      const visited = new Set<string>([s.key]);
      let k = s.parentKey;
      while (k !== undefined && byKey.has(k)) {
        const next = byKey.get(k)!;
        names.push(next.name);
        if (next.key === s.key) {
          add(s, `上位のグループをたどると自分に戻ります（循環: ${names.join(' → ')}）`);
          break;
        }
        if (visited.has(k)) break; // a cycle above this group, reported at its members
        visited.add(k);
        k = next.parentKey;
      }
    }
    const levelOf = groupLevels(pillar);
    for (const s of subs) {
      const level = levelOf.get(s.key)!;
      if (level > levels) add(s, `第${level}階層になりますが、この計画の階層は${levels}までです`);
    }
  }
  return issues;
}
