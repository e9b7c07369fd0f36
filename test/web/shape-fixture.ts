// An edition of a plan of another shape than the sample's, for the portal and API tests of the plan's
// shape: three levels (基本目標 → 取組分野 → 取組事項), the plan's own sections (text, money, url, select),
// indicators of every kind (per year, cumulative, numeric lower-is-better, qualitative achieved / not
// achieved / not judged), grades published (one computed A, one set by hand, one unrated), a schedule by
// fiscal year with milestones, and hostile text in the data. Saved with saveEdition (which creates the plan
// with these settings) as a draft, then published the way staff publish (publishEdition).
import { saveEdition } from '../../src/db/repository.ts';
import { systemActor } from '../../src/db/command.ts';
import { publishEdition } from '../../src/db/workspace.ts';
import type { Db } from '../../src/db/client.ts';
import { withShape } from '../../src/domain/shape.ts';
import { DEFAULT_PLAN_SETTINGS, type EditionData, type Indicator, type Initiative, type PlanSettings } from '../../src/domain/model.ts';

export const ORG = '019992';
export const FY = 2025;
export const EVIL = '<script>alert(1)</script>';
/** Markup, a quote, a comma and a line break: shown as text on a page, quoted in a CSV (RFC 4180). */
export const EVIL_CONTENT = '"><img src=x onerror=alert(1)>\r\n2行目, カンマのあと';

export const SETTINGS: PlanSettings = {
  ...DEFAULT_PLAN_SETTINGS,
  levels: ['基本目標', '取組分野', '取組事項'],
  initiativeName: '事業',
  fields: [
    { key: 'content', label: '事業概要', type: 'text' },
    { key: 'issues', label: '現状・課題', type: 'text' },
    { key: 'budget', label: '事業費（千円）', type: 'money' },
    { key: 'page', label: '関連ページ', type: 'url' },
    { key: 'audience', label: '対象', type: 'select', options: ['市民', '事業者'] },
    { key: 'plan', label: '今年度の取組', type: 'text' },
  ],
  indicatorKinds: ['活動指標', '成果指標'],
  grades: {
    scale: [
      { grade: 'A', label: '目標より進んでいる', min: '110' },
      { grade: 'B', label: '目標どおり', min: '90' },
      { grade: 'C', label: '目標より遅れている', min: '0' },
    ],
    unrated: { grade: 'D', label: '評価できない' },
    publish: true,
  },
  schedule: { unit: 'fiscal-year', phases: ['検討', '準備', '実施', '運用'], milestones: true },
};

function indicator(over: Partial<Indicator> & Pick<Indicator, 'key' | 'name'>): Indicator {
  return {
    kind: null,
    unit: null,
    direction: 'higher',
    cumulative: false,
    perYear: false,
    baseline: null,
    target: null,
    qualitative: null,
    values: [],
    ...over,
  };
}

function initiative(over: Partial<Initiative> & Pick<Initiative, 'key' | 'title' | 'pillarKey' | 'subAreaKey'>): Initiative {
  return withShape({
    number: null,
    departments: ['デジタル推進課'],
    status: 'in_progress',
    content: '',
    plan: '',
    planTargets: [],
    resultsFiscalYear: null,
    results: [],
    resultsText: '',
    ...over,
  });
}

/** Six indicators' worth of every kind: 1,000人/年, 75人（累計）, a lower-is-better one, three qualitative ones. */
export const INDICATORS = {
  /** 1,200 of 1,000 a year: 120.0 %. */
  perYear: indicator({
    key: 'i1',
    name: '講座の受講者数',
    kind: '活動指標',
    unit: '人',
    perYear: true,
    target: { fiscalYear: 2027, value: '1000' },
    values: [
      { fiscalYear: 2024, target: null, actual: '486', achieved: null },
      { fiscalYear: 2025, target: '1000', actual: '1200', achieved: null },
    ],
  }),
  /** 85 of 75 (a running total): 113.3 %. */
  cumulative: indicator({
    key: 'i2',
    name: '支援員の人数',
    kind: '成果指標',
    unit: '人',
    cumulative: true,
    baseline: { fiscalYear: 2023, value: '0' },
    target: { fiscalYear: 2027, value: '75' },
    values: [
      { fiscalYear: 2024, target: '30', actual: '40', achieved: null },
      { fiscalYear: 2025, target: null, actual: '85', achieved: null },
    ],
  }),
  /** Lower is better: a target of 10 minutes, 8 reached: 125.0 %. */
  lower: indicator({
    key: 'i3',
    name: '窓口の待ち時間',
    kind: '成果指標',
    unit: '分',
    direction: 'lower',
    baseline: { fiscalYear: 2023, value: '30' },
    target: { fiscalYear: 2027, value: '10' },
    values: [{ fiscalYear: 2025, target: null, actual: '8', achieved: null }],
  }),
  achieved: indicator({
    key: 'q1',
    name: '行動規範の制定',
    kind: '活動指標',
    qualitative: '職員の行動規範を制定する',
    values: [{ fiscalYear: 2025, target: null, actual: null, achieved: true }],
  }),
  notAchieved: indicator({
    key: 'q2',
    name: '利用者アンケートの実施',
    kind: '成果指標',
    qualitative: '利用者アンケートを年1回実施する',
    values: [{ fiscalYear: 2025, target: null, actual: null, achieved: false }],
  }),
  notJudged: indicator({ key: 'q3', name: `外部評価${EVIL}`, kind: '成果指標', qualitative: '外部の評価を受ける', values: [] }),
};

export const KEYS = { a: 'aaaaaaaaaaaa', b: 'bbbbbbbbbbbb', c: 'cccccccccccc', evil: 'eeeeeeeeeeee' };

export function shapeEdition(): EditionData {
  return {
    organization: { code: ORG, name: 'ひながた市（架空の例）' },
    plan: { title: 'ひながた市DX推進計画', startFiscalYear: 2024, endFiscalYear: 2027, settings: SETTINGS },
    edition: { fiscalYear: FY, title: 'ひながた市DX推進計画 令和7年度版', tagline: null, lead: null, source: '出典: 架空の例', state: 'draft' },
    pillars: [
      {
        key: 'p1',
        name: '便利に暮らせるまち',
        tagline: null,
        subAreas: [
          { key: 'g1', name: '行政手続のデジタル化' },
          { key: 'g11', name: 'オンライン申請', parentKey: 'g1' },
          { key: 'g12', name: '窓口の改善', parentKey: 'g1' },
          { key: 'g2', name: '地域のデジタル化' },
        ],
      },
      { key: 'p2', name: '変わり続ける市役所', tagline: null, subAreas: [] },
    ],
    initiatives: [
      initiative({
        key: KEYS.a,
        number: '01',
        title: 'オンライン申請の利用促進',
        pillarKey: 'p1',
        subAreaKey: 'g11',
        content: 'オンラインでできる手続を増やします。',
        plan: '利用の多い10手続を作り直します。',
        fields: { issues: '窓口が混み合っています。', budget: '12345', page: 'https://example.jp/dx?a=1&b=2', audience: '市民' },
        indicators: [INDICATORS.perYear, INDICATORS.cumulative],
        schedule: [
          { period: '2024', phase: '検討' },
          { period: '2025', phase: '準備' },
          { period: '2026', phase: '実施' },
          { period: '2027', phase: '運用' },
        ],
        milestones: [
          { date: '2025-06-30', label: '要件定義の完了', done: true },
          { date: '2026-04', label: 'サービス開始', done: false },
        ],
      }),
      initiative({
        key: KEYS.b,
        number: '02',
        title: '窓口の待ち時間の短縮',
        pillarKey: 'p1',
        subAreaKey: 'g12',
        content: '番号札をシステムで発券します。',
        fields: { budget: '500' },
        indicators: [INDICATORS.lower, INDICATORS.achieved, INDICATORS.notAchieved, INDICATORS.notJudged],
        grade: { grade: 'B', reason: 'アンケートは実施済みで集計中のため', by: '山田（デジタル推進課）' },
      }),
      initiative({ key: KEYS.c, number: '03', title: '地域のデジタル人材の育成', pillarKey: 'p1', subAreaKey: 'g2', status: 'not_started' }),
      initiative({
        key: KEYS.evil,
        number: '04',
        title: EVIL,
        pillarKey: 'p2',
        subAreaKey: null,
        content: EVIL_CONTENT,
        fields: { issues: `${EVIL}\n改行のあと`, page: 'javascript:alert(1)' },
        milestones: [{ date: '2025-10', label: EVIL, done: false }],
        schedule: [{ period: '2025', phase: '検討' }],
      }),
    ],
    kpis: [],
    departments: [],
  };
}

/** Saves the edition as a draft (the plan is created with it) and publishes it. */
export async function publishShapeEdition(db: Db): Promise<EditionData> {
  const data = shapeEdition();
  await saveEdition(db, data, { actor: 'test', source: 'test' });
  await publishEdition(db, await systemActor(db, ORG), FY);
  return data;
}
