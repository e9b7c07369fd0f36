// How the workspace answers, shared by every group of admin routes: the form and the path's parameters, a
// page in the admin layout, a refusal as a page with its status, a redirect with a message, and the one
// route helper every POST after login goes through (adminPost; manageWrite for the admin-only ones).
import type { Context, Hono } from 'hono';
import type { z } from 'zod';
import { InvalidInputError } from '../../db/repository.ts';
import { allow, orgCodeOf, WorkspaceError } from '../../db/workspace.ts';
import type { Action } from '../../domain/roles.ts';
import { AdminLayout, ERROR_LEAD, type FormState } from './views.tsx';
import type { AdminEnv } from './auth.ts';
import { parseWith, type Body, type FieldErrors } from './forms.ts';

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
  if (refused instanceof WorkspaceError)
    return page(
      c,
      'できませんでした',
      <p>
        <a href="/admin">ダッシュボードへ戻る</a>
      </p>,
      { error: refused.message, status: refused.status },
    );
  throw e;
}

export const back = (c: Context<AdminEnv>, to: string, message: string) =>
  c.redirect(`${to}${to.includes('?') ? '&' : '?'}done=${encodeURIComponent(message)}`, 303);

export function orgCode(c: Context<AdminEnv>): Promise<string> {
  return orgCodeOf(c.get('database').db, c.get('actor').organizationId);
}

/** The admin-only pages and writes; the same check the commands make, made before a form is read. */
export function mustManage(c: Context<AdminEnv>): void {
  allow(c.get('actor'), 'manage');
}

/** A form's field errors: its page shows the form again with each message next to its field. */
export class FormErrors extends WorkspaceError {
  constructor(readonly errors: FieldErrors) {
    super(ERROR_LEAD, 400);
    this.name = 'FormErrors';
  }
}

/** The parsed form, or FormErrors. */
export function parseForm<S extends z.ZodType>(schema: S, b: Body): z.output<S> {
  const r = parseWith(schema, b);
  if (!r.ok) throw new FormErrors(r.errors);
  return r.value;
}

/** The form `form` shown again after `refused`: its field errors, if any, and what was typed. */
export function shownAgain(form: string, typed: Record<string, string>, refused: WorkspaceError): FormState {
  return { form, errors: refused instanceof FormErrors ? refused.errors : {}, typed };
}

/** A POST handler of the workspace: the context typed with its path (`c.req.param('key')` is a string) and the parsed form. */
export type WriteHandler<P extends string> = (c: Context<AdminEnv, P>, b: Body) => Promise<Response>;

/** The page with the form again after a refusal the person can act on (400 or 409). */
export type WriteAgain<P extends string> = (c: Context<AdminEnv, P>, b: Body, refused: WorkspaceError) => Promise<Response>;

export interface WriteOptions<P extends string> {
  /**
   * The permission checked before anything else, the path's parameters and the form included: someone who
   * may not write learns nothing from a form's errors. `null` when the permission needs what the handler
   * loads (one initiative) or the command checks it; the command checks it again in any case.
   */
  may: Extract<Action, 'manage' | 'review'> | null;
  /** Shows the page with the form again after a refusal the person can act on; without it, the error page. */
  again?: WriteAgain<P>;
}

/**
 * Every POST of the workspace after login: the permission `may` first, then the form (parsed once by
 * requireCsrf), then the handler. A refusal the person can act on (400 or 409, the repository's own refusals
 * included) goes to `again`, which shows the page with the form again; `again` may throw the refusal on to
 * the error page. Any other refusal becomes the error page with its status; anything else is a real error
 * for onError.
 */
export function adminPost<P extends string>(app: Hono<AdminEnv>, path: P, opts: WriteOptions<P>, handler: WriteHandler<P>): void {
  app.post(path, async (ctx) => {
    const c = ctx as unknown as Context<AdminEnv, P>;
    try {
      if (opts.may) allow(c.get('actor'), opts.may);
      const b = await body(c);
      try {
        return await handler(c, b);
      } catch (e) {
        const refused = e instanceof InvalidInputError ? new WorkspaceError(e.message) : e;
        if (!opts.again || !(refused instanceof WorkspaceError) || (refused.status !== 400 && refused.status !== 409)) throw e;
        return await opts.again(c, b, refused);
      }
    } catch (e) {
      return refusal(c, e);
    }
  });
}

/** An admin-only write: adminPost with the 'manage' permission. */
export function manageWrite<P extends string>(app: Hono<AdminEnv>, path: P, handler: WriteHandler<P>, again?: WriteAgain<P>): void {
  adminPost(app, path, { may: 'manage', again }, handler);
}
