// Sessions, CSRF and login rate limiting for the staff workspace. Every /admin route except the login
// page needs a session; every POST needs the session's CSRF token. Permissions per action are checked
// again by the workspace commands, so a route that forgets a check still cannot write.
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { loadSession } from '../../db/accounts.ts';
import type { Actor } from '../../domain/roles.ts';
import type { AppEnv } from '../env.ts';

export const SESSION_COOKIE = 'shisaku_session';

export type AdminEnv = AppEnv & { Variables: AppEnv['Variables'] & { actor: Actor; csrf: string } };

/** Secure cookies unless the server is reached over plain http on this machine (development, tests). */
function secure(c: Context): boolean {
  if (process.env.SHISAKU_INSECURE_COOKIES === '1') return false;
  const url = new URL(c.req.url);
  return url.protocol === 'https:' || !['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

export function setSessionCookie(c: Context, token: string) {
  setCookie(c, SESSION_COOKIE, token, { httpOnly: true, sameSite: 'Lax', secure: secure(c), path: '/admin', maxAge: 8 * 3600 });
}

export function clearSessionCookie(c: Context) {
  deleteCookie(c, SESSION_COOKIE, { path: '/admin' });
}

export function requireSession(): MiddlewareHandler<AdminEnv> {
  return async (c, next) => {
    const token = getCookie(c, SESSION_COOKIE);
    const session = token ? await loadSession(c.get('database').db, token) : null;
    if (!session) {
      if (c.req.method === 'GET') return c.redirect(`/admin/login?next=${encodeURIComponent(c.req.path)}`, 303);
      return c.text('ログインしてください / login required', 401);
    }
    c.set('actor', session.actor);
    c.set('csrf', session.csrf);
    // Pages of the workspace show unpublished data: never cached by a shared cache.
    c.header('Cache-Control', 'private, no-store');
    await next();
  };
}

/** Checks the form's _csrf field against the session; the body is parsed once and kept for the handler. */
export function requireCsrf(): MiddlewareHandler<AdminEnv> {
  return async (c, next) => {
    if (c.req.method !== 'POST') return next();
    const body = await c.req.parseBody({ all: true }).catch(() => null);
    const token = body && typeof body._csrf === 'string' ? body._csrf : '';
    if (!token || token !== c.get('csrf')) return c.text('フォームの有効期限が切れたか、不正な送信です。ページを開き直してください / CSRF token mismatch', 403);
    await next();
  };
}
