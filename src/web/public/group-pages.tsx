// The page of one group at any level below the edition: a pillar in a plan of three or four levels, and
// every group inside a pillar at /o/:org/:fy/pillars/:pillar/groups/:group (group keys are unique within
// their pillar only, so the pillar is part of the address). It shows where the group sits (breadcrumbs and
// one line per level above it, named in the plan's words), the groups directly below it with their counts
// per status and per grade, every initiative in it by the group it sits in, and their schedule. The
// sample's pillar pages (two levels) are overview.tsx's and stay as they were. Registered by routes.tsx.
import type { Context, Hono } from 'hono';
import type { AppEnv } from '../env.ts';
import { Layout } from '../layout.tsx';
import { levelText, pt, t, type Lang } from '../i18n.ts';
import { groupPath } from '../../domain/groups.ts';
import type { Initiative, Pillar } from '../../domain/model.ts';
import type { GroupSummary } from '../../domain/group-summary.ts';
import type { EditionView } from './edition-cache.ts';
import { InitiativeList, editionPath, initiativePath, numberLabel } from './components.tsx';
import { notFoundPage, loadView, editionCrumbs, Source, cachedPage } from './page.tsx';
import { GroupCountsTable, GroupFacts, ScheduleView, findSummary, groupCrumbs, groupHref, subtree } from './shape-parts.tsx';

/** The group an initiative is shown in: its own, or its pillar where that group is unknown (lenient, as groups.ts). */
function shownGroup(view: EditionView, i: Initiative): string | null {
  const last = groupPath(view.data.pillars, i.pillarKey, i.subAreaKey).at(-1);
  return !last || last.level === 1 ? null : last.key;
}

/** "取組分野ごとの状況" / "Status by Area": the caption of a table of the groups of one level. */
function countsCaption(view: EditionView, lang: Lang, level: number): string {
  const name = levelText(view.data.plan.settings, lang, level);
  return lang === 'ja' ? `${name}ごとの状況` : `Status by ${name.toLowerCase()}`;
}

/** The page of a pillar (groupKey null) or of one group of it, rendered once per published copy. */
export function groupPage(c: Context<AppEnv>, view: EditionView, pillar: Pillar, node: GroupSummary) {
  const lang = c.get('lang');
  const settings = view.data.plan.settings;
  const groupKey = node.level === 1 ? null : node.key;
  const crumbs = groupCrumbs(view, pillar.key, groupKey);
  const above = groupPath(view.data.pillars, pillar.key, groupKey).slice(0, -1).at(-1);
  const inPillar = view.data.initiatives.filter((i) => i.pillarKey === pillar.key);
  const groups = subtree(node);
  const inNode = new Set(groups.map((g) => (g.level === 1 ? null : g.key)));
  const items = inPillar.filter((i) => inNode.has(shownGroup(view, i)));
  return cachedPage(c, view, () => (
    <Layout
      title={node.name}
      lang={lang}
      path={c.req.path}
      breadcrumbs={[...editionCrumbs(view, lang), ...crumbs.slice(0, -1), { label: node.name }]}
      editionBase={editionPath(view)}
      planWords={settings}
    >
      <h1>{node.name}</h1>
      <p class="meta">{levelText(settings, lang, node.level)}</p>
      {node.level === 1 && pillar.tagline ? <p class="tagline">{pillar.tagline}</p> : null}
      {above ? (
        <dl class="facts">
          <GroupFacts view={view} lang={lang} pillarKey={pillar.key} subAreaKey={above.level === 1 ? null : above.key} />
        </dl>
      ) : null}
      {node.children.length ? (
        <>
          <h2>{levelText(settings, lang, node.level + 1)}</h2>
          <GroupCountsTable
            view={view}
            lang={lang}
            pillarKey={pillar.key}
            rows={node.children}
            total={node}
            caption={countsCaption(view, lang, node.level + 1)}
          />
        </>
      ) : (
        <GroupCountsTable view={view} lang={lang} pillarKey={pillar.key} rows={[]} total={node} caption={t(lang, 'statusCounts')} />
      )}
      {groups.map((g) => {
        const key = g.level === 1 ? null : g.key;
        const list = items.filter((i) => shownGroup(view, i) === key);
        if (!list.length) return null;
        return (
          <section>
            {g === node ? (
              <h2>{pt(settings, lang, 'initiativesInGroup')}</h2>
            ) : (
              <h2>
                <a href={groupHref(view, pillar.key, key)}>{g.name}</a> <small>（{levelText(settings, lang, g.level)}）</small>
              </h2>
            )}
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
}

/** GET /o/:org/:fy/pillars/:pillar/groups/:group. */
export function groupPages(app: Hono<AppEnv>): void {
  app.get('/o/:org/:fy{[0-9]+}/pillars/:pillar/groups/:group', async (c) => {
    const view = await loadView(c);
    if (!view) return notFoundPage(c);
    const pillar = view.data.pillars.find((p) => p.key === c.req.param('pillar'));
    if (!pillar) return notFoundPage(c);
    const node = findSummary(view, pillar.key, c.req.param('group'));
    if (!node) return notFoundPage(c);
    return groupPage(c, view, pillar, node);
  });
}
