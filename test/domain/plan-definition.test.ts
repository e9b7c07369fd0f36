// The plan definition file (plan.yaml / plan.json): what it accepts, the line-precise Japanese messages for
// what it refuses, and that the JSON Schema in docs/ accepts and refuses the same files as the zod schema
// (checked with a small validator of exactly the schema keywords the file uses, so a keyword added to the
// schema without being understood here fails the test).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { checkPlanDefinition, formatDefinitionErrors, formatOf, parsePlanDefinition, settingsOf } from '../../src/domain/plan-definition.ts';
import { DEFAULT_PLAN_SETTINGS } from '../../src/domain/model.ts';

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

test('levels: empty, three or more, the same name twice', () => {
  assert.deepEqual(refused(HAMAMATSU.replace('levels: [取組の柱]', 'levels: []')), [
    'plan.yaml 4行目: levels には施策の上の階層の名前を1つ以上書きます（例: [取組の柱]）',
  ]);
  assert.deepEqual(refused(HAMAMATSU.replace('levels: [取組の柱]', 'levels: [基本目標, 取組分野, 取組事項]')), [
    'plan.yaml 4行目: levels に書ける階層は2つまでです（例: [施策体系, 分野]）',
  ]);
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
  ['three levels', tweak((d) => (d.levels = ['a', 'b', 'c']))],
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
  assert.deepEqual(schemaKeys, ['organization', 'title', 'period', 'levels', 'initiative', 'firstEdition', 'progress', 'departmentRequired']);
});
