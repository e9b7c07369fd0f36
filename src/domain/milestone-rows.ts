// The マイルストーン sheet of a file, read into the next state of an edition: one row per milestone of an
// initiative (named by its key, or by its title when the key is empty). An initiative with rows in the
// sheet gets exactly those milestones, in the sheet's order; one without rows keeps its own, unless
// deletion is asked for. A date is a day (YYYY-MM-DD, or as a person types one: 2024/10/1, 令和6年10月1日)
// or a month (YYYY-MM); anything else is refused at its row. Part of the preview (changes.ts), pure.
import type { EditionData, FieldDef, Milestone } from './model.ts';
import { text, type Cell, type CellError } from './cells.ts';
import { columnsByHeading, milestoneColumns, type MilestoneField } from './sheets.ts';
import { parseFieldValue } from './field-values.ts';
import { cellInput, initiativeOfRow, reshape } from './initiative-rows.ts';
import type { PreviewOptions, SheetInput } from './changes.ts';

const DATE: FieldDef = { key: 'date', label: '日付', type: 'date' };
const DONE: FieldDef = { key: 'done', label: '完了', type: 'boolean' };

/** YYYY-MM-DD or YYYY-MM from a cell, or null when it is not a date. */
export function milestoneDate(c: Cell): string | null {
  if (typeof c === 'string') {
    const t = text(c)?.normalize('NFKC').replace(/\s/g, '') ?? '';
    const m = /^(\d{4})(?:[-/.]|年)(\d{1,2})月?$/.exec(t);
    if (m) {
      const month = Number(m[2]);
      return month >= 1 && month <= 12 ? `${m[1]}-${String(month).padStart(2, '0')}` : null;
    }
  }
  const raw = cellInput(c);
  if (typeof raw === 'object' && raw !== null && !(raw instanceof Date)) return null;
  const parsed = parseFieldValue(DATE, raw);
  return parsed.ok && typeof parsed.value === 'string' ? parsed.value : null;
}

export function readMilestoneRows(current: EditionData, next: EditionData, sheets: SheetInput[], opts: PreviewOptions, errors: CellError[]): void {
  if (!sheets.length) return;
  const words = current.plan.settings;
  const layout = milestoneColumns(words);
  const heading = (f: MilestoneField) => layout.find((c) => c.field === f)!.header;
  const fromFile = new Map<string, Milestone[]>();
  for (const sheet of sheets) {
    const col = columnsByHeading(sheet.header, layout);
    const missing = [...(col.has('key') || col.has('title') ? [] : (['key'] as const)), ...(['date', 'label'] as const).filter((f) => !col.has(f))];
    if (missing.length) {
      errors.push({ sheet: sheet.name, row: 1, column: missing.map(heading).join('、'), message: '見出しの列がありません' });
      continue;
    }
    for (const { row, cells } of sheet.rows) {
      const rowErrors: CellError[] = [];
      const fail = (f: MilestoneField, message: string) => rowErrors.push({ sheet: sheet.name, row, column: heading(f), message });
      const cell = (f: MilestoneField): Cell => (col.has(f) ? (cells[col.get(f)!] ?? null) : null);
      for (const f of col.keys()) {
        const c = cell(f);
        if (c && typeof c === 'object' && !(c instanceof Date) && 'formula' in c) fail(f, `数式は使えません「=${c.formula}」`);
      }
      if (rowErrors.length) {
        errors.push(...rowErrors);
        continue;
      }
      const initiative = initiativeOfRow(next, words, text(cell('key')), text(cell('title')), (f, message) => fail(col.has('key') ? f : 'title', message));
      if (!initiative) {
        errors.push(...rowErrors);
        continue;
      }
      const dateCell = cell('date');
      const date = milestoneDate(dateCell);
      if (dateCell === null || dateCell === '') fail('date', '日付が空です');
      else if (date === null) fail('date', `日付は YYYY-MM-DD（例: 2024-10-01）か、月だけなら YYYY-MM（例: 2024-10）で書きます「${text(dateCell) ?? ''}」`);
      const label = text(cell('label'));
      if (!label) fail('label', '内容が空です');
      const stored = (current.initiatives.find((i) => i.key === initiative.key)?.milestones ?? []).find((m) => m.date === date && m.label === label);
      let done = stored?.done ?? false;
      if (col.has('done')) {
        const raw = cellInput(cell('done'));
        if (typeof raw === 'object' && raw !== null && !(raw instanceof Date)) fail('done', `セルがエラー値です「${raw.error}」`);
        else {
          const parsed = parseFieldValue(DONE, raw);
          if (parsed.ok) done = parsed.value === true;
          else fail('done', parsed.message);
        }
      }
      if (rowErrors.length || !date || !label) {
        errors.push(...rowErrors);
        continue;
      }
      fromFile.set(initiative.key, [...(fromFile.get(initiative.key) ?? []), { date, label, done }]);
    }
  }
  for (const i of next.initiatives) {
    const listed = fromFile.get(i.key);
    if (listed) reshape(i, { milestones: listed });
    else if (opts.allowDelete && i.milestones?.length) reshape(i, { milestones: [] });
  }
}
