// The initiative diff: plan targets, result notes, repeated result labels and the printed 実績 text,
// and how the shared renderer prints them (review page, history page, the report's diff appendix).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sampleDocument } from '../../src/db/sample.ts';
import { diffEditions, diffInitiative } from '../../src/domain/edition-diff.ts';
import { withEditionLinks } from '../../src/domain/structure.ts';
import { rollover } from '../../src/domain/rollover.ts';
import { renderDiffSection, renderInitiativeChange } from '../../src/report/diff-html.ts';

const { doc } = sampleDocument();
const byNumber = (n: string) => structuredClone(doc.data.initiatives.find((i) => i.number === n)!);

test('edition diff: a changed plan target (今年度の目標値) is a change, paired by label', () => {
  const x = byNumber('08');
  const y = structuredClone(x);
  y.planTargets[0]!.value = '90';
  const d = diffInitiative(x, y);
  assert.ok(d, 'a plan target change is not "no change"');
  assert.deepEqual(d.targets, [{ label: 'マイナンバーカード交付率', occurrence: 0, before: { value: '85', unit: '%' }, after: { value: '90', unit: '%' } }]);
  const html = renderInitiativeChange(d, 'h3');
  assert.match(html, /今年度の目標値「マイナンバーカード交付率」: 85% → 90%/);
  // Added and removed targets, and a changed unit.
  const z = structuredClone(x);
  z.planTargets = [{ label: '新しい目標', value: '3', unit: '件', raw: '' }];
  const e = diffInitiative(x, z)!;
  assert.deepEqual(
    e.targets.map((t) => [t.label, t.before?.value ?? null, t.after?.value ?? null]),
    [
      ['マイナンバーカード交付率', '85', null],
      ['新しい目標', null, '3'],
    ],
  );
  assert.equal(diffInitiative(x, structuredClone(x)), null);
});

test('edition diff: a changed result note (備考) is a change and is printed', () => {
  const x = byNumber('14');
  const y = structuredClone(x);
  y.results[1]!.note = '52人参加';
  const d = diffInitiative(x, y)!;
  assert.ok(d);
  assert.equal(d.results.length, 1);
  assert.equal(d.results[0]!.before!.note, '47人参加');
  assert.equal(d.results[0]!.after!.note, '52人参加');
  assert.match(renderInitiativeChange(d, 'h3'), /備考: 47人参加 → 52人参加/);
});

test('edition diff: every row of a repeated result label is compared, paired by occurrence order', () => {
  const x = byNumber('14');
  assert.deepEqual(
    x.results.map((r) => r.label),
    ['講座開催回数', '講座開催回数'],
  );
  const y = structuredClone(x);
  y.results[1]!.actual = '15';
  const d = diffInitiative(x, y)!;
  assert.ok(d, 'a change in the second row of a label is seen');
  assert.deepEqual(
    d.results.map((r) => [r.label, r.occurrence, r.before?.actual, r.after?.actual]),
    [['講座開催回数', 1, '12', '15']],
  );
  assert.match(renderInitiativeChange(d, 'h3'), /実績「講座開催回数」（2件目）: 12回（目標 12回）（備考 47人参加） → 15回（目標 12回）（備考 47人参加）/);
  // A third row of the label is an addition, not a change of the first.
  const z = structuredClone(x);
  z.results.push({ ...z.results[0]!, actual: '1' });
  assert.deepEqual(
    diffInitiative(x, z)!.results.map((r) => [r.occurrence, r.before, r.after?.actual]),
    [[2, null, '1']],
  );
  // Initiative 13 repeats 参加者数延べ under each course.
  const a = byNumber('13');
  const b = structuredClone(a);
  const third = b.results.filter((r) => r.label === '参加者数延べ')[2]!;
  third.actual = '999';
  assert.deepEqual(
    diffInitiative(a, b)!.results.map((r) => [r.label, r.occurrence, r.after?.actual]),
    [['参加者数延べ', 2, '999']],
  );
});

test('edition diff: the printed 実績 text (resultsText) is a text change', () => {
  const x = byNumber('08');
  const y = structuredClone(x);
  y.resultsText = x.resultsText.replace('73.6%', '74.0%');
  const d = diffInitiative(x, y)!;
  assert.ok(d);
  const t = d.texts.find((t) => t.field === 'resultsText')!;
  assert.ok(t);
  assert.equal(t.before, x.resultsText);
  const html = renderInitiativeChange(d, 'h3');
  assert.match(html, /実績（本文）: <span class="text">/);
  assert.match(html, /<ins>4\.0<\/ins>|<ins>4<\/ins>/);
});

test('edition diff: the report appendix shows plan target changes between editions', () => {
  const next = structuredClone(doc.data);
  next.edition.fiscalYear = 2024;
  next.initiatives.find((i) => i.number === '08')!.planTargets[0]!.value = '90';
  const d = diffEditions(doc.data, next);
  assert.deepEqual(
    d.changed.map((c) => c.numberAfter),
    ['08'],
  );
  assert.match(renderDiffSection(d), /今年度の目標値「マイナンバーカード交付率」: 85% → 90%/);
});

test('edition links: a KPI linked to an initiative dropped in the rollover has no link in the new edition only', () => {
  const next = rollover(doc.data, { dropCompleted: true });
  const k8 = doc.data.kpis.find((k) => k.key === 'k8')!;
  assert.ok(k8.initiativeKey && !next.initiatives.some((i) => i.key === k8.initiativeKey), 'k8 measures a completed initiative');
  const view = withEditionLinks(next);
  assert.equal(view.kpis.find((k) => k.key === 'k8')!.initiativeKey, null);
  assert.equal(
    view.kpis.find((k) => k.key === 'k1')!.initiativeKey,
    doc.data.kpis.find((k) => k.key === 'k1')!.initiativeKey,
    'a link to a carried initiative stays',
  );
  // The data it was given is untouched (the KPI row is the plan's), and the earlier edition keeps the link.
  assert.equal(next.kpis.find((k) => k.key === 'k8')!.initiativeKey, k8.initiativeKey);
  assert.equal(withEditionLinks(doc.data), doc.data);
});
