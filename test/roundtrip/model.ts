// The model: what an edited file means, written from the sheet definitions and the documented rules, not
// from the importer. Given the edition as stored and the grids of the file, it says which rows a person
// would be told are wrong, and otherwise the edition the import should produce.
import { Decimal } from 'decimal.js';
import { STATUS_LABELS, type EditionData, type Initiative, type Kpi, type Result, type Status } from '../../src/domain/model.ts';
import { resultLine } from '../../src/domain/results.ts';
import { statedResultsYear } from '../../src/domain/results-year.ts';
import { cp932, type GCell, type Grid } from './cells.ts';

/** One leading apostrophe that the export put before = + - @ tab CR or another apostrophe is not part of the text. */
export function unquote(s: string): string {
  return /^'[=+\-@\t\r']/.test(s) ? s.slice(1) : s;
}

/** A text cell: line ends normalised, trailing blanks of each line and surrounding blanks removed; empty → null. */
export function cellText(c: GCell | undefined): string | null {
  const v = c?.v ?? null;
  if (v === null) return null;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'object') return null;
  const t = unquote(v)
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t\u3000]+$/gm, '')
    .trim();
  return t === '' ? null : t;
}

export function isFormula(c: GCell | undefined): boolean {
  return typeof c?.v === 'object' && c.v !== null;
}

const DASH = /^[—―\-‐]$/;

/** A number cell: null for blank, a dash or nothing; 'error' for what is not a number. */
export function cellNumber(c: GCell | undefined): string | null | 'error' {
  const v = c?.v ?? null;
  if (v === null) return null;
  if (typeof v === 'object') return 'error';
  if (typeof v === 'number') {
    const x = c!.fmt?.includes('%') ? v * 100 : v;
    return new Decimal(x.toPrecision(15)).toFixed();
  }
  return typedNumber(v);
}

export function typedNumber(s: string): string | null | 'error' {
  const t = s.normalize('NFKC').trim();
  if (t === '' || DASH.test(t)) return null;
  const u = t.replace(/[,\s]/g, '').replace(/^\+/, '');
  if (!/^-?(\d+(\.\d+)?|\.\d+)$/.test(u)) return 'error';
  const d = new Decimal(u);
  return d.isZero() ? '0' : d.toFixed();
}

export function statusOf(label: string | null): Status | null {
  if (!label) return null;
  const t = label.normalize('NFKC').replace(/\s/g, '');
  for (const [s, labels] of Object.entries(STATUS_LABELS)) if (labels.includes(t)) return s as Status;
  return null;
}

export interface ModelResult {
  errors: string[];
  /** Initiatives as the import should leave them; new ones have keys "new#0", "new#1", … */
  initiatives: Initiative[];
  kpis: Kpi[];
  /** The prose of each initiative's printed 実績 text after the import (by the keys of `initiatives`). */
  prose: Map<string, string>;
}

/**
 * The prose of a printed 実績 text: its lines that are not a result's line. Each result, in order, claims
 * the first line not yet claimed that prints it (its raw text without a leading dash, or the sample's form).
 */
export function proseLines(resultsText: string, results: readonly Result[]): string {
  if (resultsText === '') return '';
  const lines = resultsText.split('\n');
  const claimed = new Set<number>();
  for (const r of results) {
    // A printed form may span lines (a label typed with a line break): it claims them all.
    const forms = [r.raw.replace(/^[-‐]\s*/, '').trim(), resultLine(r)].filter(Boolean).map((f) => f.split('\n').map((l) => l.trim()));
    search: for (let at = 0; at < lines.length; at++) {
      for (const f of forms) {
        if (f.every((l, j) => at + j < lines.length && !claimed.has(at + j) && lines[at + j]!.trim() === l)) {
          f.forEach((_, j) => claimed.add(at + j));
          break search;
        }
      }
    }
  }
  return lines.filter((_, k) => !claimed.has(k)).join('\n');
}

/** A text as a cell gives it back (line ends, blanks at line ends and around the whole). */
const asCell = (s: string) =>
  s
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t\u3000]+$/gm, '')
    .trim();

/** Without raw texts (the printed form of a result; rebuilt by whoever writes it) and resultsText. */
export function comparable(i: Initiative) {
  return { ...i, resultsText: undefined, results: i.results.map((r) => ({ ...r, raw: undefined })) };
}

export function expectedImport(current: EditionData, grids: Grid[], opts: { allowDelete: boolean; sjis: boolean }): ModelResult {
  const errors: string[] = [];
  const initiatives: Initiative[] = structuredClone(current.initiatives);
  const kpis: Kpi[] = structuredClone(current.kpis);
  const represent = opts.sjis ? cp932 : null;
  // Where the file holds exactly what its encoding makes of the stored text, the stored text stays.
  const keep = <T extends string | null>(before: T, after: T): T =>
    represent && before !== null && after !== null && after !== before && represent(before) === after ? before : after;
  const canonical = new Map<string, string>();
  for (const d of current.departments) for (const n of [d.name, ...d.aliases]) canonical.set(n, d.name);
  const byKey = new Map(initiatives.map((i) => [i.key, i]));
  const blank = (cells: GCell[]) => cells.every((c) => c.v === null || c.v === '');
  let created = 0;
  // Prose is the person's: the 実績（文章） cell when the file has the column, else what is stored; value lines are the 実績 sheet's.
  const prose = new Map(current.initiatives.map((i) => [i.key, proseLines(i.resultsText, i.results)]));

  for (const g of grids.filter((x) => x.sheet === 'initiatives')) {
    const col = (name: string) => g.header.indexOf(name);
    const seen = new Set<string>();
    const fresh: Initiative[] = [];
    g.rows.forEach(({ cells }, k) => {
      if (blank(cells)) return;
      const err = (m: string) => errors.push(`施策 row ${k + 2}: ${m}`);
      const get = (name: string) => cells[col(name)];
      if (cells.some(isFormula)) return err('formula');
      const key = cellText(get('施策キー'));
      const title = cellText(get('施策名'));
      if (!title) return err('empty title');
      const pillar = current.pillars.find((p) => p.name === cellText(get('施策体系')));
      if (!pillar) return err('unknown pillar');
      const subName = cellText(get('分野'));
      const sub = subName === null ? null : pillar.subAreas.find((s) => s.name === subName);
      if (sub === undefined) return err('sub-area not in pillar');
      const status = statusOf(cellText(get('状況')));
      if (!status) return err('unknown status');
      const numberText = cellText(get('番号'));
      let number: string | null = null;
      if (numberText !== null && numberText !== '新') {
        const n = numberText.normalize('NFKC');
        if (!/^\d+$/.test(n)) return err('bad number');
        number = n.padStart(2, '0');
      }
      const typedDepartments = (cellText(get('担当課所')) ?? '')
        .split(/[、,，\n]/)
        .map((d) => d.trim())
        .filter(Boolean);
      if (typedDepartments.length === 0) return err('no department');
      const departments = [...new Set(typedDepartments.map((d) => canonical.get(d) ?? d))];
      const content = cellText(get('施策内容')) ?? '';
      const plan = cellText(get('今年度の取組')) ?? '';
      const typedProse = col('実績（文章）') >= 0 ? (cellText(get('実績（文章）')) ?? '') : null;
      let existing = key ? byKey.get(key) : undefined;
      if (key && !existing) return err('unknown key');
      if (!key) {
        // A row without a key whose title is exactly one initiative's is that initiative (uploading twice adds nothing).
        const same = current.initiatives.filter((i) => i.title === title && !seen.has(i.key));
        if (same.length === 1) existing = byKey.get(same[0]!.key);
      }
      if (existing) {
        const i = existing;
        if (seen.has(i.key)) return err('duplicate row of one initiative');
        seen.add(i.key);
        const joined = typedDepartments.join('、');
        Object.assign(i, {
          number,
          title: keep(i.title, title),
          pillarKey: pillar.key,
          subAreaKey: sub?.key ?? null,
          departments: keep(i.departments.join('、'), joined) !== joined ? i.departments : departments,
          status,
          content: keep(i.content, content),
          plan: keep(i.plan, plan),
        });
        if (typedProse !== null) {
          const stored = prose.get(i.key)!;
          const shown = asCell(stored);
          const typed = keep(shown, typedProse);
          prose.set(i.key, typed === shown ? stored : typed);
        }
      } else {
        prose.set(`new#${created}`, typedProse ?? '');
        fresh.push({
          key: `new#${created++}`,
          number,
          title,
          pillarKey: pillar.key,
          subAreaKey: sub?.key ?? null,
          departments,
          status,
          content,
          plan,
          planTargets: [],
          resultsFiscalYear: null,
          results: [],
          resultsText: '',
        });
      }
    });
    if (opts.allowDelete) {
      for (let k = initiatives.length - 1; k >= 0; k--) if (!seen.has(initiatives[k]!.key)) initiatives.splice(k, 1);
    }
    initiatives.push(...fresh);
  }

  // A number belongs to one initiative: a number the file gives that another initiative has is refused.
  const byNumber = new Map<string, Initiative[]>();
  for (const i of initiatives) if (i.number !== null) byNumber.set(i.number, [...(byNumber.get(i.number) ?? []), i]);
  for (const [number, list] of byNumber) {
    if (list.length > 1 && list.some((i) => current.initiatives.find((c) => c.key === i.key)?.number !== number))
      errors.push(`施策: number ${number} given twice`);
  }

  for (const g of grids.filter((x) => x.sheet === 'results')) {
    const col = (name: string) => g.header.indexOf(name);
    const fromFile = new Map<string, Omit<Result, 'raw'>[]>();
    g.rows.forEach(({ cells }, k) => {
      if (blank(cells)) return;
      const err = (m: string) => errors.push(`実績 row ${k + 2}: ${m}`);
      const get = (name: string) => cells[col(name)];
      if (['施策キー', '項目', '実績値', '目標値', '単位', '備考'].some((n) => isFormula(get(n)))) return err('formula');
      const key = cellText(get('施策キー'));
      if (!key) return err('empty key');
      if (!byKey.has(key)) return err('unknown key');
      const label = cellText(get('項目'));
      if (!label) return err('empty label');
      const actual = cellNumber(get('実績値'));
      const target = cellNumber(get('目標値'));
      if (actual === 'error' || target === 'error') return err('not a number');
      const list = fromFile.get(key) ?? [];
      list.push({ label, actual, target, unit: cellText(get('単位')), note: cellText(get('備考')) });
      fromFile.set(key, list);
    });
    for (const i of initiatives) {
      const rows = fromFile.get(i.key);
      if (!rows) {
        // Every result row of this initiative is gone from the file: deleted only when asked.
        if (opts.allowDelete) i.results = [];
        continue;
      }
      const old = i.results;
      // Texts the encoding could not hold come back from the stored row the file row stands for, paired as
      // below but on the encoded form of the stored rows (the same values first, then the same label).
      const enc = <T extends string | null>(x: T): T => (represent && x !== null ? (represent(x) as T) : x);
      const encodedOld = old.map((o) => ({ ...o, label: enc(o.label), unit: enc(o.unit), note: enc(o.note) }));
      const likeOf: (number | undefined)[] = rows.map(() => undefined);
      const taken = new Set<number>();
      const eqv = (a: Omit<Result, 'raw'>, b: Omit<Result, 'raw'>) =>
        a.label === b.label && a.actual === b.actual && a.target === b.target && a.unit === b.unit && a.note === b.note;
      rows.forEach((r, j) => {
        const k = encodedOld.findIndex((o, k) => !taken.has(k) && eqv(o, r));
        if (k >= 0) {
          likeOf[j] = k;
          taken.add(k);
        }
      });
      rows.forEach((r, j) => {
        if (likeOf[j] !== undefined) return;
        const k = encodedOld.findIndex((o, k) => !taken.has(k) && o.label === r.label);
        if (k >= 0) {
          likeOf[j] = k;
          taken.add(k);
        }
      });
      const restored = rows.map((r, j) => {
        const like = likeOf[j] === undefined ? undefined : old[likeOf[j]!];
        return like ? { ...r, label: keep(like.label, r.label), unit: keep(like.unit, r.unit), note: keep(like.note, r.note) } : r;
      });
      // A row stands for the stored row with the same values, else for the first unused one of its label.
      const same = (a: Omit<Result, 'raw'>, b: Omit<Result, 'raw'>) =>
        a.label === b.label && a.actual === b.actual && a.target === b.target && a.unit === b.unit && a.note === b.note;
      const origin: (number | undefined)[] = restored.map(() => undefined);
      const used = new Set<number>();
      restored.forEach((r, j) => {
        const k = old.findIndex((o, k) => !used.has(k) && same(o, r));
        if (k >= 0) {
          origin[j] = k;
          used.add(k);
        }
      });
      restored.forEach((r, j) => {
        if (origin[j] !== undefined) return;
        const k = old.findIndex((o, k) => !used.has(k) && o.label === r.label);
        if (k >= 0) {
          origin[j] = k;
          used.add(k);
        }
      });
      const matched = new Map<number, Result>();
      const added: Result[] = [];
      restored.forEach((r, j) => {
        const k = origin[j];
        if (k === undefined) added.push({ ...r, raw: '' });
        else matched.set(k, { ...old[k]!, ...r });
      });
      const kept: Result[] = [];
      old.forEach((o, k) => {
        if (matched.has(k)) kept.push(matched.get(k)!);
        else if (!opts.allowDelete) kept.push(o);
      });
      i.results = [...kept, ...added];
    }
  }

  for (const g of grids.filter((x) => x.sheet === 'kpis')) {
    const col = (name: string) => g.header.indexOf(name);
    const years = g.header
      .map((h, k) => ({ m: /^実績\s*(\d{4})\s*年度$/.exec(h.normalize('NFKC').trim()), k }))
      .filter((x) => x.m)
      .map((x) => ({ fy: x.m![1]!, k: x.k }));
    g.rows.forEach(({ cells }, r) => {
      if (blank(cells)) return;
      const err = (m: string) => errors.push(`KPI row ${r + 2}: ${m}`);
      const kpi = kpis.find((x) => x.key === cellText(cells[col('KPIキー')]));
      if (!kpi) return err('unknown KPI key');
      const target = cellNumber(cells[col('目標値')]);
      const values = years.map((y) => ({ fy: y.fy, v: cellNumber(cells[y.k]) }));
      if (target === 'error' || values.some((x) => x.v === 'error')) return err('not a number');
      if (target === null) return err('empty KPI target');
      kpi.target = target;
      // An emptied cell clears that year's actual, as an emptied text cell clears a text.
      for (const { fy, v } of values) {
        if (v === null) delete kpi.actuals[fy];
        else kpi.actuals[fy] = v as string;
      }
    });
  }
  // A new initiative's results are for the year its prose names, else the one year the stored initiatives
  // report for; without results, or where nothing says, the year is unknown (null), never assumed.
  const years = new Set(current.initiatives.map((i) => i.resultsFiscalYear).filter((y) => y !== null));
  const editionYear = years.size === 1 ? [...years][0]! : null;
  for (const i of initiatives) {
    if (!i.key.startsWith('new#')) continue;
    const text = prose.get(i.key) ?? '';
    const some = i.results.length > 0 || text.split('\n').some((l) => !/^\s*(【[^】]*】|[—―－‐-])?\s*$/.test(l));
    i.resultsFiscalYear = some ? (statedResultsYear(text) ?? editionYear) : null;
  }
  // Stored in print order: by pillar, then without a sub-area, then by sub-area, then as they were.
  const pillarRank = new Map(current.pillars.map((p, n) => [p.key, n]));
  const subRank = new Map(current.pillars.flatMap((p) => p.subAreas.map((s, n) => [`${p.key}/${s.key}`, n + 1] as const)));
  const rank = (i: Initiative) =>
    [pillarRank.get(i.pillarKey) ?? 99, i.subAreaKey === null ? 0 : (subRank.get(`${i.pillarKey}/${i.subAreaKey}`) ?? 999)] as const;
  const ordered = initiatives
    .map((i, position) => ({ i, position, r: rank(i) }))
    .sort((a, b) => a.r[0] - b.r[0] || a.r[1] - b.r[1] || a.position - b.position)
    .map((x) => x.i);
  return { errors, initiatives: ordered, kpis, prose };
}
