// The printed 実績 text (resultsText) on the initiative form: it is shown and saved as typed, an unchanged
// save writes nothing (a browser's CRLF line ends included), a changed one is audited with before and
// after, a value changed in the same save wins over its own line, and the review diff shows the change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import { backends } from '../helpers/db.ts';
import { loadEdition } from '../../src/db/repository.ts';
import { formOf, signIn, workspaceApp } from './helpers.ts';
import type { Db } from '../../src/db/client.ts';

async function rows<T>(db: Db, q: ReturnType<typeof sql>): Promise<T[]> {
  return ((await db.execute(q)) as unknown as { rows: T[] }).rows;
}

const changeSets = async (db: Db) => (await rows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM change_sets`))[0]!.n;
const version = async (db: Db, key: string, fy: number) =>
  (
    await rows<{ v: number }>(
      db,
      sql`SELECT y.version AS v FROM initiative_years y JOIN initiatives i ON i.id = y.initiative_id JOIN editions e ON e.id = y.edition_id
          WHERE i.key = ${key} AND e.fiscal_year = ${fy}`,
    )
  )[0]!.v;

/** The textarea's content as the page shows it. */
const shownProse = (html: string) => formOf(html).resultsText;

for (const backend of backends) {
  test(`${backend.name}: the printed 実績 text on the initiative form`, async (t) => {
    const { database, app } = await workspaceApp(backend);
    const db = database.db;
    try {
      await db.execute(sql`UPDATE editions SET state = 'draft'`);
      const admin = await signIn(app, 'admin');
      const by = async (n: string) => (await loadEdition(db, '082023', 2023))!.initiatives.find((i) => i.number === n)!;

      await t.test('the form shows the printed text in a labelled textarea with how it is printed', async () => {
        const i07 = await by('07');
        const page = await admin.get(`/admin/e/2023/i/${i07.key}`);
        assert.equal(page.status, 200);
        assert.match(page.html, /<label for="resultsText">実績（本文）<\/label>/);
        assert.match(page.html, /aria-describedby="resultsText-hint"/);
        assert.match(page.html, /値が優先です/, 'the form says what wins when the text and a value change together');
        assert.equal(shownProse(page.html), i07.resultsText);
      });

      await t.test('an unchanged save writes nothing, CRLF line ends from a browser included', async () => {
        for (const n of ['07', '08', '14']) {
          const before = await by(n);
          const form = formOf((await admin.get(`/admin/e/2023/i/${before.key}`)).html);
          const v0 = await version(db, before.key, 2023);
          const n0 = await changeSets(db);
          for (const prose of [form.resultsText as string, (form.resultsText as string).replace(/\n/g, '\r\n'), `\r\n${form.resultsText}\r\n`]) {
            const r = await admin.post(`/admin/e/2023/i/${before.key}`, { ...form, resultsText: prose });
            assert.equal(r.status, 303, r.html.slice(0, 2000));
          }
          assert.deepEqual(await by(n), before, `${n} unchanged`);
          assert.equal(await version(db, before.key, 2023), v0, `${n}: no new version`);
          assert.equal(await changeSets(db), n0, `${n}: no change set, no audit row`);
        }
      });

      await t.test('a prose edit round-trips through the form and is audited with before and after', async () => {
        const before = await by('07');
        const form = formOf((await admin.get(`/admin/e/2023/i/${before.key}`)).html);
        const typed = `${form.resultsText}\n9月のセミナーには52人が参加した。`;
        const v0 = await version(db, before.key, 2023);
        const r = await admin.post(`/admin/e/2023/i/${before.key}`, { ...form, resultsText: typed.replace(/\n/g, '\r\n') });
        assert.equal(r.status, 303, r.html.slice(0, 2000));
        const after = await by('07');
        assert.equal(after.resultsText, typed, 'stored as typed (line ends as \\n)');
        assert.deepEqual(after.results, before.results, 'the values and their raw text are untouched');
        assert.equal(await version(db, before.key, 2023), v0 + 1);
        const page = await admin.get(`/admin/e/2023/i/${before.key}`);
        assert.equal(shownProse(page.html), typed, 'the form shows the stored text again');
        const [audit] = await rows<{ before: { resultsText: string }; after: { resultsText: string }; source: string }>(
          db,
          sql`SELECT a.before, a.after, c.source FROM audit_log a JOIN change_sets c ON c.id = a.change_set_id
              WHERE a.entity = 'initiative' AND a.entity_key = ${before.key} ORDER BY a.id DESC LIMIT 1`,
        );
        assert.equal(audit!.source, 'workspace:save');
        assert.equal(audit!.before.resultsText, before.resultsText);
        assert.equal(audit!.after.resultsText, typed);
        const history = await admin.get(`/admin/i/${before.key}/history`);
        assert.match(history.html, /実績（本文）/, 'the history page shows the prose change');
        assert.match(history.html, /<ins>[^<]*52人が参加した。<\/ins>/);
      });

      await t.test('a form without the text field leaves the text to follow the values alone', async () => {
        const before = await by('08');
        const form = formOf((await admin.get(`/admin/e/2023/i/${before.key}`)).html);
        delete form.resultsText;
        (form.r_actual as string[])[0] = '80';
        assert.equal((await admin.post(`/admin/e/2023/i/${before.key}`, form)).status, 303);
        const after = await by('08');
        assert.equal(after.resultsText, before.resultsText.replace('・マイナンバーカード交付率 73.6% (70%)', '・マイナンバーカード交付率 80% (70%)'));
      });

      await t.test('text and a value changed in one save: the value wins over its own line, the other lines are as typed', async () => {
        const i07 = await by('07');
        assert.equal(i07.resultsText.split('\n').slice(0, 3).join('\n'), '【令和4年度】\n・デジタル化推進員 93名\n・デジタルセミナーへの参加（9月開催）');
        const form = () => admin.get(`/admin/e/2023/i/${i07.key}`).then((p) => formOf(p.html));

        // The value's old line is still in the typed text: rewritten with the new value.
        let f = await form();
        (f.r_actual as string[])[0] = '100';
        f.resultsText = '【令和4年度】\n・デジタル化推進員 93名\n・デジタルセミナーへの参加（9月・2月開催）';
        assert.equal((await admin.post(`/admin/e/2023/i/${i07.key}`, f)).status, 303);
        let after = await by('07');
        assert.equal(after.results[0]!.actual, '100');
        assert.equal(after.resultsText, '【令和4年度】\n・デジタル化推進員 100名\n・デジタルセミナーへの参加（9月・2月開催）');

        // The person rewrote the value's line themselves: it stays, and the value's own line is appended.
        f = await form();
        (f.r_actual as string[])[0] = '105';
        f.resultsText = '【令和4年度】\n・デジタル化推進員は年度末に105名となった\n・デジタルセミナーへの参加（9月・2月開催）';
        assert.equal((await admin.post(`/admin/e/2023/i/${i07.key}`, f)).status, 303);
        after = await by('07');
        assert.equal(
          after.resultsText,
          '【令和4年度】\n・デジタル化推進員は年度末に105名となった\n・デジタルセミナーへの参加（9月・2月開催）\n・デジタル化推進員 105名',
        );

        // The person already wrote the value's new line: it is not appended a second time.
        f = await form();
        (f.r_actual as string[])[0] = '110';
        f.resultsText = '【令和4年度】\n・デジタル化推進員 110名\n・デジタルセミナーへの参加（9月・2月開催）';
        assert.equal((await admin.post(`/admin/e/2023/i/${i07.key}`, f)).status, 303);
        after = await by('07');
        assert.equal(after.resultsText, '【令和4年度】\n・デジタル化推進員 110名\n・デジタルセミナーへの参加（9月・2月開催）');

        // Emptied text stays empty (the report then prints the values).
        f = await form();
        (f.r_actual as string[])[0] = '111';
        f.resultsText = '';
        assert.equal((await admin.post(`/admin/e/2023/i/${i07.key}`, f)).status, 303);
        after = await by('07');
        assert.equal(after.resultsText, '');
        assert.equal(after.results[0]!.raw, '・デジタル化推進員 111名');
      });

      await t.test('a text too long is refused next to its field, with what was typed kept, and nothing written', async () => {
        const before = await by('14');
        const form = formOf((await admin.get(`/admin/e/2023/i/${before.key}`)).html);
        const n0 = await changeSets(db);
        const r = await admin.post(`/admin/e/2023/i/${before.key}`, { ...form, resultsText: `長い${'あ'.repeat(20_001)}` });
        assert.equal(r.status, 400);
        assert.match(r.html, /実績（本文）は20,000文字までです/);
        assert.match(r.html, /aria-invalid="true"[^>]*>長いあ/);
        assert.deepEqual(await by('14'), before);
        assert.equal(await changeSets(db), n0);
      });
    } finally {
      await database.close();
    }
  });

  test(`${backend.name}: the review diff shows a change of the printed 実績 text`, async () => {
    const { database, app } = await workspaceApp(backend);
    const db = database.db;
    try {
      const admin = await signIn(app, 'admin');
      const digital = await signIn(app, 'digital');
      assert.equal((await admin.post('/admin/rounds', { fromFiscalYear: '2023', dueDate: '2024-05-31', dropCompleted: 'carry' })).status, 303);
      const k01 = (await loadEdition(db, '082023', 2024))!.initiatives.find((i) => i.number === '01')!.key;
      const url = `/admin/e/2024/i/${k01}`;

      let form = formOf((await digital.get(url)).html);
      assert.equal(form.resultsText, '', 'a rolled-over initiative starts with no printed text');
      form.resultsText = '【令和5年度】\n推進本部会議を2回開催した。';
      assert.equal((await digital.post(url, form)).status, 303);
      assert.equal((await digital.post(`${url}/submit`, {})).status, 303);
      assert.equal((await admin.post(`${url}/review`, { decision: 'return', comment: '開催日を書いてください' })).status, 303);

      form = formOf((await digital.get(url)).html);
      assert.equal(form.resultsText, '【令和5年度】\n推進本部会議を2回開催した。');
      form.resultsText = '【令和5年度】\n推進本部会議を2回（6月・1月）開催した。';
      assert.equal((await digital.post(url, form)).status, 303);
      assert.equal((await digital.post(`${url}/submit`, {})).status, 303);

      const page = await admin.get(url);
      const section = page.html.slice(page.html.indexOf('前回の提出からの変更'));
      assert.ok(section.length < page.html.length, 'the review page has the diff against the last submission');
      const since = section.slice(0, section.indexOf('</section>'));
      assert.match(since, /実績（本文）/);
      assert.match(since, /<ins>（6月・1月）<\/ins>/);
      assert.match(since, /class="pre"/, 'shown line by line');
    } finally {
      await database.close();
    }
  });
}
