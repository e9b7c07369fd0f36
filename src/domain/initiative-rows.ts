// The 施策 sheet of a file, read into the next state of an edition: each row an edit of a stored initiative
// (by key, or by title when the key is empty) or a new one, its groups found by name (or created when the
// person confirmed creation), its departments resolved through the master's spellings. Columns are found by
// their headings in the plan's words; a column the file leaves out keeps what is stored. Part of the
// preview (changes.ts), pure.
import { createHash } from 'node:crypto';
import type { EditionData, Initiative, Pillar, SubArea } from './model.ts';
import { cellForm, text, type CellError } from './cells.ts';
import { columnsByHeading, initiativeColumns, statusFromLabel, type InitiativeField } from './sheets.ts';
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
  const [pillarWord, subWord] = words.levels as [string, string | undefined];
  const thing = words.initiativeName;
  const layout = initiativeColumns(words);
  const heading = (f: InitiativeField) => layout.find((c) => c.field === f)!.header;
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
  const subAreaNamed = (pillar: Pillar, name: string): SubArea | null => {
    const found = pillar.subAreas.find((s) => s.name === name);
    if (found || !opts.create) return found ?? null;
    // Sub-area keys are unique in the whole plan, as the structure page makes them.
    const same = known.subAreas.find((s) => s.name === name && s.pillarKey === pillar.key && !inEdition().has(s.key));
    const s: SubArea = { key: same?.key ?? nextKey(`${pillar.key}-s`, subKeys), name };
    subKeys.push(s.key);
    pillar.subAreas.push(s);
    out.createdSubAreas.push(`${pillar.name} ／ ${name}`);
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
      // Without the column (or in a plan of one level) an initiative keeps its sub-area while it stays in its pillar.
      const subName = subWord && has('subArea') ? get('subArea') : undefined;
      let subAreaKey: string | null;
      if (subName === undefined) subAreaKey = existing && existing.pillarKey === pillar.key ? existing.subAreaKey : null;
      else if (subName === null) subAreaKey = null;
      else {
        const sub = subAreaNamed(pillar, subName);
        if (!sub) {
          errors.push({ ...at('subArea'), message: `${subWord}「${subName}」は${pillarWord}「${pillar.name}」にありません` });
          continue;
        }
        subAreaKey = sub.key;
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
      const fields = { number, title, pillarKey: pillar.key, subAreaKey, departments, status, content, plan, resultsText };
      if (existing) {
        if (seen.has(existing.key)) {
          errors.push({ ...at('key'), message: `${thing}「${label(existing)}」の行が重複しています` });
          continue;
        }
        seen.add(existing.key);
        out.rowOf.set(existing.key, { sheet: sheet.name, row });
        Object.assign(existing, fields);
      } else {
        const created: Initiative = {
          key: newKey(`${current.organization.code}/${current.edition.fiscalYear}/${title}/${row}`, takenKeys),
          ...fields,
          planTargets: [],
          // Unknown until its results are read (changes.ts gives the year they are for, if anything says it).
          resultsFiscalYear: null,
          results: [],
        };
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
