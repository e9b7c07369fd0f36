// The public portal: what residents, council members and other municipalities read. Server-rendered
// HTML with no script; every page of an edition is built from the cached EditionView.
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../env.ts';
import { Layout, type Crumb } from '../layout.tsx';
import { fyText, statusText, t, type Lang } from '../i18n.ts';
import { listEditions, listOrganizations, initiativeHistory } from '../../db/repository.ts';
import { validateOrgCode } from '../../domain/org-code.ts';
import { STATUS_ORDER, type Status } from '../../domain/model.ts';
import { formatNumber } from '../../domain/decimal.ts';
import { reiwaShort, warekiFiscalYear } from '../../domain/wareki.ts';
import { editionView, type EditionView } from './edition-cache.ts';
import { highlight, search } from './search.ts';
import { kpiTrendSvg, statusMixSvg } from '../charts.ts';
import {
  TableWrap,
  InitiativeList,
  KpiTableView,
  StatusBadge,
  SummaryTableView,
  editionPath,
  initiativePath,
  numberLabel,
  resultAchievement,
  valueText,
} from './components.tsx';

export const publicRoutes = new Hono<AppEnv>();

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

function badRequest(c: Context<AppEnv>, message: string) {
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
async function loadView(c: Context<AppEnv>): Promise<EditionView | null> {
  const org = c.req.param('org') ?? '';
  const fy = c.req.param('fy') ?? '';
  if (!validateOrgCode(org).ok || !/^\d{4}$/.test(fy)) return null;
  return editionView(c.get('database').db, org, Number(fy));
}

function editionCrumbs(view: EditionView, lang: Lang): Crumb[] {
  const org = view.data.organization;
  return [
    { href: '/', label: t(lang, 'home') },
    { href: `/o/${org.code}`, label: org.name },
    { href: editionPath(view), label: `${view.data.edition.title}（${fyText(lang, view.data.edition.fiscalYear)}）` },
  ];
}

function Source({ view, lang }: { view: EditionView; lang: Lang }) {
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
function cachedHtml(c: Context<AppEnv>, view: EditionView): Response | null {
  const html = view.pages.get(pageKey(c));
  if (html === undefined) return null;
  c.header('Cache-Control', 'public, max-age=60');
  return c.html(html);
}

async function cachedPage(c: Context<AppEnv>, view: EditionView, render: () => unknown) {
  const key = pageKey(c);
  let html = view.pages.get(key);
  if (html === undefined) {
    html = String(await (render() as Promise<string> | string));
    if (view.pages.size < 2000) view.pages.set(key, html);
  }
  c.header('Cache-Control', 'public, max-age=60');
  return c.html(html);
}

// ---- home and organization ------------------------------------------------------------------------

publicRoutes.get('/', async (c) => {
  const lang = c.get('lang');
  const db = c.get('database').db;
  const orgs = await listOrganizations(db);
  const withEditions = await Promise.all(orgs.map(async (o) => ({ org: o, editions: (await listEditions(db, o.code)).filter((e) => e.state === 'published') })));
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

publicRoutes.get('/o/:org', async (c) => {
  const lang = c.get('lang');
  const code = c.req.param('org');
  if (!validateOrgCode(code).ok) return notFoundPage(c);
  const db = c.get('database').db;
  const org = (await listOrganizations(db)).find((o) => o.code === code);
  if (!org) return notFoundPage(c);
  const editions = (await listEditions(db, code)).filter((e) => e.state === 'published');
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
            {t(lang, 'period')}: {warekiFiscalYear(p.planStartFiscalYear)}〜{warekiFiscalYear(p.planEndFiscalYear)}（{p.planStartFiscalYear}〜{p.planEndFiscalYear}）
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

publicRoutes.get('/o/:org/:fy{[0-9]+}', async (c) => {
  const view = await loadView(c);
  if (!view) return notFoundPage(c);
  const hit = cachedHtml(c, view);
  if (hit) return hit;
  const lang = c.get('lang');
  const d = view.data;
  return cachedPage(c, view, () => (
    <Layout title={d.edition.title} lang={lang} path={c.req.path} breadcrumbs={editionCrumbs(view, lang).slice(0, 2).concat({ label: d.edition.title })} editionBase={editionPath(view)}>
      <h1>{d.edition.title}</h1>
      <p class="meta">
        {fyText(lang, d.edition.fiscalYear)} ／ {d.plan.title}（{reiwaShort(d.plan.startFiscalYear)}〜{reiwaShort(d.plan.endFiscalYear)}）
      </p>
      {d.edition.tagline ? <p class="tagline">{d.edition.tagline}</p> : null}
      {d.edition.lead ? <p class="lead prose">{d.edition.lead}</p> : null}
      <Source view={view} lang={lang} />
      <h2 id="summary">1 {t(lang, 'summaryTable')}</h2>
      <SummaryTableView view={view} lang={lang} />
      <figure class="chart">
        <img src={`${editionPath(view)}/charts/status.svg?lang=${lang}`} alt={`${t(lang, 'statusMix')}。${t(lang, 'chartAlt')}`} width="720" height={60 + view.summary.rows.length * 48} />
        <figcaption>{t(lang, 'statusMix')}</figcaption>
      </figure>
      <h2 id="kpi">2 {t(lang, 'kpiTable')}</h2>
      <KpiTableView view={view} lang={lang} />
      <h2 id="pillars">{t(lang, 'pillars')}</h2>
      <ul class="cards">
        {d.pillars.map((p) => (
          <li>
            <a href={`${editionPath(view)}/pillars/${p.key}`}>{p.name}</a>
            <br />
            <span class="meta">
              {t(lang, 'initiatives')} {view.summary.rows.find((r) => r.pillarKey === p.key)?.total ?? 0}
              {lang === 'ja' ? '件' : ''}
            </span>
          </li>
        ))}
      </ul>
      <p>
        <a href={`${editionPath(view)}/downloads`}>{t(lang, 'downloads')}</a> ／ <a href={`${editionPath(view)}/report.html`}>{t(lang, 'report')}（HTML）</a> ／{' '}
        <a href={`${editionPath(view)}/report.pdf`}>{t(lang, 'report')}（PDF）</a>
      </p>
    </Layout>
  ));
});

publicRoutes.get('/o/:org/:fy{[0-9]+}/charts/status.svg', async (c) => {
  const view = await loadView(c);
  if (!view) return notFoundPage(c);
  const lang = c.get('lang');
  c.header('Content-Type', 'image/svg+xml; charset=utf-8');
  c.header('Cache-Control', 'public, max-age=300');
  return c.body(statusMixSvg(view.summary, (s) => statusText(lang, s)));
});

// ---- pillar ---------------------------------------------------------------------------------------

publicRoutes.get('/o/:org/:fy{[0-9]+}/pillars/:pillar', async (c) => {
  const view = await loadView(c);
  if (!view) return notFoundPage(c);
  const lang = c.get('lang');
  const pillar = view.data.pillars.find((p) => p.key === c.req.param('pillar'));
  if (!pillar) return notFoundPage(c);
  const items = view.data.initiatives.filter((i) => i.pillarKey === pillar.key);
  const groups: { name: string | null; key: string | null }[] = [{ name: null, key: null }, ...pillar.subAreas.map((s) => ({ name: s.name, key: s.key }))];
  return cachedPage(c, view, () => (
    <Layout title={pillar.name} lang={lang} path={c.req.path} breadcrumbs={[...editionCrumbs(view, lang), { label: pillar.name }]} editionBase={editionPath(view)}>
      <h1>{pillar.name}</h1>
      {pillar.tagline ? <p class="tagline">{pillar.tagline}</p> : null}
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
      <Source view={view} lang={lang} />
    </Layout>
  ));
});

// ---- initiative -----------------------------------------------------------------------------------

publicRoutes.get('/o/:org/:fy{[0-9]+}/initiatives/:key', async (c) => {
  const view = await loadView(c);
  if (!view) return notFoundPage(c);
  const hit = cachedHtml(c, view);
  if (hit) return hit;
  const lang = c.get('lang');
  const i = view.data.initiatives.find((x) => x.key === c.req.param('key'));
  if (!i) return notFoundPage(c);
  const db = c.get('database').db;
  const pillarName = view.pillarName.get(i.pillarKey) ?? '';
  const subArea = i.subAreaKey ? view.subAreaName.get(i.subAreaKey) : null;
  const fy = view.data.edition.fiscalYear;
  const kpis = view.kpis.rows.filter((r) => r.kpi.initiativeKey === i.key);
  return cachedPage(c, view, async () => {
    // Read only when the page is built: the stamp covers every edition of the plan, so a change to
    // another year's edition (which this history lists) also rebuilds the page.
    const history = (await initiativeHistory(db, view.data.organization.code, i.key)).filter((h) => h.state === 'published');
    return (
    <Layout
      title={`${numberLabel(i)} ${i.title}`}
      lang={lang}
      path={c.req.path}
      breadcrumbs={[...editionCrumbs(view, lang), { href: `${editionPath(view)}/pillars/${i.pillarKey}`, label: pillarName }, { label: i.title }]}
      editionBase={editionPath(view)}
    >
      <h1>
        {numberLabel(i)}. {i.title}
      </h1>
      <dl class="facts">
        <dt>{t(lang, 'status')}</dt>
        <dd>
          <StatusBadge status={i.status} lang={lang} />
        </dd>
        <dt>{t(lang, 'department')}</dt>
        <dd>
          {i.departments.map((d, k) => (
            <>
              {k > 0 ? '、' : ''}
              <a href={`${editionPath(view)}/departments/${encodeURIComponent(d)}`}>{d}</a>
            </>
          ))}
        </dd>
        <dt>{t(lang, 'pillar')}</dt>
        <dd>
          <a href={`${editionPath(view)}/pillars/${i.pillarKey}`}>{pillarName}</a>
          {subArea ? ` ／ ${subArea}` : ''}
        </dd>
      </dl>
      <h2>{t(lang, 'content')}</h2>
      <p class="prose">{i.content}</p>
      <h2>
        {t(lang, 'planOfYear')}（{lang === 'ja' ? `${reiwaShort(fy)}取組` : `FY${fy}`}）
      </h2>
      <p class="prose">{i.plan}</p>
      {i.planTargets.length ? (
        <TableWrap label={t(lang, 'targets')}>
          <table>
            <caption>{t(lang, 'targets')}</caption>
            <thead>
              <tr>
                <th scope="col">{t(lang, 'label')}</th>
                <th scope="col" class="num">
                  {t(lang, 'target')}
                </th>
              </tr>
            </thead>
            <tbody>
              {i.planTargets.map((p) => (
                <tr>
                  <td>{p.label || '—'}</td>
                  <td class="num">{valueText(p.value, p.unit)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : null}
      <h2>
        {t(lang, 'results')}【{fyText(lang, i.resultsFiscalYear)}】
      </h2>
      {i.results.length ? (
        <TableWrap label={t(lang, 'results')}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t(lang, 'label')}</th>
                <th scope="col" class="num">
                  {t(lang, 'actual')}
                </th>
                <th scope="col" class="num">
                  {t(lang, 'target')}
                </th>
                <th scope="col" class="num">
                  {t(lang, 'achievement')}
                </th>
              </tr>
            </thead>
            <tbody>
              {i.results.map((r) => {
                const a = resultAchievement(view, r.actual, r.target);
                return (
                  <tr>
                    <td>
                      {r.label || '—'}
                      {r.note ? (
                        <>
                          <br />
                          <small>{r.note}</small>
                        </>
                      ) : null}
                    </td>
                    <td class="num">{valueText(r.actual, r.unit)}</td>
                    <td class="num">{valueText(r.target, r.unit)}</td>
                    <td class="num">{a === null ? '—' : `${a}%`}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableWrap>
      ) : null}
      <p class="prose">{i.resultsText}</p>
      {kpis.length ? (
        <>
          <h2>KPI</h2>
          <ul>
            {kpis.map((k) => (
              <li>
                <a href={`${editionPath(view)}/kpis/${k.kpi.key}`}>{k.kpi.name}</a>
                {k.latest?.progressRate ? `（${t(lang, 'progressRate')} ${k.latest.progressRate}%）` : ''}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <h2>{t(lang, 'history')}</h2>
      <TableWrap label={t(lang, 'history')}>
        <table>
          <thead>
            <tr>
              <th scope="col">{lang === 'ja' ? '年度' : 'Fiscal year'}</th>
              <th scope="col">{t(lang, 'number')}</th>
              <th scope="col">{t(lang, 'title')}</th>
              <th scope="col">{t(lang, 'status')}</th>
            </tr>
          </thead>
          <tbody>
            {history.map((h) => (
              <tr>
                <td>
                  <a href={`/o/${view.data.organization.code}/${h.fiscalYear}/initiatives/${i.key}`}>{fyText(lang, h.fiscalYear)}</a>
                </td>
                <td class="num">{numberLabel(h.initiative)}</td>
                <td>{h.initiative.title}</td>
                <td>
                  <StatusBadge status={h.initiative.status} lang={lang} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      <Source view={view} lang={lang} />
    </Layout>
    );
  });
});

// ---- departments ----------------------------------------------------------------------------------

publicRoutes.get('/o/:org/:fy{[0-9]+}/departments', async (c) => {
  const view = await loadView(c);
  if (!view) return notFoundPage(c);
  const lang = c.get('lang');
  const counts = new Map<string, number>();
  for (const i of view.data.initiatives) for (const d of i.departments) counts.set(d, (counts.get(d) ?? 0) + 1);
  const names = [...counts.keys()].sort((a, b) => a.localeCompare(b, 'ja'));
  return cachedPage(c, view, () => (
    <Layout title={t(lang, 'departments')} lang={lang} path={c.req.path} breadcrumbs={[...editionCrumbs(view, lang), { label: t(lang, 'departments') }]} editionBase={editionPath(view)}>
      <h1>{t(lang, 'departments')}</h1>
      <TableWrap label={t(lang, 'departments')}>
        <table>
          <thead>
            <tr>
              <th scope="col">{t(lang, 'department')}</th>
              <th scope="col" class="num">
                {t(lang, 'initiatives')}
              </th>
            </tr>
          </thead>
          <tbody>
            {names.map((n) => (
              <tr>
                <td>
                  <a href={`${editionPath(view)}/departments/${encodeURIComponent(n)}`}>{n}</a>
                </td>
                <td class="num">{counts.get(n)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </Layout>
  ));
});

publicRoutes.get('/o/:org/:fy{[0-9]+}/departments/:name', async (c) => {
  const view = await loadView(c);
  if (!view) return notFoundPage(c);
  const lang = c.get('lang');
  const name = c.req.param('name');
  const items = view.data.initiatives.filter((i) => i.departments.includes(name));
  if (items.length === 0) return notFoundPage(c);
  const aliases = view.data.departments.find((d) => d.name === name)?.aliases ?? [];
  return cachedPage(c, view, () => (
    <Layout title={name} lang={lang} path={c.req.path} breadcrumbs={[...editionCrumbs(view, lang), { href: `${editionPath(view)}/departments`, label: t(lang, 'departments') }, { label: name }]} editionBase={editionPath(view)}>
      <h1>{name}</h1>
      {aliases.length ? (
        <p class="meta">
          {lang === 'ja' ? '別表記' : 'Also written'}: {aliases.join('、')}
        </p>
      ) : null}
      <p>
        {STATUS_ORDER.filter((s) => items.some((i) => i.status === s))
          .map((s) => `${statusText(lang, s)} ${items.filter((i) => i.status === s).length}`)
          .join(' ／ ')}
      </p>
      <InitiativeList view={view} lang={lang} items={items} showPillar />
    </Layout>
  ));
});

// ---- KPI ------------------------------------------------------------------------------------------

publicRoutes.get('/o/:org/:fy{[0-9]+}/kpis/:key', async (c) => {
  const view = await loadView(c);
  if (!view) return notFoundPage(c);
  const lang = c.get('lang');
  const row = view.kpis.rows.find((r) => r.kpi.key === c.req.param('key'));
  if (!row) return notFoundPage(c);
  const linked = row.kpi.initiativeKey ? view.data.initiatives.find((i) => i.key === row.kpi.initiativeKey) : undefined;
  return cachedPage(c, view, () => (
    <Layout title={row.kpi.name} lang={lang} path={c.req.path} breadcrumbs={[...editionCrumbs(view, lang), { label: row.kpi.name }]} editionBase={editionPath(view)}>
      <h1>{row.kpi.name}</h1>
      <dl class="facts">
        <dt>{t(lang, 'pillar')}</dt>
        <dd>{row.pillarName}</dd>
        <dt>{t(lang, 'finalTarget')}</dt>
        <dd>
          {valueText(row.kpi.target, row.kpi.unit)}（{fyText(lang, row.kpi.targetFiscalYear)}）
        </dd>
        <dt>{t(lang, 'progressRate')}</dt>
        <dd>{row.latest?.progressRate ? `${row.latest.progressRate}%（${fyText(lang, row.latest.fiscalYear)}）` : '—'}</dd>
        {linked ? (
          <>
            <dt>{t(lang, 'initiative')}</dt>
            <dd>
              <a href={initiativePath(view, linked)}>
                {numberLabel(linked)} {linked.title}
              </a>
            </dd>
          </>
        ) : null}
      </dl>
      <figure class="chart">
        <img src={`${editionPath(view)}/kpis/${row.kpi.key}/chart.svg?lang=${lang}`} alt={`${row.kpi.name}の${t(lang, 'trend')}。${t(lang, 'chartAlt')}`} width="720" height="320" />
        <figcaption>
          {row.kpi.name} {t(lang, 'trend')}
        </figcaption>
      </figure>
      <TableWrap label={row.kpi.name}>
        <table>
          <thead>
            <tr>
              <th scope="col">{lang === 'ja' ? '年度' : 'Fiscal year'}</th>
              <th scope="col" class="num">
                {t(lang, 'actual')}
              </th>
              <th scope="col" class="num">
                {t(lang, 'progressRate')}
              </th>
            </tr>
          </thead>
          <tbody>
            {row.cells.map((cell) => (
              <tr>
                <th scope="row">{fyText(lang, cell.fiscalYear)}</th>
                <td class="num">{valueText(cell.actual, row.kpi.unit)}</td>
                <td class="num">{cell.progressRate ? `${cell.progressRate}%` : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      <p class="meta">
        {lang === 'ja'
          ? `進捗率は 実績値 ÷ 目標値 × 100 を${view.data.plan.settings.progress.rounding === 'truncate' ? '切り捨て' : '四捨五入'}で小数第${view.data.plan.settings.progress.decimals}位まで表示しています。`
          : `Progress = actual ÷ target × 100, ${view.data.plan.settings.progress.rounding === 'truncate' ? 'truncated' : 'rounded half up'} to ${view.data.plan.settings.progress.decimals} decimal(s).`}
      </p>
    </Layout>
  ));
});

publicRoutes.get('/o/:org/:fy{[0-9]+}/kpis/:key/chart.svg', async (c) => {
  const view = await loadView(c);
  if (!view) return notFoundPage(c);
  const lang = c.get('lang');
  const row = view.kpis.rows.find((r) => r.kpi.key === c.req.param('key'));
  if (!row) return notFoundPage(c);
  c.header('Content-Type', 'image/svg+xml; charset=utf-8');
  c.header('Cache-Control', 'public, max-age=300');
  return c.body(kpiTrendSvg(row, { actual: t(lang, 'actual'), target: t(lang, 'target'), year: (fy) => (lang === 'ja' ? reiwaShort(fy) : `FY${fy}`) }));
});

// ---- search ---------------------------------------------------------------------------------------

publicRoutes.get('/o/:org/:fy{[0-9]+}/search', async (c) => {
  const view = await loadView(c);
  if (!view) return notFoundPage(c);
  const lang = c.get('lang');
  const q = (c.req.query('q') ?? '').slice(0, 200);
  const pillarKey = c.req.query('pillar') || undefined;
  const status = (c.req.query('status') || undefined) as Status | undefined;
  const department = c.req.query('department') || undefined;
  if (pillarKey && !view.data.pillars.some((p) => p.key === pillarKey)) return badRequest(c, `pillar: ${pillarKey}`);
  if (status && !STATUS_ORDER.includes(status)) return badRequest(c, `status: ${status}`);
  const active = q !== '' || pillarKey || status || department;
  const hits = active ? search(view.search, q, { pillarKey, status, department }) : [];
  const departments = [...new Set(view.data.initiatives.flatMap((i) => i.departments))].sort((a, b) => a.localeCompare(b, 'ja'));
  const Marked = ({ text, terms }: { text: string; terms: string[] }) => (
    <>{highlight(text, terms).map((p) => (p.match ? <mark>{p.text}</mark> : p.text))}</>
  );
  return c.html(
    <Layout title={q ? `${t(lang, 'search')}: ${q}` : t(lang, 'search')} lang={lang} path={c.req.path + (q ? `?q=${encodeURIComponent(q)}` : '')} breadcrumbs={[...editionCrumbs(view, lang), { label: t(lang, 'search') }]} editionBase={editionPath(view)}>
      <h1>{t(lang, 'search')}</h1>
      <form class="search-form" method="get" action={`${editionPath(view)}/search`} role="search">
        <label>
          {t(lang, 'keyword')}
          <input type="search" name="q" value={q} placeholder={t(lang, 'searchPlaceholder')} />
        </label>
        <label>
          {t(lang, 'pillar')}
          <select name="pillar">
            <option value="">{t(lang, 'allPillars')}</option>
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
          {hits.length === 0 ? <p>{t(lang, 'noResults')}</p> : null}
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
    </Layout>,
  );
});

// ---- accessibility statement ----------------------------------------------------------------------

publicRoutes.get('/accessibility', (c) => {
  const lang = c.get('lang');
  return c.html(
    <Layout title={t(lang, 'accessibility')} lang={lang} path="/accessibility" breadcrumbs={[{ href: '/', label: t(lang, 'home') }, { label: t(lang, 'accessibility') }]}>
      <h1>{t(lang, 'accessibility')}</h1>
      <h2>{lang === 'ja' ? '方針' : 'Policy'}</h2>
      <p>
        {lang === 'ja'
          ? 'このポータルは、JIS X 8341-3:2016「高齢者・障害者等配慮設計指針－情報通信における機器，ソフトウェア及びサービス－第3部：ウェブコンテンツ」の適合レベル AA に準拠することを目標とします。'
          : 'This portal aims to conform to JIS X 8341-3:2016 (equivalent to WCAG 2.0) at level AA.'}
      </p>
      <h2>{lang === 'ja' ? '対象範囲' : 'Scope'}</h2>
      <p>{lang === 'ja' ? 'ホーム、自治体、計画の概要、施策体系、施策、担当課所、KPI、検索、オープンデータの各ページ。' : 'Home, municipality, plan overview, pillar, initiative, department, KPI, search and open-data pages.'}</p>
      <h2>{lang === 'ja' ? '試験' : 'Testing'}</h2>
      <dl class="facts">
        <dt>{lang === 'ja' ? '試験方法' : 'Method'}</dt>
        <dd>{lang === 'ja' ? '自動試験（axe-core、WCAG 2.1 A/AA のルール）をリリースごとに全ページ種別で実施' : 'Automated tests (axe-core, WCAG 2.1 A/AA rules) on every page type for each release'}</dd>
        <dt>{lang === 'ja' ? '試験ツール' : 'Tool'}</dt>
        <dd>axe-core, Chromium (playwright-core)</dd>
        <dt>{lang === 'ja' ? '結果' : 'Result'}</dt>
        <dd>{lang === 'ja' ? '違反 0 件（自動試験の範囲）' : '0 violations (within automated testing)'}</dd>
      </dl>
      <p>{lang === 'ja' ? 'すべてのページは JavaScript なしで利用でき、グラフには同じ内容の表を併記しています。' : 'Every page works without JavaScript, and every chart has the same data as a table.'}</p>
    </Layout>,
  );
});

publicRoutes.notFound((c) => notFoundPage(c as unknown as Context<AppEnv>));
void formatNumber;
