// Wrong command lines as a person types them: an unknown option, an option without its value, an
// unknown command. Each gets one line saying why (Japanese, then English), the usage of that command and
// exit code 2, and never a stack trace. An unexpected error prints its message; the stack only with DEBUG.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function shisaku(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: '', DEBUG: '', SHISAKU_DATA_DIR: dataDir, ...env },
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.stdin.end();
    p.on('error', reject);
    p.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

let dir: string;
let dataDir: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'shisaku-usage-'));
  dataDir = join(dir, 'data');
});
after(() => rmSync(dir, { recursive: true, force: true }));

const STACK = /^\s+at |ERR_PARSE_ARGS|予期しないエラー|unexpected error/m;

/** Exit 2, nothing on stdout, the reason on the first line, then the usage, and no stack. */
function assertUsage(run: Run, reason: RegExp, usage: RegExp[], notUsage: RegExp[] = []) {
  assert.equal(run.code, 2, run.stderr);
  assert.equal(run.stdout, '');
  const [first, ...rest] = run.stderr.split('\n');
  assert.match(first!, /^shisaku: /);
  assert.match(first!, reason);
  assert.match(first!, /[^\x00-\x7f].* \/ [\x20-\x7e]+$/, 'Japanese, then English');
  const body = rest.join('\n');
  assert.match(body, /使い方 \/ usage:/);
  for (const u of usage) assert.match(body, u);
  for (const u of notUsage) assert.doesNotMatch(body, u);
  assert.doesNotMatch(run.stderr, STACK);
}

test('an unknown option of a subcommand: the reason and that command’s usage, exit 2', async () => {
  const run = await shisaku(['user', 'add', 'x', '--password', 'y']);
  assertUsage(
    run,
    /不明なオプションです: --password \/ unknown option: --password$/,
    [/shisaku user add LOGIN --org CODE --role/],
    [/shisaku report/, /shisaku import/],
  );
});

test('an unknown option of a command main.ts parses itself', async () => {
  const run = await shisaku(['editions', '--organisation', '082023']);
  assertUsage(run, /不明なオプションです: --organisation \/ unknown option: --organisation$/, [/shisaku editions \[--org CODE\]/], [/shisaku user/]);
});

test('an unknown option of import xlsx shows the import usage', async () => {
  const run = await shisaku(['import', 'xlsx', 'plan.xlsx', '--org', '082023', '--year', '2023', '--dryrun']);
  assertUsage(run, /--dryrun/, [/shisaku import plan-text FILE/, /shisaku import xlsx\|csv FILE/], [/shisaku export/]);
});

test('an option without its value', async () => {
  const missing = await shisaku(['export', 'json', '--year', '2023', '--org']);
  assertUsage(
    missing,
    /オプション --org の値がありません \/ option --org needs a value$/,
    [/shisaku export json --org CODE --year YYYY/, /shisaku export csv/],
    [/shisaku import/],
  );
  // The next option is not taken as the value.
  const ambiguous = await shisaku(['report', '--org', '--year', '2023']);
  assertUsage(ambiguous, /オプション --org の値がありません \/ option --org needs a value$/, [/shisaku report --org CODE --year YYYY --format html\|pdf/]);
});

test('a value given to a switch, and an argument a command does not take', async () => {
  const flag = await shisaku(['import', 'plan-text', 'plan.txt', '--org', '082023', '--replace=yes']);
  assertUsage(flag, /オプション --replace は値をとりません \/ option --replace takes no value$/, [/shisaku import plan-text/]);
  const extra = await shisaku(['report', '--org', '082023', '--year', '2023', 'extra']);
  assertUsage(extra, /余分な引数です: extra \/ unexpected argument: extra$/, [/shisaku report/]);
});

test('an unknown command: the reason and the list of commands, nothing opened', async () => {
  const untouched = join(dir, 'unknown-command');
  const run = await shisaku(['frobnicate', '--org', '082023'], { SHISAKU_DATA_DIR: untouched });
  assertUsage(run, /不明なコマンドです: frobnicate \/ unknown command: frobnicate$/, [/shisaku import plan-text/, /shisaku user add/, /shisaku serve/]);
  assert.equal(existsSync(untouched), false, 'no database was opened');
});

test('a command that names its own usage error keeps exit 2 and shows its usage', async () => {
  const run = await shisaku(['import', 'plan-text']);
  assertUsage(run, /引数/, [/shisaku import plan-text FILE --org CODE/]);
});

test('COMMAND --help and help COMMAND print that command’s usage on stdout, exit 0', async () => {
  const untouched = join(dir, 'help');
  for (const args of [
    ['user', '--help'],
    ['help', 'user'],
    ['user', 'add', '-h'],
  ]) {
    const run = await shisaku(args, { SHISAKU_DATA_DIR: untouched });
    assert.equal(run.code, 0, `${args.join(' ')}: ${run.stderr}`);
    assert.match(run.stdout, /^使い方 \/ usage:\n {2}shisaku user add LOGIN/);
    assert.doesNotMatch(run.stdout, /shisaku report/);
    assert.equal(run.stderr, '');
  }
  const unknown = await shisaku(['help', 'frobnicate'], { SHISAKU_DATA_DIR: untouched });
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /^shisaku: 不明なコマンドです: frobnicate/);
  assert.equal(existsSync(untouched), false, 'no database was opened');
});

test('an unexpected error prints its message on one line; the stack only when DEBUG is set', async () => {
  // Nothing listens on port 1: opening the database fails in a way no command foresees.
  const env = { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none' };
  const quiet = await shisaku(['editions'], env);
  assert.equal(quiet.code, 1);
  assert.equal(quiet.stdout, '');
  const lines = quiet.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, quiet.stderr);
  assert.match(lines[0]!, /^shisaku: 予期しないエラー \/ unexpected error: .*ECONNREFUSED/);
  assert.match(lines[0]!, /DEBUG=1/);
  assert.doesNotMatch(quiet.stderr, /^\s+at /m);

  const debug = await shisaku(['editions'], { ...env, DEBUG: '1' });
  assert.equal(debug.code, 1);
  assert.match(debug.stderr, /^shisaku: 予期しないエラー \/ unexpected error: .*ECONNREFUSED/);
  assert.match(debug.stderr, /^\s+at .*client\.ts:\d+/m);
});
