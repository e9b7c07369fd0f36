// What a spreadsheet would change in an edition, worked out before anything is written: added rows,
// changed fields (old → new), untouched rows, and errors by sheet, row and column. Pure: the database
// is touched only when a person applies a preview with no errors.
import { normalizeNumber } from './decimal.ts';
import { statusLabel, type EditionData, type Initiative, type Result } from './model.ts';
import { parseKpiYearHeader, statusFromLabel } from './sheets.ts';
import { createHash } from 'node:crypto';

export type Cell = string | number | null | { formula: string } | { error: string } | Date;

export interface SheetInput {
  kind: 'initiatives' | 'results' | 'kpis';
  name: string;
  header: string[];
  rows: { row: number; cells: Cell[] }[];
  /**
   * What the file's encoding makes of a text (a Shift_JIS file turns é into ?). Where the file holds
   * exactly that for a stored text, the stored text is kept: the encoding lost it, no person changed it.
   */
  represent?: (s: string) => string;
}

export interface CellError {
  sheet: string;
  row: number;
  column: string;
  message: string;
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
  /** The edition as it would be after applying; only meaningful when there are no errors. */
  next: EditionData;
}

export interface UnknownDepartment {
  name: string;
  where: string[];
  similar: string | null;
}

export interface PreviewOptions {
  /** Rows missing from the file are deleted only when asked. */
  allowDelete?: boolean;
}

function text(c: Cell): string | null {
  if (c === null) return null;
  if (typeof c === 'number') return String(c);
  if (typeof c === 'string') {
    const t = c.replace(/\r\n?/g, '\n').replace(/[ \t\u3000]+$/gm, '').trim();
    return t === '' ? null : t;
  }
  if (c instanceof Date) return c.toISOString().slice(0, 10);
  return null;
}

/** A decimal string from what a person typed: full-width digits, commas, spaces, a number cell. */
function numberCell(c: Cell, where: Omit<CellError, 'message'>, errors: CellError[]): string | null {
  if (c === null || c === '') return null;
  if (typeof c === 'object' && c !== null && 'formula' in c) {
    errors.push({ ...where, message: `数式は使えません。値を入力してください「=${c.formula}」` });
    return null;
  }
  if (typeof c === 'object' && c !== null && 'error' in c) {
    errors.push({ ...where, message: `セルがエラー値です「${c.error}」` });
    return null;
  }
  if (c instanceof Date) {
    errors.push({ ...where, message: `日付になっています。数値を入力してください「${c.toISOString().slice(0, 10)}」` });
    return null;
  }
  if (typeof c === 'number') {
    if (!Number.isFinite(c)) {
      errors.push({ ...where, message: `数値ではありません「${c}」` });
      return null;
    }
    // A double from Excel: 15 significant digits is what Excel itself shows.
    return normalizeNumber(Number(c.toPrecision(15)).toString());
  }
  const t = c.normalize('NFKC').trim();
  if (/^[—―\-‐]$/.test(t)) return null;
  const n = normalizeNumber(t);
  if (n === null) errors.push({ ...where, message: `数値ではありません「${c}」` });
  return n;
}

function columnIndex(header: string[]): (name: string) => number {
  const norm = header.map((h) => h.normalize('NFKC').trim());
  return (name: string) => norm.indexOf(name.normalize('NFKC'));
}

function label(i: Pick<Initiative, 'number' | 'title'>): string {
  return `${i.number ?? '新'} ${i.title}`;
}

function newKey(seed: string): string {
  return createHash('sha1').update(`${seed}:${Date.now()}:${Math.random()}`).digest('hex').slice(0, 8);
}

export function previewSpreadsheet(current: EditionData, sheets: SheetInput[], opts: PreviewOptions = {}): Preview {
  const next: EditionData = structuredClone(current);
  const errors: CellError[] = [];
  const changes: FieldChange[] = [];
  const notices: string[] = [];
  const added = { initiatives: [] as string[], results: [] as string[] };
  const removed = { initiatives: [] as string[], results: [] as string[] };
  const byKey = new Map(next.initiatives.map((i) => [i.key, i]));
  const knownDepartments = new Set(current.departments.flatMap((d) => [d.name, ...d.aliases]));
  const unknownDepartments = new Map<string, string[]>();

  const keptBy = (sheet: SheetInput) => (before: string | null, after: string | null): string | null =>
    sheet.represent && before !== null && after !== null && after !== before && sheet.represent(before) === after ? before : after;
  const change = (entity: FieldChange['entity'], key: string, lbl: string, field: string, before: string | null, after: string | null) => {
    if ((before ?? '') !== (after ?? '')) changes.push({ entity, key, label: lbl, field, before, after });
  };

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
    const kept = keptBy(sheet);
    for (const { row, cells } of sheet.rows) {
      const at = (name: string) => ({ sheet: sheet.name, row, column: name });
      const get = (name: string) => text(cells[col(name)] ?? null);
      for (const name of need) {
        const c = cells[col(name)];
        if (c && typeof c === 'object' && !(c instanceof Date) && 'formula' in c) errors.push({ ...at(name), message: `数式は使えません「=${c.formula}」` });
      }
      const key = get('施策キー');
      const title = get('施策名');
      if (!title) {
        errors.push({ ...at('施策名'), message: '施策名が空です' });
        continue;
      }
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
      const numberText = get('番号');
      const number = !numberText || numberText === '新' ? null : /^\d+$/.test(numberText.normalize('NFKC')) ? numberText.normalize('NFKC').padStart(2, '0') : null;
      if (numberText && numberText !== '新' && number === null) {
        errors.push({ ...at('番号'), message: `番号は数字か「新」です「${numberText}」` });
        continue;
      }
      const departments = (get('担当課所') ?? '')
        .split(/[、,，\n]/)
        .map((d) => d.trim())
        .filter(Boolean);
      if (departments.length === 0) {
        errors.push({ ...at('担当課所'), message: '担当課所が空です' });
        continue;
      }
      for (const d of departments) {
        if (!knownDepartments.has(d)) unknownDepartments.set(d, [...(unknownDepartments.get(d) ?? []), `${sheet.name} ${row}行目`]);
      }
      const fields = { number, title, pillarKey: pillar.key, subAreaKey: sub?.key ?? null, departments, status, content: get('施策内容') ?? '', plan: get('今年度の取組') ?? '' };
      if (key) {
        if (seen.has(key)) {
          errors.push({ ...at('施策キー'), message: `施策キー「${key}」が重複しています` });
          continue;
        }
        seen.add(key);
        const i = byKey.get(key);
        if (!i) {
          errors.push({ ...at('施策キー'), message: `施策キー「${key}」はこの版にありません（新しい施策はキーを空欄にします）` });
          continue;
        }
        const lbl = label(i);
        fields.title = kept(i.title, fields.title)!;
        fields.content = kept(i.content, fields.content) ?? '';
        fields.plan = kept(i.plan, fields.plan) ?? '';
        if (kept(i.departments.join('、'), departments.join('、')) !== departments.join('、')) fields.departments = [...i.departments];
        change('initiative', key, lbl, '番号', i.number ?? '新', number ?? '新');
        change('initiative', key, lbl, '施策名', i.title, fields.title);
        change('initiative', key, lbl, '施策体系', current.pillars.find((p) => p.key === i.pillarKey)?.name ?? null, pillar.name);
        change('initiative', key, lbl, '分野', i.subAreaKey ? (pillar.subAreas.find((s) => s.key === i.subAreaKey)?.name ?? i.subAreaKey) : null, sub?.name ?? null);
        change('initiative', key, lbl, '担当課所', i.departments.join('、'), fields.departments.join('、'));
        change('initiative', key, lbl, '状況', statusLabel(i.status), statusLabel(status));
        change('initiative', key, lbl, '施策内容', i.content, fields.content);
        change('initiative', key, lbl, '今年度の取組', i.plan, fields.plan);
        Object.assign(i, fields);
      } else {
        const created: Initiative = { key: newKey(title), ...fields, planTargets: [], resultsFiscalYear: current.edition.fiscalYear - 1, results: [], resultsText: '' };
        next.initiatives.push(created);
        byKey.set(created.key, created);
        added.initiatives.push(label(created));
      }
    }
    if (opts.allowDelete) {
      const keep = new Set([...seen, ...next.initiatives.filter((i) => !current.initiatives.some((c) => c.key === i.key)).map((i) => i.key)]);
      for (const i of current.initiatives) if (!keep.has(i.key)) removed.initiatives.push(label(i));
      next.initiatives = next.initiatives.filter((i) => keep.has(i.key));
    }
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
    const fromFile = new Map<string, Result[]>();
    const kept = keptBy(sheet);
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
      const unit = text(cells[col('単位')] ?? null);
      const note = text(cells[col('備考')] ?? null);
      const list = fromFile.get(key) ?? [];
      list.push({ label: lbl, actual, target, unit, note, raw: '' });
      fromFile.set(key, list);
    }
    for (const [key, rows] of fromFile) {
      const i = byKey.get(key)!;
      const old = i.results;
      // A label may repeat within one initiative (参加者数延べ under each course); rows are paired with
      // the existing results by label and by their order among rows of that label.
      const nth = new Map<string, number>();
      const used = new Set<number>();
      const merged: { r: Result; order: number }[] = [];
      for (const r of rows) {
        const n = nth.get(r.label) ?? 0;
        nth.set(r.label, n + 1);
        const matches = old.map((x, k) => ({ x, k })).filter(({ x }) => kept(x.label, r.label) === x.label);
        const match = matches[n];
        const k = `${key}/${r.label}${n ? `#${n + 1}` : ''}`;
        const lbl = `${label(i)} ／ ${r.label}${n ? `（${n + 1}件目）` : ''}`;
        if (!match) {
          added.results.push(lbl);
          merged.push({ r: { ...r, raw: `${r.label} ${r.actual ?? ''}${r.unit ?? ''}${r.target !== null ? ` (${r.target}${r.unit ?? ''})` : ''}`.trim() }, order: 1e9 + merged.length });
          continue;
        }
        used.add(match.k);
        const o = match.x;
        r.unit = kept(o.unit, r.unit);
        r.note = kept(o.note, r.note);
        change('result', k, lbl, '実績値', o.actual, r.actual);
        change('result', k, lbl, '目標値', o.target, r.target);
        change('result', k, lbl, '単位', o.unit, r.unit);
        change('result', k, lbl, '備考', o.note, r.note);
        merged.push({ r: { ...o, actual: r.actual, target: r.target, unit: r.unit, note: r.note }, order: match.k });
      }
      old.forEach((o, k) => {
        if (used.has(k)) return;
        if (opts.allowDelete) removed.results.push(`${label(i)} ／ ${o.label}`);
        else merged.push({ r: o, order: k });
      });
      // The order of rows in the file does not matter; existing results keep the edition's order.
      i.results = merged.sort((a, b) => a.order - b.order).map((m) => m.r);
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
      const target = numberCell(cells[col('目標値')] ?? null, at('目標値'), errors);
      if (target !== null) {
        change('kpi', kpi.key, kpi.name, '目標値', kpi.target, target);
        kpi.target = target;
      }
      for (const { fy, k } of years) {
        const v = numberCell(cells[k] ?? null, at(sheet.header[k]!), errors);
        const before = kpi.actuals[String(fy)] ?? null;
        if (v === null && (before === null || !opts.allowDelete)) continue;
        change('kpi', kpi.key, kpi.name, `${fy}年度実績`, before, v);
        if (v === null) delete kpi.actuals[String(fy)];
        else kpi.actuals[String(fy)] = v;
      }
    }
  }

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
  for (const key of new Set(changes.filter((c) => c.entity === 'initiative' || c.entity === 'result').map((c) => c.key.split('/')[0]!))) {
    // Results entered as values replace the printed text that described the old ones.
    const i = byKey.get(key);
    if (i && changes.some((c) => c.entity === 'result' && c.key.startsWith(key + '/'))) i.resultsText = '';
  }
  for (const i of next.initiatives) if (added.results.some((r) => r.startsWith(label(i) + ' ／'))) i.resultsText = '';
  return { changes, added, removed, errors, notices, unknownDepartments: unknown, next };
}

export function isEmptyPreview(p: Preview): boolean {
  return p.changes.length === 0 && p.added.initiatives.length === 0 && p.added.results.length === 0 && p.removed.initiatives.length === 0 && p.removed.results.length === 0;
}

export function formatErrors(errors: CellError[]): string[] {
  return errors.map((e) => `${e.sheet}シート ${e.row}行目 ${e.column}: ${e.message}`);
}
