// One KPI's page (target, actuals by year, trend) and its trend chart. Registered by routes.tsx.
import type { Hono } from 'hono';
import type { AppEnv } from '../env.ts';
import { Layout } from '../layout.tsx';
import { fyText, pt, t } from '../i18n.ts';
import { reiwaShort } from '../../domain/wareki.ts';
import { kpiTrendSvg } from '../charts.ts';
import { TableWrap, editionPath, initiativePath, numberLabel, valueText } from './components.tsx';
import { notFoundPage, loadView, editionCrumbs, cachedPage } from './page.tsx';

/** GET /o/:org/:fy/kpis/:key and its chart.svg. */
export function kpiPages(app: Hono<AppEnv>): void {
  app.get('/o/:org/:fy{[0-9]+}/kpis/:key', async (c) => {
    const view = await loadView(c);
    if (!view) return notFoundPage(c);
    const lang = c.get('lang');
    const row = view.kpis.rows.find((r) => r.kpi.key === c.req.param('key'));
    if (!row) return notFoundPage(c);
    const linked = row.kpi.initiativeKey ? view.data.initiatives.find((i) => i.key === row.kpi.initiativeKey) : undefined;
    return cachedPage(c, view, () => (
      <Layout
        title={row.kpi.name}
        lang={lang}
        path={c.req.path}
        breadcrumbs={[...editionCrumbs(view, lang), { label: row.kpi.name }]}
        editionBase={editionPath(view)}
        planWords={view.data.plan.settings}
      >
        <h1>{row.kpi.name}</h1>
        <dl class="facts">
          <dt>{pt(view.data.plan.settings, lang, 'pillar')}</dt>
          <dd>{row.pillarName}</dd>
          <dt>{t(lang, 'finalTarget')}</dt>
          <dd>
            {valueText(row.kpi.target, row.kpi.unit)}（{fyText(lang, row.kpi.targetFiscalYear)}）
          </dd>
          <dt>{t(lang, 'progressRate')}</dt>
          <dd>{row.latest?.progressRate ? `${row.latest.progressRate}%（${fyText(lang, row.latest.fiscalYear)}）` : '—'}</dd>
          {linked ? (
            <>
              <dt>{pt(view.data.plan.settings, lang, 'initiative')}</dt>
              <dd>
                <a href={initiativePath(view, linked)}>
                  {numberLabel(linked)} {linked.title}
                </a>
              </dd>
            </>
          ) : null}
        </dl>
        <figure class="chart">
          <img
            src={`${editionPath(view)}/kpis/${row.kpi.key}/chart.svg?lang=${lang}`}
            alt={`${row.kpi.name}の${t(lang, 'trend')}。${t(lang, 'chartAlt')}`}
            width="720"
            height="320"
          />
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

  app.get('/o/:org/:fy{[0-9]+}/kpis/:key/chart.svg', async (c) => {
    const view = await loadView(c);
    if (!view) return notFoundPage(c);
    const lang = c.get('lang');
    const row = view.kpis.rows.find((r) => r.kpi.key === c.req.param('key'));
    if (!row) return notFoundPage(c);
    c.header('Content-Type', 'image/svg+xml; charset=utf-8');
    c.header('Cache-Control', 'public, max-age=300');
    return c.body(kpiTrendSvg(row, { actual: t(lang, 'actual'), target: t(lang, 'target'), year: (fy) => (lang === 'ja' ? reiwaShort(fy) : `FY${fy}`) }));
  });
}
