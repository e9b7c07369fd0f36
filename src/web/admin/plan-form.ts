// The plan form of the workspace (a new plan, and the plan's settings): the fields read into a plan
// definition and checked by the same rules as plan.yaml (src/domain/plan-definition.ts), each error put
// next to its field in the form's own words.
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { Organization, PlanInfo, PlanSettings } from '../../domain/model.ts';
import {
  checkPlanDefinition,
  DEFINITION_KEYS,
  definitionOfPlan,
  definitionValue,
  formatDefinitionErrors,
  MAX_DEFINITION_BYTES,
  parsePlanDefinition,
  settingsOf,
  type PlanDefinition,
} from '../../domain/plan-definition.ts';
import { definitionYaml } from '../../domain/definition-yaml.ts';
import { one, parseBands, type Body, type FieldErrors } from './forms.ts';

/** The form's field for each key of the definition, and what the field is called on the page. */
const FIELDS: [key: string, field: string, label: string][] = [
  ['organization', '_', '自治体'],
  ['title', 'title', '計画の題名'],
  ['period.from', 'from', '計画期間の最初の年度'],
  ['period.to', 'to', '計画期間の最後の年度'],
  ['period', 'to', '計画期間'],
  ['levels[1]', 'level2', '第2階層の名前'],
  ['levels[2]', 'level3', '第3階層の名前'],
  ['levels[3]', 'level4', '第4階層の名前'],
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
 * The plan form read into a definition of `organization`: title, from/to, level1 … level4, initiative,
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
  const named = ['level1', 'level2', 'level3', 'level4'].map((f) => one(body, f).trim());
  if (!named[0] && named[1]) errors.level1 = '第1階層の名前を入力してください（階層が1つなら第1階層だけに書きます）';
  // Levels are named from the outside in: a deeper one needs the ones above it.
  for (let k = 1; k < 3; k++)
    if (!named[k] && named.slice(k + 1).some(Boolean)) errors[`level${k + 1}`] ??= `第${k + 1}階層の名前を入力してください（階層は外側から順に書きます）`;
  if (!named[0] && named.slice(2).some(Boolean)) errors.level1 ??= '第1階層の名前を入力してください';
  const levels = named.filter(Boolean);
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

// ---- the plan's shape as YAML -----------------------------------------------------------------------------

/** The keys of the definition the shape text holds; the others are the plan form's. */
export const SHAPE_TEXT_KEYS = ['levels', 'initiative', 'fields', 'indicators', 'progress', 'grades', 'schedule'] as const;
/** Of `progress`, the shape text holds how progress is measured; the rounding and bands are the plan form's. */
const SHAPE_PROGRESS_KEYS = ['method', 'curve'];
const OTHER_KEYS: Record<string, string> = {
  organization: '自治体は変えられません',
  title: '題名は上の「題名・期間・構成の名前・規則」で変えます',
  period: '計画期間は上の「題名・期間・構成の名前・規則」で変えます',
  departmentRequired: '担当課所を必須にするかは上の「題名・期間・構成の名前・規則」で変えます',
  firstEdition: '年度版は「年度版」の欄で作ります',
};

/**
 * The shape part of the plan's definition as YAML (definitionYaml with the plan form's keys left out):
 * levels, initiative, fields, indicators, grades, schedule, and progress.method/curve where the plan has them.
 */
export function shapeYaml(org: Organization, plan: PlanInfo): string {
  const doc = parseDocument(definitionYaml(org, plan));
  doc.commentBefore = null;
  for (const k of Object.keys(OTHER_KEYS)) doc.delete(k);
  const progress = doc.get('progress', true);
  if (isMap(progress)) {
    for (const k of ['rounding', 'decimals', 'cap', 'bands']) progress.delete(k);
    if (progress.items.length === 0) doc.delete('progress');
  }
  return doc.toString({ lineWidth: 0, flowCollectionPadding: true });
}

/**
 * The shape text read against the stored plan: the plan's other keys (organization, title, period, the
 * progress rule's rounding and bands, departmentRequired) as stored, the shape as the text says — a shape
 * part the text leaves out is taken away. Checked by the rules of plan.yaml; each error names its line of
 * the text ("3行目: fields[0].type は …").
 */
export function parseShapeText(text: string, org: Organization, plan: PlanInfo): { ok: true; settings: PlanSettings } | { ok: false; errors: string[] } {
  const source = text.replace(/\r\n?/g, '\n');
  const fail = (errors: string[]) => ({ ok: false as const, errors });
  if (!source.trim()) return fail(['計画の形が空です（少なくとも levels と initiative を書きます）']);
  if (new TextEncoder().encode(source).length > MAX_DEFINITION_BYTES) return fail([`計画の形が大きすぎます（上限 ${MAX_DEFINITION_BYTES / 1024} KB）`]);
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, uniqueKeys: true });
  // The YAML's own mistakes, in the words plan.yaml's reader has for them.
  if (doc.errors.length) {
    const r = parsePlanDefinition(source, '計画の形');
    return fail(r.ok ? doc.errors.map((e) => e.message.split('\n')[0]!) : formatDefinitionErrors('計画の形', r.errors).split('\n'));
  }
  const lineAt = (n: unknown) => ((n as Node | null)?.range ? lines.linePos((n as Node).range![0]).line || 1 : null);
  const root = doc.contents;
  if (!isMap(root)) return fail(['計画の形は「名前: 値」の並びで書きます（例: levels: [施策体系, 分野]）']);
  const errors: string[] = [];
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if ((SHAPE_TEXT_KEYS as readonly string[]).includes(key)) continue;
    const why = OTHER_KEYS[key];
    errors.push(
      `計画の形 ${lineAt(pair.key) ?? 1}行目: ${why ? `「${key}」はこの欄には書きません（${why}）` : `知らない項目「${key}」があります。書ける項目: ${SHAPE_TEXT_KEYS.join('、')}`}`,
    );
  }
  const progressNode = root.get('progress', true);
  if (isMap(progressNode))
    for (const pair of progressNode.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      if (!SHAPE_PROGRESS_KEYS.includes(key) && key in { rounding: 1, decimals: 1, cap: 1, bands: 1 })
        errors.push(
          `計画の形 ${lineAt(pair.key) ?? 1}行目: progress.${key} は上の「進捗率の計算規則」で変えます（この欄の progress には method と curve だけを書きます）`,
        );
    }
  if (errors.length) return fail(errors);
  const typed = doc.toJS({ maxAliasCount: 50 }) as Record<string, unknown>;
  const stored = definitionValue(definitionOfPlan(org, plan));
  const typedProgress =
    typed.progress && typeof typed.progress === 'object' && !Array.isArray(typed.progress) ? (typed.progress as Record<string, unknown>) : null;
  const { method: _m, curve: _c, ...rule } = stored.progress ?? {};
  const value = {
    organization: stored.organization,
    title: stored.title,
    period: stored.period,
    departmentRequired: stored.departmentRequired,
    ...typed,
    // How progress is measured comes from the text (absent: the ratio); how it is rounded, from the plan.
    progress: typedProgress ? { ...rule, ...typedProgress } : typed.progress === undefined ? rule : typed.progress,
  };
  // Where a key is in the text (a key the text lacks: its parent's line).
  const locate = (path: (string | number)[], unknownKey?: string): number | null => {
    let node: unknown = root;
    let line = 1;
    for (const seg of unknownKey === undefined ? path : [...path, unknownKey]) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) return line;
        line = lineAt(pair.key) ?? line;
        node = pair.value;
      } else if (isSeq(node) && typeof seg === 'number' && node.items[seg]) {
        node = node.items[seg];
        line = lineAt(node) ?? line;
      } else return line;
    }
    return unknownKey === undefined && isScalar(node) ? (lineAt(node) ?? line) : line;
  };
  const check = checkPlanDefinition(value, locate);
  if (!check.ok) return fail(formatDefinitionErrors('計画の形', check.errors).split('\n'));
  return { ok: true, settings: settingsOf(check.definition) };
}
