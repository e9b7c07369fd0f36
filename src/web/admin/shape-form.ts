// The shape form of one initiative (shape-views.tsx draws it), read into the edit its command stores
// (db/initiative-shape.ts): the plan's sections typed by their definition and checked with parseFieldValue,
// a grade set by hand with its reason, one phase per schedule period, milestone rows and indicator rows.
// Every error is keyed by the control's name, so the page shows it beside that control, in Japanese with
// the row it is about. The same module turns a stored initiative into the form's values, so the page is
// drawn the same way from what is stored and from what was typed.
import { normalizeNumber } from '../../domain/decimal.ts';
import { parseFieldValue } from '../../domain/field-values.ts';
import { gradeChoices } from '../../domain/grades.ts';
import { nextKey } from '../../domain/structure.ts';
import { DIRECTIONS } from '../../domain/enums.ts';
import {
  planFields,
  type FieldValue,
  type Indicator,
  type IndicatorValue,
  type Initiative,
  type Milestone,
  type PlanInfo,
  type ScheduleCell,
} from '../../domain/model.ts';
import { isMilestoneDate, MAX_INDICATORS, MAX_MILESTONES, type ShapeEdit } from '../../db/initiative-shape.ts';
import { schedulePeriods } from '../schedule-chart.ts';
import { one, type Body, type FieldErrors } from './forms.ts';

/** Empty rows offered after the stored ones, to add without script. */
export const SPARE_INDICATORS = 2;
export const SPARE_MILESTONES = 3;

/** The kinds of target an indicator row offers, as the 指標 sheet names them. */
export const TARGET_KINDS: [value: string, label: string][] = [
  ['numeric', '数値'],
  ['perYear', '年間'],
  ['cumulative', '累計'],
  ['qualitative', '定性'],
];

export const DIRECTION_LABELS: Record<(typeof DIRECTIONS)[number], string> = { higher: '高いほど良い', lower: '低いほど良い' };

/** The fiscal years an indicator row has a target and an actual column for: the plan's period. */
export function planYears(plan: Pick<PlanInfo, 'startFiscalYear' | 'endFiscalYear'>): number[] {
  const out: number[] = [];
  for (let y = plan.startFiscalYear; y <= plan.endFiscalYear; y++) out.push(y);
  return out;
}

export const fieldName = (key: string) => `field_${key}`;

/** The form's controls as strings, from what is stored; with spare rows to add. */
export function shapeValues(i: Initiative, plan: PlanInfo): { values: Record<string, string>; indicatorRows: number; milestoneRows: number } {
  const s = plan.settings;
  const v: Record<string, string> = {};
  for (const f of planFields(s)) {
    const stored: FieldValue | undefined = f.key === 'content' ? i.content : f.key === 'plan' ? i.plan : i.fields?.[f.key];
    if (stored === undefined) continue;
    if (f.type === 'boolean') {
      if (stored === true) v[fieldName(f.key)] = 'on';
      // Remembered so that an unticked box empties a stored value rather than saving いいえ over nothing.
      v[`${fieldName(f.key)}__stored`] = 'on';
    } else v[fieldName(f.key)] = String(stored);
  }
  if (i.grade) {
    v.grade = i.grade.grade;
    v.gradeReason = i.grade.reason;
  }
  for (const c of i.schedule ?? []) v[`sched_${c.period}`] = c.phase;
  const milestones = i.milestones ?? [];
  milestones.forEach((m, k) => {
    v[`m_date_${k}`] = m.date;
    v[`m_label_${k}`] = m.label;
    if (m.done) v[`m_done_${k}`] = 'on';
  });
  const indicators = i.indicators ?? [];
  indicators.forEach((x, k) => {
    v[`i_key_${k}`] = x.key;
    v[`i_name_${k}`] = x.name;
    v[`i_kind_${k}`] = x.kind ?? '';
    v[`i_unit_${k}`] = x.unit ?? '';
    v[`i_direction_${k}`] = x.direction;
    v[`i_targetKind_${k}`] = x.qualitative !== null ? 'qualitative' : x.perYear ? 'perYear' : x.cumulative ? 'cumulative' : 'numeric';
    v[`i_qualitative_${k}`] = x.qualitative ?? '';
    v[`i_baseYear_${k}`] = x.baseline ? String(x.baseline.fiscalYear) : '';
    v[`i_baseValue_${k}`] = x.baseline?.value ?? '';
    v[`i_targetYear_${k}`] = x.target ? String(x.target.fiscalYear) : '';
    v[`i_targetValue_${k}`] = x.target?.value ?? '';
    for (const y of x.values) {
      v[`i_t_${y.fiscalYear}_${k}`] = y.target ?? '';
      v[`i_a_${y.fiscalYear}_${k}`] = x.qualitative !== null ? (y.achieved === null ? '' : y.achieved ? '達成' : '未達成') : (y.actual ?? '');
    }
  });
  return { values: v, indicatorRows: indicators.length + SPARE_INDICATORS, milestoneRows: milestones.length + SPARE_MILESTONES };
}

/** How many rows a posted form had (its hidden counters), bounded. */
export function postedRows(body: Body, name: 'i_rows' | 'm_rows', max: number): number {
  const n = Number(one(body, name));
  return Number.isInteger(n) && n >= 0 ? Math.min(n, max) : 0;
}

const clean = (s: string) => s.replace(/\r\n?/g, '\n').trim();
const hasControl = (s: string) => /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(s);

/**
 * The posted shape form of `current` read into its edit and version, or the errors by control. Only the
 * parts the plan has are read; the others are left out of the edit, and the command keeps them as stored.
 */
export function parseShapeForm(
  body: Body,
  plan: PlanInfo,
  current: Initiative,
): { ok: true; version: number; edit: ShapeEdit } | { ok: false; errors: FieldErrors } {
  const s = plan.settings;
  const errors: FieldErrors = {};
  const val = (name: string) => one(body, name);
  const version = Number(val('version'));
  if (!Number.isInteger(version) || version < 1) errors.version = '版数がありません。ページを読み込み直してください';
  const edit: ShapeEdit = {};

  // Sections, typed by the definition.
  const fields: Record<string, FieldValue | null> = {};
  for (const f of planFields(s)) {
    const name = fieldName(f.key);
    if (f.type === 'boolean') {
      const ticked = val(name) === 'on';
      // An unticked box is いいえ where a value was stored, and stays empty where none was.
      fields[f.key] = ticked ? true : val(`${name}__stored`) === 'on' ? false : null;
      continue;
    }
    const typed = f.type === 'text' ? clean(val(name)) : val(name).trim();
    if (typed.length > 20_000) {
      errors[name] = `${f.label}は20,000文字までです`;
      continue;
    }
    if (hasControl(typed)) {
      errors[name] = `${f.label}に使えない制御文字が含まれています`;
      continue;
    }
    if (f.key === 'content' || f.key === 'plan' || f.type === 'text') {
      fields[f.key] = typed === '' ? null : typed;
      continue;
    }
    const r = parseFieldValue(f, typed);
    if (!r.ok) errors[name] = r.message;
    else fields[f.key] = r.value;
  }
  edit.fields = fields;

  // A grade set by hand.
  if (s.grades) {
    const grade = val('grade').trim();
    const reason = clean(val('gradeReason'));
    const choices = gradeChoices(s);
    if (grade === '') {
      if (reason) errors.gradeReason = '理由は評価を手で付けるときに書きます（計算による評価のままにするなら理由を空にします）';
      edit.grade = null;
    } else if (!choices.some((c) => c.grade === grade)) errors.grade = `評価は ${choices.map((c) => c.grade).join('、')} から選びます`;
    else if (!reason) errors.gradeReason = '手で評価を付けるときは、その理由を書きます';
    else if (reason.length > 4000) errors.gradeReason = '評価の理由は4,000文字までです';
    else edit.grade = { grade, reason };
  }

  // The schedule: one phase per period.
  if (s.schedule) {
    const cells: ScheduleCell[] = [];
    for (const p of schedulePeriods(plan)) {
      const phase = val(`sched_${p.id}`).trim();
      if (!phase) continue;
      if (!s.schedule.phases.includes(phase)) errors[`sched_${p.id}`] = `${p.label}の段階は ${s.schedule.phases.join('、')} から選びます`;
      else cells.push({ period: p.id, phase });
    }
    edit.schedule = cells;
    if (s.schedule.milestones) edit.milestones = milestonesOf(body, errors);
  }

  if (s.indicatorKinds !== undefined) edit.indicators = indicatorsOf(body, plan, current, errors);

  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, version, edit };
}

/** "2024-10-01", "2024/10/1", "令和6年10月1日" as a day; "2024-10", "2024年10月" as a month; null when it is neither. */
function milestoneDate(typed: string): string | null {
  const t = typed.normalize('NFKC').replace(/\s/g, '');
  const month = /^(\d{4})(?:[-/.]|年)(\d{1,2})月?$/.exec(t);
  if (month) {
    const d = `${month[1]}-${month[2]!.padStart(2, '0')}`;
    return isMilestoneDate(d) ? d : null;
  }
  const r = parseFieldValue({ key: 'date', label: '日付', type: 'date' }, t);
  return r.ok && typeof r.value === 'string' && isMilestoneDate(r.value) ? r.value : null;
}

function milestonesOf(body: Body, errors: FieldErrors): Milestone[] {
  const out: Milestone[] = [];
  const rows = postedRows(body, 'm_rows', MAX_MILESTONES + SPARE_MILESTONES);
  for (let k = 0; k < rows; k++) {
    if (one(body, `m_remove_${k}`) === 'on') continue;
    const [date, label] = [one(body, `m_date_${k}`).trim(), clean(one(body, `m_label_${k}`))];
    const done = one(body, `m_done_${k}`) === 'on';
    if (!date && !label && !done) continue; // an empty spare row
    const at = `マイルストーン${k + 1}行目`;
    const day = date ? milestoneDate(date) : null;
    if (!date) errors[`m_date_${k}`] = `${at}: 日付を書きます（例: 2024-10-01、月だけなら 2024-10）`;
    else if (day === null) errors[`m_date_${k}`] = `${at}: 日付「${date.slice(0, 20)}」が読めません（例: 2024-10-01、月だけなら 2024-10）`;
    if (!label) errors[`m_label_${k}`] = `${at}: 内容を書きます`;
    else if (label.length > 200 || label.includes('\n')) errors[`m_label_${k}`] = `${at}: 内容は1行・200文字までです`;
    if (day !== null && label) out.push({ date: day, label, done });
  }
  if (out.length > MAX_MILESTONES) errors.m_rows = `マイルストーンは${MAX_MILESTONES}件までです`;
  return out;
}

/** A number as typed (full-width digits, commas), or undefined when it is not one; null for nothing. */
function decimalOf(typed: string): string | null | undefined {
  const t = typed.normalize('NFKC').trim();
  if (!t || /^[—―\-‐]$/.test(t)) return null;
  return normalizeNumber(t) ?? undefined;
}

function yearOf(typed: string): number | null | undefined {
  const t = typed.normalize('NFKC').trim();
  if (!t) return null;
  if (!/^\d{4}$/.test(t)) return undefined;
  const y = Number(t);
  return y >= 2000 && y <= 2100 ? y : undefined;
}

function indicatorsOf(body: Body, plan: PlanInfo, current: Initiative, errors: FieldErrors): Indicator[] {
  const kinds = plan.settings.indicatorKinds ?? [];
  const years = planYears(plan);
  const stored = new Map((current.indicators ?? []).map((x) => [x.key, x]));
  const out: Indicator[] = [];
  const rows = postedRows(body, 'i_rows', MAX_INDICATORS + SPARE_INDICATORS);
  const used = new Set<string>([...stored.keys()]);
  for (let k = 0; k < rows; k++) {
    const v = (name: string) => one(body, `i_${name}_${k}`);
    if (v('remove') === 'on') continue;
    const key = v('key').trim();
    const old = key ? stored.get(key) : undefined;
    const name = clean(v('name'));
    const typedCells = ['unit', 'qualitative', 'baseYear', 'baseValue', 'targetYear', 'targetValue', 'kind'].some((n) => v(n).trim() !== '');
    const typedYears = years.some((y) => one(body, `i_t_${y}_${k}`).trim() !== '' || one(body, `i_a_${y}_${k}`).trim() !== '');
    if (!key && !name && !typedCells && !typedYears) continue; // an empty spare row
    const at = `指標${k + 1}行目`;
    const err = (field: string, message: string) => (errors[`i_${field}_${k}`] ??= `${at}: ${message}`);
    if (key && !old) err('name', 'この指標は保存されていません。ページを読み込み直してください');
    if (!name) err('name', key ? '指標名を書きます（指標をなくすには「削除」に印を付けます）' : '指標名を書きます');
    else if (name.length > 200 || name.includes('\n')) err('name', '指標名は1行・200文字までです');
    const kind = v('kind').trim();
    if (kind && !kinds.includes(kind)) err('kind', `種類は ${kinds.join('、')} から選びます`);
    const unit = v('unit').trim();
    if (unit.length > 20 || hasControl(unit)) err('unit', '単位は20文字までです');
    const direction = v('direction') || 'higher';
    if (!(DIRECTIONS as readonly string[]).includes(direction)) err('direction', '方向は「高いほど良い」か「低いほど良い」を選びます');
    const targetKind = v('targetKind') || 'numeric';
    if (!TARGET_KINDS.some(([x]) => x === targetKind)) err('targetKind', '目標の種類を選びます');
    const qualitative = targetKind === 'qualitative';
    const qualitativeText = clean(v('qualitative'));
    if (qualitative && !qualitativeText) err('qualitative', '定性目標の内容を書きます（例: 行動規範の制定）');
    if (qualitativeText.length > 1000) err('qualitative', '定性目標は1,000文字までです');
    if (!qualitative && qualitativeText) err('qualitative', '定性目標は、目標の種類が「定性」のときに書きます');
    const pair = (yearField: string, valueField: string, what: string): { fiscalYear: number; value: string } | null => {
      const [y, n] = [yearOf(v(yearField)), decimalOf(v(valueField))];
      if (y === undefined) err(yearField, `${what}年度は西暦の年（2000〜2100）で書きます「${v(yearField).trim().slice(0, 10)}」`);
      if (n === undefined) err(valueField, `${what}値は数値で書きます「${v(valueField).trim().slice(0, 20)}」（単位は単位欄へ）`);
      if (y === undefined || n === undefined) return null;
      if (y === null && n === null) return null;
      if (y === null) err(yearField, `${what}値を書くときは${what}年度も書きます`);
      if (n === null) err(valueField, `${what}年度を書くときは${what}値も書きます`);
      return y !== null && n !== null ? { fiscalYear: y, value: n } : null;
    };
    const baseline = pair('baseYear', 'baseValue', '基準');
    const target = pair('targetYear', 'targetValue', '目標');
    if (qualitative && target) err('targetValue', '定性目標の指標には目標値を書きません（目標は定性目標の欄に書きます）');
    // Values of years the form does not show (outside the plan's period) are kept as stored.
    const values: IndicatorValue[] = (old?.values ?? []).filter((x) => !years.includes(x.fiscalYear));
    for (const y of years) {
      const [t, a] = [one(body, `i_t_${y}_${k}`).trim(), one(body, `i_a_${y}_${k}`).trim()];
      if (qualitative) {
        if (t) err(`t_${y}`, `${y}年度: 定性目標の指標には年度ごとの目標値を書きません`);
        const said = a.normalize('NFKC');
        const achieved = said === '' ? null : said === '達成' ? true : said === '未達成' ? false : undefined;
        if (achieved === undefined) err(`a_${y}`, `${y}年度の実績は「達成」か「未達成」で書きます（空欄はまだ判定していないこと）`);
        else if (achieved !== null) values.push({ fiscalYear: y, target: null, actual: null, achieved });
        continue;
      }
      const [tv, av] = [decimalOf(t), decimalOf(a)];
      if (tv === undefined) err(`t_${y}`, `${y}年度の目標値は数値で書きます「${t.slice(0, 20)}」`);
      if (av === undefined)
        err(`a_${y}`, `${y}年度の実績値は数値で書きます「${a.slice(0, 20)}」${/達成/.test(a) ? '（「達成」は定性目標の指標だけです）' : ''}`);
      if (tv === undefined || av === undefined || (tv === null && av === null)) continue;
      values.push({ fiscalYear: y, target: tv, actual: av, achieved: null });
    }
    let newKey = key;
    if (!newKey) {
      newKey = nextKey('ind', [...used]);
      used.add(newKey);
    }
    out.push({
      key: newKey,
      name,
      kind: kind || null,
      unit: unit || null,
      direction: direction as Indicator['direction'],
      cumulative: targetKind === 'cumulative',
      perYear: targetKind === 'perYear',
      baseline,
      target: qualitative ? null : target,
      qualitative: qualitative ? qualitativeText : null,
      values: values.sort((a, b) => a.fiscalYear - b.fiscalYear),
    });
  }
  if (out.length > MAX_INDICATORS) errors.i_rows = `指標は${MAX_INDICATORS}件までです`;
  return out;
}
