// The plan definition file (plan.yaml / plan.json): what it accepts, the line-precise Japanese messages for
// what it refuses, and that the JSON Schema in docs/ accepts and refuses the same files as the zod schema
// (checked with a small validator of exactly the schema keywords the file uses, so a keyword added to the
// schema without being understood here fails the test). The plan's shape (fields, indicators, grades,
// schedule): accepted into the settings, each rule refused at its line, absent keys leaving the settings as
// they were; and a stored plan written back as plan.yaml (definition-yaml.ts) reads into the same settings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import {
  checkPlanDefinition,
  definitionOfPlan,
  definitionValue,
  formatDefinitionErrors,
  formatOf,
  parsePlanDefinition,
  settingsOf,
  type DefinitionInput,
} from '../../src/domain/plan-definition.ts';
import { definitionJson, definitionOf, definitionYaml } from '../../src/domain/definition-yaml.ts';
import { DEFAULT_PLAN_SETTINGS, type PlanInfo, type PlanSettings } from '../../src/domain/model.ts';

const SCHEMA = JSON.parse(readFileSync(new URL('../../docs/plan-definition.schema.json', import.meta.url), 'utf8')) as Json;

const HAMAMATSU = `organization: { code: "221309", name: 浜松市 }
title: 浜松市DX推進計画
period: { from: 2023, to: 2024 }   # fiscal years, editable later
levels: [取組の柱]                  # grouping levels above an initiative
initiative: 取組項目                # what one initiative is called
firstEdition: 2024                 # optional: this year's empty draft
`;

/** The messages of a file that is refused, as the command line prints them. */
function refused(text: string, filename = 'plan.yaml'): string[] {
  const r = parsePlanDefinition(text, filename);
  assert.equal(r.ok, false, `expected ${filename} to be refused`);
  return r.ok ? [] : formatDefinitionErrors(filename, r.errors).split('\n');
}

test('the issue’s example: the plan, its settings, the defaults for what it leaves out', () => {
  const r = parsePlanDefinition(HAMAMATSU, 'plan.yaml');
  assert.ok(r.ok, r.ok ? '' : formatDefinitionErrors('plan.yaml', r.errors));
  assert.deepEqual(r.definition.organization, { code: '221309', name: '浜松市' });
  assert.equal(r.definition.title, '浜松市DX推進計画');
  assert.deepEqual(r.definition.period, { from: 2023, to: 2024 });
  assert.equal(r.definition.firstEdition, 2024);
  assert.deepEqual(settingsOf(r.definition), { ...DEFAULT_PLAN_SETTINGS, levels: ['取組の柱'], initiativeName: '取組項目' });
  assert.equal(r.lineOf('period'), 3);
  assert.equal(r.lineOf('organization.name'), 1);
});

test('the same plan as JSON, and the optional progress rule and departmentRequired', () => {
  const json = JSON.stringify(
    {
      $schema: '../docs/plan-definition.schema.json',
      organization: { code: '082023', name: '日立市' },
      title: '日立市デジタル化推進計画',
      period: { from: 2022, to: 2026 },
      levels: ['施策体系', '分野'],
      initiative: '施策',
      progress: {
        rounding: 'half-up',
        decimals: 0,
        cap: true,
        bands: [
          { grade: 'A', min: 87.5 },
          { grade: 'B', min: 0 },
        ],
      },
      departmentRequired: false,
    },
    null,
    2,
  );
  const r = parsePlanDefinition(json, 'plan.json');
  assert.ok(r.ok, r.ok ? '' : formatDefinitionErrors('plan.json', r.errors));
  assert.equal(r.definition.firstEdition, null);
  assert.deepEqual(r.definition.progress, {
    rounding: 'half-up',
    decimals: 0,
    cap: true,
    bands: [
      { grade: 'A', min: '87.5' },
      { grade: 'B', min: '0' },
    ],
  });
  assert.equal(r.definition.departmentRequired, false);
  assert.equal(formatOf('plan.json', json), 'json');
  assert.equal(formatOf('plan', json), 'json', 'by content');
  assert.equal(formatOf('plan', HAMAMATSU), 'yaml');
  assert.ok(parsePlanDefinition(json, 'definition').ok, 'JSON without an extension');
  assert.ok(parsePlanDefinition(`\uFEFF${HAMAMATSU}`, 'plan.yml').ok, 'a BOM');
});

test('missing title: the line of the mapping it belongs in', () => {
  assert.deepEqual(refused(HAMAMATSU.replace('title: 浜松市DX推進計画\n', '')), ['plan.yaml 1行目: title（計画の題名）がありません']);
  const nested = `organization:\n  code: "221309"\ntitle: t\nperiod:\n  from: 2023\nlevels: [a]\ninitiative: b\n`;
  assert.deepEqual(refused(nested), [
    'plan.yaml 1行目: organization.name（自治体名）がありません',
    'plan.yaml 4行目: period.to（計画期間の最後の年度）がありません',
  ]);
});

test('period reversed, with the line of period.to, in YAML and in JSON', () => {
  const yaml = HAMAMATSU.replace('period: { from: 2023, to: 2024 }   # fiscal years, editable later', 'period:\n  from: 2025\n  to: 2024').replace(
    'firstEdition: 2024',
    '',
  );
  assert.deepEqual(refused(yaml), ['plan.yaml 5行目: period.to は period.from 以上の年度です']);
  const json =
    '{\n  "organization": { "code": "221309", "name": "浜松市" },\n  "title": "t",\n  "period": {\n    "from": 2025,\n    "to": 2024\n  },\n  "levels": ["a"],\n  "initiative": "b"\n}\n';
  assert.deepEqual(refused(json, 'plan.json'), ['plan.json 6行目: period.to は period.from 以上の年度です']);
});

test('an unknown key is refused at its own line, with the key it was probably meant to be', () => {
  const lines = refused(`${HAMAMATSU}departmentRequierd: false\n`);
  assert.equal(lines.length, 1);
  assert.match(
    lines[0]!,
    /^plan\.yaml 7行目: 知らない項目「departmentRequierd」があります（departmentRequired の書き間違いですか）。書ける項目: organization、/,
  );
  const nested = refused(HAMAMATSU.replace('period: { from: 2023, to: 2024 }', 'period: { from: 2023, to: 2024, until: 2025 }'));
  assert.match(nested[0]!, /^plan\.yaml 3行目: period に知らない項目「until」があります。書ける項目: from、to$/);
  const json = refused(
    '{\n "organization": {"code": "221309", "name": "浜松市"},\n "title": "t",\n "period": {"from": 2023, "to": 2024},\n "levels": ["a"],\n "initiativ": "b"\n}\n',
    'plan.json',
  );
  assert.deepEqual(
    json.map((l) => l.replace(/。書ける項目.*/, '')),
    ['plan.json 1行目: initiative（施策の呼び名）がありません', 'plan.json 6行目: 知らない項目「initiativ」があります（initiative の書き間違いですか）'],
  );
});

test('levels: empty, five or more, the same name twice', () => {
  assert.deepEqual(refused(HAMAMATSU.replace('levels: [取組の柱]', 'levels: []')), [
    'plan.yaml 4行目: levels には施策の上の階層の名前を1つ以上書きます（例: [取組の柱]）',
  ]);
  assert.deepEqual(refused(HAMAMATSU.replace('levels: [取組の柱]', 'levels: [基本目標, 取組分野, 取組事項, 取組, 細目]')), [
    'plan.yaml 4行目: levels に書ける階層は4つまでです（例: [基本目標, 取組分野, 取組事項]）',
  ]);
  const four = parsePlanDefinition(HAMAMATSU.replace('levels: [取組の柱]', 'levels: [基本目標, 取組分野, 取組事項, 細目]'));
  assert.ok(four.ok);
  assert.deepEqual(four.definition.levels, ['基本目標', '取組分野', '取組事項', '細目']);
  assert.deepEqual(refused(HAMAMATSU.replace('levels: [取組の柱]', 'levels:\n  - 柱\n  - 柱')), ['plan.yaml 6行目: levels に同じ名前「柱」が2回あります']);
  assert.deepEqual(refused(HAMAMATSU.replace('levels: [取組の柱]', 'levels: 取組の柱')), [
    'plan.yaml 4行目: levels は一覧（[a, b] か「- a」の並び）で書いてください（今は「取組の柱」）',
  ]);
});

test('firstEdition outside the period', () => {
  assert.deepEqual(refused(HAMAMATSU.replace('firstEdition: 2024', 'firstEdition: 2025')), [
    'plan.yaml 6行目: firstEdition（2025年度）は計画期間（2023〜2024年度）の中の年度です',
  ]);
});

test('bad organization codes: a wrong check digit, not six digits, unquoted', () => {
  assert.deepEqual(refused(HAMAMATSU.replace('"221309"', '"221308"')), [
    'plan.yaml 1行目: 全国地方公共団体コード 221308 の検査数字が違います（正しくは 221309）',
  ]);
  assert.deepEqual(refused(HAMAMATSU.replace('"221309"', '"22130"')), ['plan.yaml 1行目: organization.code は6桁の数字です（今は「22130」）']);
  assert.deepEqual(refused(HAMAMATSU.replace('"221309"', '082023')), [
    'plan.yaml 1行目: organization.code は引用符で囲んだ6桁の文字列で書いてください（例: code: "082023"。引用符がないと先頭の0が消えます）',
  ]);
});

test('every error at once, in line order; wrong types in words a person can act on', () => {
  const text = `organization: { code: "221309", name: 浜松市 }
title: "二行の\\n題名"
period: { from: "2023", to: 2024 }
levels: [a]
initiative: a
departmentRequired: yes
progress:
  rounding: round
  bands:
    - { grade: A, min: 50 }
    - { grade: B, min: 80 }
`;
  assert.deepEqual(refused(text), [
    'plan.yaml 2行目: title は1行で書いてください',
    'plan.yaml 3行目: period.from は引用符を付けずに数で書いてください（今は文字列「2023」）',
    'plan.yaml 5行目: initiative「a」が levels の名前と同じです。別の呼び名にしてください',
    'plan.yaml 6行目: departmentRequired は「true」か「false」で書いてください（今は「yes」）',
    'plan.yaml 8行目: progress.rounding は truncate か half-up です（今は「round」）',
    'plan.yaml 11行目: progress.bands は下限の高い順に並べます（2番目の B 80 が 1番目の A 50 以上です）',
  ]);
});

test('files that are not a definition: empty, a list, broken YAML, a duplicate key, a trailing comma in JSON', () => {
  assert.deepEqual(refused(''), ['plan.yaml: ファイルが空です']);
  assert.deepEqual(refused('- a\n- b\n'), [
    'plan.yaml 1行目: ファイルの中身が計画の定義ではありません（organization、title、period などの項目を「名前: 値」で書きます）',
  ]);
  assert.deepEqual(refused(`${HAMAMATSU}title: もう一つ\n`), ['plan.yaml 7行目: YAML として読めません: 同じ項目が2回書かれています']);
  assert.match(refused('title: [unclosed\nperiod: 1\n')[0]!, /^plan\.yaml \d行目: YAML として読めません: /);
  assert.deepEqual(refused('{\n "title": "t",\n}\n', 'plan.json'), ['plan.json 3行目: JSON として読めません: 最後の項目のあとに「,」があります']);
  assert.deepEqual(refused('{\n "title": "t"\n "period": 1\n}\n', 'plan.json'), ['plan.json 3行目: JSON として読めません: 「,」か閉じ括弧が足りません']);
  for (const line of [...refused('- a\n'), ...refused('{"a":1,}', 'plan.json'), ...refused(`${HAMAMATSU}x: 1\n`)])
    assert.match(line, /[\u3040-\u30ff\u4e00-\u9fff]/, `Japanese: ${line}`);
});

// ---- the plan's shape --------------------------------------------------------------------------------------------

const FULL = `organization: { code: "221309", name: 浜松市 }
title: 浜松市DX推進計画
period: { from: 2023, to: 2024 }
levels: [基本目標, 取組分野, 取組事項]
initiative: 事業
fields:                                   # what an initiative holds, in order
  - { key: overview, label: 取組の概要, type: text }
  - { key: budget,   label: 事業費（千円）, type: money }
  - { key: url,      label: 関連ページ, type: url }
  - { key: area,     label: 対象, type: select, options: [全庁, 窓口] }
indicators:
  kinds: [活動指標, 成果指標]
progress:
  method: ratio            # ratio | baseline | on-track
  curve: linear            # on-track only: linear | growth
  rounding: truncate
  decimals: 1
grades:
  scale:
    - { grade: A, label: 目標より進んでいる, min: 110 }
    - { grade: B, label: 目標どおり,       min: 90 }
    - { grade: C, label: 目標より遅れている, min: 0 }
  unrated: { grade: D, label: 評価できない }
  publish: true
schedule:
  unit: fiscal-year        # or quarter
  phases: [検討, 準備, 実施, 運用]
  milestones: true
`;

/** The settings of the full example, as stored. */
const FULL_SETTINGS: PlanSettings = {
  progress: { method: 'ratio', curve: 'linear', rounding: 'truncate', decimals: 1, cap: false, bands: DEFAULT_PLAN_SETTINGS.progress.bands },
  levels: ['基本目標', '取組分野', '取組事項'],
  initiativeName: '事業',
  departmentRequired: true,
  fields: [
    { key: 'overview', label: '取組の概要', type: 'text' },
    { key: 'budget', label: '事業費（千円）', type: 'money' },
    { key: 'url', label: '関連ページ', type: 'url' },
    { key: 'area', label: '対象', type: 'select', options: ['全庁', '窓口'] },
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

test('the plan’s shape: every new key, mapped onto the settings', () => {
  const r = parsePlanDefinition(FULL);
  assert.ok(r.ok, r.ok ? '' : formatDefinitionErrors('plan.yaml', r.errors));
  assert.deepStrictEqual(settingsOf(r.definition), FULL_SETTINGS);
  assert.equal(r.lineOf('grades.scale[1].min'), 21);
  // The defaults of the shape's own keys: published grades, no milestones; an initiative with only its title.
  const lean = parsePlanDefinition(
    FULL.replace('  publish: true\n', '')
      .replace('  milestones: true\n', '')
      .replace(/fields:[\s\S]*?indicators:/, 'fields: []\nindicators:'),
  );
  assert.ok(lean.ok, lean.ok ? '' : formatDefinitionErrors('plan.yaml', lean.errors));
  const s = settingsOf(lean.definition);
  assert.equal(s.grades?.publish, true);
  assert.equal(s.schedule?.milestones, false);
  assert.deepStrictEqual(s.fields, []);
  // Names are trimmed as everywhere else, decimals kept exact.
  const spaced = parsePlanDefinition(
    FULL.replace('label: 対象, type: select, options: [全庁, 窓口]', 'label: " 対象 ", type: select, options: [" 全庁", 窓口]').replace('min: 90', 'min: 87.5'),
  );
  assert.ok(spaced.ok);
  assert.deepEqual(settingsOf(spaced.definition).fields?.[3], { key: 'area', label: '対象', type: 'select', options: ['全庁', '窓口'] });
  assert.equal(settingsOf(spaced.definition).grades?.scale[1]?.min, '87.5');
});

test('without the new keys, the sample and the fictional town have exactly the settings they had', () => {
  const sample = parsePlanDefinition(HAMAMATSU.replace('levels: [取組の柱]', 'levels: [施策体系, 分野]').replace('initiative: 取組項目', 'initiative: 施策'));
  assert.ok(sample.ok);
  assert.deepStrictEqual(settingsOf(sample.definition), DEFAULT_PLAN_SETTINGS);
  const mihon = parsePlanDefinition(readFileSync(new URL('../../data-sample/mihon-2024/plan.yaml', import.meta.url), 'utf8'));
  assert.ok(mihon.ok);
  assert.deepStrictEqual(settingsOf(mihon.definition), { ...DEFAULT_PLAN_SETTINGS, levels: ['取組の柱'], initiativeName: '取組項目' });
  for (const r of [sample, mihon]) {
    assert.deepEqual(Object.keys(settingsOf(r.definition)).sort(), ['departmentRequired', 'initiativeName', 'levels', 'progress']);
    assert.deepEqual(Object.keys(r.definition.progress).sort(), ['bands', 'cap', 'decimals', 'rounding'], 'no method, no curve');
  }
});

test('every rule of the shape, refused at its line', () => {
  const cases: [string, string, string[]][] = [
    [
      'a key in capitals',
      FULL.replace('key: budget', 'key: Budget'),
      ['8行目: fields[1].key は英小文字で始まる32文字までの英小文字・数字・「_」で書きます（例: budget、target_year。今は「Budget」）'],
    ],
    ['a key twice', FULL.replace('key: url', 'key: budget'), ['9行目: fields に同じキー「budget」が2回あります']],
    ['a label twice', FULL.replace('label: 関連ページ', 'label: 取組の概要'), ['9行目: fields に同じ見出し「取組の概要」が2回あります']],
    [
      'a level’s name',
      FULL.replace('label: 関連ページ', 'label: 取組分野'),
      ['9行目: fields[2].label「取組分野」は階層の名前「取組分野」と同じです。別の見出しにしてください'],
    ],
    [
      'a fixed column',
      FULL.replace('label: 関連ページ', 'label: 状況'),
      ['9行目: fields[2].label「状況」は決まった列「状況」と同じです。別の見出しにしてください'],
    ],
    [
      'the title column',
      FULL.replace('label: 関連ページ', 'label: 事業名'),
      ['9行目: fields[2].label「事業名」は事業の列「事業名」と同じです。別の見出しにしてください'],
    ],
    [
      'the key column',
      FULL.replace('label: 関連ページ', 'label: 事業キー'),
      ['9行目: fields[2].label「事業キー」は事業の列「事業キー」と同じです。別の見出しにしてください'],
    ],
    [
      'a built-in section not text',
      FULL.replace('key: overview, label: 取組の概要, type: text', 'key: content, label: 取組の概要, type: money'),
      ['7行目: fields[0] のキー content は組み込みの項目（施策内容）なので、type は text だけです（今は money）'],
    ],
    [
      'a select without options',
      FULL.replace(', options: [全庁, 窓口]', ''),
      ['10行目: fields[3]（対象）は type: select なので、options に選択肢を書きます（例: options: [全庁, 窓口]）'],
    ],
    [
      'options on a url',
      FULL.replace('type: url }', 'type: url, options: [a] }'),
      ['9行目: fields[2].options は type: select の項目にだけ書けます（この項目は url）'],
    ],
    ['an option twice', FULL.replace('[全庁, 窓口]', '[全庁, 窓口, " 全庁"]'), ['10行目: fields[3].options に同じ選択肢「全庁」が2回あります']],
    ['an option twice but for width', FULL.replace('[全庁, 窓口]', '[ＡＢ, A B]'), ['10行目: fields[3].options に同じ選択肢「A B」が2回あります']],
    ['no options', FULL.replace('[全庁, 窓口]', '[]'), ['10行目: fields[3].options には1つ以上書きます']],
    [
      'an unknown type',
      FULL.replace('type: url', 'type: link'),
      ['9行目: fields[2].type は text か money か number か url か date か select か boolean です（今は「link」）'],
    ],
    [
      'a misspelt key of a field',
      FULL.replace('label: 関連ページ', 'lable: 関連ページ'),
      [
        '9行目: fields[2].label（記入項目の見出し）がありません',
        '9行目: fields[2] に知らない項目「lable」があります（label の書き間違いですか）。書ける項目: key、label、type、options',
      ],
    ],
    [
      '31 fields',
      FULL.replace(
        /fields:[\s\S]*?indicators:/,
        `fields:\n${Array.from({ length: 31 }, (_, k) => `  - { key: f${k}, label: 項目${k}, type: text }\n`).join('')}indicators:`,
      ),
      ['6行目: fields に書けるのは30個までです'],
    ],
    ['an indicator kind twice', FULL.replace('[活動指標, 成果指標]', '[活動指標, 活動指標]'), ['12行目: indicators.kinds に同じ種類「活動指標」が2回あります']],
    [
      'eleven indicator kinds',
      FULL.replace('[活動指標, 成果指標]', '[a, b, c, d, e, f, g, h, i, j, k]'),
      ['12行目: indicators.kinds に書けるのは10個までです'],
    ],
    [
      'indicators without kinds',
      FULL.replace('indicators:\n  kinds: [活動指標, 成果指標]\n', 'indicators: {}\n'),
      ['11行目: indicators.kinds（指標の種類）がありません'],
    ],
    ['an unknown method', FULL.replace('method: ratio', 'method: linear'), ['14行目: progress.method は ratio か baseline か on-track です（今は「linear」）']],
    ['an unknown curve', FULL.replace('curve: linear', 'curve: straight'), ['15行目: progress.curve は linear か growth です（今は「straight」）']],
    ['grades ascending', FULL.replace('min: 90', 'min: 120'), ['21行目: grades.scale は下限の高い順に並べます（2番目の B 120 が 1番目の A 110 以上です）']],
    ['a grade twice', FULL.replace('grade: B', 'grade: A'), ['21行目: grades.scale に同じ評価「A」が2回あります']],
    [
      'unrated on the scale',
      FULL.replace('grade: D', 'grade: C'),
      ['23行目: grades.unrated.grade「C」が grades.scale の評価と同じです。評価できないときの評価は別の記号にしてください'],
    ],
    ['no unrated', FULL.replace('  unrated: { grade: D, label: 評価できない }\n', ''), ['18行目: grades.unrated（評価できないときの評価）がありません']],
    ['a min in quotes', FULL.replace('min: 90', 'min: "90"'), ['21行目: grades.scale[1].min は引用符を付けずに数で書いてください（今は文字列「90」）']],
    ['a min above 10000', FULL.replace('min: 110', 'min: 20000'), ['20行目: grades.scale[0].min は10000以下です（今は「20000」）']],
    ['publish not a boolean', FULL.replace('publish: true', 'publish: はい'), ['24行目: grades.publish は「true」か「false」で書いてください（今は「はい」）']],
    ['a phase twice', FULL.replace('[検討, 準備, 実施, 運用]', '[検討, 準備, 検討]'), ['27行目: schedule.phases に同じ段階「検討」が2回あります']],
    [
      'thirteen phases',
      FULL.replace('[検討, 準備, 実施, 運用]', `[${Array.from({ length: 13 }, (_, k) => `p${k}`).join(', ')}]`),
      ['27行目: schedule.phases に書けるのは12個までです'],
    ],
    ['no phases', FULL.replace('[検討, 準備, 実施, 運用]', '[]'), ['27行目: schedule.phases には1つ以上書きます']],
    ['an unknown unit', FULL.replace('unit: fiscal-year', 'unit: month'), ['26行目: schedule.unit は fiscal-year か quarter です（今は「month」）']],
    [
      'a misspelt key of the schedule',
      FULL.replace('milestones: true', 'milestone: true'),
      ['28行目: schedule に知らない項目「milestone」があります（milestones の書き間違いですか）。書ける項目: unit、phases、milestones'],
    ],
    [
      'a misspelt key at the top',
      `${FULL}feilds: []\n`,
      [
        '29行目: 知らない項目「feilds」があります（fields の書き間違いですか）。書ける項目: organization、title、period、levels、initiative、firstEdition、progress、departmentRequired、fields、indicators、grades、schedule',
      ],
    ],
  ];
  for (const [name, text, expected] of cases)
    assert.deepEqual(
      refused(text),
      expected.map((e) => `plan.yaml ${e}`),
      name,
    );
});

// ---- a stored plan written back as its definition -----------------------------------------------------------------

const HITACHI = { code: '082023', name: '日立市' };
const planOf = (title: string, from: number, to: number, settings: PlanSettings): PlanInfo => ({ title, startFiscalYear: from, endFiscalYear: to, settings });

/** plan.yaml and plan.json of a plan read back: the same organization, title, period and settings. */
function assertRoundTrip(org: { code: string; name: string }, plan: PlanInfo) {
  for (const [text, filename] of [
    [definitionYaml(org, plan), 'plan.yaml'],
    [definitionJson(org, plan), 'plan.json'],
  ] as const) {
    const r = parsePlanDefinition(text, filename);
    assert.ok(r.ok, r.ok ? '' : `${formatDefinitionErrors(filename, r.errors)}\n${text}`);
    assert.deepStrictEqual(settingsOf(r.definition), plan.settings, text);
    assert.deepStrictEqual(r.definition.organization, org);
    assert.deepStrictEqual([r.definition.title, r.definition.period], [plan.title, { from: plan.startFiscalYear, to: plan.endFiscalYear }]);
    assert.equal(r.definition.firstEdition, null);
  }
}

test('the sample’s plan written back: only what is particular to it', () => {
  const plan = planOf('日立市デジタル化推進計画', 2022, 2026, DEFAULT_PLAN_SETTINGS);
  assert.deepStrictEqual(definitionOf(HITACHI, plan), {
    organization: HITACHI,
    title: '日立市デジタル化推進計画',
    period: { from: 2022, to: 2026 },
    levels: ['施策体系', '分野'],
    initiative: '施策',
  });
  assert.equal(
    definitionYaml(HITACHI, plan),
    `# 日立市「日立市デジタル化推進計画」の計画の定義（docs/plan-definition.schema.json）

organization: { code: "082023", name: 日立市 }
title: 日立市デジタル化推進計画
period: { from: 2022, to: 2026 }
levels: [ 施策体系, 分野 ]
initiative: 施策
`,
  );
  assertRoundTrip(HITACHI, plan);
  const rule = { ...DEFAULT_PLAN_SETTINGS, departmentRequired: false, progress: { ...DEFAULT_PLAN_SETTINGS.progress, decimals: 0, cap: true } };
  assert.deepStrictEqual(definitionOf(HITACHI, planOf('t', 2022, 2026, rule)).progress, { decimals: 0, cap: true });
  assert.equal(definitionOf(HITACHI, planOf('t', 2022, 2026, rule)).departmentRequired, false);
  assertRoundTrip(HITACHI, planOf('t', 2022, 2026, rule));
});

test('a plan of the full shape written back reads into the same settings', () => {
  const plan = planOf('浜松市DX推進計画', 2023, 2024, FULL_SETTINGS);
  const org = { code: '221309', name: '浜松市' };
  const written = definitionOf(org, plan);
  assert.equal(written.grades?.publish, undefined, 'published is the default');
  assert.equal(written.schedule?.milestones, true);
  assert.deepStrictEqual(written.progress, { method: 'ratio', curve: 'linear' });
  assert.match(definitionYaml(org, plan), /^ {2}- \{ key: area, label: 対象, type: select, options: \[ 全庁, 窓口 \] \}$/m);
  assertRoundTrip(org, plan);
  assertRoundTrip(org, planOf('x', 2023, 2024, { ...FULL_SETTINGS, fields: [], indicatorKinds: [], grades: { ...FULL_SETTINGS.grades!, publish: false } }));
  // definitionValue is the whole file, checked by the same rules (what db/plans.ts re-checks a changed plan with).
  assert.ok(checkPlanDefinition(definitionValue(definitionOfPlan(org, plan))).ok);
});

/** Names with what YAML and JSON treat specially: quotes, colons, brackets, comments, full-width spaces, numbers and booleans as text. */
const nameArb = (max: number) =>
  fc
    .oneof(
      fc.string({
        unit: fc.constantFrom(
          'あ',
          '漢',
          '字',
          'A',
          'z',
          '1',
          ' ',
          '　',
          ':',
          '#',
          '-',
          '"',
          "'",
          ',',
          '[',
          ']',
          '{',
          '}',
          '&',
          '*',
          '!',
          '%',
          '@',
          '`',
          '|',
          '>',
          '?',
          '\\',
          '（',
          '）',
          '・',
        ),
        minLength: 1,
        maxLength: Math.min(max, 10),
      }),
      fc.constantFrom('true', 'yes', 'null', '1.0', '082023', '- a', 'a: b', '#x', '~', '0x1F', '.inf'),
    )
    .filter((s) => /\S/.test(s));
const uniqueNames = (max: number, min: number, most: number) =>
  fc.uniqueArray(nameArb(max), { minLength: min, maxLength: most, selector: (s) => s.normalize('NFKC').replace(/\s/g, '') });
/** Distinct rates in descending order, with up to two decimals. */
const ratesArb = (n: number) =>
  fc.uniqueArray(fc.integer({ min: 0, max: 1_000_000 }), { minLength: n, maxLength: n }).map((xs) => xs.sort((a, b) => b - a).map((x) => x / 100));

const fieldArb = fc
  .record({
    key: fc.oneof(fc.stringMatching(/^[a-z][a-z0-9_]{0,31}$/), fc.constantFrom('content', 'plan')),
    label: nameArb(40),
    type: fc.constantFrom('text', 'money', 'number', 'url', 'date', 'select', 'boolean'),
    options: uniqueNames(60, 1, 5),
  })
  .map(({ key, label, type, options }) => {
    const t = key === 'content' || key === 'plan' ? 'text' : type;
    return { key, label, type: t, ...(t === 'select' ? { options } : {}) };
  });

const definitionArb: fc.Arbitrary<DefinitionInput> = fc
  .record(
    {
      title: nameArb(200),
      levels: uniqueNames(30, 1, 4),
      initiative: nameArb(30),
      departmentRequired: fc.boolean(),
      fields: fc.uniqueArray(fieldArb, { maxLength: 6, selector: (f) => f.key }),
      indicators: fc.record({ kinds: uniqueNames(30, 0, 4) }),
      progress: fc.record(
        {
          method: fc.constantFrom('ratio', 'baseline', 'on-track'),
          curve: fc.constantFrom('linear', 'growth'),
          rounding: fc.constantFrom('truncate', 'half-up'),
          decimals: fc.integer({ min: 0, max: 4 }),
          cap: fc.boolean(),
          bands: fc
            .integer({ min: 1, max: 4 })
            .chain((n) => fc.tuple(uniqueNames(8, n, n), ratesArb(n)))
            .map(([g, m]) => g.map((grade, k) => ({ grade, min: m[k]! }))),
        },
        { requiredKeys: [] },
      ),
      grades: fc
        .integer({ min: 1, max: 4 })
        .chain((n) => fc.tuple(uniqueNames(8, n + 1, n + 1), fc.array(nameArb(60), { minLength: n + 1, maxLength: n + 1 }), ratesArb(n), fc.boolean()))
        .map(([g, labels, mins, publish]) => ({
          scale: mins.map((min, k) => ({ grade: g[k]!, label: labels[k]!, min })),
          unrated: { grade: g[mins.length]!, label: labels[mins.length]! },
          publish,
        })),
      schedule: fc.record(
        { unit: fc.constantFrom('fiscal-year', 'quarter'), phases: uniqueNames(20, 1, 5), milestones: fc.boolean() },
        { requiredKeys: ['unit', 'phases'] },
      ),
    },
    { requiredKeys: ['title', 'levels', 'initiative'] },
  )
  .map((d) => ({ organization: { code: '221309', name: '浜松市' }, period: { from: 2023, to: 2026 }, ...d }) as DefinitionInput);

test('property: any accepted definition, stored and written back as plan.yaml or plan.json, reads into the same plan', () => {
  let checked = 0;
  fc.assert(
    fc.property(definitionArb, (input) => {
      const r = checkPlanDefinition(input);
      // Random names may still meet a rule (a label equal to a level name): those are refused, not written.
      fc.pre(r.ok);
      if (!r.ok) return;
      checked++;
      const plan = planOf(r.definition.title, r.definition.period.from, r.definition.period.to, settingsOf(r.definition));
      assertRoundTrip(r.definition.organization, plan);
    }),
    { numRuns: 300 },
  );
  assert.ok(checked > 200, `${checked} definitions checked`);
});

// ---- the JSON Schema agrees with the zod schema ------------------------------------------------------------------

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** The keywords docs/plan-definition.schema.json uses; the validator below knows exactly these. */
const KEYWORDS = new Set([
  '$schema',
  'title',
  'description',
  'examples',
  '$defs',
  '$ref',
  'type',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minLength',
  'maxLength',
  'pattern',
  'minimum',
  'maximum',
  'enum',
]);

/** Draft 2020-12 for those keywords: the errors of `value` against `schema` (empty when it is valid). */
function validate(schema: Json, value: Json, root: Json = schema, at = '$'): string[] {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) throw new Error(`schema at ${at} is not an object`);
  for (const k of Object.keys(schema)) if (!KEYWORDS.has(k)) throw new Error(`the schema uses ${k} at ${at}, which this check does not know`);
  const s = schema as Record<string, Json>;
  const out: string[] = [];
  if (typeof s.$ref === 'string') {
    const target = s.$ref
      .replace(/^#\//, '')
      .split('/')
      .reduce<Json>((node, part) => (node as Record<string, Json>)[part]!, root);
    out.push(...validate(target, value, root, at));
  }
  const type = s.type as string | undefined;
  const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
  const typeOk =
    type === undefined ||
    (type === 'object' && isObject) ||
    (type === 'array' && Array.isArray(value)) ||
    (type === 'string' && typeof value === 'string') ||
    (type === 'boolean' && typeof value === 'boolean') ||
    (type === 'number' && typeof value === 'number') ||
    (type === 'integer' && typeof value === 'number' && Number.isInteger(value));
  if (!typeOk) return [...out, `${at}: not ${type}`];
  if (Array.isArray(s.enum) && !s.enum.some((e) => e === value)) out.push(`${at}: not in enum`);
  if (typeof value === 'string') {
    const length = [...value].length;
    if (typeof s.minLength === 'number' && length < s.minLength) out.push(`${at}: too short`);
    if (typeof s.maxLength === 'number' && length > s.maxLength) out.push(`${at}: too long`);
    if (typeof s.pattern === 'string' && !new RegExp(s.pattern, 'u').test(value)) out.push(`${at}: pattern`);
  }
  if (typeof value === 'number') {
    if (typeof s.minimum === 'number' && value < s.minimum) out.push(`${at}: below minimum`);
    if (typeof s.maximum === 'number' && value > s.maximum) out.push(`${at}: above maximum`);
  }
  if (Array.isArray(value)) {
    if (typeof s.minItems === 'number' && value.length < s.minItems) out.push(`${at}: too few items`);
    if (typeof s.maxItems === 'number' && value.length > s.maxItems) out.push(`${at}: too many items`);
    if (s.uniqueItems === true && new Set(value.map((v) => JSON.stringify(v))).size !== value.length) out.push(`${at}: items not unique`);
    if (s.items !== undefined) value.forEach((v, k) => out.push(...validate(s.items!, v, root, `${at}[${k}]`)));
  }
  if (isObject) {
    const obj = value as Record<string, Json>;
    const props = (s.properties ?? {}) as Record<string, Json>;
    for (const r of (s.required ?? []) as string[]) if (!(r in obj)) out.push(`${at}.${r}: required`);
    for (const [k, v] of Object.entries(obj)) {
      if (k in props) out.push(...validate(props[k]!, v, root, `${at}.${k}`));
      else if (s.additionalProperties === false) out.push(`${at}.${k}: not allowed`);
    }
  }
  return out;
}

const BASE = {
  organization: { code: '221309', name: '浜松市' },
  title: '浜松市DX推進計画',
  period: { from: 2023, to: 2024 },
  levels: ['取組の柱'],
  initiative: '取組項目',
} satisfies Json;

/** The brief's example of a plan with every part of its shape. */
const SHAPE = {
  ...BASE,
  levels: ['基本目標', '取組分野', '取組事項'],
  initiative: '事業',
  fields: [
    { key: 'overview', label: '取組の概要', type: 'text' },
    { key: 'budget', label: '事業費（千円）', type: 'money' },
    { key: 'url', label: '関連ページ', type: 'url' },
    { key: 'area', label: '対象', type: 'select', options: ['全庁', '窓口'] },
  ],
  indicators: { kinds: ['活動指標', '成果指標'] },
  progress: { method: 'on-track', curve: 'linear', rounding: 'truncate', decimals: 1 },
  grades: {
    scale: [
      { grade: 'A', label: '目標より進んでいる', min: 110 },
      { grade: 'B', label: '目標どおり', min: 90 },
      { grade: 'C', label: '目標より遅れている', min: 0 },
    ],
    unrated: { grade: 'D', label: '評価できない' },
    publish: true,
  },
  schedule: { unit: 'fiscal-year', phases: ['検討', '準備', '実施', '運用'], milestones: true },
} satisfies Json;

const tweak = (f: (d: Record<string, Json>) => void): Json => {
  const d = structuredClone(BASE) as unknown as Record<string, Json>;
  f(d);
  return d;
};

/** Valid for both. */
const VALID: [string, Json][] = [
  ['the minimum', BASE],
  ['two levels', tweak((d) => (d.levels = ['施策体系', '分野']))],
  ['a first edition', tweak((d) => (d.firstEdition = 2023))],
  ['one year', tweak((d) => (d.period = { from: 2024, to: 2024 }))],
  [
    'a full progress rule',
    tweak(
      (d) =>
        (d.progress = {
          rounding: 'half-up',
          decimals: 2,
          cap: true,
          bands: [
            { grade: 'S', min: 120 },
            { grade: 'A', min: 0 },
          ],
        }),
    ),
  ],
  ['part of a progress rule', tweak((d) => (d.progress = { decimals: 0 }))],
  ['department optional', tweak((d) => (d.departmentRequired = false))],
  ['a $schema key', tweak((d) => (d.$schema = './plan-definition.schema.json'))],
  ['the schema’s own example', (SCHEMA as { examples: Json[] }).examples[0]!],
  ['the schema’s example of a full shape', (SCHEMA as { examples: Json[] }).examples[1]!],
  ['four levels', tweak((d) => (d.levels = ['a', 'b', 'c', 'd']))],
  ['the full shape', SHAPE],
  ['no fields at all', tweak((d) => (d.fields = []))],
  ['thirty fields', tweak((d) => (d.fields = Array.from({ length: 30 }, (_, k) => ({ key: `f${k}`, label: `項目${k}`, type: 'text' }))))],
  [
    'built-in sections as text',
    tweak(
      (d) =>
        (d.fields = [
          { key: 'content', label: '概要', type: 'text' },
          { key: 'plan', label: '今年度', type: 'text' },
        ]),
    ),
  ],
  ['every field type', tweak((d) => (d.fields = ['text', 'money', 'number', 'url', 'date', 'boolean'].map((type) => ({ key: type, label: type, type }))))],
  ['a key of 32 characters', tweak((d) => (d.fields = [{ key: `a${'b'.repeat(31)}`, label: 'x', type: 'text' }]))],
  ['fifty options', tweak((d) => (d.fields = [{ key: 'a', label: 'x', type: 'select', options: Array.from({ length: 50 }, (_, k) => `o${k}`) }]))],
  ['no indicator kinds', tweak((d) => (d.indicators = { kinds: [] }))],
  ['ten indicator kinds', tweak((d) => (d.indicators = { kinds: Array.from({ length: 10 }, (_, k) => `k${k}`) }))],
  ['each progress method', tweak((d) => (d.progress = { method: 'baseline' }))],
  ['a growth curve', tweak((d) => (d.progress = { method: 'on-track', curve: 'growth' }))],
  ['a curve beside ratio (unused)', tweak((d) => (d.progress = { method: 'ratio', curve: 'linear' }))],
  [
    'grades unpublished, one step',
    tweak((d) => (d.grades = { scale: [{ grade: '◎', label: '達成', min: 100 }], unrated: { grade: '－', label: '未評価' }, publish: false })),
  ],
  [
    'ten grades',
    tweak(
      (d) =>
        (d.grades = { scale: Array.from({ length: 10 }, (_, k) => ({ grade: `G${k}`, label: 'x', min: 900 - k * 100 })), unrated: { grade: 'U', label: 'x' } }),
    ),
  ],
  ['a quarterly schedule without milestones', tweak((d) => (d.schedule = { unit: 'quarter', phases: ['実施'] }))],
  ['twelve phases', tweak((d) => (d.schedule = { unit: 'fiscal-year', phases: Array.from({ length: 12 }, (_, k) => `p${k}`), milestones: false }))],
];

/** Invalid for both: every shape rule the JSON Schema states. */
const INVALID: [string, Json][] = [
  ['not an object', ['a']],
  ['no title', tweak((d) => delete d.title)],
  ['no organization', tweak((d) => delete d.organization)],
  ['no period.to', tweak((d) => (d.period = { from: 2023 }))],
  ['an unknown key', tweak((d) => (d.titel = 'x'))],
  ['an unknown key in period', tweak((d) => ((d.period as Record<string, Json>).until = 2025))],
  ['an unknown key in progress', tweak((d) => (d.progress = { round: 'truncate' }))],
  ['an unknown key in a band', tweak((d) => (d.progress = { bands: [{ grade: 'A', min: 1, max: 2 }] }))],
  ['the code a number', tweak((d) => ((d.organization as Record<string, Json>).code = 221309))],
  ['the code five digits', tweak((d) => ((d.organization as Record<string, Json>).code = '22130'))],
  ['an empty title', tweak((d) => (d.title = ''))],
  ['a blank title', tweak((d) => (d.title = '   '))],
  ['a title of two lines', tweak((d) => (d.title = 'a\nb'))],
  ['a title too long', tweak((d) => (d.title = 'あ'.repeat(201)))],
  ['a year as a string', tweak((d) => (d.period = { from: '2023', to: 2024 }))],
  ['a year not whole', tweak((d) => (d.period = { from: 2023.5, to: 2024 }))],
  ['a year before 2000', tweak((d) => (d.period = { from: 1999, to: 2024 }))],
  ['a year after 2100', tweak((d) => (d.firstEdition = 2101))],
  ['no levels', tweak((d) => (d.levels = []))],
  ['five levels', tweak((d) => (d.levels = ['a', 'b', 'c', 'd', 'e']))],
  ['a level twice', tweak((d) => (d.levels = ['a', 'a']))],
  ['a level not a string', tweak((d) => (d.levels = [1]))],
  ['levels not a list', tweak((d) => (d.levels = '取組の柱'))],
  ['an empty initiative name', tweak((d) => (d.initiative = ''))],
  ['an unknown rounding', tweak((d) => (d.progress = { rounding: 'round' }))],
  ['five decimals', tweak((d) => (d.progress = { decimals: 5 }))],
  ['cap as a string', tweak((d) => (d.progress = { cap: 'yes' }))],
  ['no bands', tweak((d) => (d.progress = { bands: [] }))],
  ['a band without min', tweak((d) => (d.progress = { bands: [{ grade: 'A' }] }))],
  ['a band min as a string', tweak((d) => (d.progress = { bands: [{ grade: 'A', min: '100' }] }))],
  ['a grade too long', tweak((d) => (d.progress = { bands: [{ grade: 'ABCDEFGHI', min: 1 }] }))],
  ['departmentRequired as a string', tweak((d) => (d.departmentRequired = 'yes'))],
  ['fields not a list', tweak((d) => (d.fields = { key: 'a' }))],
  ['31 fields', tweak((d) => (d.fields = Array.from({ length: 31 }, (_, k) => ({ key: `f${k}`, label: `項目${k}`, type: 'text' }))))],
  ['a field without a key', tweak((d) => (d.fields = [{ label: 'x', type: 'text' }]))],
  ['a field without a label', tweak((d) => (d.fields = [{ key: 'a', type: 'text' }]))],
  ['a field without a type', tweak((d) => (d.fields = [{ key: 'a', label: 'x' }]))],
  ['an unknown key in a field', tweak((d) => (d.fields = [{ key: 'a', label: 'x', type: 'text', help: 'y' }]))],
  ['a key in capitals', tweak((d) => (d.fields = [{ key: 'Budget', label: 'x', type: 'text' }]))],
  ['a key starting with a digit', tweak((d) => (d.fields = [{ key: '1a', label: 'x', type: 'text' }]))],
  ['a key with a hyphen', tweak((d) => (d.fields = [{ key: 'a-b', label: 'x', type: 'text' }]))],
  ['a key of 33 characters', tweak((d) => (d.fields = [{ key: `a${'b'.repeat(32)}`, label: 'x', type: 'text' }]))],
  ['a blank label', tweak((d) => (d.fields = [{ key: 'a', label: ' ', type: 'text' }]))],
  ['a label of two lines', tweak((d) => (d.fields = [{ key: 'a', label: 'a\nb', type: 'text' }]))],
  ['a label too long', tweak((d) => (d.fields = [{ key: 'a', label: 'あ'.repeat(41), type: 'text' }]))],
  ['an unknown field type', tweak((d) => (d.fields = [{ key: 'a', label: 'x', type: 'link' }]))],
  ['no options', tweak((d) => (d.fields = [{ key: 'a', label: 'x', type: 'select', options: [] }]))],
  ['51 options', tweak((d) => (d.fields = [{ key: 'a', label: 'x', type: 'select', options: Array.from({ length: 51 }, (_, k) => `o${k}`) }]))],
  ['an option twice', tweak((d) => (d.fields = [{ key: 'a', label: 'x', type: 'select', options: ['全庁', '全庁'] }]))],
  ['an option of two lines', tweak((d) => (d.fields = [{ key: 'a', label: 'x', type: 'select', options: ['a\nb'] }]))],
  ['indicators without kinds', tweak((d) => (d.indicators = {}))],
  ['an unknown key in indicators', tweak((d) => (d.indicators = { kinds: [], kind: [] }))],
  ['eleven indicator kinds', tweak((d) => (d.indicators = { kinds: Array.from({ length: 11 }, (_, k) => `k${k}`) }))],
  ['an indicator kind twice', tweak((d) => (d.indicators = { kinds: ['活動指標', '活動指標'] }))],
  ['an unknown method', tweak((d) => (d.progress = { method: 'linear' }))],
  ['an unknown curve', tweak((d) => (d.progress = { method: 'on-track', curve: 'straight' }))],
  ['grades without a scale', tweak((d) => (d.grades = { unrated: { grade: 'D', label: 'x' } }))],
  ['grades without unrated', tweak((d) => (d.grades = { scale: [{ grade: 'A', label: 'x', min: 0 }] }))],
  ['an empty scale', tweak((d) => (d.grades = { scale: [], unrated: { grade: 'D', label: 'x' } }))],
  [
    'eleven grades',
    tweak(
      (d) =>
        (d.grades = {
          scale: Array.from({ length: 11 }, (_, k) => ({ grade: `G${k}`, label: 'x', min: 1100 - k * 100 })),
          unrated: { grade: 'U', label: 'x' },
        }),
    ),
  ],
  ['a step without a label', tweak((d) => (d.grades = { scale: [{ grade: 'A', min: 0 }], unrated: { grade: 'D', label: 'x' } }))],
  ['a step min above 10000', tweak((d) => (d.grades = { scale: [{ grade: 'A', label: 'x', min: 10001 }], unrated: { grade: 'D', label: 'x' } }))],
  ['a step min below 0', tweak((d) => (d.grades = { scale: [{ grade: 'A', label: 'x', min: -1 }], unrated: { grade: 'D', label: 'x' } }))],
  ['a step min as a string', tweak((d) => (d.grades = { scale: [{ grade: 'A', label: 'x', min: '0' }], unrated: { grade: 'D', label: 'x' } }))],
  ['a grade of nine characters', tweak((d) => (d.grades = { scale: [{ grade: 'ABCDEFGHI', label: 'x', min: 0 }], unrated: { grade: 'D', label: 'x' } }))],
  ['an unknown key in unrated', tweak((d) => (d.grades = { scale: [{ grade: 'A', label: 'x', min: 0 }], unrated: { grade: 'D', label: 'x', min: 0 } }))],
  ['publish as a string', tweak((d) => (d.grades = { scale: [{ grade: 'A', label: 'x', min: 0 }], unrated: { grade: 'D', label: 'x' }, publish: 'yes' }))],
  ['a schedule without a unit', tweak((d) => (d.schedule = { phases: ['a'] }))],
  ['an unknown unit', tweak((d) => (d.schedule = { unit: 'month', phases: ['a'] }))],
  ['a schedule without phases', tweak((d) => (d.schedule = { unit: 'quarter', phases: [] }))],
  ['thirteen phases', tweak((d) => (d.schedule = { unit: 'quarter', phases: Array.from({ length: 13 }, (_, k) => `p${k}`) }))],
  ['a phase twice', tweak((d) => (d.schedule = { unit: 'quarter', phases: ['a', 'a'] }))],
  ['milestones as a string', tweak((d) => (d.schedule = { unit: 'quarter', phases: ['a'], milestones: 'yes' }))],
  ['an unknown key in schedule', tweak((d) => (d.schedule = { unit: 'quarter', phases: ['a'], milestone: true }))],
];

/** Rules beyond the shape: zod refuses them, the JSON Schema (which cannot say them) accepts them, and its description names each. */
const BEYOND: [string, Json, RegExp][] = [
  ['a wrong check digit', tweak((d) => ((d.organization as Record<string, Json>).code = '221308')), /check digit/],
  ['period reversed', tweak((d) => (d.period = { from: 2025, to: 2024 })), /period\.to before period\.from/],
  ['firstEdition outside', tweak((d) => (d.firstEdition = 2022)), /firstEdition outside the period/],
  ['initiative named as a level', tweak((d) => (d.initiative = '取組の柱')), /the same name twice in levels or as initiative/],
  [
    'bands ascending',
    tweak(
      (d) =>
        (d.progress = {
          bands: [
            { grade: 'B', min: 50 },
            { grade: 'A', min: 80 },
          ],
        }),
    ),
    /not in descending order of min/,
  ],
  [
    'a grade twice',
    tweak(
      (d) =>
        (d.progress = {
          bands: [
            { grade: 'A', min: 80 },
            { grade: 'A', min: 50 },
          ],
        }),
    ),
    /with a grade twice/,
  ],
  [
    'a field key twice',
    tweak(
      (d) =>
        (d.fields = [
          { key: 'a', label: 'x', type: 'text' },
          { key: 'a', label: 'y', type: 'text' },
        ]),
    ),
    /a field key twice/,
  ],
  [
    'a field label twice',
    tweak(
      (d) =>
        (d.fields = [
          { key: 'a', label: 'x', type: 'text' },
          { key: 'b', label: 'x ', type: 'text' },
        ]),
    ),
    /a field label twice/,
  ],
  ['a label of a level', tweak((d) => (d.fields = [{ key: 'a', label: '取組の柱', type: 'text' }])), /equal to a level name/],
  ['a label of the initiative', tweak((d) => (d.fields = [{ key: 'a', label: '取組項目', type: 'text' }])), /to the initiative's name, key or title heading/],
  [
    'a label of the key column',
    tweak((d) => (d.fields = [{ key: 'a', label: '取組項目キー', type: 'text' }])),
    /to the initiative's name, key or title heading/,
  ],
  ['a label 状況', tweak((d) => (d.fields = [{ key: 'a', label: '状況', type: 'text' }])), /番号\/状況\/担当課所\/備考/],
  ['a label 担当課所', tweak((d) => (d.fields = [{ key: 'a', label: '担当課所', type: 'text' }])), /番号\/状況\/担当課所\/備考/],
  ['content as money', tweak((d) => (d.fields = [{ key: 'content', label: '事業費', type: 'money' }])), /a content or plan field .* of a type other than text/],
  ['plan as a select', tweak((d) => (d.fields = [{ key: 'plan', label: '計画', type: 'select', options: ['a'] }])), /a content or plan field/],
  ['a select without options', tweak((d) => (d.fields = [{ key: 'a', label: 'x', type: 'select' }])), /a select field without options/],
  ['options on a text field', tweak((d) => (d.fields = [{ key: 'a', label: 'x', type: 'text', options: ['a'] }])), /options on another type/],
  [
    'an option twice but for width',
    tweak((d) => (d.fields = [{ key: 'a', label: 'x', type: 'select', options: ['ＡＢ', 'A B'] }])),
    /an option twice \(ignoring width and spaces\)/,
  ],
  ['an indicator kind twice but for spaces', tweak((d) => (d.indicators = { kinds: ['成果指標', '成果指標 '] })), /an indicator kind twice/],
  [
    'a grade scale ascending',
    tweak(
      (d) =>
        (d.grades = {
          scale: [
            { grade: 'B', label: 'x', min: 50 },
            { grade: 'A', label: 'y', min: 50 },
          ],
          unrated: { grade: 'D', label: 'z' },
        }),
    ),
    /a grade scale not in descending order of min/,
  ],
  [
    'a grade of the scale twice',
    tweak(
      (d) =>
        (d.grades = {
          scale: [
            { grade: 'A', label: 'x', min: 80 },
            { grade: 'A', label: 'y', min: 0 },
          ],
          unrated: { grade: 'D', label: 'z' },
        }),
    ),
    /a grade scale .* with a grade twice/,
  ],
  [
    'the unrated grade on the scale',
    tweak(
      (d) =>
        (d.grades = {
          scale: [
            { grade: 'A', label: 'x', min: 80 },
            { grade: 'D', label: 'y', min: 0 },
          ],
          unrated: { grade: 'D', label: 'z' },
        }),
    ),
    /an unrated grade equal to a grade of the scale/,
  ],
  ['a phase twice but for spaces', tweak((d) => (d.schedule = { unit: 'quarter', phases: ['検討', ' 検討'] })), /a schedule phase twice/],
];

test('the JSON Schema and the zod schema accept and refuse the same definitions', () => {
  assert.equal((SCHEMA as Record<string, Json>).$schema, 'https://json-schema.org/draft/2020-12/schema');
  for (const [name, value] of VALID) {
    assert.deepEqual(validate(SCHEMA, value), [], `JSON Schema accepts ${name}`);
    const r = checkPlanDefinition(value);
    assert.ok(r.ok, `zod accepts ${name}: ${r.ok ? '' : r.errors.map((e) => e.message).join('; ')}`);
  }
  for (const [name, value] of INVALID) {
    assert.notDeepEqual(validate(SCHEMA, value), [], `JSON Schema refuses ${name}`);
    assert.equal(checkPlanDefinition(value).ok, false, `zod refuses ${name}`);
  }
  const description = String((SCHEMA as Record<string, Json>).description);
  for (const [name, value, said] of BEYOND) {
    assert.deepEqual(validate(SCHEMA, value), [], `the JSON Schema cannot say "${name}"`);
    assert.equal(checkPlanDefinition(value).ok, false, `zod refuses ${name}`);
    assert.match(description, said, `the schema's description names the rule "${name}"`);
  }
  // Every key the schema documents is one the definition reads, and the other way round.
  const schemaKeys = Object.keys((SCHEMA as { properties: Record<string, Json> }).properties).filter((k) => k !== '$schema');
  assert.deepEqual(schemaKeys, [
    'organization',
    'title',
    'period',
    'levels',
    'initiative',
    'firstEdition',
    'progress',
    'departmentRequired',
    'fields',
    'indicators',
    'grades',
    'schedule',
  ]);
});
