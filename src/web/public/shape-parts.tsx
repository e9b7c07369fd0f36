// The parts of the portal that follow a plan's shape (docs/decisions/0008-plan-shape.md): group links and
// counts for plans of three or four levels, the plan's own sections, the indicators table, the grade badge,
// the schedule (a table with the chart beside it) and milestones. Each part renders only when the plan (or
// the initiative) has it, so the sample's pages, which have none, are what they were.
import { raw } from 'hono/html';
import type { EditionData, FieldDef, Indicator, Initiative, Milestone, PlanSettings } from '../../domain/model.ts';
import { STATUS_ORDER, planFields } from '../../domain/model.ts';
import { formatFieldValue } from '../../domain/field-values.ts';
import { groupPath } from '../../domain/groups.ts';
import type { GroupSummary } from '../../domain/group-summary.ts';
import { gradeChoices, type GradeResult } from '../../domain/grades.ts';
import { indicatorProgress, type IndicatorProgress } from '../../domain/progress.ts';
import { targetKindLabel, targetKindLabelEn, targetText, valueText } from '../../domain/indicator-text.ts';
import { reiwaShort } from '../../domain/wareki.ts';
import { scheduleSvg, schedulePeriods } from '../schedule-chart.ts';
import type { Crumb } from '../layout.tsx';
import { levelText, statusText, t, type Lang } from '../i18n.ts';
import type { EditionView } from './edition-cache.ts';

// ---- groups ----------------------------------------------------------------------------------------

/**
 * Whether the plan has groups below the second level. Only then do groups get pages of their own in the
 * links and breadcrumbs; a plan of two levels (the sample) keeps its pillar page listing its sub-areas.
 */
export function isDeep(data: Pick<EditionData, 'plan' | 'pillars'>): boolean {
  return data.plan.settings.levels.length > 2 || data.pillars.some((p) => p.subAreas.some((s) => s.parentKey !== undefined));
}

/** Whether the plan has anything of a shape beyond the sample's (then its pages may show more, and its definition is linked). */
export function hasShape(data: Pick<EditionData, 'plan' | 'pillars'>): boolean {
  const s = data.plan.settings;
  return isDeep(data) || s.fields !== undefined || s.indicatorKinds !== undefined || s.grades !== undefined || s.schedule !== undefined;
}

function base(view: EditionView): string {
  return `/o/${view.data.organization.code}/${view.data.edition.fiscalYear}`;
}

/** The page of a pillar (group null) or of a group inside it. Group keys are unique within their pillar only. */
export function groupHref(view: EditionView, pillarKey: string, groupKey: string | null): string {
  const p = `${base(view)}/pillars/${encodeURIComponent(pillarKey)}`;
  return groupKey === null ? p : `${p}/groups/${encodeURIComponent(groupKey)}`;
}

/** Breadcrumbs from the pillar down to the group `subAreaKey` (each a link to its page). */
export function groupCrumbs(view: EditionView, pillarKey: string, subAreaKey: string | null): Crumb[] {
  return groupPath(view.data.pillars, pillarKey, subAreaKey).map((g) => ({ href: groupHref(view, pillarKey, g.level === 1 ? null : g.key), label: g.name }));
}

/** The summary node of a pillar (group null) or of one group in it, or null. */
export function findSummary(view: EditionView, pillarKey: string, groupKey: string | null): GroupSummary | null {
  const pillar = view.groups.find((g) => g.key === pillarKey);
  if (!pillar) return null;
  if (groupKey === null) return pillar;
  const walk = (n: GroupSummary): GroupSummary | null => {
    for (const c of n.children) {
      if (c.key === groupKey) return c;
      const found = walk(c);
      if (found) return found;
    }
    return null;
  };
  return walk(pillar);
}

/** The groups of a subtree, the node itself first, parents before children. */
export function subtree(node: GroupSummary): GroupSummary[] {
  return [node, ...node.children.flatMap(subtree)];
}

/** The facts of a group's place: one line per level above it, each named in the plan's words and linked. */
export function GroupFacts({ view, lang, pillarKey, subAreaKey }: { view: EditionView; lang: Lang; pillarKey: string; subAreaKey: string | null }) {
  const settings = view.data.plan.settings;
  return (
    <>
      {groupPath(view.data.pillars, pillarKey, subAreaKey).map((g) => (
        <>
          <dt>{levelText(settings, lang, g.level)}</dt>
          <dd>
            <a href={groupHref(view, pillarKey, g.level === 1 ? null : g.key)}>{g.name}</a>
          </dd>
        </>
      ))}
    </>
  );
}

/**
 * Counts per status (and per grade, when the plan publishes grades) of some groups, each linked to its
 * page, with the group they are inside as the total row.
 */
export function GroupCountsTable({
  view,
  lang,
  pillarKey,
  rows,
  total,
  caption,
  gradesOnly = false,
}: {
  view: EditionView;
  lang: Lang;
  pillarKey: string;
  /** The groups counted; none: the total is the one row (a group with nothing below it). */
  rows: GroupSummary[];
  total: GroupSummary;
  caption: string;
  /** Only the grade columns (where the status counts are in a table of their own, as on the overview). */
  gradesOnly?: boolean;
}) {
  const settings = view.data.plan.settings;
  const statuses = gradesOnly ? [] : STATUS_ORDER.filter((s) => total.byStatus[s] > 0 || s === 'completed' || s === 'in_progress' || s === 'new');
  const grades = view.grades ? gradeChoices(settings) : [];
  const cell = (n: number | undefined) => (!n ? '—' : String(n));
  const level = rows[0]?.level ?? total.level;
  const body = rows.length ? rows : [total];
  return (
    <div class="table-wrap" tabindex={0} role="region" aria-label={caption}>
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{levelText(settings, lang, level)}</th>
            {statuses.map((s) => (
              <th scope="col" class="num">
                {statusText(lang, s)}
              </th>
            ))}
            {gradesOnly ? null : (
              <th scope="col" class="num">
                {t(lang, 'total')}
              </th>
            )}
            {grades.map((g) => (
              <th scope="col" class="num">
                {t(lang, 'grade')} {g.grade}
                <br />
                <small>{g.label}</small>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {body.map((r) => (
            <tr>
              <th scope="row">
                {r.level === 0 || !rows.length ? (
                  r.name
                ) : (
                  <a href={groupHref(view, r.level === 1 ? r.key : pillarKey, r.level === 1 ? null : r.key)}>{r.name}</a>
                )}
              </th>
              {statuses.map((s) => (
                <td class="num">{cell(r.byStatus[s])}</td>
              ))}
              {gradesOnly ? null : <td class="num">{r.total}</td>}
              {grades.map((g) => (
                <td class="num">{cell(r.byGrade[g.grade])}</td>
              ))}
            </tr>
          ))}
        </tbody>
        {rows.length ? (
          <tfoot>
            <tr>
              <th scope="row">{t(lang, 'total')}</th>
              {statuses.map((s) => (
                <td class="num">{cell(total.byStatus[s])}</td>
              ))}
              {gradesOnly ? null : <td class="num">{total.total}</td>}
              {grades.map((g) => (
                <td class="num">{cell(total.byGrade[g.grade])}</td>
              ))}
            </tr>
          </tfoot>
        ) : null}
      </table>
    </div>
  );
}

// ---- grades ----------------------------------------------------------------------------------------

/** The initiative's grade as the public may see it: null unless the plan publishes grades. */
export function gradeOf(view: EditionView, i: Pick<Initiative, 'key'>): GradeResult | null {
  return view.grades?.get(i.key) ?? null;
}

/** The grade with what it means in words ("A 目標より進んでいる"), never a colour alone. */
export function GradeBadge({ grade }: { grade: GradeResult }) {
  return <span class="badge grade">{grade.label ? `${grade.grade} ${grade.label}` : grade.grade}</span>;
}

/** The grade and how it was reached: the rate it was computed from, or, set by hand, why and by whom. */
export function GradeDetail({ grade, lang }: { grade: GradeResult; lang: Lang }) {
  const rate = grade.rate === null ? '' : `${lang === 'ja' ? '進捗率' : 'progress'} ${grade.rate}%`;
  if (grade.source === 'manual') {
    const parts = [grade.reason ? `${t(lang, 'gradeReason')}: ${grade.reason}` : '', grade.by ? `${t(lang, 'gradeBy')}: ${grade.by}` : '', rate].filter(
      Boolean,
    );
    return (
      <>
        <GradeBadge grade={grade} />
        <br />
        <small>
          {t(lang, 'gradeManual')}
          {parts.length ? `（${parts.join(lang === 'ja' ? '／' : '; ')}）` : ''}
        </small>
      </>
    );
  }
  return (
    <>
      <GradeBadge grade={grade} />
      {grade.source === 'computed' && rate ? (
        <>
          {' '}
          <small>
            {t(lang, 'gradeComputed')}（{rate}）
          </small>
        </>
      ) : null}
    </>
  );
}

// ---- sections ----------------------------------------------------------------------------------------

/** The unit a money field's label names ("事業費（千円）" → 千円); yen where it names none. */
export function moneyUnit(label: string): string {
  const m = /[（(]\s*([^（）()]*円)\s*[）)]\s*$/.exec(label);
  return m ? m[1]!.trim() : '円';
}

/** A section's value as the page shows it; url as a link, money with its unit. */
function FieldValueView({ def, value, lang }: { def: FieldDef; value: string | boolean | undefined; lang: Lang }) {
  const text = formatFieldValue(def, value ?? null, lang);
  if (text === '') return <p class="prose">—</p>;
  if (def.type === 'text') return <p class="prose">{text}</p>;
  if (def.type === 'url' && typeof value === 'string' && /^https?:\/\//i.test(value))
    return (
      <p>
        <a href={value} rel="noopener">
          {value}
        </a>
      </p>
    );
  if (def.type === 'money') return <p>{`${text}${moneyUnit(def.label)}`}</p>;
  return <p>{text}</p>;
}

/** The plan's sections of an initiative, in the plan's order, each under its own heading. */
export function FieldSections({ view, i, lang }: { view: EditionView; i: Initiative; lang: Lang }) {
  const fy = view.data.edition.fiscalYear;
  return (
    <>
      {planFields(view.data.plan.settings).map((def) => {
        const value = def.key === 'content' ? i.content : def.key === 'plan' ? i.plan : i.fields?.[def.key];
        return (
          <>
            <h2>
              {def.label}
              {def.key === 'plan' ? `（${lang === 'ja' ? `${reiwaShort(fy)}取組` : `FY${fy}`}）` : ''}
            </h2>
            <FieldValueView def={def} value={value} lang={lang} />
          </>
        );
      })}
    </>
  );
}

// ---- indicators ------------------------------------------------------------------------------------

function fyShort(lang: Lang, fy: number): string {
  return lang === 'ja' ? reiwaShort(fy) : `FY${fy}`;
}

/** The year of a baseline or final target under its value: "R9年度", "FY2027". */
function fyYear(lang: Lang, fy: number): string {
  return lang === 'ja' ? `${reiwaShort(fy)}年度` : `FY${fy}`;
}

/** The fiscal years an indicators table has columns for: the plan's, and any other year a value is given for. */
export function indicatorYears(plan: Pick<EditionData['plan'], 'startFiscalYear' | 'endFiscalYear'>, indicators: readonly Indicator[]): number[] {
  const years = new Set<number>();
  for (let y = plan.startFiscalYear; y <= plan.endFiscalYear; y++) years.add(y);
  for (const ind of indicators) for (const v of ind.values) years.add(v.fiscalYear);
  return [...years].sort((a, b) => a - b);
}

/** Why a progress rate is missing, in words. */
function unratedText(lang: Lang, p: IndicatorProgress): string {
  switch (p.unrated) {
    case 'not-judged':
      return t(lang, 'notJudged');
    case 'no-actual':
      return t(lang, 'noActual');
    case 'no-target':
      return t(lang, 'noTarget');
    default:
      return t(lang, 'notComputable');
  }
}

/** A qualitative judgement in words. */
function judgement(lang: Lang, achieved: boolean | null): string {
  return achieved === true ? t(lang, 'achieved') : achieved === false ? t(lang, 'notAchieved') : t(lang, 'notJudged');
}

/** One year's actual: "11.2%（48.6%）" with the progress rate that year; a qualitative one as 達成/未達成/未判定. */
function actualCell(lang: Lang, ind: Indicator, fy: number, asOf: number, rule: PlanSettings['progress']): string {
  const v = ind.values.find((x) => x.fiscalYear === fy);
  if (ind.qualitative != null) {
    if (v?.achieved === true || v?.achieved === false) return judgement(lang, v.achieved);
    return fy <= asOf ? t(lang, 'notJudged') : '—';
  }
  if (!v || v.actual === null || v.actual === '') return '—';
  const p = indicatorProgress(ind, fy, rule);
  const rate = p.fiscalYear === fy && p.rate !== null ? `（${p.rate}%）` : '';
  return `${valueText(v.actual, ind.unit)}${rate}`;
}

/**
 * One year's target ("1,000人/年", "75人（累計）"): the year's own, or for a rate per year the rate, which
 * applies to every year; — where the year has none (the final target has a column of its own).
 */
function yearTargetCell(ind: Indicator, fy: number): string {
  if (ind.qualitative != null) return '—';
  const own = ind.values.find((x) => x.fiscalYear === fy)?.target;
  return (own === null || own === undefined || own === '') && !ind.perYear ? '—' : targetText(ind, fy);
}

/**
 * One year of an indicator in one cell, each line named (目標 1,000人/年, 実績 1,200人（120.0%）), so the table
 * has one column per year and stays readable with the plan's four or five years.
 */
function YearCell({ lang, target, actual }: { lang: Lang; target: string; actual: string }) {
  if (target === '—' && actual === '—') return <>—</>;
  return (
    <>
      {target === '—' ? null : (
        <>
          <small>{t(lang, 'yearTarget')}</small> {target}
        </>
      )}
      {target !== '—' && actual !== '—' ? <br /> : null}
      {actual === '—' ? null : (
        <>
          <small>{t(lang, 'yearActual')}</small> {actual}
        </>
      )}
    </>
  );
}

/** An initiative's indicators: what is measured, its targets, and each year's target and actual with its progress rate. */
export function IndicatorTable({ view, i, lang }: { view: EditionView; i: Initiative; lang: Lang }) {
  const indicators = i.indicators ?? [];
  if (!indicators.length) return null;
  const rule = view.data.plan.settings.progress;
  const asOf = view.data.edition.fiscalYear;
  const years = indicatorYears(view.data.plan, indicators);
  const caption = t(lang, 'indicators');
  return (
    <>
      <h2>{caption}</h2>
      <div class="table-wrap" tabindex={0} role="region" aria-label={caption}>
        <table class="indicators">
          <caption>{caption}</caption>
          <thead>
            <tr>
              <th scope="col">{t(lang, 'indicatorName')}</th>
              <th scope="col">{t(lang, 'indicatorKind')}</th>
              <th scope="col">{t(lang, 'unit')}</th>
              <th scope="col">{t(lang, 'targetKind')}</th>
              <th scope="col" class="num">
                {t(lang, 'baseline')}
              </th>
              <th scope="col" class="num">
                {t(lang, 'goal')}
              </th>
              {years.map((fy) => (
                <th scope="col" class="num">
                  {fyShort(lang, fy)}
                  <br />
                  <small>
                    {t(lang, 'yearTarget')}／{t(lang, 'yearActual')}（{t(lang, 'progressRate')}）
                  </small>
                </th>
              ))}
              <th scope="col" class="num">
                {t(lang, 'progressRate')}
                <br />
                <small>（{fyShort(lang, asOf)}）</small>
              </th>
            </tr>
          </thead>
          <tbody>
            {indicators.map((ind) => {
              const p = indicatorProgress(ind, asOf, rule);
              return (
                <tr>
                  <th scope="row">{ind.name}</th>
                  <td>{ind.kind ?? '—'}</td>
                  <td>{ind.unit ?? '—'}</td>
                  <td>{lang === 'ja' ? targetKindLabel(ind) : targetKindLabelEn(ind)}</td>
                  <td class="num">
                    {ind.baseline ? (
                      <>
                        {valueText(ind.baseline.value, ind.unit)}
                        <br />
                        <small>{fyYear(lang, ind.baseline.fiscalYear)}</small>
                      </>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td class={ind.qualitative != null ? undefined : 'num'}>
                    {targetText(ind)}
                    {ind.target && ind.qualitative == null ? (
                      <>
                        <br />
                        <small>{fyYear(lang, ind.target.fiscalYear)}</small>
                      </>
                    ) : null}
                  </td>
                  {years.map((fy) => (
                    <td class="num">
                      <YearCell lang={lang} target={yearTargetCell(ind, fy)} actual={actualCell(lang, ind, fy, asOf, rule)} />
                    </td>
                  ))}
                  <td class="num">{p.rate !== null ? `${p.rate}%` : unratedText(lang, p)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}

// ---- schedule and milestones -------------------------------------------------------------------------

export interface ScheduleEntry {
  label: string;
  href?: string;
  initiative: Initiative;
}

/**
 * The schedule of some initiatives: a table (one row per initiative, one column per period, each cell the
 * phase in words) with the chart of the same data beside it. Nothing when the plan has no schedule or no
 * entry has a cell.
 */
export function ScheduleView({ view, lang, entries, heading = 'h2' }: { view: EditionView; lang: Lang; entries: ScheduleEntry[]; heading?: 'h2' | 'h3' }) {
  const def = view.data.plan.settings.schedule;
  const rows = entries.filter((e) => e.initiative.schedule?.length || e.initiative.milestones?.length);
  if (!def || !rows.some((e) => e.initiative.schedule?.length)) return null;
  const periods = schedulePeriods(view.data.plan).map((p) => ({ id: p.id, label: lang === 'ja' ? p.label : p.labelEn }));
  const caption = t(lang, 'schedule');
  const svg = scheduleSvg({
    title: caption,
    lang,
    periods,
    phases: def.phases,
    rows: rows.map((e) => ({ label: e.label, cells: e.initiative.schedule ?? [], milestones: def.milestones ? e.initiative.milestones : undefined })),
  });
  const H = heading;
  return (
    <section class="schedule">
      <H>{caption}</H>
      <div class="table-wrap" tabindex={0} role="region" aria-label={caption}>
        <table>
          <caption>{caption}</caption>
          <thead>
            <tr>
              <th scope="col">{lang === 'ja' ? '項目' : 'Item'}</th>
              {periods.map((p) => (
                <th scope="col">{p.label}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((e) => {
              const phase = new Map((e.initiative.schedule ?? []).map((c) => [c.period, c.phase]));
              return (
                <tr>
                  <th scope="row">{e.href ? <a href={e.href}>{e.label}</a> : e.label}</th>
                  {periods.map((p) => (
                    <td>{phase.get(p.id) ?? '—'}</td>
                  ))}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <figure class="chart">
        {/* The chart is as wide as its periods; on a phone it scrolls sideways like the tables. */}
        <div class="table-wrap" tabindex={0} role="region" aria-label={`${caption}（${lang === 'ja' ? '図' : 'chart'}）`}>
          {raw(svg)}
        </div>
        <figcaption>
          {caption}（{t(lang, 'chartAlt')}）
        </figcaption>
      </figure>
    </section>
  );
}

/** "2024年6月30日", "2024年6月"; in English the date as stored. */
export function milestoneDate(lang: Lang, date: string): string {
  if (lang !== 'ja') return date;
  const m = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/.exec(date);
  if (!m) return date;
  return `${m[1]}年${Number(m[2])}月${m[3] ? `${Number(m[3])}日` : ''}`;
}

export function MilestoneTable({ milestones, lang }: { milestones: readonly Milestone[] | undefined; lang: Lang }) {
  if (!milestones?.length) return null;
  const caption = t(lang, 'milestones');
  return (
    <>
      <h2>{caption}</h2>
      <div class="table-wrap" tabindex={0} role="region" aria-label={caption}>
        <table>
          <caption>{caption}</caption>
          <thead>
            <tr>
              <th scope="col">{t(lang, 'date')}</th>
              <th scope="col">{t(lang, 'milestone')}</th>
              <th scope="col">{t(lang, 'milestoneState')}</th>
            </tr>
          </thead>
          <tbody>
            {milestones.map((m) => (
              <tr>
                <td>
                  <time datetime={m.date}>{milestoneDate(lang, m.date)}</time>
                </td>
                <td>{m.label}</td>
                <td>{m.done ? t(lang, 'done') : t(lang, 'notDone')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
