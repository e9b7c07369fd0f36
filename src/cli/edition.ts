// `shisaku publish --org CODE --year YYYY` and `shisaku reopen --org CODE --year YYYY --reason 理由`: the
// workspace's publish and reopen buttons for scripting. They run the same commands (publishEdition,
// reopenEdition) as the command line's administrator of the organization, so the same checks refuse the
// same things: an edition already published, a round with initiatives not yet approved.
import { parseArgs } from 'node:util';
import { defaultOptions, openDatabase } from '../db/client.ts';
import { systemActor } from '../db/command.ts';
import { publishEdition, reopenEdition, WorkspaceError } from '../db/workspace.ts';
import { fiscalYearLabel } from '../domain/wareki.ts';
import { UsageError } from './usage-error.ts';
import { requireOrg, requireYear } from './arguments.ts';

/** English for the refusals of publish and reopen, which the workspace shows in Japanese only. */
const ENGLISH: [RegExp, (m: RegExpExecArray) => string][] = [
  [/^この版は公開済みです/, () => 'the edition is already published'],
  [/^この版は公開されていません/, () => 'the edition is not published, there is nothing to reopen'],
  [/^未承認の施策が (\d+) 件/, (m) => `${m[1]} initiatives of the update round are not approved yet`],
  [/の版はありません$/, () => 'no such edition'],
];

function bilingual(e: WorkspaceError): WorkspaceError {
  if (e.message.includes(' / ')) return e;
  for (const [pattern, english] of ENGLISH) {
    const m = pattern.exec(e.message);
    if (m) return new WorkspaceError(`${e.message} / ${english(m)}`, e.status);
  }
  return e;
}

export async function editionCommand(kind: 'publish' | 'reopen', argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options:
      kind === 'reopen'
        ? { org: { type: 'string' }, year: { type: 'string' }, reason: { type: 'string' } }
        : { org: { type: 'string' }, year: { type: 'string' } },
    strict: true,
  }) as { values: { org?: string; year?: string; reason?: string } };
  // Arguments are checked before the database is opened: a mistyped command touches nothing.
  const org = requireOrg(values.org);
  const year = requireYear(values.year);
  const reason = values.reason?.trim() ?? '';
  if (kind === 'reopen' && !reason) throw new UsageError('--reason 理由 が必要です（記録されます） / --reason is required (it is recorded)');

  const database = await openDatabase(defaultOptions());
  try {
    const actor = await systemActor(database.db, org);
    if (kind === 'publish') {
      const p = await publishEdition(database.db, actor, year);
      process.stderr.write(`${fiscalYearLabel(year)}版を公開しました（${p.number}回目の公開） / published FY${year} (publication ${p.number})\n`);
    } else {
      await reopenEdition(database.db, actor, year, reason);
      process.stderr.write(
        `${fiscalYearLabel(year)}版を再開しました（理由: ${reason}）。もう一度公開するまで、公開サイトには公開済みの版が表示されます` +
          ` / reopened FY${year}; the portal shows the published version until it is published again\n`,
      );
    }
    return 0;
  } catch (e) {
    throw e instanceof WorkspaceError ? bilingual(e) : e;
  } finally {
    await database.close();
  }
}
