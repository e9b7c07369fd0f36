// A Shift_JIS (cp932) CSV cannot hold é, 〜, −, —, emoji…: they come back as "?". When a staff member
// edited such a cell, the import used to store the file's text, turning 「元気café」 into 「元気caf?」
// for good. restoreUnrepresentable keeps the person's edit and brings back every character they did
// not touch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { restoreUnrepresentable, unrepresentableChars } from '../../src/domain/encoding.ts';
import { cp932Representation as cp932 } from '../../src/import/spreadsheet.ts';

test('lost characters: an edited cell keeps the edit and gets é back', () => {
  const before = '元気café で開催';
  const after = '元気caf? で毎月開催';
  assert.equal(cp932(before), '元気caf? で開催');
  assert.equal(restoreUnrepresentable(before, after, cp932), '元気café で毎月開催');
});

test('lost characters: an unedited cell comes back as stored', () => {
  for (const before of ['元気café で開催', '😀', '〜−—é', '普通の文', '']) {
    assert.equal(restoreUnrepresentable(before, cp932(before), cp932), before);
  }
});

test('lost characters: the person’s own changes to those characters win', () => {
  // é replaced by e: the person's e stays.
  assert.equal(restoreUnrepresentable('café', 'cafe', cp932), 'cafe');
  // the "?" deleted: it stays deleted.
  assert.equal(restoreUnrepresentable('caféです', 'cafです', cp932), 'cafです');
  // a "?" typed next to one that stood for é: one of them is é, the new one stays "?".
  assert.equal(restoreUnrepresentable('café', 'caf??', cp932), 'café?');
  // the whole text rewritten: nothing of before comes back.
  assert.equal(restoreUnrepresentable('café', '喫茶店', cp932), '喫茶店');
  assert.equal(restoreUnrepresentable('café', '', cp932), '');
});

test('lost characters: several kinds at once, emoji (two UTF-16 units) included', () => {
  const before = '参加者😀多数、10〜20名（−5%）—報告';
  const after = '参加者?多数、10?30名（?5%）?報告済み';
  assert.equal(restoreUnrepresentable(before, after, cp932), '参加者😀多数、10〜30名（−5%）—報告済み');
});

test('lost characters: a character that changes into another (〜 → ～) comes back too', () => {
  const represent = (s: string) => s.replace(/〜/g, '～').replace(/é/g, 'e');
  assert.equal(restoreUnrepresentable('10〜20名 café', '10～30名 cafe', represent), '10〜30名 café');
  assert.equal(restoreUnrepresentable('10〜20名', '10～20名', represent), '10〜20名');
});

test('lost characters: a character whose representation is empty comes back only from inside an unchanged stretch', () => {
  const represent = (s: string) => s.replace(/\u200B/g, '');
  assert.equal(restoreUnrepresentable('ab\u200Bcd', 'abcdE', represent), 'ab\u200BcdE');
  assert.equal(restoreUnrepresentable('\u200Babc', 'abcX', represent), '\u200BabcX');
  assert.equal(restoreUnrepresentable('abc\u200B', 'Xabc', represent), 'Xabc\u200B');
  // the neighbours changed: the person's text as it is.
  assert.equal(restoreUnrepresentable('ab\u200Bcd', 'aXd', represent), 'aXd');
});

test('lost characters: unrepresentableChars lists what the encoding cannot hold, once each, in order', () => {
  assert.deepEqual(unrepresentableChars('元気café〜😀é①髙～ok', cp932), ['é', '〜', '😀']);
  assert.deepEqual(unrepresentableChars('普通の文 ABC ①', cp932), []);
  assert.deepEqual(unrepresentableChars('', cp932), []);
});

// Property tests. Representable characters exclude "?" (what a lost character becomes), so that an
// edit of representable characters can always be told apart from the lost ones.
const representable = fc.constantFrom(...'abcXYZ019 、。・（）%あいうえお元気開催毎月報告施策①髙～'.split(''));
const lost = fc.constantFrom('é', '〜', '−', '—', '😀', 'ü', '¢', '‖');
const mixed = fc.array(fc.oneof({ weight: 3, arbitrary: representable }, { weight: 1, arbitrary: lost }), { maxLength: 30 }).map((a) => a.join(''));
const plain = fc.array(representable, { maxLength: 10 }).map((a) => a.join(''));

test('lost characters (property): unchanged text comes back exactly as stored', () => {
  fc.assert(
    fc.property(mixed, (before) => restoreUnrepresentable(before, cp932(before), cp932) === before),
    { numRuns: 2000 },
  );
});

test('lost characters (property): one edit of representable characters = the same edit applied to the stored text', () => {
  fc.assert(
    fc.property(mixed, plain, plain, mixed, (prefix, removed, inserted, suffix) => {
      const before = prefix + removed + suffix;
      const after = cp932(prefix) + inserted + cp932(suffix);
      assert.equal(restoreUnrepresentable(before, after, cp932), prefix + inserted + suffix);
    }),
    { numRuns: 3000 },
  );
});

test('lost characters (property): any edits: the result still reads as the file did, and restores only lost characters of before', () => {
  // Random insertions and deletions of representable characters at several places. Several edits can
  // move a character across a lost one (aa?（ → aa（?), which no alignment can tell from the reverse, so
  // only what holds for every alignment is checked here; the single-edit property above checks more.
  const edited = mixed.chain((before) => {
    const points = Array.from(before);
    return fc.array(fc.tuple(fc.nat(points.length), fc.boolean(), representable), { maxLength: 6 }).map((edits) => {
      const cps = points.map((c) => cp932(c));
      for (const [at, del, ch] of edits) {
        const k = Math.min(at, cps.length);
        if (del && k < cps.length && cps[k] !== '?')
          cps.splice(k, 1); // "?" is a lost character: kept
        else cps.splice(k, 0, ch);
      }
      return { before, after: cps.join('') };
    });
  });
  fc.assert(
    fc.property(edited, ({ before, after }) => {
      const out = restoreUnrepresentable(before, after, cp932);
      assert.equal(cp932(out), after);
      const budget = new Map<string, number>();
      for (const c of unrepresentableChars(before, cp932)) budget.set(c, Array.from(before).filter((x) => x === c).length);
      for (const c of out) {
        if (cp932(c) === c) continue;
        const left = budget.get(c) ?? 0;
        assert.ok(left > 0, `restored ${c} more often than before had it`);
        budget.set(c, left - 1);
      }
    }),
    { numRuns: 2000 },
  );
});
