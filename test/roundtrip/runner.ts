// Runs one generated case against the database and checks the contract:
//   (m) the preview means what the file says (model.ts), and rows nobody touched come back unchanged;
//   (a) what apply stores is preview.next; (b) the same file again announces nothing;
//   (c) nothing unannounced changed, and everything announced did; (d) the audit rows hold whole snapshots.
// Every problem of a case is collected, so one failing case shows all the checks it breaks.
import { systemActor } from '../../src/db/command.ts';
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import type { Db } from '../../src/db/client.ts';
import { applyPreview } from '../../src/db/apply-changes.ts';
import { loadEdition } from '../../src/db/repository.ts';
import { saveInitiative } from '../../src/db/workspace.ts';
import { initiativeAudit } from '../../src/db/history.ts';
import { isEmptyPreview, previewSpreadsheet, type Preview } from '../../src/domain/changes.ts';
import { STATUS_ORDER, type EditionData, type Initiative } from '../../src/domain/model.ts';
import type { Actor } from '../../src/domain/roles.ts';
import { exportCsv, type CsvTable } from '../../src/export/csv.ts';
import { exportWorkbook } from '../../src/export/xlsx.ts';
import { readCsv, readXlsx } from '../../src/import/spreadsheet.ts';
import { parseInitiativeForm, type Body } from '../../src/web/admin/forms.ts';
import { csvGrid, Resolver, writeCsv, writeXlsx, xlsxGrids, type Encoding, type Grid } from './cells.ts';
import { changeSetsAfter, dump, FY, initiativeVersion, ORG, type AuditRow, type Dump } from './dump.ts';
import { cut, renderNum, renderText, type FormCase, type Material, type Sheet, type SpreadsheetCase } from './generators.ts';
import { comparable, expectedImport, proseLines, typedNumber } from './model.ts';

export type Check = 'm' | 'm0' | 'a' | 'b' | 'c' | 'd' | 'refusal' | 'form';

export interface Problem {
  check: Check;
  message: string;
}

export interface Stats {
  cases: number;
  applied: number;
  refused: number;
  empty: number;
  failed: number;
}

export class CaseFailure extends Error {
  constructor(
    readonly problems: Problem[],
    readonly log: string[],
  ) {
    super(
      `${problems.length} problem(s):\n${problems.map((p) => `  (${p.check}) ${p.message}`).join('\n')}\n  edits:\n${log.map((l) => `    ${l}`).join('\n') || '    (none)'}`,
    );
    this.name = 'CaseFailure';
  }
}

function clip(s: string, n = 1800): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}

class Checker {
  readonly problems: Problem[] = [];
  eq(check: Check, actual: unknown, expected: unknown, what: string) {
    try {
      assert.deepStrictEqual(actual, expected);
    } catch (e) {
      this.problems.push({ check, message: clip(`${what}\n${(e as Error).message}`) });
    }
  }
  ok(check: Check, cond: unknown, what: string) {
    if (!cond) this.problems.push({ check, message: clip(what) });
  }
}

const snap = (i: Initiative) => ({ fiscalYear: FY, ...i });
const label = (i: Pick<Initiative, 'number' | 'title'>) => `${i.number ?? '新'} ${i.title}`;

export interface SpreadsheetPath {
  name: string;
  kind: 'xlsx' | 'csv';
  table?: CsvTable;
  encoding: Encoding;
  sheets: Sheet[];
}

const TABLE_SHEET: Record<CsvTable, Sheet> = { initiatives: 'initiatives', results: 'results', kpis: 'kpis' };

async function fileFor(path: SpreadsheetPath, current: EditionData, c: SpreadsheetCase) {
  if (path.kind === 'xlsx') {
    const { wb, grids } = await xlsxGrids(await exportWorkbook(current));
    const original = { initiatives: grids[0]!.rows.length, results: grids[1]!.rows.length, kpis: grids[2]!.rows.length };
    const r = new Resolver(current, grids, 'xlsx', 'utf8');
    for (const e of c.edits) r.apply(e);
    const bytes = await writeXlsx(wb, grids, original);
    return { grids, resolved: r.out, read: async () => readXlsx(bytes) };
  }
  const grid = csvGrid(exportCsv(current, path.table!, { encoding: path.encoding }), path.encoding, TABLE_SHEET[path.table!]);
  const grids: Grid[] = [grid];
  const r = new Resolver(current, grids, 'csv', path.encoding);
  for (const e of c.edits) r.apply(e);
  const bytes = writeCsv(grid, path.encoding);
  return { grids, resolved: r.out, read: async () => [readCsv(bytes).sheet] };
}

/** Initiative keys a preview announces (changes by key, added and removed results by label). */
function announced(p: Preview, before: EditionData): Set<string> {
  const keys = new Set(p.changes.filter((c) => c.entity !== 'kpi').map((c) => c.key.split('/')[0]!));
  const byLabel = [...before.initiatives, ...p.next.initiatives];
  for (const l of [...p.added.results, ...p.removed.results]) {
    for (const i of byLabel) if (l.startsWith(`${label(i)} ／`)) keys.add(i.key);
  }
  return keys;
}

function checkUnchangedElsewhere(ck: Checker, before: Dump, after: Dump, skipInitiatives: Set<string>, skipKpis: Set<string>) {
  for (const fy of Object.keys(before.editions).map(Number)) {
    if (fy === FY) continue;
    // KPIs belong to the plan, so every edition shows them; reported on their own so they do not hide the rest.
    // Departments are the organization's: a name added for FY2024 is listed with every edition.
    ck.eq(
      'c',
      { ...after.editions[fy], kpis: undefined, departments: undefined },
      { ...before.editions[fy], kpis: undefined, departments: undefined },
      `edition ${fy} changed (KPIs and departments aside)`,
    );
    // KPIs are the plan's (README: KPI definitions per plan), so every edition shows the same list: the one just written.
    ck.eq('c', after.editions[fy]?.kpis, after.editions[FY]?.kpis, `edition ${fy} shows other KPIs than the plan's`);
  }
  const b = before.editions[FY]!;
  const a = after.editions[FY]!;
  ck.eq('c', a.edition, b.edition, 'edition info changed');
  ck.eq('c', a.pillars, b.pillars, 'pillars changed');
  ck.eq('c', a.plan, b.plan, 'plan changed');
  const names = new Set(a.departments.map((d) => d.name));
  ck.ok(
    'c',
    b.departments.every((d) => names.has(d.name) && isDeepStrictEqual(a.departments.find((x) => x.name === d.name)!.aliases, d.aliases)),
    'departments lost a name or an alias',
  );
  for (const i of b.initiatives) {
    if (skipInitiatives.has(i.key)) continue;
    ck.eq(
      'c',
      a.initiatives.find((x) => x.key === i.key),
      i,
      `unannounced initiative ${i.key} (${label(i)}) changed`,
    );
  }
  for (const k of b.kpis) {
    if (skipKpis.has(k.key)) continue;
    ck.eq(
      'c',
      a.kpis.find((x) => x.key === k.key),
      k,
      `unannounced KPI ${k.key} changed`,
    );
  }
  for (const [k, s] of Object.entries(before.submissions)) {
    if (skipInitiatives.has(k.split('/')[1]!)) continue;
    ck.eq('c', after.submissions[k], s, `submission ${k} changed`);
  }
  ck.eq('c', after.tables, before.tables, 'other tables changed');
  ck.ok(
    'c',
    before.initiativeIdentities.every((k) => after.initiativeIdentities.includes(k)),
    'an initiative identity was deleted',
  );
}

export async function runSpreadsheetCase(db: Db, actor: Actor, path: SpreadsheetPath, c: SpreadsheetCase, stats: Stats): Promise<void> {
  stats.cases++;
  const ck = new Checker();
  const current = (await loadEdition(db, ORG, FY))!;
  const before = await dump(db);
  const { grids, resolved, read } = await fileFor(path, current, c);
  const log = [`path ${path.name}, allowDelete ${c.allowDelete}`, ...resolved.log];
  const fail = () => {
    if (ck.problems.length) {
      stats.failed++;
      throw new CaseFailure(ck.problems, log);
    }
  };
  let sheets: Awaited<ReturnType<typeof read>>;
  try {
    sheets = await read();
  } catch (e) {
    ck.ok('refusal', false, `the edited file cannot be read: ${(e as Error).message}`);
    return fail();
  }
  const preview = previewSpreadsheet(current, sheets, { allowDelete: c.allowDelete });
  const model = expectedImport(current, grids, { allowDelete: c.allowDelete, sjis: path.encoding === 'sjis' });

  if (model.errors.length || preview.errors.length) {
    const rowsOf = (e: { sheet: string; row: number }) =>
      JSON.stringify(sheets.find((x) => x.name === e.sheet)?.rows.find((r) => r.row === e.row)?.cells ?? null);
    ck.ok(
      'refusal',
      model.errors.length > 0,
      `refused an edit the model accepts: ${JSON.stringify(preview.errors)}; the file's row: ${preview.errors.slice(0, 2).map(rowsOf).join(' | ')}`,
    );
    ck.ok('refusal', preview.errors.length > 0, `accepted an edit that should be refused: ${model.errors.join('; ')}`);
    for (const e of preview.errors) ck.ok('refusal', e.sheet && Number.isInteger(e.row) && e.row >= 2, `error does not name a row: ${JSON.stringify(e)}`);
    if (preview.errors.length) {
      stats.refused++;
      await assert
        .rejects(async () => applyPreview(db, ORG, FY, preview, { actor: await systemActor(db, '082023', 'test'), source: 'import:xlsx' }))
        .catch((e) => ck.ok('refusal', false, `apply with errors did not throw: ${e}`));
      ck.eq('c', await dump(db), before, 'a refused import changed the database');
      return fail();
    }
  }

  // (m0) rows nobody edited come back exactly as stored, (m) the rest as the model reads the file.
  for (const i of current.initiatives) {
    if (resolved.touchedInitiatives.has(i.key)) continue;
    const n = preview.next.initiatives.find((x) => x.key === i.key);
    if (c.allowDelete && !n) continue; // a row deleted is touched; a missing one here is a (m) problem
    ck.eq('m0', n, i, `untouched initiative ${i.key} (${label(i)}) changed in preview.next`);
  }
  for (const k of current.kpis) {
    if (resolved.touchedKpis.has(k.key)) continue;
    ck.eq(
      'm0',
      preview.next.kpis.find((x) => x.key === k.key),
      k,
      `untouched KPI ${k.key} changed in preview.next`,
    );
  }
  // The model names new initiatives new#0, new#1…; each takes the key of the preview's new initiative that says the same.
  const known = new Set(current.initiatives.map((i) => i.key));
  const previewNew = preview.next.initiatives.filter((i) => !known.has(i.key));
  const modelNext = model.initiatives.map((i) => {
    if (known.has(i.key)) return i;
    const k = previewNew.findIndex((p) => isDeepStrictEqual(comparable({ ...p, key: i.key }), comparable(i)));
    return k < 0 ? i : { ...i, key: previewNew.splice(k, 1)[0]!.key };
  });
  ck.eq(
    'm',
    preview.next.initiatives.map(comparable),
    modelNext.map(comparable),
    'preview.next.initiatives is not what the file says (raw and resultsText ignored)',
  );
  ck.eq('m', preview.next.kpis, model.kpis, 'preview.next.kpis is not what the file says');
  // The prose of the printed 実績 text is what the 実績（文章） column says (or what was stored), whatever the 実績 sheet did to the value lines.
  const proseKey = new Map(model.initiatives.map((m, k) => [modelNext[k]!.key, m.key]));
  ck.eq(
    'm',
    preview.next.initiatives.map((i) => [i.key, proseLines(i.resultsText, i.results)]),
    preview.next.initiatives.map((i) => [i.key, model.prose.get(proseKey.get(i.key) ?? i.key) ?? null]),
    'the prose of the printed 実績 text is not what the file says (or a value edit dropped it)',
  );

  if (process.env.ROUNDTRIP_VERBOSE)
    console.log(
      [...log, `→ ${preview.changes.length} changes, added ${JSON.stringify(preview.added)}, removed ${JSON.stringify(preview.removed)}`].join('\n  '),
    );
  // A department the file names that the master lacks is created: the generated edits confirm it, as a person does on the upload page.
  const applied = await applyPreview(db, ORG, FY, preview, { actor: await systemActor(db, '082023', 'test'), source: `import:${path.kind}`, create: true });
  const after = await dump(db);
  const stored = after.editions[FY]!;
  if (isEmptyPreview(preview)) stats.empty++;
  else stats.applied++;

  // (a) stored = preview.next
  ck.eq('a', stored.initiatives, preview.next.initiatives, 'stored initiatives differ from preview.next');
  ck.eq('a', stored.kpis, preview.next.kpis, 'stored KPIs differ from preview.next');
  ck.eq('a', stored.pillars, current.pillars, 'pillars changed');
  ck.eq('a', stored.edition, current.edition, 'edition info changed');

  // (b) the same file again announces nothing (a keyless row is matched to the initiative it added by its title)
  {
    const again = previewSpreadsheet(stored, await read(), { allowDelete: c.allowDelete });
    ck.eq('b', again.errors, [], 'the same file again has errors');
    ck.ok(
      'b',
      isEmptyPreview(again),
      `the same file again announces: ${clip(JSON.stringify({ changes: again.changes, added: again.added, removed: again.removed }), 1200)}`,
    );
  }

  // (c) what changed is what was announced
  const beforeMap = new Map(current.initiatives.map((i) => [i.key, i]));
  const afterMap = new Map(stored.initiatives.map((i) => [i.key, i]));
  const changed = new Set<string>();
  for (const [k, i] of beforeMap) if (!isDeepStrictEqual(afterMap.get(k), i)) changed.add(k);
  for (const k of afterMap.keys()) if (!beforeMap.has(k)) changed.add(k);
  const said = announced(preview, current);
  const addedKeys = [...afterMap.keys()].filter((k) => !beforeMap.has(k));
  const removedKeys = [...beforeMap.keys()].filter((k) => !afterMap.has(k));
  for (const k of changed) {
    if (addedKeys.includes(k) || removedKeys.includes(k)) continue;
    ck.ok(
      'c',
      said.has(k),
      `initiative ${k} (${label(beforeMap.get(k)!)}) changed but the preview does not announce it: ${clip(JSON.stringify({ before: beforeMap.get(k), after: afterMap.get(k) }), 1000)}`,
    );
  }
  for (const k of said)
    ck.ok(
      'c',
      changed.has(k),
      `initiative ${k} is announced but did not change: ${clip(JSON.stringify(preview.changes.filter((x) => x.key.split('/')[0] === k)), 600)}`,
    );
  ck.eq('c', addedKeys.length, preview.added.initiatives.length, 'added initiatives: stored vs announced count');
  ck.eq('c', removedKeys.length, preview.removed.initiatives.length, 'removed initiatives: stored vs announced count');
  const changedKpis = new Set(
    current.kpis
      .filter(
        (k) =>
          !isDeepStrictEqual(
            stored.kpis.find((x) => x.key === k.key),
            k,
          ),
      )
      .map((k) => k.key),
  );
  const saidKpis = new Set(preview.changes.filter((x) => x.entity === 'kpi').map((x) => x.key));
  ck.eq('c', [...saidKpis].sort(), [...changedKpis].sort(), 'KPIs announced vs KPIs changed');
  checkUnchangedElsewhere(ck, before, after, new Set([...changed, ...said]), new Set([...changedKpis, ...saidKpis]));

  // (d) one change set; per changed initiative and KPI one audit row with whole snapshots
  const { sets, audit } = await changeSetsAfter(db, before.lastChangeSet);
  if (isEmptyPreview(preview)) {
    ck.eq('d', sets.length, 0, 'an empty preview wrote a change set');
  } else {
    ck.eq('d', sets.length, 1, 'change sets written by one apply');
    ck.eq('d', applied.changeSetId, sets[0]?.id === undefined ? null : Number(sets[0].id), 'applyPreview returns the change set id');
    await checkAudit(ck, db, actor, audit, changed, beforeMap, afterMap);
    const kpiRows = audit.filter((r) => r.entity === 'kpi');
    for (const k of changedKpis) {
      const rows = kpiRows.filter((r) => r.entityKey === k);
      ck.eq('d', rows.length, 1, `audit rows for KPI ${k}`);
      if (rows[0]) {
        ck.eq(
          'd',
          rows[0].before,
          current.kpis.find((x) => x.key === k),
          `audit before of KPI ${k}`,
        );
        ck.eq(
          'd',
          rows[0].after,
          stored.kpis.find((x) => x.key === k),
          `audit after of KPI ${k}`,
        );
      }
    }
    ck.eq(
      'd',
      [...new Set(kpiRows.map((r) => r.entityKey))].filter((k) => !changedKpis.has(k)),
      [],
      'audit rows for KPIs that did not change',
    );
  }
  fail();
}

async function checkAudit(
  ck: Checker,
  db: Db,
  actor: Actor,
  audit: AuditRow[],
  changed: Set<string>,
  beforeMap: Map<string, Initiative>,
  afterMap: Map<string, Initiative>,
) {
  const rows = audit.filter((r) => r.entity === 'initiative');
  let history = 0;
  for (const k of changed) {
    const mine = rows.filter((r) => r.entityKey === k);
    ck.eq('d', mine.length, 1, `audit rows (entity initiative) for ${k}: ${clip(JSON.stringify(mine.map((r) => [r.action, r.before, r.after])), 400)}`);
    const r = mine[0];
    if (!r) continue;
    const b = beforeMap.get(k);
    const a = afterMap.get(k);
    ck.eq('d', r.action, b && a ? 'update' : b ? 'delete' : 'insert', `audit action for ${k}`);
    ck.eq('d', r.before, b ? snap(b) : null, `audit before-snapshot of ${k}`);
    ck.eq('d', r.after, a ? snap(a) : null, `audit after-snapshot of ${k}`);
    if (history++ < 3) {
      const h = (await initiativeAudit(db, actor, k))[0];
      ck.eq(
        'd',
        h && { entity: h.entity, action: h.action, before: h.before, after: h.after },
        { entity: 'initiative', action: r.action, before: r.before, after: r.after },
        `initiativeAudit(${k})[0] is not the change set's row`,
      );
    }
  }
  ck.eq(
    'd',
    [...new Set(rows.map((r) => r.entityKey))].filter((k) => !changed.has(k)),
    [],
    'audit rows (entity initiative) for keys that did not change',
  );
}

// ---- the workspace form ----------------------------------------------------------------------------

interface FormRow {
  label: string;
  actual: string;
  target: string;
  unit: string;
  note: string;
}

const show = (v: string | null) => v ?? '';

function formShort(m: Material, fallback: string): string {
  const t = renderText({ ...m.text, multiline: false, prefix: m.text.prefix === '=' ? '=' : '' });
  return t.trim() ? cut(t, 60) : fallback;
}

function editRows(rows: FormRow[], edits: FormCase['results'], withNote: boolean): string[] {
  const log: string[] = [];
  for (const e of edits) {
    const m = e.m;
    const n = rows.length;
    const k = n ? m.a % n : 0;
    const num = (second = false) => {
      const v = renderNum(second ? m.num2 : m.num, 'form').v;
      return v === null ? '' : typeof v === 'object' ? `=${v.formula}` : String(v);
    };
    switch (e.kind) {
      case 'keep':
        break;
      case 'change': {
        if (!n) break;
        const fields = withNote ? (['actual', 'target', 'unit', 'note'] as const) : (['actual', 'unit'] as const);
        const f = fields[e.field % fields.length]!;
        rows[k]![f] = f === 'actual' || f === 'target' ? num(f === 'target') : f === 'unit' ? ['%', '件', '', ' 回 ', '人'][m.b % 5]! : formShort(m, '');
        log.push(`row ${k}: ${f} := ${JSON.stringify(rows[k]![f])}`);
        break;
      }
      case 'rename':
        if (!n) break;
        rows[k]!.label = m.wrong ? '' : formShort(m, `改名${m.b}`);
        log.push(`row ${k}: label := ${JSON.stringify(rows[k]!.label)}`);
        break;
      case 'add': {
        const r = {
          label: m.wrong ? '' : formShort(m, `項目${m.b}`),
          actual: num(),
          target: withNote ? num(true) : '',
          unit: ['%', '件', ''][m.c % 3]!,
          note: withNote ? formShort({ ...m, text: { ...m.text, core: Array.from(m.text.core).slice(2).join('') } }, '') : '',
        };
        rows.splice(m.b % (n + 1), 0, r);
        log.push(`add row ${JSON.stringify(r)}`);
        break;
      }
      case 'delete':
        if (!n) break;
        log.push(`delete row ${k}`);
        rows.splice(k, 1);
        break;
      case 'swap': {
        if (!n) break;
        const j = m.b % n;
        [rows[k], rows[j]] = [rows[j]!, rows[k]!];
        log.push(`swap rows ${k} ${j}`);
        break;
      }
      case 'blank':
        rows.push({ label: '', actual: '', target: '', unit: '', note: '' });
        log.push('spare empty row');
        break;
    }
  }
  return log;
}

/** What the form means: trimmed texts, numbers as decimals, empty spare rows dropped; null when it must be refused. */
function expectedEdit(status: string, content: string, plan: string, results: FormRow[], targets: FormRow[]) {
  let bad = false;
  const num = (s: string) => {
    const n = typedNumber(s);
    if (n === 'error') bad = true;
    return n === 'error' ? null : n;
  };
  const t = (s: string) => s.replace(/\r\n?/g, '\n').trim();
  const rows = results
    .filter((r) => [r.label, r.actual, r.target, r.unit, r.note].some((x) => x.trim()))
    .map((r) => {
      if (!r.label.trim()) bad = true;
      return { label: r.label.trim(), actual: num(r.actual), target: num(r.target), unit: r.unit.trim() || null, note: r.note.trim() || null };
    });
  const planTargets = targets
    .filter((r) => [r.label, r.actual, r.unit].some((x) => x.trim()))
    .map((r) => {
      // A target printed without a name (「・26コンテンツ」) measures the initiative itself: a value is enough.
      if (!r.label.trim() && !r.actual.trim()) bad = true;
      return { label: r.label.trim(), value: num(r.actual), unit: r.unit.trim() || null };
    });
  if (bad) return null;
  return { status, content: t(content), plan: t(plan), planTargets, results: rows };
}

export async function runFormCase(db: Db, actor: Actor, c: FormCase, stats: Stats): Promise<void> {
  stats.cases++;
  const ck = new Checker();
  const current = (await loadEdition(db, ORG, FY))!;
  const i = current.initiatives[c.pick % current.initiatives.length]!;
  const version = await initiativeVersion(db, i.key);
  const results: FormRow[] = i.results.map((r) => ({ label: r.label, actual: show(r.actual), target: show(r.target), unit: show(r.unit), note: show(r.note) }));
  const targets: FormRow[] = i.planTargets.map((p) => ({ label: p.label, actual: show(p.value), target: '', unit: show(p.unit), note: '' }));
  let status: string = i.status;
  let content = i.content;
  let plan = i.plan;
  const log = [`form: initiative ${i.key} (${label(i)}), mode ${c.mode}, version ${version}`];
  if (c.mode === 'edit') {
    status = STATUS_ORDER[c.status % STATUS_ORDER.length]!;
    if (c.content) content = renderText(c.content);
    if (c.plan) plan = renderText(c.plan);
    log.push(`status := ${status}`, `content := ${JSON.stringify(content)}`, `plan := ${JSON.stringify(plan)}`);
    log.push(...editRows(results, c.results, true).map((l) => `results ${l}`), ...editRows(targets, c.targets, false).map((l) => `targets ${l}`));
  }
  const body: Body = {
    version: String(version),
    status,
    content,
    plan,
    r_label: results.map((r) => r.label),
    r_actual: results.map((r) => r.actual),
    r_target: results.map((r) => r.target),
    r_unit: results.map((r) => r.unit),
    r_note: results.map((r) => r.note),
    t_label: targets.map((r) => r.label),
    t_value: targets.map((r) => r.actual),
    t_unit: targets.map((r) => r.unit),
  };
  const fail = () => {
    if (ck.problems.length) {
      stats.failed++;
      throw new CaseFailure(ck.problems, log);
    }
  };
  const parsed = parseInitiativeForm(body);
  const expected = expectedEdit(status, content, plan, results, targets);
  if (!parsed.ok || !expected) {
    ck.ok('form', !expected, `the form refused an edit the model accepts: ${JSON.stringify(!parsed.ok && parsed.errors)}`);
    ck.ok('form', !parsed.ok, `the form accepted an edit that should be refused: ${JSON.stringify(parsed.ok && parsed.value.edit)}`);
    if (!parsed.ok) {
      stats.refused++;
      for (const k of Object.keys(parsed.errors)) ck.ok('refusal', /^(status|content|plan|[rt]_\w+)$/.test(k), `form error with no field: ${k}`);
    }
    return fail();
  }
  // The generated form posts no 実績（文章） field: the printed text is then left to follow the values.
  const { resultsText: typedText, ...typed } = parsed.value.edit;
  ck.eq('form', typed, expected, 'parseInitiativeForm does not mean what was typed');
  ck.eq('form', typedText, undefined, 'a form without the 実績（文章） field gave a printed text');
  const edit = parsed.value.edit;
  const before = await dump(db);
  const saved = await saveInitiative(db, actor, FY, i.key, version, edit);
  const after = await dump(db);
  const stored = after.editions[FY]!.initiatives.find((x) => x.key === i.key)!;
  const tuples = (rs: Initiative['results']) => rs.map((r) => ({ label: r.label, actual: r.actual, target: r.target, unit: r.unit, note: r.note }));
  ck.eq(
    'a',
    {
      ...stored,
      results: tuples(stored.results),
      planTargets: stored.planTargets.map((p) => ({ label: p.label, value: p.value, unit: p.unit })),
      resultsText: undefined,
    },
    { ...i, ...edit, resultsText: undefined },
    'stored initiative is not the edit',
  );
  const resultsSame = isDeepStrictEqual(tuples(i.results), edit.results);
  if (resultsSame) ck.eq('a', stored.resultsText, i.resultsText, 'results unchanged, but resultsText was not kept');
  const unused = i.results.map((r, k) => ({ r, k }));
  for (const r of stored.results) {
    const k = unused.findIndex((u) => isDeepStrictEqual(tuples([u.r])[0], tuples([r])[0]));
    if (k < 0) continue;
    ck.eq('a', r.raw, unused[k]!.r.raw, `unchanged result 「${r.label}」 lost its raw text`);
    unused.splice(k, 1);
  }
  const nothing = isDeepStrictEqual(stored, i);
  const { sets, audit } = await changeSetsAfter(db, before.lastChangeSet);
  if (nothing) {
    stats.empty++;
    ck.eq('d', sets.length, 0, 'a save that changes nothing wrote a change set');
    ck.eq('d', saved.version, version, 'a save that changes nothing bumped the version');
  } else {
    stats.applied++;
    ck.eq('d', sets.length, 1, 'change sets written by one save');
    await checkAudit(ck, db, actor, audit, new Set([i.key]), new Map([[i.key, i]]), new Map([[i.key, stored]]));
  }
  checkUnchangedElsewhere(ck, before, after, new Set([i.key]), new Set());
  // The same edit again (the person presses 保存 twice): nothing written.
  const v2 = await initiativeVersion(db, i.key);
  ck.eq('form', v2, saved.version, 'saveInitiative returned a version other than the stored one');
  const again = await saveInitiative(db, actor, FY, i.key, v2, edit);
  const afterAgain = await dump(db);
  ck.eq('b', (await changeSetsAfter(db, after.lastChangeSet)).sets.length, 0, 'saving the same edit again wrote a change set');
  ck.eq('b', again.version, v2, 'saving the same edit again bumped the version');
  ck.eq(
    'b',
    afterAgain.editions[FY]!.initiatives.find((x) => x.key === i.key),
    stored,
    'saving the same edit again changed the initiative',
  );
  fail();
}
