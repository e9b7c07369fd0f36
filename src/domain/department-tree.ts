// Departments inside departments (部 → 課 → 係): the order a tree of them is listed in, and the one rule a
// parent must keep — no department inside itself. An initiative names departments of any level, so the
// tree is about how the master is shown and kept, not about who owns an initiative.

export interface DepartmentNode {
  name: string;
  /** The name of the department this one is part of; null at the top. */
  parent: string | null;
}

/**
 * The departments in tree order — each followed by the ones inside it, siblings in the order given —
 * with their depth (0 at the top). A department whose parent is not in the list is listed at the top.
 */
export function treeOrder<T extends DepartmentNode>(departments: readonly T[]): (T & { depth: number })[] {
  const names = new Set(departments.map((d) => d.name));
  const children = new Map<string | null, T[]>();
  for (const d of departments) {
    const parent = d.parent !== null && names.has(d.parent) ? d.parent : null;
    children.set(parent, [...(children.get(parent) ?? []), d]);
  }
  const out: (T & { depth: number })[] = [];
  const seen = new Set<string>();
  const walk = (parent: string | null, depth: number) => {
    for (const d of children.get(parent) ?? []) {
      if (seen.has(d.name)) continue;
      seen.add(d.name);
      out.push({ ...d, depth });
      walk(d.name, depth + 1);
    }
  };
  walk(null, 0);
  // A cycle stored by some other means is still listed, at the top, rather than hidden.
  for (const d of departments) if (!seen.has(d.name)) out.push({ ...d, depth: 0 });
  return out;
}

/** The chain from `name` up to the top, `name` first. */
export function ancestors(departments: readonly DepartmentNode[], name: string): string[] {
  const parentOf = new Map(departments.map((d) => [d.name, d.parent]));
  const chain: string[] = [];
  for (let at: string | null | undefined = name; at != null && !chain.includes(at); at = parentOf.get(at)) chain.push(at);
  return chain;
}

/**
 * Why `name` may not be put inside `parent`, or null when it may: a department cannot be inside itself,
 * nor inside one of the departments inside it.
 */
export function parentProblem(departments: readonly DepartmentNode[], name: string, parent: string | null): string | null {
  if (parent === null) return null;
  if (parent === name) return `「${name}」を自分自身の下には置けません`;
  const chain = ancestors(departments, parent);
  if (chain.includes(name))
    return `「${parent}」は「${name}」の下にあるため、「${name}」を「${parent}」の下には置けません（${[...chain].reverse().join(' → ')}）`;
  return null;
}
