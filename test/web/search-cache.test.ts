// The search caches (search-cache.ts) answer exactly what an uncached search answers, for queries
// generated from the sample's own texts and from arbitrary characters, with and without filters, and
// stay within their bounds in entries and bytes whatever is asked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { sampleDocument } from '../../src/db/sample.ts';
import { STATUS_ORDER } from '../../src/domain/model.ts';
import { buildSearchIndex, search, type SearchFilters } from '../../src/web/public/search.ts';
import { Lru, cachedSearch, cachedSearchPage, clearSearchCache, configureSearchCache, searchCacheStats } from '../../src/web/public/search-cache.ts';
import type { EditionView } from '../../src/web/public/edition-cache.ts';

const { data } = sampleDocument().doc;
const index = buildSearchIndex(data);
const texts = data.initiatives.flatMap((i) => [i.title, i.content, i.plan, i.resultsText].filter(Boolean));
const departments = [...new Set(data.initiatives.flatMap((i) => i.departments))];

/** A piece of one of the sample's texts (1 to 12 characters), so that most queries hit something. */
const fragment = fc.tuple(fc.nat(texts.length - 1), fc.nat(10_000), fc.integer({ min: 1, max: 12 })).map(([t, start, len]) => {
  const text = texts[t]!;
  const s = start % text.length;
  return text.slice(s, s + len);
});
/** Characters that matter to the normalisation and the segmenter: kana, kanji, Latin in both widths, spaces. */
const noise = fc.string({ unit: fc.constantFrom(...'窓口申請のをにAIａｉRPA１２3マイナンバーカード推進 　、。'), maxLength: 14 });
const query = fc.oneof(
  fragment,
  noise,
  fc.tuple(fragment, fragment).map(([a, b]) => `${a} ${b}`),
  fc.constantFrom('窓', '窓口', 'AI', 'RPA', 'マイナンバーカードを普及', 'デジタル化の推進', 'ぞうきんがけ', ''),
);
const filters: fc.Arbitrary<SearchFilters> = fc.record(
  {
    pillarKey: fc.constantFrom(...data.pillars.map((p) => p.key)),
    status: fc.constantFrom(...STATUS_ORDER),
    department: fc.constantFrom(...departments, '存在しない課'),
  },
  { requiredKeys: [] },
);

test('cached hits equal uncached hits, on the first ask and on every later one', () => {
  clearSearchCache();
  fc.assert(
    fc.property(query, filters, (q, f) => {
      const expected = search(index, q, f);
      assert.deepEqual(cachedSearch(index, q, f), expected, 'first ask');
      assert.deepEqual(cachedSearch(index, q, f), expected, 'from the cache');
      // The same query typed in full width or upper case is the same search, and shares the entry.
      assert.deepEqual(cachedSearch(index, q.toUpperCase(), f), search(index, q.toUpperCase(), f));
    }),
    { numRuns: 400 },
  );
  assert.ok(searchCacheStats().results.entries > 0);
});

test('a caller changing the hits it got cannot change what the cache answers next', () => {
  clearSearchCache();
  const first = cachedSearch(index, 'マイナンバー');
  assert.ok(first.length > 0 && first[0]!.snippet !== undefined);
  first[0]!.terms.push('改変');
  first[0]!.score = -1;
  if (first[0]!.snippet) first[0]!.snippet.text = '改変';
  first.length = 0;
  assert.deepEqual(cachedSearch(index, 'マイナンバー'), search(index, 'マイナンバー'));
});

test('both caches stay within their bounds in entries and bytes; an entry larger than the bound is not kept', async () => {
  configureSearchCache({ results: { entries: 20, bytes: 4096 }, pages: { entries: 5, bytes: 1024 } });
  try {
    fc.assert(
      fc.property(query, (q) => {
        assert.deepEqual(cachedSearch(index, q), search(index, q));
        const s = searchCacheStats().results;
        assert.ok(s.entries <= 20 && s.bytes <= 4096, JSON.stringify(s));
      }),
      { numRuns: 300 },
    );
    const view = {} as EditionView;
    for (let i = 0; i < 40; i++) {
      const html = 'x'.repeat((i * 37) % 600);
      assert.equal(await cachedSearchPage(view, { lang: 'ja', path: '/s', q: String(i), filters: {} }, () => html), html);
      const p = searchCacheStats().pages;
      assert.ok(p.entries <= 5 && p.bytes <= 1024, JSON.stringify(p));
    }
    // Every initiative with its snippet is far more than 4 KB: answered right, and not kept.
    const before = searchCacheStats().results.entries;
    assert.equal(cachedSearch(index, 'の').length, search(index, 'の').length);
    assert.ok(searchCacheStats().results.entries <= before);
  } finally {
    configureSearchCache();
  }
});

test('Lru: the least recently used entry goes first, by count and by bytes', () => {
  const lru = new Lru<string>(3, 100);
  lru.set('a', 'A', 10);
  lru.set('b', 'B', 10);
  lru.set('c', 'C', 10);
  assert.equal(lru.get('a'), 'A'); // a is now the most recent
  lru.set('d', 'D', 10);
  assert.equal(lru.get('b'), undefined, 'b was the least recent');
  assert.deepEqual([lru.get('a'), lru.get('c'), lru.get('d')], ['A', 'C', 'D']);
  lru.set('e', 'E', 85); // 10 + 10 + 10 + 85 > 100: the two least recent go
  assert.equal(lru.size, 2);
  assert.deepEqual([lru.get('d'), lru.get('e'), lru.bytes], ['D', 'E', 95]);
  lru.set('d', 'D2', 5); // replacing an entry counts its new size only
  assert.equal(lru.bytes, 90);
  lru.set('huge', 'H', 101);
  assert.equal(lru.get('huge'), undefined);
  assert.equal(lru.size, 2);
});

test('a page asked by many at once is rendered once; a failed render is not kept', async () => {
  clearSearchCache();
  const view = {} as EditionView; // only its identity is used as the key
  const key = { lang: 'ja', path: '/o/082023/2023/search', q: '窓口', filters: {} };
  let renders = 0;
  const render = async () => {
    renders++;
    await new Promise((r) => setTimeout(r, 5));
    return '<p>窓口</p>';
  };
  const pages = await Promise.all(Array.from({ length: 50 }, () => cachedSearchPage(view, key, render)));
  assert.equal(renders, 1);
  assert.ok(pages.every((p) => p === '<p>窓口</p>'));
  assert.equal(await cachedSearchPage(view, key, render), '<p>窓口</p>');
  assert.equal(renders, 1, 'then from the cache');
  assert.equal(await cachedSearchPage({} as EditionView, key, render), '<p>窓口</p>');
  assert.equal(renders, 2, 'another view (a new publication) renders again');

  const failing = () => {
    throw new Error('描画に失敗');
  };
  const other = { ...key, q: '申請' };
  await Promise.all([0, 1].map(() => assert.rejects(cachedSearchPage(view, other, failing), /描画に失敗/)));
  assert.equal(await cachedSearchPage(view, other, () => '<p>申請</p>'), '<p>申請</p>', 'the failure was not kept');
});
