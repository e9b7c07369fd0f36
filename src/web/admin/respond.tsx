// How the workspace answers: a page in the admin layout, a refusal as a page with its status, a
// redirect with a message. Shared by every group of admin routes.
import type { Context, Hono } from 'hono';
import type { z } from 'zod';
import { InvalidInputError } from '../../db/repository.ts';
import { allow, orgCodeOf, WorkspaceError } from '../../db/workspace.ts';
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
  if (refused instanceof WorkspaceError) return page(c, 'できませんでした', <p><a href="/admin">ダッシュボードへ戻る</a></p>, { error: refused.message, status: refused.status });
  throw e;
}

export const back = (c: Context<AdminEnv>, to: string, message: string) => c.redirect(`${to}${to.includes('?') ? '&' : '?'}done=${encodeURIComponent(message)}`, 303);

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

/**
 * An admin write: the permission first (someone who may not write learns nothing from a form's errors),
 * then the handler. A refusal the person can act on (400 or 409, the repository's own refusals included)
 * goes to `again`, which shows the page with the form again; anything else becomes the error page.
 */
export function manageWrite(
  app: Hono<AdminEnv>,
  path: string,
  handler: (c: Context<AdminEnv>, b: Body) => Promise<Response>,
  again?: (c: Context<AdminEnv>, b: Body, refused: WorkspaceError) => Promise<Response>,
): void {
  app.post(path, async (c) => {
    try {
      mustManage(c);
      const b = await body(c);
      try {
        return await handler(c, b);
      } catch (e) {
        const refused = e instanceof InvalidInputError ? new WorkspaceError(e.message) : e;
        if (!again || !(refused instanceof WorkspaceError) || (refused.status !== 400 && refused.status !== 409)) throw e;
        return await again(c, b, refused);
      }
    } catch (e) {
      return refusal(c, e);
    }
  });
}
