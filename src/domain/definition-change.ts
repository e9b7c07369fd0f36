// What a change of a plan's definition would lose of what its editions hold: groups of a level taken away,
// values of a section removed or no longer readable under its new type, select options, indicator kinds,
// grades and schedule phases still in use, milestones and schedule cells of a schedule removed or changed.
// Each loss says in Japanese what and how much, and where (「R6年度 01 施策名」, the first ten places), so
// the plan-update command can refuse the change, or ask for it to be confirmed, before anything is lost.
// Sections are compared by key: a renamed label loses nothing. Only what the plan had before counts (a
// value under a key the plan never defined is not the change's doing). Pure.
import { fieldValueOf, parseFieldValue } from './field-values.ts';
import { initiativeLabel, planFields, type EditionData, type FieldDef, type Initiative, type PlanSettings } from './model.ts';
import { reiwaShort } from './wareki.ts';

export type DefinitionLossKind =
  | 'level'
  | 'field'
  | 'field-type'
  | 'option'
  | 'indicator-kind'
  | 'grades'
  | 'grade'
  | 'schedule'
  | 'phase'
  | 'milestones'
  | 'schedule-unit';

export interface DefinitionLoss {
  kind: DefinitionLossKind;
  /** Japanese: what would be lost, with counts. */
  message: string;
  /** Where ("R6年度 01 施策名", "R6年度 デジタル環境整備 › 窓口"), the first MAX_PLACES of them. */
  where: string[];
  /** How many things are lost (values, groups, indicators, cells …), all of them, not only those in `where`. */
  count: number;
}

export const MAX_PLACES = 10;

/** Places collected for a loss, deduplicated, in edition and print order. */
class Places {
  private readonly seen = new Set<string>();
  readonly list: string[] = [];
  add(place: string) {
    if (this.seen.has(place)) return;
    this.seen.add(place);
    this.list.push(place);
  }
  get first(): string[] {
    return this.list.slice(0, MAX_PLACES);
  }
}

const yearOf = (e: EditionData) => `${reiwaShort(e.edition.fiscalYear)}年度`;
const placeOf = (e: EditionData, i: Initiative) => `${yearOf(e)} ${initiativeLabel(i)} ${i.title}`;

/** Every initiative of every edition, with its edition. */
function* initiatives(editions: readonly EditionData[]): Generator<[EditionData, Initiative]> {
  for (const e of editions) for (const i of e.initiatives) yield [e, i];
}

/** The depth of each group of an edition below its pillar: 2 directly under it, 3 inside one of those, … */
function groupDepths(e: EditionData): { pillar: string; name: string; depth: number }[] {
  const out: { pillar: string; name: string; depth: number }[] = [];
  for (const p of e.pillars) {
    const byKey = new Map(p.subAreas.map((s) => [s.key, s]));
    for (const s of p.subAreas) {
      let depth = 2;
      const seen = new Set([s.key]);
      for (let parent = s.parentKey; parent !== undefined && byKey.has(parent) && !seen.has(parent); parent = byKey.get(parent)!.parentKey) {
        seen.add(parent);
        depth++;
      }
      out.push({ pillar: p.name, name: s.name, depth });
    }
  }
  return out;
}

/**
 * The losses of changing a plan's settings from `before` to `after`, given its editions; empty when the
 * change loses nothing.
 */
export function definitionLosses(before: PlanSettings, after: PlanSettings, editions: readonly EditionData[]): DefinitionLoss[] {
  const out: DefinitionLoss[] = [];
  const loss = (kind: DefinitionLossKind, message: string, places: Places, count: number) => {
    if (count > 0) out.push({ kind, message, where: places.first, count });
  };
  const term = after.initiativeName || before.initiativeName;

  // Levels: every group deeper than the levels left (also one deeper than the levels before, which nothing should hold).
  const depths = editions.map((e) => [e, groupDepths(e)] as const);
  const deepest = depths.reduce((m, [, gs]) => gs.reduce((n, g) => Math.max(n, g.depth), m), before.levels.length);
  for (let depth = after.levels.length + 1; after.levels.length < before.levels.length && depth <= deepest; depth++) {
    const places = new Places();
    const years = new Set<number>();
    let n = 0;
    for (const [e, groups] of depths)
      for (const g of groups)
        if (g.depth === depth) {
          n++;
          years.add(e.edition.fiscalYear);
          places.add(`${yearOf(e)} ${g.pillar} › ${g.name}`);
        }
    loss(
      'level',
      `第${depth}階層${before.levels[depth - 1] ? `「${before.levels[depth - 1]}」` : ''}をなくすと、その階層のグループ ${n} 件（${years.size} 版）がなくなります`,
      places,
      n,
    );
  }

  // Sections, by key.
  const afterFields = new Map(planFields(after).map((f) => [f.key, f]));
  for (const f of planFields(before)) {
    const next = afterFields.get(f.key);
    if (!next) {
      const places = new Places();
      let n = 0;
      for (const [e, i] of initiatives(editions))
        if (fieldValueOf(i, f.key) !== null) {
          n++;
          places.add(placeOf(e, i));
        }
      loss('field', `項目「${f.label}」（${f.key}）をなくすと、${term} ${n} 件に書かれている値がなくなります`, places, n);
      continue;
    }
    if (next.type !== f.type) fieldTypeLoss(f, next, editions, term, loss);
    else if (f.type === 'select') optionLosses(f, next, editions, term, loss);
  }

  // Indicator kinds.
  const kinds = new Set(after.indicatorKinds ?? []);
  for (const kind of before.indicatorKinds ?? []) {
    if (kinds.has(kind)) continue;
    const places = new Places();
    let n = 0;
    for (const [e, i] of initiatives(editions))
      for (const x of i.indicators ?? [])
        if (x.kind === kind) {
          n++;
          places.add(placeOf(e, i));
        }
    loss('indicator-kind', `指標の種類「${kind}」をなくすと、${term} ${places.list.length} 件のその種類の指標 ${n} 件が種類なしになります`, places, n);
  }

  // Grades set by hand.
  if (before.grades) {
    const known = new Set([...before.grades.scale.map((s) => s.grade), before.grades.unrated.grade]);
    const left = after.grades ? new Set([...after.grades.scale.map((s) => s.grade), after.grades.unrated.grade]) : new Set<string>();
    if (!after.grades) {
      const places = new Places();
      let n = 0;
      for (const [e, i] of initiatives(editions))
        if (i.grade) {
          n++;
          places.add(placeOf(e, i));
        }
      loss('grades', `評価をなくすと、手で付けた評価（理由つき）${n} 件がなくなります（${term} ${n} 件）`, places, n);
    } else
      for (const grade of known) {
        if (left.has(grade)) continue;
        const places = new Places();
        let n = 0;
        for (const [e, i] of initiatives(editions))
          if (i.grade?.grade === grade) {
            n++;
            places.add(placeOf(e, i));
          }
        loss('grade', `評価「${grade}」をなくすと、手で「${grade}」を付けた${term} ${n} 件の評価（理由つき）がなくなります`, places, n);
      }
  }

  // Schedules.
  if (before.schedule) {
    const cellsAt = new Places();
    const milestonesAt = new Places();
    let cells = 0;
    let milestones = 0;
    for (const [e, i] of initiatives(editions)) {
      if (i.schedule?.length) {
        cells += i.schedule.length;
        cellsAt.add(placeOf(e, i));
      }
      if (i.milestones?.length) {
        milestones += i.milestones.length;
        milestonesAt.add(placeOf(e, i));
      }
    }
    if (!after.schedule) {
      const places = new Places();
      for (const p of [...cellsAt.list, ...milestonesAt.list]) places.add(p);
      const parts = [cells ? `スケジュールの記入 ${cells} 件` : '', milestones ? `マイルストーン ${milestones} 件` : ''].filter(Boolean).join('と');
      loss('schedule', `スケジュールをなくすと、${term} ${places.list.length} 件の${parts}がなくなります`, places, cells + milestones);
    } else {
      const phases = new Set(after.schedule.phases);
      for (const phase of before.schedule.phases) {
        if (phases.has(phase)) continue;
        const places = new Places();
        let n = 0;
        for (const [e, i] of initiatives(editions))
          for (const c of i.schedule ?? [])
            if (c.phase === phase) {
              n++;
              places.add(placeOf(e, i));
            }
        loss('phase', `スケジュールの段階「${phase}」をなくすと、${term} ${places.list.length} 件のその段階の記入 ${n} 件がなくなります`, places, n);
      }
      if (before.schedule.milestones && !after.schedule.milestones)
        loss(
          'milestones',
          `マイルストーンを使わないようにすると、${term} ${milestonesAt.list.length} 件のマイルストーン ${milestones} 件がなくなります`,
          milestonesAt,
          milestones,
        );
      if (before.schedule.unit !== after.schedule.unit)
        loss(
          'schedule-unit',
          `スケジュールの単位を${unitName(before.schedule.unit)}から${unitName(after.schedule.unit)}に変えると、${term} ${cellsAt.list.length} 件のスケジュールの記入 ${cells} 件がなくなります`,
          cellsAt,
          cells,
        );
    }
  }
  return out;
}

const unitName = (u: string) => (u === 'quarter' ? '四半期' : '年度');

type Report = (kind: DefinitionLossKind, message: string, places: Places, count: number) => void;

/** A section's type changed: the stored values that do not read as the new type. */
function fieldTypeLoss(f: FieldDef, next: FieldDef, editions: readonly EditionData[], term: string, loss: Report) {
  const places = new Places();
  let n = 0;
  for (const [e, i] of initiatives(editions)) {
    const v = fieldValueOf(i, f.key);
    if (v !== null && !parseFieldValue(next, v).ok) {
      n++;
      places.add(placeOf(e, i));
    }
  }
  loss(
    'field-type',
    `項目「${next.label}」の種類を ${f.type} から ${next.type} に変えると、${next.type} として読めない値（${term} ${n} 件）がなくなります`,
    places,
    n,
  );
}

/** A select field's options changed: for each option taken away, the values that chose it and match no option left. */
function optionLosses(f: FieldDef, next: FieldDef, editions: readonly EditionData[], term: string, loss: Report) {
  for (const option of f.options ?? []) {
    if (parseFieldValue(next, option).ok) continue;
    const places = new Places();
    let n = 0;
    for (const [e, i] of initiatives(editions))
      if (fieldValueOf(i, f.key) === option) {
        n++;
        places.add(placeOf(e, i));
      }
    loss('option', `項目「${next.label}」の選択肢「${option}」をなくすと、それを選んでいる${term} ${n} 件の値がなくなります`, places, n);
  }
}
