// Zip files written byte by byte for the bomb tests: a workbook's small parts plus parts whose deflate
// streams inflate to hundreds of MB from a few hundred KB, with sizes in the headers that are honest or
// that lie. The long streams are never held inflated: a deflate segment of 1 MiB of one byte, flushed to a
// byte boundary and not final, is repeated (each segment refers only to itself, so the repetition is a
// valid stream), and a final block ends it. The CRC-32 of such a stream is left 0: working it out would
// take seconds, and the reader under test never trusts a CRC any more than a size (what it hands on is
// re-zipped from the bytes it counted).
import { constants, deflateRawSync } from 'node:zlib';

export interface RawEntry {
  name: string;
  /** The compressed bytes (deflate), or the bytes themselves when `stored`. */
  data: Uint8Array;
  stored?: boolean;
  /** The general-purpose flags (bit 0: encrypted); bit 11 (UTF-8 names) is always set. */
  flags?: number;
  /** A compression method other than the one `stored` implies (to write an unsupported one). */
  method?: number;
  /** What the headers say the entry inflates to; a bomb says little. */
  declaredSize: number;
  /** 0 when not worked out (see above). */
  crc: number;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** CRC-32 of `bytes`. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let k = 0; k < bytes.length; k++) c = CRC_TABLE[(c ^ bytes[k]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

const MiB = 1024 * 1024;

/** A deflate stream of `head`, then the byte `fill` repeated over `mib` MiB, then `tail`; with its true inflated size. */
export function longDeflate(head: string, fill: number, mib: number, tail: string): { data: Uint8Array; size: number } {
  const sync = { finishFlush: constants.Z_SYNC_FLUSH };
  const headBytes = new TextEncoder().encode(head);
  const tailBytes = new TextEncoder().encode(tail);
  const block = new Uint8Array(MiB).fill(fill);
  const blockDeflated = deflateRawSync(block, sync);
  const segments: Uint8Array[] = [deflateRawSync(headBytes, sync)];
  for (let k = 0; k < mib; k++) segments.push(blockDeflated);
  segments.push(deflateRawSync(tailBytes)); // the final block
  return { data: concat(segments), size: headBytes.length + mib * MiB + tailBytes.length };
}

/** A small part, deflated honestly. */
export function part(name: string, text: string): RawEntry {
  const bytes = new TextEncoder().encode(text);
  return { name, data: deflateRawSync(bytes), declaredSize: bytes.length, crc: crc32(bytes) };
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((s, c) => s + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** The zip of these entries: local headers, data, central directory, end record; sizes as each entry declares. */
export function writeZip(entries: RawEntry[]): Uint8Array {
  const chunks: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = new TextEncoder().encode(e.name);
    const method = e.method ?? (e.stored ? 0 : 8);
    const flags = 0x0800 | (e.flags ?? 0); // UTF-8 names
    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true);
    local.setUint16(4, 20, true);
    local.setUint16(6, flags, true);
    local.setUint16(8, method, true);
    local.setUint32(14, e.crc, true);
    local.setUint32(18, e.data.length, true);
    local.setUint32(22, e.declaredSize, true);
    local.setUint16(26, name.length, true);
    const dir = new DataView(new ArrayBuffer(46));
    dir.setUint32(0, 0x02014b50, true);
    dir.setUint16(4, 20, true);
    dir.setUint16(6, 20, true);
    dir.setUint16(8, flags, true);
    dir.setUint16(10, method, true);
    dir.setUint32(16, e.crc, true);
    dir.setUint32(20, e.data.length, true);
    dir.setUint32(24, e.declaredSize, true);
    dir.setUint16(28, name.length, true);
    dir.setUint32(42, offset, true);
    chunks.push(new Uint8Array(local.buffer), name, e.data);
    central.push(new Uint8Array(dir.buffer), name);
    offset += 30 + name.length + e.data.length;
  }
  const dirBytes = concat(central);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, entries.length, true);
  end.setUint16(10, entries.length, true);
  end.setUint32(12, dirBytes.length, true);
  end.setUint32(16, offset, true);
  return concat([...chunks, dirBytes, new Uint8Array(end.buffer)]);
}

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG = 'http://schemas.openxmlformats.org/package/2006/relationships';

/** The parts of a workbook around its sheets: sheet k (from 1) is xl/worksheets/sheetk.xml, named as given. */
export function workbookParts(sheetNames: string[]): RawEntry[] {
  const sheets = sheetNames.map((n, k) => `<sheet name="${n}" sheetId="${k + 1}" r:id="rId${k + 1}"/>`).join('');
  const rels = sheetNames.map((_, k) => `<Relationship Id="rId${k + 1}" Type="${REL}/worksheet" Target="worksheets/sheet${k + 1}.xml"/>`).join('');
  return [
    part(
      '[Content_Types].xml',
      `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>`,
    ),
    part(
      '_rels/.rels',
      `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="${PKG}"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    ),
    part('xl/workbook.xml', `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="${MAIN}" xmlns:r="${REL}"><sheets>${sheets}</sheets></workbook>`),
    part('xl/_rels/workbook.xml.rels', `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="${PKG}">${rels}</Relationships>`),
  ];
}

/** The XML of a sheet whose first row is `header` (inline strings), as a prefix to which rows may follow. */
export function sheetHead(header: string[]): string {
  const cells = header.map((h, k) => `<c r="${String.fromCharCode(65 + k)}1" t="inlineStr"><is><t>${h}</t></is></c>`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="${MAIN}"><sheetData><row r="1">${cells}</row>`;
}

export const SHEET_TAIL = '</sheetData></worksheet>';

/** The 施策 sheet's headings, enough for the reader to take the sheet as the initiatives table. */
export const INITIATIVE_HEADER = ['施策キー', '番号', '施策体系', '分野', '施策名', '担当課所', '状況', '施策内容', '今年度の取組'];

/**
 * A workbook whose 施策 sheet inflates to `mib` MiB (a second row with one long text cell), its size in
 * the headers `declared` (the truth when omitted): a bomb that lies, or an honest one.
 */
export function longSheetWorkbook(mib: number, declared?: number): Uint8Array {
  const head = `${sheetHead(INITIATIVE_HEADER)}<row r="2"><c r="H2" t="inlineStr"><is><t>`;
  const sheet = longDeflate(head, 0x61, mib, `</t></is></c></row>${SHEET_TAIL}`);
  return writeZip([...workbookParts(['施策']), { name: 'xl/worksheets/sheet1.xml', data: sheet.data, declaredSize: declared ?? sheet.size, crc: 0 }]);
}
