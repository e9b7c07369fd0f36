// Reading stored audit rows back for the history page: every kind this version writes, rows of earlier
// versions, and shapes it does not know (never an error).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readHistoryRow } from '../../src/domain/audit-entry.ts';
import { sampleDocument } from '../../src/db/sample.ts';

const i = sampleDocument().doc.data.initiatives[7]!;
const snap = { fiscalYear: 2023, ...i };
const row = (entity: string, action: string, before: unknown, after: unknown, entityKey = i.key) => ({ entity, entityKey, action, before, after });

test('whole snapshots: an update, an initiative added or deleted by a file', () => {
  assert.deepEqual(readHistoryRow(row('initiative', 'update', snap, { ...snap, title: 'x' }), i.key).kind, 'snapshot');
  const added = readHistoryRow(row('initiative', 'insert', null, snap), i.key);
  assert.ok(added.kind === 'snapshot' && added.before === null && added.after?.title === i.title);
  const deleted = readHistoryRow(row('initiative', 'delete', snap, null), i.key);
  assert.ok(deleted.kind === 'removed' && deleted.reason === null && deleted.before?.key === i.key);
  const removed = readHistoryRow(row('initiative', 'delete', snap, { fiscalYear: 2024, reason: '統合' }), i.key);
  assert.ok(removed.kind === 'removed' && removed.reason === '統合' && removed.before?.key === i.key);
});

test('rows of earlier versions: a removal with its reason, one field of an import, a result field', () => {
  assert.deepEqual(readHistoryRow(row('initiative', 'delete', { title: 't' }, { reason: '統合' }), i.key), { kind: 'removed', reason: '統合', before: null });
  assert.deepEqual(readHistoryRow(row('initiative', 'update', { field: '状況', value: '実施中' }, { field: '状況', value: '完了' }), i.key), {
    kind: 'field',
    what: '状況',
    before: '実施中',
    after: '完了',
  });
  assert.deepEqual(
    readHistoryRow(row('result', 'update', { field: '実績値', value: null }, { field: '実績値', value: '5' }, `${i.key}/参加者数延べ#2`), i.key),
    {
      kind: 'field',
      what: '実績「参加者数延べ」（2件目）の実績値',
      before: '—',
      after: '5',
    },
  );
});

test('submissions and assessments; unknown shapes are "other", never an error', () => {
  assert.deepEqual(
    readHistoryRow(
      row('submission', 'update', { fiscalYear: 2024, state: 'submitted' }, { fiscalYear: 2024, state: 'returned', comment: '数値を確認' }),
      i.key,
    ),
    {
      kind: 'submission',
      from: 'submitted',
      to: 'returned',
      comment: '数値を確認',
    },
  );
  assert.deepEqual(readHistoryRow(row('assessment', 'insert', null, { fiscalYear: 2024, grade: 'B', comment: '順調' }), i.key), {
    kind: 'assessment',
    grade: 'B',
    comment: '順調',
  });
  for (const [before, after] of [
    [null, null],
    [1, 'x'],
    [[], {}],
    [{ position: 3 }, { position: 4 }],
  ] as const) {
    assert.deepEqual(readHistoryRow(row('initiative', 'update', before, after), i.key), { kind: 'other' });
  }
  assert.deepEqual(readHistoryRow(row('assessment', 'insert', null, { grade: 'Z' }), i.key), { kind: 'other' });
});
