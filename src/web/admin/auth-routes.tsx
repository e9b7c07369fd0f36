// Signing in and out, and changing one's own password. The login form is the one POST of the workspace
// without a session (and so without a CSRF token): it checks where it was posted from instead, and is
// throttled (src/db/login-throttle.ts): a client that keeps guessing one name, or many names, is made to
// wait, while the account holder elsewhere still signs in; the client's address is the socket's unless a
// trusted proxy is configured (src/web/client-address.ts). The platform administrator signs in here too and lands
// on its own pages (/admin/platform); a member of an organization lands on that organization's dashboard.
import { Hono, type Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { changePassword, createSession, endSession, verifyLogin } from '../../db/accounts.ts';
import { admitLogin, loginFailed, loginSucceeded, throttleKeys } from '../../db/login-throttle.ts';
import { clientAddress, clientBucket } from '../client-address.ts';
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

/** "32秒", "4分16秒", "15分". */
export function waitText(seconds: number): string {
  const s = Math.max(1, Math.ceil(seconds));
  if (s < 60) return `${s}秒`;
  return s % 60 ? `${Math.floor(s / 60)}分${s % 60}秒` : `${s / 60}分`;
}

/**
 * How long to wait, and why, in words that are the same whether the name is an account or not (the
 * throttle counts names as typed), so the message tells no one which accounts exist.
 */
export function throttleMessage(by: 'pair' | 'client', waitSeconds: number, capSeconds: number): string {
  const why = by === 'pair' ? 'このログイン名でのログインの失敗がこの接続元から続いたため' : 'この接続元からのログインの失敗が多いため';
  return (
    `${why}、あと${waitText(waitSeconds)}はログインできません。時間をおいて、ログイン名とパスワードを確かめてからお試しください` +
    `（失敗が続くと待ち時間は長くなります。最長${waitText(capSeconds)}間）。パスワードが分からないときは、自治体の管理者に再設定を依頼してください。`
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
  const db = c.get('database').db;
  const admission = await admitLogin(db, throttleKeys(login, clientBucket(clientAddress(c))));
  if (!admission.allowed) {
    c.header('Retry-After', String(admission.waitSeconds));
    return loginPage(c, { error: throttleMessage(admission.by, admission.waitSeconds, admission.capSeconds), login, next }, 429);
  }
  // Many failures for this name from everywhere: slowed, never refused, so the holder still gets in.
  if (admission.holdMs) await new Promise((done) => setTimeout(done, admission.holdMs));
  const actor = login && password ? await verifyLogin(db, login, password) : null;
  if (!actor) {
    await loginFailed(db);
    return loginPage(c, { error: 'ログイン名またはパスワードが違います。', login, next }, 401);
  }
  await loginSucceeded(db, admission.attempt);
  const { token } = await createSession(db, actor.id);
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
