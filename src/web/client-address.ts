// Who is on the other end of a request, for limits that count per client (login throttling). The socket's
// address is the truth unless the operator says a proxy in front of the server may be believed:
// SHISAKU_TRUSTED_PROXIES lists the proxies' addresses or networks (`127.0.0.1,10.0.0.0/8,::1`), or gives
// how many proxies stand in front (`1`). Only then is X-Forwarded-For read, from the right (the hop the
// nearest proxy appended) leftwards, and the first hop that is not a trusted proxy is the client. Without
// the setting the header is ignored: anyone can write it, and believing it lets a client become a new
// one with every request.
import { BlockList, isIP } from 'node:net';
import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { InvalidInputError } from '../db/errors.ts';

/** Which hops of X-Forwarded-For may be believed. */
export type TrustedProxies =
  | { kind: 'none' }
  /** Hops whose address is in the list are proxies of ours. */
  | { kind: 'list'; list: BlockList; text: string }
  /** The first `hops` hops (the socket's peer first) are proxies of ours, whatever their address. */
  | { kind: 'hops'; hops: number };

export const NO_TRUSTED_PROXIES: TrustedProxies = { kind: 'none' };

/** When a request has no socket (app.request in tests, or a runtime that does not say). */
export const UNKNOWN_CLIENT = 'unknown';

/**
 * The setting's text as TrustedProxies; a bad entry is refused with a message naming it, so a typo does not
 * silently trust nothing (or everything).
 */
export function parseTrustedProxies(text: string | undefined): TrustedProxies {
  const value = (text ?? '').trim();
  if (!value) return NO_TRUSTED_PROXIES;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops > 20) throw new InvalidInputError(`SHISAKU_TRUSTED_PROXIES のプロキシの段数が大きすぎます（20まで）: ${value} / too many proxy hops`);
    return hops === 0 ? NO_TRUSTED_PROXIES : { kind: 'hops', hops };
  }
  const list = new BlockList();
  for (const raw of value.split(',')) {
    const entry = raw.trim();
    if (!entry) continue;
    const [address = '', prefix, extra] = entry.split('/');
    const family = isIP(address);
    const bits = prefix === undefined ? null : /^\d{1,3}$/.test(prefix) ? Number(prefix) : Number.NaN;
    const max = family === 4 ? 32 : 128;
    if (family && bits !== null && bits > max) {
      throw new InvalidInputError(`SHISAKU_TRUSTED_PROXIES の「${entry}」のプレフィックス長は0〜${max}です / prefix length out of range: ${entry}`);
    }
    if (!family || extra !== undefined || Number.isNaN(bits)) {
      throw new InvalidInputError(
        `SHISAKU_TRUSTED_PROXIES の「${entry}」はIPアドレスでもネットワーク（例: 10.0.0.0/8）でもありません / not an address or network: ${entry}`,
      );
    }
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (bits === null) list.addAddress(address, type);
    else list.addSubnet(address, bits, type);
  }
  return { kind: 'list', list, text: value };
}

let cached: { text: string | undefined; trusted: TrustedProxies } | null = null;

/**
 * SHISAKU_TRUSTED_PROXIES, read on each call (tests change it) and parsed once per value. The server checks
 * it at start (parseTrustedProxies throws there); should a bad value reach a request anyway, nothing is
 * trusted, the safe reading.
 */
export function trustedProxiesFromEnv(env: NodeJS.ProcessEnv = process.env): TrustedProxies {
  const text = env.SHISAKU_TRUSTED_PROXIES;
  if (cached && cached.text === text) return cached.trusted;
  let trusted: TrustedProxies;
  try {
    trusted = parseTrustedProxies(text);
  } catch {
    trusted = NO_TRUSTED_PROXIES;
  }
  cached = { text, trusted };
  return trusted;
}

/** An address as written in a header or by the socket, without brackets, port, zone or IPv4-in-IPv6 wrapping; null when it is no address. */
export function normalizeAddress(raw: string): string | null {
  let a = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(a);
  if (bracketed) a = bracketed[1]!;
  else if (/^[\d.]+:\d+$/.test(a)) a = a.slice(0, a.lastIndexOf(':'));
  a = a.replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(a);
  if (mapped) a = mapped[1]!;
  const family = isIP(a);
  if (family === 4) return a;
  if (family === 6) return a.toLowerCase();
  return null;
}

function isTrusted(address: string | null, index: number, trusted: TrustedProxies): boolean {
  if (trusted.kind === 'none') return false;
  if (trusted.kind === 'hops') return index < trusted.hops;
  if (address === null) return false;
  return trusted.list.check(address, isIP(address) === 4 ? 'ipv4' : 'ipv6');
}

/** What a hop that is not an address is known by: its own text, cut to harmless characters. */
function opaque(raw: string): string {
  return `?${raw.replace(/[^0-9A-Za-z.:_-]/g, '').slice(0, 64)}`;
}

/**
 * The client's address from the socket's peer and the X-Forwarded-For header. The chain is the socket's
 * peer, then the header's hops from right to left; the first hop that is not a trusted proxy is the
 * client. When every hop is trusted the left-most one is the client (it reached our first proxy directly).
 */
export function clientFrom(socket: string | undefined, forwardedFor: string | undefined, trusted: TrustedProxies): string {
  const peer = socket ? (normalizeAddress(socket) ?? opaque(socket)) : UNKNOWN_CLIENT;
  if (trusted.kind === 'none' || !forwardedFor) return peer;
  const chain: { raw: string; address: string | null }[] = [{ raw: peer, address: socket ? normalizeAddress(socket) : null }];
  for (const hop of forwardedFor.split(',').reverse()) {
    const raw = hop.trim();
    if (raw) chain.push({ raw, address: normalizeAddress(raw) });
  }
  for (let i = 0; i < chain.length; i++) {
    const hop = chain[i]!;
    // A hop that is no address was not written by a proxy of ours (it appends the address it saw): it is
    // as far as the header can be believed.
    if (i > 0 && hop.address === null) return opaque(hop.raw);
    if (!isTrusted(hop.address, i, trusted)) return hop.address ?? peer;
  }
  return chain[chain.length - 1]!.address ?? peer;
}

/** The socket's peer as @hono/node-server gives it; undefined when the request came without one. */
function socketAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined;
  }
}

/** The client's address for this request, by the rules at the top of this module. */
export function clientAddress(c: Context, trusted: TrustedProxies = trustedProxiesFromEnv()): string {
  return clientFrom(socketAddress(c), c.req.header('x-forwarded-for'), trusted);
}

/**
 * What limits count a client by: the address itself for IPv4, the /64 network for IPv6, since one
 * subscriber is handed a whole /64 and could otherwise take a fresh address for every attempt.
 */
export function clientBucket(address: string): string {
  if (isIP(address) !== 6) return address;
  const groups = ipv6Groups(address);
  return groups ? `${groups.slice(0, 4).join(':')}::/64` : address;
}

/** The eight 16-bit groups of an IPv6 address (already checked by isIP), in lower-case hex without leading zeros. */
function ipv6Groups(address: string): string[] | null {
  let text = address;
  const v4 = /^(.*:)(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(2).map(Number) as [number, number, number, number];
    text = `${v4[1]}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const zeros = halves.length === 2 ? Array<string>(missing).fill('0') : [];
  return [...head, ...zeros, ...tail].map((g) => Number.parseInt(g, 16).toString(16));
}
