// Report downloads on the portal and the edition diff (page and JSON). Built files are kept with the
// edition view, so they are rebuilt only after the edition changes.
import { Hono, type Context } from 'hono';
import { raw } from 'hono/html';
import type { AppEnv } from '../web/env.ts';
import { validateOrgCode } from '../domain/org-code.ts';
import { editionView, type EditionView } from '../web/public/edition-cache.ts';
import { notFoundPage } from '../web/public/page.tsx';
import { Layout } from '../web/layout.tsx';
import { fyText, t } from '../web/i18n.ts';
import { diffEditions } from '../domain/edition-diff.ts';
import { renderReportHtml } from './html.ts';
import { renderReportPdf, ReportError } from './pdf.ts';
import { renderDiffSection } from './diff-html.ts';

export const reportRoutes = new Hono<AppEnv>();

/** The edition as last published: a reopened edition's files stay those of its published copy. */
async function view(c: Context<AppEnv>, fyParam = 'fy'): Promise<EditionView | null> {
  const org = c.req.param('org') ?? '';
  const fy = c.req.param(fyParam) ?? '';
  if (!validateOrgCode(org).ok || !/^\d{4}$/.test(fy)) return null;
  return editionView(c.get('database').db, org, Number(fy));
}

/** One PDF build at a time per edition: concurrent downloads wait for the same render. */
const building = new Map<string, Promise<Uint8Array>>();

reportRoutes.get('/o/:org/:fy{[0-9]+}/report.html', async (c) => {
  const v = await view(c);
  if (!v) return notFoundPage(c);
  let html = v.files.get('report.html') as string | undefined;
  if (html === undefined) v.files.set('report.html', (html = renderReportHtml(v.data)));
  c.header('Cache-Control', 'public, max-age=300');
  c.header('ETag', `"${v.stamp}"`);
  if (c.req.header('if-none-match') === `"${v.stamp}"`) return c.body(null, 304);
  // The standalone report carries its own stylesheet inline; it has no script.
  c.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'");
  return c.html(html);
});

reportRoutes.get('/o/:org/:fy{[0-9]+}/report.pdf', async (c) => {
  const v = await view(c);
  if (!v) return notFoundPage(c);
  const etag = `"${v.stamp}"`;
  c.header('ETag', etag);
  c.header('Cache-Control', 'public, max-age=300');
  if (c.req.header('if-none-match') === etag) return c.body(null, 304);
  let pdf = v.files.get('report.pdf') as Uint8Array | undefined;
  if (!pdf) {
    const key = `${v.data.organization.code}/${v.data.edition.fiscalYear}/${v.stamp}`;
    let job = building.get(key);
    if (!job) {
      job = renderReportPdf(v.data, { timeoutMs: 60_000 }).then((r) => r.pdf);
      building.set(key, job);
      job.finally(() => building.delete(key)).catch(() => undefined);
    }
    try {
      pdf = await job;
    } catch (e) {
      if (e instanceof ReportError) {
        console.error('report.pdf:', e.message);
        return c.text('PDF を作成できませんでした。時間をおいて再度お試しください。/ The PDF could not be produced.', 503);
      }
      throw e;
    }
    v.files.set('report.pdf', pdf);
  }
  c.header('Content-Type', 'application/pdf');
  c.header('Content-Disposition', `attachment; filename="${v.data.organization.code}_${v.data.edition.fiscalYear}_report.pdf"`);
  return c.body(pdf as unknown as ArrayBuffer);
});

reportRoutes.get('/o/:org/diff/:a{[0-9]{4}}/:b{[0-9]{4}}', async (c) => {
  const [a, b] = [await view(c, 'a'), await view(c, 'b')];
  if (!a || !b) return notFoundPage(c);
  const lang = c.get('lang');
  const d = diffEditions(a.data, b.data);
  return c.html(
    <Layout
      title={`${fyText(lang, d.from)} → ${fyText(lang, d.to)}`}
      lang={lang}
      path={c.req.path}
      breadcrumbs={[
        { href: '/', label: t(lang, 'home') },
        { href: `/o/${b.data.organization.code}`, label: b.data.organization.name },
        { label: lang === 'ja' ? '年度間の比較' : 'Comparison' },
      ]}
    >
      <h1>
        {b.data.organization.name} {fyText(lang, d.from)} → {fyText(lang, d.to)}
      </h1>
      {/* The fragment is built by renderDiffSection, which escapes every value it prints. */}
      {raw(renderDiffSection(d))}
    </Layout>,
  );
});

reportRoutes.get('/api/v1/organizations/:org/diff/:a{[0-9]{4}}/:b{[0-9]{4}}', async (c) => {
  const [a, b] = [await view(c, 'a'), await view(c, 'b')];
  if (!a || !b) return c.json({ error: 'not_found', message: 'edition not found' }, 404);
  c.header('Access-Control-Allow-Origin', '*');
  return c.json(diffEditions(a.data, b.data));
});
