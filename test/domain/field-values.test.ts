// The values of an initiative's own sections: what each type reads (typed text, spreadsheet numbers,
// booleans and dates), the Japanese message naming the section and what was typed for what it refuses,
// and how a stored value is printed and put in a workbook cell, read back to the same value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fieldCellValue, fieldValueOf, formatFieldValue, parseFieldValue, type FieldInput } from '../../src/domain/field-values.ts';
import type { FieldDef, FieldValue } from '../../src/domain/model.ts';

const TEXT: FieldDef = { key: 'overview', label: '取組の概要', type: 'text' };
const MONEY: FieldDef = { key: 'budget', label: '事業費（千円）', type: 'money' };
const NUMBER: FieldDef = { key: 'staff', label: '職員数', type: 'number' };
const URL_FIELD: FieldDef = { key: 'url', label: '関連ページ', type: 'url' };
const DATE: FieldDef = { key: 'start', label: '開始日', type: 'date' };
const SELECT: FieldDef = { key: 'area', label: '対象', type: 'select', options: ['全庁', '窓口', 'ＤＸ推進'] };
const BOOLEAN: FieldDef = { key: 'open', label: 'オープンデータ化', type: 'boolean' };

const value = (def: FieldDef, raw: FieldInput): FieldValue | null => {
  const r = parseFieldValue(def, raw);
  assert.ok(r.ok, `${def.type} accepts ${String(raw)}: ${r.ok ? '' : r.message}`);
  return r.value;
};
const refusal = (def: FieldDef, raw: FieldInput): string => {
  const r = parseFieldValue(def, raw);
  assert.equal(r.ok, false, `${def.type} refuses ${String(raw)}`);
  return r.ok ? '' : r.message;
};

test('empty is no value, for every type', () => {
  for (const def of [TEXT, MONEY, NUMBER, URL_FIELD, DATE, SELECT, BOOLEAN])
    for (const raw of [null, undefined, '', '  ', '\n', '　']) assert.equal(value(def, raw), null, `${def.type} ${JSON.stringify(raw)}`);
  assert.equal(value(MONEY, '－'), null, 'a dash alone: nothing entered');
});

test('text keeps its line breaks; blanks at the ends of lines and around it go', () => {
  assert.equal(value(TEXT, '一行目\r\n二行目  \n\n三行目\n'), '一行目\n二行目\n\n三行目');
  assert.equal(value(TEXT, 42), '42');
  assert.equal(value(TEXT, new Date(Date.UTC(2024, 3, 1))), '2024-04-01');
});

test('money and number: exact decimal strings from what people type and what cells hold', () => {
  assert.equal(value(MONEY, '1,234'), '1234');
  assert.equal(value(MONEY, '１，２３４．５'), '1234.5');
  assert.equal(value(MONEY, ' 12 345 '), '12345');
  assert.equal(value(MONEY, '-500'), '-500', 'a negative budget (a cut) is a value');
  assert.equal(value(MONEY, '△500'), '-500', 'the minus of Japanese budgets');
  assert.equal(value(MONEY, '▲ 1,000'), '-1000');
  assert.equal(value(NUMBER, 0.1 + 0.2), '0.3', 'a double from a cell, as Excel shows it');
  assert.equal(value(NUMBER, 2682332), '2682332');
  assert.equal(value(NUMBER, '+3'), '3');
  assert.equal(value(NUMBER, '12345678901234567890.123'), '12345678901234567890.123', 'typed text stays exact');
  assert.equal(refusal(MONEY, 'abc'), '事業費（千円）は数値で書きます「abc」');
  assert.equal(refusal(MONEY, '1,234千円'), '事業費（千円）は数値で書きます「1,234千円」');
  assert.equal(refusal(NUMBER, Number.NaN), '職員数は数値で書きます「NaN」');
  assert.equal(refusal(NUMBER, true), '職員数は数値で書きます「true」');
  assert.equal(refusal(NUMBER, new Date(Date.UTC(2024, 3, 1))), '職員数は数値で書きます「2024-04-01」');
});

test('url: http or https with a host', () => {
  assert.equal(value(URL_FIELD, ' https://www.city.example.jp/dx/index.html '), 'https://www.city.example.jp/dx/index.html');
  assert.equal(value(URL_FIELD, 'http://example.jp'), 'http://example.jp');
  assert.equal(refusal(URL_FIELD, 'www.example.jp'), '関連ページは http:// か https:// で始まるアドレスで書きます「www.example.jp」');
  assert.equal(
    refusal(URL_FIELD, 'ftp://example.jp/a'),
    '関連ページは http:// か https:// で始まるアドレスで書きます（ftp は使えません）「ftp://example.jp/a」',
  );
  assert.equal(
    refusal(URL_FIELD, 'javascript:alert(1)'),
    '関連ページは http:// か https:// で始まるアドレスで書きます（javascript は使えません）「javascript:alert(1)」',
  );
  assert.equal(refusal(URL_FIELD, 'https://example.jp/a b'), '関連ページのアドレスに空白や改行があります「https://example.jp/a b」');
  assert.equal(refusal(URL_FIELD, 'https://'), '関連ページは http:// か https:// で始まるアドレスで書きます「https://」');
  assert.match(refusal(URL_FIELD, 3), /^関連ページは http/);
});

test('date: ISO, slashes, 年月日, 和暦 and a date cell; impossible dates refused', () => {
  assert.equal(value(DATE, '2024-04-01'), '2024-04-01');
  assert.equal(value(DATE, '2024/4/1'), '2024-04-01');
  assert.equal(value(DATE, '２０２４／４／１'), '2024-04-01');
  assert.equal(value(DATE, '2024年4月1日'), '2024-04-01');
  assert.equal(value(DATE, '令和6年4月1日'), '2024-04-01');
  assert.equal(value(DATE, '令和元年5月1日'), '2019-05-01');
  assert.equal(value(DATE, 'R6.4.1'), '2024-04-01');
  assert.equal(value(DATE, '平成31年4月30日'), '2019-04-30');
  assert.equal(value(DATE, new Date(Date.UTC(2024, 1, 29))), '2024-02-29');
  assert.equal(refusal(DATE, '2023-02-29'), '開始日の2023年2月29日という日はありません「2023-02-29」');
  assert.equal(refusal(DATE, '2024/13/1'), '開始日の2024年13月1日という日はありません「2024/13/1」');
  assert.equal(refusal(DATE, '令和元年4月1日'), '開始日の令和元年4月1日はありません（令和の期間の外です）「令和元年4月1日」');
  assert.equal(refusal(DATE, '平成32年1月1日'), '開始日の平成32年1月1日はありません（平成の期間の外です）「平成32年1月1日」');
  assert.equal(refusal(DATE, '来年度'), '開始日は日付で書きます（例: 2024-04-01、2024/4/1、令和6年4月1日）「来年度」');
  assert.equal(refusal(DATE, 45383), '開始日は日付で書きます（例: 2024-04-01、2024/4/1、令和6年4月1日）「45383」');
  assert.equal(refusal(DATE, new Date(Number.NaN)), '開始日の日付が読めません「不正な日付」');
});

test('select: one of the options, matched regardless of width and spaces, given back as the plan spells it', () => {
  assert.equal(value(SELECT, '全庁'), '全庁');
  assert.equal(value(SELECT, ' 窓口 '), '窓口');
  assert.equal(value(SELECT, 'DX推進'), 'ＤＸ推進');
  assert.equal(value(SELECT, 'Ｄ Ｘ 推進'), 'ＤＸ推進');
  assert.equal(refusal(SELECT, '各課'), '対象は 全庁、窓口、ＤＸ推進 のどれかを選びます「各課」');
});

test('boolean: はい/いいえ and the usual ways of saying it', () => {
  for (const raw of ['はい', 'true', 'TRUE', '1', '○', '◯', '有', 'ｙｅｓ', 1, true]) assert.equal(value(BOOLEAN, raw), true, String(raw));
  for (const raw of ['いいえ', 'false', 'False', '0', '×', '無', 'no', 0, false]) assert.equal(value(BOOLEAN, raw), false, String(raw));
  assert.equal(refusal(BOOLEAN, 'たぶん'), 'オープンデータ化は「はい」か「いいえ」で書きます「たぶん」');
  assert.equal(refusal(BOOLEAN, 2), 'オープンデータ化は「はい」か「いいえ」で書きます「2」');
});

test('printing and cells: grouped numbers, booleans in words, always text in a cell', () => {
  assert.equal(formatFieldValue(MONEY, '1234567.5', 'ja'), '1,234,567.5');
  assert.equal(formatFieldValue(NUMBER, '-1000', 'en'), '-1,000');
  assert.equal(formatFieldValue(BOOLEAN, true, 'ja'), 'はい');
  assert.equal(formatFieldValue(BOOLEAN, false, 'en'), 'No');
  assert.equal(formatFieldValue(DATE, '2024-04-01', 'en'), '2024-04-01');
  assert.equal(formatFieldValue(TEXT, null, 'ja'), '');
  assert.equal(fieldCellValue(MONEY, '1234567.5'), '1234567.5', 'not a number cell: exact');
  assert.equal(fieldCellValue(BOOLEAN, false), 'いいえ');
  assert.equal(fieldCellValue(TEXT, null), null);
  assert.equal(fieldValueOf({ content: '', plan: '計画', fields: { budget: '100' } }, 'plan'), '計画');
  assert.equal(fieldValueOf({ content: ' ', plan: '', fields: { budget: '100' } }, 'content'), null);
  assert.equal(fieldValueOf({ content: '', plan: '' }, 'budget'), null);
});

test('property: a stored value put in a cell reads back as the same value', () => {
  const defs = fc.constantFrom(TEXT, MONEY, NUMBER, URL_FIELD, DATE, SELECT, BOOLEAN);
  const stored = (def: FieldDef): fc.Arbitrary<FieldValue> => {
    switch (def.type) {
      case 'money':
      case 'number':
        return fc.tuple(fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), fc.integer({ min: 0, max: 4 })).map(([n, d]) => {
          const s = (n < 0n ? -n : n).toString().padStart(d + 1, '0');
          const t = d ? `${s.slice(0, -d)}.${s.slice(-d)}`.replace(/\.?0+$/, '') : s;
          return n < 0n && t !== '0' ? `-${t}` : t;
        });
      case 'url':
        return fc.webUrl({ validSchemes: ['http', 'https'] }).filter((u) => !/\s/.test(u));
      case 'date':
        return fc
          .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-12-31T00:00:00Z'), noInvalidDate: true })
          .map((d) => d.toISOString().slice(0, 10));
      case 'select':
        return fc.constantFrom(...def.options!);
      case 'boolean':
        return fc.boolean();
      default:
        return fc
          .string({ minLength: 1 })
          .map((s) =>
            s
              .replace(/\r\n?/g, '\n')
              .replace(/[ \t\u3000]+$/gm, '')
              .trim(),
          )
          .filter((s) => s !== '');
    }
  };
  fc.assert(
    fc.property(
      defs.chain((def) => fc.tuple(fc.constant(def), stored(def))),
      ([def, v]) => {
        const r = parseFieldValue(def, fieldCellValue(def, v));
        assert.ok(r.ok, r.ok ? '' : r.message);
        assert.equal(r.value, v);
      },
    ),
    { numRuns: 500 },
  );
});
