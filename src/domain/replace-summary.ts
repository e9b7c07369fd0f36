// What replacing a whole edition with a new document would do, worked out before anything is written: the
// initiatives and pillars it would add, remove and change. `import plan-text --replace` prints it with
// --dry-run, and refuses a replace that removes anything unless --allow-remove says so — a truncated or
// mis-decoded file shows up here as dozens of removals.
import { diffEditions } from './edition-diff.ts';
import { initiativeLabel, type EditionData } from './model.ts';

export interface ReplaceSummary {
  addedInitiatives: string[];
  removedInitiatives: string[];
  changedInitiatives: number;
  addedPillars: string[];
  removedPillars: string[];
}

export function replaceSummary(before: EditionData, after: EditionData): ReplaceSummary {
  const d = diffEditions(before, after);
  const names = (x: EditionData) => new Set(x.pillars.map((p) => p.name));
  const [a, b] = [names(before), names(after)];
  return {
    addedInitiatives: d.added.map((i) => `${initiativeLabel(i)} ${i.title}`),
    removedInitiatives: d.removed.map((i) => `${initiativeLabel(i)} ${i.title}`),
    changedInitiatives: d.changed.length,
    addedPillars: [...b].filter((n) => !a.has(n)),
    removedPillars: [...a].filter((n) => !b.has(n)),
  };
}

export function removesAnything(s: ReplaceSummary): boolean {
  return s.removedInitiatives.length > 0 || s.removedPillars.length > 0;
}

/** The summary as lines for the command line (Japanese / English). */
export function replaceSummaryLines(s: ReplaceSummary, levelName: string, initiativeName: string): string[] {
  const list = (xs: string[]) => (xs.length ? `: ${xs.slice(0, 10).join('、')}${xs.length > 10 ? ` ほか${xs.length - 10}件` : ''}` : '');
  return [
    `追加される${initiativeName} ${s.addedInitiatives.length} 件${list(s.addedInitiatives)} / added`,
    `削除される${initiativeName} ${s.removedInitiatives.length} 件${list(s.removedInitiatives)} / removed`,
    `内容が変わる${initiativeName} ${s.changedInitiatives} 件 / changed`,
    `追加される${levelName} ${s.addedPillars.length} 件${list(s.addedPillars)} / added`,
    `削除される${levelName} ${s.removedPillars.length} 件${list(s.removedPillars)} / removed`,
    'KPI の定義と実績、他の年度版は変わりません / KPIs and other editions are not touched',
  ];
}
