// The search page answered from its cache: the same bytes as when rendered, a 304 for the edition's
// ETag like the other portal pages, and nothing stale after the edition is published again with a
// changed title (reopen, rename, publish), on both databases.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backends } from '../helpers/db.ts';
import { createApp } from '../../src/web/app.tsx';
import { loadSample, sampleDocument } from '../../src/db/sample.ts';
import { systemActor } from '../../src/db/command.ts';
import { publishEdition, reopenEdition } from '../../src/db/workspace.ts';
import { loadWorkspace } from '../../src/db/workspace-read.ts';
import { updateIdentity } from '../../src/db/initiatives.ts';
import { clearEditionCache } from '../../src/web/public/edition-cache.ts';
import { clearSearchCache } from '../../src/web/public/search-cache.ts';

const ja = { 'accept-language': 'ja' };
const NEW_TITLE = '推進本部の開催（訂正後の施策名）';

for (const backend of backends) {
  test(`${backend.name}: search pages from the cache, revalidated, and fresh after a publish`, async (t) => {
    const database = await backend.open();
    clearEditionCache();
    clearSearchCache();
    try {
      await loadSample(database.db);
      const app = createApp({ database });
      const get = async (path: string, headers: Record<string, string> = ja) => {
        const res = await app.request(path, { headers });
        return { status: res.status, html: await res.text(), etag: res.headers.get('etag'), res };
      };
      const A = sampleDocument().doc.data.initiatives.find((i) => i.number === '01')!;
      const numbers = (html: string) => [...html.matchAll(/<span class="no">([^<]+)<\/span>/g)].map((m) => m[1]);
      const byNew = `/o/082023/2023/search?q=${encodeURIComponent('訂正後の施策名')}`;
      const byOld = `/o/082023/2023/search?q=${encodeURIComponent(A.title)}`;

      let etag = '';
      await t.test('a page asked twice is the same page; with its ETag it is a 304 with no body', async () => {
        const first = await get(byOld);
        const second = await get(byOld);
        assert.equal(first.status, 200);
        assert.equal(second.html, first.html);
        assert.ok(numbers(first.html).includes('01'));
        assert.match(first.etag ?? '', /^W\/".+\.ja"$/);
        assert.equal(first.res.headers.get('cache-control'), 'public, no-cache');
        etag = first.etag!;
        const revalidated = await get(byOld, { ...ja, 'if-none-match': etag });
        assert.equal(revalidated.status, 304);
        assert.equal(revalidated.html, '');
        // Another language is another page and another ETag.
        const en = await get(byOld, { 'accept-language': 'en' });
        assert.match(en.html, /<html lang="en">/);
        assert.notEqual(en.etag, etag);
        assert.equal((await get(byOld, { 'accept-language': 'en', 'if-none-match': etag })).status, 200);
        // Filters are part of what is cached: the same words narrowed to a status is another page.
        const narrowed = await get(`${byOld}&status=completed`);
        assert.ok(!numbers(narrowed.html).includes('01') || A.status === 'completed');
        // Bad filters are still refused, cached page or not.
        assert.equal((await get(`${byOld}&status=bogus`)).status, 400);
      });

      await t.test('the new title is not found before it is published, and is found right after', async () => {
        assert.deepEqual(numbers((await get(byNew)).html), [], 'cached: no hit');
        const actor = await systemActor(database.db, '082023');
        await reopenEdition(database.db, actor, 2023, '施策名の訂正');
        const item = (await loadWorkspace(database.db, actor, 2023)).items.find((i) => i.initiative.key === A.key)!;
        await updateIdentity(database.db, actor, 2023, A.key, item.version, {
          number: A.number,
          title: NEW_TITLE,
          pillarKey: A.pillarKey,
          subAreaKey: A.subAreaKey,
          departments: A.departments,
        });
        assert.deepEqual(numbers((await get(byNew)).html), [], 'a reopened draft is not public');
        await publishEdition(database.db, actor, 2023);

        const found = await get(byNew);
        assert.deepEqual(numbers(found.html), ['01']);
        assert.match(found.html, /<mark>訂正後の施策名<\/mark>/);
        assert.notEqual(found.etag, etag, 'a new publication is a new ETag');
        const old = await get(byOld, { ...ja, 'if-none-match': etag });
        assert.equal(old.status, 200, 'the old ETag no longer answers 304');
        assert.ok(!old.html.includes(`<mark>${A.title}</mark>`), 'the old title is gone from the hits');
      });
    } finally {
      await database.close();
    }
  });
}
