// The portal's entry pages: home (every organization), one organization's editions, an edition's
// overview with its status chart, and a pillar's page (in a plan of three or four levels, the group page
// of group-pages.tsx). Registered by routes.tsx, in this order.
import type { Hono } from 'hono';
import type { AppEnv } from '../env.ts';
import { Layout } from '../layout.tsx';
import { fyText, statusText, pt, t } from '../i18n.ts';
import { listOrganizations } from '../../db/repository.ts';
import { listPublishedEditions } from '../../db/publication.ts';
import { validateOrgCode } from '../../domain/org-code.ts';
import { reiwaShort, warekiFiscalYear } from '../../domain/wareki.ts';
import { statusMixSvg } from '../charts.ts';
import { InitiativeList, KpiTableView, SummaryTableView, editionPath, initiativePath, numberLabel } from './components.tsx';
import { notFoundPage, loadView, editionCrumbs, Source, cachedHtml, cachedPage } from './page.tsx';
import { editionSummary } from '../../domain/group-summary.ts';
import { GroupCountsTable, ScheduleView, findSummary, isDeep } from './shape-parts.tsx';
import { groupPage } from './group-pages.tsx';

/** GET /, /o/:org, /o/:org/:fy, its status chart and /o/:org/:fy/pillars/:pillar. */
export function overviewPages(app: Hono<AppEnv>): void {
  app.get('/', async (c) => {
    const lang = c.get('lang');
    const db = c.get('database').db;
    const orgs = await listOrganizations(db);
    const withEditions = await Promise.all(orgs.map(async (o) => ({ org: o, editions: await listPublishedEditions(db, o.code) })));
    return c.html(
      <Layout title={t(lang, 'home')} lang={lang} path="/">
        <h1>{t(lang, 'siteName')}</h1>
        <p class="lead">
          {lang === 'ja'
            ? '自治体のデジタル化推進計画（アクションプラン）の施策、進捗、KPI を公開しています。'
            : 'Initiatives, progress and KPIs of municipal digital-transformation action plans.'}
        </p>
        {withEditions.map(({ org, editions }) => (
          <section aria-labelledby={`org-${org.code}`}>
            <h2 id={`org-${org.code}`}>
              <a href={`/o/${org.code}`}>{org.name}</a>
            </h2>
            <ul class="cards">
              {editions.map((e, i) => (
                <li>
                  <a href={`/o/${org.code}/${e.fiscalYear}`}>{e.title}</a>
                  <br />
                  <span class="meta">
                    {fyText(lang, e.fiscalYear)}
                    {i === 0 ? `（${t(lang, 'current')}）` : ''}
                  </span>
                </li>
              ))}
            </ul>
          </section>
        ))}
      </Layout>,
    );
  });

  app.get('/o/:org', async (c) => {
    const lang = c.get('lang');
    const code = c.req.param('org');
    if (!validateOrgCode(code).ok) return notFoundPage(c);
    const db = c.get('database').db;
    const org = (await listOrganizations(db)).find((o) => o.code === code);
    if (!org) return notFoundPage(c);
    const editions = await listPublishedEditions(db, code);
    const plans = [...new Map(editions.map((e) => [`${e.planStartFiscalYear}-${e.planEndFiscalYear}`, e])).values()];
    return c.html(
      <Layout title={org.name} lang={lang} path={c.req.path} breadcrumbs={[{ href: '/', label: t(lang, 'home') }, { label: org.name }]}>
        <h1>{org.name}</h1>
        <dl class="facts">
          <dt>{t(lang, 'code')}</dt>
          <dd>{org.code}</dd>
        </dl>
        {plans.map((p) => (
          <section>
            <h2>{p.planTitle}</h2>
            <p class="meta">
              {t(lang, 'period')}: {warekiFiscalYear(p.planStartFiscalYear)}〜{warekiFiscalYear(p.planEndFiscalYear)}（{p.planStartFiscalYear}〜
              {p.planEndFiscalYear}）
            </p>
            <ul class="cards">
              {editions
                .filter((e) => e.planStartFiscalYear === p.planStartFiscalYear)
                .map((e) => (
                  <li>
                    <a href={`/o/${code}/${e.fiscalYear}`}>{e.title}</a>
                    <br />
                    <span class="meta">{fyText(lang, e.fiscalYear)}</span>
                  </li>
                ))}
            </ul>
          </section>
        ))}
      </Layout>,
    );
  });

  // ---- edition overview -----------------------------------------------------------------------------

  app.get('/o/:org/:fy{[0-9]+}', async (c) => {
    const view = await loadView(c);
    if (!view) return notFoundPage(c);
    const hit = cachedHtml(c, view);
    if (hit) return hit;
    const lang = c.get('lang');
    const d = view.data;
    return cachedPage(c, view, () => (
      <Layout
        title={d.edition.title}
        lang={lang}
        path={c.req.path}
        breadcrumbs={editionCrumbs(view, lang).slice(0, 2).concat({ label: d.edition.title })}
        editionBase={editionPath(view)}
        planWords={view.data.plan.settings}
      >
        <h1>{d.edition.title}</h1>
        <p class="meta">
          {fyText(lang, d.edition.fiscalYear)} ／ {d.plan.title}（{reiwaShort(d.plan.startFiscalYear)}〜{reiwaShort(d.plan.endFiscalYear)}）
        </p>
        {d.edition.tagline ? <p class="tagline">{d.edition.tagline}</p> : null}
        {d.edition.lead ? <p class="lead prose">{d.edition.lead}</p> : null}
        <Source view={view} lang={lang} />
        <h2 id="summary">1 {t(lang, 'summaryTable')}</h2>
        <SummaryTableView view={view} lang={lang} />
        {view.summary.rows.length ? (
          <figure class="chart">
            <img
              src={`${editionPath(view)}/charts/status.svg?lang=${lang}`}
              alt={`${pt(view.data.plan.settings, lang, 'statusMix')}。${t(lang, 'chartAlt')}`}
              width="720"
              height={60 + view.summary.rows.length * 48}
            />
            <figcaption>{pt(view.data.plan.settings, lang, 'statusMix')}</figcaption>
          </figure>
        ) : null}
        {view.grades ? (
          <GroupCountsTable view={view} lang={lang} pillarKey="" rows={view.groups} total={editionSummary(d)} caption={t(lang, 'gradeTable')} gradesOnly />
        ) : null}
        <h2 id="kpi">2 {t(lang, 'kpiTable')}</h2>
        {d.kpis.length ? <KpiTableView view={view} lang={lang} /> : <p>{t(lang, 'noKpis')}</p>}
        <h2 id="pillars">{pt(view.data.plan.settings, lang, 'pillars')}</h2>
        <ul class="cards">
          {d.pillars.map((p) => (
            <li>
              <a href={`${editionPath(view)}/pillars/${p.key}`}>{p.name}</a>
              <br />
              <span class="meta">
                {pt(view.data.plan.settings, lang, 'initiatives')} {view.summary.rows.find((r) => r.pillarKey === p.key)?.total ?? 0}
                {lang === 'ja' ? '件' : ''}
              </span>
            </li>
          ))}
        </ul>
        <p>
          <a href={`${editionPath(view)}/downloads`}>{t(lang, 'downloads')}</a> ／ <a href={`${editionPath(view)}/report.html`}>{t(lang, 'report')}（HTML）</a>{' '}
          ／ <a href={`${editionPath(view)}/report.pdf`}>{t(lang, 'report')}（PDF）</a>
        </p>
      </Layout>
    ));
  });

  app.get('/o/:org/:fy{[0-9]+}/charts/status.svg', async (c) => {
    const view = await loadView(c);
    if (!view) return notFoundPage(c);
    const lang = c.get('lang');
    c.header('Content-Type', 'image/svg+xml; charset=utf-8');
    c.header('Cache-Control', 'public, max-age=300');
    return c.body(statusMixSvg(view.summary, (s) => statusText(lang, s)));
  });

  // ---- pillar ---------------------------------------------------------------------------------------

  app.get('/o/:org/:fy{[0-9]+}/pillars/:pillar', async (c) => {
    const view = await loadView(c);
    if (!view) return notFoundPage(c);
    const lang = c.get('lang');
    const pillar = view.data.pillars.find((p) => p.key === c.req.param('pillar'));
    if (!pillar) return notFoundPage(c);
    // A plan of three or four levels: the pillar is a group page like those below it.
    if (isDeep(view.data)) return groupPage(c, view, pillar, findSummary(view, pillar.key, null)!);
    const items = view.data.initiatives.filter((i) => i.pillarKey === pillar.key);
    const summary = findSummary(view, pillar.key, null);
    const groups: { name: string | null; key: string | null }[] = [{ name: null, key: null }, ...pillar.subAreas.map((s) => ({ name: s.name, key: s.key }))];
    return cachedPage(c, view, () => (
      <Layout
        title={pillar.name}
        lang={lang}
        path={c.req.path}
        breadcrumbs={[...editionCrumbs(view, lang), { label: pillar.name }]}
        editionBase={editionPath(view)}
        planWords={view.data.plan.settings}
      >
        <h1>{pillar.name}</h1>
        {pillar.tagline ? <p class="tagline">{pillar.tagline}</p> : null}
        {view.grades && summary ? (
          <GroupCountsTable
            view={view}
            lang={lang}
            pillarKey={pillar.key}
            rows={summary.children}
            total={summary}
            caption={summary.children.length ? t(lang, 'gradeTable') : t(lang, 'statusCounts')}
          />
        ) : null}
        {groups.map((g) => {
          const list = items.filter((i) => i.subAreaKey === g.key);
          if (list.length === 0) return null;
          return (
            <section>
              {g.name ? <h2>{g.name}</h2> : null}
              <InitiativeList view={view} lang={lang} items={list} />
            </section>
          );
        })}
        <ScheduleView
          view={view}
          lang={lang}
          entries={items.map((i) => ({ label: `${numberLabel(i)} ${i.title}`, href: initiativePath(view, i), initiative: i }))}
        />
        <Source view={view} lang={lang} />
      </Layout>
    ));
  });
}
