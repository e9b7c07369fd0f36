// The spreadsheet layout staff fill in: which sheets, which columns, which are keys. One definition serves
// the export (xlsx and CSV) and the import, so what is written is exactly what is read back.
import { STATUS_LABELS, type Status } from './model.ts';

export interface SheetColumn {
  header: string;
  /** Keys identify the row and are protected in the workbook. */
  key?: boolean;
  /** Reference columns are for the reader's orientation and are ignored on import. */
  reference?: boolean;
  kind: 'text' | 'number' | 'status' | 'departments' | 'year';
  width: number;
  help: string;
}

export const INITIATIVE_SHEET = '施策';
export const RESULT_SHEET = '実績';
export const KPI_SHEET = 'KPI';
export const README_SHEET = '説明';
export const LIST_SHEET = 'リスト';

export const INITIATIVE_COLUMNS: SheetColumn[] = [
  { header: '施策キー', key: true, kind: 'text', width: 12, help: '施策を年度をまたいで識別するキー。変更しないでください。新しい施策の行は空欄にします。' },
  { header: '番号', kind: 'text', width: 6, help: '計画上の番号（01 など）。新規施策は「新」。' },
  { header: '施策体系', kind: 'text', width: 22, help: '既存の施策体系名。' },
  { header: '分野', kind: 'text', width: 26, help: '施策体系の中の分野名（ない場合は空欄）。' },
  { header: '施策名', kind: 'text', width: 40, help: '' },
  { header: '担当課所', kind: 'departments', width: 28, help: '複数の場合は「、」で区切ります。一覧から選ぶこともできます。' },
  { header: '状況', kind: 'status', width: 10, help: '完了／実施中／新規／休止／未着手 から選びます。' },
  { header: '施策内容', kind: 'text', width: 60, help: '' },
  { header: '今年度の取組', kind: 'text', width: 60, help: '' },
];

export const RESULT_COLUMNS: SheetColumn[] = [
  { header: '施策キー', key: true, kind: 'text', width: 12, help: '施策シートの施策キー。' },
  { header: '番号', reference: true, kind: 'text', width: 6, help: '参考（取り込みでは使いません）。' },
  { header: '施策名', reference: true, kind: 'text', width: 36, help: '参考（取り込みでは使いません）。' },
  { header: '項目', key: true, kind: 'text', width: 36, help: '実績の項目名。施策キーと項目で行を識別します。' },
  { header: '実績値', kind: 'number', width: 12, help: '数値のみ（単位は単位列へ）。全角数字・桁区切りも読めます。' },
  { header: '目標値', kind: 'number', width: 12, help: '数値のみ。ない場合は空欄。' },
  { header: '単位', kind: 'text', width: 8, help: '%、件、回 など。' },
  { header: '備考', kind: 'text', width: 30, help: '' },
];

export const KPI_FIXED_COLUMNS: SheetColumn[] = [
  { header: 'KPIキー', key: true, kind: 'text', width: 8, help: '変更しないでください。' },
  { header: '指標名', reference: true, kind: 'text', width: 44, help: '参考。' },
  { header: '施策体系', reference: true, kind: 'text', width: 20, help: '参考。' },
  { header: '単位', reference: true, kind: 'text', width: 8, help: '参考。' },
  { header: '目標値', kind: 'number', width: 12, help: '計画最終年度の目標値。' },
];

/** Header of a KPI actual column: "実績 2023年度". */
export function kpiYearHeader(fy: number): string {
  return `実績 ${fy}年度`;
}

export function parseKpiYearHeader(h: string): number | null {
  const m = /^実績\s*(\d{4})\s*年度$/.exec(h.normalize('NFKC').trim());
  return m ? Number(m[1]) : null;
}

export const STATUS_CHOICES: string[] = Object.values(STATUS_LABELS).map((l) => l[0]!);

export function statusFromLabel(label: string): Status | null {
  const t = label.normalize('NFKC').replace(/\s/g, '');
  for (const [s, labels] of Object.entries(STATUS_LABELS)) if (labels.includes(t)) return s as Status;
  return null;
}
