// `shisaku plan create --org CODE --file plan.yaml` as a user runs it: a separate process on a fresh
// embedded data directory. A file with errors, an organization not yet added, another organization's file
// and an overlapping period are each refused with the file's line and change nothing; a good file creates
// the plan and its empty first edition. `import plan-text` lands in the plan of its year and follows that
// plan's rule on departments; `departments list` shows the tree.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src/db/client.ts';
import { systemActor } from '../../src/db/command.ts';
import { addDepartment, setDepartmentParent } from '../../src/db/departments.ts';

const ROOT = new URL('../../', import.meta.url).pathname;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function shisaku(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [join(ROOT, 'bin/shisaku.js'), ...args], { cwd: ROOT, env: { ...process.env, DATABASE_URL: '', DEBUG: '', ...env } });
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
let env: Record<string, string>;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'shisaku-plan-'));
  env = { SHISAKU_DATA_DIR: join(dir, 'data') };
});
after(() => rmSync(dir, { recursive: true, force: true }));

const PLAN = `organization: { code: "221309", name: 浜松市 }
title: 浜松市DX推進計画
period: { from: 2023, to: 2024 }   # fiscal years, editable later
levels: [取組の柱]
initiative: 取組項目
firstEdition: 2024
`;

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const NO_STACK = /^\s+at |予期しないエラー|unexpected error/m;

/** What the data directory holds, as the command line lists it. */
async function editions(): Promise<string> {
  return (await shisaku(['editions'], env)).stdout;
}

test('plan create: refusals with the line, then the plan and its empty first edition', async () => {
  const plan = file('plan.yaml', PLAN);

  const unknown = await shisaku(['plan', 'create', '--org', '221309', '--file', plan], env);
  assert.equal(unknown.code, 1, unknown.stderr);
  assert.match(unknown.stderr, /plan\.yaml 1行目: 自治体 221309（浜松市）は登録されていません。先に shisaku org add 221309 --name 浜松市 を実行してください/);
  assert.doesNotMatch(unknown.stderr, NO_STACK);

  const added = await shisaku(['org', 'add', '221309', '--name', '浜松市'], env);
  assert.equal(added.code, 0, added.stderr);
  const empty = await editions();

  const broken = file(
    'broken.yaml',
    PLAN.replace('period: { from: 2023, to: 2024 }', 'period: { from: 2025, to: 2024 }')
      .replace('levels: [取組の柱]', 'levels: [a, b, c, d, e]')
      .concat('titel: x\n'),
  );
  const errors = await shisaku(['plan', 'create', '--org', '221309', '--file', broken], env);
  assert.equal(errors.code, 1);
  assert.deepEqual(errors.stderr.trim().split('\n'), [
    'shisaku: broken.yaml 3行目: period.to は period.from 以上の年度です',
    'shisaku: broken.yaml 4行目: levels に書ける階層は4つまでです（例: [基本目標, 取組分野, 取組事項]）',
    'shisaku: broken.yaml 7行目: 知らない項目「titel」があります（title の書き間違いですか）。書ける項目: organization、title、period、levels、initiative、firstEdition、progress、departmentRequired、fields、indicators、grades、schedule',
    'shisaku: 計画の定義に 3 件の誤りがあります。何も作成していません / 3 error(s) in the plan definition; nothing was created',
  ]);

  const other = await shisaku(['plan', 'create', '--org', '082023', '--file', plan], env);
  assert.equal(other.code, 1);
  assert.match(other.stderr, /plan\.yaml 1行目: organization\.code「221309」が --org 082023 と違います/);

  const renamed = await shisaku(['plan', 'create', '--org', '221309', '--file', file('renamed.yaml', PLAN.replace('name: 浜松市', 'name: 浜松'))], env);
  assert.equal(renamed.code, 1);
  assert.match(renamed.stderr, /renamed\.yaml 1行目: organization\.name「浜松」は、登録されている自治体 221309 の名前「浜松市」と違います/);
  assert.equal(await editions(), empty, 'every refusal created nothing');

  const created = await shisaku(['plan', 'create', '--org', '221309', '--file', plan], env);
  assert.equal(created.code, 0, created.stderr);
  assert.match(created.stderr, /計画「浜松市DX推進計画」（2023〜2024年度）を作成しました（浜松市）。2024年度版（空の下書き）も作成しました/);
  assert.equal(created.stdout, '');
  assert.equal(await editions(), '221309\t浜松市\t2024\tdraft\t浜松市DX推進計画 2024年度版\n');

  const overlap = await shisaku(['plan', 'create', '--org', '221309', '--file', plan], env);
  assert.equal(overlap.code, 1);
  assert.match(
    overlap.stderr,
    /plan\.yaml 3行目: 計画期間（2023〜2024年度）が、この自治体の計画「浜松市DX推進計画」（2023〜2024年度）と重なります.* \/ the period overlaps another plan/,
  );
  assert.equal(await editions(), '221309\t浜松市\t2024\tdraft\t浜松市DX推進計画 2024年度版\n', 'the overlap created nothing');

  const json = file(
    'next.json',
    JSON.stringify({
      organization: { code: '221309', name: '浜松市' },
      title: '浜松市DX推進計画（第2期）',
      period: { from: 2025, to: 2027 },
      levels: ['基本目標', '取組分野'],
      initiative: '事業',
      departmentRequired: false,
    }),
  );
  const second = await shisaku(['plan', 'create', '--org', '221309', '--file', json], env);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stderr, /年度版は作成していません/);

  const usage = await shisaku(['plan', 'create', '--org', '221309'], env);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /--file plan\.yaml（計画の定義ファイル）が必要です \/ --file is required/);
  assert.match(usage.stderr, /shisaku plan create --org CODE --file plan\.yaml/);
});

/** A plan text of one initiative without a department line. */
const TEXT = (year: number) => `浜松市DXアクションプラン${year}

01. 電子申請の拡充

実施中

施策内容

窓口に来なくてもできる手続を増やす。

R6 取組

手続を増やす。
`;

test('import plan-text follows the rule of the plan of its year: a department is required only where it says so', async () => {
  const required = await shisaku(['import', 'plan-text', file('required.txt', TEXT(2023)), '--org', '221309', '--year', '2023'], env);
  assert.equal(required.code, 1, required.stderr);
  assert.match(required.stderr, /担当課所のない施策が 1 件あります（この計画では担当課所が必須です）: 3行目「01\. 電子申請の拡充」/);
  assert.doesNotMatch(await editions(), /\t2023\t/);

  const optional = await shisaku(['import', 'plan-text', file('optional.txt', TEXT(2025)), '--org', '221309', '--year', '2025'], env);
  assert.equal(optional.code, 0, optional.stderr);
  const lines = (await editions()).trim().split('\n');
  assert.deepEqual(
    lines.map((l) => l.split('\t').slice(0, 3).join(' ')),
    ['221309 浜松市 2025', '221309 浜松市 2024'],
  );
  // The edition landed in the stored plan of 2025, not in a plan guessed from the text.
  const out = await shisaku(['export', 'json', '--org', '221309', '--year', '2025'], env);
  assert.equal(out.code, 0, out.stderr);
  const doc = JSON.parse(out.stdout);
  assert.equal(doc.plan.title, '浜松市DX推進計画（第2期）');
  assert.deepEqual(doc.initiatives[0].departments, []);
});

test('departments list shows the tree, indented', async () => {
  const database = await openDatabase({ dataDir: env.SHISAKU_DATA_DIR! });
  try {
    const cli = await systemActor(database.db, '221309');
    for (const name of ['デジタル・スマートシティ推進部', 'デジタル・スマートシティ推進課', 'デジタル基盤係', '市民課'])
      await addDepartment(database.db, cli, name);
    await setDepartmentParent(database.db, cli, 'デジタル・スマートシティ推進課', 'デジタル・スマートシティ推進部');
    await setDepartmentParent(database.db, cli, 'デジタル基盤係', 'デジタル・スマートシティ推進課');
  } finally {
    await database.close();
  }
  const list = await shisaku(['departments', 'list', '--org', '221309'], env);
  assert.equal(list.code, 0, list.stderr);
  assert.equal(list.stdout, 'デジタル・スマートシティ推進部\t0\n  デジタル・スマートシティ推進課\t0\n    デジタル基盤係\t0\n市民課\t0\n');
});
