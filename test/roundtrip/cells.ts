// Cell editing: the exported file (workbook or CSV) as grids of cells, abstract edits resolved against the
// current edition and applied to those grids, and the grids written back as the bytes a person would upload.
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { STATUS_LABELS, type EditionData } from '../../src/domain/model.ts';
import { INITIATIVE_SHEET, KPI_SHEET, RESULT_SHEET } from '../../src/domain/sheets.ts';
import {
  INITIATIVE_FIELDS,
  RESULT_FIELDS,
  renderNum,
  renderText,
  type AbstractEdit,
  type Material,
  type Sheet,
  type Target,
  type TextSpec,
} from './generators.ts';

export type CellValue = string | number | null | { formula: string };
export interface GCell {
  v: CellValue;
  /** Number format (xlsx only), e.g. '0%'. */
  fmt?: string;
}
export interface GRow {
  cells: GCell[];
  /** The key the row had in the exported file (initiative key; KPI key), for bookkeeping only. */
  key: string | null;
}
export interface Grid {
  sheet: Sheet;
  header: string[];
  rows: GRow[];
}

export type Encoding = 'utf8' | 'sjis';

export const SHEET_NAME: Record<Sheet, string> = { initiatives: INITIATIVE_SHEET, results: RESULT_SHEET, kpis: KPI_SHEET };

/** What a Shift_JIS file can hold of a text (characters it lacks become "?"). */
export function cp932(s: string): string {
  return iconv.decode(iconv.encode(s, 'cp932'), 'cp932');
}

// ---- xlsx ------------------------------------------------------------------------------------------

function excelValue(v: ExcelJS.CellValue): CellValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number') return v;
  if (typeof v === 'object' && 'richText' in v) return v.richText.map((r) => r.text).join('');
  if (typeof v === 'object' && 'formula' in v) return { formula: String(v.formula) };
  return String(v);
}

export async function xlsxGrids(bytes: Uint8Array): Promise<{ wb: ExcelJS.Workbook; grids: Grid[] }> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  const grids: Grid[] = [];
  for (const sheet of ['initiatives', 'results', 'kpis'] as Sheet[]) {
    const ws = wb.getWorksheet(SHEET_NAME[sheet])!;
    const header = (ws.getRow(1).values as ExcelJS.CellValue[]).slice(1).map((v) => String(v ?? ''));
    const rows: GRow[] = [];
    for (let r = 2; r <= ws.rowCount; r++) {
      const cells = header.map((_, k) => ({ v: excelValue(ws.getCell(r, k + 1).value) }) as GCell);
      if (cells.every((c) => c.v === null || c.v === '')) continue;
      rows.push({ cells, key: typeof cells[0]!.v === 'string' ? cells[0]!.v : null });
    }
    grids.push({ sheet, header, rows });
  }
  return { wb, grids };
}

export async function writeXlsx(wb: ExcelJS.Workbook, grids: Grid[], originalRows: Record<Sheet, number>): Promise<Uint8Array> {
  for (const g of grids) {
    const ws = wb.getWorksheet(SHEET_NAME[g.sheet])!;
    const n = Math.max(g.rows.length, originalRows[g.sheet]);
    for (let r = 0; r < n; r++) {
      const row = g.rows[r];
      g.header.forEach((_, k) => {
        const cell = ws.getCell(r + 2, k + 1);
        const c = row?.cells[k];
        // Excel escapes a literal "_x000D_" as "_x005F_x000D_" when it saves; exceljs does not, so do it here.
        const v = c?.v ?? null;
        cell.value = (typeof v === 'string' ? v.replace(/_(x[0-9A-Fa-f]{4}_)/g, '_x005F_$1') : v) as ExcelJS.CellValue;
        // A style object of its own: exceljs shares one between cells of a row, and Excel formats cells one by one.
        if (c?.fmt) cell.style = { ...cell.style, numFmt: c.fmt };
        else if (cell.numFmt && cell.numFmt !== 'General') cell.style = { ...cell.style, numFmt: 'General' };
      });
    }
  }
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

// ---- CSV -------------------------------------------------------------------------------------------

export function csvGrid(bytes: Uint8Array, encoding: Encoding, sheet: Sheet): Grid {
  const text = encoding === 'sjis' ? iconv.decode(Buffer.from(bytes), 'cp932') : new TextDecoder().decode(bytes.subarray(3));
  const [header, ...rest] = parse(text, { relax_column_count: true }) as string[][];
  return { sheet, header: header!, rows: rest.map((cells) => ({ cells: cells.map((v) => ({ v })), key: cells[0] || null })) };
}

export function writeCsv(g: Grid, encoding: Encoding): Uint8Array {
  const rows = [g.header, ...g.rows.map((r) => r.cells.map((c) => (c.v === null ? '' : typeof c.v === 'object' ? `=${c.v.formula}` : String(c.v))))];
  const text = stringify(rows, { record_delimiter: '\r\n' });
  if (encoding === 'sjis') return new Uint8Array(iconv.encode(text, 'cp932'));
  return new Uint8Array(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]));
}

// ---- resolving abstract edits ----------------------------------------------------------------------

export interface Resolved {
  /** What was done, for the failure message. */
  log: string[];
  /** Initiatives and KPIs whose rows were edited (reordering and reference columns do not count). */
  touchedInitiatives: Set<string>;
  touchedKpis: Set<string>;
  /** Rows with an empty 施策キー were added: the same file previewed again adds them again. */
  addsInitiatives: boolean;
}

const ALL_STATUS_LABELS = Object.values(STATUS_LABELS).flat();

export class Resolver {
  readonly out: Resolved = { log: [], touchedInitiatives: new Set(), touchedKpis: new Set(), addsInitiatives: false };
  constructor(
    readonly data: EditionData,
    readonly grids: Grid[],
    readonly target: Target,
    readonly encoding: Encoding,
  ) {}

  private grid(sheet: Sheet): Grid | undefined {
    return this.grids.find((g) => g.sheet === sheet);
  }

  /** A typed text as the cell holds it: quoted with an apostrophe as the export does, or as Excel keeps a text typed with a leading '. */
  private textCell(s: TextSpec, m: Material): GCell {
    let typed = renderText(s);
    // What a Shift_JIS file can hold; a person typing into one never types the "?" of a lost character.
    if (this.encoding === 'sjis') typed = cp932(typed).replace(/\?/g, '');
    const quote = s.prefix === "'" || (s.prefix !== '' && !m.asNumber);
    return { v: quote ? `'${typed}` : typed };
  }

  private num(m: Material, second = false): GCell {
    const c = renderNum(second ? m.num2 : m.num, this.target);
    // A Shift_JIS file has no — (U+2014): a person typing a dash there types one it can hold.
    const v = this.encoding === 'sjis' && typeof c.v === 'string' ? cp932(c.v).replace(/\?/g, '―') : c.v;
    return { v, ...(c.fmt ? { fmt: c.fmt } : {}) };
  }

  private departmentsCell(m: Material): GCell {
    if (m.wrong) return { v: m.a % 2 ? '' : ' 、 ' };
    const pool = this.data.departments.flatMap((d) => [d.name, ...d.aliases, ...d.aliases]);
    const names = m.deps.map((d) => (d.fresh ? ['新設課', 'みらい創造室', '𠮷田出張所', 'デジタル推進課分室'][d.pick % 4]! : pool[d.pick % pool.length]!));
    let v = names.join(m.sep);
    if (this.encoding === 'sjis') v = cp932(v).replace(/\?/g, '');
    return { v };
  }

  private statusCell(m: Material): GCell {
    if (m.wrong) return { v: '検討中' };
    const l = ALL_STATUS_LABELS[m.b % ALL_STATUS_LABELS.length]!;
    return { v: m.c % 4 === 0 ? ` ${l} ` : l };
  }

  private numberCell(m: Material): GCell {
    if (m.wrong) return { v: 'A1' };
    const n = m.a % 120;
    switch (m.c % 4) {
      case 0:
        return { v: '新' };
      case 1:
        return { v: null };
      case 2:
        return this.target === 'xlsx' && m.asNumber ? { v: n } : { v: String(n).padStart(m.b % 2 ? 2 : 1, '0') };
      default:
        return { v: String(n).replace(/\d/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0)) };
    }
  }

  private place(m: Material, pillarName?: string): { pillar: GCell; sub: GCell } {
    if (m.wrong)
      return m.a % 2
        ? { pillar: { v: '存在しない体系' }, sub: { v: null } }
        : { pillar: { v: pillarName ?? this.data.pillars[0]!.name }, sub: { v: '存在しない分野' } };
    const p = pillarName ? (this.data.pillars.find((x) => x.name === pillarName) ?? this.data.pillars[0]!) : this.data.pillars[m.b % this.data.pillars.length]!;
    const k = m.c % (p.subAreas.length + 1);
    return { pillar: { v: p.name }, sub: k < p.subAreas.length ? { v: p.subAreas[k]!.name } : m.a % 2 ? { v: null } : { v: '' } };
  }

  private col(g: Grid, name: string): number {
    const k = g.header.indexOf(name);
    if (k < 0) throw new Error(`no column ${name} in ${g.sheet}: ${g.header.join(',')}`);
    return k;
  }

  private set(g: Grid, row: GRow, name: string, cell: GCell) {
    row.cells[this.col(g, name)] = cell;
    this.out.log.push(
      `${SHEET_NAME[g.sheet]} row ${g.rows.indexOf(row) + 2} [key ${row.key ?? '(new)'}] ${name} := ${JSON.stringify(cell.v)}${cell.fmt ? ` (numFmt ${cell.fmt})` : ''}`,
    );
  }

  private blankRow(g: Grid): GRow {
    return { cells: g.header.map(() => ({ v: this.target === 'csv' ? '' : null })), key: null };
  }

  apply(e: AbstractEdit) {
    const g = this.grid(e.sheet);
    if (!g) return;
    const m = e.m;
    const n = g.rows.length;
    const pick = (x: number) => g.rows[x % n]!;
    const touch = (row: GRow) => {
      if (!row.key) return;
      if (g.sheet === 'kpis') this.out.touchedKpis.add(row.key);
      else this.out.touchedInitiatives.add(row.key);
    };
    let kind = e.kind;
    if (g.sheet === 'kpis' && kind === 'add') kind = 'set';
    if (g.sheet === 'kpis' && kind === 'delete') kind = 'swap';
    if (n === 0 && kind !== 'add' && kind !== 'blankRow') return;

    if (kind === 'swap') {
      const a = m.a % n;
      const b = m.b % n;
      [g.rows[a], g.rows[b]] = [g.rows[b]!, g.rows[a]!];
      this.out.log.push(`${SHEET_NAME[g.sheet]} swap rows ${a + 2} and ${b + 2}`);
      return;
    }
    if (kind === 'blankRow') {
      const at = m.a % (n + 1);
      g.rows.splice(at, 0, this.blankRow(g));
      this.out.log.push(`${SHEET_NAME[g.sheet]} blank row inserted at ${at + 2}`);
      return;
    }
    if (kind === 'delete') {
      const row = pick(m.a);
      touch(row);
      g.rows.splice(g.rows.indexOf(row), 1);
      this.out.log.push(`${SHEET_NAME[g.sheet]} delete row [key ${row.key}]`);
      if (g.sheet === 'initiatives') {
        // A person deleting an initiative deletes its results too (the 実績 rows would point nowhere).
        const rs = this.grid('results');
        if (rs) rs.rows = rs.rows.filter((r) => r.key !== row.key);
      }
      return;
    }
    if (kind === 'badKey') {
      const row = pick(m.a);
      const other = pick(m.b).cells[0]!.v;
      const v = m.c % 2 || g.sheet !== 'initiatives' || other === row.cells[0]!.v ? `zz${m.c % 1000}` : other;
      this.set(g, row, g.header[0]!, { v });
      return;
    }

    if (g.sheet === 'initiatives') {
      if (kind === 'add') {
        const row = this.blankRow(g);
        g.rows.push(row);
        this.out.addsInitiatives = true;
        const place = this.place({ ...m, wrong: false });
        this.set(g, row, '番号', this.numberCell({ ...m, wrong: false }));
        this.set(g, row, '施策体系', place.pillar);
        this.set(g, row, '分野', place.sub);
        const title = this.textCell(m.text, m);
        this.set(g, row, '施策名', m.wrong ? { v: null } : String(title.v).trim() ? title : { v: `新しい施策${m.a}` });
        this.set(g, row, '担当課所', this.departmentsCell({ ...m, wrong: false }));
        this.set(g, row, '状況', this.statusCell({ ...m, wrong: false }));
        this.set(g, row, '施策内容', this.textCell({ ...m.text, core: Array.from(m.text.core).reverse().join('') }, m));
        this.set(g, row, '今年度の取組', this.textCell({ ...m.text, multiline: !m.text.multiline }, m));
        if (g.header.includes('実績（文章）')) this.set(g, row, '実績（文章）', m.c % 2 ? this.textCell({ ...m.text, multiline: true }, m) : { v: null });
        return;
      }
      const row = pick(m.a);
      touch(row);
      const field = INITIATIVE_FIELDS[e.field % INITIATIVE_FIELDS.length]!;
      switch (field) {
        case '番号':
          return this.set(g, row, field, this.numberCell(m));
        case '施策体系': {
          const p = this.place(m);
          this.set(g, row, '施策体系', p.pillar);
          return this.set(g, row, '分野', p.sub);
        }
        case '分野': {
          const current = row.cells[this.col(g, '施策体系')]!.v;
          return this.set(g, row, '分野', this.place(m, typeof current === 'string' ? current : undefined).sub);
        }
        case '施策名':
          return this.set(g, row, field, m.wrong ? { v: m.a % 2 ? null : ' ' } : this.textCell(m.text, m));
        case '担当課所':
          return this.set(g, row, field, this.departmentsCell(m));
        case '状況':
          return this.set(g, row, field, this.statusCell(m));
        case '施策内容':
        case '今年度の取組':
          return this.set(g, row, field, this.textCell(m.text, m));
        case '実績（文章）': {
          // Prose rewritten, emptied, or (as a person mostly does) a line added to what is there.
          if (m.wrong) return this.set(g, row, field, { v: null });
          const typed = this.textCell(m.text, m);
          const was = row.cells[this.col(g, field)]!.v;
          const appended = m.c % 3 === 0 && typeof was === 'string' && was !== '' && typeof typed.v === 'string' ? { v: `${was}\n${typed.v}` } : typed;
          return this.set(g, row, field, appended);
        }
      }
    }

    if (g.sheet === 'results') {
      if (kind === 'add') {
        const withResults = this.data.initiatives.filter((i) => i.results.length);
        const i = m.c % 3 === 0 && withResults.length ? withResults[m.a % withResults.length]! : this.data.initiatives[m.a % this.data.initiatives.length]!;
        const row = this.blankRow(g);
        row.key = i.key;
        this.out.touchedInitiatives.add(i.key);
        g.rows.splice(m.b % (n + 1), 0, row);
        this.set(g, row, '施策キー', { v: i.key });
        if (m.asNumber) this.set(g, row, '番号', { v: i.number ?? '新' });
        // A second row of an existing label (参加者数 under each course), or a new label.
        // Copied from the row above as the file shows it: a Shift_JIS file shows "?" for a character it cannot hold.
        const copied = i.results.length ? i.results[m.b % i.results.length]!.label : '';
        const label = m.c % 3 === 0 && i.results.length ? { v: this.encoding === 'sjis' ? cp932(copied) : copied } : this.textCell(m.text, m);
        this.set(g, row, '項目', m.wrong ? { v: null } : String(label.v).trim() ? label : { v: `新しい項目${m.b}` });
        this.set(g, row, '実績値', this.num(m));
        this.set(g, row, '目標値', this.num(m, true));
        this.set(g, row, '単位', { v: ['%', '件', '回', null, '人'][m.c % 5]! });
        this.set(g, row, '備考', this.textCell({ ...m.text, multiline: false }, m));
        return;
      }
      const row = pick(m.a);
      const fields = [...RESULT_FIELDS, '施策名', '番号'] as const;
      const field = fields[e.field % fields.length]!;
      if (field === '施策名' || field === '番号') return this.set(g, row, field, this.textCell(m.text, m)); // reference: ignored
      touch(row);
      switch (field) {
        case '項目':
          return this.set(g, row, field, m.wrong ? { v: null } : String(this.textCell(m.text, m).v).trim() ? this.textCell(m.text, m) : { v: `改名${m.b}` });
        case '実績値':
        case '目標値':
          return this.set(g, row, field, this.num(m));
        case '単位':
          return this.set(
            g,
            row,
            field,
            m.c % 3 ? { v: ['%', '件', '回', '', null, '人', ' % '][m.b % 7]! } : this.textCell({ ...m.text, multiline: false }, m),
          );
        case '備考':
          return this.set(g, row, field, this.textCell(m.text, m));
      }
    }

    if (g.sheet === 'kpis') {
      const row = pick(m.a);
      const years = g.header.map((h, k) => ({ h, k })).filter((x) => x.h.startsWith('実績'));
      const choice = e.field % (years.length + 3);
      if (choice === years.length + 2) return this.set(g, row, '指標名', this.textCell(m.text, m)); // reference: ignored
      touch(row);
      if (choice >= years.length) return this.set(g, row, '目標値', this.num(m));
      return this.set(g, row, years[choice]!.h, this.num(m));
    }
  }
}
