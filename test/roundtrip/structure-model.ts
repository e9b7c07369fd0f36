// A pure model of what the admin's structure commands do (src/db/structure.ts, updateKpiActual and
// mergeDepartments), written from each command's documented behaviour: the FY2024 draft as an
// EditionData with its initiatives in print order, the FY2023 edition (which shows the plan's KPIs and the
// organization's departments), the department master with its aliases in the order they were made, which
// departments have editors, and every pillar, sub-area and KPI key the plan has ever used.
import type { Department, EditionData, Initiative, Kpi } from '../../src/domain/model.ts';

export const FY = 2024;
export const PLAN_START = 2022;
export const PLAN_END = 2026;

export type Dir = 'up' | 'down';

export interface KpiArgs {
  name: string;
  pillarKey: string;
  unit: string | null;
  target: string;
  targetFiscalYear: number;
  direction: 'higher' | 'lower';
  baseline: string | null;
  initiativeKey: string | null;
}

/** A command with every argument resolved against the state it runs on; `fy` 2023 runs it on the published edition. */
export type Cmd = { fy?: number } & (
  | { kind: 'addPillar'; name: string; tagline: string | null }
  | { kind: 'renamePillar'; key: string; name: string; tagline: string | null }
  | { kind: 'movePillar'; key: string; dir: Dir }
  | { kind: 'deletePillar'; key: string }
  | { kind: 'addSubArea'; pillarKey: string; name: string }
  | { kind: 'renameSubArea'; pillarKey: string; key: string; name: string }
  | { kind: 'moveSubArea'; pillarKey: string; key: string; dir: Dir }
  | { kind: 'deleteSubArea'; pillarKey: string; key: string }
  | { kind: 'addInitiative'; title: string; pillarKey: string; subAreaKey: string | null; departments: string[]; content: string; plan: string }
  | { kind: 'moveInitiative'; key: string; dir: Dir }
  | {
      kind: 'identity';
      key: string;
      version: 'current' | 'stale';
      number: string | null;
      title: string;
      pillarKey: string;
      subAreaKey: string | null;
      departments: string[];
    }
  | { kind: 'removeInitiative'; key: string; reason: string }
  | { kind: 'renumber' }
  | { kind: 'addKpi'; fields: KpiArgs }
  | { kind: 'editKpi'; key: string; version: 'none' | 'current' | 'stale'; fields: KpiArgs }
  | { kind: 'moveKpi'; key: string; dir: Dir }
  | { kind: 'deleteKpi'; key: string }
  | { kind: 'kpiActual'; key: string; year: number; value: string | null }
  | { kind: 'addDepartment'; name: string }
  | { kind: 'renameDepartment'; from: string; to: string }
  | { kind: 'addAlias'; name: string; alias: string }
  | { kind: 'removeAlias'; alias: string }
  | { kind: 'deleteDepartment'; name: string }
  | { kind: 'mergeDepartments'; from: string; into: string }
);

/** Commands of one edition, refused on a published one; KPI and department commands are the plan's and the organization's. */
export const EDITION_COMMANDS = new Set<Cmd['kind']>([
  'addPillar',
  'renamePillar',
  'movePillar',
  'deletePillar',
  'addSubArea',
  'renameSubArea',
  'moveSubArea',
  'deleteSubArea',
  'addInitiative',
  'moveInitiative',
  'identity',
  'removeInitiative',
  'renumber',
]);

/** Commands whose meaning is to change again when repeated (a move moves once more; an add adds another). */
export const REPEATS_CHANGE = new Set<Cmd['kind']>(['movePillar', 'moveSubArea', 'moveInitiative', 'moveKpi', 'addInitiative']);

export interface Model {
  e: EditionData;
  e23: EditionData;
  depts: { id: number; name: string }[];
  /** In the order they were made (the order loadDepartments lists them in). */
  aliases: { id: number; alias: string; dept: number }[];
  /** Departments at least one editor account is assigned to. */
  editors: number[];
  seq: number;
  used: { pillar: string[]; subArea: string[]; kpi: string[] };
}

/** One audit row the command must write; before/after are compared when given. */
export interface ExpectedAudit {
  entity: string;
  key: string;
  action: 'insert' | 'update' | 'delete';
  before?: unknown;
  after?: unknown;
}

export type Outcome = { refused: string } | { refused: null; next: Model; audit: ExpectedAudit[] };

/** Placeholder for the key addInitiative hands out (random; taken from the command's return value). */
export const NEW_KEY = '__new__';

export function departmentsOf(m: Pick<Model, 'depts' | 'aliases'>): Department[] {
  return m.depts.map((d) => ({ name: d.name, aliases: m.aliases.filter((a) => a.dept === d.id).map((a) => a.alias) }));
}

function nextKey(prefix: string, used: readonly string[]): string {
  let max = 0;
  for (const k of used) {
    if (!k.startsWith(prefix)) continue;
    const n = Number(k.slice(prefix.length));
    if (Number.isInteger(n) && n > max) max = n;
  }
  return `${prefix}${max + 1}`;
}

/** Print order: pillar, then the initiatives without a sub-area, then each sub-area; stable inside a group. */
export function printOrder(e: EditionData) {
  const rank = (i: Initiative): [number, number] => {
    const p = e.pillars.findIndex((x) => x.key === i.pillarKey);
    const s = i.subAreaKey === null ? 0 : 1 + e.pillars[p]!.subAreas.findIndex((x) => x.key === i.subAreaKey);
    return [p, s];
  };
  e.initiatives = e.initiatives
    .map((i, n) => ({ i, n, r: rank(i) }))
    .sort((a, b) => a.r[0] - b.r[0] || a.r[1] - b.r[1] || a.n - b.n)
    .map((x) => x.i);
}

function swap<T>(list: T[], index: number, dir: Dir): boolean {
  const other = dir === 'up' ? index - 1 : index + 1;
  if (index < 0 || other < 0 || other >= list.length) return false;
  [list[index], list[other]] = [list[other]!, list[index]!];
  return true;
}

const snap = (i: Initiative) => ({ fiscalYear: FY, ...i });

function kpiRecord(k: KpiArgs): KpiArgs {
  return {
    name: k.name,
    pillarKey: k.pillarKey,
    unit: k.unit,
    target: k.target,
    targetFiscalYear: k.targetFiscalYear,
    direction: k.direction,
    baseline: k.baseline,
    initiativeKey: k.initiativeKey,
  };
}

/** A typed department name (or alias) to the master's department, as departmentIds does. */
function resolveDepartment(m: Model, typed: string): { id: number; name: string } | null {
  const d = m.depts.find((x) => x.name === typed);
  if (d) return d;
  const a = m.aliases.find((x) => x.alias === typed);
  return a ? m.depts.find((x) => x.id === a.dept)! : null;
}

function resolveDepartments(m: Model, names: string[]): string[] | string {
  if (!names.length) return '担当課所を入力してください';
  const out: { id: number; name: string }[] = [];
  for (const n of names) {
    const d = resolveDepartment(m, n);
    if (!d) return `unknown department ${n}`;
    if (!out.some((x) => x.id === d.id)) out.push(d);
  }
  return out.map((d) => d.name);
}

function placementProblem(e: EditionData, pillarKey: string, subAreaKey: string | null): string | null {
  const p = e.pillars.find((x) => x.key === pillarKey);
  if (!p) return `no pillar ${pillarKey}`;
  if (subAreaKey && !p.subAreas.some((s) => s.key === subAreaKey)) return `sub-area ${subAreaKey} is not in ${pillarKey}`;
  return null;
}

function kpiProblem(m: Model, f: KpiArgs, key: string | null, fy: number): string | null {
  if (f.targetFiscalYear < PLAN_START || f.targetFiscalYear > PLAN_END) return 'target year outside the plan';
  if (!(fy === FY ? m.e : m.e23).pillars.some((p) => p.key === f.pillarKey)) return `no pillar ${f.pillarKey} in the FY${fy} edition`;
  const identities = new Set([...m.e.initiatives, ...m.e23.initiatives].map((i) => i.key));
  if (f.initiativeKey && !identities.has(f.initiativeKey)) return `no initiative ${f.initiativeKey} in the plan`;
  if (m.e.kpis.some((k) => k.name === f.name && k.key !== key)) return `KPI name ${f.name} taken`;
  return null;
}

/** Applies a department rename or merge to an edition's initiatives. */
function renameInInitiatives(e: EditionData, from: string, to: string, merge: boolean) {
  for (const i of e.initiatives) {
    const k = i.departments.indexOf(from);
    if (k < 0) continue;
    if (merge && i.departments.includes(to)) i.departments.splice(k, 1);
    else i.departments[k] = to;
  }
}

/** What the command does to the model, or why it is refused. */
export function applyModel(m0: Model, c: Cmd): Outcome {
  if (c.fy === FY - 1 && EDITION_COMMANDS.has(c.kind)) return { refused: 'the FY2023 edition is published' };
  const m = structuredClone(m0);
  const e = m.e;
  const done = (audit: ExpectedAudit[]): Outcome => {
    e.departments = departmentsOf(m);
    m.e23.departments = e.departments;
    m.e23.kpis = e.kpis;
    return { refused: null, next: m, audit };
  };
  const pillar = (key: string) => e.pillars.find((p) => p.key === key);
  switch (c.kind) {
    case 'addPillar': {
      if (e.pillars.some((p) => p.name === c.name)) return { refused: 'pillar name taken' };
      const key = nextKey('p', m.used.pillar);
      m.used.pillar.push(key);
      e.pillars.push({ key, name: c.name, tagline: c.tagline, subAreas: [] });
      return done([{ entity: 'pillar', key, action: 'insert', before: null, after: { fiscalYear: FY, name: c.name, tagline: c.tagline } }]);
    }
    case 'renamePillar': {
      if (e.pillars.some((p) => p.name === c.name && p.key !== c.key)) return { refused: 'pillar name taken' };
      const p = pillar(c.key);
      if (!p) return { refused: 'no such pillar' };
      const before = { fiscalYear: FY, name: p.name, tagline: p.tagline };
      p.name = c.name;
      p.tagline = c.tagline;
      return done([{ entity: 'pillar', key: c.key, action: 'update', before, after: { fiscalYear: FY, name: c.name, tagline: c.tagline } }]);
    }
    case 'movePillar': {
      const index = e.pillars.findIndex((p) => p.key === c.key);
      if (index < 0) return { refused: 'no such pillar' };
      const before = e.pillars.map((p) => p.key);
      if (!swap(e.pillars, index, c.dir)) return { refused: 'at the end' };
      printOrder(e);
      return done([
        {
          entity: 'pillar',
          key: c.key,
          action: 'update',
          before: { fiscalYear: FY, order: before },
          after: { fiscalYear: FY, order: e.pillars.map((p) => p.key) },
        },
      ]);
    }
    case 'deletePillar': {
      const p = pillar(c.key);
      if (!p) return { refused: 'no such pillar' };
      if (e.initiatives.some((i) => i.pillarKey === c.key)) return { refused: 'pillar has initiatives' };
      if (e.kpis.some((k) => k.pillarKey === c.key)) return { refused: 'pillar has KPIs' };
      e.pillars = e.pillars.filter((x) => x !== p);
      return done([{ entity: 'pillar', key: c.key, action: 'delete', after: null }]);
    }
    case 'addSubArea': {
      const p = pillar(c.pillarKey);
      if (!p) return { refused: 'no such pillar' };
      if (p.subAreas.some((s) => s.name === c.name)) return { refused: 'sub-area name taken' };
      const key = nextKey(`${c.pillarKey}-s`, m.used.subArea);
      m.used.subArea.push(key);
      p.subAreas.push({ key, name: c.name });
      return done([{ entity: 'sub-area', key, action: 'insert', before: null, after: { fiscalYear: FY, pillarKey: c.pillarKey, name: c.name } }]);
    }
    case 'renameSubArea': {
      const p = pillar(c.pillarKey);
      if (!p) return { refused: 'no such pillar' };
      if (p.subAreas.some((s) => s.name === c.name && s.key !== c.key)) return { refused: 'sub-area name taken' };
      const s = p.subAreas.find((x) => x.key === c.key);
      if (!s) return { refused: 'no such sub-area in the pillar' };
      const before = { fiscalYear: FY, name: s.name };
      s.name = c.name;
      return done([{ entity: 'sub-area', key: c.key, action: 'update', before, after: { fiscalYear: FY, name: c.name } }]);
    }
    case 'moveSubArea': {
      const p = pillar(c.pillarKey);
      if (!p) return { refused: 'no such pillar' };
      const index = p.subAreas.findIndex((s) => s.key === c.key);
      if (index < 0) return { refused: 'no such sub-area in the pillar' };
      const before = p.subAreas.map((s) => s.key);
      if (!swap(p.subAreas, index, c.dir)) return { refused: 'at the end' };
      printOrder(e);
      return done([
        {
          entity: 'sub-area',
          key: c.key,
          action: 'update',
          before: { fiscalYear: FY, order: before },
          after: { fiscalYear: FY, order: p.subAreas.map((s) => s.key) },
        },
      ]);
    }
    case 'deleteSubArea': {
      const p = pillar(c.pillarKey);
      if (!p) return { refused: 'no such pillar' };
      if (!p.subAreas.some((s) => s.key === c.key)) return { refused: 'no such sub-area in the pillar' };
      const members = e.initiatives.filter((i) => i.subAreaKey === c.key);
      for (const i of members) i.subAreaKey = null;
      p.subAreas = p.subAreas.filter((s) => s.key !== c.key);
      printOrder(e);
      return done([
        {
          entity: 'sub-area',
          key: c.key,
          action: 'delete',
          before: {
            fiscalYear: FY,
            pillarKey: c.pillarKey,
            name: m0.e.pillars.find((x) => x.key === c.pillarKey)!.subAreas.find((s) => s.key === c.key)!.name,
          },
          after: null,
        },
        ...members.map(
          (i): ExpectedAudit => ({
            entity: 'initiative',
            key: i.key,
            action: 'update',
            before: { fiscalYear: FY, subAreaKey: c.key },
            after: { fiscalYear: FY, subAreaKey: null },
          }),
        ),
      ]);
    }
    case 'addInitiative': {
      const why = placementProblem(e, c.pillarKey, c.subAreaKey);
      if (why) return { refused: why };
      const depts = resolveDepartments(m, c.departments);
      if (typeof depts === 'string') return { refused: depts };
      const i: Initiative = {
        key: NEW_KEY,
        number: null,
        title: c.title,
        pillarKey: c.pillarKey,
        subAreaKey: c.subAreaKey,
        departments: depts,
        status: 'new',
        content: c.content,
        plan: c.plan,
        planTargets: [],
        // No results yet, so no year they are for: none is assumed.
        resultsFiscalYear: null,
        results: [],
        resultsText: '',
      };
      e.initiatives.push(i);
      printOrder(e);
      const { kind: _, ...fields } = c;
      return done([{ entity: 'initiative', key: NEW_KEY, action: 'insert', before: null, after: { fiscalYear: FY, ...fields, departments: depts } }]);
    }
    case 'moveInitiative': {
      const me = e.initiatives.find((i) => i.key === c.key);
      if (!me) return { refused: 'no such initiative' };
      const slots = e.initiatives.map((i, n) => (i.pillarKey === me.pillarKey && i.subAreaKey === me.subAreaKey ? n : -1)).filter((n) => n >= 0);
      const inGroup = slots.indexOf(e.initiatives.indexOf(me));
      const other = c.dir === 'up' ? inGroup - 1 : inGroup + 1;
      if (other < 0 || other >= slots.length) return { refused: 'at the end of its group' };
      const [a, b] = [slots[inGroup]!, slots[other]!];
      [e.initiatives[a], e.initiatives[b]] = [e.initiatives[b]!, e.initiatives[a]!];
      return done([
        {
          entity: 'initiative',
          key: c.key,
          action: 'update',
          before: { fiscalYear: FY, position: inGroup + 1 },
          after: { fiscalYear: FY, position: other + 1 },
        },
      ]);
    }
    case 'identity': {
      const index = e.initiatives.findIndex((i) => i.key === c.key);
      if (index < 0) return { refused: 'no such initiative' };
      if (c.version === 'stale') return { refused: 'stale version' };
      const why = placementProblem(e, c.pillarKey, c.subAreaKey);
      if (why) return { refused: why };
      const depts = resolveDepartments(m, c.departments);
      if (typeof depts === 'string') return { refused: depts };
      if (c.number !== null && e.initiatives.some((i) => i.key !== c.key && i.number === c.number)) return { refused: `number ${c.number} taken` };
      const before = e.initiatives[index]!;
      const after: Initiative = { ...before, number: c.number, title: c.title, pillarKey: c.pillarKey, subAreaKey: c.subAreaKey, departments: depts };
      e.initiatives[index] = after;
      if (before.pillarKey !== after.pillarKey || before.subAreaKey !== after.subAreaKey) {
        // Moved to another group: at the end of it.
        e.initiatives.splice(index, 1);
        e.initiatives.push(after);
        printOrder(e);
      }
      return done([{ entity: 'initiative', key: c.key, action: 'update', before: snap(before), after: snap(after) }]);
    }
    case 'removeInitiative': {
      if (!c.reason.trim()) return { refused: 'no reason' };
      const item = e.initiatives.find((i) => i.key === c.key);
      if (!item) return { refused: 'no such initiative' };
      e.initiatives = e.initiatives.filter((i) => i !== item);
      const audit: ExpectedAudit[] = [
        { entity: 'initiative', key: c.key, action: 'delete', before: snap(item), after: { fiscalYear: FY, reason: c.reason.trim() } },
      ];
      if (!m.e23.initiatives.some((i) => i.key === c.key)) {
        for (const k of e.kpis) {
          if (k.initiativeKey !== c.key) continue;
          k.initiativeKey = null;
          audit.push({ entity: 'kpi', key: k.key, action: 'update', before: { initiativeKey: c.key }, after: { initiativeKey: null } });
        }
      }
      return done(audit);
    }
    case 'renumber': {
      const width = Math.max(2, String(e.initiatives.length).length);
      const audit: ExpectedAudit[] = [];
      e.initiatives = e.initiatives.map((i, n) => {
        const number = String(n + 1).padStart(width, '0');
        if (i.number === number) return i;
        const next = { ...i, number };
        audit.push({ entity: 'initiative', key: i.key, action: 'update', before: snap(i), after: snap(next) });
        return next;
      });
      return done(audit);
    }
    case 'addKpi': {
      const why = kpiProblem(m, c.fields, null, c.fy ?? FY);
      if (why) return { refused: why };
      const key = nextKey('k', m.used.kpi);
      m.used.kpi.push(key);
      e.kpis.push({ key, ...kpiRecord(c.fields), actuals: {} });
      return done([{ entity: 'kpi', key, action: 'insert', before: null, after: kpiRecord(c.fields) }]);
    }
    case 'editKpi': {
      const why = kpiProblem(m, c.fields, c.key, c.fy ?? FY);
      if (why) return { refused: why };
      const index = e.kpis.findIndex((k) => k.key === c.key);
      if (index < 0) return { refused: 'no such KPI' };
      if (c.version === 'stale') return { refused: 'stale version' };
      const k = e.kpis[index]!;
      e.kpis[index] = { ...k, ...kpiRecord(c.fields) };
      return done([{ entity: 'kpi', key: c.key, action: 'update', before: kpiRecord(k), after: kpiRecord(c.fields) }]);
    }
    case 'moveKpi': {
      const index = e.kpis.findIndex((k) => k.key === c.key);
      if (index < 0) return { refused: 'no such KPI' };
      const before = e.kpis.map((k) => k.key);
      if (!swap(e.kpis, index, c.dir)) return { refused: 'at the end' };
      return done([{ entity: 'kpi', key: c.key, action: 'update', before: { order: before }, after: { order: e.kpis.map((k) => k.key) } }]);
    }
    case 'deleteKpi': {
      const k = e.kpis.find((x) => x.key === c.key);
      if (!k) return { refused: 'no such KPI' };
      e.kpis = e.kpis.filter((x) => x !== k);
      return done([{ entity: 'kpi', key: c.key, action: 'delete', before: k, after: null }]);
    }
    case 'kpiActual': {
      const k = e.kpis.find((x) => x.key === c.key);
      if (!k) return { refused: 'no such KPI' };
      const old = k.actuals[String(c.year)] ?? null;
      const actuals: Kpi['actuals'] = { ...k.actuals };
      if (c.value === null) delete actuals[String(c.year)];
      else actuals[String(c.year)] = c.value;
      k.actuals = actuals;
      return done([{ entity: 'kpi', key: c.key, action: 'update', before: { fiscalYear: c.year, value: old }, after: { fiscalYear: c.year, value: c.value } }]);
    }
    case 'addDepartment': {
      if (m.depts.some((d) => d.name === c.name) || m.aliases.some((a) => a.alias === c.name)) return { refused: 'name taken' };
      m.depts.push({ id: ++m.seq, name: c.name });
      return done([{ entity: 'department', key: c.name, action: 'insert', before: null, after: { name: c.name } }]);
    }
    case 'renameDepartment': {
      const d = m.depts.find((x) => x.name === c.from);
      if (!d) return { refused: 'no such department' };
      if (c.from === c.to) return { refused: 'same name' };
      if (m.depts.some((x) => x.name === c.to)) return { refused: 'name is a department' };
      const a = m.aliases.find((x) => x.alias === c.to);
      if (a && a.dept !== d.id) return { refused: "name is another department's alias" };
      m.aliases = m.aliases.filter((x) => x.alias !== c.to);
      d.name = c.to;
      m.aliases.push({ id: ++m.seq, alias: c.from, dept: d.id });
      renameInInitiatives(e, c.from, c.to, false);
      renameInInitiatives(m.e23, c.from, c.to, false);
      return done([{ entity: 'department', key: c.to, action: 'update', before: { name: c.from }, after: { name: c.to, alias: c.from } }]);
    }
    case 'addAlias': {
      const d = m.depts.find((x) => x.name === c.name);
      if (!d) return { refused: 'no such department' };
      if (m.depts.some((x) => x.name === c.alias) || m.aliases.some((x) => x.alias === c.alias)) return { refused: 'alias taken' };
      m.aliases.push({ id: ++m.seq, alias: c.alias, dept: d.id });
      return done([{ entity: 'department', key: c.name, action: 'update', before: null, after: { alias: c.alias } }]);
    }
    case 'removeAlias': {
      const a = m.aliases.find((x) => x.alias === c.alias);
      if (!a) return { refused: 'no such alias' };
      m.aliases = m.aliases.filter((x) => x !== a);
      return done([{ entity: 'department', key: m.depts.find((d) => d.id === a.dept)!.name, action: 'update', before: { alias: c.alias }, after: null }]);
    }
    case 'deleteDepartment': {
      const d = m.depts.find((x) => x.name === c.name);
      if (!d) return { refused: 'no such department' };
      if ([...e.initiatives, ...m.e23.initiatives].some((i) => i.departments.includes(c.name))) return { refused: 'department in use' };
      if (m.editors.includes(d.id)) return { refused: 'department has editors' };
      m.depts = m.depts.filter((x) => x !== d);
      m.aliases = m.aliases.filter((x) => x.dept !== d.id);
      return done([{ entity: 'department', key: c.name, action: 'delete', after: null }]);
    }
    case 'mergeDepartments': {
      if (c.from === c.into) return { refused: 'same department' };
      const src = m.depts.find((x) => x.name === c.from);
      const dst = m.depts.find((x) => x.name === c.into);
      if (!src || !dst) return { refused: 'no such department' };
      renameInInitiatives(e, c.from, c.into, true);
      renameInInitiatives(m.e23, c.from, c.into, true);
      for (const a of m.aliases) if (a.dept === src.id) a.dept = dst.id;
      if (m.editors.includes(src.id)) m.editors = [...new Set([...m.editors.filter((x) => x !== src.id), dst.id])];
      m.depts = m.depts.filter((x) => x !== src);
      m.aliases.push({ id: ++m.seq, alias: c.from, dept: dst.id });
      return done([{ entity: 'department', key: c.into, action: 'update', before: { merged: c.from } }]);
    }
  }
}
