// The lint rules about the plan's shape: each fires on one broken copy of a clean three-level edition,
// names its place, and none fires on the sample or on the clean edition.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sampleDocument } from '../../src/db/sample.ts';
import { editionDocument, formatFindings, lintDocument, RULES } from '../../src/domain/lint.ts';
import { lintShape, SHAPE_RULES } from '../../src/domain/lint-shape.ts';
import type { EditionData } from '../../src/domain/model.ts';
import { indicator, threeLevelEdition } from '../fixtures/three-level-edition.ts';

/** The findings of one rule on a copy of the clean edition changed by `change`. */
function fired(rule: string, change: (d: EditionData) => void) {
  const d = threeLevelEdition();
  change(d);
  const all = lintShape(d);
  const mine = all.filter((f) => f.ruleId === rule);
  assert.deepEqual(
    all.filter((f) => f.ruleId !== rule).map((f) => f.message.ja),
    [],
    'no other rule fires',
  );
  for (const f of mine) {
    assert.ok(f.message.ja && f.message.en, JSON.stringify(f));
    assert.ok(f.places?.length, 'names its place');
    assert.equal(f.line, null);
  }
  return mine;
}

test('silent on the sample and on the clean three-level edition; the sample still has its 25 findings', () => {
  const { doc } = sampleDocument();
  assert.deepEqual(lintShape(doc.data), []);
  assert.equal(lintDocument(doc).length, 25);
  assert.deepEqual(lintShape(threeLevelEdition()), []);
});

test('the shape rules are part of lint: ids, severities and titles in both languages', () => {
  for (const r of SHAPE_RULES) {
    assert.ok(RULES.includes(r), r.id);
    assert.match(r.id, /^[a-z-]+$/);
    assert.ok(['error', 'warning', 'info'].includes(r.severity));
    assert.ok(r.title.ja && r.title.en);
  }
  assert.equal(new Set(RULES.map((r) => r.id)).size, RULES.length, 'ids are unique');
  // Through lint's own entry point, as `shisaku lint` runs a stored edition.
  const d = threeLevelEdition();
  d.initiatives = d.initiatives.filter((i) => i.key !== 'e0000003');
  const findings = lintDocument(editionDocument(d, '019992-2025'));
  assert.deepEqual(
    findings.map((f) => f.ruleId),
    ['empty-group', 'empty-group', 'empty-group'],
  );
  assert.match(formatFindings(findings, 'ja', '019992-2025'), /^019992-2025: warning \[empty-group\] 基本目標「行政運営の効率化」には事業が一つもありません/);
});

test('empty-group: a group with no initiative anywhere under it, at every level', () => {
  const f = fired('empty-group', (d) => {
    d.pillars[0]!.subAreas.push({ key: 'g1b', name: '窓口サービス' }, { key: 'g1b1', name: '書かない窓口', parentKey: 'g1b' });
  });
  assert.deepEqual(
    f.map((x) => x.places![0]!.subAreaKey),
    ['g1b', 'g1b1'],
  );
  assert.match(f[0]!.message.ja, /^取組分野「暮らしの利便性向上 › 窓口サービス」には事業が一つもありません/);
  assert.match(f[1]!.message.ja, /^取組事項「暮らしの利便性向上 › 窓口サービス › 書かない窓口」/);
});

test('group-structure: a group deeper than the plan’s levels, a missing parent, an unknown group', () => {
  const f = fired('group-structure', (d) => {
    d.pillars[0]!.subAreas.push({ key: 'g1a1x', name: '子育て手続', parentKey: 'g1a1' }, { key: 'lost', name: '迷子', parentKey: 'nowhere' });
    d.initiatives[1]!.subAreaKey = 'g1a1x';
    d.initiatives.push({ ...structuredClone(d.initiatives[1]!), key: 'e0000004', number: '4', subAreaKey: 'lost' });
    d.initiatives.push({ ...structuredClone(d.initiatives[1]!), key: 'e0000005', number: '5', subAreaKey: 'gone' });
  });
  const ja = f.map((x) => x.message.ja).join('\n');
  assert.match(ja, /「子育て手続」: 第4階層になりますが、この計画の階層は3までです/);
  assert.match(ja, /「迷子」: 上位のキー「nowhere」のグループがありません/);
  assert.match(ja, /5 キャッシュレス決済の導入 のグループ（キー「gone」）は「暮らしの利便性向上」にありません/);
  assert.ok(f.some((x) => /deeper than the plan's 3 levels/.test(x.message.en)));
  assert.ok(f.every((x) => x.severity === 'error'));
});

test('level-skipped: an initiative above the level its siblings are sorted into', () => {
  const f = fired('level-skipped', (d) => {
    d.initiatives[1]!.subAreaKey = 'g1a'; // beside オンライン申請の拡充, which holds 1
  });
  assert.equal(f.length, 1);
  assert.deepEqual(f[0]!.refs, ['e0000002']);
  assert.match(
    f[0]!.message.ja,
    /2 キャッシュレス決済の導入 は取組分野「暮らしの利便性向上 › 行政手続のデジタル化」の直下にありますが.*取組事項（「オンライン申請の拡充」）/,
  );
  // Directly under the pillar while the pillar's others are in its groups.
  const g = fired('level-skipped', (d) => {
    d.initiatives[2]!.subAreaKey = null;
    d.initiatives.push({ ...structuredClone(d.initiatives[2]!), key: 'e0000006', number: '6', subAreaKey: 'g2a1', grade: undefined });
  });
  assert.deepEqual(
    g.map((x) => x.refs[0]),
    ['e0000003'],
  );
});

test('indicator-no-target: numeric without any target, qualitative without its text', () => {
  const f = fired('indicator-no-target', (d) => {
    d.initiatives[1]!.indicators = [
      indicator({ key: 'n', name: '利用件数', values: [{ fiscalYear: 2025, target: null, actual: '5', achieved: null }] }),
      indicator({ key: 'q', name: '方針', qualitative: '  ' }),
      indicator({ key: 'ok', name: '年度目標あり', values: [{ fiscalYear: 2025, target: '10', actual: null, achieved: null }] }),
    ];
  });
  assert.deepEqual(
    f.map((x) => x.places![0]!.indicatorKey),
    ['n', 'q'],
  );
  assert.match(f[0]!.message.ja, /指標「利用件数」には目標値がありません/);
  assert.match(f[1]!.message.ja, /定性の目標ですが、目標の文章がありません/);
});

test('indicator-target-kind: a per-year target in a cumulative unit, and the other way round', () => {
  const target = { fiscalYear: 2026, value: '100' };
  const f = fired('indicator-target-kind', (d) => {
    d.initiatives[1]!.indicators = [
      indicator({ key: 'a', name: '参加者', unit: '人（累計）', perYear: true, target }),
      indicator({ key: 'b', name: '累計参加者数', unit: '人', perYear: true, target }),
      indicator({ key: 'c', name: '相談件数', unit: '件/年', cumulative: true, target }),
      indicator({ key: 'd', name: '講座', unit: '回', cumulative: true, target: { fiscalYear: 2026, value: '5' }, kind: '成果指標' }),
      indicator({ key: 'e', name: '利用', unit: '年間件数', cumulative: true, target }),
      indicator({ key: 'f', name: '両方', unit: '件', cumulative: true, perYear: true, target }),
      indicator({ key: 'g', name: '申請', unit: '件／年', perYear: true, target }),
    ];
  });
  assert.deepEqual(
    f.map((x) => x.places![0]!.indicatorKey),
    ['a', 'b', 'c', 'e', 'f', 'g'],
  );
  assert.match(f[0]!.message.ja, /年間（1年あたり）の目標ですが、単位「人（累計）」は累計と書いています/);
  assert.match(f[1]!.message.ja, /指標名は累計と書いています/);
  assert.match(f[2]!.message.ja, /累計の目標ですが、単位「件\/年」は1年あたりと書いています/);
  assert.match(f[4]!.message.ja, /両方になっています/);
  assert.match(f[5]!.message.ja, /…\/年\/年/);
});

test('indicator-kind: a kind the plan does not have', () => {
  const f = fired('indicator-kind', (d) => {
    d.initiatives[0]!.indicators![0]!.kind = '投入指標';
  });
  assert.equal(f.length, 1);
  assert.match(f[0]!.message.ja, /種類「投入指標」は、この計画の指標の種類（活動指標、成果指標）にありません/);
});

test('grade-contradiction: a grade by hand the progress does not earn', () => {
  const f = fired('grade-contradiction', (d) => {
    d.initiatives[0]!.grade = { grade: 'A', reason: '住民の評判がよい', by: null };
  });
  assert.equal(f.length, 1);
  assert.match(
    f[0]!.message.ja,
    /^1 電子申請サービスの導入 の評価は手動で A になっていますが、指標の進捗率 80\.0% からは C です。評価の理由を確かめてください（理由: 住民の評判がよい）/,
  );
  assert.match(f[0]!.message.en, /graded A by hand, but its indicators' progress of 80\.0% earns C/);
});

test('grade-unknown: a grade by hand that is not on the scale', () => {
  const f = fired('grade-unknown', (d) => {
    d.initiatives[1]!.grade = { grade: 'S', reason: '特に優れている', by: null };
  });
  assert.equal(f.length, 1);
  assert.match(f[0]!.message.ja, /評価「S」はこの計画の評価の段階（A、B、C、D）にありません/);
});

test('field-option, field-value, field-unknown: section values the definition refuses', () => {
  const o = fired('field-option', (d) => {
    d.initiatives[0]!.fields = { ...d.initiatives[0]!.fields, audience: '市民' };
    d.initiatives[1]!.fields = { audience: '事業者 ' };
  });
  assert.deepEqual(
    o.map((x) => x.refs[0]),
    ['e0000001', 'e0000002'],
  );
  assert.match(o[0]!.message.ja, /「対象」の値「市民」は選択肢（村民、事業者、職員）にありません/);
  assert.equal(o[0]!.places![0]!.fieldKey, 'audience');
  const v = fired('field-value', (d) => {
    d.initiatives[0]!.fields = { ...d.initiatives[0]!.fields, budget: '約1万' };
  });
  assert.equal(v.length, 1);
  assert.match(v[0]!.message.ja, /事業費（千円）は数値で書きます「約1万」/);
  const u = fired('field-unknown', (d) => {
    d.initiatives[0]!.fields = { ...d.initiatives[0]!.fields, memo: '旧項目の値' };
  });
  assert.equal(u.length, 1);
  assert.match(u[0]!.message.ja, /この計画の記入項目にない「memo」の値があります/);
});
