// What every public page shares: the 404 and 400 pages, reading :org/:fy into the cached EditionView,
// the breadcrumbs and source line of an edition's pages, and the per-page HTML cache. Apart from the
// pages themselves so that each page module (and downloads, the report) can use them.
import type { Context } from 'hono';
import type { AppEnv } from '../env.ts';
import { Layout, type Crumb } from '../layout.tsx';
import { fyText, t, type Lang } from '../i18n.ts';
import { validateOrgCode } from '../../domain/org-code.ts';
import { editionView, type EditionView } from './edition-cache.ts';
import { editionPath } from './components.tsx';

// ---- errors ----------------------------------------------------------------------------------------

export function notFoundPage(c: Context<AppEnv>) {
  const lang = c.get('lang') ?? 'ja';
  c.status(404);
  return c.html(
    <Layout title={t(lang, 'notFound')} lang={lang} path={c.req.path}>
      <div class="error-page">
        <h1>{t(lang, 'notFound')}</h1>
        <p>{t(lang, 'notFoundBody')}</p>
        <p>
          <a href="/">{t(lang, 'home')}</a>
        </p>
      </div>
    </Layout>,
  );
}

export function badRequest(c: Context<AppEnv>, message: string) {
  const lang = c.get('lang');
  c.status(400);
  return c.html(
    <Layout title={t(lang, 'badRequest')} lang={lang} path={c.req.path}>
      <div class="error-page">
        <h1>{t(lang, 'badRequest')}</h1>
        <p>{message}</p>
      </div>
    </Layout>,
  );
}

/** Parses :org and :fy; anything malformed is a 404 (the page cannot exist), never a 500. */
export async function loadView(c: Context<AppEnv>): Promise<EditionView | null> {
  const org = c.req.param('org') ?? '';
  const fy = c.req.param('fy') ?? '';
  if (!validateOrgCode(org).ok || !/^\d{4}$/.test(fy)) return null;
  return editionView(c.get('database').db, org, Number(fy));
}

export function editionCrumbs(view: EditionView, lang: Lang): Crumb[] {
  const org = view.data.organization;
  return [
    { href: '/', label: t(lang, 'home') },
    { href: `/o/${org.code}`, label: org.name },
    { href: editionPath(view), label: `${view.data.edition.title}（${fyText(lang, view.data.edition.fiscalYear)}）` },
  ];
}

export function Source({ view, lang }: { view: EditionView; lang: Lang }) {
  return view.data.edition.source ? (
    <p class="source">
      {t(lang, 'source')}: {view.data.edition.source.replace(/^出典[:：]\s*/, '')}
    </p>
  ) : null;
}

/**
 * Pages of an edition are cached as HTML per path and language inside the EditionView, which is
 * replaced as soon as the edition's stamp changes; rendering 100 rows of JSX per hit is the costly part.
 */
function pageKey(c: Context<AppEnv>): string {
  const url = c.req.url;
  const q = url.indexOf('?');
  return `${c.get('lang')}:${c.req.path}${q >= 0 ? url.slice(q) : ''}`;
}

/** The cached HTML of this request's page, if the edition has not changed since it was built. */
export function cachedHtml(c: Context<AppEnv>, view: EditionView): Response | null {
  const html = view.pages.get(pageKey(c));
  if (html === undefined) return null;
  return revalidated(c, view) ?? c.html(html);
}

/**
 * Browsers and proxies may keep a page but must ask again before showing it (no-cache), so a publish is
 * seen at once; the ETag is the published edition's stamp and the language, and an unchanged page is a
 * 304 with no body. Returns that 304, or null when the page is to be sent.
 */
export function revalidated(c: Context<AppEnv>, view: EditionView): Response | null {
  const etag = `W/"${view.stamp}.${c.get('lang')}"`;
  c.header('ETag', etag);
  c.header('Cache-Control', 'public, no-cache');
  c.header('Vary', 'Accept-Language, Cookie');
  if ((c.req.header('if-none-match') ?? '').split(/\s*,\s*/).includes(etag)) return c.body(null, 304);
  return null;
}

export async function cachedPage(c: Context<AppEnv>, view: EditionView, render: () => unknown) {
  const key = pageKey(c);
  let html = view.pages.get(key);
  if (html === undefined) {
    html = String(await (render() as Promise<string> | string));
    if (view.pages.size < 2000) view.pages.set(key, html);
  }
  return revalidated(c, view) ?? c.html(html);
}
