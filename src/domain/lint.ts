// Data-quality rules for a plan document. Each rule is data (id, severity, titles) plus a check; the
// importer stores what the document says and these rules say where the document disagrees with itself.
// Nothing here changes the data: fixing is a person's decision (or `shisaku departments merge`). The rules
// about the plan's shape (groups, indicators, grades, sections) are in lint-shape.ts and part of RULES.
import { kpiTable, summaryTable } from './tables.ts';
import { STATUS_LABELS, type EditionData, type Status } from './model.ts';
import type { ParsedPlanDocument, TocEntry } from './plan-document.ts';
import { hasResults } from './results-year.ts';
import { SHAPE_RULES } from './lint-shape.ts';

export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  ruleId: string;
  severity: Severity;
  message: { ja: string; en: string };
  /** Source line (1-based) the finding is about, where there is one. */
  line: number | null;
  /** Other lines involved (the other spelling, the other copy). */
  related: number[];
  /** Initiative numbers or keys concerned. */
  refs: string[];
  /** Where in the stored edition (a group, an initiative, one of its indicators or sections), for findings on the data rather than a source line. */
  places?: FindingPlace[];
}

export interface FindingPlace {
  pillarKey: string;
  /** The group below the pillar; null: the pillar itself (or directly under it). */
  subAreaKey: string | null;
  initiativeKey?: string;
  indicatorKey?: string;
  fieldKey?: string;
}

export interface Rule {
  id: string;
  severity: Severity;
  title: { ja: string; en: string };
  check(doc: ParsedPlanDocument): Omit<Finding, 'ruleId' | 'severity'>[];
}

// ---- helpers ---------------------------------------------------------------------------------------

function squash(s: string): string {
  return s.normalize('NFKC').replace(/[\s\u3000○◯]/g, '');
}

function levenshtein(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  let prev = Array.from({ length: y.length + 1 }, (_, i) => i);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[y.length]!;
}

function similar(a: string, b: string): boolean {
  const x = squash(a);
  const y = squash(b);
  if (x === y) return true;
  return levenshtein(x, y) <= Math.max(1, Math.floor(Math.max(x.length, y.length) / 5));
}

function sameCharacters(a: string, b: string): boolean {
  return [...squash(a)].sort().join('') === [...squash(b)].sort().join('');
}

/**
 * Words that are interchangeable by mistake in department names. Kept as data: a municipality adds the
 * confusions its own staff make.
 */
export const DEPARTMENT_CONFUSABLES: [string, string][] = [
  ['推進', '振興'],
  ['課所', '課'],
  ['センター', 'センタ'],
  ['事務所', '事務局'],
];

function label(doc: ParsedPlanDocument, key: string): string {
  const i = doc.data.initiatives.find((x) => x.key === key);
  return i ? `${i.number ?? '新'} ${i.title}` : key;
}

interface Group {
  names: Map<string, number[]>;
}

function collect(doc: ParsedPlanDocument, kind: 'pillar' | 'subArea' | 'department'): Group {
  const names = new Map<string, number[]>();
  for (const n of doc.names) {
    if (n.kind !== kind || !n.name) continue;
    const lines = names.get(n.name) ?? [];
    lines.push(n.line);
    names.set(n.name, lines);
  }
  return { names };
}

function pairs<T>(xs: T[]): [T, T][] {
  const out: [T, T][] = [];
  for (let i = 0; i < xs.length; i++) for (let j = i + 1; j < xs.length; j++) out.push([xs[i]!, xs[j]!]);
  return out;
}

const FOREIGN =
  /[\p{Script=Cyrillic}\p{Script=Greek}\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Thai}\p{Script=Hangul}\p{Script=Armenian}\p{Script=Georgian}]/u;
const JAPANESE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}ー]/u;

// ---- rules -----------------------------------------------------------------------------------------

export const RULES: Rule[] = [
  {
    id: 'department-spelling',
    severity: 'warning',
    title: { ja: '担当課所の表記ゆれ', en: 'Department spelled in more than one way' },
    check(doc) {
      const { names } = collect(doc, 'department');
      const all = [...names.keys()];
      const out: ReturnType<Rule['check']> = [];
      for (const [a, b] of pairs(all)) {
        const confusable = DEPARTMENT_CONFUSABLES.some(
          ([x, y]) => a.replace(x, y) === b || b.replace(x, y) === a || a.replace(y, x) === b || b.replace(y, x) === a,
        );
        if (!confusable && !(a.length >= 4 && levenshtein(a, b) === 1)) continue;
        const la = names.get(a)!;
        const lb = names.get(b)!;
        // The rarer spelling is the suspect one; point at its first line.
        const [rare, common] = la.length <= lb.length ? [a, b] : [b, a];
        const rl = names.get(rare)!;
        const cl = names.get(common)!;
        out.push({
          message: {
            ja: `担当課所「${rare}」（${rl.length}か所）と「${common}」（${cl.length}か所）は同じ課所の表記ゆれではありませんか。同じなら shisaku departments merge で統合してください`,
            en: `department "${rare}" (${rl.length}×) and "${common}" (${cl.length}×) look like one department spelled two ways; merge them with shisaku departments merge`,
          },
          line: rl[0]!,
          related: [...rl.slice(1), ...cl],
          refs: [],
        });
      }
      return out;
    },
  },
  {
    id: 'pillar-spelling',
    severity: 'warning',
    title: { ja: '施策体系名の表記ゆれ', en: 'Pillar named in more than one way' },
    check(doc) {
      const { names } = collect(doc, 'pillar');
      const out: ReturnType<Rule['check']> = [];
      for (const [a, b] of pairs([...names.keys()])) {
        if (squash(a) === squash(b) || !(sameCharacters(a, b) || similar(a, b))) continue;
        const la = names.get(a)!;
        const lb = names.get(b)!;
        const [rare, common] = la.length <= lb.length ? [a, b] : [b, a];
        out.push({
          message: {
            ja: `施策体系「${rare}」と「${common}」の表記が一致しません（${names.get(rare)!.length}か所と${names.get(common)!.length}か所）`,
            en: `pillar "${rare}" is also written "${common}"`,
          },
          line: names.get(rare)![0]!,
          related: names.get(common)!,
          refs: [],
        });
      }
      return out;
    },
  },
  {
    id: 'subarea-spelling',
    severity: 'warning',
    title: { ja: '分野名の表記ゆれ', en: 'Sub-area named in more than one way' },
    check(doc) {
      const { names } = collect(doc, 'subArea');
      // Headings that list several sub-areas at once are split so each name is compared on its own.
      const single = new Map<string, number[]>();
      for (const [name, lines] of names) {
        for (const part of name.split(/\s+(?=[^\s]{4,})/)) {
          const l = single.get(part) ?? [];
          l.push(...lines);
          single.set(part, l);
        }
      }
      const out: ReturnType<Rule['check']> = [];
      const seen = new Set<string>();
      for (const [a, b] of pairs([...single.keys()])) {
        if (squash(a) === squash(b) || !similar(a, b)) continue;
        const key = [squash(a), squash(b)].sort().join('|');
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({
          message: { ja: `分野名「${a}」と「${b}」の表記が一致しません`, en: `sub-area "${a}" is also written "${b}"` },
          line: single.get(a)![0]!,
          related: single.get(b)!,
          refs: [],
        });
      }
      return out;
    },
  },
  {
    id: 'foreign-script',
    severity: 'error',
    title: { ja: '日本語の語中の外国文字', en: 'Foreign-script character inside Japanese text' },
    check(doc) {
      const out: ReturnType<Rule['check']> = [];
      doc.lines.forEach((raw, i) => {
        const chars = [...raw];
        chars.forEach((ch, k) => {
          if (!FOREIGN.test(ch)) return;
          const near = (chars[k - 1] && JAPANESE.test(chars[k - 1]!)) || (chars[k + 1] && JAPANESE.test(chars[k + 1]!));
          if (!near) return;
          const word = raw.slice(Math.max(0, raw.lastIndexOf(' ', raw.indexOf(ch)) + 1)).split(/[\s\t]/)[0]!;
          const code = ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
          out.push({
            message: {
              ja: `「${word}」に日本語でない文字「${ch}」（U+${code}）が含まれています`,
              en: `"${word}" contains the non-Japanese character "${ch}" (U+${code})`,
            },
            line: i + 1,
            related: [],
            refs: [],
          });
        });
      });
      return out;
    },
  },
  {
    id: 'duplicate-results',
    severity: 'warning',
    title: { ja: '実績の重複（他施策からの転記の疑い）', en: 'Identical results in two initiatives' },
    check(doc) {
      // Only results that carry figures: "次年度以降の実施に向けて検討を行った。" is legitimately common.
      const byText = new Map<string, string[]>();
      for (const i of doc.data.initiatives) {
        const body = i.resultsText.replace(/^.*【.*?】.*$/m, '');
        if (!/\d/.test(body)) continue;
        const t = squash(body);
        byText.set(t, [...(byText.get(t) ?? []), i.key]);
      }
      const out: ReturnType<Rule['check']> = [];
      for (const keys of byText.values()) {
        if (keys.length < 2) continue;
        const pages = keys.map((k) => doc.pages.find((p) => p.key === k));
        out.push({
          message: {
            ja: `実績の記載が ${keys.map((k) => label(doc, k)).join(' と ')} で同一です。転記の誤りではありませんか`,
            en: `results are identical in ${keys.map((k) => label(doc, k)).join(' and ')}; copied by mistake?`,
          },
          line: pages[1] ? (pages[1].resultLines[0] ?? pages[1].line) : null,
          related: pages[0] ? [pages[0].resultLines[0] ?? pages[0].line] : [],
          refs: keys,
        });
      }
      return out;
    },
  },
  {
    id: 'result-names-other-initiative',
    severity: 'warning',
    title: { ja: '実績の項目名が別の施策名', en: 'Result labelled with another initiative’s title' },
    check(doc) {
      const out: ReturnType<Rule['check']> = [];
      const titles = new Map(doc.data.initiatives.map((i) => [squash(i.title), i]));
      for (const [n, i] of doc.data.initiatives.entries()) {
        for (const [k, r] of i.results.entries()) {
          const other = titles.get(squash(r.label));
          if (!other || other.key === i.key) continue;
          out.push({
            message: {
              ja: `${label(doc, i.key)} の実績「${r.label}」は別の施策 ${label(doc, other.key)} の名称です。転記の誤りではありませんか`,
              en: `a result of ${label(doc, i.key)} is labelled with the title of ${label(doc, other.key)}; copied by mistake?`,
            },
            line: doc.pages[n] ? (doc.pages[n].resultLines[k] ?? doc.pages[n].line) : null,
            related: doc.pages.filter((p) => p.key === other.key).map((p) => p.line),
            refs: [i.key, other.key],
          });
        }
      }
      return out;
    },
  },
  {
    id: 'contents-placement',
    severity: 'warning',
    title: { ja: '目次と本文で分類が異なる', en: 'Contents and page place an initiative differently' },
    check(doc) {
      const out: ReturnType<Rule['check']> = [];
      const pillarName = new Map(doc.data.pillars.map((p) => [p.key, p.name]));
      for (const entry of doc.toc) {
        const page = findPage(doc, entry);
        if (!page) continue;
        const i = doc.data.initiatives.find((x) => x.key === page.key)!;
        const pagePillar = pillarName.get(i.pillarKey) ?? '';
        const pageSub = page.subAreaHeading?.name ?? null;
        const where = entry.source === 'contents' ? 'CONTENTS' : '扉ページの目次';
        if (entry.pillarName && !sameCharacters(entry.pillarName, pagePillar) && !similar(entry.pillarName, pagePillar)) {
          out.push({
            message: {
              ja: `${label(doc, i.key)} は${where}（${entry.line}行目）では施策体系「${entry.pillarName}」、本文では「${pagePillar}」にあります`,
              en: `${label(doc, i.key)} is under pillar "${entry.pillarName}" in the ${entry.source === 'contents' ? 'contents' : 'pillar contents'} but "${pagePillar}" on its page`,
            },
            line: entry.line,
            related: [page.line],
            refs: [i.key],
          });
          continue;
        }
        const heading = entry.heading;
        const ok = heading === null ? pageSub === null : pageSub !== null && (squash(heading).includes(squash(pageSub)) || similar(heading, pageSub));
        if (ok || (heading === null && entry.source === 'contents')) continue;
        out.push({
          message: {
            ja: `${label(doc, i.key)} は${where}では「${heading ?? '（分野なし）'}」の下、本文では「${pageSub ?? '（分野なし）'}」の下にあります`,
            en: `${label(doc, i.key)} is listed under "${heading ?? '(none)'}" in the ${entry.source === 'contents' ? 'contents' : 'pillar contents'} but under "${pageSub ?? '(none)'}" on its page`,
          },
          line: entry.line,
          related: [page.subAreaHeading?.line ?? page.line],
          refs: [i.key],
        });
      }
      return out;
    },
  },
  {
    id: 'contents-title',
    severity: 'info',
    title: { ja: '目次と本文で施策名が異なる', en: 'Contents and page title differ' },
    check(doc) {
      const out: ReturnType<Rule['check']> = [];
      for (const entry of doc.toc) {
        const page = findPage(doc, entry);
        if (!page) continue;
        const t = squash(entry.title);
        const p = squash(page.title);
        // "デジタル外部人材の活用（外部人材活用）": an annotation after the title is not a difference.
        if (t === p || (t.startsWith(p) && /^[（(].*[）)]$/.test(t.slice(p.length)))) continue;
        out.push({
          message: {
            ja: `目次（${entry.line}行目）の施策名「${entry.title}」が本文の「${page.title}」と異なります`,
            en: `the contents call it "${entry.title}" but its page says "${page.title}"`,
          },
          line: entry.line,
          related: [page.line],
          refs: [page.key],
        });
      }
      return out;
    },
  },
  {
    id: 'printed-summary',
    severity: 'error',
    title: { ja: '計画の進捗状況の印字値がデータと不一致', en: 'Printed summary table disagrees with the data' },
    check(doc) {
      const computed = summaryTable(doc.data);
      const out: ReturnType<Rule['check']> = [];
      for (const row of doc.printed.summary) {
        const counts = row.isTotal
          ? { ...computed.totals, total: computed.total }
          : (() => {
              const c = computed.rows.find((r) => sameCharacters(r.pillarName, row.pillarName));
              return c ? { ...c.counts, total: c.total } : null;
            })();
        if (!counts) continue;
        const cols: [Status | 'total', number | null | undefined][] = [...(Object.entries(row.counts) as [Status, number][]), ['total', row.total]];
        for (const [col, printed] of cols) {
          if (printed === null || printed === undefined) continue;
          const actual = counts[col];
          if (actual === printed) continue;
          const colName = col === 'total' ? '合計' : STATUS_LABELS[col][0];
          out.push({
            message: {
              ja: `計画の進捗状況「${row.pillarName}」の${colName}は ${printed} と印字されていますが、施策から数えると ${actual} です`,
              en: `summary table: ${row.pillarName} ${col} is printed ${printed} but the initiatives count ${actual}`,
            },
            line: row.line,
            related: [],
            refs: [],
          });
        }
      }
      return out;
    },
  },
  {
    id: 'printed-progress',
    severity: 'error',
    title: { ja: 'KPI進捗率の印字値が計算と不一致', en: 'Printed KPI progress rate disagrees with the computed one' },
    check(doc) {
      const table = kpiTable(doc.data);
      const out: ReturnType<Rule['check']> = [];
      doc.printed.kpis.forEach((row, n) => {
        const computed = table.rows[n];
        if (!computed) return;
        for (const [fy, cell] of Object.entries(row.cells)) {
          if (cell.rate === null) continue;
          const c = computed.cells.find((x) => String(x.fiscalYear) === fy);
          if (!c || c.progressRate === null) continue;
          if (Number(c.progressRate) === Number(cell.rate) && c.progressRate.replace(/\.?0+$/, '') === cell.rate.replace(/\.?0+$/, '')) continue;
          out.push({
            message: {
              ja: `KPI「${row.name}」の${fy}年度の進捗率は ${cell.rate}% と印字されていますが、計算では ${c.progressRate}% です`,
              en: `KPI "${row.name}" FY${fy}: printed progress ${cell.rate}% but computed ${c.progressRate}%`,
            },
            line: row.line,
            related: [],
            refs: [],
          });
        }
      });
      return out;
    },
  },
  {
    id: 'result-without-value',
    severity: 'warning',
    title: { ja: '値のない実績項目', en: 'Result label without a value' },
    check(doc) {
      // Only labels that announce a figure ("印刷経費削減額", "SNS掲載回数"); prose bullets are fine.
      const measure = /(数|率|額|量|時間|割合|件数|回数)$/;
      return doc.pages.flatMap((p) =>
        p.danglingResults
          .filter((d) => measure.test(d.label))
          .map((d) => ({
            message: {
              ja: `${label(doc, p.key)} の実績「${d.label}」に値（実績値・目標値）がありません`,
              en: `result "${d.label}" of ${label(doc, p.key)} has no value`,
            },
            line: d.line,
            related: [],
            refs: [p.key],
          })),
      );
    },
  },
  {
    id: 'results-year',
    severity: 'warning',
    title: { ja: '実績の年度が書かれていません', en: 'Results without the year they are for' },
    check(doc) {
      // The year is unknown only where nothing said it (plan-text.ts takes the block's 【令和4年度】 or the
      // one year the document's other results name; a workbook or the form the edition's one year), so
      // the stored null is the finding; an initiative without results has no year to miss.
      return doc.data.initiatives.flatMap((i) => {
        if (i.resultsFiscalYear !== null || !hasResults(i)) return [];
        const page = doc.pages.find((p) => p.key === i.key);
        return [
          {
            message: {
              ja: `${label(doc, i.key)} の実績の年度が書かれていません。実績の最初の行に「【令和5年度】」のように年度を書いてください`,
              en: `results of ${label(doc, i.key)} do not say which fiscal year they are for; write it on their first line, e.g. 【令和5年度】`,
            },
            line: page?.resultLines[0] ?? page?.line ?? null,
            related: [],
            refs: [i.key],
          },
        ];
      });
    },
  },
  {
    id: 'parse-warning',
    severity: 'warning',
    title: { ja: '読み取れない記載', en: 'Text that could not be read' },
    check(doc) {
      return doc.warnings.map((w) => ({ message: { ja: w.ja, en: w.en }, line: w.line, related: [], refs: [] }));
    },
  },
  // The plan's shape: groups, indicators, grades and sections, on the stored data (lint-shape.ts).
  ...SHAPE_RULES,
];

function findPage(doc: ParsedPlanDocument, entry: TocEntry) {
  if (entry.number !== null) return doc.pages.find((p) => p.number === entry.number) ?? null;
  return doc.pages.find((p) => p.number === null && (squash(entry.title).startsWith(squash(p.title)) || similar(entry.title, p.title))) ?? null;
}

/**
 * A stored edition as a document without a source text (one entered from a workbook or the form): the
 * rules on the data (results without a year, copied results) still apply; those on printed pages,
 * contents and spellings have nothing to compare, and no finding has a line.
 */
export function editionDocument(data: EditionData, filename: string): ParsedPlanDocument {
  return { filename, data, toc: [], pages: [], printed: { summary: [], kpis: [] }, names: [], lines: [], warnings: [] };
}

export function lintDocument(doc: ParsedPlanDocument, rules: Rule[] = RULES): Finding[] {
  const findings = rules.flatMap((rule) => rule.check(doc).map((f) => ({ ruleId: rule.id, severity: rule.severity, ...f })));
  return findings.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}

export function formatFindings(findings: Finding[], lang: 'ja' | 'en', filename = 'plan.txt'): string {
  return findings
    .map((f) => {
      const also = f.related.length ? (lang === 'ja' ? `（関連: ${f.related.join(', ')}行目）` : ` (see lines ${f.related.join(', ')})`) : '';
      return `${filename}${f.line === null ? '' : `:${f.line}`}: ${f.severity} [${f.ruleId}] ${f.message[lang]}${also}`;
    })
    .join('\n');
}
