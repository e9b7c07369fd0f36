// Signing in and out, and changing one's own password. The login form is the one POST of the workspace
// without a session (and so without a CSRF token): it checks where it was posted from instead, and limits
// failed attempts per address and per login name. The platform administrator signs in here too and lands
// on its own pages (/admin/platform); a member of an organization lands on that organization's dashboard.
import { Hono, type Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { changePassword, clearLoginFailures, createSession, endSession, loginBlocked, recordLoginFailure, verifyLogin } from '../../db/accounts.ts';
import { adminPost, page } from './respond.tsx';
import { AdminLayout, Csrf, FieldError } from './views.tsx';
import { clearSessionCookie, landingFor, setSessionCookie, SESSION_COOKIE, type AdminEnv } from './auth.ts';
import { one, type Body, type FieldErrors } from './forms.ts';

/** GET and POST /login: mounted before the session guard. */
export const loginRoutes = new Hono<AdminEnv>();

/** Logout and the password form: mounted after the session guard. */
export const sessionRoutes = new Hono<AdminEnv>();

function safeNext(next: string | undefined): string {
  return next && /^\/admin(\/[A-Za-z0-9/_%.-]*)?$/.test(next) ? next : '/admin';
}

function loginPage(c: Context, opts: { error?: string; next?: string; login?: string } = {}, status: 200 | 401 | 429 | 403 = 200) {
  c.status(status);
  c.header('Cache-Control', 'no-store');
  return c.html(
    <AdminLayout title="ログイン" error={opts.error}>
      <h1>ログイン</h1>
      <form method="post" action="/admin/login" class="panel">
        <input type="hidden" name="next" value={safeNext(opts.next)} />
        <p>
          <label for="login">ログイン名</label>
          <br />
          <input id="login" name="login" autocomplete="username" required value={opts.login ?? ''} />
        </p>
        <p>
          <label for="password">パスワード</label>
          <br />
          <input id="password" name="password" type="password" autocomplete="current-password" required />
        </p>
        <p>
          <button type="submit">ログイン</button>
        </p>
      </form>
      <p>
        アカウントは自治体の管理者が作成します（最初の管理者はプラットフォーム管理者が作成します。<code>shisaku user add</code>）。
      </p>
    </AdminLayout>,
  );
}

loginRoutes.get('/login', (c) => loginPage(c, { next: c.req.query('next') }));

loginRoutes.post('/login', async (c) => {
  // A login form posted from another site would sign the person in as someone else.
  const origin = c.req.header('origin');
  if (origin && origin !== new URL(c.req.url).origin) return c.text('不正な送信元です / cross-site login refused', 403);
  const body = (await c.req.parseBody().catch(() => ({}))) as Body;
  const login = one(body, 'login').trim().slice(0, 100);
  const password = one(body, 'password').slice(0, 300);
  const next = one(body, 'next');
  const ip =
    c.req.header('x-forwarded-for')?.split(',')[0]?.trim() ??
    (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket?.remoteAddress ??
    'local';
  const keys = [`ip:${ip}`, `login:${login.toLowerCase()}`];
  const db = c.get('database').db;
  if (await loginBlocked(db, keys)) return loginPage(c, { error: 'ログインの失敗が続いたため、15分間ログインできません。', login, next }, 429);
  const actor = login && password ? await verifyLogin(c.get('database').db, login, password) : null;
  if (!actor) {
    await recordLoginFailure(db, keys);
    return loginPage(c, { error: 'ログイン名またはパスワードが違います。', login, next }, 401);
  }
  await clearLoginFailures(db, keys);
  const { token } = await createSession(c.get('database').db, actor.id);
  setSessionCookie(c, token);
  return c.redirect(landingFor(actor, safeNext(next)), 303);
});

// Anyone signed in may sign out and change their own password.
adminPost(sessionRoutes, '/logout', { may: null }, async (c) => {
  const token = getCookie(c, SESSION_COOKIE);
  if (token) await endSession(c.get('database').db, token);
  clearSessionCookie(c);
  return c.redirect('/admin/login', 303);
});

sessionRoutes.get('/password', (c) => page(c, 'パスワード変更', <PasswordForm csrf={c.get('csrf')} />));

function PasswordForm({ csrf, errors }: { csrf: string; errors?: FieldErrors }) {
  return (
    <>
      <h1>パスワード変更</h1>
      <form method="post" action="/admin/password" class="panel">
        <Csrf token={csrf} />
        <p>
          <label for="current">現在のパスワード</label>
          <br />
          <input id="current" name="current" type="password" autocomplete="current-password" required />
        </p>
        <p>
          <label for="next">新しいパスワード（12文字以上）</label>
          <br />
          <input id="next" name="next" type="password" autocomplete="new-password" required minlength={12} />
          <FieldError errors={errors} name="next" />
        </p>
        <p>
          <button type="submit">変更する</button>
        </p>
      </form>
    </>
  );
}

adminPost(sessionRoutes, '/password', { may: null }, async (c, b) => {
  const problem = await changePassword(c.get('database').db, c.get('signedIn').id, one(b, 'current'), one(b, 'next'));
  if (problem) return page(c, 'パスワード変更', <PasswordForm csrf={c.get('csrf')} errors={{ next: problem }} />, { error: problem, status: 400 });
  clearSessionCookie(c);
  return c.redirect('/admin/login?next=/admin', 303);
});
