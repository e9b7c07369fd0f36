// How the workspace answers: a page in the admin layout, a refusal as a page with its status, a
// redirect with a message. Shared by every group of admin routes.
import type { Context } from 'hono';
import { InvalidInputError } from '../../db/repository.ts';
import { orgCodeOf, WorkspaceError } from '../../db/workspace.ts';
import { AdminLayout } from './views.tsx';
import type { AdminEnv } from './auth.ts';
import type { Body } from './forms.ts';

export async function body(c: Context<AdminEnv>): Promise<Body> {
  // requireCsrf parsed it already; Hono caches the parsed body on the request.
  return (await c.req.parseBody({ all: true })) as Body;
}

export function fyParam(c: Context<AdminEnv>): number {
  const fy = c.req.param('fy') ?? '';
  if (!/^\d{4}$/.test(fy)) throw new WorkspaceError('年度が正しくありません', 404);
  return Number(fy);
}

export function page(c: Context<AdminEnv>, title: string, children: unknown, opts: { flash?: string; error?: string; status?: number } = {}) {
  c.status((opts.status ?? 200) as 200);
  return c.html(
    <AdminLayout title={title} actor={c.get('actor')} csrf={c.get('csrf')} flash={opts.flash ?? c.req.query('done')} error={opts.error}>
      {children as never}
    </AdminLayout>,
  );
}

/** A refusal as a page with the right status; anything else is a real error for onError. */
export function refusal(c: Context<AdminEnv>, e: unknown) {
  // The repository's own refusals (an unknown department, a file with errors) are the person's to fix.
  const refused = e instanceof InvalidInputError ? new WorkspaceError(e.message) : e;
  if (refused instanceof WorkspaceError) return page(c, 'できませんでした', <p><a href="/admin">ダッシュボードへ戻る</a></p>, { error: refused.message, status: refused.status });
  throw e;
}

export const back = (c: Context<AdminEnv>, to: string, message: string) => c.redirect(`${to}${to.includes('?') ? '&' : '?'}done=${encodeURIComponent(message)}`, 303);

export function orgCode(c: Context<AdminEnv>): Promise<string> {
  return orgCodeOf(c.get('database').db, c.get('actor').organizationId);
}
