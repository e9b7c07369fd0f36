// Pieces the public pages share: status badges, the two computed tables, initiative lists.
import type { Initiative, Status } from '../../domain/model.ts';
import { STATUS_ORDER } from '../../domain/model.ts';
import { formatNumber, progressRate } from '../../domain/decimal.ts';
import type { KpiTable } from '../../domain/tables.ts';
import { reiwaShort } from '../../domain/wareki.ts';
import { statusText, pt, t, type Lang } from '../i18n.ts';
import type { EditionView } from './edition-cache.ts';
import { GradeBadge } from './shape-parts.tsx';

/**
 * A table that may scroll sideways on a phone. Keyboard users must be able to scroll it too, so the
 * box is focusable and named (WCAG 2.1.1, axe's scrollable-region-focusable).
 */
export function TableWrap({ label, children }: { label: string; children?: unknown }) {
  return (
    <div class="table-wrap" tabindex={0} role="region" aria-label={label}>
      {children as never}
    </div>
  );
}

export function StatusBadge({ status, lang }: { status: Status; lang: Lang }) {
  return <span class={`badge ${status}`}>{statusText(lang, status)}</span>;
}

export function editionPath(view: EditionView): string {
  return `/o/${view.data.organization.code}/${view.data.edition.fiscalYear}`;
}

export function initiativePath(view: EditionView, i: Initiative): string {
  return `${editionPath(view)}/initiatives/${i.key}`;
}

export function numberLabel(i: Pick<Initiative, 'number'>): string {
  return i.number ?? '新';
}

/** Number with separators and its unit: "2,682,332", "11.2%". */
export function valueText(value: string | null, unit: string | null): string {
  if (value === null) return '—';
  return `${formatNumber(value)}${unit ?? ''}`;
}

export function SummaryTableView({ view, lang }: { view: EditionView; lang: Lang }) {
  const { summary } = view;
  const cols = STATUS_ORDER.filter((s) => summary.totals[s] > 0 || s === 'completed' || s === 'in_progress' || s === 'new');
  const cell = (n: number) => (n === 0 ? '—' : String(n));
  return (
    <TableWrap label={t(lang, 'summaryTable')}>
      <table>
        <caption>{t(lang, 'summaryTable')}</caption>
        <thead>
          <tr>
            <th scope="col">{pt(view.data.plan.settings, lang, 'pillar')}</th>
            {cols.map((s) => (
              <th scope="col" class="num">
                {statusText(lang, s)}
              </th>
            ))}
            <th scope="col" class="num">
              {t(lang, 'total')}
            </th>
          </tr>
        </thead>
        <tbody>
          {summary.rows.map((r) => (
            <tr>
              <th scope="row">
                <a href={`${editionPath(view)}/pillars/${r.pillarKey}`}>{r.pillarName}</a>
              </th>
              {cols.map((s) => (
                <td class="num">{cell(r.counts[s])}</td>
              ))}
              <td class="num">{r.total}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">{t(lang, 'total')}</th>
            {cols.map((s) => (
              <td class="num">{cell(summary.totals[s])}</td>
            ))}
            <td class="num">{summary.total}</td>
          </tr>
        </tfoot>
      </table>
    </TableWrap>
  );
}

export function KpiTableView({ view, lang, table = view.kpis }: { view: EditionView; lang: Lang; table?: KpiTable }) {
  const fyHead = (fy: number) => (lang === 'ja' ? reiwaShort(fy) : `FY${fy}`);
  return (
    <TableWrap label={t(lang, 'kpiTable')}>
      <table>
        <caption>{t(lang, 'kpiTable')}</caption>
        <thead>
          <tr>
            <th scope="col">{pt(view.data.plan.settings, lang, 'pillar')}</th>
            <th scope="col">{t(lang, 'mainKpi')}</th>
            <th scope="col" class="num">
              {t(lang, 'finalTarget')}
            </th>
            {table.fiscalYears.map((fy) => (
              <th scope="col" class="num">
                {fyHead(fy)}
                <br />
                <small>
                  {t(lang, 'actual')}（{t(lang, 'progressRate')}）
                </small>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {table.rows.map((r) => (
            <tr>
              <td>{r.pillarName}</td>
              <th scope="row">
                <a href={`${editionPath(view)}/kpis/${r.kpi.key}`}>{r.kpi.name}</a>
              </th>
              <td class="num">
                {valueText(r.kpi.target, r.kpi.unit)}
                <small>（{fyHead(r.kpi.targetFiscalYear)}）</small>
              </td>
              {r.cells.map((c) => (
                <td class="num">
                  {c.actual === null ? '—' : `${valueText(c.actual, r.kpi.unit === 'h' ? null : r.kpi.unit)}${c.progressRate ? `（${c.progressRate}%）` : ''}`}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

export function InitiativeList({ view, lang, items, showPillar = false }: { view: EditionView; lang: Lang; items: Initiative[]; showPillar?: boolean }) {
  return (
    <ul class="initiative-list">
      {items.map((i) => (
        <li>
          <span class="no">{numberLabel(i)}</span> <a href={initiativePath(view, i)}>{i.title}</a> <StatusBadge status={i.status} lang={lang} />
          {/* A grade only where the plan publishes grades (never on the sample's pages). */}
          {view.grades?.get(i.key) ? (
            <>
              {' '}
              <GradeBadge grade={view.grades.get(i.key)!} />
            </>
          ) : null}
          <span class="depts">
            {t(lang, 'department')}: {i.departments.join('、')}
            {showPillar ? ` ／ ${view.pillarName.get(i.pillarKey) ?? ''}` : ''}
          </span>
        </li>
      ))}
    </ul>
  );
}

/** Achievement of one result in percent under the plan's rule, or null when there is no target. */
export function resultAchievement(view: EditionView, actual: string | null, target: string | null): string | null {
  if (actual === null || target === null) return null;
  return progressRate(actual, target, view.data.plan.settings.progress);
}
