// Searching an edition: the form and its results, with the matches highlighted. Registered by routes.tsx.
// Under load the page is answered from search-cache.ts: the hits of a query and the rendered page are
// kept per published version, and the page carries the same ETag as the edition's other pages, so a
// browser asking again gets a 304 until the edition is published again.
import type { Hono } from 'hono';
import type { AppEnv } from '../env.ts';
import { Layout } from '../layout.tsx';
import { statusText, pt, t } from '../i18n.ts';
import { STATUS_ORDER, type Status } from '../../domain/model.ts';
import { highlight } from './search.ts';
import { cachedSearch, cachedSearchPage, searchDepartments } from './search-cache.ts';
import { StatusBadge, editionPath, initiativePath, numberLabel } from './components.tsx';
import { notFoundPage, badRequest, loadView, editionCrumbs, revalidated } from './page.tsx';

/** GET /o/:org/:fy/search. */
export function searchPage(app: Hono<AppEnv>): void {
  app.get('/o/:org/:fy{[0-9]+}/search', async (c) => {
    const view = await loadView(c);
    if (!view) return notFoundPage(c);
    const lang = c.get('lang');
    const q = (c.req.query('q') ?? '').slice(0, 200);
    const pillarKey = c.req.query('pillar') || undefined;
    const status = (c.req.query('status') || undefined) as Status | undefined;
    const department = c.req.query('department') || undefined;
    if (pillarKey && !view.data.pillars.some((p) => p.key === pillarKey)) return badRequest(c, `pillar: ${pillarKey}`);
    if (status && !STATUS_ORDER.includes(status)) return badRequest(c, `status: ${status}`);
    const notModified = revalidated(c, view);
    if (notModified) return notModified;
    const filters = { pillarKey, status, department };
    const html = await cachedSearchPage(view, { lang, path: c.req.path, q, filters }, async () => {
      const active = q !== '' || pillarKey || status || department;
      const hits = active ? cachedSearch(view.search, q, filters) : [];
      const departments = searchDepartments(view);
      const Marked = ({ text, terms }: { text: string; terms: string[] }) => (
        <>{highlight(text, terms).map((p) => (p.match ? <mark>{p.text}</mark> : p.text))}</>
      );
      return String(
        await (
          <Layout
            title={q ? `${t(lang, 'search')}: ${q}` : t(lang, 'search')}
            lang={lang}
            path={c.req.path + (q ? `?q=${encodeURIComponent(q)}` : '')}
            breadcrumbs={[...editionCrumbs(view, lang), { label: t(lang, 'search') }]}
            editionBase={editionPath(view)}
            planWords={view.data.plan.settings}
          >
            <h1>{t(lang, 'search')}</h1>
            <form class="search-form" method="get" action={`${editionPath(view)}/search`} role="search">
              <label>
                {t(lang, 'keyword')}
                <input type="search" name="q" value={q} placeholder={t(lang, 'searchPlaceholder')} />
              </label>
              <label>
                {pt(view.data.plan.settings, lang, 'pillar')}
                <select name="pillar">
                  <option value="">{pt(view.data.plan.settings, lang, 'allPillars')}</option>
                  {view.data.pillars.map((p) => (
                    <option value={p.key} selected={p.key === pillarKey}>
                      {p.name}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                {t(lang, 'status')}
                <select name="status">
                  <option value="">{t(lang, 'allStatuses')}</option>
                  {STATUS_ORDER.map((s) => (
                    <option value={s} selected={s === status}>
                      {statusText(lang, s)}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                {t(lang, 'department')}
                <select name="department">
                  <option value="">{t(lang, 'allDepartments')}</option>
                  {departments.map((d) => (
                    <option value={d} selected={d === department}>
                      {d}
                    </option>
                  ))}
                </select>
              </label>
              <button type="submit">{t(lang, 'search')}</button>
            </form>
            {active ? (
              <section aria-live="polite">
                <h2>
                  {hits.length} {t(lang, 'results_count')}
                </h2>
                {hits.length === 0 ? <p>{pt(view.data.plan.settings, lang, 'noResults')}</p> : null}
                <ul class="initiative-list">
                  {hits.map((h) => (
                    <li>
                      <span class="no">{numberLabel(h.initiative)}</span>{' '}
                      <a href={initiativePath(view, h.initiative)}>
                        <Marked text={h.initiative.title} terms={h.terms} />
                      </a>{' '}
                      <StatusBadge status={h.initiative.status} lang={lang} />
                      <span class="depts">
                        {t(lang, 'department')}: {h.initiative.departments.join('、')} ／ {view.pillarName.get(h.initiative.pillarKey)}
                      </span>
                      {h.snippet ? (
                        <span class="snippet">
                          <Marked text={h.snippet.text} terms={h.terms} />
                        </span>
                      ) : null}
                    </li>
                  ))}
                </ul>
              </section>
            ) : null}
          </Layout>
        ),
      );
    });
    return c.html(html);
  });
}
