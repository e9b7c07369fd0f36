// Rollover: the next fiscal year's edition made from the current one when a round opens.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sampleDocument } from '../../src/db/sample.ts';
import { rollover } from '../../src/domain/rollover.ts';

const { doc } = sampleDocument();

test('rollover: identity kept, 新規 becomes 実施中, last year’s targets become named results to report', () => {
  const next = rollover(doc.data, { dropCompleted: false });
  assert.equal(next.edition.fiscalYear, 2024);
  assert.equal(next.edition.state, 'draft');
  assert.deepEqual(
    next.initiatives.map((i) => i.key),
    doc.data.initiatives.map((i) => i.key),
  );
  assert.equal(
    next.initiatives.some((i) => i.status === 'new'),
    false,
  );
  for (const i of next.initiatives) {
    const before = doc.data.initiatives.find((x) => x.key === i.key)!;
    assert.equal(i.results.length, before.planTargets.length);
    for (const r of i.results) {
      assert.ok(r.label.trim(), `${i.number ?? '新'} ${i.title}: every result has a name`);
      assert.equal(r.actual, null);
    }
  }
  const k15 = next.initiatives.find((i) => i.number === '15')!;
  assert.deepEqual(k15.results[0], { label: k15.title, actual: null, target: '26', unit: 'コンテンツ', note: null, raw: '' });
  const dropped = rollover(doc.data, { dropCompleted: true });
  assert.equal(
    dropped.initiatives.some((i) => i.status === 'completed'),
    false,
  );
  assert.ok(dropped.initiatives.length < next.initiatives.length);
});
