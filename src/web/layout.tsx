// The page frame every HTML page shares: skip link, header with the language switch, breadcrumbs,
// footer with the accessibility statement. No script: everything works with HTML alone.
import type { Child } from 'hono/jsx';
import { assetUrl } from './static.ts';
import { pt, t, type Lang } from './i18n.ts';
import type { PlanSettings } from '../domain/model.ts';

export interface Crumb {
  href?: string;
  label: string;
}

export interface LayoutProps {
  title: string;
  lang: Lang;
  /** Path of the page without the language parameter, for the language switch. */
  path?: string;
  breadcrumbs?: Crumb[];
  /** Links shown in the header for the current edition. */
  editionBase?: string;
  /** The edition's plan settings, so the header names its levels in the plan's words. */
  planWords?: Partial<Pick<PlanSettings, 'levels' | 'initiativeName'>>;
  children?: Child;
}

export function Layout({ title, lang, path = '/', breadcrumbs, editionBase, planWords, children }: LayoutProps) {
  const other: Lang = lang === 'ja' ? 'en' : 'ja';
  const sep = path.includes('?') ? '&' : '?';
  return (
    <html lang={lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} | shisaku`}</title>
        <link rel="stylesheet" href={assetUrl('tokens.css')} />
        <link rel="stylesheet" href={assetUrl('site.css')} />
      </head>
      <body>
        <a class="skip" href="#main">
          {t(lang, 'skip')}
        </a>
        <header class="site-header">
          <div class="inner">
            <a class="site-name" href="/">
              {t(lang, 'siteName')}
            </a>
            <nav class="site-nav" aria-label={lang === 'ja' ? 'サイト' : 'Site'}>
              <ul>
                {editionBase ? (
                  <>
                    <li>
                      <a href={editionBase}>{pt(planWords ?? {}, lang, 'pillars')}</a>
                    </li>
                    <li>
                      <a href={`${editionBase}/departments`}>{t(lang, 'departments')}</a>
                    </li>
                    <li>
                      <a href={`${editionBase}/search`}>{t(lang, 'search')}</a>
                    </li>
                    <li>
                      <a href={`${editionBase}/downloads`}>{t(lang, 'downloads')}</a>
                    </li>
                  </>
                ) : null}
                <li class="lang-switch">
                  <a href={`${path}${sep}lang=${other}`} hreflang={other} lang={other} aria-label={t(lang, 'languageLabel')}>
                    {t(lang, 'language')}
                  </a>
                </li>
              </ul>
            </nav>
          </div>
        </header>
        <main id="main" tabindex={-1}>
          {breadcrumbs?.length ? (
            <nav class="breadcrumbs" aria-label={lang === 'ja' ? 'パンくずリスト' : 'Breadcrumb'}>
              <ol>
                {breadcrumbs.map((b, i) => (
                  <li>{b.href && i < breadcrumbs.length - 1 ? <a href={b.href}>{b.label}</a> : <span aria-current="page">{b.label}</span>}</li>
                ))}
              </ol>
            </nav>
          ) : null}
          {children}
        </main>
        <footer class="site-footer">
          <div class="inner">
            <ul>
              <li>
                <a href="/accessibility">{t(lang, 'accessibility')}</a>
              </li>
              <li>
                <a href="/api">{t(lang, 'api')}</a>
              </li>
            </ul>
            <p>shisaku — open-source software for municipal DX action plans</p>
          </div>
        </footer>
      </body>
    </html>
  );
}
