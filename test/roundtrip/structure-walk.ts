// A random walk of the admin's structure commands on the FY2024 draft, checked against the model in
// structure-model.ts after every step:
//   (a) the stored FY2024 edition is the model's (initiatives in print order); a refused command changes
//       nothing at all (every table, as dump.ts sees it) and throws a WorkspaceError / InvalidInputError;
//   (b) a command repeated with the same arguments changes nothing or is refused (moves and adding an
//       initiative excepted, whose meaning is to do it again);
//   (c) the FY2023 edition is unchanged but for the plan's KPIs and the organization's departments;
//   (d) a command that succeeds writes exactly one change set, whose audit rows name what changed.
// Abstract commands carry random numbers and typed texts; they are resolved against the model when they run,
// so they mostly name what exists (and sometimes what does not, or a name already taken).
import { isDeepStrictEqual } from 'node:util';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import type { Db } from '../../src/db/client.ts';
import { InvalidInputError, loadEdition } from '../../src/db/repository.ts';
import { mergeDepartments } from '../../src/db/departments.ts';
import { WorkspaceError } from '../../src/db/workspace.ts';
import { updateKpiActual } from '../../src/db/kpis.ts';
import * as S from '../../src/db/structure.ts';
import type { Actor } from '../../src/domain/roles.ts';
import type { EditionData } from '../../src/domain/model.ts';
import { changeSetsAfter, initiativeVersion, ORG } from './dump.ts';
import {
  applyModel,
  FY,
  FY as FY2024,
  NEW_KEY,
  printOrder,
  REPEATS_CHANGE,
  type Cmd,
  type Dir,
  type ExpectedAudit,
  type KpiArgs,
  type Model,
} from './structure-model.ts';

// ---- abstract commands ---------------------------------------------------------------------------------

export interface ACmd {
  kind: Cmd['kind'];
  /** Random numbers the resolver turns into choices. */
  p: number[];
  /** Typed texts: fresh names, titles, reasons. */
  t: string[];
  /** Run the command a second time with the same arguments. */
  repeat: boolean;
}

const WEIGHTS: [Cmd['kind'], number][] = [
  ['addPillar', 3],
  ['renamePillar', 3],
  ['movePillar', 3],
  ['deletePillar', 3],
  ['addSubArea', 3],
  ['renameSubArea', 3],
  ['moveSubArea', 3],
  ['deleteSubArea', 3],
  ['addInitiative', 2],
  ['moveInitiative', 4],
  ['identity', 6],
  ['removeInitiative', 2],
  ['renumber', 1],
  ['addKpi', 3],
  ['editKpi', 4],
  ['moveKpi', 2],
  ['deleteKpi', 2],
  ['kpiActual', 4],
  ['addDepartment', 2],
  ['renameDepartment', 3],
  ['addAlias', 2],
  ['removeAlias', 2],
  ['deleteDepartment', 2],
  ['mergeDepartments', 3],
];

const WORDS = [
  'デジタル',
  '推進',
  '市民',
  'サービス',
  '行政',
  'スマート',
  '防災',
  '子育て',
  '観光',
  '窓口',
  'オンライン',
  'データ',
  '活用',
  '職員',
  '働き方',
  '地域',
  '教育',
  'AI',
  'DX',
  '（仮称）',
  '・',
  '＆',
  '<b>',
  "'",
  'Ⅲ',
  '髙',
];
const UNITS = ['課', '室', '係', 'センター'];
export const DECIMALS = ['0', '1', '3', '12.5', '50', '85', '100', '2682332', '0.25', '-3', '99.9', '1000000.001'];

const textArb = fc
  .tuple(fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 3 }), fc.oneof(fc.constant(''), fc.nat({ max: 20 }).map(String)))
  .map(([w, n]) => w.join('') + n);

export const acmdArb: fc.Arbitrary<ACmd> = fc.record({
  kind: fc.oneof(...WEIGHTS.map(([k, weight]) => ({ weight, arbitrary: fc.constant(k) }))),
  p: fc.array(fc.nat({ max: 9999 }), { minLength: 12, maxLength: 12 }),
  t: fc.tuple(textArb, textArb, textArb, fc.constantFrom(...UNITS)),
  repeat: fc.boolean(),
});

// ---- resolving one against the model ------------------------------------------------------------------------

class Picks {
  private k = 0;
  constructor(private readonly p: number[]) {}
  next(): number {
    return this.p[this.k++ % this.p.length]! + this.k; // a different number each time even when p repeats
  }
  /** true with `percent` % probability. */
  chance(percent: number): boolean {
    return this.next() % 100 < percent;
  }
  of<T>(list: readonly T[]): T | undefined {
    return list.length ? list[this.next() % list.length] : undefined;
  }
  dir(): Dir {
    return this.next() % 2 ? 'up' : 'down';
  }
}

export function resolve(m: Model, a: ACmd): Cmd {
  const c = resolveIn(m, a);
  // Now and then on the published FY2023 edition: locked for its own structure, not for the plan's KPIs.
  return a.p[11]! % 100 < 5 && c.kind !== 'addInitiative' ? { fy: FY - 1, ...c } : c;
}

function resolveIn(m: Model, a: ACmd): Cmd {
  const r = new Picks(a.p);
  const [t0, t1, t2, unit] = a.t as [string, string, string, string];
  const e = m.e;
  const pillarKey = () => (r.chance(6) ? 'p99' : (r.of(e.pillars)?.key ?? 'p1'));
  const subAreaIn = (pk: string): string => {
    const own = e.pillars.find((p) => p.key === pk)?.subAreas ?? [];
    if (r.chance(75) && own.length) return r.of(own)!.key;
    if (r.chance(80)) return r.of(e.pillars.flatMap((p) => p.subAreas))?.key ?? `${pk}-s1`;
    return `${pk}-s99`;
  };
  const placement = (): { pillarKey: string; subAreaKey: string | null } => {
    const pk = pillarKey();
    return { pillarKey: pk, subAreaKey: r.chance(40) ? null : subAreaIn(pk) };
  };
  const initiativeKey = () => {
    if (r.chance(5)) {
      const only23 = m.e23.initiatives.filter((i) => !e.initiatives.some((x) => x.key === i.key));
      return r.of(only23)?.key ?? 'zz-missing';
    }
    return r.of(e.initiatives)?.key ?? 'zz-missing';
  };
  const kpiKey = () => (r.chance(5) ? 'k99' : (r.of(e.kpis)?.key ?? 'k99'));
  const deptName = () =>
    r.chance(5) ? `${t2}${unit}` : r.chance(80) ? (r.of(m.depts)?.name ?? '人事課') : (r.of(m.aliases)?.alias ?? r.of(m.depts)?.name ?? '人事課');
  const deptList = () => (r.chance(4) ? [] : Array.from({ length: 1 + (r.next() % 3) }, deptName));
  const decimal = () => r.of(DECIMALS)!;
  const kpiFields = (base?: KpiArgs): KpiArgs => {
    const fresh: KpiArgs = {
      name: r.chance(15) ? (r.of(e.kpis)?.name ?? t0) : `${t0}の割合`,
      pillarKey: pillarKey(),
      unit: r.of(['%', '件', '人', null]) ?? null,
      target: decimal(),
      targetFiscalYear: r.chance(8) ? r.of([2021, 2027, 2030])! : 2022 + (r.next() % 5),
      direction: r.chance(70) ? 'higher' : 'lower',
      baseline: r.chance(60) ? null : decimal(),
      initiativeKey: r.chance(50) ? null : r.chance(90) ? initiativeKey() : 'zz-missing',
    };
    if (!base) return fresh;
    // An edit changes a few fields of what is stored.
    const out = { ...base };
    const fields = Object.keys(fresh) as (keyof KpiArgs)[];
    for (let n = r.next() % 4; n > 0; n--) {
      const f = r.of(fields)!;
      (out as Record<string, unknown>)[f] = fresh[f];
    }
    return out;
  };
  switch (a.kind) {
    case 'addPillar':
      return { kind: 'addPillar', name: r.chance(20) ? (r.of(e.pillars)?.name ?? t0) : t0, tagline: r.chance(50) ? null : t1 };
    case 'renamePillar': {
      const key = pillarKey();
      const own = e.pillars.find((p) => p.key === key);
      const name = r.chance(15) && own ? own.name : r.chance(15) ? (r.of(e.pillars)?.name ?? t0) : t0;
      return { kind: 'renamePillar', key, name, tagline: r.chance(30) && own ? own.tagline : r.chance(30) ? null : t1 };
    }
    case 'movePillar':
      return { kind: 'movePillar', key: pillarKey(), dir: r.dir() };
    case 'deletePillar': {
      const empty = e.pillars.filter((p) => !e.initiatives.some((i) => i.pillarKey === p.key));
      return { kind: 'deletePillar', key: r.chance(60) && empty.length ? r.of(empty)!.key : pillarKey() };
    }
    case 'addSubArea': {
      const pk = pillarKey();
      const own = e.pillars.find((p) => p.key === pk)?.subAreas ?? [];
      return { kind: 'addSubArea', pillarKey: pk, name: r.chance(15) ? (r.of(own)?.name ?? t0) : t0 };
    }
    case 'renameSubArea': {
      const pk = pillarKey();
      const key = subAreaIn(pk);
      const own = e.pillars.find((p) => p.key === pk)?.subAreas ?? [];
      const name = r.chance(15) ? (own.find((s) => s.key === key)?.name ?? t0) : r.chance(15) ? (r.of(own)?.name ?? t0) : t0;
      return { kind: 'renameSubArea', pillarKey: pk, key, name };
    }
    case 'moveSubArea': {
      const pk = pillarKey();
      return { kind: 'moveSubArea', pillarKey: pk, key: subAreaIn(pk), dir: r.dir() };
    }
    case 'deleteSubArea': {
      const pk = pillarKey();
      return { kind: 'deleteSubArea', pillarKey: pk, key: subAreaIn(pk) };
    }
    case 'addInitiative':
      return { kind: 'addInitiative', title: `${t0}の推進`, ...placement(), departments: deptList(), content: t1, plan: t2 };
    case 'moveInitiative':
      return { kind: 'moveInitiative', key: initiativeKey(), dir: r.dir() };
    case 'identity': {
      const key = initiativeKey();
      const own = e.initiatives.find((i) => i.key === key);
      const number =
        r.chance(45) && own ? own.number : r.chance(20) ? null : r.chance(20) ? (r.of(e.initiatives)?.number ?? null) : String(r.next() % 120).padStart(2, '0');
      const place = r.chance(50) && own ? { pillarKey: own.pillarKey, subAreaKey: own.subAreaKey } : placement();
      return {
        kind: 'identity',
        key,
        version: r.chance(5) ? 'stale' : 'current',
        number,
        title: r.chance(50) && own ? own.title : `${t0}事業`,
        ...place,
        departments: r.chance(50) && own ? own.departments : deptList(),
      };
    }
    case 'removeInitiative':
      return { kind: 'removeInitiative', key: initiativeKey(), reason: r.chance(10) ? r.of([' ', '', '\u3000'])! : ` ${t0}のため ` };
    case 'renumber':
      return { kind: 'renumber' };
    case 'addKpi':
      return { kind: 'addKpi', fields: kpiFields() };
    case 'editKpi': {
      const key = kpiKey();
      const base = e.kpis.find((k) => k.key === key);
      const { key: _k, actuals: _a, ...record } = base ?? { key, actuals: {}, ...kpiFields() };
      return { kind: 'editKpi', key, version: r.of(['none', 'current', 'current', 'stale'] as const)!, fields: kpiFields(record) };
    }
    case 'moveKpi':
      return { kind: 'moveKpi', key: kpiKey(), dir: r.dir() };
    case 'deleteKpi':
      return { kind: 'deleteKpi', key: kpiKey() };
    case 'kpiActual': {
      const key = kpiKey();
      const year = 2021 + (r.next() % 6);
      const old = e.kpis.find((k) => k.key === key)?.actuals[String(year)];
      return { kind: 'kpiActual', key, year, value: r.chance(30) ? null : r.chance(15) && old ? old : decimal() };
    }
    case 'addDepartment': {
      const name = r.chance(10) ? (r.of(m.depts)?.name ?? t0) : r.chance(10) ? (r.of(m.aliases)?.alias ?? t0) : `${t0}${unit}`;
      return { kind: 'addDepartment', name };
    }
    case 'renameDepartment': {
      const d = r.chance(92) ? r.of(m.depts) : undefined;
      const from = d?.name ?? r.of(m.aliases)?.alias ?? 'ない課';
      const own = m.aliases.filter((x) => x.dept === d?.id);
      const to = r.chance(60)
        ? `${t0}${unit}`
        : r.chance(25)
          ? (r.of(own)?.alias ?? `${t1}${unit}`)
          : r.chance(30)
            ? (r.of(m.aliases)?.alias ?? from)
            : r.chance(50)
              ? (r.of(m.depts)?.name ?? from)
              : from;
      return { kind: 'renameDepartment', from, to };
    }
    case 'addAlias': {
      const name = r.chance(95) ? (r.of(m.depts)?.name ?? '人事課') : 'ない課';
      const alias = r.chance(75) ? `${t1}${unit}` : r.chance(50) ? (r.of(m.aliases)?.alias ?? t1) : (r.of(m.depts)?.name ?? t1);
      return { kind: 'addAlias', name, alias };
    }
    case 'removeAlias':
      return { kind: 'removeAlias', alias: r.chance(85) ? (r.of(m.aliases)?.alias ?? 'ない別表記') : `${t1}${unit}` };
    case 'deleteDepartment': {
      const inUse = new Set([...e.initiatives, ...m.e23.initiatives].flatMap((i) => i.departments));
      const unused = m.depts.filter((d) => !inUse.has(d.name));
      const name = r.chance(60) && unused.length ? r.of(unused)!.name : r.chance(90) ? (r.of(m.depts)?.name ?? 'ない課') : (r.of(m.aliases)?.alias ?? 'ない課');
      return { kind: 'deleteDepartment', name };
    }
    case 'mergeDepartments': {
      const from = r.chance(95) ? (r.of(m.depts)?.name ?? 'ない課') : (r.of(m.aliases)?.alias ?? 'ない課');
      const into = r.chance(10) ? from : r.chance(95) ? (r.of(m.depts)?.name ?? 'ない課') : 'ない課';
      return { kind: 'mergeDepartments', from, into };
    }
  }
}

// ---- running one ----------------------------------------------------------------------------------------

async function rows(db: Db, q: string): Promise<Record<string, unknown>[]> {
  return ((await db.execute(sql.raw(q))) as unknown as { rows: Record<string, unknown>[] }).rows;
}

let tableNames: string[] | null = null;

/**
 * Every row of every table, versions and timestamps included, as one digest per table: what "changes
 * nothing at all" means (one query, so a refusal is cheap to check).
 */
export async function fingerprint(db: Db): Promise<Record<string, string>> {
  tableNames ??= (
    await rows(db, `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`)
  ).map((r) => String(r.table_name));
  const q = tableNames
    .map((n) => `SELECT '${n}' AS t, md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS h, count(*)::int AS n FROM "${n}" x`)
    .join(' UNION ALL ');
  return Object.fromEntries((await rows(db, q)).map((r) => [String(r.t), `${r.n}:${r.h}`]));
}

/** The model of what is stored now, read once at the start of the walk. */
export async function initModel(db: Db): Promise<Model> {
  const e = (await loadEdition(db, ORG, FY))!;
  const e23 = (await loadEdition(db, ORG, FY - 1))!;
  const org = `(SELECT id FROM organizations WHERE code = '${ORG}')`;
  const depts = (await rows(db, `SELECT id, name FROM departments WHERE organization_id = ${org} ORDER BY id`)).map((r) => ({
    id: Number(r.id),
    name: String(r.name),
  }));
  const aliases = (await rows(db, `SELECT id, alias, department_id FROM department_aliases WHERE organization_id = ${org} ORDER BY id`)).map((r) => ({
    id: Number(r.id),
    alias: String(r.alias),
    dept: Number(r.department_id),
  }));
  const editors = (await rows(db, 'SELECT DISTINCT department_id FROM user_departments')).map((r) => Number(r.department_id));
  const audited = async (entity: string) =>
    (await rows(db, `SELECT DISTINCT entity_key FROM audit_log WHERE entity = '${entity}'`)).map((r) => String(r.entity_key));
  const m: Model = {
    e,
    e23,
    depts,
    aliases,
    editors,
    seq: Math.max(0, ...depts.map((d) => d.id), ...aliases.map((a) => a.id)),
    used: {
      pillar: [...e.pillars, ...e23.pillars].map((p) => p.key).concat(await audited('pillar')),
      subArea: [...e.pillars, ...e23.pillars].flatMap((p) => p.subAreas.map((s) => s.key)).concat(await audited('sub-area')),
      kpi: e.kpis.map((k) => k.key).concat(await audited('kpi')),
    },
  };
  const ordered = structuredClone(e);
  printOrder(ordered);
  assert.deepEqual(
    e.initiatives.map((i) => i.key),
    ordered.initiatives.map((i) => i.key),
    'the FY2024 draft is stored in print order',
  );
  return m;
}

async function exec(db: Db, actor: Actor, c: Cmd): Promise<unknown> {
  const FY = c.fy ?? FY2024;
  switch (c.kind) {
    case 'addPillar':
      return S.savePillar(db, actor, FY, null, { name: c.name, tagline: c.tagline });
    case 'renamePillar':
      return S.savePillar(db, actor, FY, c.key, { name: c.name, tagline: c.tagline });
    case 'movePillar':
      return S.movePillar(db, actor, FY, c.key, c.dir);
    case 'deletePillar':
      return S.deletePillar(db, actor, FY, c.key);
    case 'addSubArea':
      return S.saveSubArea(db, actor, FY, c.pillarKey, null, c.name);
    case 'renameSubArea':
      return S.saveSubArea(db, actor, FY, c.pillarKey, c.key, c.name);
    case 'moveSubArea':
      return S.moveSubArea(db, actor, FY, c.pillarKey, c.key, c.dir);
    case 'deleteSubArea':
      return S.deleteSubArea(db, actor, FY, c.pillarKey, c.key);
    case 'addInitiative':
      return S.addInitiative(db, actor, FY, {
        title: c.title,
        pillarKey: c.pillarKey,
        subAreaKey: c.subAreaKey,
        departments: c.departments,
        content: c.content,
        plan: c.plan,
      });
    case 'moveInitiative':
      return S.moveInitiative(db, actor, FY, c.key, c.dir);
    case 'identity': {
      const v = await initiativeVersion(db, c.key).catch(() => 1);
      return S.updateIdentity(db, actor, FY, c.key, c.version === 'stale' ? v - 1 : v, {
        number: c.number,
        title: c.title,
        pillarKey: c.pillarKey,
        subAreaKey: c.subAreaKey,
        departments: c.departments,
      });
    }
    case 'removeInitiative':
      return S.removeInitiative(db, actor, FY, c.key, c.reason);
    case 'renumber':
      return S.renumberEdition(db, actor, FY);
    case 'addKpi':
      return S.saveKpi(db, actor, FY, null, null, c.fields);
    case 'editKpi': {
      const v = (await S.kpiVersions(db, actor, FY)).get(c.key) ?? 1;
      return S.saveKpi(db, actor, FY, c.key, c.version === 'none' ? null : c.version === 'stale' ? v - 1 : v, c.fields);
    }
    case 'moveKpi':
      return S.moveKpi(db, actor, FY, c.key, c.dir);
    case 'deleteKpi':
      return S.deleteKpi(db, actor, FY, c.key);
    case 'kpiActual':
      return updateKpiActual(db, actor, FY, c.key, c.year, c.value);
    case 'addDepartment':
      return S.addDepartment(db, actor, c.name);
    case 'renameDepartment':
      return S.renameDepartment(db, actor, c.from, c.to);
    case 'addAlias':
      return S.addDepartmentAlias(db, actor, c.name, c.alias);
    case 'removeAlias':
      return S.removeDepartmentAlias(db, actor, c.alias);
    case 'deleteDepartment':
      return S.deleteDepartment(db, actor, c.name);
    case 'mergeDepartments':
      return mergeDepartments(db, ORG, c.from, c.into, actor);
  }
}

/** A refusal a person can act on (ConflictError and UnknownDepartmentError are kinds of these). */
function isRefusal(e: unknown): boolean {
  return e instanceof WorkspaceError || e instanceof InvalidInputError || ['WorkspaceError', 'ConflictError', 'InvalidInputError'].includes((e as Error)?.name);
}

/**
 * Saving what is stored writes nothing (no change set, no new version), as the content form does; these
 * are the saves of a whole record. A renumbering that changes no number still records that it ran.
 */
const UNCHANGED_WRITES_NOTHING = new Set<Cmd['kind']>(['identity', 'renamePillar', 'renameSubArea', 'editKpi', 'kpiActual']);

export class WalkFailure extends Error {
  constructor(
    readonly check: string,
    detail: string,
    readonly log: string[],
  ) {
    super(`(${check}) ${detail}\n  commands of this case:\n${log.map((l) => `    ${l}`).join('\n')}`);
    this.name = 'WalkFailure';
  }
}

export interface WalkStats {
  commands: number;
  accepted: number;
  refused: number;
  repeated: number;
  byKind: Record<string, [number, number]>;
}

function diff(actual: unknown, expected: unknown): string | null {
  try {
    assert.deepStrictEqual(actual, expected);
    return null;
  } catch (e) {
    const s = (e as Error).message;
    return s.length > 2500 ? `${s.slice(0, 2500)}…` : s;
  }
}

const show = (c: Cmd) => JSON.stringify(c);

function replaceKey<T>(value: T, from: string, to: string): T {
  return JSON.parse(JSON.stringify(value), (_, v) => (v === from ? to : v)) as T;
}

export class Walk {
  log: string[] = [];
  readonly stats: WalkStats = { commands: 0, accepted: 0, refused: 0, repeated: 0, byKind: {} };
  constructor(
    readonly db: Db,
    readonly actor: Actor,
    public model: Model,
  ) {}

  private fail(check: string, detail: string): never {
    throw new WalkFailure(check, detail, this.log);
  }

  async step(a: ACmd) {
    const c = resolve(this.model, a);
    this.log.push(show(c));
    const first = await this.run(c);
    if (!first || !a.repeat || REPEATS_CHANGE.has(c.kind)) return;
    this.stats.repeated++;
    this.log.push(`  again: ${show(c)}`);
    const again = await this.run(c);
    if (again && (!isDeepStrictEqual(again.e, first.e) || !isDeepStrictEqual(again.e23, first.e23))) {
      this.fail('b', `repeating the command changed the editions again:\n${diff(again.e, first.e) ?? diff(again.e23, first.e23)}`);
    }
  }

  /** Runs one command and checks it; returns the stored editions after a success, null after a refusal. */
  private async run(c: Cmd): Promise<{ e: EditionData; e23: EditionData } | null> {
    const { db } = this;
    const out = applyModel(this.model, c);
    this.stats.commands++;
    const tally = (this.stats.byKind[c.kind] ??= [0, 0]);
    const m0 = this.model;
    const unchanged =
      out.refused === null && isDeepStrictEqual([out.next.e, out.next.e23, out.next.depts, out.next.aliases], [m0.e, m0.e23, m0.depts, m0.aliases]);
    const writesNothing = unchanged && UNCHANGED_WRITES_NOTHING.has(c.kind);
    const before = out.refused !== null || writesNothing ? await fingerprint(db) : null;
    const [cs] = await rows(db, 'SELECT coalesce(max(id), 0) AS n FROM change_sets');
    const lastId = Number(cs!.n);
    let value: unknown;
    let error: unknown = null;
    try {
      value = await exec(db, this.actor, c);
    } catch (e) {
      error = e;
    }
    if (error !== null && !isRefusal(error)) {
      this.fail(
        'a',
        `the command failed with ${(error as Error).stack ?? String(error)}${out.refused !== null ? ` (the model refuses it: ${out.refused})` : ''}`,
      );
    }
    if (out.refused !== null) {
      if (error === null) this.fail('a', `accepted (returned ${JSON.stringify(value)}); the model refuses it: ${out.refused}`);
      this.stats.refused++;
      tally[1]++;
      this.log.push(`    refused: ${(error as Error).message}`);
      const d = diff(await fingerprint(db), before);
      if (d) this.fail('a', `a refused command (${(error as Error).message}) changed the database (tables whose rows changed):\n${d}`);
      return null;
    }
    if (error !== null) this.fail('a', `refused (${(error as Error).message}); the model accepts it`);
    this.stats.accepted++;
    tally[0]++;
    let next = out.next;
    let audit: ExpectedAudit[] = out.audit;
    if (c.kind === 'addInitiative') {
      next = replaceKey(next, NEW_KEY, value as string);
      audit = replaceKey(audit, NEW_KEY, value as string);
    }
    const e = (await loadEdition(db, ORG, FY))!;
    const e23 = (await loadEdition(db, ORG, FY - 1))!;
    const d = diff(e, next.e);
    if (d) this.fail('a', `the stored FY2024 edition is not the model's:\n${d}`);
    const d23 = diff(e23, next.e23);
    if (d23) this.fail('c', `the FY2023 edition changed (KPIs and departments aside, which the model follows):\n${d23}`);
    if (writesNothing) {
      const dd = diff(await fingerprint(db), before);
      if (dd) this.fail('b', `saving what is stored wrote something:\n${dd}`);
      this.model = next;
      return { e, e23 };
    }
    const { sets, audit: written } = await changeSetsAfter(db, lastId);
    if (sets.length !== 1) this.fail('d', `${sets.length} change sets written: ${JSON.stringify(sets)}`);
    // An update row records a change.
    for (const w of written) {
      if (w.action === 'update' && isDeepStrictEqual(w.before, w.after))
        this.fail('d', `audit ${w.entity}/${w.entityKey} records no change: ${JSON.stringify(w.before)}`);
    }
    const name = (x: { entity: string; key?: string; entityKey?: string; action: string }) => `${x.entity}/${x.key ?? x.entityKey}/${x.action}`;
    const da = diff(written.map(name).sort(), audit.map(name).sort());
    if (da) this.fail('d', `the audit rows do not name what changed:\n${da}`);
    for (const x of audit) {
      const w = written.find((r) => name(r) === name(x))!;
      for (const side of ['before', 'after'] as const) {
        if (!(side in x)) continue;
        const dd = diff(w[side], x[side]);
        if (dd) this.fail('d', `audit ${name(x)}: ${side} is not what changed:\n${dd}`);
      }
    }
    this.model = next;
    return { e, e23 };
  }
}
