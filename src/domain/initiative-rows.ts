// The 施策 sheet of a file, read into the next state of an edition: each row an edit of a stored initiative
// (by key, or by title when the key is empty) or a new one, its groups found by name level by level (or
// created, parents first, when the person confirmed creation), its departments resolved through the
// master's spellings, and the parts of the plan's shape the sheet holds: the plan's own sections (each read
// by its type), the grade set by hand and the schedule's phases. Columns are found by their headings in the
// plan's words; a column the file leaves out keeps what is stored. Part of the preview (changes.ts), pure.
// Also the helpers the 指標 and マイルストーン sheets share (indicator-rows.ts, milestone-rows.ts).
import { createHash } from 'node:crypto';
import { SHAPE_KEYS, type EditionData, type FieldValue, type Initiative, type ManualGrade, type Pillar, type ScheduleCell, type SubArea } from './model.ts';
import { cellForm, text, type Cell, type CellError } from './cells.ts';
import { restoreFormula } from './formula.ts';
import {
  columnsByHeading,
  GRADE_HEADER,
  initiativeColumns,
  keyHeader,
  LEVEL_FIELDS,
  statusFromLabel,
  titleHeader,
  type InitiativeField,
  type LevelField,
} from './sheets.ts';
import { optionForm, parseFieldValue, type FieldInput } from './field-values.ts';
import { gradeChoices } from './grades.ts';
import { effectiveParents, groupPath } from './groups.ts';
import { withShape, type ShapeParts } from './shape.ts';
import { nextKey } from './structure.ts';
import { proseOf, withProse } from './results.ts';
import { label } from './describe-changes.ts';
import type { PreviewOptions, SheetInput } from './changes.ts';

export interface InitiativeRows {
  /** Where each initiative the file names was written: sheet and row. */
  rowOf: Map<string, { sheet: string; row: number }>;
  /** Department names the master lacks, with where the file names them. */
  unknownDepartments: Map<string, string[]>;
  /** Every registered spelling (names and aliases) → the department it stands for. */
  canonical: Map<string, string>;
  registered: Set<string>;
  createdPillars: string[];
  createdSubAreas: string[];
}

/** A key for an initiative (or an indicator) added by a file: derived from the file's content, so a second preview of the same file agrees. */
export function newKey(seed: string, taken: Set<string>): string {
  for (let n = 0; ; n++) {
    const k = createHash('sha1').update(`${seed}#${n}`).digest('hex').slice(0, 8);
    if (!taken.has(k)) {
      taken.add(k);
      return k;
    }
  }
}

type Restorer = (sheet: SheetInput) => (before: string | null, after: string | null) => string | null;

export function readInitiativeRows(
  current: EditionData,
  next: EditionData,
  sheets: SheetInput[],
  restorer: Restorer,
  opts: PreviewOptions,
  errors: CellError[],
  notices: string[],
): InitiativeRows {
  const words = current.plan.settings;
  const levels = words.levels;
  const pillarWord = levels[0]!;
  const thing = words.initiativeName;
  const layout = initiativeColumns(words, current.plan);
  const heading = (f: InitiativeField) => layout.find((c) => c.field === f)!.header;
  // The columns of the groups below the pillar, one per level the plan has (分野; 取組分野, 取組事項 …).
  const deeper = LEVEL_FIELDS.slice(1, levels.length);
  const fieldColumns = layout.filter((c) => c.field.startsWith('field:') && c.def);
  const periodColumns = layout.filter((c) => c.field.startsWith('schedule:'));
  const phases = words.schedule?.phases ?? [];
  const grades = gradeChoices(words);
  const byKey = new Map(next.initiatives.map((i) => [i.key, i]));
  const canonical = new Map<string, string>();
  for (const d of current.departments) {
    canonical.set(d.name, d.name);
    for (const a of d.aliases) if (!canonical.has(a)) canonical.set(a, d.name);
  }
  const spelling = new Map(canonical);
  for (const [alias, into] of Object.entries(opts.aliases ?? {})) {
    if (into && canonical.has(into)) spelling.set(alias, canonical.get(into)!);
  }
  const registered = new Set(current.departments.flatMap((d) => [d.name, ...d.aliases]));
  const out: InitiativeRows = { rowOf: new Map(), unknownDepartments: new Map(), canonical, registered, createdPillars: [], createdSubAreas: [] };
  const takenKeys = new Set(current.initiatives.map((i) => i.key));
  const known = opts.planGroups ?? { pillars: [], subAreas: [] };
  const pillarKeys = [...current.pillars.map((p) => p.key), ...known.pillars.map((p) => p.key)];
  const subKeys = [...current.pillars.flatMap((p) => p.subAreas.map((s) => s.key)), ...known.subAreas.map((s) => s.key)];
  const inEdition = () => new Set(next.pillars.flatMap((p) => [p.key, ...p.subAreas.map((s) => s.key)]));

  const pillarNamed = (name: string): Pillar | null => {
    const found = next.pillars.find((p) => p.name === name);
    if (found || !opts.create) return found ?? null;
    // The plan's group of that name keeps its key (KPIs name their pillar by key); any other gets a key never used.
    const same = known.pillars.find((p) => p.name === name && !inEdition().has(p.key));
    const p: Pillar = { key: same?.key ?? nextKey('p', pillarKeys), name, tagline: null, subAreas: [] };
    pillarKeys.push(p.key);
    next.pillars.push(p);
    out.createdPillars.push(name);
    return p;
  };
  /** The group of that name inside `parent` (null: directly under the pillar), created when asked; `path` names its parents for the list. */
  const groupNamed = (pillar: Pillar, parent: SubArea | null, name: string, path: string[]): SubArea | null => {
    // The parents as the tree shows them (a group whose parent is missing stands under its pillar), so a
    // name is looked for where the export wrote it.
    const parents = effectiveParents(pillar);
    const parentKey = parent?.key ?? null;
    const found = pillar.subAreas.find((s) => s.name === name && (parents.get(s.key) ?? null) === parentKey);
    if (found || !opts.create) return found ?? null;
    // Sub-area keys are unique in the whole plan, as the structure page makes them.
    const same = known.subAreas.find(
      (s) => s.name === name && s.pillarKey === pillar.key && (s.parentKey === undefined || (s.parentKey ?? null) === parentKey) && !inEdition().has(s.key),
    );
    const s: SubArea = { key: same?.key ?? nextKey(`${pillar.key}-s`, subKeys), name, ...(parent ? { parentKey: parent.key } : {}) };
    subKeys.push(s.key);
    pillar.subAreas.push(s);
    out.createdSubAreas.push([pillar.name, ...path, name].join(' ／ '));
    return s;
  };

  for (const sheet of sheets) {
    const col = columnsByHeading(sheet.header, layout);
    // Only what identifies a row and what every initiative must have; any other column may be left out.
    const need: InitiativeField[] = ['title', 'pillar', 'status'];
    const missing = need.filter((f) => !col.has(f));
    if (missing.length) {
      errors.push({ sheet: sheet.name, row: 1, column: missing.map(heading).join('、'), message: '見出しの列がありません' });
      continue;
    }
    const has = (f: InitiativeField) => col.has(f);
    const seen = new Set<string>();
    const restore = restorer(sheet);
    for (const { row, cells } of sheet.rows) {
      const at = (f: InitiativeField) => ({ sheet: sheet.name, row, column: heading(f) });
      const cell = (f: InitiativeField) => (has(f) ? (cells[col.get(f)!] ?? null) : null);
      const get = (f: InitiativeField) => text(cell(f));
      let bad = false;
      for (const f of col.keys()) {
        const c = cell(f);
        if (c && typeof c === 'object' && !(c instanceof Date) && 'formula' in c) {
          errors.push({ ...at(f), message: `数式は使えません「=${c.formula}」` });
          bad = true;
        }
      }
      if (bad) continue;
      let key = get('key');
      let existing = key ? byKey.get(key) : undefined;
      const title0 = get('title');
      if (!title0) {
        errors.push({ ...at('title'), message: `${heading('title')}が空です` });
        continue;
      }
      if (key && !existing) {
        errors.push({ ...at('key'), message: `${heading('key')}「${key}」はこの版にありません（新しい${thing}はキーを空欄にします）` });
        continue;
      }
      if (!key) {
        // A row without a key whose title is an initiative's of this edition is that initiative: the same
        // file uploaded twice must not add it twice.
        const same = current.initiatives.filter((i) => i.title === title0 && !seen.has(i.key));
        if (same.length === 1) {
          existing = byKey.get(same[0]!.key)!;
          key = existing.key;
          notices.push(`${sheet.name}シート ${row}行目: ${heading('key')}が空ですが、同じ${heading('title')}の「${label(existing)}」として扱います`);
        }
      }
      const title = existing ? restore(existing.title, title0)! : title0;
      const pillarName = get('pillar');
      if (!pillarName) {
        errors.push({ ...at('pillar'), message: `${pillarWord}が空です` });
        continue;
      }
      const pillar = pillarNamed(pillarName);
      if (!pillar) {
        errors.push({ ...at('pillar'), message: `${pillarWord}「${pillarName}」はこの計画にありません（${next.pillars.map((p) => p.name).join('、')}）` });
        continue;
      }
      // Without the columns of the lower levels (or in a plan of one level) an initiative keeps its group
      // while it stays in its pillar; a level column the file leaves out keeps the stored group's name there.
      let subAreaKey: string | null;
      const stays = existing && existing.pillarKey === pillar.key;
      if (!deeper.some(has)) subAreaKey = stays ? existing!.subAreaKey : null;
      else {
        const storedNames = stays
          ? groupPath(current.pillars, existing!.pillarKey, existing!.subAreaKey)
              .slice(1)
              .map((g) => g.name)
          : [];
        const named = deeper.map((f, k) => (has(f) ? get(f) : (storedNames[k] ?? null)));
        const found = groupOfRow(pillar, named, deeper, levels, groupNamed, (f, message) => errors.push({ ...at(f), message }));
        if (found === undefined) continue;
        subAreaKey = found;
      }
      const statusText = get('status') ?? '';
      const status = statusFromLabel(statusText);
      if (!status) {
        errors.push({ ...at('status'), message: `状況「${statusText}」は選択肢（完了／実施中／新規／休止／未着手）にありません` });
        continue;
      }
      let number: string | null | undefined = existing?.number ?? null;
      if (has('number')) {
        const numberText = get('number')?.normalize('NFKC') ?? null;
        number = !numberText || numberText === '新' ? null : /^\d+$/.test(numberText) ? numberText.padStart(2, '0') : undefined;
        if (number === undefined) {
          errors.push({ ...at('number'), message: `番号は数字か「新」です「${numberText}」` });
          continue;
        }
      }
      let departments = existing?.departments ?? [];
      if (has('departments') || !existing) {
        const departmentsText = existing ? restore(existing.departments.join('、'), get('departments')) : get('departments');
        const named = (departmentsText ?? '')
          .split(/[、,，\n]/)
          .map((d) => d.trim())
          .filter(Boolean);
        // Required where the plan says so (its setting); a plan without the requirement stores none.
        if (named.length === 0 && words.departmentRequired) {
          errors.push({ ...at('departments'), message: '担当課所が空です' });
          continue;
        }
        for (const d of named) {
          if (!registered.has(d)) out.unknownDepartments.set(d, [...(out.unknownDepartments.get(d) ?? []), `${sheet.name} ${row}行目`]);
        }
        // An alias is stored as the department it stands for, so the preview says so too.
        departments = [...new Set(named.map((d) => spelling.get(d) ?? d))];
      }
      const textField = (f: 'content' | 'plan', was: string | undefined) =>
        has(f) ? ((was !== undefined ? restore(was, get(f)) : get(f)) ?? '') : (was ?? '');
      const content = textField('content', existing?.content);
      const plan = textField('plan', existing?.plan);
      const resultsText = has('prose') ? textWithProse(existing, get('prose'), restore) : (existing?.resultsText ?? '');

      // ---- the plan's shape: its own sections, the grade set by hand, the schedule --------------------
      const rowErrors: CellError[] = [];
      const fail = (f: InitiativeField, message: string) => rowErrors.push({ ...at(f), message });
      const fields: Record<string, FieldValue> = { ...(existing?.fields ?? {}) };
      for (const c of fieldColumns) {
        if (!has(c.field)) continue;
        const def = c.def!;
        const raw = cellInput(cell(c.field));
        if (typeof raw === 'object' && raw !== null && !(raw instanceof Date)) {
          fail(c.field, `セルがエラー値です「${raw.error}」`);
          continue;
        }
        const was = existing?.fields?.[def.key];
        // A choice the plan no longer offers, left as it was, stays: an untouched export changes nothing.
        const parsed =
          def.type === 'select' && typeof was === 'string' && text(cell(c.field)) === was ? { ok: true as const, value: was } : parseFieldValue(def, raw);
        if (!parsed.ok) {
          fail(c.field, parsed.message);
          continue;
        }
        const value = def.type === 'text' && typeof parsed.value === 'string' && typeof was === 'string' ? restore(was, parsed.value) : parsed.value;
        if (value === null) delete fields[def.key];
        else fields[def.key] = value;
      }
      let grade: ManualGrade | null = existing?.grade ?? null;
      if (has('grade') || has('gradeReason')) {
        const stored = existing?.grade;
        const gradeText = has('grade') ? get('grade') : (stored?.grade ?? null);
        const reasonText = has('gradeReason') ? restore(stored?.reason ?? null, get('gradeReason')) : (stored?.reason ?? null);
        if (gradeText === null) {
          if (reasonText && has('gradeReason'))
            fail(
              'gradeReason',
              `${GRADE_HEADER}が空の行に理由が書かれています（理由は${GRADE_HEADER}を手で決めた行に書きます。空欄なら計算した評価になります）`,
            );
          grade = null;
        } else {
          const g = stored && gradeText === stored.grade ? stored.grade : gradeNamed(grades, gradeText);
          if (g === null) fail('grade', `${GRADE_HEADER}「${gradeText}」はこの計画の評価（${grades.map((x) => x.grade).join('、')}）にありません`);
          else {
            const reason = reasonText ?? '';
            // Who set it is the command layer's to record; a grade left as it was keeps its author.
            grade = stored && stored.grade === g && stored.reason === reason ? stored : { grade: g, reason, by: null };
          }
        }
      }
      let schedule: ScheduleCell[] = existing?.schedule ?? [];
      if (periodColumns.some((c) => has(c.field))) {
        const was = existing?.schedule ?? [];
        const cellsOf: ScheduleCell[] = [];
        for (const c of periodColumns) {
          const period = c.field.slice('schedule:'.length);
          if (!has(c.field)) {
            const kept = was.find((x) => x.period === period);
            if (kept) cellsOf.push(kept);
            continue;
          }
          const t = get(c.field);
          if (t === null) continue;
          const phase = phases.find((p) => optionForm(p) === optionForm(t)) ?? was.find((x) => x.period === period && x.phase === t)?.phase;
          if (phase === undefined) fail(c.field, `工程「${t}」はこの計画の工程（${phases.join('、')}）にありません`);
          else cellsOf.push({ period, phase });
        }
        // Periods the plan's columns do not cover (its period was changed since) stay as stored.
        const covered = new Set(periodColumns.map((c) => c.field.slice('schedule:'.length)));
        cellsOf.push(...was.filter((x) => !covered.has(x.period)));
        schedule = sameSchedule(was, cellsOf) ? was : cellsOf;
      }
      if (rowErrors.length) {
        errors.push(...rowErrors);
        continue;
      }
      const shape: ShapeParts = { fields, grade, schedule };
      const values = { number, title, pillarKey: pillar.key, subAreaKey, departments, status, content, plan, resultsText };
      if (existing) {
        if (seen.has(existing.key)) {
          errors.push({ ...at('key'), message: `${thing}「${label(existing)}」の行が重複しています` });
          continue;
        }
        seen.add(existing.key);
        out.rowOf.set(existing.key, { sheet: sheet.name, row });
        Object.assign(existing, values);
        reshape(existing, shape);
      } else {
        const created: Initiative = withShape(
          {
            key: newKey(`${current.organization.code}/${current.edition.fiscalYear}/${title}/${row}`, takenKeys),
            ...values,
            planTargets: [],
            // Unknown until its results are read (changes.ts gives the year they are for, if anything says it).
            resultsFiscalYear: null,
            results: [],
          },
          shape,
        );
        seen.add(created.key);
        out.rowOf.set(created.key, { sheet: sheet.name, row });
        next.initiatives.push(created);
        byKey.set(created.key, created);
      }
    }
    if (opts.allowDelete) next.initiatives = next.initiatives.filter((i) => seen.has(i.key));
  }
  return out;
}

/**
 * The deepest group a row names below its pillar (null: directly under it), each name looked for inside
 * the group named at the level above; undefined (with the reason reported) when a name is not there, or a
 * lower level is named below an empty one.
 */
function groupOfRow(
  pillar: Pillar,
  named: (string | null)[],
  fields: readonly LevelField[],
  levels: readonly string[],
  groupNamed: (pillar: Pillar, parent: SubArea | null, name: string, path: string[]) => SubArea | null,
  fail: (f: LevelField, message: string) => void,
): string | null | undefined {
  let parent: SubArea | null = null;
  const path: string[] = [];
  let blank: number | null = null;
  for (const [k, name] of named.entries()) {
    const word = levels[k + 1]!;
    if (name === null) {
      blank ??= k;
      continue;
    }
    if (blank !== null) {
      fail(fields[blank]!, `${levels[blank + 1]}が空です（${word}「${name}」は${levels[blank + 1]}の中に置きます）`);
      return undefined;
    }
    const found = groupNamed(pillar, parent, name, path);
    if (!found) {
      fail(
        fields[k]!,
        parent ? `${word}「${name}」は${levels[k]}「${parent.name}」にありません` : `${word}「${name}」は${levels[0]}「${pillar.name}」にありません`,
      );
      return undefined;
    }
    parent = found;
    path.push(name);
  }
  return parent?.key ?? null;
}

/** The plan's grade a cell names: as written, in either case, or by its label (「達成」 for A). */
function gradeNamed(choices: readonly { grade: string; label: string }[], t: string): string | null {
  const form = optionForm(t);
  const exact = choices.find((c) => optionForm(c.grade) === form);
  if (exact) return exact.grade;
  const folded = choices.filter((c) => optionForm(c.grade).toUpperCase() === form.toUpperCase());
  if (folded.length === 1) return folded[0]!.grade;
  const labelled = choices.filter((c) => optionForm(c.label) === form);
  return labelled.length === 1 ? labelled[0]!.grade : null;
}

function sameSchedule(a: readonly ScheduleCell[], b: readonly ScheduleCell[]): boolean {
  if (a.length !== b.length) return false;
  const m = new Map(a.map((c) => [c.period, c.phase]));
  return m.size === a.length && b.every((c) => m.get(c.period) === c.phase);
}

/** A cell as a section's value is read from: text with the export's formula guard undone, a number, a date; an error cell as it is. */
export function cellInput(c: Cell): FieldInput | { error: string } {
  if (c === null) return null;
  if (typeof c === 'string') return restoreFormula(c.replace(/\r\n?/g, '\n'));
  if (typeof c === 'number' || c instanceof Date) return c;
  if ('error' in c) return { error: c.error };
  return null;
}

/** JSON with every object's keys in order, so two values that mean the same compare equal whatever order their keys came in (jsonb reorders them). */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(v, (_, x) =>
    x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x,
  );
}

/**
 * Gives a stored initiative (of `next`, changed in place) new shape parts, in withShape's canonical form.
 * When the parts mean what is stored, the initiative is left exactly as it was, so an untouched file
 * changes nothing, not even the order of its keys.
 */
export function reshape(i: Initiative, parts: ShapeParts): void {
  const before = withShape(i);
  const after = withShape(i, { fields: i.fields, indicators: i.indicators, grade: i.grade, schedule: i.schedule, milestones: i.milestones, ...parts });
  if (SHAPE_KEYS.every((k) => canonicalJson(before[k]) === canonicalJson(after[k]))) return;
  for (const k of SHAPE_KEYS) delete i[k];
  Object.assign(i, after);
}

/**
 * The initiative a row of a sheet that follows the 施策 sheet (指標, マイルストーン) is about: by its key,
 * or by its title when the key is empty (an initiative the same file adds); null, with the reason
 * reported, when there is none or more than one.
 */
export function initiativeOfRow(
  next: EditionData,
  words: EditionData['plan']['settings'],
  key: string | null,
  title: string | null,
  fail: (column: 'key' | 'title', message: string) => void,
): Initiative | null {
  const keyH = keyHeader(words);
  const titleH = titleHeader(words);
  const thing = words.initiativeName;
  if (key) {
    const found = next.initiatives.find((i) => i.key === key);
    if (!found) fail('key', `${keyH}「${key}」の${thing}がありません`);
    return found ?? null;
  }
  const named = title ? next.initiatives.filter((i) => i.title === title) : [];
  if (named.length === 1) return named[0]!;
  fail(
    'title',
    !title
      ? `${keyH}が空です（施策シートの${keyH}を入れるか、${titleH}を書いてください）`
      : named.length
        ? `「${title}」という${thing}が複数あります。${keyH}で指定してください`
        : `${titleH}「${title}」の${thing}がありません`,
  );
  return null;
}

/**
 * The printed 実績 text after a 実績（文章） cell: the stored text while the cell shows its prose (a cell drops
 * blanks at line ends and around the text, so stored prose with them still reads as unchanged), else the
 * stored text with the cell's prose (what the file's encoding could not hold put back) among its value lines.
 */
function textWithProse(existing: Initiative | undefined, cell: string | null, restore: (before: string | null, after: string | null) => string | null): string {
  if (!existing) return cell ?? '';
  const shown = cellForm(proseOf(existing));
  const typed = cell === null ? '' : (restore(shown, cell) ?? '');
  return typed === shown ? existing.resultsText : withProse(existing, typed);
}
