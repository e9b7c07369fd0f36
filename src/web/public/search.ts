// Japanese search over an edition. Japanese has no spaces between words, so matching is by substring
// on NFKC-normalised text (マイナンバー finds マイナンバーカード); a query typed as a phrase that
// matches nothing is split into words with Intl.Segmenter and every content word must match.
import type { EditionData, Initiative, Status } from '../../domain/model.ts';

interface Doc {
  initiative: Initiative;
  fields: { name: 'title' | 'content' | 'plan' | 'results' | 'shape'; text: string; norm: string }[];
}

export interface SearchIndex {
  docs: Doc[];
}

export function normalize(s: string): string {
  return s.normalize('NFKC').toLowerCase();
}

export function buildSearchIndex(data: EditionData): SearchIndex {
  return {
    docs: data.initiatives.map((initiative) => ({
      initiative,
      fields: (
        [
          ['title', initiative.title],
          ['content', initiative.content],
          ['plan', initiative.plan],
          ['results', initiative.resultsText],
          // The plan's own sections and the indicators' names and qualitative targets are searched too.
          ...Object.values(initiative.fields ?? {})
            .filter((v): v is string => typeof v === 'string')
            .map((v) => ['shape', v] as const),
          ...(initiative.indicators ?? []).map((x) => ['shape', [x.name, x.qualitative ?? ''].join(' ').trim()] as const),
        ] as const
      ).map(([name, text]) => ({ name, text, norm: normalize(text) })),
    })),
  };
}

const segmenter = new Intl.Segmenter('ja', { granularity: 'word' });

/** Query words: space-separated terms as typed; a term with no hit is later split by the segmenter. */
export function queryTerms(q: string): string[] {
  return normalize(q)
    .split(/[\s\u3000]+/)
    .map((s) => s.trim())
    .filter(Boolean)
    .slice(0, 10);
}

function segmentTerm(term: string): string[] {
  return [...segmenter.segment(term)].filter((s) => s.isWordLike && !/^[\p{Script=Hiragana}]{1,2}$/u.test(s.segment)).map((s) => s.segment);
}

export interface SearchFilters {
  pillarKey?: string;
  status?: Status;
  department?: string;
}

export interface SearchHit {
  initiative: Initiative;
  score: number;
  terms: string[];
  /** The best field to show as a snippet, when the match is not in the title. */
  snippet: { field: string; text: string } | null;
}

export function search(index: SearchIndex, q: string, filters: SearchFilters = {}): SearchHit[] {
  let terms = queryTerms(q);
  const candidates = index.docs.filter(
    (d) =>
      (!filters.pillarKey || d.initiative.pillarKey === filters.pillarKey) &&
      (!filters.status || d.initiative.status === filters.status) &&
      (!filters.department || d.initiative.departments.includes(filters.department)),
  );
  if (terms.length === 0) return candidates.map((d) => ({ initiative: d.initiative, score: 0, terms: [], snippet: null }));
  const run = (ts: string[]) =>
    candidates.flatMap((d): SearchHit[] => {
      let score = 0;
      for (const term of ts) {
        let found = false;
        for (const f of d.fields) {
          const n = occurrences(f.norm, term);
          if (n > 0) {
            found = true;
            score += n * (f.name === 'title' ? 10 : 1);
          }
        }
        if (!found) return [];
      }
      const inTitle = ts.some((term) => d.fields[0]!.norm.includes(term));
      const best = inTitle ? null : d.fields.slice(1).find((f) => ts.some((term) => f.norm.includes(term)));
      return [{ initiative: d.initiative, score, terms: ts, snippet: best ? { field: best.name, text: snippetAround(best.text, best.norm, ts) } : null }];
    });
  let hits = run(terms);
  if (hits.length === 0) {
    terms = terms.flatMap(segmentTerm);
    if (terms.length) hits = run(terms);
  }
  return hits.sort((a, b) => b.score - a.score);
}

/** Non-overlapping occurrences from the left, as `text.split(term).length - 1` counts them, without the array. */
function occurrences(text: string, term: string): number {
  if (term.length === 0) return text.split(term).length - 1;
  let n = 0;
  for (let i = text.indexOf(term); i >= 0; i = text.indexOf(term, i + term.length)) n++;
  return n;
}

function snippetAround(text: string, norm: string, terms: string[]): string {
  // NFKC can change lengths (e.g. ㈱), so positions are looked up in the normalised text and the
  // snippet is cut from it; it is shown as a short excerpt, not as the stored text.
  const pos = Math.min(...terms.map((t) => norm.indexOf(t)).filter((i) => i >= 0));
  const start = Math.max(0, pos - 30);
  const end = Math.min(norm.length, pos + 60);
  void text;
  return (start > 0 ? '…' : '') + norm.slice(start, end) + (end < norm.length ? '…' : '');
}

/** Splits text into plain and matched pieces for <mark>; comparisons are on the normalised form. */
export function highlight(text: string, terms: string[]): { text: string; match: boolean }[] {
  if (terms.length === 0) return [{ text, match: false }];
  const norm = normalize(text);
  if (norm.length !== text.length) {
    // Lengths differ after NFKC: highlight the normalised text rather than misplace marks.
    return highlight(norm, terms);
  }
  const marks = new Array<boolean>(text.length).fill(false);
  for (const term of terms) {
    let i = norm.indexOf(term);
    while (i >= 0 && term.length > 0) {
      for (let k = i; k < i + term.length; k++) marks[k] = true;
      i = norm.indexOf(term, i + term.length);
    }
  }
  const out: { text: string; match: boolean }[] = [];
  for (let i = 0; i < text.length; i++) {
    const last = out[out.length - 1];
    if (last && last.match === marks[i]) last.text += text[i];
    else out.push({ text: text[i]!, match: marks[i]! });
  }
  return out;
}
