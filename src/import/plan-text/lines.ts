// Line handling shared by the plan-text parser. Text converted from a PDF comes with full-width and
// half-width digits mixed, bullets written "- ・", markdown emphasis and stray spaces; every comparison
// is made on a normalized form while the original line is kept for raw text and line numbers.

export interface Line {
  /** 1-based line number in the source file. */
  no: number;
  raw: string;
  /** NFKC, trimmed, bullets and emphasis removed, inner space runs collapsed. */
  text: string;
  /** The original characters (full-width stays full-width), bullets and emphasis removed: what is stored. */
  display: string;
  /** Whether the original line started with a bullet ("- ", "・", "•"). */
  bullet: boolean;
}

export function toLines(source: string): Line[] {
  return source
    .replace(/^\uFEFF/, '')
    .split(/\r\n|\r|\n/)
    .map((raw, i) => {
      const n = raw.normalize('NFKC');
      const bulletMatch = /^\s*(?:[-•]\s*)?(?:・\s*)?/.exec(n)!;
      const bullet = /[-•・]/.test(bulletMatch[0]);
      const text = n
        .slice(bulletMatch[0].length)
        .replace(/\*\*/g, '')
        .replace(/[ \t\u3000]+/g, ' ')
        .trim();
      const display = raw
        .replace(/^[\s\u3000]*(?:[-•－]\s*)?(?:[・･]\s*)?/, '')
        .replace(/\*\*/g, '')
        .replace(/[ \t\u3000]+/g, ' ')
        .trim();
      return { no: i + 1, raw, text, display, bullet };
    });
}

/** For comparing names that differ only in spacing or width: "A I ・ R P A の利用促進" = "AI・RPAの利用促進". */
export function squash(s: string): string {
  return s.normalize('NFKC').replace(/[\s\u3000*○◯]/g, '');
}

/** Same characters, any order: 安全・安心の確保 and 安心・安全の確保. */
export function sameCharacters(a: string, b: string): boolean {
  const x = [...squash(a)].sort().join('');
  const y = [...squash(b)].sort().join('');
  return x === y;
}

export function isBlank(l: Line): boolean {
  return l.text === '' || /^[|\-\s]+$/.test(l.text);
}
