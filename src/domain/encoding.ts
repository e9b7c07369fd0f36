// Characters a file's encoding cannot hold, and getting them back when a person edits such a cell.
//
// A CSV saved in Shift_JIS (cp932) has no code for é, 〜, −, —, emoji and many more: they come back as
// "?" (or, with some converters, as another character). When a staff member edits a cell holding one,
// the file's text differs from the stored one in two ways at once: the person's edit, and every
// character the encoding lost. restoreUnrepresentable keeps the first and undoes the second.
import { diffChars } from 'diff';

/**
 * The distinct characters (code points) of `text` that the encoding cannot hold, in order of first
 * appearance: those whose representation differs from the character itself.
 */
export function unrepresentableChars(text: string, represent: (s: string) => string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const c of text) {
    if (seen.has(c)) continue;
    seen.add(c);
    if (represent(c) !== c) out.push(c);
  }
  return out;
}

/**
 * `after` (an edited cell as read from a file in a lossy encoding) with every stretch the person did
 * not change taken from `before` (the stored text): 「元気café で開催」 stored, the file says
 * 「元気caf? で毎月開催」 → 「元気café で毎月開催」.
 *
 * Each code point of `before` is represented on its own (cp932 is context-free) and the concatenation
 * is aligned with `after` character by character. A code point of `before` whose whole representation
 * lies inside a stretch the alignment calls unchanged comes back as the original; everything else is
 * `after`'s text. A code point whose representation is empty comes back when the unchanged stretch
 * covers both of its sides.
 */
export function restoreUnrepresentable(before: string, after: string, represent: (s: string) => string): string {
  if (before === after) return before;
  if (represent(before) === after) return before;
  const points = Array.from(before);
  const reps = points.map((c) => represent(c));
  if (reps.every((r, i) => r === points[i])) return after; // nothing was lost
  // starts[i], ends[i]: where code point i's representation lies in the concatenation (UTF-16 offsets).
  const starts: number[] = [];
  const ends: number[] = [];
  let offset = 0;
  for (const r of reps) {
    starts.push(offset);
    offset += r.length;
    ends.push(offset);
  }
  const total = offset;
  const represented = reps.join('');

  let out = '';
  let a = 0; // position in `represented`
  let i = 0; // first code point of `before` whose representation does not end before `a`
  for (const part of diffChars(represented, after)) {
    const len = part.value.length;
    if (part.added) {
      out += part.value;
      continue;
    }
    if (part.removed) {
      a += len;
      continue;
    }
    // An unchanged stretch: represented[a, a + len) === part.value.
    const end = a + len;
    let pos = a;
    while (i < points.length && ends[i]! < a) i++;
    for (let k = i; k < points.length && starts[k]! <= end; k++) {
      const s = starts[k]!;
      const e = ends[k]!;
      const covered = s === e ? (s > a || s === 0) && (s < end || s === total) && len > 0 : s >= a && e <= end;
      if (!covered) continue;
      out += represented.slice(pos, s) + points[k]!;
      pos = e;
    }
    out += represented.slice(pos, end);
    a = end;
  }
  return out;
}

/**
 * Whether `bytes` are UTF-8 cut off in the middle of a character: everything before the last character
 * decodes, and that character's lead byte announces more bytes than are left. Such a file is truncated (a
 * download or copy that stopped), not in some other encoding, and is reported as such.
 */
export function utf8CutMidCharacter(bytes: Uint8Array): boolean {
  let k = bytes.length - 1;
  // Step back over continuation bytes (10xxxxxx) to the lead byte of the last character.
  while (k >= 0 && bytes.length - k <= 4 && (bytes[k]! & 0xc0) === 0x80) k--;
  if (k < 0) return false;
  const lead = bytes[k]!;
  const need = lead >= 0xf0 && lead <= 0xf4 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc2 && lead <= 0xdf ? 2 : 0;
  if (need === 0 || bytes.length - k >= need) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, k));
    return true;
  } catch {
    return false;
  }
}
