// One initiative's page: its plan, targets, results and its history across editions. The longest page of
// the portal, so it has a module of its own; registered by routes.tsx.
import type { Hono } from 'hono';
import type { AppEnv } from '../env.ts';
import { Layout } from '../layout.tsx';
import { fyText, pt, t } from '../i18n.ts';
import { publishedInitiativeHistory } from '../../db/publication.ts';
import { reiwaShort } from '../../domain/wareki.ts';
import { TableWrap, StatusBadge, editionPath, numberLabel, resultAchievement, valueText } from './components.tsx';
import { notFoundPage, loadView, editionCrumbs, Source, cachedHtml, cachedPage } from './page.tsx';
import { FieldSections, GradeDetail, GroupFacts, IndicatorTable, MilestoneTable, ScheduleView, gradeOf, groupCrumbs, isDeep } from './shape-parts.tsx';

/** GET /o/:org/:fy/initiatives/:key. */
export function initiativePage(app: Hono<AppEnv>): void {
  app.get('/o/:org/:fy{[0-9]+}/initiatives/:key', async (c) => {
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
    const settings = view.data.plan.settings;
    // A plan of three or four levels names every group the initiative sits in; the sample names its pillar.
    const deep = isDeep(view.data);
    const grade = gradeOf(view, i);
    return cachedPage(c, view, async () => {
      // Read only when the page is built: the stamp covers every publication of the organization, so
      // publishing another year's edition (which this history lists) also rebuilds the page. Each year
      // shows the initiative as published, never a draft.
      const history = await publishedInitiativeHistory(db, view.data.organization.code, i.key);
      return (
        <Layout
          title={`${numberLabel(i)} ${i.title}`}
          lang={lang}
          path={c.req.path}
          breadcrumbs={
            deep
              ? [...editionCrumbs(view, lang), ...groupCrumbs(view, i.pillarKey, i.subAreaKey), { label: i.title }]
              : [...editionCrumbs(view, lang), { href: `${editionPath(view)}/pillars/${i.pillarKey}`, label: pillarName }, { label: i.title }]
          }
          editionBase={editionPath(view)}
          planWords={view.data.plan.settings}
        >
          <h1>
            {numberLabel(i)}. {i.title}
          </h1>
          <dl class="facts">
            <dt>{t(lang, 'status')}</dt>
            <dd>
              <StatusBadge status={i.status} lang={lang} />
            </dd>
            {grade ? (
              <>
                <dt>{t(lang, 'grade')}</dt>
                <dd>
                  <GradeDetail grade={grade} lang={lang} />
                </dd>
              </>
            ) : null}
            <dt>{t(lang, 'department')}</dt>
            <dd>
              {i.departments.map((d, k) => (
                <>
                  {k > 0 ? '、' : ''}
                  <a href={`${editionPath(view)}/departments/${encodeURIComponent(d)}`}>{d}</a>
                </>
              ))}
            </dd>
            {deep ? (
              <GroupFacts view={view} lang={lang} pillarKey={i.pillarKey} subAreaKey={i.subAreaKey} />
            ) : (
              <>
                <dt>{pt(view.data.plan.settings, lang, 'pillar')}</dt>
                <dd>
                  <a href={`${editionPath(view)}/pillars/${i.pillarKey}`}>{pillarName}</a>
                  {subArea ? ` ／ ${subArea}` : ''}
                </dd>
              </>
            )}
          </dl>
          {settings.fields ? (
            <FieldSections view={view} i={i} lang={lang} />
          ) : (
            <>
              <h2>{pt(view.data.plan.settings, lang, 'content')}</h2>
              <p class="prose">{i.content}</p>
              <h2>
                {t(lang, 'planOfYear')}（{lang === 'ja' ? `${reiwaShort(fy)}取組` : `FY${fy}`}）
              </h2>
              <p class="prose">{i.plan}</p>
            </>
          )}
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
          {i.results.length || i.resultsText ? (
            <h2>{i.resultsFiscalYear === null ? t(lang, 'resultsYearUnknown') : `${t(lang, 'results')}【${fyText(lang, i.resultsFiscalYear)}】`}</h2>
          ) : null}
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
          {i.resultsText ? <p class="prose">{i.resultsText}</p> : null}
          <IndicatorTable view={view} i={i} lang={lang} />
          <ScheduleView view={view} lang={lang} entries={[{ label: i.title, initiative: i }]} />
          {settings.schedule?.milestones ? <MilestoneTable milestones={i.milestones} lang={lang} /> : null}
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
                  <th scope="col">{pt(view.data.plan.settings, lang, 'title')}</th>
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
}
