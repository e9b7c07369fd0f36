// Sessions and CSRF for the staff workspace (failed logins are throttled in src/db/login-throttle.ts). Every /admin route except the login
// page needs a session; every POST needs the session's CSRF token. Permissions per action are checked
// again by the workspace commands, so a route that forgets a check still cannot write.
//
// The session also decides which side of the workspace a person is on. A member of an organization gets
// `actor` and reaches the organization's routes; the platform administrator gets no `actor` and reaches
// only the platform pages and its own session's (logout, password): every other route answers 403 before
// its handler runs, so no organization route can ever act for it.
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { loadSession } from '../../db/accounts.ts';
import { WorkspaceError } from '../../db/command.ts';
import { isPlatform, type Actor, type SignedIn } from '../../domain/roles.ts';
import type { AppEnv } from '../env.ts';
import { refusal } from './respond.tsx';

export const SESSION_COOKIE = 'shisaku_session';

export type AdminEnv = AppEnv & {
  Variables: AppEnv['Variables'] & {
    /** The member of an organization acting; set for every route of an organization (never for the platform administrator). */
    actor: Actor;
    /** Whoever holds the session, either kind. */
    signedIn: SignedIn;
    csrf: string;
  };
};

/** Where the platform administrator's pages live. */
export const PLATFORM_HOME = '/admin/platform';

/** The routes the platform administrator may reach: its pages, and signing out and changing its password. */
export function platformMayReach(path: string): boolean {
  return path === PLATFORM_HOME || path.startsWith(`${PLATFORM_HOME}/`) || path === '/admin/logout' || path === '/admin/password';
}

/** Where a person lands after signing in, given where they asked to go. */
export function landingFor(person: SignedIn, next: string): string {
  if (isPlatform(person)) return platformMayReach(next) ? next : PLATFORM_HOME;
  return next === PLATFORM_HOME || next.startsWith(`${PLATFORM_HOME}/`) ? '/admin' : next;
}

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
    c.set('signedIn', session.actor);
    c.set('csrf', session.csrf);
    // Pages of the workspace show unpublished data: never cached by a shared cache.
    c.header('Cache-Control', 'private, no-store');
    if (isPlatform(session.actor)) {
      if (!platformMayReach(c.req.path)) {
        if (c.req.method === 'GET' && (c.req.path === '/admin' || c.req.path === '/admin/')) return c.redirect(PLATFORM_HOME, 303);
        return refusal(
          c,
          new WorkspaceError('プラットフォーム管理者は自治体の作業画面を開けません（計画・下書き・アカウントは各自治体の管理者が扱います）', 403),
        );
      }
    } else {
      c.set('actor', session.actor);
    }
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
