// The lock on an embedded (PGlite) data directory: PGlite corrupts a directory two processes open, so the
// first holds `shisaku.lock`. The file names its holder by what a later process cannot take over by
// accident: the PID together with the kernel's boot id and the process's start time (/proc/<pid>/stat).
// A PID alone is not enough — a server that ran as PID 1 in a container restarts as PID 1 again, and a PID
// is reused after a reboot — so a lock whose boot id or start time does not match the live process of that
// PID is stale and taken over, as is one whose process is a zombie. Where /proc is missing (not Linux),
// the PID alone decides, as before.
import { closeSync, openSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';

export interface LockHolder {
  pid: number;
  /** /proc/sys/kernel/random/boot_id when the lock was taken; null where there is none. */
  boot: string | null;
  /** Field 22 of /proc/<pid>/stat (start time in clock ticks since boot); null where there is none. */
  start: string | null;
  host?: string;
}

/** What the lock logic reads of the system; tests give their own. */
export interface ProcessTable {
  ownPid: number;
  bootId(): string | null;
  /** The text of /proc/<pid>/stat, or null when there is no such process (or no /proc). */
  stat(pid: number): string | null;
  /** Whether /proc can be read at all. */
  hasProc: boolean;
  /** Signal 0: whether a process of that PID exists (used where there is no /proc). */
  alive(pid: number): boolean;
}

const read = (path: string): string | null => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
};

export const systemProcesses: ProcessTable = {
  ownPid: process.pid,
  bootId: () => read('/proc/sys/kernel/random/boot_id')?.trim() || null,
  stat: (pid) => read(`/proc/${pid}/stat`),
  hasProc: read('/proc/self/stat') !== null,
  alive: (pid) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'EPERM';
    }
  },
};

/** State (R, S, Z …) and start time of a /proc/<pid>/stat line; the command name may hold spaces and parentheses. */
export function parseStat(stat: string): { state: string; start: string } | null {
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After "pid (comm) " the fields are numbered from 3 (state); the start time is field 22.
  const state = rest[0];
  const start = rest[22 - 3];
  return state && start ? { state, start } : null;
}

export function currentHolder(procs: ProcessTable = systemProcesses): LockHolder {
  const own = procs.stat(procs.ownPid);
  return { pid: procs.ownPid, boot: procs.bootId(), start: own ? (parseStat(own)?.start ?? null) : null, host: hostname() };
}

/** The holder a lock file names: JSON, or (written by earlier versions) a bare PID. */
export function parseLock(text: string): LockHolder | null {
  const t = text.trim();
  if (/^\d+$/.test(t)) return { pid: Number(t), boot: null, start: null };
  try {
    const v = JSON.parse(t) as Partial<LockHolder>;
    if (typeof v.pid === 'number' && Number.isInteger(v.pid) && v.pid > 0)
      return { pid: v.pid, boot: typeof v.boot === 'string' ? v.boot : null, start: typeof v.start === 'string' ? v.start : null };
  } catch {
    /* not a lock we wrote */
  }
  return null;
}

/** Whether the process a lock names still holds it. */
export function holderAlive(h: LockHolder, procs: ProcessTable = systemProcesses): boolean {
  if (!procs.hasProc) return h.pid !== procs.ownPid && procs.alive(h.pid);
  const boot = procs.bootId();
  if (h.boot && boot && h.boot !== boot) return false; // taken before a reboot
  const stat = procs.stat(h.pid);
  const parsed = stat ? parseStat(stat) : null;
  if (!parsed) return false; // no such process
  if (parsed.state === 'Z' || parsed.state === 'X') return false; // dead, not yet reaped
  if (h.start) return parsed.start === h.start; // a different process now has the PID
  // A lock of an earlier version names a PID only: this process never wrote it, so its own PID is a reuse.
  return h.pid !== procs.ownPid;
}

export class DatabaseLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
    readonly lockPath: string,
  ) {
    super(
      `データディレクトリ ${dataDir} は別のプロセス (PID ${pid}) が使用中です。先にそのプロセスを終了してください` +
        `（ps -p ${pid} で確かめられます）。shisaku が動いていないのにこの表示が出る場合は ${lockPath} を削除してください。` +
        ` / The data directory ${dataDir} is in use by another process (PID ${pid}); stop it first (check with ps -p ${pid}).` +
        ` If no shisaku process is running, delete ${lockPath}.`,
    );
    this.name = 'DatabaseLockedError';
  }
}

/** Takes the lock of `lockPath` (refusing a live holder, taking over a stale one); returns its release. */
export function takeLock(dataDir: string, lockPath: string, procs: ProcessTable = systemProcesses): () => void {
  const me = currentHolder(procs);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeFileSync(fd, JSON.stringify(me));
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.removeListener('exit', release);
        try {
          const h = parseLock(readFileSync(lockPath, 'utf8'));
          if (h && h.pid === me.pid && h.start === me.start) unlinkSync(lockPath);
        } catch {
          /* already gone */
        }
      };
      process.once('exit', release);
      return release;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const text = read(lockPath);
      if (text === null) continue; // released meanwhile
      const h = parseLock(text);
      // Our own live lock (the same directory opened twice in one process) is as held as another's.
      if (h && holderAlive(h, procs)) throw new DatabaseLockedError(dataDir, h.pid, lockPath);
      try {
        unlinkSync(lockPath);
      } catch {
        /* another process took it over first; try again */
      }
    }
  }
  throw new Error(`could not lock ${dataDir}`);
}
