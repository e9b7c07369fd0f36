// What a source document said and where: the edition it describes plus the places that should agree
// with each other (contents lists, printed tables, spellings). Produced by importers, read by lint.
import type { EditionData, Status } from './model.ts';

export interface TocEntry {
  number: string | null;
  title: string;
  pillarName: string | null;
  /** The heading the entry was listed under (a sub-area, or the pillar itself). */
  heading: string | null;
  /** 'contents': the document's CONTENTS; 'pillar': the pillar title page's own list. */
  source: 'contents' | 'pillar';
  line: number;
}

export interface InitiativeSource {
  key: string;
  number: string | null;
  title: string;
  line: number;
  departmentsLine: number | null;
  statusLine: number | null;
  subAreaHeading: { name: string; line: number } | null;
  resultLines: number[];
  /** Result labels printed without a value. */
  danglingResults: { label: string; line: number }[];
}

export interface PrintedSummaryRow {
  pillarName: string;
  counts: Partial<Record<Status, number>>;
  total: number | null;
  isTotal: boolean;
  line: number;
}

export interface PrintedKpiRow {
  pillarName: string;
  name: string;
  targetText: string;
  /** Fiscal year → printed actual and printed progress rate (percent, without the sign). */
  cells: Record<string, { actual: string; rate: string | null }>;
  line: number;
}

export interface NameOccurrence {
  kind: 'pillar' | 'subArea' | 'department';
  name: string;
  line: number;
  where: string;
}

export interface ParsedPlanDocument {
  filename: string;
  data: EditionData;
  toc: TocEntry[];
  pages: InitiativeSource[];
  printed: { summary: PrintedSummaryRow[]; kpis: PrintedKpiRow[] };
  names: NameOccurrence[];
  /** Raw source lines, so findings can quote them. */
  lines: string[];
  warnings: { line: number; ja: string; en: string }[];
}
