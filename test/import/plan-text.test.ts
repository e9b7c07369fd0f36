// Golden test of the plan-text importer against the bundled sample (出典: 日立市): every initiative's
// number, title, departments and status; both tables exactly as printed; KPIs; spot checks of values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { SAMPLE, sampleDocument } from '../../src/db/sample.ts';
import { decodePlanBytes, parsePlanText, PlanTextError } from '../../src/import/plan-text.ts';
import { kpiTable, summaryTable } from '../../src/domain/tables.ts';
import type { EditionData } from '../../src/domain/model.ts';

const GOLDEN: [string, string, string, string][] = [
  ['01', '日立市デジタル化推進本部の開催', 'デジタル推進課', 'in_progress'],
  ['02', '日立市デジタル化推進連絡会議の開催', 'デジタル推進課', 'in_progress'],
  ['03', '外部有識者による施策評価等', 'デジタル推進課', 'in_progress'],
  ['新', 'デジタル外部人材の活用', 'デジタル推進課', 'new'],
  ['04', 'デジタル化施策検討等', 'デジタル推進課', 'in_progress'],
  ['05', 'デジタル技術資格保有者等の採用', '人事課', 'in_progress'],
  ['06', 'デジタル化に向けた職員研修の実施', 'デジタル推進課、人事課', 'in_progress'],
  ['07', 'デジタル化推進員の設置', 'デジタル推進課', 'in_progress'],
  ['08', 'マイナンバーカードの普及啓発', '市民課、デジタル推進課', 'in_progress'],
  ['09', 'マイナンバーカードの取得支援', '市民課、各支所', 'in_progress'],
  ['10', 'マイナンバーカードの利活用範囲の拡大', 'デジタル推進課、関係課所', 'in_progress'],
  ['11', 'テレワーク実施環境整備', 'デジタル推進課', 'in_progress'],
  ['12', 'テレワーク専用端末の有効活用', 'デジタル推進課', 'in_progress'],
  ['13', '高齢者へのデジタル機器操作支援', '高齢福祉課', 'in_progress'],
  ['14', '女性センターにおけるデジタル機器操作支援', '女性若者支援課', 'in_progress'],
  ['15', 'デジタルブックの配信', '広報戦略課', 'in_progress'],
  ['16', '外国人市民への情報発信', '文化・国際課', 'in_progress'],
  ['17', 'セキュリティポリシーの見直し', 'デジタル推進課', 'in_progress'],
  ['18', 'デジタル端末等の適正管理とセキュリティ向上', 'デジタル推進課', 'in_progress'],
  ['19', '交流センターのデジタル環境整備', 'コミュニティ推進課', 'completed'],
  ['20', 'タブレット端末等を活用した学習環境整備', '学校施設課', 'in_progress'],
  ['21', 'デジタル教科書の導入検証', '指導課', 'in_progress'],
  ['22', '公共施設のWi-Fi環境整備', 'デジタル推進課、施設所管課', 'in_progress'],
  ['新', '屋外のWi-Fi環境整備', 'デジタル推進課', 'new'],
  ['23', 'データに基づく政策立案の推進', '政策企画課', 'in_progress'],
  ['24', 'オープンデータの推進', '政策企画課', 'in_progress'],
  ['25', 'オンライン申請管理システムの構築', 'デジタル推進課', 'completed'],
  ['26', 'オンライン対象手続の拡充（国推奨）', 'デジタル推進課、関係課所', 'in_progress'],
  ['27', 'オンライン対象手続の拡充（市独自）', 'デジタル推進課、関係課所', 'in_progress'],
  ['28', '各種証明書のオンライン申請システムの導入', '市民課', 'in_progress'],
  ['29', 'コンビニ等での各種証明書の交付促進', '市民課', 'in_progress'],
  ['30', '各種口座振替申込のオンライン化', '関係課所', 'in_progress'],
  ['31', 'WEB会議等を活用したコミュニティ活動推進', 'コミュニティ推進課', 'in_progress'],
  ['32', 'デジタル技術を活用した地域交流促進', 'コミュニティ推進課', 'in_progress'],
  ['33', 'コミュニティ活動アプリポイントの導入', 'コミュニティ推進課', 'in_progress'],
  ['34', 'ボランティアマッチングアプリの導入', 'デジタル推進課', 'in_progress'],
  ['35', '交流センター等利用予約システムの導入', 'コミュニティ推進課', 'in_progress'],
  ['36', '中小企業のDX促進', '商工振興課', 'in_progress'],
  ['37', '中小企業のデジタル人材育成支援', '商工振興課', 'in_progress'],
  ['38', '仮想商店街の構築支援', '商工振興課', 'in_progress'],
  ['39', '事業者へのキャッシュレス決済導入支援', '商工推進課', 'in_progress'],
  ['40', '中小企業等による e スポーツ大会開催支援', '商工推進課', 'in_progress'],
  ['41', '中小企業テレワーク環境整備支援', '商工振興課', 'in_progress'],
  ['42', '宿泊施設のデジタル環境整備支援', '観光物産課', 'in_progress'],
  ['43', 'ひたちフィールドスタンプラリーの開催', '観光物産課', 'in_progress'],
  ['44', '介護ロボット導入支援', '介護保険課', 'in_progress'],
  ['45', 'MaaS の普及に向けた取組支援', '都市政策課', 'in_progress'],
  ['新', 'AI デマンドシステムの導入', '都市政策課', 'new'],
  ['46', '自動運転システムの導入支援', '都市政策課', 'in_progress'],
  ['47', '市公式ホームページの充実', '広報戦略課', 'in_progress'],
  ['48', 'インターネット放送局の開設等', '広報戦略課', 'in_progress'],
  ['49', 'SNSを活用した情報発信', '広報戦略課、関係課', 'in_progress'],
  ['50', 'ひたちナビの魅力向上', 'デジタル推進課、関係課', 'in_progress'],
  ['51', '図書館情報の発信力強化', '記念図書館', 'in_progress'],
  ['新', '動物園の新たな集客コンテンツの導入', 'かみね公園管理事務所', 'new'],
  ['52', 'オンラインによる手続ガイドシステムの導入', '市民課、広報戦略課', 'in_progress'],
  ['53', '書かない窓口の導入', '市民課、デジタル推進課', 'in_progress'],
  ['54', '証明書自動作成システムの利用促進', '市民課', 'in_progress'],
  ['55', '学校へのICT支援員の配置', '指導課', 'in_progress'],
  ['56', '一人一台端末を活用した教育の推進', '指導課', 'in_progress'],
  ['57', 'アプリ活用による「ひたち大好きパスポート」の充実', '生涯学習課', 'in_progress'],
  ['58', 'キャッシュレス決済の拡充', 'デジタル推進課、関係課', 'in_progress'],
  ['59', 'オンラインによる相談業務の推進', '広報戦略課', 'in_progress'],
  ['60', '電子書籍貸出サービスの推進', '記念図書館', 'in_progress'],
  ['61', '史跡の仮想展示', '郷土博物館', 'in_progress'],
  ['62', '郷土映像資料のデジタル化', '視聴覚センター', 'in_progress'],
  ['新', '学校施設開放事務のシステム導入', 'スポーツ推進課', 'new'],
  ['63', '情報システムの標準化の推進', 'デジタル推進課、関係課所', 'in_progress'],
  ['64', 'RPA等の全庁的活用に向けた取組', 'デジタル推進課', 'in_progress'],
  ['65', 'RPA等対象業務の拡充', 'デジタル推進課', 'in_progress'],
  ['66', 'A I 総合案内サービスの導入', 'デジタル推進課、関係課', 'in_progress'],
  ['67', 'A I を活用した職員健康増進', '人事課', 'in_progress'],
  ['68', 'WEB 会議の開催促進', 'デジタル推進課、関係課', 'in_progress'],
  ['69', 'ペーパーレス会議の開催促進', 'デジタル推進課、関係課', 'in_progress'],
  ['70', '業務用PCの無線化の推進', 'デジタル推進課', 'in_progress'],
  ['71', '電子決裁システムの拡充', '総務課、デジタル推進課', 'in_progress'],
  ['72', '桜管理台帳システムの構築', 'さくら課', 'in_progress'],
  ['73', '温室効果ガス総排出量の算定管理支援システムの導入', 'ゼロカーボン推進課', 'completed'],
  ['74', '児童相談管理システムの導入', '子育て支援課', 'completed'],
  ['75', '業務効率化に向けた業務システムの導入', '介護保険課、都市整備課', 'in_progress'],
  ['76', '既存業務システムの機能強化等', '都市整備課、関係課所', 'in_progress'],
  ['77', '各種建築図面等の電子化', 'デジタル推進課、関係課所', 'in_progress'],
  ['78', '介護認定審査会資料の電子化', '介護保険課', 'in_progress'],
  ['79', '農地及び土地改良施設情報のデジタル地図化', '農林水産課', 'in_progress'],
  ['80', '遺跡情報のデジタル地図化', '郷土博物館', 'in_progress'],
  ['81', '図書館蔵書へのICタグ装備等', '記念図書館', 'in_progress'],
  ['82', 'タブレット端末等を活用した立入検査及び火災原因調査', '消防本部予防課', 'in_progress'],
  ['83', 'タブレット端末を活用した新たな議会運営体制の構築', '議会事務局', 'in_progress'],
  ['84', 'I O T を活用した観測所の増設', '天気相談所', 'in_progress'],
  ['85', '総合防災情報システムの導入', '防災対策課', 'in_progress'],
  ['86', 'ハザード情報の可視化', '防災対策課', 'completed'],
  ['87', '避難行動要支援者避難支援システムの導入', '防災対策課', 'completed'],
  ['88', '認知症高齢者の家族支援', '高齢福祉課', 'in_progress'],
  ['89', 'オンラインによる認知症等高齢者の相談支援体制', '高齢福祉課', 'in_progress'],
  ['90', '市HPを活用した認知症の早期発見', '高齢福祉課', 'in_progress'],
  ['91', 'オンラインによるマタニティスクールの開催', '健康づくり推進課', 'completed'],
  ['92', 'オンラインによる妊産婦への個別指導', '健康づくり推進課', 'in_progress'],
  ['93', '電子母子手帳の導入', '健康づくり推進課', 'completed'],
  ['94', 'オンラインによる子育て支援の充実', '子どもセンター', 'in_progress'],
  ['95', 'オンライン診療等導入支援', '地域医療対策課', 'in_progress'],
  ['96', 'オンラインによる健康診査予約受付', '健康づくり推進課', 'in_progress'],
  ['97', 'オンラインによる保健指導', '健康づくり推進課', 'in_progress'],
];

const org = { code: '082023', name: '日立市' };
const { text, doc } = sampleDocument();
const data = doc.data;

test('every initiative: number, title, departments, status', () => {
  assert.equal(data.initiatives.length, 102);
  assert.deepEqual(
    data.initiatives.map((i) => [i.number ?? '新', i.title, i.departments.join('、'), i.status]),
    GOLDEN,
  );
  assert.equal(data.initiatives.filter((i) => i.number === null).length, 5);
  assert.equal(new Set(data.initiatives.map((i) => i.key)).size, 102);
});

test('organization, plan, edition, pillars', () => {
  assert.deepEqual(data.organization, org);
  assert.equal(data.plan.title, '日立市デジタル化推進計画');
  assert.equal(data.plan.startFiscalYear, 2022);
  assert.equal(data.plan.endFiscalYear, 2026);
  assert.equal(data.edition.fiscalYear, 2023);
  assert.equal(data.edition.title, '日立市デジタル化推進アクションプラン2023');
  assert.equal(data.edition.tagline, 'ひたち型スマートライフの実現に向けて');
  assert.match(data.edition.source!, /出典: 日立市/);
  assert.deepEqual(
    data.pillars.map((p) => [p.name, p.subAreas.length]),
    [
      ['デジタル化推進体制整備', 0],
      ['デジタル環境整備', 5],
      ['市民サービスの向上', 3],
      ['業務効率化', 3],
      ['安全・安心の確保', 4],
    ],
  );
  assert.equal(data.pillars[1]!.tagline, 'デジタル化への第一歩。\nそんなアレコレを揃えました。');
  const sub = (n: string) => {
    const i = data.initiatives.find((x) => x.number === n)!;
    return data.pillars.flatMap((p) => p.subAreas).find((s) => s.key === i.subAreaKey)?.name ?? null;
  };
  assert.equal(sub('01'), null);
  assert.equal(sub('16'), 'デジタルデバイド対策'); // where its page puts it, not where the contents do
  assert.equal(sub('63'), '情報システムの標準化'); // printed before any ○ heading
  assert.equal(sub('64'), 'AI・RPAの利用促進');
  assert.equal(sub('94'), '妊産婦・子育て支援');
});

test('summary table computed from the data equals the printed one', () => {
  const s = summaryTable(data);
  assert.deepEqual(
    s.rows.map((r) => [r.pillarName, r.counts.completed, r.counts.in_progress, r.counts.new, r.total]),
    [
      ['デジタル化推進体制整備', 0, 7, 1, 8],
      ['デジタル環境整備', 2, 16, 1, 19],
      ['市民サービスの向上', 0, 37, 3, 40],
      ['業務効率化', 2, 19, 0, 21],
      ['安全・安心の確保', 4, 10, 0, 14],
    ],
  );
  assert.deepEqual([s.totals.completed, s.totals.in_progress, s.totals.new, s.total], [8, 89, 5, 102]);
  // And the document's own printed table was read too.
  assert.deepEqual(doc.printed.summary.at(-1)!.total, 102);
});

test('every KPI with its target, actual and exact progress rate', () => {
  const t = kpiTable(data);
  assert.deepEqual(t.fiscalYears, [2022, 2023, 2024, 2025, 2026]);
  const num = (k: string) => data.initiatives.find((i) => i.key === k)?.number ?? null;
  assert.deepEqual(
    t.rows.map((r) => [
      r.kpi.name,
      r.pillarName,
      r.kpi.target,
      r.kpi.unit,
      r.kpi.actuals['2022'],
      r.latest!.progressRate,
      r.kpi.initiativeKey && num(r.kpi.initiativeKey),
    ]),
    [
      ['コンビニ等での各種証明書交付率', 'デジタル環境整備', '23', '%', '11.2', '48.6', '29'],
      ['市公式 HP の年間アクセス件数', '市民サービスの向上', '6076000', null, '2682332', '44.1', '47'],
      ['ひたちナビの累計ダウンロード数', '市民サービスの向上', '32600', null, '20729', '63.5', '50'],
      ['学校への ICT 支援員の配置に効果があるとした学校の割合', '市民サービスの向上', '100', '%', '84.5', '84.5', '55'],
      ['電子書籍の貸出件数', '市民サービスの向上', '9500', null, '7990', '84.1', '60'],
      ['RPA 等による年間業務時間削減数', '業務効率化', '3300', 'h', '2375', '71.9', '65'],
      ['ペーパーレス会議による資料削減数', '業務効率化', '300000', null, '250000', '83.3', '69'],
      ['母子手帳アプリの利用率', '安全・安心の確保', '95', '%', '93.4', '98.3', '93'],
      ['健康診査のオンライン予約率', '安全・安心の確保', '50', '%', '46.4', '92.8', '96'],
    ],
  );
  assert.ok(t.rows.every((r) => r.kpi.targetFiscalYear === 2026 && r.kpi.direction === 'higher'));
});

test('spot checks of content, plan and results', () => {
  const by = (n: string) => data.initiatives.find((i) => i.number === n)!;
  const r = (n: string) => by(n).results.map((x) => [x.label, x.actual, x.target, x.unit]);
  assert.deepEqual(r('08'), [
    ['マイナンバーカード交付率', '73.6', '70', '%'],
    ['マイナポイント申込・マイキーID設定支援', '41819', '8400', '件'],
  ]);
  assert.deepEqual(r('29'), [['コンビニでの交付率', '11.2', '9.3', '%']]);
  assert.deepEqual(r('12'), [['WEB会議開催、セミナー受講の回数', '1165', '1200', '回']]);
  assert.deepEqual(r('55'), [
    ['ICT機器活用の支援体制 小学校等', '96', '100', '%'],
    ['ICT機器活用の支援体制 中学校等', '73', '100', '%'],
  ]);
  assert.deepEqual(r('65'), [
    ['RPA新規導入', '8', '8', '業務'],
    ['年間削減時間', '2375', null, '時間'],
  ]);
  assert.equal(by('20').results[0]!.note, '(累計整備台数 109台)');
  assert.equal(by('71').results.find((x) => x.label.endsWith('起案供覧文書件数'))!.actual, '8157');
  assert.deepEqual(
    by('08').planTargets.map((t) => [t.label, t.value, t.unit]),
    [['マイナンバーカード交付率', '85', '%']],
  );
  assert.equal(by('19').status, 'completed');
  assert.equal(by('10').status, 'in_progress'); // status printed on the title line
  assert.deepEqual(by('39').departments, ['商工推進課']); // imported as printed, reported by lint
  const newOne = data.initiatives.find((i) => i.title === '動物園の新たな集客コンテンツの導入')!;
  assert.deepEqual(newOne.departments, ['かみね公園管理事務所']); // a name broken over two lines
  assert.equal(newOne.number, null);
  assert.equal(newOne.status, 'new');
  assert.equal(newOne.results.length, 0);
  assert.match(by('01').content, /^「日立市デジタル化推進本部」（副市長/);
  assert.match(by('90').content, /認知症の簡易チェックを利用できる環境を整備する。$/); // a wrapped line rejoined
  assert.match(by('01').plan, /AI技術を活用した新たなデジタル化施策/);
  assert.equal(by('01').resultsFiscalYear, 2022);
  for (const i of data.initiatives) for (const x of i.results) assert.ok(x.raw.length > 0);
});

function same(a: EditionData, b: EditionData) {
  const pick = (d: EditionData) =>
    d.initiatives.map((i) => [
      i.key,
      i.number,
      i.title,
      i.departments,
      i.status,
      i.pillarKey,
      i.subAreaKey,
      i.results.map((r) => [r.label, r.actual, r.target, r.unit]),
    ]);
  assert.deepEqual(pick(a), pick(b));
  assert.deepEqual(a.kpis, b.kpis);
}

test('layout variants give the same edition: CRLF, blank lines, full-width digits, R5 取組 spacing', () => {
  const variants: [string, string][] = [
    ['CRLF', text.replace(/\n/g, '\r\n')],
    ['no blank lines', text.replace(/\n\s*\n/g, '\n')],
    ['doubled blank lines', text.replace(/\n\n/g, '\n\n\n\n')],
    [
      'full-width digits and parentheses',
      text
        .replace(/[0-9]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0))
        .replace(/\(/g, '（')
        .replace(/\)/g, '）'),
    ],
    ['R5取組 without space', text.replace(/R5 取組/g, 'R5取組')],
    ['R5 取組 with space', text.replace(/R5取組/g, 'R5 取組')],
    ['bullets without dash', text.replace(/^- ・/gm, '・')],
    ['trailing spaces', text.replace(/\n/g, '  \n')],
    ['BOM', `\uFEFF${text}`],
  ];
  for (const [name, variant] of variants) {
    const parsed = parsePlanText(variant, { organization: org, fiscalYear: 2023 });
    assert.equal(parsed.data.initiatives.length, 102, name);
    same(parsed.data, data);
  }
});

test('not a plan: a clear error naming what was expected', () => {
  assert.throws(() => parsePlanText('', { organization: org }), PlanTextError);
  assert.throws(() => parsePlanText('今日はいい天気です。\n明日も晴れ。\n', { organization: org }), /施策.*見つかりません/);
  assert.throws(() => parsePlanText('abc\u0000def', { organization: org }), /バイナリ/);
  assert.throws(() => parsePlanText('01. 施策\n\uFFFD\uFFFD\n', { organization: org }), /文字化け/);
  assert.throws(() => decodePlanBytes(new Uint8Array()), /空/);
  assert.throws(() => decodePlanBytes(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13, 1, 2, 3])), /バイナリ/);
});

test('Shift_JIS bytes are decoded, UTF-8 is read strictly first', () => {
  // Shift_JIS has no em dash; a real Shift_JIS plan carries the horizontal bar ― instead.
  const sjis = iconv.encode(text.replace(/—/g, '―'), 'Shift_JIS');
  const decoded = decodePlanBytes(sjis);
  const parsed = parsePlanText(decoded, { organization: org });
  assert.equal(parsed.data.initiatives.length, 102);
  assert.equal(decodePlanBytes(readFileSync(SAMPLE.file)), text);
});
