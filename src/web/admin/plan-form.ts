// The plan form of the workspace (a new plan, and the plan's settings): the fields read into a plan
// definition and checked by the same rules as plan.yaml (src/domain/plan-definition.ts), each error put
// next to its field in the form's own words.
import type { Organization } from '../../domain/model.ts';
import { checkPlanDefinition, DEFINITION_KEYS, type PlanDefinition } from '../../domain/plan-definition.ts';
import { one, parseBands, type Body, type FieldErrors } from './forms.ts';

/** The form's field for each key of the definition, and what the field is called on the page. */
const FIELDS: [key: string, field: string, label: string][] = [
  ['organization', '_', '自治体'],
  ['title', 'title', '計画の題名'],
  ['period.from', 'from', '計画期間の最初の年度'],
  ['period.to', 'to', '計画期間の最後の年度'],
  ['period', 'to', '計画期間'],
  ['levels[1]', 'level2', '第2階層の名前'],
  ['levels', 'level1', '階層の名前'],
  ['initiative', 'initiative', '施策の呼び名'],
  ['firstEdition', 'firstEdition', '最初に作る年度版'],
  ['progress.rounding', 'rounding', '端数の扱い'],
  ['progress.decimals', 'decimals', '小数点以下の桁数'],
  ['progress.bands', 'bands', '評価の段階'],
  ['progress', 'bands', '進捗率の計算規則'],
  ['departmentRequired', 'departmentRequired', '担当課所'],
];

/** The field an error of the definition at `path` ("period.to", "levels[0]") belongs to. */
export function fieldOf(path: string): string {
  return FIELDS.find(([key]) => path === key || path.startsWith(`${key}.`) || path.startsWith(`${key}[`))?.[1] ?? '_';
}

/** A definition's message in the form's words: "period.to は period.from 以上…" → "「計画期間の最後の年度」は「計画期間の最初の年度」以上…". */
function inFormWords(message: string): string {
  let out = message;
  for (const [key, , label] of FIELDS) out = out.replace(`${key}（${DEFINITION_KEYS[key] ?? label}）`, key);
  for (const [key, , label] of FIELDS) out = out.replace(new RegExp(`\\s*(?<![\\w.])${key.replace(/[.[\]]/g, '\\$&')}(?![\\w.[])\\s*`, 'g'), `「${label}」`);
  return out;
}

/**
 * The plan form read into a definition of `organization`: title, from/to, level1/level2, initiative,
 * departmentRequired (yes/no), the progress rule (rounding, decimals, cap, bands) and, on the new-plan
 * form, firstEdition (empty for none).
 */
export function parsePlanForm(body: Body, organization: Organization): { ok: true; value: PlanDefinition } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const year = (field: string, optional = false): number | undefined => {
    const typed = one(body, field).normalize('NFKC').trim();
    if (optional && typed === '') return undefined;
    if (!/^\d{4}$/.test(typed)) {
      errors[field] = '西暦の年（例: 2024）で入力してください';
      return undefined;
    }
    return Number(typed);
  };
  const [from, to, firstEdition] = [year('from'), year('to'), year('firstEdition', true)];
  const [level1, level2] = [one(body, 'level1').trim(), one(body, 'level2').trim()];
  if (!level1 && level2) errors.level1 = '第1階層の名前を入力してください（階層が1つなら第1階層だけに書きます）';
  const levels = [level1, level2].filter(Boolean);
  const decimals = one(body, 'decimals').normalize('NFKC').trim();
  const bands = parseBands(one(body, 'bands'), errors);
  const departmentRequired = one(body, 'departmentRequired');
  if (departmentRequired !== 'yes' && departmentRequired !== 'no') errors.departmentRequired = '担当課所を必須にするかを選んでください';
  const input = {
    organization,
    title: one(body, 'title').trim(),
    period: { from: from ?? 0, to: to ?? 0 },
    levels,
    initiative: one(body, 'initiative').trim(),
    ...(firstEdition !== undefined ? { firstEdition } : {}),
    progress: {
      rounding: one(body, 'rounding'),
      decimals: /^\d+$/.test(decimals) ? Number(decimals) : decimals,
      cap: one(body, 'cap') === 'on',
      bands: bands.map((b) => ({ grade: b.grade, min: Number(b.min) })),
    },
    departmentRequired: departmentRequired !== 'no',
  };
  const check = checkPlanDefinition(input);
  if (!check.ok)
    for (const e of check.errors) {
      const field = fieldOf(e.path);
      // A year already refused as typed says nothing more.
      if (!errors[field] && !(field === 'from' && from === undefined) && !(field === 'to' && (to === undefined || from === undefined)))
        errors[field] = inFormWords(e.message);
    }
  if (Object.keys(errors).length || !check.ok) return { ok: false, errors: Object.keys(errors).length ? errors : { _: '入力を確かめてください' } };
  return { ok: true, value: check.definition };
}
