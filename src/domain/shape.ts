// The parts of an initiative that follow its plan's shape (its own sections, indicators, a grade set by
// hand, a schedule, milestones), in one canonical form: each part absent when empty, indicator values in
// year order. Every reader and writer passes through here, so two states that mean the same compare equal
// (JSON.stringify), and an initiative of the sample's shape has none of the keys, as before the shape existed.
import type { FieldValue, Indicator, Initiative, ManualGrade, Milestone, ScheduleCell } from './model.ts';

export interface ShapeParts {
  fields?: Record<string, FieldValue> | null;
  indicators?: Indicator[] | null;
  grade?: ManualGrade | null;
  schedule?: ScheduleCell[] | null;
  milestones?: Milestone[] | null;
}

/** The initiative with its shape parts in canonical form: an empty part is removed, never stored as {} or []. */
export function withShape<T extends Initiative>(i: T, parts: ShapeParts = i): T {
  const out = { ...i } as T & ShapeParts;
  delete out.fields;
  delete out.indicators;
  delete out.grade;
  delete out.schedule;
  delete out.milestones;
  const fields = parts.fields ? Object.fromEntries(Object.entries(parts.fields).filter(([, v]) => v !== '' && v !== null && v !== undefined)) : {};
  if (Object.keys(fields).length) out.fields = fields;
  if (parts.indicators?.length) out.indicators = parts.indicators.map((x) => ({ ...x, values: [...x.values].sort((a, b) => a.fiscalYear - b.fiscalYear) }));
  if (parts.grade) out.grade = parts.grade;
  if (parts.schedule?.length) out.schedule = parts.schedule;
  if (parts.milestones?.length) out.milestones = parts.milestones;
  return out as T;
}

/** The shape parts as the initiative_years columns store them (empty, never null, except the manual grade). */
export function shapeColumns(i: Initiative) {
  const c = withShape(i);
  return {
    fields: c.fields ?? {},
    indicators: c.indicators ?? [],
    grade: c.grade ?? null,
    schedule: c.schedule ?? [],
    milestones: c.milestones ?? [],
  };
}
