// `shisaku plan create --org CODE --file plan.yaml`: a new plan from its definition file (YAML or JSON,
// docs/plan-definition.schema.json), with its first edition as an empty draft when the file names one.
// Every error is printed with the line of the file it is about, and a refused file creates nothing. The
// command line acts as the organization's administrator (systemActor) through the same command as the
// workspace's new-plan page (createPlan).
import { parseArgs } from 'node:util';
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { checkpoint, type Database } from '../db/client.ts';
import { systemActor } from '../db/command.ts';
import { createPlan, DefinitionRefusal, organizationOf } from '../db/plans.ts';
import { formatDefinitionErrors, MAX_DEFINITION_BYTES, parsePlanDefinition, type DefinitionError } from '../domain/plan-definition.ts';
import { periodText } from '../domain/plan-rules.ts';
import { UsageError } from './usage-error.ts';
import { requireOrg } from './arguments.ts';

/** The English of a refusal the workspace words in Japanese only, by the part of the definition it is about. */
const ENGLISH: Record<string, string> = {
  period: 'the period overlaps another plan of the organization',
  'organization.code': 'the definition is for another organization',
};

function fail(errors: DefinitionError[], filename: string): number {
  for (const line of formatDefinitionErrors(filename, errors).split('\n')) process.stderr.write(`shisaku: ${line}\n`);
  process.stderr.write(
    `shisaku: 計画の定義に ${errors.length} 件の誤りがあります。何も作成していません / ${errors.length} error(s) in the plan definition; nothing was created\n`,
  );
  return 1;
}

function readDefinition(file: string): string {
  const size = statSync(file).size;
  if (size > MAX_DEFINITION_BYTES) throw new UsageError(`ファイルが大きすぎます（${size} バイト、上限 ${MAX_DEFINITION_BYTES} バイト） / file too large`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(file));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code) throw e;
    throw new UsageError(`${basename(file)} は UTF-8 ではありません。UTF-8 で保存し直してください / the file is not UTF-8`);
  }
}

export async function planCommand(argv: string[], database: Database): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: { org: { type: 'string' }, file: { type: 'string' } },
  });
  const [sub, ...extra] = positionals;
  if (sub !== 'create') throw new UsageError(`不明なサブコマンドです: ${sub ?? '(なし)'} / unknown subcommand: ${sub ?? '(none)'}`);
  if (extra.length) throw new UsageError(`余分な引数です: ${extra.join(' ')} / unexpected argument: ${extra.join(' ')}`);
  const org = requireOrg(values.org);
  if (values.file === undefined) throw new UsageError('--file plan.yaml（計画の定義ファイル）が必要です / --file is required');
  const filename = basename(values.file);
  const parsed = parsePlanDefinition(readDefinition(values.file), filename);
  if (!parsed.ok) return fail(parsed.errors, filename);
  const definition = parsed.definition;
  const refused = (e: DefinitionRefusal) =>
    fail(
      [{ line: parsed.lineOf(e.path), path: e.path, message: e.message.includes(' / ') ? e.message : `${e.message} / ${ENGLISH[e.path] ?? 'refused'}` }],
      filename,
    );
  if (definition.organization.code !== org)
    return fail(
      [
        {
          line: parsed.lineOf('organization.code'),
          path: 'organization.code',
          message: `organization.code「${definition.organization.code}」が --org ${org} と違います / the file is for another organization`,
        },
      ],
      filename,
    );
  try {
    // Before acting for the organization: one that does not exist is told how to add it.
    await organizationOf(database.db, definition.organization);
    const { firstEdition } = await createPlan(database.db, await systemActor(database.db, org), definition);
    await checkpoint(database);
    const next = firstEdition
      ? `${firstEdition}年度版（空の下書き）も作成しました。次は shisaku export xlsx --org ${org} --year ${firstEdition} --blank --out FILE で記入用のファイルを作るか、作業画面で階層と施策を追加します`
      : `年度版は作成していません。作業画面の「計画の設定」で年度版を作成します`;
    process.stderr.write(
      `計画「${definition.title}」（${periodText(definition.period)}）を作成しました（${definition.organization.name}）。${next} / plan created${firstEdition ? ` with an empty draft of FY${firstEdition}` : ''}\n`,
    );
    return 0;
  } catch (e) {
    if (e instanceof DefinitionRefusal) return refused(e);
    throw e;
  }
}
