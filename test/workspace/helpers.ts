// A signed-in staff member talking to the app through app.request: keeps the session cookie and reads
// the CSRF token from the pages, as a browser would.
import { createUser } from '../../src/db/accounts.ts';
import type { Database, Db } from '../../src/db/client.ts';
import { loadSample } from '../../src/db/sample.ts';
import { createApp } from '../../src/web/app.tsx';
import { clearEditionCache } from '../../src/web/public/edition-cache.ts';
import type { Backend } from '../helpers/db.ts';
import type { Role } from '../../src/domain/roles.ts';

export const PASSWORD = 'correct horse battery';

export interface Staff {
  login: string;
  get(path: string): Promise<{ status: number; html: string; location: string | null }>;
  post(
    path: string,
    form: Record<string, string | string[]>,
    opts?: { csrf?: string | null },
  ): Promise<{ status: number; html: string; location: string | null }>;
  csrf(): Promise<string>;
  /** A multipart form with one file, as a browser sends an upload. */
  upload(
    path: string,
    fields: Record<string, string>,
    file: { name: string; bytes: Uint8Array; type?: string },
  ): Promise<{ status: number; html: string; location: string | null }>;
}

export async function addUsers(db: Db) {
  const users: [string, Role, string[]][] = [
    ['admin', 'admin', []],
    ['digital', 'editor', ['デジタル推進課']],
    ['shoko', 'editor', ['商工振興課']],
    ['exec', 'viewer', []],
    ['expert', 'evaluator', []],
  ];
  for (const [login, role, departments] of users) {
    await createUser(db, { orgCode: '082023', login, displayName: login, email: `${login}@example.jp`, password: PASSWORD, role, departments });
  }
}

/** A fresh database with the sample plan and the five staff accounts of addUsers, and the app over it. */
export async function workspaceApp(backend: Backend): Promise<{ database: Database; app: ReturnType<typeof createApp> }> {
  const database = await backend.open();
  clearEditionCache();
  try {
    await loadSample(database.db);
    await addUsers(database.db);
  } catch (e) {
    await database.close();
    throw e;
  }
  return { database, app: createApp({ database }) };
}

/** Anything that answers requests as the app does (the Hono app in tests). */
export interface AppLike {
  request(path: string, init?: RequestInit): Response | Promise<Response>;
}

export async function signIn(app: AppLike, login: string, password = PASSWORD): Promise<Staff> {
  const res = await app.request('/admin/login', { method: 'POST', body: new URLSearchParams({ login, password, next: '/admin' }) });
  if (res.status !== 303) throw new Error(`login ${login}: ${res.status} ${await res.text()}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  const request = async (path: string, init: RequestInit = {}) => {
    const r = await app.request(path, { ...init, headers: { ...(init.headers ?? {}), cookie } });
    return { status: r.status, html: await r.text(), location: r.headers.get('location') };
  };
  let token: string | null = null;
  const csrf = async () => {
    if (token) return token;
    const page = await request('/admin');
    token = /name="_csrf" value="([^"]+)"/.exec(page.html)?.[1] ?? '';
    return token;
  };
  return {
    login,
    get: (path) => request(path),
    csrf,
    post: async (path, form, opts = {}) => {
      const body = new URLSearchParams();
      const t = opts.csrf === undefined ? await csrf() : opts.csrf;
      if (t !== null) body.append('_csrf', t);
      for (const [k, v] of Object.entries(form)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
      return request(path, { method: 'POST', body });
    },
    upload: async (path, fields, file) => {
      const body = new FormData();
      body.append('_csrf', await csrf());
      for (const [k, v] of Object.entries(fields)) body.append(k, v);
      body.append('file', new File([new Uint8Array(file.bytes)], file.name, { type: file.type ?? 'application/octet-stream' }));
      return request(path, { method: 'POST', body });
    },
  };
}

/** The fields of an initiative's edit form as currently shown, so a test can change one and post. */
export function formOf(html: string): Record<string, string | string[]> {
  const form: Record<string, string | string[]> = {};
  const edit = /<form method="post" action="[^"]*" class="edit-form">([\s\S]*?)<\/form>/.exec(html)?.[1] ?? '';
  const unescapeHtml = (s: string) =>
    s
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, '&');
  const add = (k: string, v: string) => {
    const cur = form[k];
    if (k.startsWith('r_') || k.startsWith('t_')) form[k] = [...((cur as string[]) ?? []), v];
    else form[k] = v;
  };
  for (const m of edit.matchAll(/<input([^>]*)>/g)) {
    const name = /name="([^"]+)"/.exec(m[1]!)?.[1];
    if (!name || name === '_csrf') continue;
    add(name, unescapeHtml(/value="([^"]*)"/.exec(m[1]!)?.[1] ?? ''));
  }
  for (const m of edit.matchAll(/<textarea[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/textarea>/g)) add(m[1]!, unescapeHtml(m[2]!));
  const status = /<select[^>]*name="status"[^>]*>([\s\S]*?)<\/select>/.exec(edit)?.[1] ?? '';
  form.status = /<option value="([^"]+)" selected/.exec(status)?.[1] ?? 'in_progress';
  return form;
}
