// The zip reader in front of the workbook parser. A zip says how large each part inflates to, and a bomb
// lies: a 1.5 MB workbook whose header understates one part once reached 1.9 GB before any check noticed.
// So nothing here trusts a declared size. The central directory is read by hand, each part the parser
// needs is inflated with node:zlib as a stream whose output is counted and thrown away, and the stream is
// stopped the moment a part or the whole passes its budget (or the sheets their row or cell limit). Only a
// file that stayed within every budget is inflated a second time, each part capped at the size the first
// pass counted, and the parser is given those bytes (re-zipped, stored) and never the original file: what
// the parser reads is exactly what was counted, whatever the original's headers say.
import { createInflateRaw, inflateRawSync } from 'node:zlib';
import { zipSync } from 'fflate';

/** Why a zip was refused; src/import/spreadsheet.ts words each reason for the person. */
export type ZipRefusal =
  /** A part, or all parts together, inflate past their budget. */
  | 'inflated'
  /** A sheet has more rows than allowed. */
  | 'rows'
  /** The sheets hold more cells than allowed. */
  | 'cells'
  /** More entries than any workbook has. */
  | 'entries'
  /** Encrypted entries (a zip password). */
  | 'encrypted'
  /** A compression method other than stored or deflate. */
  | 'method'
  /** Not a readable zip: truncated, inconsistent offsets, a broken deflate stream, duplicate names. */
  | 'corrupt';

export class ZipGuardError extends Error {
  constructor(
    readonly reason: ZipRefusal,
    readonly detail: string,
    /** The part concerned, when there is one. */
    readonly part?: string,
  ) {
    super(`${reason}: ${detail}${part ? ` (${part})` : ''}`);
    this.name = 'ZipGuardError';
  }
}

export interface ZipBudget {
  /** What one part may inflate to. */
  maxPartBytes: number;
  /** What all the parts read together may inflate to. */
  maxTotalBytes: number;
  /** Central directory entries at most (a workbook has a few dozen). */
  maxEntries: number;
  /**
   * Sheet parts, whose <row> and <c> elements are counted while they inflate: the rows of one sheet, and
   * the cells of all sheets together (a parser spends far more memory on a cell than the cell's bytes).
   */
  sheets?: { part: (name: string) => boolean; maxRows: number; maxCells: number };
}

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflate. */
  method: number;
  compressedSize: number;
  /** What the headers claim; recorded for the error message only, never used as a bound. */
  declaredSize: number;
  /** Offset of the compressed data in the file (after the local header). */
  dataStart: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

const corrupt = (detail: string, part?: string) => new ZipGuardError('corrupt', detail, part);

/** A reader of little-endian fields that refuses to read past the end instead of returning garbage. */
function fields(bytes: Uint8Array) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const need = (at: number, n: number) => {
    if (at < 0 || at + n > bytes.length) throw corrupt('a header runs past the end of the file');
  };
  return {
    u16: (at: number) => {
      need(at, 2);
      return view.getUint16(at, true);
    },
    u32: (at: number) => {
      need(at, 4);
      return view.getUint32(at, true);
    },
    u64: (at: number) => {
      need(at, 8);
      const v = view.getBigUint64(at, true);
      // Any offset or size of a file we accept (20 MB) fits easily; a larger one is a lie.
      if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw corrupt('a zip64 field is out of range');
      return Number(v);
    },
  };
}

/** The end-of-central-directory record: searched from the end, past a comment of up to 64 KiB. */
function centralDirectory(bytes: Uint8Array): { count: number; offset: number; size: number } {
  const f = fields(bytes);
  const lowest = Math.max(0, bytes.length - 22 - 0xffff);
  for (let at = bytes.length - 22; at >= lowest; at--) {
    if (f.u32(at) !== EOCD) continue;
    let count = f.u16(at + 10);
    let size = f.u32(at + 12);
    let offset = f.u32(at + 16);
    if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) {
      // Zip64: the real values are in the zip64 record the locator just before this one points at.
      const loc = at - 20;
      if (loc < 0 || f.u32(loc) !== ZIP64_LOCATOR) throw corrupt('zip64 locator missing');
      const rec = f.u64(loc + 8);
      if (f.u32(rec) !== ZIP64_EOCD) throw corrupt('zip64 record missing');
      count = f.u64(rec + 32);
      size = f.u64(rec + 40);
      offset = f.u64(rec + 48);
    }
    if (offset + size > bytes.length) throw corrupt('the central directory lies outside the file');
    return { count, offset, size };
  }
  throw corrupt('no end of central directory (not a zip, or cut short)');
}

/** The zip's entries as its central directory lists them, each checked against its local header. */
export function listEntries(bytes: Uint8Array, maxEntries: number): ZipEntry[] {
  const f = fields(bytes);
  const dir = centralDirectory(bytes);
  if (dir.count > maxEntries) throw new ZipGuardError('entries', `${dir.count} entries, limit ${maxEntries}`);
  const entries: ZipEntry[] = [];
  const names = new Set<string>();
  let at = dir.offset;
  for (let k = 0; k < dir.count; k++) {
    if (f.u32(at) !== CENTRAL) throw corrupt(`central directory entry ${k + 1} is damaged`);
    const flags = f.u16(at + 8);
    const method = f.u16(at + 10);
    let compressedSize = f.u32(at + 20);
    let declaredSize = f.u32(at + 24);
    const nameLength = f.u16(at + 28);
    const extraLength = f.u16(at + 30);
    const commentLength = f.u16(at + 32);
    let localOffset = f.u32(at + 42);
    if (at + 46 + nameLength > bytes.length) throw corrupt('a file name runs past the end of the file');
    // Part names of a workbook are ASCII; bit 11 says UTF-8, and anything else decodes the same for ASCII.
    const name = new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameLength));
    // Zip64 extra field (id 1): the 64-bit values, in this order, of exactly the fields that hold 0xFFFFFFFF.
    for (let x = at + 46 + nameLength; x + 4 <= at + 46 + nameLength + extraLength; ) {
      const id = f.u16(x);
      const len = f.u16(x + 2);
      if (id === 1) {
        let p = x + 4;
        if (declaredSize === 0xffffffff) {
          declaredSize = f.u64(p);
          p += 8;
        }
        if (compressedSize === 0xffffffff) {
          compressedSize = f.u64(p);
          p += 8;
        }
        if (localOffset === 0xffffffff) localOffset = f.u64(p);
      }
      x += 4 + len;
    }
    at += 46 + nameLength + extraLength + commentLength;
    if (names.has(name)) throw corrupt('two entries have the same name', name);
    names.add(name);
    if (name.endsWith('/')) continue; // a directory
    if (flags & 1) throw new ZipGuardError('encrypted', 'the entry is encrypted', name);
    if (method !== 0 && method !== 8) throw new ZipGuardError('method', `compression method ${method}`, name);
    if (f.u32(localOffset) !== LOCAL) throw corrupt('the local header is missing', name);
    const dataStart = localOffset + 30 + f.u16(localOffset + 26) + f.u16(localOffset + 28);
    if (dataStart + compressedSize > bytes.length) throw corrupt('the data run past the end of the file', name);
    entries.push({ name, method, compressedSize, declaredSize, dataStart });
  }
  return entries;
}

/** A row or a cell element, with or without a namespace prefix, self-closing or not. */
const TAG = /<(?:\w+:)?(row|c)[\s>/]/g;
/** Bytes kept from the end of one inflated chunk to the next, so a tag split across two is still seen. */
const CARRY = 64;

interface Tally {
  rows: number;
  cells: number;
}

/** Counts row and cell tags over the chunks of one part, and says when a limit is passed. */
function tagCounter(limits: { maxRows: number; maxCells: number }, tally: Tally) {
  let carry = '';
  return (chunk: Uint8Array): 'rows' | 'cells' | null => {
    const text = carry + Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('latin1');
    TAG.lastIndex = 0;
    for (let m = TAG.exec(text); m; m = TAG.exec(text)) {
      // A tag wholly inside the carried bytes was counted with the previous chunk.
      if (m.index + m[0].length <= carry.length) continue;
      if (m[1] === 'row') tally.rows++;
      else tally.cells++;
    }
    carry = text.slice(-CARRY);
    if (tally.rows > limits.maxRows) return 'rows';
    if (tally.cells > limits.maxCells) return 'cells';
    return null;
  };
}

/**
 * Inflates one part as a stream and counts what comes out, holding nothing but zlib's window and one
 * chunk: the count stops the stream at `limit` bytes, whatever the part's header declared.
 */
function measurePart(bytes: Uint8Array, entry: ZipEntry, limit: number, count: ((chunk: Uint8Array) => 'rows' | 'cells' | null) | null): Promise<number> {
  const data = bytes.subarray(entry.dataStart, entry.dataStart + entry.compressedSize);
  const tooMany = (what: 'rows' | 'cells') => new ZipGuardError(what, `too many ${what}`, entry.name);
  if (entry.method === 0) {
    if (data.length > limit) return Promise.reject(new ZipGuardError('inflated', `more than ${limit} bytes`, entry.name));
    const over = count?.(data);
    return over ? Promise.reject(tooMany(over)) : Promise.resolve(data.length);
  }
  return new Promise((resolve, reject) => {
    const z = createInflateRaw({ chunkSize: 64 * 1024 });
    let size = 0;
    let settled = false;
    const stop = (e: ZipGuardError) => {
      if (settled) return;
      settled = true;
      z.destroy();
      reject(e);
    };
    z.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > limit) return stop(new ZipGuardError('inflated', `more than ${limit} bytes (declared ${entry.declaredSize})`, entry.name));
      const over = count?.(chunk);
      if (over) stop(tooMany(over));
    });
    z.on('error', (e) => stop(corrupt(`the compressed data are damaged: ${e.message}`, entry.name)));
    z.on('end', () => {
      if (settled) return;
      settled = true;
      resolve(size);
    });
    z.end(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  });
}

/**
 * The parts `wanted` selects, inflated within `budget`: first counted (a refused file costs no more
 * memory than zlib's window), then inflated for real, each capped at what was counted.
 */
export async function inflateWithin(bytes: Uint8Array, budget: ZipBudget, wanted: (name: string) => boolean): Promise<Record<string, Uint8Array>> {
  const entries = listEntries(bytes, budget.maxEntries).filter((e) => wanted(e.name));
  const sizes: number[] = [];
  let total = 0;
  let tally: Tally = { rows: 0, cells: 0 };
  for (const entry of entries) {
    // The whole may not pass its budget either: each part gets what is left of it.
    const left = budget.maxTotalBytes - total;
    const limit = Math.min(budget.maxPartBytes, left);
    const sheet = budget.sheets?.part(entry.name) ? budget.sheets : null;
    // Rows are counted per sheet, cells over all sheets.
    if (sheet) tally = { rows: 0, cells: tally.cells };
    const count = sheet ? tagCounter(sheet, tally) : null;
    const size = await measurePart(bytes, entry, limit, count).catch((e: unknown) => {
      if (e instanceof ZipGuardError && e.reason === 'inflated' && left < budget.maxPartBytes)
        throw new ZipGuardError('inflated', `all parts together inflate past ${budget.maxTotalBytes} bytes`, entry.name);
      throw e;
    });
    total += size;
    sizes.push(size);
  }
  const parts: Record<string, Uint8Array> = {};
  entries.forEach((entry, k) => {
    const data = bytes.subarray(entry.dataStart, entry.dataStart + entry.compressedSize);
    if (entry.method === 0) {
      parts[entry.name] = data;
      return;
    }
    try {
      // The cap makes this pass as bounded as the first, should the same bytes ever inflate differently.
      parts[entry.name] = sizes[k] === 0 ? new Uint8Array() : new Uint8Array(inflateRawSync(data, { maxOutputLength: sizes[k]! }));
    } catch (e) {
      throw corrupt(`the compressed data are damaged: ${(e as Error).message}`, entry.name);
    }
  });
  return parts;
}

/**
 * A zip of exactly these parts, stored (not compressed): its sizes are the true ones, so a parser that
 * trusts them (exceljs reads through jszip) reads what was counted.
 */
export function storedZip(parts: Record<string, Uint8Array>): Uint8Array {
  return zipSync(Object.fromEntries(Object.entries(parts).map(([name, data]) => [name, [data, { level: 0 }]])));
}
