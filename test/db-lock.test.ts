// The embedded data directory's lock survives crashes and containers: a lock left by a process whose PID
// is now someone else's (PID 1 after a container restart, a PID reused after a reboot) or by a zombie is
// taken over; a live holder is refused with what to do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseLockedError, currentHolder, holderAlive, parseLock, parseStat, systemProcesses, takeLock, type ProcessTable } from '../src/db/data-lock.ts';

const dir = () => mkdtempSync(join(tmpdir(), 'shisaku-lock-'));

/** A process table in which PID 1 is this process, started at `start`, on boot `boot`. */
function container(start: string, boot = 'boot-a', others: Record<number, string> = {}): ProcessTable {
  const stat = (pid: number, state: string, s: string) => `${pid} (node server (x)) ${state} ${'0 '.repeat(18)}${s} 0 0`;
  return {
    ownPid: 1,
    bootId: () => boot,
    stat: (pid) => (pid === 1 ? stat(1, 'S', start) : others[pid] ? stat(pid, others[pid]!.split(':')[0]!, others[pid]!.split(':')[1]!) : null),
    hasProc: true,
    alive: () => true,
  };
}

test('the stat line is read past a command name with spaces and parentheses', () => {
  assert.deepEqual(parseStat(`1 (node server (x)) S ${'0 '.repeat(18)}4242 0 0`), { state: 'S', start: '4242' });
  const own = currentHolder();
  assert.equal(own.pid, process.pid);
  if (systemProcesses.hasProc) assert.match(own.start ?? '', /^\d+$/);
});

test('a crashed server that ran as PID 1 restarts as PID 1: the old lock is stale', () => {
  const d = dir();
  const lock = join(d, 'shisaku.lock');
  // The crashed server: PID 1, started at tick 100. The restarted one: PID 1, started at tick 900.
  writeFileSync(lock, JSON.stringify({ pid: 1, boot: 'boot-a', start: '100' }));
  const release = takeLock(d, lock, container('900'));
  assert.deepEqual(parseLock(readFileSync(lock, 'utf8')), { pid: 1, boot: 'boot-a', start: '900' });
  // A second open in the same live process is refused, with what to do.
  assert.throws(
    () => takeLock(d, lock, container('900')),
    (e: unknown) => e instanceof DatabaseLockedError && /使用中/.test(e.message) && e.message.includes(lock),
  );
  release();
  assert.equal(existsSync(lock), false);
  rmSync(d, { recursive: true, force: true });
});

test('a lock of the bare-PID format naming our own PID is a reuse; a reboot makes any lock stale', () => {
  assert.equal(holderAlive({ pid: 1, boot: null, start: null }, container('900')), false);
  assert.equal(holderAlive({ pid: 1, boot: 'boot-old', start: '900' }, container('900', 'boot-new')), false);
});

test('a zombie holds nothing; a live other process holds the lock', () => {
  const procs = container('900', 'boot-a', { 77: 'Z:500', 78: 'S:600' });
  assert.equal(holderAlive({ pid: 77, boot: 'boot-a', start: '500' }, procs), false);
  assert.equal(holderAlive({ pid: 78, boot: 'boot-a', start: '600' }, procs), true);
  // The same PID, started at another time: another process took the PID.
  assert.equal(holderAlive({ pid: 78, boot: 'boot-a', start: '601' }, procs), false);
  assert.equal(holderAlive({ pid: 79, boot: 'boot-a', start: '1' }, procs), false);
});

test('on this machine: a live process holding the lock is refused, and its lock is taken over once it is gone', async (t) => {
  if (!systemProcesses.hasProc) return t.skip('no /proc');
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  await new Promise((r) => child.once('spawn', r));
  const stat = systemProcesses.stat(child.pid!)!;
  const d = dir();
  const lock = join(d, 'shisaku.lock');
  writeFileSync(lock, JSON.stringify({ pid: child.pid, boot: systemProcesses.bootId(), start: parseStat(stat)!.start }));
  assert.throws(() => takeLock(d, lock), DatabaseLockedError);
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  const release = takeLock(d, lock);
  release();
  rmSync(d, { recursive: true, force: true });
});
