// The departments of an edition and one department's initiatives. Registered by routes.tsx.
import type { Hono } from 'hono';
import type { AppEnv } from '../env.ts';
import { Layout } from '../layout.tsx';
import { statusText, pt, t } from '../i18n.ts';
import { STATUS_ORDER } from '../../domain/model.ts';
import { TableWrap, InitiativeList, editionPath } from './components.tsx';
import { notFoundPage, loadView, editionCrumbs, cachedPage } from './page.tsx';

/** GET /o/:org/:fy/departments and /o/:org/:fy/departments/:name. */
export function departmentPages(app: Hono<AppEnv>): void {
  app.get('/o/:org/:fy{[0-9]+}/departments', async (c) => {
    const view = await loadView(c);
    if (!view) return notFoundPage(c);
    const lang = c.get('lang');
    const counts = new Map<string, number>();
    for (const i of view.data.initiatives) for (const d of i.departments) counts.set(d, (counts.get(d) ?? 0) + 1);
    const names = [...counts.keys()].sort((a, b) => a.localeCompare(b, 'ja'));
    return cachedPage(c, view, () => (
      <Layout
        title={t(lang, 'departments')}
        lang={lang}
        path={c.req.path}
        breadcrumbs={[...editionCrumbs(view, lang), { label: t(lang, 'departments') }]}
        editionBase={editionPath(view)}
        planWords={view.data.plan.settings}
      >
        <h1>{t(lang, 'departments')}</h1>
        <TableWrap label={t(lang, 'departments')}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t(lang, 'department')}</th>
                <th scope="col" class="num">
                  {pt(view.data.plan.settings, lang, 'initiatives')}
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

  app.get('/o/:org/:fy{[0-9]+}/departments/:name', async (c) => {
    const view = await loadView(c);
    if (!view) return notFoundPage(c);
    const lang = c.get('lang');
    const name = c.req.param('name');
    const items = view.data.initiatives.filter((i) => i.departments.includes(name));
    if (items.length === 0) return notFoundPage(c);
    const aliases = view.data.departments.find((d) => d.name === name)?.aliases ?? [];
    return cachedPage(c, view, () => (
      <Layout
        title={name}
        lang={lang}
        path={c.req.path}
        breadcrumbs={[...editionCrumbs(view, lang), { href: `${editionPath(view)}/departments`, label: t(lang, 'departments') }, { label: name }]}
        editionBase={editionPath(view)}
        planWords={view.data.plan.settings}
      >
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
}
