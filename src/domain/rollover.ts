// The next fiscal year's edition, made from the current one when a round opens. Initiatives keep their
// identity (key); last year's plan targets become this year's results to report, actuals empty.
import type { EditionData, Initiative } from './model.ts';
import { withShape } from './shape.ts';

export interface RolloverOptions {
  /** Leave out initiatives that are 完了; by default they are carried and stay 完了. */
  dropCompleted?: boolean;
}

export function rollover(data: EditionData, opts: RolloverOptions = {}): EditionData {
  const fy = data.edition.fiscalYear;
  const initiatives: Initiative[] = data.initiatives
    .filter((i) => !(opts.dropCompleted && i.status === 'completed'))
    .map((i) => ({
      // Sections, indicators (with every year's values), the schedule and milestones carry over; a grade
      // set by hand judged last year and is not carried (withShape below drops it).
      ...withShape({ ...structuredClone(i), grade: undefined }),
      // A 新規 initiative of last year is an ongoing one this year.
      status: i.status === 'new' ? 'in_progress' : i.status,
      resultsFiscalYear: fy,
      // A target printed without a name ("・26コンテンツ") measures the initiative itself; a result needs a
      // name to be entered in the form and the workbook, so it takes the initiative's title.
      results: i.planTargets.map((p) => ({ label: p.label.trim() || i.title, actual: null, target: p.value, unit: p.unit, note: null, raw: '' })),
      resultsText: '',
    }));
  return {
    ...structuredClone(data),
    edition: {
      ...data.edition,
      fiscalYear: fy + 1,
      // "…アクションプラン2023" → "…アクションプラン2024"; a title without the year is kept as it is.
      title: data.edition.title.replace(new RegExp(`${fy}$`), String(fy + 1)),
      state: 'draft',
      source: null,
    },
    initiatives,
  };
}
