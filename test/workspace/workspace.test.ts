// The staff workspace through the app, on both databases: the yearly round as the issue tells it
// (open → edit → submit → another department cannot touch it → return → fix → approve → publish), two
// people saving the same initiative, and probes of CSRF, XSS, SQL injection and login rate limiting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import { backends } from '../helpers/db.ts';
import { sampleDocument } from '../../src/db/sample.ts';
import { editionStamp, loadEdition } from '../../src/db/repository.ts';
import { authenticate } from '../../src/db/accounts.ts';
import { loadWorkspace, reviewInitiative, submitInitiative } from '../../src/db/workspace.ts';
import { clearEditionCache } from '../../src/web/public/edition-cache.ts';
import { formOf, PASSWORD, signIn, workspaceApp } from './helpers.ts';
import { createApp } from '../../src/web/app.tsx';
import type { Db } from '../../src/db/client.ts';

const { doc } = sampleDocument();
const key = (n: string) => doc.data.initiatives.find((i) => i.number === n)!.key;
const K01 = key('01'); // デジタル推進課
const K02 = key('02'); // デジタル推進課
const K36 = key('36'); // 商工振興課

async function count(db: Db, table: string): Promise<number> {
  const r = (await db.execute(sql.raw(`SELECT count(*)::int AS n FROM ${table}`))) as unknown as { rows: { n: number }[] };
  return r.rows[0]!.n;
}

for (const backend of backends) {
  test(`${backend.name}: the yearly round, end to end`, async (t) => {
    const { database, app } = await workspaceApp(backend);
    const db = database.db;
    try {
      const admin = await signIn(app, 'admin');
      const digital = await signIn(app, 'digital');
      const shoko = await signIn(app, 'shoko');

      await t.test('admin opens the 2024 round: a draft edition rolled over from 2023, not public', async () => {
        const r = await admin.post('/admin/rounds', { fromFiscalYear: '2023', dueDate: '2024-05-31', dropCompleted: 'carry' });
        assert.equal(r.status, 303, r.html);
        assert.equal(r.location?.split('?')[0], '/admin/e/2024');
        const e = (await loadEdition(db, '082023', 2024))!;
        assert.equal(e.edition.state, 'draft');
        assert.equal(e.initiatives.length, 102);
        const i08 = e.initiatives.find((i) => i.key === key('08'))!;
        // Last year's plan targets are this year's results to report: target filled, actual empty.
        assert.deepEqual(
          i08.results.map((r) => [r.label, r.actual, r.target, r.unit]),
          [['マイナンバーカード交付率', null, '85', '%']],
        );
        assert.equal(e.initiatives.find((i) => i.title === 'デジタル外部人材の活用')!.status, 'in_progress');
        assert.equal((await app.request('/o/082023/2024')).status, 404);
        assert.equal((await admin.post('/admin/rounds', { fromFiscalYear: '2023', dueDate: '2024-05-31', dropCompleted: 'carry' })).status, 409);
      });

      await t.test('an editor of デジタル推進課 sees its to-do list, updates 01 and submits', async () => {
        const list = await digital.get('/admin/e/2024');
        assert.equal(list.status, 200);
        assert.match(list.html, /日立市デジタル化推進本部の開催/);
        assert.doesNotMatch(list.html, /中小企業のDX促進/, 'only its own initiatives on the to-do list');
        const page = await digital.get(`/admin/e/2024/i/${K01}`);
        assert.equal(page.status, 200);
        const form = formOf(page.html);
        form.plan = '推進本部会議を年2回開催し、生成AIの活用方針を決定する。';
        (form.r_actual as string[])[0] = '２';
        (form.r_label as string[])[0] = '推進本部会議の開催';
        const saved = await digital.post(`/admin/e/2024/i/${K01}`, form);
        assert.equal(saved.status, 303, saved.html);
        const after = (await loadEdition(db, '082023', 2024))!.initiatives.find((i) => i.key === K01)!;
        assert.equal(after.plan, form.plan);
        assert.equal(after.results[0]!.actual, '2');
        assert.equal((await digital.post(`/admin/e/2024/i/${K01}/submit`, {})).status, 303);
      });

      await t.test('an editor of another department cannot touch it, and the refusal changes nothing', async () => {
        const stamp = await editionStamp(db, '082023', 2024);
        const sets = await count(db, 'change_sets');
        const form = formOf((await digital.get(`/admin/e/2024/i/${K02}`)).html);
        form.plan = '商工振興課が書き換えようとした文';
        for (const path of [`/admin/e/2024/i/${K02}`, `/admin/e/2024/i/${K01}/submit`, `/admin/e/2024/i/${K01}/review`]) {
          const r = await shoko.post(path, { ...form, decision: 'approve' });
          assert.equal(r.status, 403, path);
        }
        assert.equal(await editionStamp(db, '082023', 2024), stamp);
        assert.equal(await count(db, 'change_sets'), sets);
        // It can read the others (read-only) and edit its own.
        const other = await shoko.get(`/admin/e/2024/i/${K01}`);
        assert.match(other.html, /閲覧のみ/);
        assert.doesNotMatch(other.html, /class="edit-form"/);
        assert.match((await shoko.get(`/admin/e/2024/i/${K36}`)).html, /class="edit-form"/);
      });

      await t.test('admin returns it with a comment; the editor fixes and resubmits; admin sees the diff and approves', async () => {
        const review = await admin.get(`/admin/e/2024/i/${K01}`);
        assert.match(review.html, /審査/);
        assert.match(review.html, /前年度（令和5年度（2023年度））からの変更/);
        assert.match(review.html, /<ins>/);
        assert.equal((await admin.post(`/admin/e/2024/i/${K01}/review`, { decision: 'return', comment: '' })).status, 400, 'a return needs a reason');
        assert.equal((await admin.post(`/admin/e/2024/i/${K01}/review`, { decision: 'return', comment: '開催回数の目標も書いてください' })).status, 303);
        const returned = await digital.get(`/admin/e/2024/i/${K01}`);
        assert.match(returned.html, /差戻し/);
        assert.match(returned.html, /開催回数の目標も書いてください/);
        const form = formOf(returned.html);
        (form.t_label as string[])[0] = '推進本部会議の開催';
        (form.t_value as string[])[0] = '2';
        (form.t_unit as string[])[0] = '回';
        assert.equal((await digital.post(`/admin/e/2024/i/${K01}`, form)).status, 303);
        assert.equal((await digital.post(`/admin/e/2024/i/${K01}/submit`, {})).status, 303);
        const again = await admin.get(`/admin/e/2024/i/${K01}`);
        assert.match(again.html, /前回の提出からの変更/);
        assert.equal((await admin.post(`/admin/e/2024/i/${K01}/review`, { decision: 'approve', comment: '' })).status, 303);
      });

      await t.test('publishing waits for every approval; then the portal shows 2024 with the history', async () => {
        assert.equal((await admin.post('/admin/e/2024/publish', {})).status, 409);
        const progress = await admin.get('/admin/e/2024');
        assert.match(progress.html, /課所別の進み具合/);
        const actor = (await authenticate(db, 'admin', PASSWORD))!;
        const ws = await loadWorkspace(db, actor, 2024);
        for (const item of ws.items) {
          if (item.submission?.state === 'approved') continue;
          if (item.submission?.state !== 'submitted') await submitInitiative(db, actor, 2024, item.initiative.key);
          await reviewInitiative(db, actor, 2024, item.initiative.key, 'approve', '');
        }
        assert.equal((await admin.post('/admin/e/2024/publish', {})).status, 303);
        clearEditionCache();
        const pub = await app.request(`/o/082023/2024/initiatives/${K01}`);
        assert.equal(pub.status, 200);
        const html = await pub.text();
        assert.match(html, /生成AIの活用方針を決定する/);
        assert.match(html, /令和5年度/, 'history across editions');
        // Published is locked: even the owner cannot save; admin reopens with a recorded reason.
        const form = formOf((await admin.get(`/admin/e/2024/i/${K02}`)).html);
        assert.equal(Object.keys(form).length > 2, false, 'no edit form on a published edition');
        assert.equal((await digital.post(`/admin/e/2024/i/${K02}`, { version: '1', status: 'in_progress', content: 'x', plan: 'y' })).status, 409);
        assert.equal((await admin.post('/admin/e/2024/reopen', { reason: '' })).status, 400);
        assert.equal((await admin.post('/admin/e/2024/reopen', { reason: '誤字の訂正' })).status, 303);
        const history = await admin.get(`/admin/i/${K01}/history`);
        assert.match(history.html, /差戻し/);
        assert.match(history.html, /<ins>/);
      });
    } finally {
      await database.close();
    }
  });

  test(`${backend.name}: two people save the same initiative — the second is refused and sees the first's change`, async () => {
    const { database, app } = await workspaceApp(backend);
    try {
      const admin = await signIn(app, 'admin');
      await admin.post('/admin/rounds', { fromFiscalYear: '2023', dueDate: '2024-05-31', dropCompleted: 'drop' });
      const e = (await loadEdition(database.db, '082023', 2024))!;
      assert.equal(
        e.initiatives.some((i) => i.status === 'completed'),
        false,
        'completed ones dropped on request',
      );
      const digital = await signIn(app, 'digital');
      const mine = formOf((await digital.get(`/admin/e/2024/i/${K02}`)).html);
      const theirs = formOf((await admin.get(`/admin/e/2024/i/${K02}`)).html);
      mine.plan = '担当課が書いた取組の文。';
      theirs.plan = '管理者が書いた別の文。';
      assert.equal((await digital.post(`/admin/e/2024/i/${K02}`, mine)).status, 303);
      const second = await admin.post(`/admin/e/2024/i/${K02}`, theirs);
      assert.equal(second.status, 409);
      assert.match(second.html, /digitalさんが先にこの施策を保存しました/);
      assert.match(second.html, /担当課が書いた取組の文。/, "the other person's change is shown");
      assert.match(second.html, /管理者が書いた別の文。/, 'and what this person typed is kept in the form');
      const stored = (await loadEdition(database.db, '082023', 2024))!.initiatives.find((i) => i.key === K02)!;
      assert.equal(stored.plan, '担当課が書いた取組の文。', 'nothing lost, nothing overwritten');
      // Having seen it, saving from the refreshed form goes through.
      const retry = formOf(second.html);
      assert.equal((await admin.post(`/admin/e/2024/i/${K02}`, retry)).status, 303);
    } finally {
      await database.close();
    }
  });
}

test('probes: CSRF, XSS, SQL injection, bad form values, login rate limiting', async (t) => {
  const { database, app } = await workspaceApp(backends[0]!);
  try {
    const admin = await signIn(app, 'admin');
    await admin.post('/admin/rounds', { fromFiscalYear: '2023', dueDate: '2024-05-31', dropCompleted: 'carry' });
    const digital = await signIn(app, 'digital');

    await t.test('CSRF: a form without the token, or with another session’s, is refused and writes nothing', async () => {
      const sets = await count(database.db, 'change_sets');
      const form = formOf((await digital.get(`/admin/e/2024/i/${K01}`)).html);
      assert.equal((await digital.post(`/admin/e/2024/i/${K01}`, form, { csrf: null })).status, 403);
      assert.equal((await digital.post(`/admin/e/2024/i/${K01}`, form, { csrf: await admin.csrf() })).status, 403);
      assert.equal((await app.request('/admin/e/2024/publish', { method: 'POST', body: new URLSearchParams({ _csrf: 'x' }) })).status, 401);
      assert.equal(await count(database.db, 'change_sets'), sets);
    });

    await t.test('XSS: hostile text is stored as typed and shown as text', async () => {
      const form = formOf((await digital.get(`/admin/e/2024/i/${K01}`)).html);
      form.content = '<script>alert(1)</script>"><img src=x onerror=alert(1)>';
      assert.equal((await digital.post(`/admin/e/2024/i/${K01}`, form)).status, 303);
      const page = await digital.get(`/admin/e/2024/i/${K01}`);
      assert.doesNotMatch(page.html, /<script>alert|<img src=x/);
      assert.match(page.html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
      const history = await digital.get(`/admin/i/${K01}/history`);
      assert.doesNotMatch(history.html, /<script>alert|<img src=x/);
    });

    await t.test('SQL injection in paths and forms is data, never SQL', async () => {
      assert.equal((await digital.get(`/admin/e/2024/i/${encodeURIComponent("' OR 1=1 --")}`)).status, 404);
      assert.equal(
        (await app.request('/admin/login', { method: 'POST', body: new URLSearchParams({ login: "admin' --", password: "' OR '1'='1" }) })).status,
        401,
      );
      const form = formOf((await digital.get(`/admin/e/2024/i/${K02}`)).html);
      form.plan = "'); DROP TABLE users; --";
      assert.equal((await digital.post(`/admin/e/2024/i/${K02}`, form)).status, 303);
      assert.equal(await count(database.db, 'users'), 5);
    });

    await t.test('bad form values: errors next to the field in Japanese, what was typed kept, nothing written', async () => {
      const stamp = await editionStamp(database.db, '082023', 2024);
      const form = formOf((await digital.get(`/admin/e/2024/i/${K01}`)).html);
      (form.r_actual as string[])[0] = '約30件';
      form.status = 'finished';
      const r = await digital.post(`/admin/e/2024/i/${K01}`, form);
      assert.equal(r.status, 400);
      assert.match(r.html, /数値ではありません「約30件」/);
      assert.match(r.html, /状況を選んでください/);
      assert.match(r.html, /value="約30件"/);
      assert.match(r.html, /aria-invalid="true"/);
      assert.equal(await editionStamp(database.db, '082023', 2024), stamp);
      assert.equal((await digital.post(`/admin/e/2024/i/${K01}`, { ...form, version: 'abc' })).status, 400);
      assert.equal((await digital.get('/admin/e/20x4')).status, 404);
      assert.equal((await admin.post('/admin/rounds', { fromFiscalYear: '2024', dueDate: 'tomorrow', dropCompleted: 'carry' })).status, 400);
    });

    await t.test('plan settings: the progress rule is validated and changes the computed KPI table', async () => {
      assert.equal((await admin.post('/admin/e/2024/settings', { rounding: 'round', decimals: '9', bands: 'A hundred' })).status, 400);
      assert.equal((await admin.post('/admin/e/2024/settings', { rounding: 'half-up', decimals: '1', bands: 'A 100\nB 80' })).status, 303);
      const e = (await loadEdition(database.db, '082023', 2023))!;
      assert.equal(e.plan.settings.progress.rounding, 'half-up');
      clearEditionCache();
      // 11.2 / 23 = 48.69…: truncated it prints 48.6, rounded half-up 48.7. The portal shows 2023 as it was
      // published, rule included, until 2023 is published again.
      assert.match(await (await app.request('/o/082023/2023')).text(), /11\.2%（48\.6%）/);
      assert.equal((await admin.post('/admin/e/2023/reopen', { reason: '計算規則の変更' })).status, 303);
      assert.equal((await admin.post('/admin/e/2023/publish', {})).status, 303);
      assert.match(await (await app.request('/o/082023/2023')).text(), /11\.2%（48\.7%）/);
    });

    await t.test('merging an unknown department is a clear refusal, not an error page', async () => {
      const sets = await count(database.db, 'change_sets');
      const r = await admin.post('/admin/departments/merge', { from: '存在しない課', into: '商工振興課' });
      assert.equal(r.status, 400);
      assert.match(r.html, /担当課所「存在しない課」がありません/);
      assert.equal(await count(database.db, 'change_sets'), sets);
    });

    await t.test('anonymous readers are sent to the login page; unpublished data stay private', async () => {
      const r = await app.request('/admin/e/2024');
      assert.equal(r.status, 303);
      assert.match(r.headers.get('location') ?? '', /^\/admin\/login/);
      assert.equal((await app.request('/o/082023/2024')).status, 404);
      assert.equal((await app.request('/api/v1/organizations/082023/editions/2024')).status, 404);
    });

    await t.test('login rate limiting: after 5 failures from the same client even the right password waits, until the window passes', async () => {
      // The probes above failed some logins from this address; start from a window that has passed.
      await database.db.execute(sql`UPDATE login_failures SET at = at - interval '16 minutes'`);
      const attempt = (password: string) => app.request('/admin/login', { method: 'POST', body: new URLSearchParams({ login: 'exec', password }) });
      for (let k = 0; k < 5; k++) assert.equal((await attempt('wrong password!!')).status, 401);
      const blocked = await attempt(PASSWORD);
      assert.equal(blocked.status, 429);
      const elsewhere = await createApp({ database }).request('/admin/login', {
        method: 'POST',
        body: new URLSearchParams({ login: 'exec', password: PASSWORD }),
      });
      assert.equal(elsewhere.status, 429, 'another server process over the same database sees the same counters');
      assert.match(await blocked.text(), /15分間/);
      // Counted in the database, so every server process sees them; a quarter of an hour later they lapse.
      await database.db.execute(sql`UPDATE login_failures SET at = at - interval '16 minutes'`);
      assert.equal((await attempt(PASSWORD)).status, 303);
    });

    await t.test('cookies: HttpOnly, SameSite, scoped to /admin; logout ends the session', async () => {
      const res = await app.request('/admin/login', { method: 'POST', body: new URLSearchParams({ login: 'exec', password: PASSWORD }) });
      const cookie = res.headers.get('set-cookie') ?? '';
      assert.match(cookie, /HttpOnly/);
      assert.match(cookie, /SameSite=Lax/);
      assert.match(cookie, /Path=\/admin/);
      const exec = await signIn(app, 'exec');
      assert.equal((await exec.post('/admin/logout', {})).status, 303);
      assert.equal((await exec.get('/admin')).status, 303);
    });
  } finally {
    await database.close();
  }
});
