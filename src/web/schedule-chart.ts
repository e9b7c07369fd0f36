// The schedule of a plan's initiatives as a Gantt-style chart: one row per initiative (or group), one
// column per period (fiscal year or quarter), each run of a phase drawn as a bar, dated milestones as
// markers. Shared by the portal, the admin and the annual report, so it is a pure function of its input
// returning a self-contained SVG string: no script, no external reference, the same bytes for the same
// input (a report rendered twice is identical). Colour is never the only cue: every phase also has its
// own fill pattern and, where the bar is wide enough, its name written on it; a milestone reached is a
// filled diamond, one still ahead a hollow one. The views put a table with the same data beside it.
import type { Milestone, ScheduleCell } from '../domain/model.ts';

// The periods live in the domain (the database layer and the workbook need them too); re-exported here
// beside the chart, where the views look for them.
export { schedulePeriods, type SchedulePeriod } from '../domain/schedule-periods.ts';

export interface ScheduleRow {
  label: string;
  cells: ScheduleCell[];
  milestones?: Milestone[];
}

export interface ScheduleSvgOptions {
  title: string;
  lang: 'ja' | 'en';
  periods: { id: string; label: string }[];
  /** The plan's phases in order; a cell naming another phase is drawn too, after these in the legend. */
  phases: string[];
  rows: ScheduleRow[];
}

// ---- layout constants (px of the SVG's own coordinate system) ---------------------------------------
const FONT = 'Noto Sans CJK JP, Noto Sans JP, sans-serif';
const PAD = 8;
const ROW_H = 36;
const HEAD_H = 24;
/** A row: the phase bar on top, the milestones on a strip below it, so a marker never hides a phase's name. */
const BAR_TOP = 4;
const BAR_H = 18;
const MARK_Y = 29;
const LEGEND_ROW_H = 22;
const TEXT = '#1a1a1a';
const GRID = '#b3b3b3';

/** Light fills, so the dark pattern lines and the phase's name stay readable on them. */
const TINTS = ['#d9e6ff', '#ffe3cc', '#d5f0e0', '#f3dcf5', '#fff2b3', '#dde3e8', '#ffd9d9', '#d6f2f5'];
const INKS = ['#0017c1', '#ac3e00', '#197a4b', '#7a2a85', '#6b5900', '#3d4a57', '#a31515', '#006b75'];
/** One pattern per phase (cycled), each telling the phase apart without colour. */
const PATTERNS = ['none', 'diag', 'dots', 'horiz', 'cross', 'anti', 'vert', 'grid'] as const;

const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;

/** Text for an SVG text node or attribute: XML-escaped, without the control characters XML cannot hold. */
function x(s: string): string {
  return s.replace(CONTROL, '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Rough width of a text at a font size: full-width characters count as one em, the rest as a little over half. */
function textWidth(s: string, size: number): number {
  let w = 0;
  for (const ch of s) w += /[\u0000-\u02ff\uff61-\uff9f]/.test(ch) ? 0.58 : 1;
  return w * size;
}

function fit(s: string, size: number, width: number): string {
  if (textWidth(s, size) <= width) return s;
  const chars = [...s];
  while (chars.length && textWidth(`${chars.join('')}…`, size) > width) chars.pop();
  return chars.length ? `${chars.join('')}…` : '';
}

/** FNV-1a of the input, so pattern ids differ between charts on one page yet stay the same for the same chart. */
function hash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(36);
}

function n(v: number): string {
  return String(Math.round(v * 10) / 10);
}

function patternDef(id: string, kind: (typeof PATTERNS)[number], tint: string, ink: string): string {
  const bg = `<rect width="8" height="8" fill="${tint}"/>`;
  const line = (d: string) => `<path d="${d}" stroke="${ink}" stroke-width="1.2" fill="none"/>`;
  const body = {
    none: '',
    diag: line('M-2,2 L2,-2 M0,8 L8,0 M6,10 L10,6'),
    anti: line('M-2,6 L2,10 M0,0 L8,8 M6,-2 L10,2'),
    dots: `<circle cx="2" cy="2" r="1.2" fill="${ink}"/><circle cx="6" cy="6" r="1.2" fill="${ink}"/>`,
    horiz: line('M0,4 L8,4'),
    vert: line('M4,0 L4,8'),
    cross: line('M-2,2 L2,-2 M0,8 L8,0 M6,10 L10,6 M-2,6 L2,10 M0,0 L8,8 M6,-2 L10,2'),
    grid: line('M0,4 L8,4 M4,0 L4,8'),
  }[kind];
  return `<pattern id="${id}" width="8" height="8" patternUnits="userSpaceOnUse">${bg}${body}</pattern>`;
}

interface Run {
  phase: string;
  from: number;
  to: number;
}

/** Consecutive periods of the same phase as one bar; cells naming a period outside the chart are left out. */
function runs(cells: ScheduleCell[], index: Map<string, number>): Run[] {
  const byPeriod = new Map<number, string>();
  for (const c of cells) {
    const i = index.get(c.period);
    if (i !== undefined && c.phase) byPeriod.set(i, c.phase);
  }
  const out: Run[] = [];
  for (const i of [...byPeriod.keys()].sort((a, b) => a - b)) {
    const phase = byPeriod.get(i)!;
    const last = out.at(-1);
    if (last && last.phase === phase && last.to === i - 1) last.to = i;
    else out.push({ phase, from: i, to: i });
  }
  return out;
}

/**
 * Where a date falls on the chart, as a fractional column index, or null outside it. Fiscal years start in
 * April; quarter 1 is April–June. A date of month precision sits in the middle of its month.
 */
function datePosition(date: string, periods: { id: string }[]): number | null {
  const m = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/.exec(date.trim());
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  if (month < 1 || month > 12) return null;
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const day = m[3] ? Math.min(Math.max(Number(m[3]), 1), days) : null;
  const inMonth = day === null ? 0.5 : (day - 0.5) / days;
  const fy = month >= 4 ? year : year - 1;
  const monthOfFy = (month + 8) % 12; // April → 0 … March → 11
  for (let i = 0; i < periods.length; i++) {
    const id = periods[i]!.id;
    if (id === String(fy)) return i + (monthOfFy + inMonth) / 12;
    const q = /^(\d{4})Q([1-4])$/.exec(id);
    if (q && Number(q[1]) === fy && Number(q[2]) === Math.floor(monthOfFy / 3) + 1) return i + ((monthOfFy % 3) + inMonth) / 3;
  }
  return null;
}

function diamond(cx: number, cy: number, r: number, done: boolean): string {
  const d = `M${n(cx)},${n(cy - r)} L${n(cx + r)},${n(cy)} L${n(cx)},${n(cy + r)} L${n(cx - r)},${n(cy)} Z`;
  return `<path d="${d}" fill="${done ? TEXT : '#ffffff'}" stroke="${TEXT}" stroke-width="1.5"/>`;
}

const WORDS = {
  ja: {
    periods: (first: string, last: string, count: number) => `期間 ${first}〜${last}（${count}期）`,
    rows: (count: number) => `${count}行`,
    none: '工程なし',
    done: '達成',
    planned: '予定',
    milestoneDone: 'マイルストーン（達成）',
    milestonePlanned: 'マイルストーン（予定）',
    range: (a: string, b: string) => (a === b ? a : `${a}〜${b}`),
    sep: '、',
    stop: '。',
    colon: '：',
    phases: '工程',
    empty: '工程の行がありません',
  },
  en: {
    periods: (first: string, last: string, count: number) => `Periods ${first} to ${last} (${count})`,
    rows: (count: number) => `${count} row${count === 1 ? '' : 's'}`,
    none: 'no schedule',
    done: 'done',
    planned: 'planned',
    milestoneDone: 'Milestone (done)',
    milestonePlanned: 'Milestone (planned)',
    range: (a: string, b: string) => (a === b ? a : `${a} to ${b}`),
    sep: ', ',
    stop: '. ',
    colon: ': ',
    phases: 'Phases',
    empty: 'No schedule rows',
  },
} as const;

/** The chart as an SVG document string (role="img", with a <title> and a <desc> saying what it shows). */
export function scheduleSvg(opts: ScheduleSvgOptions): string {
  const w = WORDS[opts.lang] ?? WORDS.ja;
  const periods = opts.periods;
  const index = new Map(periods.map((p, i) => [p.id, i]));
  const rowRuns = opts.rows.map((r) => runs(r.cells, index));

  // The phases in the legend: the plan's, then any other a cell names, in order of appearance.
  const phases = [...new Set(opts.phases.filter((p) => p !== ''))];
  for (const rr of rowRuns) for (const r of rr) if (!phases.includes(r.phase)) phases.push(r.phase);
  const uid = `sc${hash(JSON.stringify(opts))}`;
  const patternId = (k: number) => `${uid}-p${k}`;
  const phaseIndex = new Map(phases.map((p, k) => [p, k]));

  const quarterly = periods.length > 0 && periods.every((p) => /^\d{4}Q[1-4]$/.test(p.id));
  const colW = quarterly ? 36 : Math.max(72, ...periods.map((p) => textWidth(p.label, 12) + 12));
  const labelW = Math.min(280, Math.max(120, ...opts.rows.map((r) => textWidth(r.label, 12) + 16)));
  const headH = quarterly ? HEAD_H * 2 : HEAD_H;
  const top = PAD + 22; // below the title line
  const gridTop = top + headH;
  const bodyRows = Math.max(opts.rows.length, 1);
  const gridBottom = gridTop + bodyRows * ROW_H;
  const left = PAD + labelW;
  const gridW = periods.length * colW;

  // Legend: phases, then the two milestone markers where milestones are drawn.
  const hasMilestones = opts.rows.some((r) => r.milestones?.length);
  const legendItems: { kind: 'phase' | 'done' | 'planned'; text: string; k?: number }[] = phases.map((p, k) => ({ kind: 'phase', text: p, k }));
  if (hasMilestones) legendItems.push({ kind: 'done', text: w.milestoneDone }, { kind: 'planned', text: w.milestonePlanned });
  const width = Math.max(left + gridW + PAD, 360);
  const legendLines: { item: (typeof legendItems)[number]; x: number; line: number }[] = [];
  let lx = PAD;
  let line = 0;
  for (const item of legendItems) {
    const iw = 24 + textWidth(item.text, 11) + 16;
    if (lx + iw > width - PAD && lx > PAD) {
      line++;
      lx = PAD;
    }
    legendLines.push({ item, x: lx, line });
    lx += iw;
  }
  const legendTop = gridBottom + 12;
  const height = legendTop + (legendItems.length ? (line + 1) * LEGEND_ROW_H : 0) + PAD;

  // The description: what the chart shows, row by row, for those who cannot see it.
  const desc: string[] = [];
  if (periods.length) desc.push(w.periods(periods[0]!.label, periods.at(-1)!.label, periods.length) + w.sep + w.rows(opts.rows.length));
  else desc.push(w.rows(opts.rows.length));
  if (phases.length) desc.push(`${w.phases}${w.colon}${phases.join(w.sep)}`);
  opts.rows.forEach((r, ri) => {
    const parts = rowRuns[ri]!.map((run) => `${run.phase} ${w.range(periods[run.from]!.label, periods[run.to]!.label)}`);
    for (const m of r.milestones ?? []) parts.push(`◆${m.date} ${m.label}（${m.done ? w.done : w.planned}）`);
    desc.push(`${r.label}${w.colon}${parts.length ? parts.join(w.sep) : w.none}`);
  });

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="${uid}-t ${uid}-d" width="${n(width)}" height="${n(height)}" viewBox="0 0 ${n(width)} ${n(height)}" font-family="${FONT}" font-size="12">`,
  );
  out.push(`<title id="${uid}-t">${x(opts.title)}</title>`);
  out.push(`<desc id="${uid}-d">${x(desc.join(w.stop))}</desc>`);
  out.push(
    `<defs>${phases.map((_, k) => patternDef(patternId(k), PATTERNS[k % PATTERNS.length]!, TINTS[k % TINTS.length]!, INKS[k % INKS.length]!)).join('')}</defs>`,
  );
  out.push(`<rect width="${n(width)}" height="${n(height)}" fill="#ffffff"/>`);
  out.push(`<text x="${PAD}" y="${PAD + 13}" font-size="13" font-weight="700" fill="${TEXT}">${x(fit(opts.title, 13, width - 2 * PAD))}</text>`);

  // Header: period labels (quarters: the fiscal year above its four quarters).
  if (quarterly) {
    const years: { fy: string; from: number; to: number }[] = [];
    periods.forEach((p, i) => {
      const fy = p.id.slice(0, 4);
      const last = years.at(-1);
      if (last && last.fy === fy && last.to === i - 1) last.to = i;
      else years.push({ fy, from: i, to: i });
    });
    for (const y of years) {
      const x0 = left + y.from * colW;
      const yw = (y.to - y.from + 1) * colW;
      const text = opts.lang === 'en' ? `FY${y.fy}` : `${y.fy}年度`;
      out.push(`<rect x="${n(x0)}" y="${top}" width="${n(yw)}" height="${HEAD_H}" fill="#e8f1fe" stroke="${GRID}"/>`);
      out.push(`<text x="${n(x0 + yw / 2)}" y="${top + 16}" text-anchor="middle" fill="${TEXT}">${x(fit(text, 12, yw - 4))}</text>`);
    }
    periods.forEach((p, i) => {
      const x0 = left + i * colW;
      out.push(`<rect x="${n(x0)}" y="${top + HEAD_H}" width="${colW}" height="${HEAD_H}" fill="#e8f1fe" stroke="${GRID}"/>`);
      out.push(`<text x="${n(x0 + colW / 2)}" y="${top + HEAD_H + 16}" text-anchor="middle" font-size="11" fill="${TEXT}">Q${p.id.slice(5)}</text>`);
    });
  } else {
    periods.forEach((p, i) => {
      const x0 = left + i * colW;
      out.push(`<rect x="${n(x0)}" y="${top}" width="${n(colW)}" height="${HEAD_H}" fill="#e8f1fe" stroke="${GRID}"/>`);
      out.push(`<text x="${n(x0 + colW / 2)}" y="${top + 16}" text-anchor="middle" fill="${TEXT}">${x(fit(p.label, 12, colW - 4))}</text>`);
    });
  }

  // Body: one row per entry, its label on the left, its phases as bars, its milestones as diamonds.
  if (!opts.rows.length) out.push(`<text x="${PAD}" y="${gridTop + 18}" fill="${TEXT}">${x(w.empty)}</text>`);
  opts.rows.forEach((r, ri) => {
    const y0 = gridTop + ri * ROW_H;
    out.push(`<g>`);
    out.push(
      `<rect x="${PAD}" y="${y0}" width="${n(labelW + gridW)}" height="${ROW_H}" fill="${ri % 2 ? '#f5f5f5' : '#ffffff'}" stroke="${GRID}" stroke-width="0.5"/>`,
    );
    out.push(`<text x="${PAD + 6}" y="${y0 + 22}" fill="${TEXT}">${x(fit(r.label, 12, labelW - 12))}</text>`);
    for (let i = 0; i < periods.length; i++)
      out.push(`<line x1="${n(left + i * colW)}" y1="${y0}" x2="${n(left + i * colW)}" y2="${y0 + ROW_H}" stroke="${GRID}" stroke-width="0.5"/>`);
    for (const run of rowRuns[ri]!) {
      const k = phaseIndex.get(run.phase)!;
      const bx = left + run.from * colW + 2;
      const bw = (run.to - run.from + 1) * colW - 4;
      const ink = INKS[k % INKS.length]!;
      out.push(
        `<rect x="${n(bx)}" y="${y0 + BAR_TOP}" width="${n(bw)}" height="${BAR_H}" rx="2" fill="url(#${patternId(k)})" stroke="${ink}" stroke-width="1"/>`,
      );
      // The name on the bar when it fits, on a white band so the pattern does not cross the letters.
      const tw = textWidth(run.phase, 11);
      if (tw + 8 <= bw) {
        out.push(`<rect x="${n(bx + bw / 2 - tw / 2 - 2)}" y="${y0 + BAR_TOP + 3}" width="${n(tw + 4)}" height="12" fill="#ffffff" opacity="0.85"/>`);
        out.push(`<text x="${n(bx + bw / 2)}" y="${y0 + BAR_TOP + 13}" text-anchor="middle" font-size="11" fill="${TEXT}">${x(run.phase)}</text>`);
      }
    }
    for (const m of r.milestones ?? []) {
      const pos = datePosition(m.date, periods);
      if (pos === null) continue;
      out.push(diamond(left + pos * colW, y0 + MARK_Y, 5, m.done));
    }
    out.push(`</g>`);
  });
  if (periods.length) out.push(`<line x1="${n(left)}" y1="${gridTop}" x2="${n(left)}" y2="${gridBottom}" stroke="${TEXT}" stroke-width="1"/>`);

  // Legend.
  for (const { item, x: ix, line: li } of legendLines) {
    const y0 = legendTop + li * LEGEND_ROW_H;
    if (item.kind === 'phase') {
      const k = item.k!;
      out.push(`<rect x="${n(ix)}" y="${y0 + 3}" width="18" height="12" rx="2" fill="url(#${patternId(k)})" stroke="${INKS[k % INKS.length]}"/>`);
    } else out.push(diamond(ix + 9, y0 + 9, 6, item.kind === 'done'));
    out.push(`<text x="${n(ix + 24)}" y="${y0 + 13}" font-size="11" fill="${TEXT}">${x(item.text)}</text>`);
  }
  out.push('</svg>');
  return out.join('');
}
