// Structural writes of the admin (move an initiative, change its number/title/placement, renumber) on
// PGlite, for the sample's 102 initiatives and a synthetic edition of 3,000. Each rewrites the stored
// positions in print order, so it reads the whole edition; the baseline, measured in the same run, is the
// editor's content save of one initiative, the most common write of the round.
import { openDatabase } from '../src/db/client.ts';
import { sampleDocument } from '../src/db/sample.ts';
import { saveEdition } from '../src/db/repository.ts';
import { createUser, authenticate } from '../src/db/accounts.ts';
import { loadItem, saveInitiative } from '../src/db/workspace.ts';
import { moveInitiative, renumberEdition, updateIdentity } from '../src/db/initiatives.ts';
import type { EditionData } from '../src/domain/model.ts';
import { syntheticEdition } from './spreadsheet.ts';
import { median, type BenchResult } from './types.ts';

const PASSWORD = 'bench passphrase 0123';

async function benchOne(label: string, data: EditionData, runs: number): Promise<BenchResult[]> {
  const database = await openDatabase({ dataDir: 'memory://' });
  try {
    const db = database.db;
    await saveEdition(db, { ...data, edition: { ...data.edition, state: 'draft' } }, { actor: 'bench', source: 'bench' });
    await createUser(db, { orgCode: data.organization.code, login: 'bench', displayName: 'bench', password: PASSWORD, role: 'admin' });
    const actor = (await authenticate(db, 'bench', PASSWORD))!;
    const fy = data.edition.fiscalYear;
    // An initiative in the middle of the largest group, so both directions are possible.
    const mid = data.initiatives[Math.floor(data.initiatives.length / 2)]!;

    const time = async (fn: (rep: number) => Promise<unknown>) => {
      const xs: number[] = [];
      for (let rep = 0; rep <= runs; rep++) {
        const t0 = performance.now();
        await fn(rep);
        if (rep > 0) xs.push(performance.now() - t0); // the first is warm-up
      }
      return median(xs);
    };
    const save = await time(async (rep) => {
      const { item } = await loadItem(db, actor, fy, mid.key);
      const i = item.initiative;
      await saveInitiative(db, actor, fy, mid.key, item.version, {
        status: i.status,
        content: `${i.content}${rep % 2 ? '' : '。'}`,
        plan: i.plan,
        planTargets: i.planTargets,
        results: i.results,
      });
    });
    const baseline = { name: 'an editor saves one initiative’s content', value: save };
    const move = await time((rep) => moveInitiative(db, actor, fy, mid.key, rep % 2 ? 'up' : 'down'));
    const identity = await time(async (rep) => {
      const { item } = await loadItem(db, actor, fy, mid.key);
      const i = item.initiative;
      await updateIdentity(db, actor, fy, mid.key, item.version, {
        number: i.number,
        title: `${mid.title}${rep % 2 ? '' : '（改）'}`,
        pillarKey: i.pillarKey,
        subAreaKey: i.subAreaKey,
        departments: i.departments,
      });
    });
    const renumber = await time(() => renumberEdition(db, actor, fy));
    return [
      { name: `${label}: move an initiative down/up`, value: move, unit: 'ms', baseline },
      { name: `${label}: rename an initiative (identity form)`, value: identity, unit: 'ms', baseline },
      {
        name: `${label}: renumber the edition`,
        value: renumber,
        unit: 'ms',
        baseline,
        note: 'after the first run nothing changes; the figure is the read and the check',
      },
    ];
  } finally {
    await database.close();
  }
}

export async function benchStructure(): Promise<BenchResult[]> {
  const sample = sampleDocument().doc.data;
  return [...(await benchOne('sample (102 initiatives)', sample, 10)), ...(await benchOne('synthetic 3,000 initiatives', syntheticEdition(sample, 3000), 5))];
}
