// `shisaku plan create --org CODE --file plan.yaml`: a new plan from its definition file (YAML or JSON,
// docs/plan-definition.schema.json), with its first edition as an empty draft when the file names one.
// `shisaku plan update --org CODE --file plan.yaml [--year YYYY] [--drop-losses]`: the plan the file's
// period (or --year) names takes the file's title, period and settings, its shape included; a change
// that would lose what an edition holds is refused with the list unless --drop-losses removes it.
// Every error is printed with the line of the file it is about, and a refused file creates nothing. The
// command line acts as the organization's administrator (systemActor) through the same command as the
// workspace's new-plan page (createPlan).
import { parseArgs } from 'node:util';
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { checkpoint, type Database } from '../db/client.ts';
import { systemActor } from '../db/command.ts';
import { createPlan, DefinitionLossRefusal, DefinitionRefusal, listPlans, organizationOf, updatePlan } from '../db/plans.ts';
import {
  formatDefinitionErrors,
  MAX_DEFINITION_BYTES,
  parsePlanDefinition,
  settingsOf,
  type DefinitionError,
  type PlanDefinition,
} from '../domain/plan-definition.ts';
import { periodsOverlap, periodText } from '../domain/plan-rules.ts';
import { UsageError } from './usage-error.ts';
import { requireOrg, requireYear } from './arguments.ts';

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
    options: { org: { type: 'string' }, file: { type: 'string' }, year: { type: 'string' }, 'drop-losses': { type: 'boolean' } },
  });
  const [sub, ...extra] = positionals;
  if (sub !== 'create' && sub !== 'update') throw new UsageError(`不明なサブコマンドです: ${sub ?? '(なし)'} / unknown subcommand: ${sub ?? '(none)'}`);
  if (sub === 'create' && (values.year !== undefined || values['drop-losses']))
    throw new UsageError('--year と --drop-losses は plan update で使います / --year and --drop-losses are options of plan update');
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
  if (sub === 'update')
    return updateFromFile(database, org, definition, refused, {
      year: values.year === undefined ? null : requireYear(values.year),
      dropLosses: values['drop-losses'] === true,
    });
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

/** `plan update`: the plan of the file's period (or of --year) takes what the file says. */
async function updateFromFile(
  database: Database,
  org: string,
  definition: PlanDefinition,
  refused: (e: DefinitionRefusal) => number,
  opts: { year: number | null; dropLosses: boolean },
): Promise<number> {
  try {
    await organizationOf(database.db, definition.organization);
    const cli = await systemActor(database.db, org);
    const plans = await listPlans(database.db, cli);
    // The plan named: by a year of its period, else the one the file's period overlaps.
    const named =
      opts.year !== null
        ? plans.filter((p) => p.period.from <= opts.year! && opts.year! <= p.period.to)
        : plans.filter((p) => periodsOverlap(p.period, definition.period));
    if (named.length !== 1) {
      const what = opts.year !== null ? `${opts.year}年度を計画期間に含む計画` : `計画期間（${periodText(definition.period)}）と重なる計画`;
      process.stderr.write(
        named.length
          ? `shisaku: ${what}が ${named.length} つあります（${named.map((p) => `${p.title} ${periodText(p.period)}`).join('、')}）。--year で1つを選んでください / several plans match: choose one with --year\n`
          : `shisaku: ${what}がありません。新しい計画は plan create で作成します / no plan to update\n`,
      );
      return 1;
    }
    const plan = named[0]!;
    if (definition.firstEdition !== null)
      process.stderr.write(
        `shisaku: firstEdition は plan update では使いません（年度版は作業画面の「計画の設定」で作成します） / firstEdition is ignored by plan update\n`,
      );
    const s = settingsOf(definition);
    // Every shape key given, the absent ones as undefined: a part the file leaves out is taken away.
    const r = await updatePlan(
      database.db,
      cli,
      { planId: plan.id },
      {
        title: definition.title,
        period: definition.period,
        settings: { ...s, fields: s.fields, indicatorKinds: s.indicatorKinds, grades: s.grades, schedule: s.schedule },
        dropLosses: opts.dropLosses,
      },
    );
    await checkpoint(database);
    process.stderr.write(
      !r.changed
        ? `計画「${plan.title}」は定義のとおりです。何も変えていません / the plan already matches the file\n`
        : `計画「${definition.title}」（${periodText(definition.period)}）を更新しました${r.removed ? `（失われる値を削除: ${r.removed} 件）` : ''} / plan updated\n`,
    );
    return 0;
  } catch (e) {
    if (e instanceof DefinitionLossRefusal) {
      for (const line of e.message.split('\n')) process.stderr.write(`shisaku: ${line}\n`);
      process.stderr.write(
        'shisaku: 失われる値を削除して変更するには --drop-losses を付けてもう一度実行します（削除は変更履歴に残ります） / the change would lose data held by editions; nothing was changed (add --drop-losses to remove it)\n',
      );
      return 1;
    }
    if (e instanceof DefinitionRefusal) return refused(e);
    throw e;
  }
}
