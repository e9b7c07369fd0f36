// The edition diff as an HTML fragment, shared by the portal page and the report's appendix.
import { statusLabel } from '../domain/model.ts';
import { fiscalYearLabel } from '../domain/wareki.ts';
import type { EditionDiff, InitiativeChange, TextChange } from '../domain/edition-diff.ts';

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const FIELD: Record<TextChange['field'], string> = { title: '施策名', content: '施策内容', plan: '取組', resultsText: '実績（本文）' };

function parts(t: TextChange): string {
  return t.parts.map((p) => (p.added ? `<ins>${esc(p.value)}</ins>` : p.removed ? `<del>${esc(p.value)}</del>` : esc(p.value))).join('');
}

const n = (x: string | null) => x ?? '新';
const v = (x: { actual: string | null; target: string | null; unit: string | null; note?: string | null } | null) =>
  x === null ? '—' : `${x.actual ?? '—'}${x.unit ?? ''}${x.target !== null ? `（目標 ${x.target}${x.unit ?? ''}）` : ''}${x.note ? `（備考 ${x.note}）` : ''}`;
const tv = (x: { value: string | null; unit: string | null } | null) => (x === null ? '—' : `${x.value ?? '—'}${x.unit ?? ''}`);
/** 「label」, with "（2件目）" for the second and later rows of a label that repeats. */
const lab = (label: string, occurrence: number) => `「${label}」${occurrence > 0 ? `（${occurrence + 1}件目）` : ''}`;

/** One initiative's changes as a list, with character-level insertions and deletions marked; `place` names a pillar/sub-area key. */
export function renderInitiativeChange(c: InitiativeChange, heading: 'h3' | 'h4', place: (key: string) => string = (k) => k): string {
  const out: string[] = [];
  out.push(`<section class="change"><${heading}>${esc(n(c.numberAfter))} ${esc(c.title)}</${heading}><ul>`);
  if (c.renumbered) out.push(`<li>番号: ${esc(n(c.numberBefore))} → ${esc(n(c.numberAfter))}</li>`);
  if (c.status) out.push(`<li>状況: ${esc(statusLabel(c.status.before))} → ${esc(statusLabel(c.status.after))}</li>`);
  if (c.placement) {
    const where = (p: { pillarKey: string; subAreaKey: string | null }) =>
      p.subAreaKey ? `${place(p.pillarKey)} ／ ${place(p.subAreaKey)}` : place(p.pillarKey);
    out.push(`<li>施策体系: ${esc(where(c.placement.before))} → ${esc(where(c.placement.after))}</li>`);
  }
  if (c.departments) out.push(`<li>担当課所: ${esc(c.departments.before.join('、'))} → ${esc(c.departments.after.join('、'))}</li>`);
  for (const t of c.texts) out.push(`<li>${FIELD[t.field]}: <span class="text">${parts(t)}</span></li>`);
  for (const t of c.targets ?? []) out.push(`<li>今年度の目標値${esc(lab(t.label, t.occurrence))}: ${esc(tv(t.before))} → ${esc(tv(t.after))}</li>`);
  for (const r of c.results) {
    const note = r.before && r.after && (r.before.note ?? null) !== (r.after.note ?? null) && v({ ...r.before, note: null }) === v({ ...r.after, note: null });
    out.push(
      note
        ? `<li>実績${esc(lab(r.label, r.occurrence))}の備考: ${esc(r.before!.note ?? '—')} → ${esc(r.after!.note ?? '—')}</li>`
        : `<li>実績${esc(lab(r.label, r.occurrence))}: ${esc(v(r.before))} → ${esc(v(r.after))}</li>`,
    );
  }
  // The parts that follow the plan's shape, each as before → after on one line.
  for (const x of c.shape ?? []) out.push(`<li>${esc(x.label)}: ${esc(x.before ?? '—')} → ${esc(x.after ?? '—')}</li>`);
  out.push(`</ul></section>`);
  return out.join('');
}

export function renderDiffSection(d: EditionDiff): string {
  const out: string[] = [];
  out.push(`<div class="diff"><h2 class="section">${esc(fiscalYearLabel(d.from))}からの変更</h2>`);
  out.push(
    `<p>追加 ${d.added.length} 件、完了 ${d.finished.length} 件、削除 ${d.removed.length} 件、変更 ${d.changed.length} 件、KPIの変更 ${d.kpis.length} 件</p>`,
  );
  const list = (title: string, items: { number: string | null; title: string }[]) => {
    if (!items.length) return;
    out.push(`<h3>${esc(title)}</h3><ul>${items.map((i) => `<li>${esc(n(i.number))} ${esc(i.title)}</li>`).join('')}</ul>`);
  };
  list('追加された施策', d.added);
  list('完了した施策', d.finished);
  list('なくなった施策', d.removed);
  if (d.changed.length) {
    out.push(`<h3>変更された施策</h3>`);
    for (const c of d.changed) out.push(renderInitiativeChange(c, 'h4', (k) => d.places[k] ?? k));
  }
  if (d.kpis.length) {
    out.push(`<h3>KPI</h3><ul>`);
    for (const k of d.kpis) {
      const bits = [
        ...(k.target ? [`目標値 ${k.target.before} → ${k.target.after}`] : []),
        ...k.actuals.map((a) => `${a.fiscalYear}年度 ${a.before ?? '—'} → ${a.after ?? '—'}`),
      ];
      out.push(`<li>${esc(k.name)}: ${esc(bits.join('、') || '新しい指標')}</li>`);
    }
    out.push(`</ul>`);
  }
  out.push(`</div>`);
  return out.join('\n');
}
