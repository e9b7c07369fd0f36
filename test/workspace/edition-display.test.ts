// 「版の表示」 (/admin/editions/:fy/display): the admin types an edition's title, catch copy, lead and 出典,
// they are stored as typed and shown on the portal once published; an empty 出典 shows none, and nothing
// composes one from the organization's name (the plan-text import included). A published edition refuses,
// as do other roles, bad texts and a form someone saved over, and a refusal changes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import { backends } from '../helpers/db.ts';
import { parsePlanText } from '../../src/import/plan-text.ts';
import { SAMPLE, sampleDocument } from '../../src/db/sample.ts';
import { signIn, workspaceApp, type Staff } from './helpers.ts';
import type { Db } from '../../src/db/client.ts';

const URL = '/admin/editions/2023/display';

interface Row {
  title: string;
  tagline: string | null;
  lead: string | null;
  source: string | null;
  version: number;
}

async function edition(db: Db): Promise<Row> {
  const r = (await db.execute(sql`SELECT title, tagline, lead, source, version FROM editions WHERE fiscal_year = 2023`)) as unknown as { rows: Row[] };
  return r.rows[0]!;
}

async function state(db: Db): Promise<string> {
  const r = (await db.execute(sql`SELECT (SELECT count(*) FROM change_sets)::int AS sets, (SELECT count(*) FROM audit_log)::int AS audit`)) as unknown as {
    rows: unknown[];
  };
  return JSON.stringify([await edition(db), r.rows[0]]);
}

/** The display form's fields as the page shows them. */
function displayForm(html: string): Record<string, string> {
  const form = /<form method="post" action="\/admin\/editions\/2023\/display"[^>]*>([\s\S]*?)<\/form>/.exec(html)?.[1] ?? '';
  const unescapeHtml = (s: string) =>
    s
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, '&');
  const out: Record<string, string> = {};
  for (const m of form.matchAll(/<input([^>]*)>/g)) {
    const name = /name="([^"]+)"/.exec(m[1]!)?.[1];
    if (name && name !== '_csrf') out[name] = unescapeHtml(/value="([^"]*)"/.exec(m[1]!)?.[1] ?? '');
  }
  for (const m of form.matchAll(/<textarea[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/textarea>/g)) out[m[1]!] = unescapeHtml(m[2]!);
  return out;
}

test('the plan-text import stores the 出典 as given, and composes none', () => {
  const { text } = sampleDocument();
  const org = { code: '082023', name: '日立市' };
  assert.equal(parsePlanText(text, { organization: org }).data.edition.source, null, 'the sample text prints no 出典 line: none, not one made from 日立市');
  assert.equal(parsePlanText(text, { organization: org, source: '出典: 日立市デジタル推進課' }).data.edition.source, '出典: 日立市デジタル推進課');
  assert.equal(parsePlanText(text, { organization: org, source: '  ' }).data.edition.source, null);
  const withLine = text.replace('ひたち型スマートライフ\n', '出典：日立市公式ウェブサイト\n\nひたち型スマートライフ\n');
  const parsed = parsePlanText(withLine, { organization: org });
  assert.equal(parsed.data.edition.source, '出典：日立市公式ウェブサイト', 'the document’s own 出典 line, as printed');
  assert.equal(parsed.data.edition.tagline, 'ひたち型スマートライフの実現に向けて', 'and it is not taken for the catch copy');
  // The sample ships with its attribution, as data.
  assert.equal(sampleDocument().doc.data.edition.source, '出典: 日立市「日立市デジタル化推進アクションプラン2023」');
  assert.equal(SAMPLE.source, '出典: 日立市「日立市デジタル化推進アクションプラン2023」');
});

for (const backend of backends) {
  test(`${backend.name}: 版の表示 — typed, stored as typed, shown on the portal after publish`, async (t) => {
    const { database, app } = await workspaceApp(backend);
    const db = database.db;
    try {
      const admin = await signIn(app, 'admin');
      const digital = await signIn(app, 'digital');
      const portal = async () => (await app.request('/o/082023/2023', { headers: { 'accept-language': 'ja' } })).text();
      const publish = async (who: Staff) => assert.equal((await who.post('/admin/e/2023/publish', {})).status, 303);
      const reopen = async () => assert.equal((await admin.post('/admin/e/2023/reopen', { reason: '表示の訂正' })).status, 303);
      const shipped = await edition(db);
      assert.equal(shipped.source, '出典: 日立市「日立市デジタル化推進アクションプラン2023」');

      await t.test('a published edition: the form is locked and a save is refused, changing nothing', async () => {
        const page = await admin.get(URL);
        assert.equal(page.status, 200);
        assert.match(page.html, /<h1>版の表示<\/h1>/);
        assert.match(page.html, /この版は公開済みのため変更できません/);
        assert.match(page.html, /<fieldset disabled="">|<fieldset disabled>/);
        const form = displayForm(page.html);
        assert.equal(form.source, shipped.source);
        const before = await state(db);
        const r = await admin.post(URL, { ...form, source: '出典: 別の書き方' });
        assert.equal(r.status, 409);
        assert.match(r.html, /公開済みの版は変更できません/);
        assert.equal(await state(db), before);
      });

      await t.test('other roles may neither see nor save the form', async () => {
        await reopen();
        const form = displayForm((await admin.get(URL)).html);
        for (const who of ['digital', 'exec', 'expert'] as const) {
          const staff = who === 'digital' ? digital : await signIn(app, who);
          assert.equal((await staff.get(URL)).status, 403, `${who} GET`);
          const before = await state(db);
          assert.equal((await staff.post(URL, { ...form, source: '出典: 書き換え' })).status, 403, `${who} POST`);
          assert.equal(await state(db), before, `${who}'s refused save changed nothing`);
        }
      });

      await t.test('the 出典 typed is stored as typed, audited, and shown on the portal once published', async () => {
        const form = displayForm((await admin.get(URL)).html);
        const typed = {
          ...form,
          title: '日立市デジタル化推進アクションプラン2023（改訂版）',
          tagline: 'ひたち型スマートライフの実現に向けて',
          lead: '改訂版のリード文です。\r\n\r\n二段落目です。',
          source: '  出典: 日立市総務部デジタル推進課「アクションプラン2023（2024年3月改訂）」 ',
        };
        const r = await admin.post(URL, typed);
        assert.equal(r.status, 303, r.html.slice(0, 2000));
        assert.match(decodeURIComponent(r.location ?? ''), /版の表示を保存しました/);
        const stored = await edition(db);
        assert.deepEqual(
          { title: stored.title, tagline: stored.tagline, lead: stored.lead, source: stored.source },
          {
            title: '日立市デジタル化推進アクションプラン2023（改訂版）',
            tagline: 'ひたち型スマートライフの実現に向けて',
            lead: '改訂版のリード文です。\n\n二段落目です。',
            source: '出典: 日立市総務部デジタル推進課「アクションプラン2023（2024年3月改訂）」',
          },
        );
        const audit = (await db.execute(
          sql`SELECT a.before, a.after FROM audit_log a JOIN change_sets c ON c.id = a.change_set_id WHERE c.source = 'edition:display'`,
        )) as unknown as { rows: { before: Record<string, unknown>; after: Record<string, unknown> }[] };
        assert.equal(audit.rows.length, 1);
        assert.deepEqual(audit.rows[0]!.before, { title: shipped.title, lead: shipped.lead, source: shipped.source }, 'only what changed');
        assert.deepEqual(audit.rows[0]!.after, { title: stored.title, lead: stored.lead, source: stored.source });

        // Saving what is stored writes nothing.
        const before = await state(db);
        const again = await admin.post(URL, displayForm((await admin.get(URL)).html));
        assert.equal(again.status, 303);
        assert.match(decodeURIComponent(again.location ?? ''), /変更はありませんでした/);
        assert.equal(await state(db), before);

        await publish(admin);
        const html = await portal();
        assert.match(html, /<p class="source">出典: 日立市総務部デジタル推進課「アクションプラン2023（2024年3月改訂）」<\/p>/);
        assert.match(html, /<h1>日立市デジタル化推進アクションプラン2023（改訂版）<\/h1>/);
        assert.match(html, /改訂版のリード文です。/);
        const report = await (await app.request('/o/082023/2023/report.html')).text();
        assert.match(report, /出典: 日立市総務部デジタル推進課「アクションプラン2023（2024年3月改訂）」/);
      });

      await t.test('an empty 出典 is none: nothing shown, nothing composed from the organization’s name', async () => {
        await reopen();
        const form = displayForm((await admin.get(URL)).html);
        assert.equal((await admin.post(URL, { ...form, source: '', tagline: '' })).status, 303);
        const stored = await edition(db);
        assert.equal(stored.source, null);
        assert.equal(stored.tagline, null);
        await publish(admin);
        const html = await portal();
        assert.doesNotMatch(html, /class="source"/);
        assert.doesNotMatch(html, /出典/);
        assert.doesNotMatch(html, /class="tagline"/);
        const report = await (await app.request('/o/082023/2023/report.html')).text();
        assert.doesNotMatch(report, /出典/);
      });

      await t.test('bad texts come back next to their fields with what was typed, and change nothing', async () => {
        await reopen();
        const form = displayForm((await admin.get(URL)).html);
        const before = await state(db);
        const r = await admin.post(URL, { ...form, title: '  ', source: '出典: 一行目\n二行目', lead: 'あ'.repeat(4001) });
        assert.equal(r.status, 400);
        assert.match(r.html, /id="display-title-error">[^<]*版の題名を入力してください/);
        assert.match(r.html, /id="display-source-error">[^<]*出典は1行で入力してください/);
        assert.match(r.html, /id="display-lead-error">[^<]*リード文は4,000文字までです/);
        assert.match(r.html, /value="出典: 一行目\n二行目"|value="出典: 一行目&#10;二行目"/);
        assert.equal(await state(db), before);
      });

      await t.test('a form someone saved over is refused with what is stored now; saving again overwrites knowingly', async () => {
        const mine = displayForm((await admin.get(URL)).html);
        const other = await signIn(app, 'admin');
        const theirs = displayForm((await other.get(URL)).html);
        assert.equal((await other.post(URL, { ...theirs, source: '出典: 先に保存した人の出典' })).status, 303);
        const before = await state(db);
        const r = await admin.post(URL, { ...mine, source: '出典: 後から保存した人の出典' });
        assert.equal(r.status, 409);
        assert.match(r.html, /別の人が変更しました/);
        assert.match(r.html, /いま保存されている内容[\s\S]*出典: 先に保存した人の出典/);
        const again = displayForm(r.html);
        assert.equal(again.source, '出典: 後から保存した人の出典', 'what was typed stays in the form');
        assert.equal(await state(db), before);
        assert.equal((await admin.post(URL, again)).status, 303);
        assert.equal((await edition(db)).source, '出典: 後から保存した人の出典');
      });
    } finally {
      await database.close();
    }
  });
}
