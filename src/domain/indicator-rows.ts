// The 指標 sheet of a file, read into the next state of an edition: one row per indicator of an
// initiative (named by its key, or by its title when the key is empty, as on the 実績 sheet). An initiative
// with rows in the sheet gets exactly those indicators, in the sheet's order; one without rows keeps its
// own, unless deletion is asked for. A row with an 指標キー edits that indicator; a row without one is a new
// indicator (or the initiative's one of that name, so the same file read twice adds nothing), whose key is
// derived from the file's content, so a second preview of the same file agrees. A column the file leaves
// out keeps what is stored. Every value is checked (numbers, years within the plan, the kind, direction and
// kind of target, a qualitative target's text and its 達成/未達成), each refusal a Japanese message at its
// sheet, row and column. Part of the preview (changes.ts), pure.
import type { EditionData, Indicator, IndicatorValue } from './model.ts';
import { numberCell, text, type Cell, type CellError } from './cells.ts';
import {
  ACHIEVED_LABELS,
  columnsByHeading,
  DIRECTION_LABELS,
  indicatorColumns,
  parseIndicatorYearHeader,
  TARGET_KINDS,
  targetKindOf,
  type IndicatorField,
  type TargetKind,
} from './sheets.ts';
import { optionForm } from './field-values.ts';
import { parseWarekiYear } from './wareki.ts';
import { label } from './describe-changes.ts';
import { canonicalJson, initiativeOfRow, newKey, reshape } from './initiative-rows.ts';
import type { PreviewOptions, SheetInput } from './changes.ts';

type Restore = (before: string | null, after: string | null) => string | null;
type Restorer = (sheet: SheetInput) => Restore;

/** A fiscal year as a cell gives it: 2024, 「2024年度」, 「令和6年度」, 「R6」; null for an empty cell. */
function yearOf(c: Cell): number | null | { problem: string } {
  if (c === null || c === '') return null;
  if (typeof c === 'number') return Number.isInteger(c) && c >= 1900 && c <= 2200 ? c : { problem: String(c) };
  const t = text(c);
  if (t === null) return typeof c === 'object' && !(c instanceof Date) && 'error' in c ? { problem: c.error } : null;
  const plain = t
    .normalize('NFKC')
    .replace(/\s/g, '')
    .replace(/年度?$/, '');
  if (/^\d{4}$/.test(plain)) return Number(plain);
  return parseWarekiYear(t) ?? { problem: t };
}

export function readIndicatorRows(
  current: EditionData,
  next: EditionData,
  sheets: SheetInput[],
  restorer: Restorer,
  opts: PreviewOptions,
  errors: CellError[],
): void {
  if (!sheets.length) return;
  const words = current.plan.settings;
  const plan = current.plan;
  const layout = indicatorColumns(words, plan);
  const heading = (f: IndicatorField) => layout.find((c) => c.field === f)?.header ?? f;
  const kinds = words.indicatorKinds ?? [];
  const period = `${plan.startFiscalYear}〜${plan.endFiscalYear}年度`;
  const inPlan = (fy: number) => fy >= plan.startFiscalYear && fy <= plan.endFiscalYear;
  /** Initiative key → its indicators as the file lists them. */
  const fromFile = new Map<string, Indicator[]>();
  /** Initiative key → indicator keys taken (stored, and given to new ones by this file). */
  const taken = new Map<string, Set<string>>();

  for (const sheet of sheets) {
    const col = columnsByHeading(sheet.header, layout);
    const missing = [...(col.has('key') || col.has('title') ? [] : (['key'] as const)), ...(col.has('name') ? [] : (['name'] as const))];
    if (missing.length) {
      errors.push({ sheet: sheet.name, row: 1, column: missing.map(heading).join('、'), message: '見出しの列がありません' });
      continue;
    }
    // The yearly columns are read by their heading (2024年度目標 / 2024年度実績), those of years outside the plan included, to say so.
    const yearColumns = sheet.header
      .map((h, k) => ({ h, k, y: parseIndicatorYearHeader(h) }))
      .filter((x): x is { h: string; k: number; y: { fy: number; what: 'target' | 'actual' } } => x.y !== null);
    const restore = restorer(sheet);
    for (const { row, cells } of sheet.rows) {
      const rowErrors: CellError[] = [];
      const fail = (column: string, message: string) => rowErrors.push({ sheet: sheet.name, row, column, message });
      const has = (f: IndicatorField) => col.has(f);
      const cell = (f: IndicatorField): Cell => (has(f) ? (cells[col.get(f)!] ?? null) : null);
      const get = (f: IndicatorField) => text(cell(f));
      for (const k of [...col.values(), ...yearColumns.map((y) => y.k)]) {
        const c = cells[k] ?? null;
        if (c && typeof c === 'object' && !(c instanceof Date) && 'formula' in c) fail(sheet.header[k]!, `数式は使えません「=${c.formula}」`);
      }
      if (rowErrors.length) {
        errors.push(...rowErrors);
        continue;
      }
      const initiative = initiativeOfRow(next, words, get('key'), get('title'), (f, message) => fail(heading(has('key') ? f : 'title'), message));
      if (!initiative) {
        errors.push(...rowErrors);
        continue;
      }
      const stored = current.initiatives.find((i) => i.key === initiative.key)?.indicators ?? [];
      const listed = fromFile.get(initiative.key) ?? [];
      const keys = taken.get(initiative.key) ?? new Set(stored.map((x) => x.key));
      taken.set(initiative.key, keys);

      const name0 = get('name');
      if (!name0) fail(heading('name'), '指標名が空です');
      const indicatorKey = get('indicatorKey');
      let prev: Indicator | undefined;
      if (indicatorKey) {
        prev = stored.find((x) => x.key === indicatorKey);
        if (!prev)
          fail(heading('indicatorKey'), `指標キー「${indicatorKey}」は「${label(initiative)}」の指標にありません（新しい指標は指標キーを空欄にします）`);
        else if (listed.some((x) => x.key === indicatorKey)) fail(heading('indicatorKey'), `指標キー「${indicatorKey}」の行が重複しています`);
      } else if (name0) {
        // No key, but the initiative's indicator of that name: the same file read twice adds nothing.
        const same = stored.filter((x) => x.name === name0 && !listed.some((l) => l.key === x.key));
        if (same.length === 1) prev = same[0];
      }
      const name = prev && name0 ? restore(prev.name, name0)! : name0;

      let kind = prev?.kind ?? null;
      if (has('kind')) {
        const t = get('kind');
        // A kind the plan no longer declares, left as it was, stays.
        kind = t === null ? null : (kinds.find((k) => optionForm(k) === optionForm(t)) ?? (t === prev?.kind ? t : null));
        if (t !== null && kind === null) fail(heading('kind'), `種類「${t}」はこの計画の指標の種類（${kinds.join('、')}）にありません`);
      }
      const unit = has('unit') ? restore(prev?.unit ?? null, get('unit')) : (prev?.unit ?? null);
      let direction = prev?.direction ?? 'higher';
      if (has('direction')) {
        const t = get('direction');
        const form = t === null ? null : optionForm(t);
        if (form === null) direction = 'higher';
        else if (form === optionForm(DIRECTION_LABELS.higher) || form === '高い') direction = 'higher';
        else if (form === optionForm(DIRECTION_LABELS.lower) || form === '低い') direction = 'lower';
        else fail(heading('direction'), `方向は「${DIRECTION_LABELS.higher}」か「${DIRECTION_LABELS.lower}」です「${t}」`);
      }
      const qualitativeText = has('qualitative') ? restore(prev?.qualitative ?? null, get('qualitative')) : (prev?.qualitative ?? null);
      let targetKind: TargetKind | null = prev ? targetKindOf(prev) : null;
      const kindGiven = has('targetKind') && get('targetKind') !== null;
      if (has('targetKind')) {
        const t = get('targetKind');
        targetKind = t === null ? null : (TARGET_KINDS.find((k) => optionForm(k) === optionForm(t)) ?? null);
        if (t !== null && targetKind === null) fail(heading('targetKind'), `目標の種類「${t}」は ${TARGET_KINDS.join('／')} のどれかです`);
      }
      // An empty 目標の種類 is a number, or qualitative where the row gives a qualitative target.
      targetKind ??= qualitativeText ? '定性' : '数値';
      if (targetKind === '定性' && !qualitativeText)
        fail(has('qualitative') ? heading('qualitative') : heading('targetKind'), '目標の種類が「定性」の指標は、定性目標の列に目標を書きます');
      if (targetKind !== '定性' && qualitativeText && kindGiven)
        fail(heading('qualitative'), `定性目標は、目標の種類が「定性」の指標にだけ書きます（この行の目標の種類は「${targetKind}」です）`);
      const qualitative = targetKind === '定性' ? qualitativeText : null;
      // A kind of target left as it was keeps the stored flags (an indicator may be both per year and cumulative).
      const flags =
        prev && targetKindOf(prev) === targetKind
          ? { cumulative: prev.cumulative, perYear: prev.perYear }
          : { cumulative: targetKind === '累計', perYear: targetKind === '年間' };

      const pair = (
        yearField: 'baselineYear' | 'targetYear',
        valueField: 'baselineValue' | 'targetValue',
        was: { fiscalYear: number; value: string } | null,
      ) => {
        let fy: number | null = was?.fiscalYear ?? null;
        let value: string | null = was?.value ?? null;
        if (has(yearField)) {
          const y = yearOf(cell(yearField));
          if (y !== null && typeof y === 'object') {
            fail(heading(yearField), `${heading(yearField)}は西暦の年度で書きます（例: ${plan.startFiscalYear}）「${y.problem}」`);
            return was;
          }
          fy = y;
        }
        if (has(valueField)) value = numberCell(cell(valueField), { sheet: sheet.name, row, column: heading(valueField) }, rowErrors);
        if (fy === null && value === null) return null;
        if (fy === null || value === null) {
          fail(heading(fy === null ? yearField : valueField), `${heading(yearField)}と${heading(valueField)}は両方書きます`);
          return was;
        }
        return { fiscalYear: fy, value };
      };
      const baseline = pair('baselineYear', 'baselineValue', prev?.baseline ?? null);
      if (baseline && baseline.fiscalYear > plan.endFiscalYear && baseline !== prev?.baseline)
        fail(heading('baselineYear'), `基準年度 ${baseline.fiscalYear}年度は、この計画の最終年度（${plan.endFiscalYear}年度）より後です`);
      const target = pair('targetYear', 'targetValue', prev?.target ?? null);
      if (target && !inPlan(target.fiscalYear) && target !== prev?.target)
        fail(heading('targetYear'), `目標年度 ${target.fiscalYear}年度は、この計画の期間（${period}）の外です`);

      // Each year's values: a year column the file leaves out keeps the stored value of that year.
      const byYear = new Map<number, IndicatorValue>((prev?.values ?? []).map((v) => [v.fiscalYear, { ...v }]));
      for (const { h, k, y } of yearColumns) {
        const c = cells[k] ?? null;
        const filled = c !== null && c !== '';
        if (!inPlan(y.fy)) {
          if (filled) fail(h, `${y.fy}年度は、この計画の期間（${period}）の外です`);
          continue;
        }
        const v = byYear.get(y.fy) ?? { fiscalYear: y.fy, target: null, actual: null, achieved: null };
        const where = { sheet: sheet.name, row, column: h };
        if (y.what === 'target') v.target = numberCell(c, where, rowErrors);
        else if (qualitative !== null) {
          const t = text(c);
          v.actual = null;
          v.achieved = t === null ? null : optionForm(t) === ACHIEVED_LABELS.yes ? true : optionForm(t) === ACHIEVED_LABELS.no ? false : null;
          if (t !== null && v.achieved === null)
            fail(h, `定性目標の指標の実績は「${ACHIEVED_LABELS.yes}」か「${ACHIEVED_LABELS.no}」で書きます（空欄は未判定）「${t}」`);
        } else {
          v.actual = numberCell(c, where, rowErrors);
          v.achieved = null;
        }
        byYear.set(y.fy, v);
      }
      if (rowErrors.length || !name) {
        errors.push(...rowErrors);
        continue;
      }
      const values = [...byYear.values()]
        .filter((v) => v.target !== null || v.actual !== null || v.achieved !== null)
        .sort((a, b) => a.fiscalYear - b.fiscalYear);
      const key = prev?.key ?? newKey(`${initiative.key}/${name}`, keys);
      const made: Indicator = { key, name, kind, unit, direction, ...flags, baseline, target, qualitative, values };
      // An indicator that means what is stored stays the stored object (jsonb does not keep the order of keys).
      const same = prev && canonicalJson({ ...prev, values: [...prev.values].sort((a, b) => a.fiscalYear - b.fiscalYear) }) === canonicalJson(made);
      listed.push(same ? prev! : made);
      fromFile.set(initiative.key, listed);
    }
  }
  for (const i of next.initiatives) {
    const listed = fromFile.get(i.key);
    if (listed) reshape(i, { indicators: listed });
    else if (opts.allowDelete && i.indicators?.length) reshape(i, { indicators: [] });
  }
}
