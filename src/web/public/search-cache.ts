// What per-edition search keeps between requests, so that 200 readers searching at once are answered from
// memory: the hits of a query (keyed by the normalised query terms and the filters) and the rendered
// search page (keyed by the query as typed, the filters and the language). Both are keyed by the
// EditionView they were computed from; a publish replaces that view (edition-cache.ts reloads when the
// published stamp changes), so a republished edition is never answered from the old one's entries,
// which simply age out. Both caches are LRUs bounded in entries and in (estimated) bytes, since anyone
// can type any query. A cached hit list holds document numbers, not initiatives, so an entry left over
// from an old view keeps none of its data alive.
import type { EditionView } from './edition-cache.ts';
import { queryTerms, search, type SearchFilters, type SearchHit, type SearchIndex } from './search.ts';

/** A least-recently-used map bounded by entry count and by a byte estimate given with each entry. */
export class Lru<V> {
  readonly #map = new Map<string, { value: V; bytes: number }>();
  #bytes = 0;

  constructor(
    readonly maxEntries: number,
    readonly maxBytes: number,
  ) {}

  get(key: string): V | undefined {
    const entry = this.#map.get(key);
    if (!entry) return undefined;
    // Map keeps insertion order: moving the entry to the end makes the first one the least recent.
    this.#map.delete(key);
    this.#map.set(key, entry);
    return entry.value;
  }

  /** Stores the entry unless it alone exceeds the byte bound, then evicts the least recent ones. */
  set(key: string, value: V, bytes: number): void {
    const old = this.#map.get(key);
    if (old) {
      this.#map.delete(key);
      this.#bytes -= old.bytes;
    }
    if (bytes > this.maxBytes || this.maxEntries < 1) return;
    this.#map.set(key, { value, bytes });
    this.#bytes += bytes;
    for (const [k, e] of this.#map) {
      if (this.#map.size <= this.maxEntries && this.#bytes <= this.maxBytes) break;
      this.#map.delete(k);
      this.#bytes -= e.bytes;
    }
  }

  get size(): number {
    return this.#map.size;
  }

  get bytes(): number {
    return this.#bytes;
  }

  clear(): void {
    this.#map.clear();
    this.#bytes = 0;
  }
}

interface CachedHit {
  doc: number;
  score: number;
  terms: string[];
  snippet: SearchHit['snippet'];
}

export interface SearchCacheLimits {
  results: { entries: number; bytes: number };
  pages: { entries: number; bytes: number };
}

/**
 * Defaults: a hit list is a few KB at most (102 hits with snippets), a page 4–30 KB of HTML (counted as
 * two bytes a character); together at most about 40 MB for the whole installation, whatever is typed.
 */
export const DEFAULT_SEARCH_CACHE_LIMITS: SearchCacheLimits = {
  results: { entries: 5000, bytes: 8 * 1024 * 1024 },
  pages: { entries: 2000, bytes: 32 * 1024 * 1024 },
};

let results = new Lru<CachedHit[]>(DEFAULT_SEARCH_CACHE_LIMITS.results.entries, DEFAULT_SEARCH_CACHE_LIMITS.results.bytes);
let pages = new Lru<string>(DEFAULT_SEARCH_CACHE_LIMITS.pages.entries, DEFAULT_SEARCH_CACHE_LIMITS.pages.bytes);

/** Replaces both caches, empty, with other bounds (tests of eviction); without an argument, the defaults. */
export function configureSearchCache(limits: SearchCacheLimits = DEFAULT_SEARCH_CACHE_LIMITS): void {
  results = new Lru(limits.results.entries, limits.results.bytes);
  pages = new Lru(limits.pages.entries, limits.pages.bytes);
}

export function clearSearchCache(): void {
  results.clear();
  pages.clear();
}

export function searchCacheStats(): { results: { entries: number; bytes: number }; pages: { entries: number; bytes: number } } {
  return { results: { entries: results.size, bytes: results.bytes }, pages: { entries: pages.size, bytes: pages.bytes } };
}

// A number for each view (and its index) for as long as it lives: keys name the view, not its stamp, so
// two databases whose stamps happen to agree (tests) never share entries either.
const viewIds = new WeakMap<object, number>();
let nextViewId = 1;
function viewId(view: object): number {
  let id = viewIds.get(view);
  if (id === undefined) viewIds.set(view, (id = nextViewId++));
  return id;
}

/** Each document's position in its index, to store hits as numbers and make them whole again. */
const docNumbers = new WeakMap<SearchIndex, Map<SearchHit['initiative'], number>>();
function docNumber(index: SearchIndex, hit: SearchHit): number {
  let numbers = docNumbers.get(index);
  if (!numbers) docNumbers.set(index, (numbers = new Map(index.docs.map((d, i) => [d.initiative, i]))));
  return numbers.get(hit.initiative)!;
}

const SEP = '\u0000';

function filterKey(filters: SearchFilters): string {
  return [filters.pillarKey ?? '', filters.status ?? '', filters.department ?? ''].join(SEP);
}

/**
 * The same hits as `search(index, q, filters)`, from the cache when the same query terms and filters were
 * asked of this index before. The search depends on the query only through its normalised terms, so
 * "ＡＩ" and "ai" share one entry.
 */
export function cachedSearch(index: SearchIndex, q: string, filters: SearchFilters = {}): SearchHit[] {
  const key = `${viewId(index)}${SEP}${queryTerms(q).join(' ')}${SEP}${filterKey(filters)}`;
  let stored = results.get(key);
  if (!stored) {
    const hits = search(index, q, filters);
    stored = hits.map((h) => ({ doc: docNumber(index, h), score: h.score, terms: h.terms, snippet: h.snippet }));
    // About: the key, 40 bytes a hit, and the characters of its terms and snippet at two bytes each.
    let bytes = key.length * 2 + 64;
    for (const h of stored) bytes += 40 + 2 * (h.terms.join('').length + (h.snippet ? h.snippet.text.length + h.snippet.field.length : 0));
    results.set(key, stored, bytes);
  }
  // Fresh objects each time: a caller changing what it got back cannot change the cache.
  return stored.map((h) => ({ initiative: index.docs[h.doc]!.initiative, score: h.score, terms: [...h.terms], snippet: h.snippet && { ...h.snippet } }));
}

/** What makes one search page differ from another of the same edition. */
export interface SearchPageKey {
  lang: string;
  path: string;
  /** The query as typed (the page shows it), already cut to its maximum length. */
  q: string;
  filters: SearchFilters;
}

/** Pages being rendered: readers asking for the same page meanwhile (after a publish, all of them) wait for it. */
const rendering = new Map<string, Promise<string>>();

/** The rendered page from the cache, or rendered now (once, however many ask at the same time) and kept. */
export function cachedSearchPage(view: EditionView, page: SearchPageKey, render: () => Promise<string> | string): Promise<string> {
  const key = [viewId(view), page.lang, page.path, page.q, filterKey(page.filters)].join(SEP);
  const html = pages.get(key);
  if (html !== undefined) return Promise.resolve(html);
  let pending = rendering.get(key);
  if (!pending) {
    // Started on a later tick, so the entry is in the map before it can be taken out again.
    pending = Promise.resolve()
      .then(render)
      .then((rendered) => {
        pages.set(key, rendered, 2 * (key.length + rendered.length) + 64);
        return rendered;
      })
      .finally(() => rendering.delete(key));
    rendering.set(key, pending);
  }
  return pending;
}

/** The departments of the edition's initiatives in Japanese order, for the filter; once per view. */
const departmentLists = new WeakMap<EditionView, string[]>();
export function searchDepartments(view: EditionView): string[] {
  let list = departmentLists.get(view);
  if (!list) {
    list = [...new Set(view.data.initiatives.flatMap((i) => i.departments))].sort((a, b) => a.localeCompare(b, 'ja'));
    departmentLists.set(view, list);
  }
  return list;
}
