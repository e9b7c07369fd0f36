// `import json` takes back what `export json` writes: the reader (src/import/edition-json.ts) rebuilds the
// edition from the document, computed tables ignored, and refuses a bad one with Japanese messages naming
// the JSON path; the command (src/cli/import-json.ts) stores it as plan-text import does, with the same
// replace safety. The round trip — export json → import json into an empty database → export json — is
// byte-identical for the sample, the sample town and the three examples of other shapes, on both backends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import type { Database, Db } from '../../src/db/client.ts';
import { loadEdition, loadEditionSource } from '../../src/db/repository.ts';
import { loadSample, SAMPLE } from '../../src/db/sample.ts';
import { loadSampleTown, SAMPLE_TOWN } from '../../src/db/sample-town.ts';
import { EXAMPLE_PLANS, loadExamplePlans } from '../../src/db/example-plans.ts';
import { definitionOf } from '../../src/domain/definition-yaml.ts';
import type { EditionData, Status } from '../../src/domain/model.ts';
import { withEditionLinks } from '../../src/domain/structure.ts';
import { EXPORT_FORMAT_VERSION, editionToJson } from '../../src/export/json.ts';
import { decodeEditionJson, MAX_EDITION_JSON_BYTES, parseEditionJson, planConflicts } from '../../src/import/edition-json.ts';
import { importJsonCommand } from '../../src/cli/import-json.ts';
import { backends } from '../helpers/db.ts';
import { smallEdition } from '../fixtures/small-edition.ts';
import { threeLevelEdition } from '../fixtures/three-level-edition.ts';

/** What `shisaku export json` prints (src/cli/main.ts). */
const exportText = (data: EditionData) => `${JSON.stringify(editionToJson(withEditionLinks(data)), null, 2)}\n`;

async function exported(db: Db, code: string, fy: number): Promise<string> {
  const data = await loadEdition(db, code, fy);
  assert.ok(data, `${code}/${fy} is stored`);
  return exportText(data);
}

/** The command run in this process with its standard error captured. */
async function run(argv: string[], database: Database): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  try {
    return { code: await importJsonCommand(argv, database), stderr };
  } catch (e) {
    // What main prints for a refusal thrown by the command.
    return { code: 1, stderr: `${stderr}${(e as Error).message}` };
  } finally {
    process.stderr.write = write;
  }
}

function parsed(text: string) {
  const r = parseEditionJson(text);
  if (!r.ok) assert.fail(r.errors.map((e) => e.message).join('\n'));
  return r;
}

function errorsOf(doc: unknown): string[] {
  const r = parseEditionJson(typeof doc === 'string' ? doc : JSON.stringify(doc));
  assert.equal(r.ok, false, 'refused');
  return r.ok ? [] : r.errors.map((e) => e.message);
}

/** A document as a person edits it by hand: any key, any value. */
// biome-ignore lint/suspicious/noExplicitAny: the tests change documents at any depth, as an editor would
type Loose = any;

const doc = (): Loose => JSON.parse(exportText(smallEdition()));

// ---- the reader -------------------------------------------------------------------------------------------

test('an exported edition reads back to the same export, the computed tables ignored', () => {
  const r = parsed(exportText(smallEdition()));
  assert.equal(r.formatVersion, EXPORT_FORMAT_VERSION);
  assert.equal(exportText(r.data), exportText(smallEdition()));
  // A computed table that was edited by hand is recomputed, not read.
  const edited = doc();
  edited.summaryTable.total = 999;
  edited.kpis[0].progressRate = '1.0';
  edited.initiatives[0].statusLabel = 'でたらめ';
  assert.equal(exportText(parsed(JSON.stringify(edited)).data), exportText(smallEdition()));
});

test('the plan definition, lead, pillar taglines and KPI baselines are read where the document has them', () => {
  const data = threeLevelEdition();
  data.edition.lead = '本市では…';
  data.pillars[0]!.tagline = '便利になったね。';
  data.kpis = [{ ...smallEdition().kpis[0]!, pillarKey: 'g1', baseline: '30', direction: 'lower' }];
  const j = editionToJson(data) as Loose;
  j.plan.definition = definitionOf(data.organization, data.plan);
  j.edition.lead = data.edition.lead;
  j.pillars[0].tagline = data.pillars[0]!.tagline;
  j.kpis[0].baseline = '30';
  const r = parsed(JSON.stringify(j));
  assert.deepEqual(r.data.plan.settings, data.plan.settings);
  assert.equal(r.data.edition.lead, '本市では…');
  assert.equal(r.data.pillars[0]!.tagline, '便利になったね。');
  assert.equal(r.data.kpis[0]!.baseline, '30');
  // Every part of the shape, the grade set by hand included, comes back as it was.
  assert.deepEqual(r.data.initiatives, data.initiatives);
  assert.deepEqual(planConflicts(r.data), []);
  assert.deepEqual(editionToJson(r.data), editionToJson(data));
});

test('a document without a definition gets the default shape with its own progress rule', () => {
  const j = doc();
  delete j.plan.definition;
  j.plan.progressRule = { ...j.plan.progressRule, rounding: 'half-up', decimals: 2 };
  const r = parsed(JSON.stringify(j));
  assert.equal(r.definition, null);
  assert.deepEqual(r.data.plan.settings.levels, ['施策体系', '分野']);
  assert.equal(r.data.plan.settings.progress.rounding, 'half-up');
  assert.equal(r.data.plan.settings.progress.decimals, 2);
});

test('bad documents are refused with the JSON path, the initiative named, in Japanese', () => {
  const syntax = errorsOf('{\n  "formatVersion": 1,\n  "organization": { "code": "082023" "name": "日立市" }\n}');
  assert.match(syntax[0]!, /JSON として読めません: 3行目 \d+文字目/);
  assert.match(errorsOf(exportText(smallEdition()).slice(0, 500))[0]!, /途中で切れています/);
  assert.match(errorsOf('[1, 2]')[0]!, /formatVersion がありません/);
  assert.match(errorsOf({ ...doc(), formatVersion: EXPORT_FORMAT_VERSION + 1 })[0]!, /形式 \d+ で書かれています。この shisaku が読めるのは形式 \d+ まで/);
  assert.match(errorsOf({ ...doc(), formatVersion: '1' })[0]!, /formatVersion は 1 以上の整数/);

  const bad = doc();
  bad.initiatives[2].status = 'done';
  bad.initiatives[2].results[0].actual = '73,6';
  bad.initiatives[0].titel = 'typo';
  delete bad.initiatives[1].title;
  bad.kpis[0].target = 23;
  bad.extra = true;
  const messages = errorsOf(bad);
  const has = (re: RegExp) =>
    assert.ok(
      messages.some((m) => re.test(m)),
      `${re} in\n${messages.join('\n')}`,
    );
  has(/^initiatives\[2\]（08 マイナンバーカードの普及啓発）\.status: completed、in_progress、new、suspended、not_started のどれかです（今は「done」）/);
  has(/^initiatives\[2\]（08 マイナンバーカードの普及啓発）\.results\[0\]\.actual: 数を "11\.2" や "-3" の形の文字列で書きます.*73,6/);
  has(/^initiatives\[0\]（01 日立市デジタル化推進本部の開催）\.titel: 知らない項目「titel」があります/);
  has(/^initiatives\[1\]（新）\.title: 項目（名称）がありません/);
  has(/^kpis\[0\]（コンビニ等での各種証明書交付率）\.target: 目標値は引用符で囲んだ文字列で書きます/);
  has(/^extra: 知らない項目「extra」があります/);
});

test('references and keys are checked: every initiative in a pillar the document has, every key once', () => {
  const j = doc();
  j.initiatives[1].key = j.initiatives[0].key;
  j.initiatives[0].pillarKey = 'p9';
  j.initiatives[2].subAreaKey = 'p1-s9';
  j.pillars[1].subAreas.push({ key: 'p2-s2', name: '下の分野', parentKey: 'p2-s3' });
  j.organization.code = '082024';
  j.edition.fiscalYear = 2030;
  const messages = errorsOf(j);
  const has = (re: RegExp) =>
    assert.ok(
      messages.some((m) => re.test(m)),
      `${re} in\n${messages.join('\n')}`,
    );
  has(/initiatives\[1\]（新 デジタル外部人材の活用）\.key: 施策キー「aaaa0001」が initiatives\[0\] と重なっています/);
  has(/initiatives\[0\].*\.pillarKey: 施策体系「p9」が pillars にありません/);
  has(/initiatives\[2\].*\.subAreaKey: 分野「p1-s9」が施策体系「p2」の subAreas にありません/);
  has(/pillars\[1\]（デジタル環境整備）\.subAreas\[1\]\.parentKey: 上の階層「p2-s3」がこの施策体系の分野にありません/);
  has(/organization\.code: 全国地方公共団体コード 082024 の検査数字が違います/);
  has(/edition\.fiscalYear: 版の年度 2030 が計画期間（2022〜2026年度）の外です/);
});

test('a definition in the document is checked by its own rules and must agree with the document', () => {
  const data = threeLevelEdition();
  const j = editionToJson(data) as Loose;
  j.plan.definition = { ...definitionOf(data.organization, data.plan), levels: [] };
  assert.match(errorsOf(j)[0]!, /^plan\.definition\.levels: levels には/);
  j.plan.definition = { ...definitionOf(data.organization, data.plan), title: '別の計画' };
  assert.match(errorsOf(j)[0]!, /^plan\.definition\.title: 計画の題名が JSON の他の部分と違います（「別の計画」と「ひながた市DX推進計画」）/);
});

test('what the plan does not hold is refused against the plan the edition lands in', () => {
  const data = threeLevelEdition();
  const r = parsed(JSON.stringify({ ...editionToJson(data), plan: { ...editionToJson(data).plan, definition: definitionOf(data.organization, data.plan) } }));
  // The same edition landing in a plan of the sample's shape: two levels, no sections, kinds, grades or schedule.
  const plain = { ...r.data, plan: { ...r.data.plan, settings: smallEdition().plan.settings } };
  const messages = planConflicts(plain).map((e) => e.message);
  const has = (re: RegExp) =>
    assert.ok(
      messages.some((m) => re.test(m)),
      `${re} in\n${messages.join('\n')}`,
    );
  has(/subAreas\[1\]: 分野「オンライン申請の拡充」は3階層目以下ですが、計画の階層は2つ（施策体系・分野）です/);
  has(/indicators\[0\]\.kind: この計画には指標の種類がありません/);
  has(/grade: この計画には評価がありません/);
  has(/schedule\[0\]: この計画にはスケジュールがありません/);
  const noDepartment = structuredClone(r.data);
  noDepartment.initiatives[0]!.departments = [];
  noDepartment.initiatives[0]!.fields = { budget: '1,200' };
  const more = planConflicts(noDepartment).map((e) => e.message);
  assert.ok(more.some((m) => /\.departments: 担当課所がありません/.test(m)));
  assert.ok(more.some((m) => /\.fields\.budget: 事業費（千円）の値「1,200」は保存の形（1200）で書きます/.test(m)));
});

test('the bytes: UTF-8 with or without a BOM, nothing else, within the limit', () => {
  const text = exportText(smallEdition());
  const bom = decodeEditionJson(new Uint8Array([0xef, 0xbb, 0xbf, ...Buffer.from(text)]));
  assert.ok(bom.ok && bom.text === text);
  const cut = Buffer.from(text.replace('"日立市"', '"日'), 'utf8');
  const r = decodeEditionJson(cut.subarray(0, cut.indexOf(Buffer.from('日', 'utf8')) + 2));
  assert.ok(!r.ok && /途中で切れています/.test(r.errors[0]!.message));
  const sjis = decodeEditionJson(new Uint8Array([0x7b, 0x93, 0xfa, 0x97, 0xa7, 0x7d]));
  assert.ok(!sjis.ok && /UTF-8 ではない/.test(sjis.errors[0]!.message));
  assert.ok(!decodeEditionJson(new Uint8Array()).ok);
  const big = decodeEditionJson(new Uint8Array(MAX_EDITION_JSON_BYTES + 1));
  assert.ok(!big.ok && /大きすぎます/.test(big.errors[0]!.message));
});

test('property: any small edition reads back to the same export', () => {
  const decimalText = fc
    .tuple(fc.boolean(), fc.integer({ min: 0, max: 10_000_000 }), fc.option(fc.integer({ min: 1, max: 999 }), { nil: null }))
    .map(([neg, n, frac]) => `${neg && n > 0 ? '-' : ''}${n}${frac === null ? '' : `.${frac}`}`);
  const someText = fc.string({ unit: fc.constantFrom('あ', '漢', 'a', '"', '\\', '\n', '\r', '\t', '\u2028', '😀', ' '), maxLength: 12 });
  const status = fc.constantFrom<Status>('completed', 'in_progress', 'new', 'suspended', 'not_started');
  fc.assert(
    fc.property(
      fc.array(fc.record({ status, content: someText, actual: fc.option(decimalText, { nil: null }), note: fc.option(someText, { nil: null }) }), {
        minLength: 3,
        maxLength: 3,
      }),
      fc.dictionary(fc.integer({ min: 2022, max: 2026 }).map(String), decimalText),
      (changes, actuals) => {
        const data = smallEdition();
        data.initiatives.forEach((i, k) => {
          const c = changes[k]!;
          Object.assign(i, { status: c.status, content: c.content });
          if (i.results[0]) Object.assign(i.results[0], { actual: c.actual, note: c.note });
        });
        data.kpis[0]!.actuals = actuals;
        const text = exportText(data);
        const r = parseEditionJson(text);
        return r.ok && exportText(r.data) === text;
      },
    ),
    { numRuns: 200 },
  );
});

// ---- the command and the round trip through a database ---------------------------------------------------------

/** The server's database opens in a fraction of the time PGlite takes: the source and the command's tests use it. */
const server = backends.find((b) => b.name === 'postgres')!;

/** The five editions the product ships, entered once into a source database as `npm start` enters them. */
let shipped: Promise<{ code: string; fy: number; text: string }[]> | null = null;
function shippedExports() {
  shipped ??= (async () => {
    const source = await server.open();
    try {
      await loadSample(source.db);
      await loadSampleTown(source.db);
      await loadExamplePlans(source.db);
      const editions: [string, number][] = [
        [SAMPLE.organization.code, SAMPLE.fiscalYear],
        [SAMPLE_TOWN.code, SAMPLE_TOWN.fiscalYear],
        ...EXAMPLE_PLANS.map((p): [string, number] => [p.code, p.fiscalYear]),
      ];
      const out = [];
      for (const [code, fy] of editions) out.push({ code, fy, text: await exported(source.db, code, fy) });
      return out;
    } finally {
      await source.close();
    }
  })();
  return shipped;
}

for (const backend of backends) {
  test(`${backend.name}: export json → import json into an empty database → export json is byte-identical`, async () => {
    const files = await shippedExports();
    const dir = mkdtempSync(join(tmpdir(), 'shisaku-import-json-'));
    const target = await backend.open();
    try {
      for (const { code, fy, text } of files) {
        const file = join(dir, `${code}-${fy}.json`);
        writeFileSync(file, text);
        const r = await run([file, '--org', code], target);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(await exported(target.db, code, fy), text, `${code}/${fy} round trip`);
        const source = await loadEditionSource(target.db, code, fy);
        assert.equal(source?.format, 'json');
        assert.equal(source?.content, text);
      }
    } finally {
      await target.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('the command: the organization and year named, a second import refused, a replace that removes needs --allow-remove', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'shisaku-import-json-'));
  const database = await server.open();
  try {
    const [sample] = await shippedExports();
    const file = join(dir, 'sample.json');
    writeFileSync(file, sample!.text);

    const other = await run([file, '--org', '229997'], database);
    assert.equal(other.code, 1);
    assert.match(other.stderr, /sample\.json は 日立市（082023）の版です。--org 229997 には取り込めません/);
    const year = await run([file, '--org', '082023', '--year', '2024'], database);
    assert.match(year.stderr, /2023年度の版です（--year 2024 と違います）/);
    const dry = await run([file, '--org', '082023', '--dry-run'], database);
    assert.equal(dry.code, 0);
    assert.match(dry.stderr, /新しい版として取り込まれます: 施策 102 件、施策体系 5 件/);
    assert.equal(await loadEdition(database.db, '082023', 2023), null, '--dry-run writes nothing');

    assert.equal((await run([file, '--org', '082023', '--year', '2023'], database)).code, 0);
    assert.match((await run([file, '--org', '082023'], database)).stderr, /既に登録されています。置き換えるには --replace/);

    // A copy with the last pillar gone and one title changed.
    const half = JSON.parse(sample!.text);
    const lastPillar = half.pillars.pop().key;
    half.initiatives = half.initiatives.filter((i: { pillarKey: string }) => i.pillarKey !== lastPillar);
    half.initiatives[0].title = '題名を直した施策';
    const halfFile = join(dir, 'half.json');
    writeFileSync(halfFile, JSON.stringify(half));
    const removed = 102 - half.initiatives.length;

    const listed = await run([halfFile, '--org', '082023', '--replace', '--dry-run'], database);
    assert.equal(listed.code, 0);
    assert.match(listed.stderr, new RegExp(`削除される施策 ${removed} 件`));
    assert.match(listed.stderr, /削除される施策体系 1 件/);
    assert.match(listed.stderr, /内容が変わる施策 1 件/);
    const refused = await run([halfFile, '--org', '082023', '--replace'], database);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, new RegExp(`施策 ${removed} 件と施策体系 1 件が削除されます.*--allow-remove`));
    assert.equal((await loadEdition(database.db, '082023', 2023))!.initiatives.length, 102);

    const replaced = await run([halfFile, '--org', '082023', '--replace', '--allow-remove'], database);
    assert.equal(replaced.code, 0, replaced.stderr);
    assert.match(replaced.stderr, /置き換えました/);
    const now = (await loadEdition(database.db, '082023', 2023))!;
    assert.equal(now.initiatives.length, half.initiatives.length);
    assert.equal(now.initiatives[0]!.title, '題名を直した施策');
    assert.equal((await loadEditionSource(database.db, '082023', 2023))!.filename, 'half.json');

    const broken = join(dir, 'broken.json');
    writeFileSync(broken, sample!.text.replace('"status": "in_progress"', '"status": "doing"'));
    const bad = await run([broken, '--org', '082023', '--replace'], database);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /broken\.json を取り込めません（1 件）/);
    assert.match(bad.stderr, /initiatives\[\d+\]（\d+ [^）]+）\.status: .*のどれかです（今は「doing」）/);
  } finally {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
