// Per-edition search reads what the plan's shape adds: its own sections' text, indicators' names and
// qualitative targets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSearchIndex, search } from '../../src/web/public/search.ts';
import { threeLevelEdition } from '../fixtures/three-level-edition.ts';

test('a word of a qualitative target or of the plan\u2019s own section finds its initiative', () => {
  const data = threeLevelEdition();
  const index = buildSearchIndex(data);
  const byTarget = search(index, '行動規範');
  assert.ok(byTarget.length >= 1);
  assert.ok(byTarget.every((h) => (h.initiative.indicators ?? []).some((x) => x.qualitative?.includes('行動規範'))));
  assert.ok(search(index, '電子申請の件数').some((h) => h.initiative.title === '電子申請サービスの導入'));
  assert.ok(search(index, '村民').some((h) => h.initiative.fields?.audience === '村民'));
});
