// The edition (or one department's slice, or a blank template of the plan) as a workbook staff can fill in:
// key columns locked, status and departments chosen from drop-downs fed by the master data, widths and
// wrapping for Japanese text, columns named in the plan's words, and a 説明 sheet that says which
// organization, plan and year the workbook is for (checked when it is read back) and explains every column.
import ExcelJS from 'exceljs';
import type { EditionData } from '../domain/model.ts';
import {
  identityRows,
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

/** The 使い方 line on which year a new initiative's results are for: only a year something says, never one made up. */
function newResultsLine(thing: string, year: number | null): string {
  return year === null
    ? `・新しい${thing}の実績の年度は、${PROSE_HEADER}に「【令和5年度】」のように書いた年度になります。書かなければ年度の記載なしとして登録されます。`
    : `・新しい${thing}の実績は、${fiscalYearLabel(year)}の実績として登録されます（${PROSE_HEADER}に「【令和5年度】」のように年度を書けば、その年度）。`;
}

export async function exportWorkbook(data: EditionData, opts: WorkbookOptions = {}): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'shisaku';
  wb.created = new Date(0);
  wb.modified = new Date(0);
  const words = data.plan.settings;
  const initiativeLayout = initiativeColumns(words);
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
  ])
    readme.addRow([line]).alignment = { wrapText: false };
  readme.addRow([]);
  readme.addRow(['シート', '列', '説明']).font = { bold: true };
  for (const [name, cols] of [
    [INITIATIVE_SHEET, initiativeLayout],
    [RESULT_SHEET, resultLayout],
    [KPI_SHEET, kpiLayout],
  ] as const) {
    for (const c of cols) readme.addRow([name, c.header, c.help]).alignment = { wrapText: true, vertical: 'top' };
  }
  readme.addRow([KPI_SHEET, kpiYearHeader(fy), '各年度の実績値（数値のみ）。']);

  // Master data for the drop-downs, on a hidden sheet.
  const lists = wb.addWorksheet(LIST_SHEET, { state: 'hidden' });
  STATUS_CHOICES.forEach((s, k) => (lists.getCell(k + 1, 1).value = s));
  const departments = data.departments.map((d) => d.name);
  departments.forEach((d, k) => (lists.getCell(k + 1, 2).value = d));

  const ws = sheet(wb, INITIATIVE_SHEET, initiativeLayout);
  for (const i of initiatives) {
    const row = ws.addRow(
      initiativeLayout.map((c) =>
        c.field === 'key' || c.field === 'number' || c.field === 'status' ? initiativeCell(data, i, c.field) : text(initiativeCell(data, i, c.field)),
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

  for (const w of [ws, rs, ks]) {
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
