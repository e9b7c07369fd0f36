// The CLI as a user runs it: a separate process, a fresh embedded data directory (and once on the
// PostgreSQL server), the sample plan file, and the error cases the issue names.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import iconv from 'iconv-lite';
import { SAMPLE } from '../../src/db/sample.ts';
import { SERVER_URL } from '../helpers/db.ts';

const ROOT = new URL('../../', import.meta.url).pathname;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function shisaku(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [join(ROOT, 'bin/shisaku.js'), ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: '', ...env },
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('error', reject);
    p.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

let dir: string;
let env: Record<string, string>;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'shisaku-cli-'));
  env = { SHISAKU_DATA_DIR: join(dir, 'data') };
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('import, refuse a second import, replace, export json with both tables exactly as printed', async () => {
  const first = await shisaku(['import', 'plan-text', SAMPLE.file, '--org', '082023', '--year', '2023'], env);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stderr, /施策 102 件/);

  const again = await shisaku(['import', 'plan-text', SAMPLE.file, '--org', '082023', '--year', '2023'], env);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /既に登録されています.*--replace/);

  const replaced = await shisaku(['import', 'plan-text', SAMPLE.file, '--org', '082023', '--year', '2023', '--replace'], env);
  assert.equal(replaced.code, 0, replaced.stderr);
  assert.match(replaced.stderr, /置き換えました/);

  const out = await shisaku(['export', 'json', '--org', '082023', '--year', '2023'], env);
  assert.equal(out.code, 0, out.stderr);
  const doc = JSON.parse(out.stdout);
  assert.deepEqual(doc.organization, { code: '082023', name: '日立市' });
  assert.equal(doc.edition.fiscalYear, 2023);
  assert.equal(doc.initiatives.length, 102);
  assert.equal(doc.pillars.length, 5);
  const rows = doc.summaryTable.rows.map((r: { counts: Record<string, number>; total: number }) => [
    r.counts.completed,
    r.counts.in_progress,
    r.counts.new,
    r.total,
  ]);
  assert.deepEqual(rows, [
    [0, 7, 1, 8],
    [2, 16, 1, 19],
    [0, 37, 3, 40],
    [2, 19, 0, 21],
    [4, 10, 0, 14],
  ]);
  assert.deepEqual(
    [doc.summaryTable.totals.completed, doc.summaryTable.totals.in_progress, doc.summaryTable.totals.new, doc.summaryTable.total],
    [8, 89, 5, 102],
  );
  assert.deepEqual(
    doc.kpis.map((k: { progressRate: string }) => k.progressRate),
    ['48.6', '44.1', '63.5', '84.5', '84.1', '71.9', '83.3', '98.3', '92.8'],
  );
  const first08 = doc.initiatives.find((i: { number: string }) => i.number === '08');
  assert.deepEqual(first08.departments, ['市民課', 'デジタル推進課']);
  assert.equal(first08.results[0].actual, '73.6');
  assert.equal(first08.results[0].target, '70');
});

test('lint reports the sample’s inconsistencies with source lines', async () => {
  const run = await shisaku(['lint', SAMPLE.file, '--org', '082023'], env);
  assert.match(run.stdout, /商工推進課/);
  assert.match(run.stdout, /商工振興課/);
  assert.match(run.stdout, /安心・安全の確保/);
  assert.match(run.stdout, /関係課所/);
  assert.match(run.stdout, /й/);
  assert.match(run.stdout, /:\d+: /);
  // Without a file it lints what is stored, from the source document kept at import.
  const stored = await shisaku(['lint'], env);
  assert.match(stored.stdout, /商工推進課/);
});

test('merging a department spelling', async () => {
  const run = await shisaku(['departments', 'merge', '商工推進課', '--into', '商工振興課', '--org', '082023'], env);
  assert.equal(run.code, 0, run.stderr);
  const list = await shisaku(['departments', 'list', '--org', '082023'], env);
  assert.match(list.stdout, /商工振興課\t6\t別名: 商工推進課/);
});

test('bad input: not a plan, empty, binary, Shift_JIS, wrong org code — clear message, non-zero, nothing written', async () => {
  const cases: [string, Buffer | string, RegExp][] = [
    ['random.txt', 'これは計画ではありません。\n今日はいい天気です。\n', /計画/],
    ['empty.txt', '', /空|計画/],
    ['binary.bin', randomBytes(4096), /./],
    ['sjis.txt', iconv.encode('01. 施策\nデジタル推進課\n実施中\n', 'Shift_JIS'), /./],
  ];
  const before = await shisaku(['export', 'json', '--org', '082023', '--year', '2023'], env);
  for (const [name, content, message] of cases) {
    const file = join(dir, name);
    writeFileSync(file, content);
    const run = await shisaku(['import', 'plan-text', file, '--org', '082023', '--year', '2024'], env);
    assert.notEqual(run.code, 0, `${name} should be refused`);
    assert.match(run.stderr, message, name);
    assert.doesNotMatch(run.stderr, /予期しないエラー|at .*\.ts:\d+/, `${name}: no stack trace`);
  }
  const wrongCode = await shisaku(['import', 'plan-text', SAMPLE.file, '--org', '082024', '--year', '2024'], env);
  assert.equal(wrongCode.code, 2);
  assert.match(wrongCode.stderr, /検査数字/);
  const missing = await shisaku(['import', 'plan-text', join(dir, 'nope.txt'), '--org', '082023'], env);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /ファイルがありません/);
  const noYear = await shisaku(['export', 'json', '--org', '082023', '--year', '2031'], env);
  assert.equal(noYear.code, 2);
  const after = await shisaku(['export', 'json', '--org', '082023', '--year', '2023'], env);
  assert.equal(after.stdout, before.stdout);
  const editions = await shisaku(['editions'], env);
  assert.doesNotMatch(editions.stdout, /2024/);
});

test('a second server on the same embedded data directory is refused, without harm', async () => {
  const holder = spawn(process.execPath, [join(ROOT, 'bin/shisaku.js'), 'serve', '--port', '0'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: '', ...env },
  });
  try {
    await new Promise<void>((resolve, reject) => {
      let err = '';
      holder.stderr.on('data', (d) => {
        err += d;
        if (/http:\/\//.test(err)) resolve();
      });
      holder.on('exit', () => reject(new Error(`server exited: ${err}`)));
    });
    const second = await shisaku(['export', 'json', '--org', '082023', '--year', '2023'], env);
    assert.equal(second.code, 1);
    assert.match(second.stderr, /使用中.*PID/);
  } finally {
    holder.kill('SIGTERM');
    await new Promise((r) => holder.once('exit', r));
  }
  const after = await shisaku(['export', 'json', '--org', '082023', '--year', '2023'], env);
  assert.equal(after.code, 0, after.stderr);
});

test('the same CLI on the PostgreSQL server via DATABASE_URL', async () => {
  const name = `shisaku_cli_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: SERVER_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  try {
    const server = { DATABASE_URL: url.toString() };
    const imported = await shisaku(['import', 'plan-text', SAMPLE.file, '--org', '082023', '--year', '2023'], server);
    assert.equal(imported.code, 0, imported.stderr);
    const out = await shisaku(['export', 'json', '--org', '082023', '--year', '2023'], server);
    const embedded = await shisaku(['export', 'json', '--org', '082023', '--year', '2023'], env);
    const strip = (s: string) => {
      const d = JSON.parse(s);
      d.departments = d.departments.map((x: { name: string }) => x.name).sort();
      return d;
    };
    // Same document from both databases (the embedded one had a merge; compare what the merge does not touch).
    assert.deepEqual(strip(out.stdout).kpis, strip(embedded.stdout).kpis);
    assert.deepEqual(strip(out.stdout).summaryTable, strip(embedded.stdout).summaryTable);
  } finally {
    const c = new pg.Client({ connectionString: SERVER_URL });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.end();
  }
});
