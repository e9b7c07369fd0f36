// What a spreadsheet would change in an edition, worked out before anything is written. The preview is
// the contract: `next` is the edition exactly as apply stores it, and the change list is computed from the
// same normalised values (aliases resolved, numbers parsed, the export's formula guard undone, characters
// a Shift_JIS file cannot hold kept as stored), so what is listed is what is written and nothing else.
// Pure: the database is touched only when a person applies a preview with no errors. The 施策 sheet is read
// by initiative-rows.ts, the change list worked out in describe-changes.ts, the cells read by cells.ts.
import { createHash } from 'node:crypto';
import { restoreUnrepresentable } from './encoding.ts';
import type { EditionData, Initiative } from './model.ts';
import { pairResults, reviseResults, type ResultValues } from './results.ts';
import { joiningResultsYear } from './results-year.ts';
import {
  identityMismatch,
  keyHeader,
  kpiFixedColumns,
  parseKpiYearHeader,
  README_SHEET,
  IDENTITY_LABELS,
  resultColumns,
  titleHeader,
  columnsByHeading,
  type WorkbookIdentity,
} from './sheets.ts';
import { displayOrder } from './structure.ts';
import { numberCell, text, type Cell, type CellError } from './cells.ts';
import { describeChanges } from './describe-changes.ts';
import { readInitiativeRows } from './initiative-rows.ts';
import { readIndicatorRows } from './indicator-rows.ts';
import { readMilestoneRows } from './milestone-rows.ts';

export type { Cell, CellError } from './cells.ts';

export interface SheetInput {
  kind: 'initiatives' | 'results' | 'kpis' | 'indicators' | 'milestones';
  name: string;
  header: string[];
  rows: { row: number; cells: Cell[] }[];
  /**
   * What the file's encoding makes of a text (a Shift_JIS file turns é into ?). Stretches of a cell that
   * match that form of the stored text keep the stored characters: the encoding lost them, no person did.
   */
  represent?: (s: string) => string;
  /** What the workbook says it is for (its 説明 sheet): a file of another organization, plan or year is refused. */
  identity?: WorkbookIdentity | null;
}

export interface FieldChange {
  entity: 'initiative' | 'result' | 'kpi';
  /** Initiative key, "key/項目" for a result, KPI key. */
  key: string;
  /** What a person reads: "08 マイナンバーカードの普及啓発". */
  label: string;
  field: string;
  before: string | null;
  after: string | null;
}

/** What applying the file creates besides initiatives and results: listed as 「新しく作成されるもの」. */
export interface Created {
  /** The edition itself, when the year has none yet: its title. */
  edition: string | null;
  pillars: string[];
  /** 「施策体系 ／ 分野」, deeper groups with their whole path (「柱 ／ 分野 ／ 事項」), parents before their children. */
  subAreas: string[];
  /** Departments the master lacks that are not chosen as another spelling of a registered one. */
  departments: string[];
}

export interface Preview {
  changes: FieldChange[];
  added: { initiatives: string[]; results: string[] };
  removed: { initiatives: string[]; results: string[] };
  created: Created;
  errors: CellError[];
  notices: string[];
  /** Departments the file names that the master lacks: where, and a registered one that looks alike. */
  unknownDepartments: UnknownDepartment[];
  /** The edition exactly as it will be stored after applying; only meaningful when there are no errors. */
  next: EditionData;
  /** A digest of the edition the preview was made from; apply refuses when the stored edition differs. */
  base: string;
}

export interface UnknownDepartment {
  name: string;
  where: string[];
  similar: string | null;
}

export interface PreviewOptions {
  /** Rows missing from the file are deleted only when asked. */
  allowDelete?: boolean;
  /** Unknown department names of the file to treat as another spelling of a registered department. */
  aliases?: Record<string, string>;
  /** Groups (pillars, sub-areas) the edition lacks are created, each listed in `created`; without it a row naming one is refused. */
  create?: boolean;
  /** The year has no edition yet: `current` is the empty edition the file fills (emptyEdition), created on apply. */
  newEdition?: boolean;
  /**
   * The groups of the plan's other editions, and keys its audit log names (without a name): a new group
   * takes the key of the plan's group of that name, as the rollover keeps keys from year to year, and never
   * a key that meant another group.
   */
  planGroups?: PlanGroups;
}

export interface PlanGroups {
  pillars: { key: string; name: string | null }[];
  /**
   * `parentKey`: the group it sits in, in a plan of three or four levels (null: directly under its
   * pillar); absent where the source does not say, and then a name is matched in its pillar alone.
   */
  subAreas: { key: string; name: string | null; pillarKey: string | null; parentKey?: string | null }[];
}

/** The fields of an edition a spreadsheet can change, as a digest: equal digests, equal content. */
export function editionDigest(d: EditionData): string {
  return createHash('sha256')
    .update(JSON.stringify([d.pillars, d.initiatives, d.kpis, d.departments]))
    .digest('hex')
    .slice(0, 32);
}

/** A year of the plan with no edition yet, as a file fills it: a draft named after the plan, with no groups and no initiatives. */
export function emptyEdition(base: Pick<EditionData, 'organization' | 'plan' | 'kpis' | 'departments'>, fiscalYear: number): EditionData {
  return {
    organization: base.organization,
    plan: base.plan,
    edition: { fiscalYear, title: base.plan.title, tagline: null, lead: null, source: null, state: 'draft' },
    pillars: [],
    initiatives: [],
    kpis: base.kpis,
    departments: base.departments,
  };
}

const NOTHING_CREATED: Created = { edition: null, pillars: [], subAreas: [], departments: [] };

/** What each sheet stands for, read once: edits of existing initiatives, new ones, results, KPI values. */
export function previewSpreadsheet(current: EditionData, sheets: SheetInput[], opts: PreviewOptions = {}): Preview {
  const next: EditionData = structuredClone(current);
  const errors: CellError[] = [];
  const notices: string[] = [];
  const words = current.plan.settings;

  // A workbook of another organization, plan or year is refused as a whole, before any of its rows is read.
  const identity = sheets.find((s) => s.identity)?.identity;
  const mismatch = identity && identityMismatch(identity, { organization: current.organization, plan: current.plan, fiscalYear: current.edition.fiscalYear });
  if (identity && mismatch) {
    return {
      changes: [],
      added: { initiatives: [], results: [] },
      removed: { initiatives: [], results: [] },
      created: NOTHING_CREATED,
      errors: [{ sheet: README_SHEET, row: identity.row, column: IDENTITY_LABELS.orgCode, message: mismatch }],
      notices: [],
      unknownDepartments: [],
      next,
      base: editionDigest(current),
    };
  }

  const byKey = new Map(next.initiatives.map((i) => [i.key, i]));
  const stored = new Map(current.initiatives.map((i) => [i.key, i]));
  /** For each initiative whose results the file touched: which stored row each new row stands for. */
  const resultOrigin = new Map<string, (number | null)[]>();

  const restorer =
    (sheet: SheetInput) =>
    (before: string | null, after: string | null): string | null =>
      sheet.represent && before !== null && after !== null && after !== before ? restoreUnrepresentable(before, after, sheet.represent) : after;

  // ---- 施策 -------------------------------------------------------------------------------------
  const initiativeSheets = sheets.filter((s) => s.kind === 'initiatives');
  const read = readInitiativeRows(current, next, initiativeSheets, restorer, opts, errors, notices);
  const { rowOf } = read;

  // A number belongs to one initiative, as the form insists.
  const byNumber = new Map<string, Initiative[]>();
  for (const i of next.initiatives) if (i.number !== null) byNumber.set(i.number, [...(byNumber.get(i.number) ?? []), i]);
  for (const [number, list] of byNumber) {
    // Only a number this file gives (or a new row) is refused; a duplicate already stored is the form's to fix.
    if (list.length < 2 || list.every((i) => stored.get(i.key)?.number === i.number)) continue;
    // The row that gave the number, not the one that had it.
    const given = list.filter((i) => stored.get(i.key)?.number !== i.number);
    const where = [...given, ...list].map((i) => rowOf.get(i.key)).find(Boolean);
    errors.push({
      sheet: where?.sheet ?? '施策',
      row: where?.row ?? 1,
      column: '番号',
      message: `番号「${number}」が重複しています（${list.map((i) => i.title).join('、')}）`,
    });
  }
  for (const i of next.initiatives) byKey.set(i.key, i);

  // ---- 実績 -------------------------------------------------------------------------------------
  const resultLayout = resultColumns(words);
  const keyH = keyHeader(words);
  const titleH = titleHeader(words);
  const thing = words.initiativeName;
  for (const sheet of sheets.filter((s) => s.kind === 'results')) {
    const col = columnsByHeading(sheet.header, resultLayout);
    const heading = (f: string) => resultLayout.find((c) => c.field === f)!.header;
    const need = ['label', 'actual', 'target', 'unit', 'note'] as const;
    const missing = [...(col.has('key') || col.has('title') ? [] : ['key' as const]), ...need.filter((n) => !col.has(n))];
    if (missing.length) {
      errors.push({ sheet: sheet.name, row: 1, column: missing.map(heading).join('、'), message: '見出しの列がありません' });
      continue;
    }
    const fromFile = new Map<string, ResultValues[]>();
    const restore = restorer(sheet);
    for (const { row, cells } of sheet.rows) {
      const at = (f: string) => ({ sheet: sheet.name, row, column: heading(f) });
      const cell = (f: (typeof resultLayout)[number]['field']) => (col.has(f) ? (cells[col.get(f)!] ?? null) : null);
      let key = text(cell('key'));
      const lbl = text(cell('label'));
      if (!key) {
        // A row without a key names its initiative by title: how results of an initiative the same file adds are written.
        const title = text(cell('title'));
        const named = title ? next.initiatives.filter((i) => i.title === title) : [];
        if (named.length !== 1) {
          errors.push({
            ...at(col.has('key') ? 'key' : 'title'),
            message: !title
              ? `${keyH}が空です（施策シートの${keyH}を入れるか、${titleH}を書いてください）`
              : named.length
                ? `「${title}」という${thing}が複数あります。${keyH}で指定してください`
                : `${titleH}「${title}」の${thing}がありません`,
          });
          continue;
        }
        key = named[0]!.key;
      }
      if (!byKey.has(key)) {
        errors.push({ ...at('key'), message: `${keyH}「${key}」の${thing}がありません` });
        continue;
      }
      if (!lbl) {
        errors.push({ ...at('label'), message: '項目が空です' });
        continue;
      }
      const actual = numberCell(cell('actual'), at('actual'), errors);
      const target = numberCell(cell('target'), at('target'), errors);
      const list = fromFile.get(key) ?? [];
      list.push({ label: lbl, actual, target, unit: text(cell('unit')), note: text(cell('note')) });
      fromFile.set(key, list);
    }
    for (const [key, rows] of fromFile) {
      const i = byKey.get(key)!;
      const before = stored.get(key)?.results ?? [];
      // Texts the file's encoding could not hold are compared in that form, then restored.
      const restored = sheet.represent ? restoreRows(before, rows, sheet.represent, restore) : rows;
      const origin = pairResults(before, restored);
      // Existing results keep the edition's order whatever the order of rows in the file; new rows follow.
      const paired = restored.map((r, j) => ({ r, from: origin[j]! as number | null }));
      const kept = opts.allowDelete
        ? []
        : before.map((s, k) => ({ r: s as ResultValues, from: k as number | null })).filter(({ from }) => !origin.includes(from));
      const all = [...paired, ...kept].sort((a, b) => (a.from ?? 1e9) - (b.from ?? 1e9));
      // The printed text the 施策 sheet left (its 実績（本文） column, or the stored text) is the one whose value lines follow.
      const revised = reviseResults(
        { results: before, resultsText: i.resultsText },
        all.map((x) => x.r),
        all.map((x) => x.from),
      );
      i.results = revised.results;
      i.resultsText = revised.resultsText;
      resultOrigin.set(
        key,
        all.map((x) => x.from),
      );
    }
    if (opts.allowDelete) {
      // Deletion asked for: an initiative with no row left in the 実績 sheet has no results.
      for (const i of next.initiatives) {
        if (fromFile.has(i.key) || i.results.length === 0) continue;
        const revised = reviseResults(i, [], []);
        i.results = revised.results;
        i.resultsText = revised.resultsText;
        resultOrigin.set(i.key, []);
      }
    }
  }

  // A new initiative's results are for the year its 実績 names, else the one year the edition's initiatives
  // report for; without results, or where nothing says, the year is unknown: none is made up. A stored one
  // whose year is unknown learns it the same way when the file changes its results (「【令和5年度】」 written
  // into its 実績（文章）, as the lint finding asks); the change is listed as 実績の年度.
  for (const i of next.initiatives) {
    const was = stored.get(i.key);
    const touched =
      !was || (was.resultsFiscalYear === null && (was.resultsText !== i.resultsText || JSON.stringify(was.results) !== JSON.stringify(i.results)));
    if (touched) i.resultsFiscalYear = joiningResultsYear(i, current.initiatives);
  }

  // ---- 指標, マイルストーン ------------------------------------------------------------------------
  readIndicatorRows(
    current,
    next,
    sheets.filter((s) => s.kind === 'indicators'),
    restorer,
    opts,
    errors,
  );
  readMilestoneRows(
    current,
    next,
    sheets.filter((s) => s.kind === 'milestones'),
    opts,
    errors,
  );

  // ---- KPI --------------------------------------------------------------------------------------
  const kpiLayout = kpiFixedColumns(words);
  for (const sheet of sheets.filter((s) => s.kind === 'kpis')) {
    const col = columnsByHeading(sheet.header, kpiLayout);
    const years = sheet.header.map((h, k) => ({ fy: parseKpiYearHeader(h), k })).filter((x) => x.fy !== null) as { fy: number; k: number }[];
    for (const { row, cells } of sheet.rows) {
      const at = (name: string) => ({ sheet: sheet.name, row, column: name });
      const key = col.has('key') ? text(cells[col.get('key')!] ?? null) : null;
      const kpi = next.kpis.find((k) => k.key === key);
      if (!kpi) {
        errors.push({ ...at('KPIキー'), message: `KPIキー「${key ?? ''}」はこの計画にありません` });
        continue;
      }
      if (col.has('target')) {
        const target = numberCell(cells[col.get('target')!] ?? null, at('目標値'), errors);
        if (target === null) errors.push({ ...at('目標値'), message: 'KPI の目標値は空にできません' });
        else kpi.target = target;
      }
      // An emptied cell clears that year's actual, as an emptied text cell clears the text.
      for (const { fy, k } of years) {
        const v = numberCell(cells[k] ?? null, at(sheet.header[k]!), errors);
        if (v === null) delete kpi.actuals[String(fy)];
        else kpi.actuals[String(fy)] = v;
      }
      kpi.actuals = Object.fromEntries(Object.entries(kpi.actuals).sort(([a], [b]) => Number(a) - Number(b)));
    }
  }

  // Stored order is print order, so every view lists initiatives the same way.
  const pillarKeys = next.pillars.map((p) => p.key);
  const subKeys = (p: string) => next.pillars.find((x) => x.key === p)?.subAreas.map((s) => s.key) ?? [];
  next.initiatives = displayOrder(
    next.initiatives.map((initiative, position) => ({ initiative, position })),
    pillarKeys,
    subKeys,
  ).map((x) => x.initiative);

  // Departments: an alias chosen for an unknown name is stored as that department's spelling; the names
  // left are created, in the order the stored initiatives first name them (the order apply inserts them).
  const unknown: UnknownDepartment[] = [...read.unknownDepartments].map(([name, where]) => ({
    name,
    where,
    similar: current.departments.find((d) => d.name.slice(0, 2) === name.slice(0, 2) && d.name.slice(-1) === name.slice(-1))?.name ?? null,
  }));
  const aliased = new Map(
    Object.entries(opts.aliases ?? {}).filter(([alias, into]) => into && unknown.some((u) => u.name === alias) && read.canonical.has(into)),
  );
  for (const [alias, into] of aliased) {
    const d = next.departments.find((x) => x.name === read.canonical.get(into));
    if (d && !d.aliases.includes(alias)) d.aliases.push(alias);
  }
  const newDepartments: string[] = [];
  for (const i of next.initiatives) {
    for (const d of i.departments) {
      if (!read.registered.has(d) && !aliased.has(d) && !newDepartments.includes(d)) newDepartments.push(d);
    }
  }
  next.departments.push(...newDepartments.map((name) => ({ name, aliases: [] })));
  for (const u of unknown) {
    if (aliased.has(u.name)) continue;
    notices.push(
      `担当課所「${u.name}」は未登録です（${u.where.slice(0, 3).join('、')}）。新しい課所として登録されます${u.similar ? `。「${u.similar}」の別表記なら、取り込み画面で別表記に指定するか、取り込み後に shisaku departments merge ${u.name} --into ${u.similar} で統合できます` : ''}`,
    );
  }
  if (sheets.some((s) => s.represent)) {
    notices.push('Shift_JIS のファイルです。Shift_JIS で表せない文字（「?」になった文字）は、変更していない部分では保存済みの文字のまま扱います');
  }
  const created: Created = {
    edition: opts.newEdition ? current.edition.title : null,
    pillars: read.createdPillars,
    subAreas: read.createdSubAreas,
    departments: newDepartments,
  };
  const described = describeChanges(current, next, resultOrigin);
  return { ...described, created, errors, notices, unknownDepartments: unknown, next, base: editionDigest(current) };
}

/**
 * Rows of a file whose encoding cannot hold every character, with the stored characters put back: each
 * file row is paired (as pairResults pairs, on the encoded form of the stored rows) with the stored row
 * it stands for, and its texts are restored from that row.
 */
function restoreRows(
  before: readonly ResultValues[],
  rows: ResultValues[],
  represent: (s: string) => string,
  restore: (before: string | null, after: string | null) => string | null,
): ResultValues[] {
  const enc = (x: string | null) => (x === null ? null : represent(x));
  const encoded = before.map((s) => ({ ...s, label: enc(s.label)!, unit: enc(s.unit), note: enc(s.note) }));
  const origin = pairResults(encoded, rows);
  return rows.map((r, j) => {
    const k = origin[j];
    const like = k === null || k === undefined ? undefined : before[k];
    return like ? { ...r, label: restore(like.label, r.label)!, unit: restore(like.unit, r.unit), note: restore(like.note, r.note) } : r;
  });
}

/** True when the file creates something that is not an initiative or a result: an edition, a group, a department. */
export function createsAnything(p: { created?: Created }): boolean {
  const c = p.created;
  return Boolean(c && (c.edition !== null || c.pillars.length || c.subAreas.length || c.departments.length));
}

/** The 「新しく作成されるもの」 of a preview, one line each, as the upload page and the command line list them. */
export function createdLines(p: Pick<Preview, 'created' | 'next'>): string[] {
  const w = p.next.plan.settings.levels;
  const c = p.created;
  return [
    ...(c.edition !== null ? [`版「${c.edition}」（${p.next.edition.fiscalYear}年度、下書き）`] : []),
    ...c.pillars.map((n) => `${w[0]}「${n}」`),
    // A deeper group is listed with its whole path; its level is the number of names in it.
    ...c.subAreas.map((n) => `${w[n.split(' ／ ').length - 1] ?? w[1] ?? '分野'}「${n}」`),
    ...c.departments.map((n) => `担当課所「${n}」`),
  ];
}

export function isEmptyPreview(p: Pick<Preview, 'changes' | 'added' | 'removed'> & { created?: Created }): boolean {
  return (
    p.changes.length === 0 &&
    p.added.initiatives.length === 0 &&
    p.added.results.length === 0 &&
    p.removed.initiatives.length === 0 &&
    p.removed.results.length === 0 &&
    !createsAnything(p)
  );
}

export function formatErrors(errors: CellError[]): string[] {
  return errors.map((e) => `${e.sheet}シート ${e.row}行目 ${e.column}: ${e.message}`);
}
