// The portal speaks in each plan's own words: its level names and its name for an initiative.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { messages, pt, t, type MessageKey } from '../../src/web/i18n.ts';

test('with the default words every message reads as before, in both languages', () => {
  for (const key of Object.keys(messages) as MessageKey[]) {
    assert.equal(pt({}, 'ja', key), t('ja', key), key);
    assert.equal(pt({ levels: ['取組の柱'], initiativeName: '取組項目' }, 'en', key), t('en', key), key);
  }
});

test("a plan's words replace 施策体系, 分野, 施策名 and 施策, once each", () => {
  const words = { levels: ['取組の柱', '取組'], initiativeName: '取組項目' };
  assert.equal(pt(words, 'ja', 'pillars'), '取組の柱');
  assert.equal(pt(words, 'ja', 'subArea'), '取組');
  assert.equal(pt(words, 'ja', 'title'), '取組項目');
  assert.equal(pt(words, 'ja', 'content'), '取組項目内容');
  assert.equal(pt(words, 'ja', 'statusMix'), '取組の柱ごとの状況');
  assert.equal(pt(words, 'ja', 'noResults'), '該当する取組項目はありません。');
  // A name that itself contains 施策 is not replaced again.
  assert.equal(pt({ levels: ['施策の方向'], initiativeName: '事業' }, 'ja', 'allPillars'), 'すべての施策の方向');
});
