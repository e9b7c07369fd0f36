// `npm run test:crash` — kill -9 probes, not part of `npm test`. Each probe starts a child process doing
// one write (test/crash/child.ts runs the `shisaku` command line), kills it with SIGKILL at a random moment,
// reopens the database and checks that the state is exactly the one before the write or the one after it,
// on both databases: an embedded PGlite data directory and a throw-away PostgreSQL database (the server of
// test/helpers/db.ts). The probes:
//   import    `import plan-text` of the sample into an empty database
//   replace   `import plan-text --replace --allow-remove` of a truncated copy over the sample
//   xlsx      `import xlsx` of the sample's workbook with every initiative's texts changed
//   save-load the server under a save load: signed-in staff saving initiatives over HTTP; afterwards every
//             initiative must hold its last acknowledged save or the one in flight, never an older or a
//             half-written one (old: nothing saved yet; new: such a state; other: anything else)
// The states are compared by a digest of every table without its time columns (test/crash/state.ts); the
// state after the write is that of the same write run to its end from the same state. Kill moments are
// stratified over the write's measured duration and drawn from a seeded generator, so a run is repeatable.
//
// Environment: CRASH_RUNS (runs per probe and database, default 5), CRASH_SEED (default 1), CRASH_PROBES
// (comma-separated, default all), CRASH_BACKENDS (pglite,postgres), TEST_DATABASE_URL (default
// postgres://postgres@127.0.0.1:5432/test). Exit status 1 when any run ended in another state (or a probe
// could not run), 0 otherwise.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import ExcelJS from 'exceljs';
import pg from 'pg';
import { openDatabase, type Database, type Db } from '../src/db/client.ts';
import { loadSample, SAMPLE } from '../src/db/sample.ts';
import { loadEdition } from '../src/db/repository.ts';
import { loadImportTarget } from '../src/db/import-target.ts';
import { systemActor } from '../src/db/command.ts';
import { reopenEdition } from '../src/db/workspace.ts';
import { createUser } from '../src/db/accounts.ts';
import { exportWorkbook } from '../src/export/xlsx.ts';
import { INITIATIVE_SHEET } from '../src/domain/sheets.ts';
import type { Initiative } from '../src/domain/model.ts';
import { databaseDigest } from '../test/crash/state.ts';
import { allowedContents, saveLoop, signInOver, type SaveLog } from '../test/crash/save-load.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHILD = join(ROOT, 'test/crash/child.ts');
const RUNS = Math.max(1, Number(process.env.CRASH_RUNS ?? 5) || 5);
const SEED = Number(process.env.CRASH_SEED ?? 1) || 1;
const PROBES = (process.env.CRASH_PROBES ?? 'import,replace,xlsx,save-load').split(',').map((s) => s.trim());
const BACKENDS = (process.env.CRASH_BACKENDS ?? 'pglite,postgres').split(',').map((s) => s.trim());
const SERVER_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ORG = SAMPLE.organization.code;
const FY = SAMPLE.fiscalYear;
const PASSWORD = 'crash probe passphrase';
/** Initiatives saved at once under the save load, one worker each. */
const WORKERS = 6;

/** mulberry32: small, seeded, good enough to spread kill moments. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const work = mkdtempSync(join(tmpdir(), 'shisaku-crash-'));
const cleanups: (() => Promise<void> | void)[] = [];
const children = new Set<ChildProcess>();

// ---- the two databases ------------------------------------------------------------------------------------

/** One database the probes write to: how a child reaches it, how this process opens it, how it goes away. */
interface Place {
  env: Record<string, string | undefined>;
  open(): Promise<Database>;
  drop(): Promise<void>;
  /** A copy of this (closed) database in its current state. */
  copy(): Promise<Place>;
  /** Waits until no process is still connected (a killed client's server session has ended). */
  settle(): Promise<void>;
}

async function pgliteAt(dir: string): Promise<Place> {
  const place: Place = {
    env: { SHISAKU_DATA_DIR: dir, DATABASE_URL: undefined },
    open: () => openDatabase({ dataDir: dir }),
    drop: async () => rmSync(dir, { recursive: true, force: true }),
    copy: async () => {
      const to = mkdtempSync(join(work, 'pglite-'));
      cpSync(dir, to, { recursive: true });
      return pgliteAt(to);
    },
    settle: async () => {},
  };
  return place;
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: SERVER_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

function postgresAt(name: string): Place {
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  const place: Place = {
    env: { DATABASE_URL: url.toString(), SHISAKU_DATA_DIR: undefined },
    open: () => openDatabase({ url: url.toString() }),
    drop: () => admin(async (c) => void (await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))),
    copy: async () => {
      // A template must have no sessions; the pool of the last open may still be closing its sockets.
      await place.settle();
      const to = `shisaku_crash_${randomBytes(5).toString('hex')}`;
      await admin((c) => c.query(`CREATE DATABASE ${to} TEMPLATE ${name}`));
      const copy = postgresAt(to);
      cleanups.push(() => copy.drop().catch(() => {}));
      return copy;
    },
    settle: async () => {
      const until = Date.now() + 30_000;
      while (Date.now() < until) {
        const n = await admin(
          async (c) => (await c.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name])).rows[0].n,
        );
        if (n === 0) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`connections to ${name} did not end`);
    },
  };
  return place;
}

/** A new empty database of the backend, migrated and closed. */
async function emptyPlace(backend: string): Promise<Place> {
  if (backend === 'pglite') {
    const place = await pgliteAt(mkdtempSync(join(work, 'pglite-')));
    await (await place.open()).close();
    return place;
  }
  const name = `shisaku_crash_${randomBytes(5).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const place = postgresAt(name);
  cleanups.push(() => place.drop().catch(() => {}));
  await (await place.open()).close();
  return place;
}

async function withOpen<T>(place: Place, fn: (db: Db) => Promise<T>): Promise<T> {
  const database = await place.open();
  try {
    return await fn(database.db);
  } finally {
    await database.close();
  }
}

// ---- the child ----------------------------------------------------------------------------------------------

interface Child {
  process: ChildProcess;
  /** Resolves when the modules are loaded and the command starts. */
  ready: Promise<void>;
  /** Resolves when the process has ended: its exit code, or the signal that ended it. */
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
}

function startChild(argv: string[], env: Record<string, string | undefined>): Child {
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete childEnv[k];
    else childEnv[k] = v;
  }
  delete childEnv.PORT;
  const p = spawn(process.execPath, ['--import', 'tsx', CHILD, ...argv], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(p);
  let err = '';
  let out = '';
  p.stderr!.on('data', (b: Buffer) => {
    err += b.toString();
  });
  const ready = new Promise<void>((resolve, reject) => {
    p.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('ready\n')) resolve();
    });
    p.once('exit', () => reject(new Error(`the child ended before it was ready: ${err.slice(-2000)}`)));
  });
  ready.catch(() => {});
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    p.once('exit', (code, signal) => {
      children.delete(p);
      resolve({ code, signal });
    }),
  );
  return { process: p, ready, exit, stderr: () => err };
}

function timeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what}: no answer in ${ms / 1000} s`)), ms).unref())]);
}

// ---- the probes -----------------------------------------------------------------------------------------

interface Outcome {
  state: 'old' | 'new' | 'other';
  /** Whether the kill found the child still at work (rather than already ended). */
  killedRunning: boolean;
  digest: string;
  why?: string;
}

interface Report {
  probe: string;
  backend: string;
  outcomes: Outcome[];
  old?: string;
  new?: string;
  error?: string;
}

/** A write that goes from one state to another in one command: old and new digests, then the killed runs. */
interface CommandProbe {
  name: string;
  /** Brings an empty database to the state before the write, and writes the files the command reads. */
  prepare(db: Db, dir: string): Promise<void>;
  argv(dir: string): string[];
}

const samplePlan = readFileSync(SAMPLE.file, 'utf8');

const COMMAND_PROBES: CommandProbe[] = [
  {
    name: 'import',
    prepare: async (_db, dir) => writeFileSync(join(dir, 'plan.txt'), samplePlan),
    argv: (dir) => ['import', 'plan-text', join(dir, 'plan.txt'), '--org', ORG],
  },
  {
    name: 'replace',
    prepare: async (db, dir) => {
      await loadSample(db);
      // Truncated as in the issue, and one initiative's text changed: a replace that removes and changes.
      const lines = samplePlan.split('\n').slice(0, 1400);
      writeFileSync(join(dir, 'half.txt'), lines.join('\n').replace('デジタル化推進本部', 'デジタル化推進本部（改）'));
    },
    argv: (dir) => ['import', 'plan-text', join(dir, 'half.txt'), '--org', ORG, '--replace', '--allow-remove'],
  },
  {
    name: 'xlsx',
    prepare: async (db, dir) => {
      await loadSample(db);
      // A draft: the command line cannot import into a published edition (it would reopen it first, a write of its own).
      await reopenEdition(db, await systemActor(db, ORG, 'crash'), FY, 'crash probe');
      const target = await loadImportTarget(db, ORG, FY);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load((await exportWorkbook(target!.current)) as unknown as ArrayBuffer);
      const ws = wb.getWorksheet(INITIATIVE_SHEET)!;
      const columns = new Map<string, number>();
      ws.getRow(1).eachCell((cell, n) => columns.set(String(cell.value ?? '').trim(), n));
      let changed = 0;
      for (const heading of ['施策内容', '今年度の取組']) {
        const n = columns.get(heading);
        if (!n) throw new Error(`the workbook has no column ${heading} (${[...columns.keys()].join('、')})`);
        for (let r = 2; r <= ws.rowCount; r++) {
          const cell = ws.getRow(r).getCell(n);
          if (typeof cell.value !== 'string' || !cell.value.trim()) continue;
          cell.value = `${cell.value}（改訂 ${r}）`;
          changed++;
        }
      }
      if (changed < 100) throw new Error(`only ${changed} cells changed`);
      writeFileSync(join(dir, 'changed.xlsx'), new Uint8Array(await wb.xlsx.writeBuffer()));
    },
    argv: (dir) => ['import', 'xlsx', join(dir, 'changed.xlsx'), '--org', ORG, '--year', String(FY)],
  },
];

async function runCommandProbe(probe: CommandProbe, backend: string, random: () => number): Promise<Report> {
  const report: Report = { probe: probe.name, backend, outcomes: [] };
  const dir = mkdtempSync(join(work, `${probe.name}-`));
  const template = await emptyPlace(backend);
  try {
    await withOpen(template, (db) => probe.prepare(db, dir));
    const old = (await withOpen(template, databaseDigest)).digest;
    report.old = old;

    // The write run to its end: the state after it, and how long it takes from "ready".
    const reference = await template.copy();
    const child = startChild(probe.argv(dir), reference.env);
    await timeout(child.ready, 300_000, `${probe.name}: the child`);
    const started = Date.now();
    const end = await timeout(child.exit, 600_000, `${probe.name}: the write`);
    let duration = Date.now() - started;
    if (end.code !== 0) throw new Error(`the write itself failed (exit ${end.code}): ${child.stderr().slice(-2000)}`);
    const after = (await withOpen(reference, databaseDigest)).digest;
    await reference.drop();
    if (after === old) throw new Error('the write changed nothing: the probe could not tell old from new');
    report.new = after;

    for (let run = 0; run < RUNS; run++) {
      // Stratified: run k is killed somewhere in the k-th part of the write's duration.
      const delay = Math.round((duration * (run + random())) / RUNS);
      const place = await template.copy();
      const c = startChild(probe.argv(dir), place.env);
      await timeout(c.ready, 300_000, `${probe.name}: the child`);
      const readyAt = Date.now();
      const killer = setTimeout(() => c.process.kill('SIGKILL'), delay);
      const ended = await timeout(c.exit, 600_000, `${probe.name}: the killed write`);
      clearTimeout(killer);
      // A write that ended before its kill was faster than the first one (caches are warm): later kills aim within its time.
      if (ended.signal !== 'SIGKILL') duration = Math.min(duration, Date.now() - readyAt);
      await place.settle();
      let outcome: Outcome;
      try {
        const digest = (await withOpen(place, databaseDigest)).digest;
        outcome = {
          state: digest === old ? 'old' : digest === after ? 'new' : 'other',
          killedRunning: ended.signal === 'SIGKILL',
          digest,
        };
      } catch (e) {
        outcome = { state: 'other', killedRunning: ended.signal === 'SIGKILL', digest: '-', why: `the database does not open: ${(e as Error).message}` };
      }
      report.outcomes.push(outcome);
      await place.drop();
    }
  } finally {
    await template.drop().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
  return report;
}

/** The server under a save load, killed while saves are flowing. */
async function runSaveLoad(backend: string, random: () => number): Promise<Report> {
  const report: Report = { probe: 'save-load', backend, outcomes: [] };
  const template = await emptyPlace(backend);
  try {
    const initial = await withOpen(template, async (db) => {
      await loadSample(db);
      await reopenEdition(db, await systemActor(db, ORG, 'crash'), FY, 'crash probe');
      await createUser(db, { orgCode: ORG, login: 'crash', displayName: 'crash', email: null, password: PASSWORD, role: 'admin', departments: [] });
      return (await loadEdition(db, ORG, FY))!.initiatives;
    });
    const byKey = new Map(initial.map((i) => [i.key, i]));
    const saved = initial.filter((i) => i.content.trim()).slice(0, WORKERS);
    for (let run = 0; run < RUNS; run++) {
      const place = await template.copy();
      const c = startChild(['serve', '--port', '0'], place.env);
      const logs: SaveLog[] = saved.map((i) => ({ key: i.key, initial: i.content, sent: [], acknowledged: -1, failures: [] }));
      let killed = false;
      try {
        await timeout(c.ready, 300_000, 'save-load: the server');
        const base = await timeout(
          new Promise<string>((resolve, reject) => {
            const poll = setInterval(() => {
              const m = /http:\/\/localhost:(\d+)\//.exec(c.stderr());
              if (m) {
                clearInterval(poll);
                resolve(`http://127.0.0.1:${m[1]}`);
              }
            }, 50);
            c.exit.then(() => {
              clearInterval(poll);
              reject(new Error(`the server ended: ${c.stderr().slice(-2000)}`));
            });
          }),
          300_000,
          'save-load: the server to listen',
        );
        const session = await signInOver(base, 'crash', PASSWORD);
        // Killed a random moment (up to two seconds) after the first acknowledged save, so saves are flowing.
        let first = true;
        const kill = () => {
          if (!first) return;
          first = false;
          setTimeout(
            () => {
              killed = true;
              c.process.kill('SIGKILL');
            },
            Math.round(random() * 2000),
          );
        };
        await Promise.all(logs.map((log) => saveLoop(base, session, FY, log, () => killed, kill)));
      } finally {
        if (c.process.exitCode === null && c.process.signalCode === null) c.process.kill('SIGKILL');
      }
      const ended = await c.exit;
      await place.settle();
      let outcome: Outcome;
      try {
        const stored = await withOpen(place, async (db) => (await loadEdition(db, ORG, FY))!.initiatives);
        outcome = judgeSaves(byKey, stored, logs, ended.signal === 'SIGKILL');
      } catch (e) {
        outcome = { state: 'other', killedRunning: true, digest: '-', why: `the database does not open: ${(e as Error).message}` };
      }
      const acked = logs.reduce((n, l) => n + l.acknowledged + 1, 0);
      outcome.why = `${acked} saves acknowledged${outcome.why ? `; ${outcome.why}` : ''}`;
      report.outcomes.push(outcome);
      await place.drop();
    }
  } finally {
    await template.drop().catch(() => {});
  }
  return report;
}

/** old: every initiative as before; new: each saved one at its last acknowledged save or the one in flight, the rest untouched; other: anything else. */
function judgeSaves(initial: Map<string, Initiative>, stored: Initiative[], logs: SaveLog[], killedRunning: boolean): Outcome {
  const problems: string[] = [];
  const logOf = new Map(logs.map((l) => [l.key, l]));
  if (stored.length !== initial.size) problems.push(`${stored.length} initiatives instead of ${initial.size}`);
  let untouched = true;
  for (const i of stored) {
    const before = initial.get(i.key);
    if (!before) {
      problems.push(`an initiative ${i.key} that was not there`);
      continue;
    }
    const log = logOf.get(i.key);
    if (i.content !== before.content) untouched = false;
    if (JSON.stringify({ ...i, content: '' }) !== JSON.stringify({ ...before, content: '' }))
      problems.push(`${i.number ?? i.key}: parts other than 施策内容 changed`);
    if (!log) {
      if (i.content !== before.content) problems.push(`${i.number ?? i.key}: changed, though nobody saved it`);
      continue;
    }
    if (!allowedContents(log).includes(i.content)) {
      const at = log.sent.indexOf(i.content);
      problems.push(
        at >= 0 && at < log.acknowledged
          ? `${i.number}: holds save ${at + 1}, though save ${log.acknowledged + 1} was acknowledged (a lost update)`
          : `${i.number}: holds a 施策内容 no save sent`,
      );
    }
  }
  const digest = JSON.stringify(stored.map((i) => [i.key, logOf.get(i.key)?.sent.indexOf(i.content) ?? -1]));
  if (problems.length) return { state: 'other', killedRunning, digest, why: problems.slice(0, 5).join('; ') };
  return { state: untouched ? 'old' : 'new', killedRunning, digest };
}

// ---- the run -----------------------------------------------------------------------------------------------

function printReport(r: Report): void {
  const count = (s: Outcome['state']) => r.outcomes.filter((o) => o.state === s).length;
  const short = (d: string | undefined) => (d ? d.slice(0, 12) : '-');
  const running = r.outcomes.filter((o) => o.killedRunning).length;
  if (r.error) {
    process.stdout.write(`${r.probe.padEnd(10)} ${r.backend.padEnd(9)} could not run: ${r.error}\n`);
    return;
  }
  process.stdout.write(
    `${r.probe.padEnd(10)} ${r.backend.padEnd(9)} runs ${String(r.outcomes.length).padStart(3)}  old ${String(count('old')).padStart(3)}  new ${String(count('new')).padStart(3)}  other ${String(count('other')).padStart(3)}` +
      `  (killed while running ${running})${r.old ? `  old ${short(r.old)} new ${short(r.new)}` : ''}\n`,
  );
  for (const o of r.outcomes) {
    if (o.state === 'other') process.stdout.write(`    other ${short(o.digest)}${o.why ? `: ${o.why}` : ''}\n`);
    else if (r.probe === 'save-load' && process.env.CRASH_VERBOSE) process.stdout.write(`    ${o.state}: ${o.why ?? ''}\n`);
  }
}

async function main(): Promise<number> {
  const t0 = Date.now();
  const backends = BACKENDS.filter((b) => b === 'pglite' || b === 'postgres');
  process.stdout.write(`kill -9 probes: ${PROBES.join(', ')} on ${backends.join(' and ')}, ${RUNS} runs each (CRASH_RUNS), seed ${SEED} (CRASH_SEED)\n`);
  const reports: Report[] = [];
  // The two databases side by side, each its probes one after another: the runs of one probe are timed against its reference run.
  await Promise.all(
    backends.map(async (backend, b) => {
      for (const [p, name] of PROBES.entries()) {
        const random = generator(SEED * 1000 + b * 100 + p);
        const probe = COMMAND_PROBES.find((x) => x.name === name);
        let report: Report;
        try {
          if (probe) report = await runCommandProbe(probe, backend, random);
          else if (name === 'save-load') report = await runSaveLoad(backend, random);
          else report = { probe: name, backend, outcomes: [], error: 'no such probe' };
        } catch (e) {
          report = { probe: name, backend, outcomes: [], error: (e as Error).message };
        }
        printReport(report);
        reports.push(report);
      }
    }),
  );
  const other = reports.reduce((n, r) => n + r.outcomes.filter((o) => o.state === 'other').length, 0);
  const failed = reports.filter((r) => r.error).length;
  process.stdout.write(
    `${other === 0 && failed === 0 ? 'no partial state' : `${other} runs in another state, ${failed} probes could not run`} (${Math.round((Date.now() - t0) / 1000)} s)\n`,
  );
  return other === 0 && failed === 0 ? 0 : 1;
}

async function cleanup(): Promise<void> {
  for (const c of children) c.kill('SIGKILL');
  for (const f of cleanups.reverse()) await f();
  rmSync(work, { recursive: true, force: true });
}

process.once('SIGINT', () => {
  cleanup().finally(() => process.exit(130));
});

let code = 1;
try {
  code = await main();
} finally {
  await cleanup();
}
process.exit(code);
