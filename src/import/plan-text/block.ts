// One initiative's block of a plan text ("01. 題名", its departments and status, 施策内容, R5取組, 実績)
// read into its parts, with the header and department helpers it needs. Apart from the document-level
// parser in plan-text.ts, which finds the blocks and assembles the edition.
import { parseStatus, type Status } from '../../domain/model.ts';
import { statedResultsYear } from '../../domain/results-year.ts';
import { isBlank, type Line } from './lines.ts';
import { parsePlanTargets, parseResults } from './values.ts';

export const HEADER = /^(\d{1,3}|新)\s*\.\s*(\S.*)$/;
const DEPARTMENT_SUFFIX = /(課|課所|所|局|室|館|センター|本部|事務所|事務局|支所)$/;
const PLAN_HEADING = /^(?:R\s*\d+|令和\s*\d+\s*年度|今年度)\s*の?\s*取組$/;

function isDepartmentList(s: string): boolean {
  const parts = s.split(/[、,]/).map((p) => p.trim());
  return parts.length > 0 && parts.every((p) => p.length >= 2 && !/\s/.test(p) && DEPARTMENT_SUFFIX.test(p));
}

/** Splits "題名 デジタル推進課、関係課所 実施中" into its parts; either tail may be absent. */
function splitHeaderTail(text: string): { title: string; departments: string | null; status: Status | null } {
  let rest = text.trim();
  let status: Status | null = null;
  const lastSpace = rest.lastIndexOf(' ');
  if (lastSpace > 0) {
    const s = parseStatus(rest.slice(lastSpace + 1));
    if (s) {
      status = s;
      rest = rest.slice(0, lastSpace).trim();
    }
  }
  let departments: string | null = null;
  const i = rest.lastIndexOf(' ');
  if (i > 0 && isDepartmentList(rest.slice(i + 1))) {
    departments = rest.slice(i + 1);
    rest = rest.slice(0, i).trim();
  }
  return { title: rest, departments, status };
}

function splitDepartments(s: string): string[] {
  return s
    .split(/[、,，]/)
    .map((d) => d.replace(/\s/g, ''))
    .filter(Boolean);
}

/** Joins lines a PDF wrapped mid-sentence; keeps a line break after a full stop or before a bullet. */
function joinParagraphs(lines: Line[]): string {
  let out = '';
  for (const l of lines) {
    if (isBlank(l)) continue;
    const piece = (l.bullet ? '・' : '') + l.display;
    if (out === '') out = piece;
    else if (/[。）)」]$/.test(out) || l.bullet || /^[・※（(]/.test(piece)) out += `\n${piece}`;
    else out += piece;
  }
  return out;
}

/** The block from the header at `start` to `end` (the next header or ○ heading), read into its parts. */
export function parseBlock(lines: Line[], start: number, end: number) {
  const m = HEADER.exec(lines[start]!.text)!;
  const number = m[1] === '新' ? null : m[1]!.padStart(2, '0');
  const tail = splitHeaderTail(lines[start]!.display.replace(/^(?:\d{1,3}|[０-９]{1,3}|新)\s*[.．]\s*/, ''));
  let status: Status | null = tail.status;
  let statusLine: number | null = status ? lines[start]!.no : null;
  const deptParts: string[] = tail.departments ? [tail.departments] : [];
  let departmentsLine: number | null = tail.departments ? lines[start]!.no : null;
  let phase: 'pre' | 'content' | 'plan' | 'results' = 'pre';
  const content: Line[] = [];
  const plan: Line[] = [];
  const results: Line[] = [];
  for (let i = start + 1; i < end; i++) {
    const l = lines[i]!;
    const t = l.text;
    if (t === '施策内容') {
      phase = 'content';
      continue;
    }
    if (PLAN_HEADING.test(t) && phase !== 'results') {
      phase = 'plan';
      continue;
    }
    if (t === '実績' && phase !== 'results') {
      phase = 'results';
      continue;
    }
    if (phase === 'pre') {
      if (isBlank(l)) continue;
      const s = parseStatus(t);
      if (s) {
        status = s;
        statusLine = l.no;
        continue;
      }
      const d = l.display;
      const tailed = splitHeaderTail(`x ${d}`);
      if (tailed.status) {
        status = tailed.status;
        statusLine = l.no;
      }
      const deptText = tailed.status ? d.slice(0, d.lastIndexOf(' ')).trim() : d;
      if (deptText) {
        // A name broken over two lines ("かみね公園" / "管理事務所") continues the previous part.
        const prev = deptParts[deptParts.length - 1];
        if (prev !== undefined && !DEPARTMENT_SUFFIX.test(prev) && !/[、,]$/.test(prev)) deptParts[deptParts.length - 1] = prev + deptText;
        else deptParts.push(deptText);
        departmentsLine ??= l.no;
      }
      continue;
    }
    if (phase === 'content') content.push(l);
    else if (phase === 'plan') plan.push(l);
    else results.push(l);
  }
  const departments = deptParts.flatMap(splitDepartments);
  const resultsText = results
    .filter((l) => !isBlank(l))
    .map((l) => (l.bullet ? '・' : '') + l.display)
    .join('\n');
  return {
    number,
    title: tail.title,
    status,
    statusLine,
    departments,
    departmentsLine,
    content: joinParagraphs(content),
    plan: joinParagraphs(plan),
    planTargets: parsePlanTargets(plan),
    /** The year the block's 実績 names (「【令和4年度】」), null when it names none. */
    resultsFiscalYear: statedResultsYear(resultsText),
    results: parseResults(results),
    resultsText,
  };
}
