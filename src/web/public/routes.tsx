// The public portal: what residents, council members and other municipalities read. Server-rendered
// HTML with no script; every page of an edition is built from the cached EditionView. This file makes
// the portal's Hono app and registers the pages, each in its module (overview.tsx, initiative-page.tsx,
// group-pages.tsx, department-pages.tsx, kpi-pages.tsx, search-page.tsx; what they share is in page.tsx), in a fixed
// order, and the accessibility statement.
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../env.ts';
import { Layout } from '../layout.tsx';
import { t } from '../i18n.ts';
import { notFoundPage } from './page.tsx';
import { overviewPages } from './overview.tsx';
import { groupPages } from './group-pages.tsx';
import { initiativePage } from './initiative-page.tsx';
import { departmentPages } from './department-pages.tsx';
import { kpiPages } from './kpi-pages.tsx';
import { searchPage } from './search-page.tsx';

export const publicRoutes = new Hono<AppEnv>();

// The pages in the order they are registered (Hono matches in that order).
overviewPages(publicRoutes);
groupPages(publicRoutes);
initiativePage(publicRoutes);
departmentPages(publicRoutes);
kpiPages(publicRoutes);
searchPage(publicRoutes);

// ---- accessibility statement ----------------------------------------------------------------------

publicRoutes.get('/accessibility', (c) => {
  const lang = c.get('lang');
  return c.html(
    <Layout
      title={t(lang, 'accessibility')}
      lang={lang}
      path="/accessibility"
      breadcrumbs={[{ href: '/', label: t(lang, 'home') }, { label: t(lang, 'accessibility') }]}
    >
      <h1>{t(lang, 'accessibility')}</h1>
      <h2>{lang === 'ja' ? '方針' : 'Policy'}</h2>
      <p>
        {lang === 'ja'
          ? 'このポータルは、JIS X 8341-3:2016「高齢者・障害者等配慮設計指針－情報通信における機器，ソフトウェア及びサービス－第3部：ウェブコンテンツ」の適合レベル AA に準拠することを目標とします。'
          : 'This portal aims to conform to JIS X 8341-3:2016 (equivalent to WCAG 2.0) at level AA.'}
      </p>
      <h2>{lang === 'ja' ? '対象範囲' : 'Scope'}</h2>
      <p>
        {lang === 'ja'
          ? 'ホーム、自治体、計画の概要、施策体系、施策、担当課所、KPI、検索、オープンデータの各ページ。'
          : 'Home, municipality, plan overview, pillar, initiative, department, KPI, search and open-data pages.'}
      </p>
      <h2>{lang === 'ja' ? '試験' : 'Testing'}</h2>
      <dl class="facts">
        <dt>{lang === 'ja' ? '試験方法' : 'Method'}</dt>
        <dd>
          {lang === 'ja'
            ? '自動試験（axe-core、WCAG 2.1 A/AA のルール）をリリースごとに全ページ種別で実施'
            : 'Automated tests (axe-core, WCAG 2.1 A/AA rules) on every page type for each release'}
        </dd>
        <dt>{lang === 'ja' ? '試験ツール' : 'Tool'}</dt>
        <dd>axe-core, Chromium (playwright-core)</dd>
        <dt>{lang === 'ja' ? '結果' : 'Result'}</dt>
        <dd>{lang === 'ja' ? '違反 0 件（自動試験の範囲）' : '0 violations (within automated testing)'}</dd>
      </dl>
      <p>
        {lang === 'ja'
          ? 'すべてのページは JavaScript なしで利用でき、グラフには同じ内容の表を併記しています。'
          : 'Every page works without JavaScript, and every chart has the same data as a table.'}
      </p>
    </Layout>,
  );
});

publicRoutes.notFound((c) => notFoundPage(c as unknown as Context<AppEnv>));
