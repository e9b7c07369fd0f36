// Importer for a plan in the layout of a converted action-plan PDF (the bundled 日立市 sample): a cover
// with the summary table (計画の進捗状況) and KPI table (KPIの達成状況), a CONTENTS list, then per pillar
// a title page with its own contents and one block per initiative ("01. 題名", 担当課所, status,
// 施策内容, R5取組, 実績【令和4年度】).
//
// It reads what the document says and records where it said it; it never corrects the document. The
// linter (src/domain/lint.ts) compares the places that should agree. Nothing here depends on line
// numbers or exact spacing: landmarks are found by their normalized text. This file finds the landmarks
// and assembles the EditionData; an initiative's block is read by plan-text/block.ts, the cover's tables
// by plan-text/tables.ts, the values in a block by plan-text/values.ts.
import { createHash } from 'node:crypto';
import iconv from 'iconv-lite';
import {
  DEFAULT_PLAN_SETTINGS,
  initiativeLabel,
  type EditionData,
  type Initiative,
  type Kpi,
  type Organization,
  type Pillar,
  type PlanSettings,
} from '../domain/model.ts';
import { departmentMissing } from '../domain/plan-rules.ts';
import { utf8CutMidCharacter } from '../domain/encoding.ts';
import type { InitiativeSource, NameOccurrence, ParsedPlanDocument, PrintedKpiRow, TocEntry } from '../domain/plan-document.ts';
import { isBlank, sameCharacters, squash, toLines } from './plan-text/lines.ts';
import { valuesOnLine } from './plan-text/values.ts';
import { HEADER, parseBlock } from './plan-text/block.ts';
import { readKpiTable, readSummaryTable, splitValue } from './plan-text/tables.ts';
import { documentResultsYear, statedResultsYear } from '../domain/results-year.ts';

export class PlanTextError extends Error {
  constructor(
    readonly ja: string,
    readonly en: string,
    readonly line?: number,
  ) {
    super(`${line ? `${line}行目: ` : ''}${ja} / ${en}`);
    this.name = 'PlanTextError';
  }
}

export interface ParseOptions {
  organization: Organization;
  /** Overrides the year printed in the title. */
  fiscalYear?: number;
  /**
   * The edition's 出典 line as the person importing gives it. Without it, the document's own 出典 line
   * where its cover prints one; otherwise none. It is never composed from the organization's name.
   */
  source?: string | null;
  filename?: string;
}

export type {
  TocEntry,
  InitiativeSource,
  PrintedSummaryRow,
  PrintedKpiRow,
  NameOccurrence,
  ParsedPlanDocument,
} from '../domain/plan-document.ts';

// ---- Bytes to text ---------------------------------------------------------------------------------

/**
 * UTF-8 is tried strictly first; Shift_JIS (cp932), still common from older office software, is the
 * fallback when the bytes are not UTF-8. Binary data is refused rather than decoded into noise.
 */
export function decodePlanBytes(bytes: Uint8Array): string {
  if (bytes.length === 0) throw new PlanTextError('ファイルが空です', 'the file is empty');
  const sample = bytes.subarray(0, 8192);
  let control = 0;
  for (const b of sample) if (b === 0 || (b < 9 && b !== 0) || (b > 13 && b < 32 && b !== 27)) control++;
  if (sample.includes(0) || control > sample.length * 0.01) {
    throw new PlanTextError('バイナリファイルです。計画のテキストファイル（UTF-8）を指定してください', 'binary data, not a plan text file');
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    if (utf8CutMidCharacter(bytes)) {
      throw new PlanTextError(
        'ファイルが途中で切れています（最後の文字が欠けた UTF-8 です）。元のファイルをもう一度保存するか、コピーし直してください',
        'the file is UTF-8 cut off in the middle of a character (truncated); copy or save it again',
      );
    }
    const text = iconv.decode(Buffer.from(bytes), 'cp932');
    if (text.includes('\uFFFD')) {
      throw new PlanTextError(
        '文字コードを判別できません。UTF-8 で保存し直してください',
        'unknown encoding: neither UTF-8 nor Shift_JIS; save the file as UTF-8',
      );
    }
    return text;
  }
}

// ---- Parsing ---------------------------------------------------------------------------------------

export function initiativeKey(orgCode: string, title: string): string {
  return createHash('sha1')
    .update(`${orgCode}:${squash(title)}`)
    .digest('hex')
    .slice(0, 8);
}

function checkText(text: string) {
  if (text.trim() === '') throw new PlanTextError('ファイルが空です', 'the file is empty');
  if (/\u0000/.test(text)) throw new PlanTextError('バイナリファイルです', 'binary data, not text');
  if (text.includes('\uFFFD')) {
    throw new PlanTextError(
      '文字化けがあります（Shift_JIS のファイルを UTF-8 として読んだ可能性があります）。UTF-8 で保存し直してください',
      'the text contains replacement characters (a Shift_JIS file read as UTF-8?); save it as UTF-8',
    );
  }
}

/**
 * Text extracted from a PDF separates pages with form feeds and carries each page's footer (its page
 * number) just before one. Footers are blanked rather than removed so line numbers stay those of the file.
 */
function dropPageFooters(text: string): string {
  if (!text.includes('\f')) return text;
  const pages = text.split('\f').map((page) => {
    const lines = page.split('\n');
    for (let i = lines.length - 1; i >= 0; i--) {
      if (lines[i]!.trim() === '') continue;
      if (/^\s*[-–—]?\s*\d{1,4}\s*[-–—]?\s*$/.test(lines[i]!)) lines[i] = '';
      break;
    }
    return lines.join('\n');
  });
  return pages.join('\n');
}

/** Cover lines that are metadata, not catch copy or lead: the year, the plan, the source. */
function isCoverMeta(text: string, orgName: string): boolean {
  return /^(令和|平成)(\d+|元)年度/.test(text) || /^出典\s*[:：]/.test(text) || text === orgName || /計画[（(]/.test(text);
}

export function parsePlanText(text: string, opts: ParseOptions): ParsedPlanDocument {
  checkText(text);
  const lines = toLines(dropPageFooters(text));
  const warnings: ParsedPlanDocument['warnings'] = [];
  const names: NameOccurrence[] = [];

  // Initiative headers: "NN. 題名" followed by 施策内容 before the next header.
  const headerIdx: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!HEADER.test(lines[i]!.text)) continue;
    for (let j = i + 1; j < lines.length && j < i + 40; j++) {
      if (lines[j]!.text === '施策内容') {
        headerIdx.push(i);
        break;
      }
      if (HEADER.test(lines[j]!.text)) break;
    }
  }
  if (headerIdx.length === 0) {
    throw new PlanTextError(
      '計画テキストとして読めません: 施策（「01. 題名」の行と「施策内容」）が1件も見つかりません',
      'not a plan text: no initiative ("01. title" followed by 施策内容) found',
    );
  }

  const findLine = (re: RegExp, from = 0, to = lines.length) => {
    for (let i = from; i < to; i++) if (re.test(lines[i]!.text)) return i;
    return -1;
  };

  // Cover: title, tagline, lead.
  const firstIdx = lines.findIndex((l) => !isBlank(l));
  const titleText = lines[firstIdx]!.text;
  const editionTitle = titleText.replace(/\s+/g, '');
  const yearMatch = /(20\d{2})/.exec(titleText);
  const fiscalYear = opts.fiscalYear ?? (yearMatch ? Number(yearMatch[1]) : NaN);
  if (!Number.isInteger(fiscalYear)) {
    throw new PlanTextError('年度が分かりません。--year で指定してください', 'no fiscal year in the title; pass --year', lines[firstIdx]!.no);
  }
  const orgName = opts.organization.name || (/^(\S+?[都道府県市区町村])/.exec(titleText)?.[1] ?? '');

  const summaryIdx = findLine(/計画の進捗状況$/);
  const kpiIdx = findLine(/KPI\s*の?\s*達成状況$/);
  const contentsIdx = findLine(/^(CONTENTS|目次)$/i);
  const coverEnd = [summaryIdx, kpiIdx, contentsIdx, headerIdx[0]!].filter((i) => i >= 0).sort((a, b) => a - b)[0]!;
  const taglineLines: string[] = [];
  const leadParas: string[] = [];
  let coverSource: string | null = null;
  for (let i = firstIdx + 1; i < coverEnd; i++) {
    const l = lines[i]!;
    if (coverSource === null && /^出典\s*[:：]/.test(l.text)) coverSource = l.display;
    if (isBlank(l) || isCoverMeta(l.text, orgName)) continue;
    if (leadParas.length === 0 && !/。$/.test(l.text)) taglineLines.push(l.display);
    else leadParas.push(l.display);
  }

  // 計画の進捗状況 as printed.
  const summary = summaryIdx >= 0 ? readSummaryTable(lines, summaryIdx) : [];
  const pillarNames = summary.filter((r) => !r.isTotal).map((r) => r.pillarName);
  summary.filter((r) => !r.isTotal).forEach((r) => names.push({ kind: 'pillar', name: r.pillarName, line: r.line, where: '計画の進捗状況' }));

  // KPIの達成状況 as printed.
  let printedKpis: PrintedKpiRow[] = [];
  let kpiYears: number[] = [];
  let kpiTargetYear: number | null = null;
  if (kpiIdx >= 0) {
    ({ printedKpis, kpiYears, kpiTargetYear } = readKpiTable(lines, kpiIdx, contentsIdx > kpiIdx ? contentsIdx : headerIdx[0]!, pillarNames, names));
  }

  // Pillar title pages: a pillar's name followed, within a few lines, by its catch copy ending in 。.
  const matchPillar = (s: string) => pillarNames.find((p) => squash(p) === squash(s)) ?? pillarNames.find((p) => sameCharacters(p, s));
  const titlePages: { idx: number; printed: string; summaryName: string }[] = [];
  for (let i = 0; i < headerIdx[0]! || (i < lines.length && titlePages.length < pillarNames.length); i++) {
    const l = lines[i]!;
    if (isBlank(l) || l.bullet) continue;
    const p = matchPillar(l.text);
    if (!p || titlePages.some((t) => t.summaryName === p)) continue;
    let seen = 0;
    for (let j = i + 1; j < lines.length && seen < 4; j++) {
      const n = lines[j]!;
      if (isBlank(n)) continue;
      seen++;
      if (n.bullet || HEADER.test(n.text)) break;
      if (/。$/.test(n.text)) {
        titlePages.push({ idx: i, printed: l.display, summaryName: p });
        break;
      }
    }
  }
  titlePages.sort((a, b) => a.idx - b.idx);
  if (titlePages.length === 0 && pillarNames.length) {
    warnings.push({ line: lines[headerIdx[0]!]!.no, ja: '施策体系の扉ページが見つかりません', en: 'no pillar title pages found' });
  }

  // CONTENTS.
  const toc: TocEntry[] = [];
  const parseTocRange = (from: number, to: number, source: TocEntry['source'], pillarAtStart: string | null) => {
    let pillar = pillarAtStart;
    let heading: string | null = null;
    let lastWasHeading = false;
    for (let i = from; i < to; i++) {
      const l = lines[i]!;
      if (isBlank(l)) continue;
      const stripped = l.text.replace(/<[^>]*>/g, '\u0001');
      const [before, after] = stripped.includes('\u0001') ? [stripped.split('\u0001')[0]!, stripped.split('\u0001').slice(1).join(' ')] : [null, null];
      if (!l.bullet && /^[（(].*[）)]$/.test(l.text) && toc.length && toc[toc.length - 1]!.line >= from) {
        // A wrapped contents entry: "- 06 職員研修の実施" / "（デジタル人材育成）".
        toc[toc.length - 1]!.title += l.text;
        continue;
      }
      const entryText = after ?? (l.bullet || /^(\d{2}|新)\s+\S/.test(l.text) ? l.text : null);
      const headingText = before ?? (entryText === null ? l.text : null);
      if (headingText?.trim()) {
        const h = headingText.trim();
        const pillarHit = pillarNames.find((p) => h.startsWith(p)) ?? pillarNames.find((p) => sameCharacters(h.slice(0, p.length), p));
        if (pillarHit) {
          pillar = source === 'contents' ? pillarHit : pillar;
          names.push({ kind: 'pillar', name: h.slice(0, pillarHit.length), line: l.no, where: source === 'contents' ? 'CONTENTS' : '扉ページの目次' });
          const rest = h.slice(pillarHit.length).trim();
          heading = rest ? rest : null;
        } else {
          // Headings listed one after another with no entries between them (業務効率化's page lists
          // three sub-areas, then all entries) are one heading for the entries that follow.
          heading = lastWasHeading && heading ? `${heading} ${h}` : h;
        }
        if (heading) {
          // A heading line may list several sub-areas at once ("情報システムの標準化 AI・RPAの利用促進").
          names.push({ kind: 'subArea', name: heading, line: l.no, where: source === 'contents' ? 'CONTENTS' : '扉ページの目次' });
        }
      }
      lastWasHeading = !entryText;
      if (entryText) {
        for (const m of entryText.matchAll(/(?:^|\s)(\d{2}|新)\s+(.+?)(?=\s+(?:\d{2}|新)\s|$)/g)) {
          // A printed contents has page numbers after the title ("01 題名 …… 5").
          const title = m[2]!.replace(/[\s.…・]*\s\d{1,4}$/, '').trim();
          toc.push({ number: m[1] === '新' ? null : m[1]!, title, pillarName: pillar, heading, source, line: l.no });
        }
      }
    }
  };
  if (contentsIdx >= 0) parseTocRange(contentsIdx + 1, titlePages[0]?.idx ?? headerIdx[0]!, 'contents', null);

  // Pillars and their pages.
  const pillars: Pillar[] = [];
  const initiatives: Initiative[] = [];
  const pages: InitiativeSource[] = [];
  const usedKeys = new Set<string>();
  const departmentsSeen: string[] = [];

  // Without title pages the whole document is one pillar that starts at its first initiative, which is
  // read as an initiative, not as the pillar's title.
  const regions =
    titlePages.length > 0
      ? titlePages.map((t, k) => ({ start: t.idx, end: titlePages[k + 1]?.idx ?? lines.length, printed: t.printed, summaryName: t.summaryName, titled: true }))
      : [{ start: headerIdx[0]!, end: lines.length, printed: pillarNames[0] ?? '施策', summaryName: pillarNames[0] ?? '施策', titled: false }];

  for (const [pi, region] of regions.entries()) {
    const pillarKey = `p${pi + 1}`;
    if (region.titled) names.push({ kind: 'pillar', name: region.printed, line: lines[region.start]!.no, where: '扉ページ' });
    // Catch copy: lines up to the last consecutive one ending in 。.
    let i = region.titled ? region.start + 1 : region.start;
    const tagline: string[] = [];
    let sawStop = false;
    for (; i < region.end; i++) {
      const l = lines[i]!;
      if (isBlank(l)) continue;
      const ends = /。$/.test(l.text);
      if (sawStop && !ends) break;
      if (l.bullet || HEADER.test(l.text)) break;
      tagline.push(l.display);
      if (ends) sawStop = true;
    }
    const firstHeader = headerIdx.find((h) => h >= i && h < region.end) ?? region.end;
    const firstSub = findLine(/^○/, i, firstHeader);
    const tocEnd = firstSub >= 0 ? firstSub : firstHeader;
    const tocStartCount = toc.length;
    parseTocRange(i, tocEnd, 'pillar', region.summaryName);
    const pillarToc = toc.slice(tocStartCount);
    const tocHeadings = names.filter((n) => n.kind === 'subArea' && n.line >= (lines[i]?.no ?? Infinity) && n.line < (lines[tocEnd]?.no ?? Infinity));

    const pillar: Pillar = { key: pillarKey, name: region.printed, tagline: tagline.join('\n') || null, subAreas: [] };
    pillars.push(pillar);
    let subAreaKey: string | null = null;
    let subAreaHeading: InitiativeSource['subAreaHeading'] = null;
    // Initiatives printed before the first ○ heading belong to the first heading the pillar's own
    // contents lists, unless that heading is the pillar itself.
    const implicit = tocHeadings.find((h) => !matchPillar(h.name));
    const firstPageHeader = headerIdx.find((h) => h >= tocEnd && h < region.end);
    if (implicit && firstPageHeader !== undefined && (firstSub < 0 || firstPageHeader < firstSub)) {
      const name = implicit.name.split(' ')[0]!;
      subAreaKey = `${pillarKey}-s1`;
      pillar.subAreas.push({ key: subAreaKey, name });
      subAreaHeading = { name, line: implicit.line };
    }

    for (let k = tocEnd; k < region.end; k++) {
      const l = lines[k]!;
      if (/^[○◯]/.test(l.text)) {
        const name = l.display.replace(/^[○◯]\s*/, '');
        subAreaKey = `${pillarKey}-s${pillar.subAreas.length + 1}`;
        pillar.subAreas.push({ key: subAreaKey, name });
        subAreaHeading = { name, line: l.no };
        names.push({ kind: 'subArea', name, line: l.no, where: '本文の見出し' });
        continue;
      }
      if (!headerIdx.includes(k)) continue;
      const end = Math.min(
        headerIdx.find((h) => h > k) ?? region.end,
        region.end,
        (() => {
          const s = findLine(/^○/, k + 1, region.end);
          return s < 0 ? region.end : s;
        })(),
      );
      const parsed = parseBlock(lines, k, end);
      let key = initiativeKey(opts.organization.code, parsed.title);
      for (let n = 2; usedKeys.has(key); n++) key = `${initiativeKey(opts.organization.code, parsed.title)}-${n}`;
      usedKeys.add(key);
      for (const d of parsed.departments) {
        if (!departmentsSeen.includes(d)) departmentsSeen.push(d);
        names.push({ kind: 'department', name: d, line: parsed.departmentsLine ?? l.no, where: `${parsed.number ?? '新'}. ${parsed.title}` });
      }
      if (!parsed.status) {
        warnings.push({ line: l.no, ja: `施策「${parsed.title}」の状況（完了/実施中/新規）がありません`, en: `no status for "${parsed.title}"` });
      }
      initiatives.push({
        key,
        number: parsed.number,
        title: parsed.title,
        pillarKey,
        subAreaKey,
        departments: parsed.departments,
        status: parsed.status ?? (parsed.number === null ? 'new' : 'in_progress'),
        content: parsed.content,
        plan: parsed.plan,
        planTargets: parsed.planTargets,
        resultsFiscalYear: parsed.resultsFiscalYear,
        results: parsed.results.results,
        resultsText: parsed.resultsText,
      });
      pages.push({
        key,
        number: parsed.number,
        title: parsed.title,
        line: l.no,
        departmentsLine: parsed.departmentsLine,
        statusLine: parsed.statusLine,
        subAreaHeading,
        resultLines: parsed.results.lines,
        danglingResults: parsed.results.dangling,
      });
      k = end - 1;
    }
    void pillarToc;
  }
  // Results whose block names no year are those of the one year the document's other results name;
  // where it names none, the year is unknown (null), never assumed, and lint says so (results-year).
  const namedYear = documentResultsYear(initiatives);
  if (namedYear !== null) for (const i of initiatives) if (statedResultsYear(i.resultsText) === null) i.resultsFiscalYear = namedYear;
  // KPIs, from the printed table; progress is recomputed, never copied.
  const kpis: Kpi[] = printedKpis.map((row, n) => {
    const target = splitValue(row.targetText);
    const matched = matchPillar(row.pillarName);
    const pillarIndex = matched === undefined ? -1 : pillarNames.indexOf(matched);
    const actuals: Record<string, string> = {};
    for (const [fy, cell] of Object.entries(row.cells)) {
      const v = splitValue(cell.actual);
      if (v.value !== null) actuals[fy] = v.value;
      else warnings.push({ line: row.line, ja: `KPI「${row.name}」の実績値「${cell.actual}」が数値ではありません`, en: `KPI actual is not a number` });
    }
    if (target.value === null) {
      warnings.push({ line: row.line, ja: `KPI「${row.name}」の目標値「${row.targetText}」が数値ではありません`, en: `KPI target is not a number` });
    }
    const firstActual = Object.values(actuals)[0];
    const byTitle = initiatives.find((i) => squash(row.name).includes(squash(i.title)));
    const byValue = firstActual ? initiatives.filter((i) => i.results.some((r) => r.actual === firstActual)) : [];
    return {
      key: `k${n + 1}`,
      name: row.name,
      pillarKey: pillarIndex >= 0 ? `p${pillarIndex + 1}` : 'p1',
      unit: target.unit ?? splitValue(Object.values(row.cells)[0]?.actual ?? '').unit,
      target: target.value ?? '0',
      targetFiscalYear: kpiTargetYear ?? kpiYears[kpiYears.length - 1] ?? fiscalYear + 3,
      direction: 'higher',
      baseline: null,
      actuals,
      initiativeKey: byTitle?.key ?? (byValue.length === 1 ? byValue[0]!.key : null),
    };
  });

  const planTitleMatch = orgName ? new RegExp(`${orgName}[^\\s（()「」、。]*?推進計画`).exec(text.normalize('NFKC')) : null;
  const startFiscalYear = kpiYears[0] ?? fiscalYear - 1;
  const endFiscalYear = kpiTargetYear ?? kpiYears[kpiYears.length - 1] ?? fiscalYear + 3;

  const data: EditionData = {
    organization: { code: opts.organization.code, name: orgName },
    plan: {
      title: planTitleMatch?.[0] ?? editionTitle.replace(/アクションプラン\s*\d{4}$/, '計画'),
      startFiscalYear,
      endFiscalYear,
      settings: structuredClone(DEFAULT_PLAN_SETTINGS),
    },
    edition: {
      fiscalYear,
      title: editionTitle,
      tagline: taglineLines.join('') || null,
      lead: leadParas.join('\n\n') || null,
      source: (opts.source === undefined ? coverSource : opts.source)?.trim() || null,
      state: 'published',
    },
    pillars,
    initiatives,
    kpis,
    departments: departmentsSeen.map((name) => ({ name, aliases: [] })),
  };
  return {
    filename: opts.filename ?? 'plan.txt',
    data,
    toc,
    pages,
    printed: { summary, kpis: printedKpis },
    names,
    lines: lines.map((l) => l.raw),
    warnings,
  };
}

/**
 * Refuses a document whose initiatives lack the department their plan requires (its departmentRequired
 * setting; the sample's plan requires one), naming each by its line. The workbook of such a plan would
 * refuse the same rows, so they are refused here, where the document can still be corrected.
 */
export function refuseMissingDepartments(doc: ParsedPlanDocument, settings: Pick<PlanSettings, 'departmentRequired'>): void {
  const lacking = doc.data.initiatives.filter((i) => departmentMissing(settings, i.departments));
  if (!lacking.length) return;
  const lineOf = new Map(doc.pages.map((p) => [p.key, p.line]));
  const named = lacking.slice(0, 10).map((i) => `${lineOf.get(i.key) ?? '?'}行目「${initiativeLabel(i)}. ${i.title}」`);
  throw new PlanTextError(
    `担当課所のない施策が ${lacking.length} 件あります（この計画では担当課所が必須です）: ${named.join('、')}${lacking.length > 10 ? ' ほか' : ''}`,
    `${lacking.length} initiative(s) without a department, which this plan requires`,
  );
}

export { splitValue } from './plan-text/tables.ts';
export { valuesOnLine };
