// 和暦 for fiscal years. A fiscal year is named by the era of its calendar year as it stood at year end:
// FY2019 began under 平成 on 1 April but is called 令和元年度, so the date formatted is 31 December.
const eraYear = new Intl.DateTimeFormat('ja-JP-u-ca-japanese', { era: 'long', year: 'numeric', timeZone: 'UTC' });

/** 2023 → "令和5年度"; 2019 → "令和元年度". */
export function warekiFiscalYear(fy: number): string {
  const s = eraYear.format(new Date(Date.UTC(fy, 11, 31)));
  return `${s.replace(/(\D)1年$/, '$1元年')}度`;
}

/** 2023 → "令和5年度（2023年度）". */
export function fiscalYearLabel(fy: number): string {
  return `${warekiFiscalYear(fy)}（${fy}年度）`;
}

/** 2023 → "R5". */
export function reiwaShort(fy: number): string {
  const n = fy - 2018;
  return n >= 1 ? `R${n}` : `H${fy - 1988}`;
}

/** "令和4年度" / "R4" / "令和元年度" → 2022. Returns null for anything else. */
export function parseWarekiYear(text: string): number | null {
  const t = text.normalize('NFKC').replace(/\s/g, '');
  const m = /^(?:令和|R)(元|\d+)(?:年度?)?$/.exec(t);
  if (m) return 2018 + (m[1] === '元' ? 1 : Number(m[1]));
  const h = /^(?:平成|H)(元|\d+)(?:年度?)?$/.exec(t);
  if (h) return 1988 + (h[1] === '元' ? 1 : Number(h[1]));
  return null;
}

// Due dates are Japanese calendar days: a round due 2024-05-31 is overdue from midnight in Japan, not UTC.
const japanDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit' });

/** The date in Japan as YYYY-MM-DD. */
export function japanDate(now: Date = new Date()): string {
  return japanDay.format(now);
}
