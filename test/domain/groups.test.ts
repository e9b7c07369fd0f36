// The group tree of 1 to 4 levels, the level and path of a group, the initiatives under it, and what is
// wrong with stored groups (a missing parent, a parent in another pillar, a cycle, too deep).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  flattenGroups,
  groupIssues,
  groupLevels,
  groupPath,
  groupTree,
  initiativesUnder,
  levelName,
  subAreaLevel,
  type GroupNode,
} from '../../src/domain/groups.ts';
import type { Initiative, Pillar, SubArea } from '../../src/domain/model.ts';

function pillar(key: string, name: string, subAreas: SubArea[] = []): Pillar {
  return { key, name, tagline: null, subAreas };
}

function sub(key: string, name: string, parentKey?: string): SubArea {
  return parentKey === undefined ? { key, name } : { key, name, parentKey };
}

function initiative(key: string, pillarKey: string, subAreaKey: string | null): Initiative {
  return {
    key,
    number: null,
    title: key,
    pillarKey,
    subAreaKey,
    departments: [],
    status: 'in_progress',
    content: '',
    plan: '',
    planTargets: [],
    resultsFiscalYear: null,
    results: [],
    resultsText: '',
  };
}

/** A tree as "key@level<parent" lines, indented by level, so a whole tree compares in one assertion. */
function outline(nodes: GroupNode[]): string[] {
  return flattenGroups(nodes).map((n) => `${'  '.repeat(n.level - 1)}${n.key}@${n.level}<${n.parentKey ?? '-'}`);
}

test('one level: pillars only', () => {
  const pillars = [pillar('p1', '行政のデジタル化'), pillar('p2', '地域のデジタル化')];
  assert.deepEqual(outline(groupTree(pillars)), ['p1@1<-', 'p2@1<-']);
  assert.equal(groupTree(pillars)[0]!.pillarKey, 'p1');
  const data = { pillars, initiatives: [initiative('a', 'p1', null), initiative('b', 'p2', null), initiative('c', 'p1', null)] };
  assert.deepEqual(
    initiativesUnder(data, { key: 'p1', level: 1, pillarKey: 'p1' }).map((i) => i.key),
    ['a', 'c'],
  );
  assert.deepEqual(groupIssues(pillars, 1), []);
  assert.deepEqual(groupPath(pillars, 'p2', null), [{ key: 'p2', name: '地域のデジタル化', level: 1 }]);
});

test('two levels, the sample: initiatives directly under a pillar and in its optional 分野', () => {
  const pillars = [pillar('p1', 'デジタル環境整備', [sub('s1', '○マイナンバーカードの普及促進'), sub('s2', '○窓口のデジタル化')])];
  assert.deepEqual(outline(groupTree(pillars)), ['p1@1<-', '  s1@2<p1', '  s2@2<p1']);
  const data = {
    pillars,
    initiatives: [initiative('a', 'p1', null), initiative('b', 'p1', 's1'), initiative('c', 'p1', 's2'), initiative('d', 'p1', 's1')],
  };
  // the pillar holds all four, those directly under it too
  assert.deepEqual(
    initiativesUnder(data, { key: 'p1', level: 1, pillarKey: 'p1' }).map((i) => i.key),
    ['a', 'b', 'c', 'd'],
  );
  assert.deepEqual(
    initiativesUnder(data, { key: 's1', level: 2, pillarKey: 'p1' }).map((i) => i.key),
    ['b', 'd'],
  );
  assert.equal(subAreaLevel(pillars[0]!, 's2'), 2);
  assert.deepEqual(groupIssues(pillars, 2), []);
  assert.deepEqual(groupPath(pillars, 'p1', 's1'), [
    { key: 'p1', name: 'デジタル環境整備', level: 1 },
    { key: 's1', name: '○マイナンバーカードの普及促進', level: 2 },
  ]);
  assert.deepEqual(groupPath(pillars, 'nope', 's1'), []);
  // an unknown group: the pillar alone
  assert.deepEqual(
    groupPath(pillars, 'p1', 'gone').map((g) => g.key),
    ['p1'],
  );
});

test('three and four levels, children in stored order whatever order parents are stored in', () => {
  // stored with a child before its parent: the flat list has no order rule
  const p = pillar('p', '柱1', [
    sub('c1', '小分類1', 'm1'),
    sub('m1', '中分類1'),
    sub('m2', '中分類2'),
    sub('c2', '小分類2', 'm1'),
    sub('d1', '細分類1', 'c2'),
  ]);
  assert.deepEqual(outline(groupTree([p])), ['p@1<-', '  m1@2<p', '    c1@3<m1', '    c2@3<m1', '      d1@4<c2', '  m2@2<p']);
  assert.equal(subAreaLevel(p, 'm2'), 2);
  assert.equal(subAreaLevel(p, 'c1'), 3);
  assert.equal(subAreaLevel(p, 'd1'), 4);
  assert.deepEqual(Object.fromEntries(groupLevels(p)), { c1: 3, m1: 2, m2: 2, c2: 3, d1: 4 });
  assert.deepEqual(
    groupPath([p], 'p', 'd1').map((g) => `${g.name}@${g.level}`),
    ['柱1@1', '中分類1@2', '小分類2@3', '細分類1@4'],
  );
  const data = {
    pillars: [p],
    initiatives: [initiative('x', 'p', 'd1'), initiative('y', 'p', 'c1'), initiative('z', 'p', 'm2'), initiative('w', 'p', 'm1'), initiative('v', 'p', null)],
  };
  assert.deepEqual(
    initiativesUnder(data, { key: 'm1', level: 2, pillarKey: 'p' }).map((i) => i.key),
    ['x', 'y', 'w'],
  );
  assert.deepEqual(
    initiativesUnder(data, { key: 'c2', level: 3, pillarKey: 'p' }).map((i) => i.key),
    ['x'],
  );
  assert.deepEqual(
    initiativesUnder(data, { key: '', level: 0, pillarKey: '' }).map((i) => i.key),
    ['x', 'y', 'z', 'w', 'v'],
  );
  assert.deepEqual(groupIssues([p], 4), []);
  // the same groups in a plan of three levels: 細分類1 is one too deep
  assert.deepEqual(groupIssues([p], 3), [
    { pillarKey: 'p', subAreaKey: 'd1', message: '「柱1」の「細分類1」: 第4階層になりますが、この計画の階層は3までです' },
  ]);
});

test('a missing parent, a parent in another pillar, a duplicate key: reported, and the tree still renders', () => {
  const p1 = pillar('p1', '柱1', [sub('a', '分野A'), sub('b', '分野B', 'zz'), sub('c', '分野C', 'x'), sub('a', '分野A（重複）')]);
  const p2 = pillar('p2', '柱2', [sub('x', '分野X')]);
  assert.deepEqual(groupIssues([p1, p2], 4), [
    { pillarKey: 'p1', subAreaKey: 'a', message: '「柱1」の「分野A（重複）」: キー「a」が同じ「柱1」の中で重複しています' },
    { pillarKey: 'p1', subAreaKey: 'b', message: '「柱1」の「分野B」: 上位のキー「zz」のグループがありません' },
    {
      pillarKey: 'p1',
      subAreaKey: 'c',
      message: '「柱1」の「分野C」: 上位のグループ「分野X」は別の「柱2」にあります（上位は同じ第1階層の中のグループです）',
    },
  ]);
  // shown directly under the pillar; the duplicate is left out
  assert.deepEqual(outline(groupTree([p1, p2])), ['p1@1<-', '  a@2<p1', '  b@2<p1', '  c@2<p1', 'p2@1<-', '  x@2<p2']);
  assert.throws(() => subAreaLevel(p1, 'b'), /上位のキー「zz」のグループがありません/);
  assert.throws(() => subAreaLevel(p1, 'nope'), /「柱1」にキー「nope」のグループはありません/);
});

test('cycles: every member reported, broken at the first stored member so nothing is lost', () => {
  // a → b → c → a, and d hangs below c; e is its own parent
  const p = pillar('p', '柱', [sub('a', '分野A', 'c'), sub('b', '分野B', 'a'), sub('c', '分野C', 'b'), sub('d', '分野D', 'c'), sub('e', '分野E', 'e')]);
  const issues = groupIssues([p], 4);
  assert.deepEqual(
    issues.filter((i) => i.message.includes('循環')).map((i) => i.message),
    [
      '「柱」の「分野A」: 上位のグループをたどると自分に戻ります（循環: 分野A → 分野C → 分野B → 分野A）',
      '「柱」の「分野B」: 上位のグループをたどると自分に戻ります（循環: 分野B → 分野A → 分野C → 分野B）',
      '「柱」の「分野C」: 上位のグループをたどると自分に戻ります（循環: 分野C → 分野B → 分野A → 分野C）',
      '「柱」の「分野E」: 上位のグループをたどると自分に戻ります（循環: 分野E → 分野E）',
    ],
  );
  assert.deepEqual(outline(groupTree([p])), ['p@1<-', '  a@2<p', '    b@3<a', '      c@4<b', '        d@5<c', '  e@2<p']);
  // and d, at level 5 after the repair, is deeper than any plan allows
  assert.deepEqual(
    groupIssues([p], 4)
      .filter((i) => i.message.includes('階層'))
      .map((i) => i.subAreaKey),
    ['d'],
  );
  assert.throws(() => subAreaLevel(p, 'b'), /循環/);
  assert.throws(() => subAreaLevel(p, 'e'), /循環/);
  const data = { pillars: [p], initiatives: [initiative('i', 'p', 'd')] };
  assert.deepEqual(
    initiativesUnder(data, { key: 'b', level: 3, pillarKey: 'p' }).map((i) => i.key),
    ['i'],
  );
});

test('level names: the plan\u2019s, else 第N階層', () => {
  const settings = { levels: ['施策体系', '分野'] };
  assert.equal(levelName(settings, 1), '施策体系');
  assert.equal(levelName(settings, 2), '分野');
  assert.equal(levelName(settings, 3), '第3階層');
  assert.equal(levelName({ levels: ['取組の柱', ''] }, 2), '第2階層');
  assert.equal(levelName(settings, 0), '計画全体');
});
