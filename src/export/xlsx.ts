// The edition (or one department's slice, or a blank template of the plan) as a workbook staff can fill in:
// key columns locked, status and departments chosen from drop-downs fed by the master data, widths and
// wrapping for Japanese text, columns named in the plan's words and following its shape (sheets.ts: its
// levels, sections, grades and schedule on the 施策 sheet, and the 指標 and マイルストーン sheets, every closed
// set of values a drop-down), and a 説明 sheet that says which organization, plan and year the workbook is
// for (checked when it is read back) and explains every column.
import ExcelJS from 'exceljs';
import type { EditionData } from '../domain/model.ts';
import {
  hasIndicatorSheet,
  hasMilestoneSheet,
  identityRows,
  indicatorCell,
  indicatorColumns,
  INDICATOR_SHEET,
  milestoneCell,
  milestoneColumns,
  MILESTONE_SHEET,
  initiativeCell,
  resultCell,
  initiativeColumns,
  INITIATIVE_SHEET,
  kpiFixedColumns,
  KPI_SHEET,
  LIST_SHEET,
  PROSE_HEADER,
  README_SHEET,
  resultColumns,
  RESULT_SHEET,
  STATUS_CHOICES,
  kpiYearHeader,
  type SheetColumn,
  type IndicatorField,
} from '../domain/sheets.ts';
import { neutralizeFormula } from './opendata.ts';
import { reportedResultsYear } from '../domain/results-year.ts';
import { fiscalYearLabel } from '../domain/wareki.ts';

export interface WorkbookOptions {
  /** Only initiatives this department owns (results follow their initiatives). */
  department?: string;
  /** Empty template: the sheets and lists, no rows. */
  blank?: boolean;
}

const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8F1FE' } };
const KEY_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF2F2F2' } };

function sheet(wb: ExcelJS.Workbook, name: string, columns: SheetColumn[]): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = columns.map((c) => ({ header: c.header, width: c.width }));
  const head = ws.getRow(1);
  head.font = { bold: true };
  head.fill = HEADER_FILL;
  head.alignment = { vertical: 'middle', wrapText: true };
  return ws;
}

function text(v: string | null): string | null {
  // A literal "_x000D_" in a cell is read by spreadsheet programs (and exceljs) as the character it
  // names; "_x005F_" escapes the underscore, so the text comes back as it was written.
  return v === null ? null : (neutralizeFormula(v) as string).replace(/_(x[0-9A-Fa-f]{4}_)/g, '_x005F_$1');
}

function num(v: string | null): number | string | null {
  // Numbers go in as numbers so Excel can sum them; a value Excel would not keep exactly (beyond a double,
  // or beyond the 15 significant digits Excel keeps and the import reads) stays text.
  if (v === null) return null;
  const n = Number(v);
  const digits = v.replace(/^-/, '').replace('.', '').replace(/^0+/, '').length;
  return String(n) === v && digits <= 15 ? n : v;
}

/** Unlocks the editable cells of a row and colours the keys, so protection leaves only keys fixed. */
function styleRow(row: ExcelJS.Row, columns: SheetColumn[]) {
  columns.forEach((c, k) => {
    const cell = row.getCell(k + 1);
    cell.alignment = { vertical: 'top', wrapText: true };
    if (c.key || c.reference) cell.fill = KEY_FILL;
    else cell.protection = { locked: false };
  });
}

/** The letter of a column (1 → A, 27 → AA), for the formulae of the drop-downs. */
function columnLetter(n: number): string {
  let out = '';
  for (let k = n; k > 0; k = Math.floor((k - 1) / 26)) out = String.fromCharCode(65 + ((k - 1) % 26)) + out;
  return out;
}

/**
 * The drop-downs of the columns that hold a closed set of values (a section's options, はい/いいえ, grades,
 * phases, an indicator's kind …), each list written once on the hidden list sheet from its column C on
 * (A and B hold the statuses and departments, as they always have).
 */
class ChoiceLists {
  private readonly at = new Map<string, string>();
  private next = 3;
  constructor(private readonly lists: ExcelJS.Worksheet) {}

  /** The range of the list sheet that holds these choices. */
  range(choices: readonly string[]): string {
    const id = JSON.stringify(choices);
    let range = this.at.get(id);
    if (!range) {
      const col = this.next++;
      choices.forEach((c, k) => (this.lists.getCell(k + 1, col).value = c));
      const letter = columnLetter(col);
      range = `${LIST_SHEET}!$${letter}$1:$${letter}$${Math.max(choices.length, 1)}`;
      this.at.set(id, range);
    }
    return range;
  }

  /** Drop-downs on rows from..to of every column of the layout that has choices. */
  apply(ws: ExcelJS.Worksheet, columns: readonly SheetColumn[], from: number, to: number) {
    columns.forEach((c, k) => {
      if (!c.choices?.length) return;
      const formula = this.range(c.choices);
      for (let r = from; r <= to; r++) {
        ws.getCell(r, k + 1).dataValidation = {
          type: 'list',
          allowBlank: true,
          formulae: [formula],
          showErrorMessage: true,
          errorTitle: c.header,
          error: '一覧から選んでください',
        };
      }
    });
  }
}

/** A cell of a number column as written: a number where Excel keeps it exactly, else text. */
function cellOf(c: SheetColumn, v: string | null): string | number | null {
  return c.kind === 'number' || c.kind === 'year' ? num(v) : text(v);
}

/** The 使い方 line on which year a new initiative's results are for: only a year something says, never one made up. */
function newResultsLine(thing: string, year: number | null): string {
  return year === null
    ? `・新しい${thing}の実績の年度は、${PROSE_HEADER}に「【令和5年度】」のように書いた年度になります。書かなければ年度の記載なしとして登録されます。`
    : `・新しい${thing}の実績は、${fiscalYearLabel(year)}の実績として登録されます（${PROSE_HEADER}に「【令和5年度】」のように年度を書けば、その年度）。`;
}

/** The 説明 sheet's rows for a sheet's columns; a series of columns (periods, years) is explained once. */
function explain(readme: ExcelJS.Worksheet, name: string, cols: readonly SheetColumn[]) {
  const seen = new Set<string>();
  for (const c of cols) {
    let header = c.header;
    if (c.series) {
      if (seen.has(c.series)) continue;
      seen.add(c.series);
      const last = cols.filter((x) => x.series === c.series).at(-1)!;
      if (last !== c) header = `${c.header} 〜 ${last.header}`;
    }
    readme.addRow([name, header, c.help]).alignment = { wrapText: true, vertical: 'top' };
  }
}

/** Spare rows below a sheet's rows, where staff add rows: editable, with the drop-downs. */
function spareRows(ws: ExcelJS.Worksheet, columns: readonly SheetColumn[], choiceLists: ChoiceLists) {
  const last = ws.rowCount;
  for (let r = last + 1; r <= last + 50; r++)
    styleRow(
      ws.getRow(r),
      columns.map((c) => ({ ...c, key: false, reference: false })),
    );
  choiceLists.apply(ws, columns, 2, last + 50);
}

/** The 使い方 lines on the parts of the plan's shape it has; none for a plan of the sample's shape. */
function shapeLines(data: EditionData): string[] {
  const s = data.plan.settings;
  const thing = s.initiativeName;
  const out: string[] = [];
  if (s.levels.length > 2)
    out.push(`・${s.levels.join(' → ')} の順に、上の階層の中の名前を書きます。下の階層を空欄にした${thing}は、その上の階層の直下に置かれます。`);
  if (s.fields?.some((f) => f.type !== 'text'))
    out.push('・金額・数値・日付・選択肢・はい/いいえの列は、その形で読み取れない値があると、行と列を示して取り込みません。');
  if (s.grades) out.push(`・評価の列が空欄の${thing}は、指標の進捗から評価を計算します。評価を書いた${thing}はその評価になり、評価の理由も記録されます。`);
  if (s.schedule) out.push(`・工程の列は期間ごとに、その期間の工程（${s.schedule.phases.join('／')}）を選びます。空欄はその期間に工程がないことを表します。`);
  if (hasIndicatorSheet(s))
    out.push(
      `・${INDICATOR_SHEET}シートには指標を1行に1つ書きます。シートに行がある${thing}の指標は、その行のとおりになります（行のない${thing}の指標はそのまま残ります）。新しい指標は指標キーを空欄にします。`,
    );
  if (hasMilestoneSheet(s))
    out.push(
      `・${MILESTONE_SHEET}シートには予定を1行に1つ書きます。シートに行がある${thing}のマイルストーンは、その行のとおりになります（行のない${thing}のものはそのまま残ります）。`,
    );
  return out;
}

export async function exportWorkbook(data: EditionData, opts: WorkbookOptions = {}): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'shisaku';
  wb.created = new Date(0);
  wb.modified = new Date(0);
  const words = data.plan.settings;
  const initiativeLayout = initiativeColumns(words, data.plan);
  const indicatorLayout = hasIndicatorSheet(words) ? indicatorColumns(words, data.plan) : null;
  const milestoneLayout = hasMilestoneSheet(words) ? milestoneColumns(words) : null;
  const resultLayout = resultColumns(words);
  const kpiLayout = kpiFixedColumns(words);
  const initiatives = opts.blank ? [] : data.initiatives.filter((i) => !opts.department || i.departments.includes(opts.department));
  const pillarName = new Map(data.pillars.map((p) => [p.key, p.name]));
  const fy = data.edition.fiscalYear;

  const readme = wb.addWorksheet(README_SHEET);
  readme.columns = [{ width: 18 }, { width: 18 }, { width: 90 }];
  readme.addRow([`${data.edition.title}（${fiscalYearLabel(fy)}）`]).font = { bold: true, size: 14 };
  readme.addRow([`${data.organization.name}（${data.organization.code}）${opts.department ? ` ／ ${opts.department}` : ''}`]);
  // Which organization, plan and year this workbook is for: the import refuses it for any other.
  for (const [label, value] of identityRows({ organization: data.organization, plan: data.plan, fiscalYear: fy })) readme.addRow([label, value]);
  readme.addRow([
    'この表の使い方: 白いセルを編集し、灰色のセル（キー）は変更しないでください。行の並べ替え・追加はできます。削除した行は、取り込み時に明示的に指定しない限り削除されません。列は見出しで読み取ります（列の順番は変えてもかまいません）。上の自治体コード・計画・年度は変更しないでください。ほかの自治体・計画・年度のブックは取り込めません。',
  ]);
  for (const line of [
    '・取り込むと、まず変更点の一覧が表示されます。一覧にあることだけが書き込まれ、同じファイルをもう一度取り込んでも変更はありません。',
    `・この計画にない${words.levels.join('・')}や未登録の担当課所を書くと、「新しく作成されるもの」として一覧に出ます。作成することを確かめたときだけ作成されます。`,
    '・実績値・目標値に「85%」のようにパーセント表示で入力した値は、見えている数値（85）として取り込みます。単位は単位列に書きます。',
    `・実績値を変えると、その実績の印刷用の行（「・項目 値単位 (目標)」）も新しい値で書き直されます。文章だけの行はそのまま残ります。${PROSE_HEADER}の列では、値の行を除いた文章を直せます。`,
    newResultsLine(words.initiativeName, reportedResultsYear(data.initiatives)),
    '・同じ項目名の実績が複数ある場合、値がまったく同じ行どうしを対応づけ、残りは上からの順番で対応づけます。並べ替えただけなら変更になりません。',
    `・番号は${words.initiativeName}ごとに一つです。ほかの${words.initiativeName}と同じ番号は取り込めません。キーが空の行でも、この版に同じ名前の${words.initiativeName}があれば、その${words.initiativeName}として扱います。`,
    "・「=」「+」「-」「@」で始まる文字は、表計算ソフトが数式として実行しないよう先頭に「'」を付けて書き出しています。取り込むときに外します。",
    '・Shift_JIS の CSV で表せない文字（「?」になる文字）は、変更していない部分では保存済みの文字のまま扱います。',
    ...shapeLines(data),
  ])
    readme.addRow([line]).alignment = { wrapText: false };
  readme.addRow([]);
  readme.addRow(['シート', '列', '説明']).font = { bold: true };
  for (const [name, cols] of [
    [INITIATIVE_SHEET, initiativeLayout],
    [RESULT_SHEET, resultLayout],
    [KPI_SHEET, kpiLayout],
  ] as const) {
    explain(readme, name, cols);
  }
  readme.addRow([KPI_SHEET, kpiYearHeader(fy), '各年度の実績値（数値のみ）。']);
  if (indicatorLayout) explain(readme, INDICATOR_SHEET, indicatorLayout);
  if (milestoneLayout) explain(readme, MILESTONE_SHEET, milestoneLayout);

  // Master data for the drop-downs, on a hidden sheet.
  const lists = wb.addWorksheet(LIST_SHEET, { state: 'hidden' });
  STATUS_CHOICES.forEach((s, k) => (lists.getCell(k + 1, 1).value = s));
  const departments = data.departments.map((d) => d.name);
  departments.forEach((d, k) => (lists.getCell(k + 1, 2).value = d));
  const choiceLists = new ChoiceLists(lists);

  const ws = sheet(wb, INITIATIVE_SHEET, initiativeLayout);
  for (const i of initiatives) {
    const row = ws.addRow(
      initiativeLayout.map((c) =>
        c.field === 'key' || c.field === 'number' || c.field === 'status' ? initiativeCell(data, i, c.field) : cellOf(c, initiativeCell(data, i, c.field)),
      ),
    );
    styleRow(row, initiativeLayout);
  }
  // Drop-downs on the data rows and on spare rows below, where staff add new initiatives.
  const statusColumn = initiativeLayout.findIndex((c) => c.field === 'status') + 1;
  const departmentColumn = initiativeLayout.findIndex((c) => c.field === 'departments') + 1;
  const spare = Math.max(initiatives.length + 50, 100);
  for (let r = 2; r <= spare + 1; r++) {
    ws.getCell(r, statusColumn).dataValidation = {
      type: 'list',
      allowBlank: true,
      formulae: [`${LIST_SHEET}!$A$1:$A$${STATUS_CHOICES.length}`],
      showErrorMessage: true,
      errorTitle: '状況',
      error: '一覧から選んでください',
    };
    if (departments.length) {
      // A list check would reject "課A、課B"; the drop-down offers names without enforcing them.
      ws.getCell(r, departmentColumn).dataValidation = {
        type: 'list',
        allowBlank: true,
        formulae: [`${LIST_SHEET}!$B$1:$B$${departments.length}`],
        showErrorMessage: false,
      };
    }
    if (r > initiatives.length + 1)
      styleRow(
        ws.getRow(r),
        initiativeLayout.map((c) => ({ ...c, key: false })),
      );
  }
  choiceLists.apply(ws, initiativeLayout, 2, spare + 1);

  const rs = sheet(wb, RESULT_SHEET, resultLayout);
  for (const i of initiatives) {
    for (const r of i.results) {
      styleRow(
        rs.addRow(
          resultLayout.map((c) =>
            c.field === 'actual' || c.field === 'target'
              ? num(resultCell(i, r, c.field))
              : c.field === 'key' || c.field === 'number'
                ? resultCell(i, r, c.field)
                : text(resultCell(i, r, c.field)),
          ),
        ),
        resultLayout,
      );
    }
  }
  // Spare rows for added results; the bound is fixed first because styling a row grows rowCount.
  const lastResultRow = rs.rowCount;
  for (let r = lastResultRow + 1; r <= lastResultRow + 50; r++)
    styleRow(
      rs.getRow(r),
      resultLayout.map((c) => ({ ...c, key: false, reference: false })),
    );

  const years: number[] = [];
  for (let y = data.plan.startFiscalYear; y <= data.plan.endFiscalYear; y++) years.push(y);
  const kpiColumns: SheetColumn[] = [
    ...kpiLayout,
    ...years.map((y) => ({ field: 'year', header: kpiYearHeader(y), kind: 'number' as const, width: 12, help: '' })),
  ];
  const ks = sheet(wb, KPI_SHEET, kpiColumns);
  if (!opts.department && !opts.blank) {
    for (const k of data.kpis) {
      styleRow(
        ks.addRow([
          k.key,
          text(k.name),
          text(pillarName.get(k.pillarKey) ?? ''),
          k.unit,
          num(k.target),
          ...years.map((y) => num(k.actuals[String(y)] ?? null)),
        ]),
        kpiColumns,
      );
    }
  }

  const shaped: ExcelJS.Worksheet[] = [];
  if (indicatorLayout) {
    const is = sheet(wb, INDICATOR_SHEET, indicatorLayout);
    for (const i of initiatives) {
      for (const ind of i.indicators ?? []) {
        styleRow(
          is.addRow(
            indicatorLayout.map((c) => {
              const v = indicatorCell(i, ind, c.field);
              if (c.field === 'key' || c.field === 'number' || c.field === 'indicatorKey') return v;
              // A qualitative indicator's 実績 says 達成 / 未達成 in words.
              if (c.field.startsWith('actual:') && ind.qualitative !== null) return text(v);
              return c.field === 'baselineYear' || c.field === 'targetYear' ? (v === null ? null : Number(v)) : cellOf(c, v);
            }),
          ),
          indicatorLayout,
        );
      }
    }
    spareRows(is, indicatorLayout as SheetColumn<IndicatorField>[], choiceLists);
    shaped.push(is);
  }
  if (milestoneLayout) {
    const ms = sheet(wb, MILESTONE_SHEET, milestoneLayout);
    for (const i of initiatives) {
      for (const m of i.milestones ?? []) {
        styleRow(
          ms.addRow(milestoneLayout.map((c) => (c.field === 'key' ? milestoneCell(i, m, c.field) : text(milestoneCell(i, m, c.field))))),
          milestoneLayout,
        );
      }
    }
    spareRows(ms, milestoneLayout, choiceLists);
    shaped.push(ms);
  }

  for (const w of [ws, rs, ks, ...shaped]) {
    await w.protect('', {
      selectLockedCells: true,
      selectUnlockedCells: true,
      formatColumns: true,
      formatRows: true,
      insertRows: true,
      sort: true,
      autoFilter: true,
    });
  }
  return new Uint8Array(await wb.xlsx.writeBuffer());
}
