// The save load of the crash probe (scripts/test-crash.ts): staff saving initiatives through the running
// server over HTTP, as a browser does (sign in, read the CSRF token and the form, post it), each worker on
// an initiative of its own so no save is refused as a conflict. Every save's value is recorded when it is
// sent and when the server acknowledges it (303), so that after a kill -9 the stored state can be checked:
// each initiative must hold its last acknowledged value or the one still in flight, never an older one
// (an acknowledged save lost) nor anything else (a save half written).
import { formOf } from '../workspace/helpers.ts';

export interface Session {
  cookie: string;
  csrf: string;
}

export async function signInOver(base: string, login: string, password: string): Promise<Session> {
  const res = await fetch(`${base}/admin/login`, {
    method: 'POST',
    body: new URLSearchParams({ login, password, next: '/admin' }),
    redirect: 'manual',
  });
  if (res.status !== 303) throw new Error(`sign-in of ${login}: HTTP ${res.status} ${(await res.text()).slice(0, 300)}`);
  const cookie = (res.headers.getSetCookie()[0] ?? '').split(';')[0]!;
  const page = await (await fetch(`${base}/admin`, { headers: { cookie } })).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1];
  if (!csrf) throw new Error('no CSRF token on /admin');
  return { cookie, csrf };
}

/** One worker's saves of one initiative: what it sent, in order, and how many of them were acknowledged. */
export interface SaveLog {
  key: string;
  initial: string;
  sent: string[];
  /** Index into `sent` of the last acknowledged save; -1 for none. */
  acknowledged: number;
  /** Answers other than an acknowledgement (a refusal, a broken connection at the kill). */
  failures: string[];
}

/**
 * Saves the initiative's 施策内容 again and again (each time a new value) until `stop()` says so or the
 * connection breaks; `onAck` is told of every acknowledged save.
 */
export async function saveLoop(base: string, session: Session, fiscalYear: number, log: SaveLog, stop: () => boolean, onAck: () => void): Promise<void> {
  const path = `${base}/admin/e/${fiscalYear}/i/${encodeURIComponent(log.key)}`;
  while (!stop()) {
    let value: string | null = null;
    try {
      const page = await fetch(path, { headers: { cookie: session.cookie } });
      const form = formOf(await page.text());
      value = `${log.initial}\n［crash probe ${log.key} ${log.sent.length + 1}］`;
      form.content = value;
      const body = new URLSearchParams();
      body.append('_csrf', session.csrf);
      for (const [k, v] of Object.entries(form)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
      log.sent.push(value);
      const res = await fetch(path, { method: 'POST', body, headers: { cookie: session.cookie }, redirect: 'manual' });
      await res.arrayBuffer();
      if (res.status === 303) {
        log.acknowledged = log.sent.length - 1;
        onAck();
      } else log.failures.push(`HTTP ${res.status}`);
    } catch (e) {
      // The kill: the connection breaks, with or without the last save sent.
      log.failures.push((e as Error).message);
      return;
    }
  }
}

/**
 * Whether a stored 施策内容 is allowed by the log: the last acknowledged value (the initial one when none
 * was acknowledged) or one sent after it, whose answer the kill cut off.
 */
export function allowedContents(log: SaveLog): string[] {
  const last = log.acknowledged < 0 ? log.initial : log.sent[log.acknowledged]!;
  return [last, ...log.sent.slice(log.acknowledged + 1)];
}
