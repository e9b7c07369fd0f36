// What a spreadsheet would change in an edition, worked out before anything is written. The preview is
// the contract: `next` is the edition exactly as apply stores it, and the change list is computed from the
// same normalised values (aliases resolved, numbers parsed, the export's formula guard undone, characters
// a Shift_JIS file cannot hold kept as stored), so what is listed is what is written and nothing else.
// Pure: the database is touched only when a person applies a preview with no errors. The change list
// itself is worked out in describe-changes.ts, the cells are read by cells.ts.
import { createHash } from 'node:crypto';
import { restoreUnrepresentable } from './encoding.ts';
import type { EditionData, Initiative } from './model.ts';
import { pairResults, reviseResults, type ResultValues } from './results.ts';
import { parseKpiYearHeader, statusFromLabel } from './sheets.ts';
import { displayOrder } from './structure.ts';
import { columnIndex, numberCell, text, type Cell, type CellError } from './cells.ts';
import { describeChanges, label } from './describe-changes.ts';

export type { Cell, CellError } from './cells.ts';

export interface SheetInput {
  kind: 'initiatives' | 'results' | 'kpis';
  name: string;
  header: string[];
  rows: { row: number; cells: Cell[] }[];
  /**
   * What the file's encoding makes of a text (a Shift_JIS file turns é into ?). Stretches of a cell that
   * match that form of the stored text keep the stored characters: the encoding lost them, no person did.
   */
  represent?: (s: string) => string;
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

export interface Preview {
  changes: FieldChange[];
  added: { initiatives: string[]; results: string[] };
  removed: { initiatives: string[]; results: string[] };
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
}

/** The fields of an edition a spreadsheet can change, as a digest: equal digests, equal content. */
export function editionDigest(d: EditionData): string {
  return createHash('sha256')
    .update(JSON.stringify([d.pillars, d.initiatives, d.kpis, d.departments]))
    .digest('hex')
    .slice(0, 32);
}
/** A key for an initiative added by a file: derived from the file's content, so a second preview of the same file agrees. */
function newKey(seed: string, taken: Set<string>): string {
  for (let n = 0; ; n++) {
    const k = createHash('sha1').update(`${seed}#${n}`).digest('hex').slice(0, 8);
    if (!taken.has(k)) {
      taken.add(k);
      return k;
    }
  }
}

/** What each sheet stands for, read once: edits of existing initiatives, new ones, results, KPI values. */
export function previewSpreadsheet(current: EditionData, sheets: SheetInput[], opts: PreviewOptions = {}): Preview {
  const next: EditionData = structuredClone(current);
  const errors: CellError[] = [];
  const notices: string[] = [];
  const byKey = new Map(next.initiatives.map((i) => [i.key, i]));
  const stored = new Map(current.initiatives.map((i) => [i.key, i]));
  const canonical = new Map<string, string>();
  for (const d of current.departments) {
    canonical.set(d.name, d.name);
    for (const a of d.aliases) if (!canonical.has(a)) canonical.set(a, d.name);
  }
  for (const [alias, into] of Object.entries(opts.aliases ?? {})) {
    if (into && canonical.has(into)) canonical.set(alias, canonical.get(into)!);
  }
  const registered = new Set(current.departments.flatMap((d) => [d.name, ...d.aliases]));
  const unknownDepartments = new Map<string, string[]>();
  const rowOf = new Map<string, { sheet: string; row: number }>();
  const takenKeys = new Set(current.initiatives.map((i) => i.key));
  /** For each initiative whose results the file touched: which stored row each new row stands for. */
  const resultOrigin = new Map<string, (number | null)[]>();

  const restorer =
    (sheet: SheetInput) =>
    (before: string | null, after: string | null): string | null =>
      sheet.represent && before !== null && after !== null && after !== before ? restoreUnrepresentable(before, after, sheet.represent) : after;

  // ---- 施策 -------------------------------------------------------------------------------------
  for (const sheet of sheets.filter((s) => s.kind === 'initiatives')) {
    const col = columnIndex(sheet.header);
    const need = ['施策キー', '番号', '施策体系', '分野', '施策名', '担当課所', '状況', '施策内容', '今年度の取組'];
    const missing = need.filter((n) => col(n) < 0);
    if (missing.length) {
      errors.push({ sheet: sheet.name, row: 1, column: missing.join('、'), message: '見出しの列がありません' });
      continue;
    }
    const seen = new Set<string>();
    const restore = restorer(sheet);
    for (const { row, cells } of sheet.rows) {
      const at = (name: string) => ({ sheet: sheet.name, row, column: name });
      const get = (name: string) => text(cells[col(name)] ?? null);
      let bad = false;
      for (const name of need) {
        const c = cells[col(name)];
        if (c && typeof c === 'object' && !(c instanceof Date) && 'formula' in c) {
          errors.push({ ...at(name), message: `数式は使えません「=${c.formula}」` });
          bad = true;
        }
      }
      if (bad) continue;
      let key = get('施策キー');
      let existing = key ? byKey.get(key) : undefined;
      const title0 = get('施策名');
      if (!title0) {
        errors.push({ ...at('施策名'), message: '施策名が空です' });
        continue;
      }
      if (key && !existing) {
        errors.push({ ...at('施策キー'), message: `施策キー「${key}」はこの版にありません（新しい施策はキーを空欄にします）` });
        continue;
      }
      if (!key) {
        // A row without a key whose title is an initiative's of this edition is that initiative: the same
        // file uploaded twice must not add it twice.
        const same = current.initiatives.filter((i) => i.title === title0 && !seen.has(i.key));
        if (same.length === 1) {
          existing = byKey.get(same[0]!.key)!;
          key = existing.key;
          notices.push(`${sheet.name}シート ${row}行目: 施策キーが空ですが、同じ施策名の「${label(existing)}」として扱います`);
        }
      }
      const title = existing ? restore(existing.title, title0)! : title0;
      const pillarName = get('施策体系');
      const pillar = next.pillars.find((p) => p.name === pillarName);
      if (!pillar) {
        errors.push({ ...at('施策体系'), message: `施策体系「${pillarName ?? ''}」はこの計画にありません（${next.pillars.map((p) => p.name).join('、')}）` });
        continue;
      }
      const subName = get('分野');
      const sub = subName ? pillar.subAreas.find((s) => s.name === subName) : null;
      if (subName && !sub) {
        errors.push({ ...at('分野'), message: `分野「${subName}」は施策体系「${pillar.name}」にありません` });
        continue;
      }
      const statusText = get('状況') ?? '';
      const status = statusFromLabel(statusText);
      if (!status) {
        errors.push({ ...at('状況'), message: `状況「${statusText}」は選択肢（完了／実施中／新規／休止／未着手）にありません` });
        continue;
      }
      const numberText = get('番号')?.normalize('NFKC') ?? null;
      const number = !numberText || numberText === '新' ? null : /^\d+$/.test(numberText) ? numberText.padStart(2, '0') : undefined;
      if (number === undefined) {
        errors.push({ ...at('番号'), message: `番号は数字か「新」です「${numberText}」` });
        continue;
      }
      const departmentsText = existing ? restore(existing.departments.join('、'), get('担当課所')) : get('担当課所');
      const named = (departmentsText ?? '')
        .split(/[、,，\n]/)
        .map((d) => d.trim())
        .filter(Boolean);
      if (named.length === 0) {
        errors.push({ ...at('担当課所'), message: '担当課所が空です' });
        continue;
      }
      for (const d of named) {
        if (!registered.has(d)) unknownDepartments.set(d, [...(unknownDepartments.get(d) ?? []), `${sheet.name} ${row}行目`]);
      }
      // An alias is stored as the department it stands for, so the preview says so too.
      const departments = [...new Set(named.map((d) => canonical.get(d) ?? d))];
      const content = (existing ? restore(existing.content, get('施策内容')) : get('施策内容')) ?? '';
      const plan = (existing ? restore(existing.plan, get('今年度の取組')) : get('今年度の取組')) ?? '';
      const fields = { number, title, pillarKey: pillar.key, subAreaKey: sub?.key ?? null, departments, status, content, plan };
      if (existing) {
        if (seen.has(existing.key)) {
          errors.push({ ...at('施策キー'), message: `施策「${label(existing)}」の行が重複しています` });
          continue;
        }
        seen.add(existing.key);
        rowOf.set(existing.key, { sheet: sheet.name, row });
        Object.assign(existing, fields);
      } else {
        const created: Initiative = {
          key: newKey(`${current.organization.code}/${current.edition.fiscalYear}/${title}/${row}`, takenKeys),
          ...fields,
          planTargets: [],
          resultsFiscalYear: current.edition.fiscalYear - 1,
          results: [],
          resultsText: '',
        };
        seen.add(created.key);
        rowOf.set(created.key, { sheet: sheet.name, row });
        next.initiatives.push(created);
        byKey.set(created.key, created);
      }
    }
    if (opts.allowDelete) next.initiatives = next.initiatives.filter((i) => seen.has(i.key));
  }

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

  // ---- 実績 -------------------------------------------------------------------------------------
  for (const sheet of sheets.filter((s) => s.kind === 'results')) {
    const col = columnIndex(sheet.header);
    const need = ['施策キー', '項目', '実績値', '目標値', '単位', '備考'];
    const missing = need.filter((n) => col(n) < 0);
    if (missing.length) {
      errors.push({ sheet: sheet.name, row: 1, column: missing.join('、'), message: '見出しの列がありません' });
      continue;
    }
    const fromFile = new Map<string, ResultValues[]>();
    const restore = restorer(sheet);
    for (const { row, cells } of sheet.rows) {
      const at = (name: string) => ({ sheet: sheet.name, row, column: name });
      const key = text(cells[col('施策キー')] ?? null);
      const lbl = text(cells[col('項目')] ?? null);
      if (!key) {
        errors.push({ ...at('施策キー'), message: '施策キーが空です（施策シートの施策キーを入れてください）' });
        continue;
      }
      if (!byKey.has(key)) {
        errors.push({ ...at('施策キー'), message: `施策キー「${key}」の施策がありません` });
        continue;
      }
      if (!lbl) {
        errors.push({ ...at('項目'), message: '項目が空です' });
        continue;
      }
      const actual = numberCell(cells[col('実績値')] ?? null, at('実績値'), errors);
      const target = numberCell(cells[col('目標値')] ?? null, at('目標値'), errors);
      const list = fromFile.get(key) ?? [];
      list.push({ label: lbl, actual, target, unit: text(cells[col('単位')] ?? null), note: text(cells[col('備考')] ?? null) });
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
      const revised = reviseResults(
        i,
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

  // ---- KPI --------------------------------------------------------------------------------------
  for (const sheet of sheets.filter((s) => s.kind === 'kpis')) {
    const col = columnIndex(sheet.header);
    const years = sheet.header.map((h, k) => ({ fy: parseKpiYearHeader(h), k })).filter((x) => x.fy !== null) as { fy: number; k: number }[];
    for (const { row, cells } of sheet.rows) {
      const at = (name: string) => ({ sheet: sheet.name, row, column: name });
      const key = text(cells[col('KPIキー')] ?? null);
      const kpi = next.kpis.find((k) => k.key === key);
      if (!kpi) {
        errors.push({ ...at('KPIキー'), message: `KPIキー「${key ?? ''}」はこの計画にありません` });
        continue;
      }
      if (col('目標値') >= 0) {
        const target = numberCell(cells[col('目標値')] ?? null, at('目標値'), errors);
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

  const unknown: UnknownDepartment[] = [...unknownDepartments].map(([name, where]) => ({
    name,
    where,
    similar: current.departments.find((d) => d.name.slice(0, 2) === name.slice(0, 2) && d.name.slice(-1) === name.slice(-1))?.name ?? null,
  }));
  for (const u of unknown) {
    notices.push(
      `担当課所「${u.name}」は未登録です（${u.where.slice(0, 3).join('、')}）。新しい課所として登録されます${u.similar ? `。「${u.similar}」の別表記なら、取り込み画面で別表記に指定するか、取り込み後に shisaku departments merge ${u.name} --into ${u.similar} で統合できます` : ''}`,
    );
  }
  if (sheets.some((s) => s.represent)) {
    notices.push('Shift_JIS のファイルです。Shift_JIS で表せない文字（「?」になった文字）は、変更していない部分では保存済みの文字のまま扱います');
  }
  const described = describeChanges(current, next, resultOrigin);
  return { ...described, errors, notices, unknownDepartments: unknown, next, base: editionDigest(current) };
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

export function isEmptyPreview(p: Pick<Preview, 'changes' | 'added' | 'removed'>): boolean {
  return (
    p.changes.length === 0 &&
    p.added.initiatives.length === 0 &&
    p.added.results.length === 0 &&
    p.removed.initiatives.length === 0 &&
    p.removed.results.length === 0
  );
}

export function formatErrors(errors: CellError[]): string[] {
  return errors.map((e) => `${e.sheet}シート ${e.row}行目 ${e.column}: ${e.message}`);
}
