// UI text in Japanese (default) and English. Only the interface is translated: plan data (titles,
// content, department names) stay as the municipality entered them.
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { Status } from '../domain/model.ts';
import { STATUS_EN, statusLabel } from '../domain/model.ts';
import { fiscalYearLabel, warekiFiscalYear } from '../domain/wareki.ts';
import type { AppEnv } from './env.ts';
import type { PlanSettings } from '../domain/model.ts';
import { planTerms } from '../domain/plan-rules.ts';
import { titleHeader } from '../domain/sheets.ts';
import { levelName } from '../domain/groups.ts';

export type Lang = 'ja' | 'en';

export const messages = {
  siteName: { ja: 'shisaku 自治体DX施策ポータル', en: 'shisaku — municipal DX action plans' },
  skip: { ja: '本文へ移動', en: 'Skip to content' },
  home: { ja: 'ホーム', en: 'Home' },
  search: { ja: '検索', en: 'Search' },
  searchPlaceholder: { ja: '例: マイナンバー', en: 'e.g. マイナンバー' },
  departments: { ja: '担当課所', en: 'Departments' },
  department: { ja: '担当課所', en: 'Department' },
  summaryTable: { ja: '計画の進捗状況', en: 'Progress of the plan' },
  kpiTable: { ja: 'KPIの達成状況', en: 'KPI achievement' },
  pillar: { ja: '施策体系', en: 'Pillar' },
  pillars: { ja: '施策体系', en: 'Pillars' },
  subArea: { ja: '分野', en: 'Area' },
  initiative: { ja: '施策', en: 'Initiative' },
  initiatives: { ja: '施策', en: 'Initiatives' },
  number: { ja: '番号', en: 'No.' },
  title: { ja: '施策名', en: 'Title' },
  status: { ja: '状況', en: 'Status' },
  total: { ja: '合計', en: 'Total' },
  content: { ja: '施策内容', en: 'Description' },
  planOfYear: { ja: '今年度の取組', en: 'Plan for the year' },
  targets: { ja: '目標', en: 'Targets' },
  results: { ja: '実績', en: 'Results' },
  resultsOf: { ja: '実績', en: 'Results of' },
  /** The heading of results whose year no source names (none is assumed). */
  resultsYearUnknown: { ja: '実績（年度の記載なし）', en: 'Results (year not stated)' },
  label: { ja: '項目', en: 'Item' },
  actual: { ja: '実績値', en: 'Actual' },
  target: { ja: '目標値', en: 'Target' },
  unit: { ja: '単位', en: 'Unit' },
  achievement: { ja: '達成率', en: 'Achievement' },
  history: { ja: '年度ごとの経過', en: 'History across editions' },
  mainKpi: { ja: '主な施策（KPI）', en: 'KPI' },
  finalTarget: { ja: '目標値', en: 'Target' },
  progressRate: { ja: '進捗率', en: 'Progress' },
  trend: { ja: '推移', en: 'Trend' },
  noValue: { ja: '—', en: '—' },
  editions: { ja: '年度版', en: 'Editions' },
  current: { ja: '最新', en: 'current' },
  plan: { ja: '計画', en: 'Plan' },
  period: { ja: '計画期間', en: 'Period' },
  statusMix: { ja: '施策体系ごとの状況', en: 'Status by pillar' },
  chartAlt: { ja: '同じ内容を表で示しています。', en: 'The same data is shown in the table.' },
  source: { ja: '出典', en: 'Source' },
  downloads: { ja: 'オープンデータ', en: 'Open data' },
  report: { ja: '報告書', en: 'Report' },
  accessibility: { ja: 'ウェブアクセシビリティ方針', en: 'Accessibility statement' },
  api: { ja: 'API', en: 'API' },
  notFound: { ja: 'ページが見つかりません', en: 'Page not found' },
  notFoundBody: { ja: 'お探しのページは見つかりませんでした。アドレスをご確認ください。', en: 'The page you asked for does not exist.' },
  badRequest: { ja: '入力が正しくありません', en: 'Bad request' },
  results_count: { ja: '件', en: 'results' },
  noResults: { ja: '該当する施策はありません。', en: 'No initiative matches.' },
  noKpis: { ja: 'この計画にはまだ KPI がありません。', en: 'This plan has no KPIs yet.' },
  allPillars: { ja: 'すべての施策体系', en: 'All pillars' },
  allStatuses: { ja: 'すべての状況', en: 'All statuses' },
  allDepartments: { ja: 'すべての担当課所', en: 'All departments' },
  keyword: { ja: 'キーワード', en: 'Keywords' },
  language: { ja: 'English', en: '日本語' },
  languageLabel: { ja: 'Switch to English', en: '日本語に切り替え' },
  initiativesOf: { ja: 'の施策', en: '' },
  count: { ja: '件数', en: 'Count' },
  organization: { ja: '自治体', en: 'Municipality' },
  code: { ja: '全国地方公共団体コード', en: 'Local government code' },
  // ---- the plan's shape: groups, sections, indicators, grades, schedules ----
  grade: { ja: '評価', en: 'Grade' },
  gradeTable: { ja: '評価の状況', en: 'Grades' },
  gradeManual: { ja: '手動で設定した評価', en: 'Set by hand' },
  gradeReason: { ja: '理由', en: 'Reason' },
  gradeBy: { ja: '設定者', en: 'Set by' },
  gradeComputed: { ja: '指標の進捗率から計算', en: 'Computed from the indicators' },
  indicators: { ja: '指標', en: 'Indicators' },
  indicatorName: { ja: '名称', en: 'Name' },
  indicatorKind: { ja: '種類', en: 'Kind' },
  targetKind: { ja: '目標の種類', en: 'Type of target' },
  baseline: { ja: '基準値', en: 'Baseline' },
  goal: { ja: '最終目標', en: 'Final target' },
  yearTarget: { ja: '目標', en: 'Target' },
  yearActual: { ja: '実績', en: 'Actual' },
  achieved: { ja: '達成', en: 'Achieved' },
  notAchieved: { ja: '未達成', en: 'Not achieved' },
  notJudged: { ja: '未判定', en: 'Not judged' },
  noActual: { ja: '実績なし', en: 'No actual yet' },
  noTarget: { ja: '目標なし', en: 'No target' },
  notComputable: { ja: '計算できません', en: 'Cannot be computed' },
  schedule: { ja: 'スケジュール', en: 'Schedule' },
  milestones: { ja: 'マイルストーン', en: 'Milestones' },
  date: { ja: '日付', en: 'Date' },
  milestone: { ja: '内容', en: 'Milestone' },
  milestoneState: { ja: '状況', en: 'State' },
  done: { ja: '済', en: 'Done' },
  notDone: { ja: '未', en: 'Not yet' },
  statusCounts: { ja: '状況の内訳', en: 'Status counts' },
  initiativesInGroup: { ja: 'この階層の施策', en: 'Initiatives' },
  definition: { ja: '計画の定義', en: 'Plan definition' },
} as const satisfies Record<string, Record<Lang, string>>;

export type MessageKey = keyof typeof messages;

export function t(lang: Lang, key: MessageKey): string {
  return messages[key][lang];
}

/**
 * A message in the plan's own words: in Japanese, 施策体系 / 分野 / 施策 become the names the plan gives its
 * levels and its initiatives (取組の柱, 取組項目 …); the sample's plan uses the defaults, so it reads as before.
 */
export function pt(settings: Partial<Pick<PlanSettings, 'levels' | 'initiativeName'>>, lang: Lang, key: MessageKey): string {
  const text = messages[key][lang];
  if (lang !== 'ja') return text;
  const terms = planTerms(settings);
  const words: Record<string, string> = { 施策体系: terms.pillar, 分野: terms.subArea ?? '分野', 施策名: titleHeader(settings), 施策: terms.initiative };
  // One pass, so a plan's own name that contains 施策 is not replaced again.
  return text.replace(/施策体系|施策名|施策|分野/g, (w) => words[w]!);
}

/**
 * The name of a grouping level (1 = pillar) in the plan's words: its own name in Japanese (levelName, 第3階層
 * where it names none), Pillar / Area / Level N in English.
 */
export function levelText(settings: Pick<PlanSettings, 'levels'>, lang: Lang, level: number): string {
  if (lang === 'ja') return levelName(settings, level);
  return level === 1 ? 'Pillar' : level === 2 ? 'Area' : `Level ${level}`;
}

export function statusText(lang: Lang, s: Status): string {
  return lang === 'ja' ? statusLabel(s) : STATUS_EN[s];
}

export function fyText(lang: Lang, fy: number): string {
  return lang === 'ja' ? fiscalYearLabel(fy) : `FY${fy} (${warekiFiscalYear(fy)})`;
}

/** ?lang= (remembered in a cookie) → cookie → Accept-Language → Japanese. */
export function languageMiddleware(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const q = c.req.query('lang');
    let lang: Lang | null = q === 'en' || q === 'ja' ? q : null;
    if (lang) setCookie(c, 'lang', lang, { path: '/', sameSite: 'Lax', maxAge: 60 * 60 * 24 * 365, httpOnly: true });
    lang ??= pick(getCookie(c, 'lang'));
    lang ??= fromAcceptLanguage(c);
    c.set('lang', lang);
    await next();
  };
}

function pick(v: string | undefined): Lang | null {
  return v === 'en' || v === 'ja' ? v : null;
}

function fromAcceptLanguage(c: Context): Lang {
  const header = c.req.header('accept-language') ?? '';
  const first = header.split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('en') ? 'en' : 'ja';
}
