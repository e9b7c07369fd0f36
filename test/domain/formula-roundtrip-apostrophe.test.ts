// Export → import added a stray apostrophe: the export quotes texts a spreadsheet would run as a formula
// ('=SUM(A1)), and the import never took the quote off. neutralizeFormula / restoreFormula are a pair:
// restoring what was neutralized gives back the text exactly, for every string.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { neutralizeFormula, restoreFormula } from '../../src/domain/formula.ts';
import { neutralizeFormula as fromOpendata, restoreFormula as restoreFromOpendata, tableToCsv } from '../../src/export/opendata.ts';

test('formula guard: formula-like texts are quoted, numbers and plain texts are not', () => {
  assert.equal(neutralizeFormula('=HYPERLINK("x")'), `'=HYPERLINK("x")`);
  assert.equal(neutralizeFormula('+1+1'), `'+1+1`);
  assert.equal(neutralizeFormula('@SUM(A1)'), `'@SUM(A1)`);
  assert.equal(neutralizeFormula('\tx'), `'\tx`);
  assert.equal(neutralizeFormula('\rx'), `'\rx`);
  assert.equal(neutralizeFormula('-x'), `'-x`);
  assert.equal(neutralizeFormula('-5'), '-5');
  assert.equal(neutralizeFormula('-5.25'), '-5.25');
  assert.equal(neutralizeFormula('普通の文'), '普通の文');
  assert.equal(neutralizeFormula(''), '');
  assert.equal(neutralizeFormula(12), 12);
  assert.equal(neutralizeFormula(null), null);
});

test('formula guard: a text that already starts with an apostrophe gets one more, so it survives the round trip', () => {
  assert.equal(neutralizeFormula(`'=x`), `''=x`);
  assert.equal(neutralizeFormula(`'引用`), `''引用`);
  assert.equal(neutralizeFormula(`'`), `''`);
  assert.equal(restoreFormula(`''=x`), `'=x`);
  assert.equal(restoreFormula(`''引用`), `'引用`);
  assert.equal(restoreFormula(`''`), `'`);
});

test('formula guard: restore removes exactly one apostrophe, and only the one neutralize adds', () => {
  assert.equal(restoreFormula(`'=SUM(A1)`), '=SUM(A1)');
  assert.equal(restoreFormula(`'-x`), '-x');
  assert.equal(restoreFormula(`'+1`), '+1');
  assert.equal(restoreFormula(`'@a`), '@a');
  assert.equal(restoreFormula(`'\tx`), '\tx');
  assert.equal(restoreFormula(`'\rx`), '\rx');
  assert.equal(restoreFormula(`'''x`), `''x`);
  // Not something neutralize produces: left alone.
  assert.equal(restoreFormula(`'引用`), `'引用`);
  assert.equal(restoreFormula(`'`), `'`);
  assert.equal(restoreFormula('=x'), '=x');
  assert.equal(restoreFormula('-5'), '-5');
  assert.equal(restoreFormula(''), '');
  assert.equal(restoreFormula(5), 5);
  assert.equal(restoreFormula(null), null);
});

const tricky = fc
  .tuple(fc.constantFrom('', "'", "''", '-', '=', '+', '@', '\t', '\r', "'-", "'=", '-5', '-0.5', "'-5", '5'), fc.string({ unit: 'binary' }))
  .map(([head, tail]) => head + tail);
const anyString = fc.oneof(fc.string({ unit: 'binary' }), fc.string(), tricky);

test('formula guard (property): restoreFormula(neutralizeFormula(s)) === s for every string', () => {
  fc.assert(
    fc.property(anyString, (s) => restoreFormula(neutralizeFormula(s)) === s),
    { numRuns: 5000 },
  );
});

test('formula guard (property): what is written never starts like a formula, unless it is a plain number', () => {
  fc.assert(
    fc.property(anyString, (s) => {
      const out = neutralizeFormula(s);
      return !/^[=+\-@\t\r]/.test(out) || /^-?\d+(\.\d+)?$/.test(out);
    }),
    { numRuns: 5000 },
  );
});

test('formula guard (property): neutralize is one-to-one, so no two texts are exported alike', () => {
  fc.assert(
    fc.property(anyString, anyString, (a, b) => a === b || neutralizeFormula(a) !== neutralizeFormula(b)),
    { numRuns: 5000 },
  );
});

test('formula guard: opendata still exports the same functions', () => {
  assert.equal(fromOpendata, neutralizeFormula);
  assert.equal(restoreFromOpendata, restoreFormula);
});

test('formula guard: an exported CSV read back and restored gives the texts unchanged (no stray apostrophe)', () => {
  const texts = ['=SUM(A1)', `'引用`, `'=x`, '-x', '-5', '@メンション', '普通の文', "''"];
  const csv = tableToCsv({
    id: 'initiatives',
    title: 't',
    columns: [{ name: '施策名', description: '', type: 'string' }],
    rows: texts.map((t) => [t]),
  });
  const records = parse(csv, { bom: true }) as string[][];
  assert.deepEqual(
    records.slice(1).map((r) => restoreFormula(r[0]!)),
    texts,
  );
});
