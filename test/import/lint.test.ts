import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sampleDocument } from '../../src/db/sample.ts';
import { parsePlanText } from '../../src/import/plan-text.ts';
import { formatFindings, lintDocument, RULES, type Finding } from '../../src/domain/lint.ts';

const { text, doc } = sampleDocument();
const findings = lintDocument(doc);
const lines = text.split('\n');
const of = (rule: string) => findings.filter((f) => f.ruleId === rule);
const lineOf = (needle: string, from = 0) => lines.findIndex((l, i) => i >= from && l.includes(needle)) + 1;

test('rules are data: id, severity, titles in Japanese and English', () => {
  for (const r of RULES) {
    assert.match(r.id, /^[a-z-]+$/);
    assert.ok(['error', 'warning', 'info'].includes(r.severity));
    assert.ok(r.title.ja && r.title.en);
  }
  for (const f of findings) assert.ok(f.message.ja && f.message.en && f.line, JSON.stringify(f));
});

test('department spelled two ways: 商工推進課 / 商工振興課 and 関係課 / 関係課所', () => {
  const d = of('department-spelling');
  assert.equal(d.length, 2);
  assert.match(d[0]!.message.ja, /商工推進課.*商工振興課/);
  assert.equal(d[0]!.line, lineOf('商工推進課'));
  assert.match(d[1]!.message.ja, /「関係課」.*「関係課所」/);
});

test('pillar named two ways: 安全・安心の確保 / 安心・安全の確保', () => {
  const p = of('pillar-spelling');
  assert.equal(p.length, 1);
  assert.match(p[0]!.message.ja, /安全・安心の確保.*安心・安全の確保/);
  assert.ok(p[0]!.related.includes(lineOf('安心・安全の確保')));
});

test('a Cyrillic letter inside a Japanese word', () => {
  const f = of('foreign-script');
  assert.ok(f.length >= 1);
  assert.equal(f[0]!.line, lineOf('デジタルデバйд'));
  assert.match(f[0]!.message.ja, /й.*U\+0439/);
  assert.ok(of('subarea-spelling').some((x) => /デジタルデバインド対策/.test(x.message.ja)));
});

test('identical results in 17 and 18; a result labelled with another initiative (01 ← 02)', () => {
  const dup = of('duplicate-results');
  assert.equal(dup.length, 1, 'boilerplate such as 次年度以降… is not reported');
  assert.deepEqual(
    dup[0]!.refs.map((k) => doc.data.initiatives.find((i) => i.key === k)!.number),
    ['17', '18'],
  );
  const other = of('result-names-other-initiative');
  assert.equal(other.length, 1);
  assert.match(other[0]!.message.ja, /^01 .*02 日立市デジタル化推進連絡会議の開催/);
});

test('contents and pages disagree: 16, 94, 88, and titles 36 / 42 / 44', () => {
  const placed = of('contents-placement').map((f) => f.message.ja.split(' ')[0]);
  for (const n of ['16', '94', '88', '46']) assert.ok(placed.includes(n), `${n} in ${placed}`);
  const titles = of('contents-title').map((f) => f.message.ja);
  assert.equal(titles.length, 3);
  assert.match(titles.join('\n'), /中小企業の DX 推進/);
  assert.match(titles.join('\n'), /宿泊施設のデジタル化環境整備支援/);
  assert.match(titles.join('\n'), /介護ロボットの導入支援/);
});

test('a result label with no value (83 印刷経費削減額)', () => {
  const r = of('result-without-value');
  assert.equal(r.length, 1);
  assert.equal(r[0]!.line, lineOf('印刷経費削減額'));
});

test('printed tables agree with the data in the sample, and a tampered copy is caught', () => {
  assert.equal(of('printed-summary').length, 0);
  assert.equal(of('printed-progress').length, 0);
  const tampered = text.replace('デジタル環境整備\t2\t16\t1\t19', 'デジタル環境整備\t2\t15\t1\t18').replace('11.2% (48.6%)', '11.2% (48.7%)');
  const t = lintDocument(parsePlanText(tampered, { organization: { code: '082023', name: '日立市' } }));
  const summary = t.filter((f) => f.ruleId === 'printed-summary');
  assert.equal(summary.length, 2);
  assert.match(summary[0]!.message.ja, /実施中は 15 と印字されていますが、施策から数えると 16/);
  const progress = t.filter((f) => f.ruleId === 'printed-progress');
  assert.equal(progress.length, 1);
  assert.match(progress[0]!.message.ja, /48\.7% と印字されていますが、計算では 48\.6%/);
});

test('formatted output points at file and line, in Japanese or English', () => {
  const f: Finding[] = of('department-spelling');
  const ja = formatFindings(f, 'ja', 'plan.txt');
  assert.match(ja, /^plan\.txt:\d+: warning \[department-spelling\] 担当課所/);
  assert.match(formatFindings(f, 'en', 'plan.txt'), /look like one department spelled two ways/);
});
