import { test } from 'node:test';
import assert from 'node:assert/strict';
import { progressRate, normalizeNumber, gradeFor, formatNumber } from '../../src/domain/decimal.ts';
import { DEFAULT_PLAN_SETTINGS, type ProgressRule } from '../../src/domain/model.ts';
import { warekiFiscalYear, fiscalYearLabel, japanDate, parseWarekiYear, reiwaShort } from '../../src/domain/wareki.ts';
import { validateOrgCode, checkDigit } from '../../src/domain/org-code.ts';

const truncate1 = DEFAULT_PLAN_SETTINGS.progress;

test('progress rates of the sample KPI table, truncated to one decimal', () => {
  const printed: [string, string, string][] = [
    ['11.2', '23', '48.6'],
    ['2682332', '6076000', '44.1'],
    ['20729', '32600', '63.5'],
    ['84.5', '100', '84.5'],
    ['7990', '9500', '84.1'],
    ['2375', '3300', '71.9'],
    ['250000', '300000', '83.3'],
    ['93.4', '95', '98.3'],
    ['46.4', '50', '92.8'],
  ];
  for (const [actual, target, expected] of printed) assert.equal(progressRate(actual, target, truncate1), expected);
});

test('the rule is a setting: half-up, more decimals, cap, lower-is-better', () => {
  const halfUp: ProgressRule = { ...truncate1, rounding: 'half-up' };
  assert.equal(progressRate('11.2', '23', halfUp), '48.7');
  assert.equal(progressRate('11.2', '23', { ...truncate1, decimals: 2 }), '48.69');
  assert.equal(progressRate('11.2', '23', { ...truncate1, decimals: 0 }), '48');
  assert.equal(progressRate('150', '100', { ...truncate1, cap: true }), '100.0');
  assert.equal(progressRate('150', '100', truncate1), '150.0');
  // Fewer accidents is better: from 200 toward 100, now 150 → half way.
  assert.equal(progressRate('150', '100', truncate1, 'lower', '200'), '50.0');
  assert.equal(progressRate('120', '100', truncate1, 'lower'), '83.3');
  assert.equal(progressRate('1', '0', truncate1), null);
});

test('decimal arithmetic is exact where binary floats are not', () => {
  // 0.1 + 0.2 style: 0.7 / 0.1 is 6.999… in floats.
  assert.equal(progressRate('0.7', '0.1', { ...truncate1, decimals: 0 }), '700');
  assert.equal(progressRate('1.005', '1', { ...truncate1, rounding: 'half-up', decimals: 1 }), '100.5');
});

test('numbers as people type them', () => {
  assert.equal(normalizeNumber('２，６８２，３３２'), '2682332');
  assert.equal(normalizeNumber(' 11.20 '), '11.2');
  assert.equal(normalizeNumber('約30'), null);
  assert.equal(normalizeNumber(''), null);
  assert.equal(formatNumber('2682332'), '2,682,332');
  assert.equal(formatNumber('-1234.5'), '-1,234.5');
  assert.equal(gradeFor('98.3', truncate1), 'B');
  assert.equal(gradeFor('100.0', truncate1), 'A');
});

test('和暦 fiscal years', () => {
  assert.equal(warekiFiscalYear(2023), '令和5年度');
  assert.equal(warekiFiscalYear(2019), '令和元年度');
  assert.equal(warekiFiscalYear(2018), '平成30年度');
  assert.equal(fiscalYearLabel(2023), '令和5年度（2023年度）');
  assert.equal(reiwaShort(2026), 'R8');
  assert.equal(parseWarekiYear('令和4年度'), 2022);
  assert.equal(parseWarekiYear('R８'), 2026);
  assert.equal(parseWarekiYear('令和元年度'), 2019);
  assert.equal(parseWarekiYear('2022'), null);
});

test('全国地方公共団体コード check digits', () => {
  assert.deepEqual(validateOrgCode('082023'), { ok: true, code: '082023' });
  assert.equal(checkDigit('13101'), 6); // 千代田区 131016
  assert.equal(checkDigit('01100'), 2); // 札幌市 011002
  assert.equal(validateOrgCode('131016').ok, true);
  const wrong = validateOrgCode('082024');
  assert.equal(wrong.ok, false);
  assert.match((wrong as { reason: string }).reason, /検査数字/);
  assert.equal(validateOrgCode('82023').ok, false);
  assert.equal(validateOrgCode('０８２０２３').ok, true);
});

test('due dates are days in Japan: 2024-05-31 20:00 UTC is already 6月1日 there', () => {
  assert.equal(japanDate(new Date('2024-05-31T14:59:59Z')), '2024-05-31');
  assert.equal(japanDate(new Date('2024-05-31T15:00:00Z')), '2024-06-01');
  assert.equal(japanDate(new Date('2024-05-31T20:00:00Z')), '2024-06-01');
});
