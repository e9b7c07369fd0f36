// How a result is printed, in one place for the import, the form and the report.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resultLine, reviseResults, targetLine } from '../../src/domain/results.ts';
import { renderReportHtml } from '../../src/report/html.ts';
import { sampleDocument } from '../../src/db/sample.ts';

test('a result and a target are printed as the sample prints them', () => {
  assert.equal(resultLine({ label: '交付率', actual: '73.6', target: '70', unit: '%', note: null }), '・交付率 73.6% (70%)');
  assert.equal(resultLine({ label: '支援', actual: '41819', target: null, unit: '件', note: 'x' }), '・支援 41,819件');
  assert.equal(resultLine({ label: '交付率', actual: null, target: '85', unit: '%', note: null }), '・交付率 (85%)');
  assert.equal(targetLine({ label: '', value: '26', unit: 'コンテンツ' }), '・26コンテンツ');
  assert.equal(targetLine({ label: '交付率', value: '85', unit: '%' }), '・交付率 85%');
});

test('the printed text follows a changed value line by line; prose stays; an empty text stays empty', () => {
  const stored = {
    results: [{ label: 'a', actual: '1', target: null, unit: '件', note: null, raw: '- ・a 1件' }],
    resultsText: '【令和4年度】\n・a 1件\n・研修を実施',
  };
  const r = reviseResults(stored, [{ label: 'a', actual: '2', target: null, unit: '件', note: null }], [0]);
  assert.equal(r.resultsText, '【令和4年度】\n・a 2件\n・研修を実施');
  assert.equal(r.results[0]!.raw, '・a 2件');
  assert.equal(reviseResults({ ...stored, resultsText: '' }, [{ label: 'a', actual: '2', target: null, unit: '件', note: null }], [0]).resultsText, '');
});

test('the report prints results entered as values with the same line (a rolled-over target without an actual)', () => {
  const d = sampleDocument().doc.data;
  const i = d.initiatives.find((x) => x.number === '08')!;
  i.resultsText = '';
  i.results = [{ label: 'マイナンバーカード交付率', actual: null, target: '85', unit: '%', note: null, raw: '' }];
  assert.ok(renderReportHtml(d).includes('・マイナンバーカード交付率 (85%)'));
});
