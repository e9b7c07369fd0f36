// Staff accounts managed by the admin in the workspace, on both databases: a new editor signs in and edits
// for its department only; a change of departments applies at once; disabling signs the person out; a
// reset password ends the old sessions; the last active admin cannot be demoted or disabled. Bad values
// come back next to their fields, with what was typed but never the password.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import { backends } from '../helpers/db.ts';
import { sampleDocument } from '../../src/db/sample.ts';
import { formOf, PASSWORD, signIn, workspaceApp } from './helpers.ts';
import type { Db } from '../../src/db/client.ts';

const { doc } = sampleDocument();
const K01 = doc.data.initiatives.find((i) => i.number === '01')!.key; // デジタル推進課
const SHOKO = doc.data.initiatives.find((i) => i.departments.includes('商工振興課'))!.key;
const NEW_PASSWORD = 'a new long passphrase';

const alert = (html: string) => /role="alert">([^<]*)/.exec(html)?.[1] ?? '';
const fieldError = (html: string, id: string) => new RegExp(`id="${id}-error">\\s*([^<]*)`).exec(html)?.[1]?.trim() ?? '';
const versionOf = (html: string) => /name="version" value="(\d+)"/.exec(html)![1]!;

async function fingerprint(db: Db): Promise<string> {
  const r = (await db.execute(
    sql`SELECT (SELECT count(*) FROM change_sets)::int AS c, (SELECT coalesce(sum(version), 0) FROM users)::int AS v, (SELECT count(*) FROM users)::int AS u, (SELECT count(*) FROM user_departments)::int AS d`,
  )) as unknown as { rows: unknown[] };
  return JSON.stringify(r.rows[0]);
}

for (const backend of backends) {
  test(`${backend.name}: the admin manages staff accounts`, async (t) => {
    const { database, app } = await workspaceApp(backend);
    const db = database.db;
    try {
      const admin = await signIn(app, 'admin');
      assert.equal((await admin.post('/admin/rounds', { fromFiscalYear: '2023', dueDate: '2024-05-31', dropCompleted: 'carry' })).status, 303);

      await t.test('a new editor, added in the workspace, signs in and edits for its department only', async () => {
        const list = await admin.get('/admin/users');
        assert.equal(list.status, 200);
        assert.match(list.html, /digital/);
        const r = await admin.post('/admin/users', {
          login: 'kanko',
          displayName: '観光担当',
          email: 'kanko@example.jp',
          role: 'editor',
          departments: '商工推進課',
          password: PASSWORD,
        });
        assert.equal(r.status, 303, alert(r.html));
        const kanko = await signIn(app, 'kanko');
        assert.equal((await kanko.get(`/admin/e/2024/i/${K01}`)).status, 200, 'reads the rest');
        const k01 = formOf((await admin.get(`/admin/e/2024/i/${K01}`)).html);
        assert.equal((await kanko.post(`/admin/e/2024/i/${K01}`, k01)).status, 403, 'cannot edit another department’s initiative');
      });

      await t.test('bad values come back next to their fields, with what was typed but not the password', async () => {
        const before = await fingerprint(db);
        let r = await admin.post('/admin/users', {
          login: 'ab cd',
          displayName: '',
          email: 'not-an-address',
          role: 'editor',
          departments: '',
          password: 'short',
        });
        assert.equal(r.status, 400);
        assert.equal(fieldError(r.html, 'account-new-login'), 'ログイン名は半角英数字と . _ @ - の2〜64文字です');
        assert.equal(fieldError(r.html, 'account-new-displayName'), '表示名を入力してください');
        assert.equal(fieldError(r.html, 'account-new-email'), 'メールアドレスの形ではありません');
        assert.equal(fieldError(r.html, 'account-new-password'), 'パスワードは12文字以上にしてください');
        assert.match(r.html, /value="ab cd"/);
        assert.doesNotMatch(r.html, /value="short"/, 'the password is never sent back');
        r = await admin.post('/admin/users', { login: 'ok', displayName: '名前', email: '', role: 'editor', departments: '', password: PASSWORD });
        assert.equal(fieldError(r.html, 'account-new-departments'), '編集者には担当課所が必要です');
        r = await admin.post('/admin/users', { login: 'ok', displayName: '名前', email: '', role: 'editor', departments: '観光課', password: PASSWORD });
        assert.equal(r.status, 400);
        assert.match(alert(r.html), /担当課所「観光課」は登録されていません/);
        r = await admin.post('/admin/users', { login: 'digital', displayName: '重複', email: '', role: 'viewer', departments: '', password: PASSWORD });
        assert.equal(r.status, 400);
        assert.match(alert(r.html), /ログイン名「digital」は使われています/);
        r = await admin.post('/admin/users', { login: 'boss', displayName: '名前', email: '', role: 'superuser', departments: '', password: PASSWORD });
        assert.equal(r.status, 400);
        assert.equal(await fingerprint(db), before, 'nothing was written');
      });

      await t.test('departments change at once; disabling signs the person out', async () => {
        const kanko = await signIn(app, 'kanko');
        let page = await admin.get('/admin/users/kanko');
        assert.equal(page.status, 200);
        let r = await admin.post('/admin/users/kanko', {
          version: versionOf(page.html),
          displayName: '観光担当',
          email: 'kanko@example.jp',
          role: 'editor',
          departments: 'デジタル推進課',
        });
        assert.equal(r.status, 303, alert(r.html));
        const k01 = formOf((await admin.get(`/admin/e/2024/i/${K01}`)).html);
        assert.equal((await kanko.post(`/admin/e/2024/i/${K01}`, { ...k01, plan: '観光担当が更新' })).status, 303, 'now edits デジタル推進課');
        const shoko = formOf((await admin.get(`/admin/e/2024/i/${SHOKO}`)).html);
        assert.equal((await kanko.post(`/admin/e/2024/i/${SHOKO}`, shoko)).status, 403, 'and no longer 商工振興課');

        const stale = versionOf(page.html);
        r = await admin.post('/admin/users/kanko', { version: stale, displayName: '古い画面', email: '', role: 'editor', departments: 'デジタル推進課' });
        assert.equal(r.status, 409, 'saved from a stale page');
        assert.match(r.html, /value="古い画面"/);

        page = await admin.get('/admin/users/kanko');
        r = await admin.post('/admin/users/kanko', {
          version: versionOf(page.html),
          displayName: '観光担当',
          email: '',
          role: 'editor',
          departments: 'デジタル推進課',
          disabled: 'on',
        });
        assert.equal(r.status, 303);
        const after = await kanko.get('/admin');
        assert.equal(after.status, 303, 'signed out');
        assert.match(after.location ?? '', /\/admin\/login/);
        const login = await app.request('/admin/login', { method: 'POST', body: new URLSearchParams({ login: 'kanko', password: PASSWORD }) });
        assert.equal(login.status, 401);
      });

      await t.test('a password reset ends the old sessions; the new password works', async () => {
        const digital = await signIn(app, 'digital');
        let r = await admin.post('/admin/users/digital/password', { password: 'short' });
        assert.equal(r.status, 400);
        assert.equal(fieldError(r.html, 'password-password'), 'パスワードは12文字以上にしてください');
        r = await admin.post('/admin/users/digital/password', { password: NEW_PASSWORD });
        assert.equal(r.status, 303);
        assert.equal((await digital.get('/admin')).status, 303, 'the old session ended');
        await signIn(app, 'digital', NEW_PASSWORD);
      });

      await t.test('the last active admin cannot be demoted or disabled', async () => {
        const before = await fingerprint(db);
        const page = await admin.get('/admin/users/admin');
        for (const change of [{ role: 'viewer' }, { role: 'admin', disabled: 'on' }] as Record<string, string>[]) {
          const r = await admin.post('/admin/users/admin', { version: versionOf(page.html), displayName: 'admin', email: '', departments: '', ...change });
          assert.equal(r.status, 409);
          assert.match(alert(r.html), /有効な管理者がいなくなる/);
        }
        assert.equal(await fingerprint(db), before);
        // With a second admin, the first may step down.
        assert.equal(
          (await admin.post('/admin/users', { login: 'admin2', displayName: '副管理者', email: '', role: 'admin', departments: '', password: PASSWORD }))
            .status,
          303,
        );
        const r = await admin.post('/admin/users/admin', { version: versionOf(page.html), displayName: 'admin', email: '', role: 'viewer', departments: '' });
        assert.equal(r.status, 303);
        assert.equal((await admin.get('/admin/users')).status, 403, 'a viewer now, from the next request');
      });

      await t.test('hostile text is stored as typed and shown as text', async () => {
        const admin2 = await signIn(app, 'admin2');
        const hostile = `<script>alert(1)</script>'; DROP TABLE users; --`;
        assert.equal(
          (await admin2.post('/admin/users', { login: 'x-probe', displayName: hostile, email: '', role: 'viewer', departments: '', password: PASSWORD }))
            .status,
          303,
        );
        const list = await admin2.get('/admin/users');
        assert.doesNotMatch(list.html, /<script>alert/);
        assert.match(list.html, /&lt;script&gt;/);
      });
    } finally {
      await database.close();
    }
  });
}
