// A new municipality from nothing to its published plan with only the command line and a workbook, as the
// README tells a new user to do it: org add → user add → plan create --file → export xlsx --blank → fill
// the workbook by its column headings → import xlsx (preview, then apply with --create) → publish → the
// portal shows it. Each command is a separate process on one embedded data directory.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { openDatabase } from '../../src/db/client.ts';
import { createApp } from '../../src/web/app.tsx';
import { clearEditionCache } from '../../src/web/public/edition-cache.ts';

const ROOT = new URL('../../', import.meta.url).pathname;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function shisaku(args: string[], env: Record<string, string>, stdin = ''): Promise<Run> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [join(ROOT, 'bin/shisaku.js'), ...args], { cwd: ROOT, env: { ...process.env, DATABASE_URL: '', ...env } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('error', reject);
    p.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    p.stdin.end(stdin);
  });
}

let dir: string;
let env: Record<string, string>;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'shisaku-e2e-'));
  env = { SHISAKU_DATA_DIR: join(dir, 'data') };
});
after(() => rmSync(dir, { recursive: true, force: true }));

const PLAN = `organization: { code: "221309", name: 浜松市 }
title: 浜松市DX推進計画
period: { from: 2023, to: 2024 }
levels: [取組の柱]
initiative: 取組項目
firstEdition: 2024
`;

/** The rows a staff member types, by column heading. */
const ROWS: Record<string, string>[] = [
  {
    取組の柱: '行政手続のオンライン化',
    取組項目: '電子申請の拡充',
    担当課所: 'デジタル・スマートシティ推進課',
    状況: '実施中',
    取組項目内容: '窓口に来なくてもできる手続を増やす。',
  },
  {
    取組の柱: '行政手続のオンライン化',
    取組項目: 'キャッシュレス決済',
    担当課所: '市民課',
    状況: '新規',
    取組項目内容: '窓口の手数料をキャッシュレスで払えるようにする。',
  },
  { 取組の柱: 'デジタルで支える暮らし', 取組項目: 'スマートフォン教室', 担当課所: '高齢者福祉課', 状況: '実施中', 取組項目内容: '高齢者向けの教室を開く。' },
];

/** Fills the first empty rows of the initiative sheet, finding each column by its heading. */
async function fill(file: string): Promise<void> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  const ws = wb.worksheets.find((s) => s.name === '施策' || s.name === '取組項目');
  assert.ok(ws, `initiative sheet in ${wb.worksheets.map((s) => s.name).join(', ')}`);
  const header = ws.getRow(1);
  const column = new Map<string, number>();
  header.eachCell((cell, n) => column.set(String(cell.value ?? '').trim(), n));
  for (const name of ['取組の柱', '取組項目', '担当課所', '状況']) assert.ok(column.has(name), `column ${name} in ${[...column.keys()].join(', ')}`);
  ROWS.forEach((row, k) => {
    for (const [heading, value] of Object.entries(row)) {
      const n = column.get(heading);
      if (n) ws.getRow(2 + k).getCell(n).value = value;
    }
  });
  await wb.xlsx.writeFile(file);
}

test('org add → user add → plan create → blank workbook → import → publish → portal', async () => {
  const step = async (args: string[], stdin = '') => {
    const r = await shisaku(args, env, stdin);
    assert.equal(r.code, 0, `${args.join(' ')}\n${r.stderr}`);
    return r;
  };
  await step(['org', 'add', '221309', '--name', '浜松市']);
  await step(['user', 'add', 'hamamatsu-admin', '--org', '221309', '--role', 'admin', '--name', '管理者'], 'a long passphrase here\n');
  const planFile = join(dir, 'plan.yaml');
  writeFileSync(planFile, PLAN);
  await step(['plan', 'create', '--org', '221309', '--file', planFile]);

  const book = join(dir, 'hamamatsu-2024.xlsx');
  await step(['export', 'xlsx', '--org', '221309', '--year', '2024', '--blank', '--out', book]);
  await fill(book);

  // Without --create a file that would create groups and departments is refused, naming them.
  const refused = await shisaku(['import', 'xlsx', book, '--org', '221309', '--year', '2024'], env);
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /行政手続のオンライン化/);
  assert.match(refused.stderr, /高齢者福祉課/);

  const preview = await step(['import', 'xlsx', book, '--org', '221309', '--year', '2024', '--create', '--dry-run']);
  assert.match(preview.stdout + preview.stderr, /スマートフォン教室/);
  await step(['import', 'xlsx', book, '--org', '221309', '--year', '2024', '--create']);
  // Re-applying the same file announces nothing.
  const again = await step(['import', 'xlsx', book, '--org', '221309', '--year', '2024']);
  assert.doesNotMatch(again.stdout + again.stderr, /スマートフォン教室/);

  await step(['publish', '--org', '221309', '--year', '2024']);

  const database = await openDatabase({ dataDir: env.SHISAKU_DATA_DIR! });
  clearEditionCache();
  try {
    const app = createApp({ database });
    const res = await app.request('/o/221309/2024', { headers: { 'accept-language': 'ja' } });
    assert.equal(res.status, 200);
    const html = await res.text();
    assert.match(html, /浜松市DX推進計画/);
    assert.match(html, /行政手続のオンライン化/);
    assert.match(html, /デジタルで支える暮らし/);
    const home = await (await app.request('/', { headers: { 'accept-language': 'ja' } })).text();
    assert.match(home, /浜松市/);
  } finally {
    await database.close();
  }
  assert.ok(readFileSync(book).length > 0);
});
