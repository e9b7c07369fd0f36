// A stored plan written back as its definition: the plan.yaml (or plan.json) that parsePlanDefinition reads
// into the same settings, for the plan page's download, the API's definition endpoint and a plan built in
// the browser that someone wants to keep as a file. A key is left out only where it equals what the
// parser fills in for a missing key (the sample's progress rule, a required department, published grades,
// no milestones), so the file says what is particular to the plan; the shape parts are written whenever
// the plan has them, even empty (`fields: []` is an initiative with only its title, and differs from no
// `fields`). Pure.
import { Document, isMap, isSeq, type Node } from 'yaml';
import { DEFAULT_PLAN_SETTINGS, type Organization, type PlanInfo } from './model.ts';
import { definitionOfPlan, definitionValue, type DefinitionInput } from './plan-definition.ts';

/** The order of the keys in the file: who and what, the plan's words, then its shape. */
const ORDER = ['organization', 'title', 'period', 'levels', 'initiative', 'departmentRequired', 'fields', 'indicators', 'progress', 'grades', 'schedule'];

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The plan's definition as a file holds it, without the keys whose value the parser restores when they are missing. */
export function definitionOf(org: Organization, plan: PlanInfo): DefinitionInput {
  const full = definitionValue(definitionOfPlan(org, plan));
  const d: DefinitionInput = structuredClone(full);
  const defaults = definitionValue(definitionOfPlan(org, { ...plan, settings: DEFAULT_PLAN_SETTINGS })).progress!;
  const progress = d.progress!;
  for (const k of ['rounding', 'decimals', 'cap', 'bands'] as const) if (same(progress[k], defaults[k])) delete progress[k];
  if (!Object.keys(progress).length) delete d.progress;
  if (d.departmentRequired === true) delete d.departmentRequired;
  if (d.grades?.publish === true) delete d.grades.publish;
  if (d.schedule?.milestones === false) delete d.schedule.milestones;
  const record = d as Record<string, unknown>;
  return Object.fromEntries(ORDER.filter((k) => record[k] !== undefined).map((k) => [k, record[k]])) as DefinitionInput;
}

/** Short lists and records on one line ({ key: budget, label: 事業費, type: money }), the rest as blocks. */
function flowAt(doc: Document, path: (string | number)[], each = false) {
  const node = doc.getIn(path, true) as Node | undefined;
  if (!node) return;
  if (!each && (isMap(node) || isSeq(node))) node.flow = true;
  if (each && isSeq(node))
    for (const item of node.items) {
      if (isMap(item) || isSeq(item)) item.flow = true;
    }
}

/** The plan's definition as plan.yaml: parsePlanDefinition(definitionYaml(org, plan)) gives back the plan's settings. */
export function definitionYaml(org: Organization, plan: PlanInfo): string {
  const doc = new Document(definitionOf(org, plan));
  doc.commentBefore = ` ${org.name}「${plan.title}」の計画の定義（docs/plan-definition.schema.json）`;
  for (const path of [['organization'], ['period'], ['levels'], ['indicators', 'kinds'], ['grades', 'unrated'], ['schedule', 'phases'], ['progress', 'bands']])
    flowAt(doc, path);
  for (const path of [['fields'], ['grades', 'scale']]) flowAt(doc, path, true);
  return doc.toString({ lineWidth: 0, flowCollectionPadding: true });
}

/** The same definition as plan.json (what the API's definition endpoint returns), read back by parsePlanDefinition as well. */
export function definitionJson(org: Organization, plan: PlanInfo): string {
  return `${JSON.stringify(definitionOf(org, plan), null, 2)}\n`;
}
