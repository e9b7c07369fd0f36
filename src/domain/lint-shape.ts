// Data-quality rules about the plan's shape, on the stored data of an edition (no source text, so no
// finding has a line; each names its place in words and in `places`): empty groups, the group tree
// (groups.ts groupIssues) and initiatives that skip a level, indicators without a target or whose unit
// says another kind of target, grades set by hand that the numbers contradict or the scale does not hold,
// and section values the plan's definition refuses. Part of lint's rule set (lint.ts RULES), so
// `shisaku lint` and the import report them; lintShape runs them alone for the admin.
//
// A plan of the sample's shape gives nothing here: its groups are all used and sit at their level, and it
// has no indicators, grades or sections of its own.
import { gradeContradiction, gradeLabel } from './grades.ts';
import { groupIssues, groupPath, groupTree, initiativesUnder, levelName, type GroupNode } from './groups.ts';
import { fieldValueOf, parseFieldValue } from './field-values.ts';
import { BUILTIN_FIELD_KEYS, planFields, type EditionData, type Indicator, type Initiative } from './model.ts';
import type { Finding, FindingPlace, Rule, Severity } from './lint.ts';

type Found = Omit<Finding, 'ruleId' | 'severity'>;

interface ShapeRule {
  id: string;
  severity: Severity;
  title: { ja: string; en: string };
  find(data: EditionData): Found[];
}

// ---- wording -------------------------------------------------------------------------------------------

const who = (i: Pick<Initiative, 'number' | 'title'>) => `${i.number ?? '新'} ${i.title}`;

/** 「暮らしの利便性向上 › 行政手続 › オンライン申請」: the path of groups down to a group. */
function pathText(data: EditionData, pillarKey: string, subAreaKey: string | null, lang: 'ja' | 'en' = 'ja'): string {
  const path = groupPath(data.pillars, pillarKey, subAreaKey);
  const text = path.map((p) => p.name).join(' › ') || pillarKey;
  return lang === 'ja' ? `「${text}」` : `"${text}"`;
}

function found(ja: string, en: string, places: FindingPlace[], refs: string[] = []): Found {
  return { message: { ja, en }, line: null, related: [], refs, places };
}

function allNodes(data: EditionData): GroupNode[] {
  const out: GroupNode[] = [];
  const walk = (n: GroupNode) => {
    out.push(n);
    n.children.forEach(walk);
  };
  groupTree(data.pillars).forEach(walk);
  return out;
}

function indicatorPlace(i: Initiative, ind: Indicator): FindingPlace {
  return { pillarKey: i.pillarKey, subAreaKey: i.subAreaKey, initiativeKey: i.key, indicatorKey: ind.key };
}

const nfkc = (s: string | null) => (s ?? '').normalize('NFKC');

// ---- rules ---------------------------------------------------------------------------------------------

const RULES: ShapeRule[] = [
  {
    id: 'empty-group',
    severity: 'warning',
    title: { ja: '施策のないグループ', en: 'Group without initiatives' },
    find(data) {
      const settings = data.plan.settings;
      return allNodes(data)
        .filter((n) => initiativesUnder(data, n).length === 0)
        .map((n) => {
          const sub = n.level === 1 ? null : n.key;
          return found(
            `${levelName(settings, n.level)}${pathText(data, n.pillarKey, sub)}には${settings.initiativeName}が一つもありません（下の階層を含めて）。不要なら削除し、必要なら${settings.initiativeName}を入れてください`,
            `${pathText(data, n.pillarKey, sub, 'en')} (${levelName(settings, n.level)}) holds no initiative, at any level below it either; remove it or add initiatives`,
            [{ pillarKey: n.pillarKey, subAreaKey: sub }],
          );
        });
    },
  },
  {
    id: 'group-structure',
    severity: 'error',
    title: { ja: 'グループの構成の誤り', en: 'Broken group structure' },
    find(data) {
      const levels = data.plan.settings.levels.length;
      const pillarName = new Map(data.pillars.map((p) => [p.key, p.name]));
      const out = groupIssues(data.pillars, levels).map((g) => {
        // The group the issue is about: for a key used twice, the later one (the one groupIssues names).
        const name = data.pillars.find((p) => p.key === g.pillarKey)?.subAreas.findLast((s) => s.key === g.subAreaKey)?.name ?? g.subAreaKey;
        const what = /重複/.test(g.message)
          ? `its key ${g.subAreaKey} is used twice`
          : /別の/.test(g.message)
            ? 'its parent group is in another top-level group'
            : /循環/.test(g.message)
              ? 'its parent groups form a cycle'
              : /上位のキー/.test(g.message)
                ? 'its parent group does not exist'
                : /階層は/.test(g.message)
                  ? `it is deeper than the plan's ${levels} levels`
                  : 'it is inconsistent';
        return found(g.message, `group "${name}" in "${pillarName.get(g.pillarKey) ?? g.pillarKey}": ${what}`, [
          { pillarKey: g.pillarKey, subAreaKey: g.subAreaKey },
        ]);
      });
      // An initiative naming a top-level group or a group the edition does not hold is shown directly under
      // its top-level group (or nowhere): say so.
      for (const i of data.initiatives) {
        const pillar = data.pillars.find((p) => p.key === i.pillarKey);
        if (!pillar)
          out.push(
            found(
              `${who(i)} の${levelName(data.plan.settings, 1)}（キー「${i.pillarKey}」）がありません`,
              `${who(i)}: its top-level group (key ${i.pillarKey}) does not exist`,
              [{ pillarKey: i.pillarKey, subAreaKey: i.subAreaKey, initiativeKey: i.key }],
              [i.key],
            ),
          );
        else if (i.subAreaKey !== null && !pillar.subAreas.some((s) => s.key === i.subAreaKey))
          out.push(
            found(
              `${who(i)} のグループ（キー「${i.subAreaKey}」）は「${pillar.name}」にありません`,
              `${who(i)}: its group (key ${i.subAreaKey}) is not in "${pillar.name}"`,
              [{ pillarKey: i.pillarKey, subAreaKey: i.subAreaKey, initiativeKey: i.key }],
              [i.key],
            ),
          );
      }
      return out;
    },
  },
  {
    id: 'level-skipped',
    severity: 'warning',
    title: { ja: '階層を飛ばした施策', en: 'Initiative skipping a level' },
    find(data) {
      const settings = data.plan.settings;
      const out: Found[] = [];
      for (const n of allNodes(data)) {
        // Some initiatives sit in the node itself while others under it are sorted into its groups (groups
        // deeper than the plan's levels are group-structure's finding, not a level these ones skip).
        const deeper = n.children.filter((c) => c.level <= settings.levels.length && initiativesUnder(data, c).length > 0);
        if (!deeper.length) continue;
        const direct = data.initiatives.filter((i) => i.pillarKey === n.pillarKey && (n.level === 1 ? i.subAreaKey === null : i.subAreaKey === n.key));
        const sub = n.level === 1 ? null : n.key;
        const below = levelName(settings, n.level + 1);
        for (const i of direct)
          out.push(
            found(
              `${who(i)} は${levelName(settings, n.level)}${pathText(data, n.pillarKey, sub)}の直下にありますが、同じ${levelName(settings, n.level)}のほかの${settings.initiativeName}は${below}（${deeper.map((c) => `「${c.name}」`).join('、')}）に分かれています。どの${below}に入るか決めてください`,
              `${who(i)} sits directly in ${pathText(data, n.pillarKey, sub, 'en')} while the other initiatives there are sorted into its groups (${below}: ${deeper.map((c) => c.name).join(', ')}); choose its group`,
              [{ pillarKey: i.pillarKey, subAreaKey: i.subAreaKey, initiativeKey: i.key }],
              [i.key],
            ),
          );
      }
      return out;
    },
  },
  {
    id: 'indicator-no-target',
    severity: 'warning',
    title: { ja: '目標のない指標', en: 'Indicator without a target' },
    find(data) {
      const out: Found[] = [];
      for (const i of data.initiatives)
        for (const ind of i.indicators ?? []) {
          if (ind.qualitative != null) {
            if (ind.qualitative.trim() === '')
              out.push(
                found(
                  `${who(i)} の指標「${ind.name}」は定性の目標ですが、目標の文章がありません`,
                  `${who(i)}: indicator "${ind.name}" has a qualitative target without its text`,
                  [indicatorPlace(i, ind)],
                  [i.key],
                ),
              );
            continue;
          }
          const final = ind.target !== null && ind.target.value.trim() !== '';
          const yearly = ind.values.some((v) => v.target !== null && v.target.trim() !== '');
          if (!final && !yearly)
            out.push(
              found(
                `${who(i)} の指標「${ind.name}」には目標値がありません（目標年度の目標値も年度ごとの目標もない）。進捗率を計算できません`,
                `${who(i)}: indicator "${ind.name}" has no target (neither a final nor a yearly one), so no progress can be computed`,
                [indicatorPlace(i, ind)],
                [i.key],
              ),
            );
        }
      return out;
    },
  },
  {
    id: 'indicator-target-kind',
    severity: 'warning',
    title: { ja: '目標の種類と単位の食い違い', en: 'Target kind and unit disagree' },
    find(data) {
      const out: Found[] = [];
      for (const i of data.initiatives)
        for (const ind of i.indicators ?? []) {
          if (ind.qualitative != null) continue;
          const unit = nfkc(ind.unit);
          const name = nfkc(ind.name);
          const say = (ja: string, en: string) =>
            out.push(found(`${who(i)} の指標「${ind.name}」: ${ja}`, `${who(i)}: indicator "${ind.name}": ${en}`, [indicatorPlace(i, ind)], [i.key]));
          if (ind.perYear && ind.cumulative)
            say('年間の目標と累計の目標の両方になっています。どちらか一つにしてください', 'it is marked both per year and cumulative; choose one');
          else if (ind.perYear && (/累計/.test(unit) || /累計/.test(name)))
            say(
              `年間（1年あたり）の目標ですが、${/累計/.test(unit) ? `単位「${ind.unit}」` : '指標名'}は累計と書いています。累計なら目標の種類を「累計」にしてください`,
              `the target is per year but its ${/累計/.test(unit) ? `unit "${ind.unit}"` : 'name'} says cumulative (累計); if it is a running total, make the target cumulative`,
            );
          else if (ind.cumulative && /\/年|年間/.test(unit))
            say(
              `累計の目標ですが、単位「${ind.unit}」は1年あたりと書いています。1年あたりなら目標の種類を「年間」にしてください`,
              `the target is cumulative but its unit "${ind.unit}" says per year; if it is a rate per year, make the target per year`,
            );
          else if (ind.perYear && /\/年$/.test(unit))
            say(
              `年間の目標で単位「${ind.unit}」にも /年 があり、目標が「…/年/年」と表示されます。単位から /年 を除いてください`,
              `the target is per year and its unit "${ind.unit}" already ends in /年, so it prints as …/年/年; drop /年 from the unit`,
            );
        }
      return out;
    },
  },
  {
    id: 'indicator-kind',
    severity: 'warning',
    title: { ja: '計画にない指標の種類', en: 'Indicator kind the plan does not have' },
    find(data) {
      const kinds = data.plan.settings.indicatorKinds ?? [];
      const out: Found[] = [];
      for (const i of data.initiatives)
        for (const ind of i.indicators ?? [])
          if (ind.kind !== null && !kinds.includes(ind.kind))
            out.push(
              found(
                `${who(i)} の指標「${ind.name}」の種類「${ind.kind}」は、この計画の指標の種類（${kinds.join('、') || 'なし'}）にありません`,
                `${who(i)}: indicator "${ind.name}" is of kind "${ind.kind}", which is not one of the plan's kinds (${kinds.join(', ') || 'none'})`,
                [indicatorPlace(i, ind)],
                [i.key],
              ),
            );
      return out;
    },
  },
  {
    id: 'grade-contradiction',
    severity: 'warning',
    title: { ja: '進捗と食い違う手動の評価', en: 'Manual grade contradicting the progress' },
    find(data) {
      const out: Found[] = [];
      for (const i of data.initiatives) {
        const c = gradeContradiction(i, data.edition.fiscalYear, data.plan.settings);
        if (!c) continue;
        out.push(
          found(
            `${who(i)} の評価は手動で ${c.manual} になっていますが、指標の進捗率 ${c.rate}% からは ${c.computed} です。評価の理由を確かめてください${i.grade?.reason ? `（理由: ${i.grade.reason}）` : ''}`,
            `${who(i)} is graded ${c.manual} by hand, but its indicators' progress of ${c.rate}% earns ${c.computed}; check the reason given`,
            [{ pillarKey: i.pillarKey, subAreaKey: i.subAreaKey, initiativeKey: i.key }],
            [i.key],
          ),
        );
      }
      return out;
    },
  },
  {
    id: 'grade-unknown',
    severity: 'error',
    title: { ja: '評価の段階にない評価', en: 'Grade not on the scale' },
    find(data) {
      const settings = data.plan.settings;
      const out: Found[] = [];
      for (const i of data.initiatives) {
        if (!i.grade || gradeLabel(settings, i.grade.grade) !== null) continue;
        const scale = settings.grades ? [...settings.grades.scale.map((s) => s.grade), settings.grades.unrated.grade] : [];
        out.push(
          found(
            scale.length
              ? `${who(i)} の評価「${i.grade.grade}」はこの計画の評価の段階（${[...new Set(scale)].join('、')}）にありません`
              : `${who(i)} に評価「${i.grade.grade}」がありますが、この計画には評価の段階がありません`,
            scale.length
              ? `${who(i)}: grade "${i.grade.grade}" is not on the plan's scale (${[...new Set(scale)].join(', ')})`
              : `${who(i)} has grade "${i.grade.grade}" but the plan has no grade scale`,
            [{ pillarKey: i.pillarKey, subAreaKey: i.subAreaKey, initiativeKey: i.key }],
            [i.key],
          ),
        );
      }
      return out;
    },
  },
  {
    id: 'field-option',
    severity: 'error',
    title: { ja: '選択肢にない記入値', en: 'Value not among the options' },
    find(data) {
      const out: Found[] = [];
      const selects = planFields(data.plan.settings).filter((d) => d.type === 'select');
      for (const i of data.initiatives)
        for (const def of selects) {
          const v = fieldValueOf(i, def.key);
          if (v === null || (typeof v === 'string' && (def.options ?? []).includes(v))) continue;
          out.push(
            found(
              `${who(i)} の「${def.label}」の値「${String(v)}」は選択肢（${(def.options ?? []).join('、')}）にありません`,
              `${who(i)}: "${def.label}" holds "${String(v)}", which is not one of its options (${(def.options ?? []).join(', ')})`,
              [{ pillarKey: i.pillarKey, subAreaKey: i.subAreaKey, initiativeKey: i.key, fieldKey: def.key }],
              [i.key],
            ),
          );
        }
      return out;
    },
  },
  {
    id: 'field-value',
    severity: 'error',
    title: { ja: '記入項目の型に合わない値', en: 'Value not of its section’s type' },
    find(data) {
      const out: Found[] = [];
      const defs = planFields(data.plan.settings).filter((d) => d.type !== 'select' && d.type !== 'text' && !BUILTIN_FIELD_KEYS.includes(d.key));
      for (const i of data.initiatives)
        for (const def of defs) {
          const v = i.fields?.[def.key];
          if (v === undefined) continue;
          const parsed = parseFieldValue(def, v);
          if (parsed.ok) continue;
          out.push(
            found(
              `${who(i)}: ${parsed.message}`,
              `${who(i)}: "${def.label}" holds "${String(v)}", which is not a valid ${def.type}`,
              [{ pillarKey: i.pillarKey, subAreaKey: i.subAreaKey, initiativeKey: i.key, fieldKey: def.key }],
              [i.key],
            ),
          );
        }
      return out;
    },
  },
  {
    id: 'field-unknown',
    severity: 'warning',
    title: { ja: '計画にない記入項目の値', en: 'Value of a section the plan does not have' },
    find(data) {
      const keys = new Set(planFields(data.plan.settings).map((d) => d.key));
      const out: Found[] = [];
      for (const i of data.initiatives)
        for (const key of Object.keys(i.fields ?? {}))
          if (!keys.has(key))
            out.push(
              found(
                `${who(i)} に、この計画の記入項目にない「${key}」の値があります（ページにも出力にも出ません）。項目を計画の定義に戻すか、値を消してください`,
                `${who(i)} holds a value for "${key}", a section the plan does not define (it is shown and exported nowhere)`,
                [{ pillarKey: i.pillarKey, subAreaKey: i.subAreaKey, initiativeKey: i.key, fieldKey: key }],
                [i.key],
              ),
            );
      return out;
    },
  },
];

/** The shape's rules in lint's form: each reads the document's edition. */
export const SHAPE_RULES: Rule[] = RULES.map((r) => ({ id: r.id, severity: r.severity, title: r.title, check: (doc) => r.find(doc.data) }));

/** The shape's findings on an edition, in rule order, for the admin and the command line. */
export function lintShape(data: EditionData): Finding[] {
  return RULES.flatMap((r) => r.find(data).map((f) => ({ ruleId: r.id, severity: r.severity, ...f })));
}
