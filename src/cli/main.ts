// `shisaku` — the command line. Every command returns an exit code; errors go to stderr in Japanese and
// English; stdout carries only the requested output, so `export json > file` is safe.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkpoint, defaultOptions, openDatabase, type Database } from '../db/client.ts';
import { EditionExistsError, InvalidInputError, listEditions, listOrganizations, loadEdition, loadEditionSource, saveEdition } from '../db/repository.ts';
import { departmentTree, mergeDepartments } from '../db/departments.ts';
import { planForImport } from '../db/plans.ts';
import { decodePlanBytes, parsePlanText, PlanTextError, refuseMissingDepartments } from '../import/plan-text.ts';
import { editionDocument, formatFindings, lintDocument } from '../domain/lint.ts';
import type { EditionData } from '../domain/model.ts';
import { editionToJson } from '../export/json.ts';
import { planTerms } from '../domain/plan-rules.ts';
import { removesAnything, replaceSummary, replaceSummaryLines } from '../domain/replace-summary.ts';
import { loadSample, SAMPLE } from '../db/sample.ts';
import { systemActor, WorkspaceError } from '../db/command.ts';
import { withEditionLinks } from '../domain/structure.ts';

import { UsageError } from './usage-error.ts';
import { requireOrg, requireYear } from './arguments.ts';

export { UsageError };

/** Each command's usage lines, in the order `shisaku help` lists them. */
const USAGE: Record<string, string[]> = {
  import: [
    'shisaku import plan-text FILE --org CODE [--year YYYY] [--name 自治体名] [--replace [--allow-remove]] [--dry-run]',
    'shisaku import xlsx|csv FILE --org CODE --year YYYY [--dry-run] [--allow-delete] [--create] [--reopen 理由]',
    'shisaku import json FILE --org CODE [--year YYYY] [--replace [--allow-remove]] [--dry-run]（export json が書いた版 / an edition as export json writes it）',
  ],
  lint: ['shisaku lint [FILE] [--org CODE --year YYYY] [--lang ja|en] [--json]'],
  export: [
    'shisaku export json --org CODE --year YYYY',
    'shisaku export xlsx --org CODE --year YYYY [--department 名前] [--blank] --out FILE',
    'shisaku export csv --org CODE --year YYYY [--table initiatives|results|kpis|indicators|milestones] [--encoding utf8|sjis] --out FILE',
  ],
  departments: ['shisaku departments list --org CODE', 'shisaku departments merge 旧名 --into 正式名 --org CODE'],
  editions: [
    'shisaku editions [--org CODE]',
    'shisaku editions restore-replaced --org CODE --year YYYY（置き換え前の版に戻す / bring back the version a replace overwrote）',
  ],
  publish: ['shisaku publish --org CODE --year YYYY'],
  reopen: ['shisaku reopen --org CODE --year YYYY --reason 理由'],
  report: ['shisaku report --org CODE --year YYYY --format html|pdf --out FILE [--diff-from YYYY]'],
  serve: ['shisaku serve [--port N] [--seed-sample]'],
  'seed-sample': ['shisaku seed-sample'],
  user: [
    'shisaku user add LOGIN --org CODE --role admin|editor|viewer|evaluator [--name 表示名] [--department 課所 …] [--email ADDR]',
    '    （パスワードは標準入力の1行目から / password from the first line of standard input）',
  ],
  org: ['shisaku org add CODE --name 名称', 'shisaku org list'],
  backup: ['shisaku backup --out FILE（すべてのデータを1つのファイルに / everything, in one checksummed file）'],
  restore: ['shisaku restore FILE [--replace]（空のデータベースへ。--replace で置き換え / into an empty database; --replace replaces）'],
  plan: [
    'shisaku plan create --org CODE --file plan.yaml（YAML か JSON / YAML or JSON: docs/plan-definition.schema.json）',
    'shisaku plan update --org CODE --file plan.yaml [--year YYYY] [--drop-losses]（失われる値があれば一覧して中止 / refused with what it would lose）',
  ],
  'platform-admin': [
    'shisaku platform-admin LOGIN [--name 表示名] [--email ADDR]',
    '    （1つの設置に1人。パスワードは標準入力の1行目から / one per installation; password from the first line of standard input）',
  ],
};

const HELP = `shisaku — 自治体DXアクションプランの管理・公開

使い方 / usage:
${Object.values(USAGE)
  .flat()
  .map((line) => `  ${line}`)
  .join('\n')}

環境変数 / environment: DATABASE_URL (PostgreSQL), SHISAKU_DATA_DIR (embedded data, default ./data), PORT, SMTP_URL
shisaku COMMAND --help でそのコマンドの使い方 / shows one command's usage`;

function usageOf(command: string): string {
  const lines = USAGE[command];
  if (!lines) return HELP;
  return `使い方 / usage:\n${lines.map((line) => `  ${line}`).join('\n')}`;
}

/**
 * node:util parseArgs refusals (every command parses with `strict: true`) as one Japanese + English line;
 * null for any other error.
 */
function parseArgsReason(e: unknown): string | null {
  const err = e as { code?: unknown; message?: unknown } | null;
  if (typeof err?.code !== 'string' || !err.code.startsWith('ERR_PARSE_ARGS_')) return null;
  const message = typeof err.message === 'string' ? err.message : '';
  // "Option '--org <value>' argument missing", "Unknown option '--password'. …", "Unexpected argument 'x'. …"
  const quoted = /'([^']*)'/.exec(message)?.[1] ?? '';
  const option = quoted.split(/[\s,]+/).find((w) => w.startsWith('--')) ?? quoted.split(/[\s,]+/)[0] ?? '';
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `不明なオプションです: ${option} / unknown option: ${option}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (/does not take an argument/.test(message)) return `オプション ${option} は値をとりません / option ${option} takes no value`;
      return `オプション ${option} の値がありません / option ${option} needs a value`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `余分な引数です: ${quoted} / unexpected argument: ${quoted}`;
    default:
      return `引数が正しくありません / invalid arguments: ${message.split('\n')[0]}`;
  }
}

/** Largest plan text accepted; a real plan is well under 1 MB. */
const MAX_PLAN_TEXT_BYTES = 20 * 1024 * 1024;

type Options = NonNullable<ParseArgsConfig['options']>;

function args<O extends Options>(argv: string[], options: O) {
  try {
    return parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>({
      args: argv,
      options,
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw new UsageError(parseArgsReason(e) ?? (e as Error).message);
  }
}

async function withDatabase<T>(fn: (database: Database) => Promise<T>): Promise<T> {
  const database = await openDatabase(defaultOptions());
  try {
    return await fn(database);
  } finally {
    await database.close();
  }
}

function readPlanFile(file: string): string {
  const size = statSync(file).size;
  if (size > MAX_PLAN_TEXT_BYTES) {
    throw new PlanTextError(
      `ファイルが大きすぎます（${size} バイト、上限 ${MAX_PLAN_TEXT_BYTES} バイト）`,
      `file too large (${size} bytes, limit ${MAX_PLAN_TEXT_BYTES})`,
    );
  }
  return decodePlanBytes(readFileSync(file));
}

async function importCommand(argv: string[]): Promise<number> {
  if (argv[0] === 'json') return withDatabase(async (database) => (await import('./import-json.ts')).importJsonCommand(argv.slice(1), database));
  if (argv[0] === 'xlsx' || argv[0] === 'csv') {
    const format = argv[0];
    return withDatabase(async (database) => (await import('./spreadsheet.ts')).importSpreadsheetCommand(format, argv.slice(1), database));
  }
  const { positionals, values } = args(argv, {
    org: { type: 'string' },
    year: { type: 'string' },
    name: { type: 'string' },
    replace: { type: 'boolean', default: false },
    'dry-run': { type: 'boolean', default: false },
    'allow-remove': { type: 'boolean', default: false },
  });
  const [format, file] = positionals;
  if (format !== 'plan-text' || !file) {
    throw new UsageError('使い方: shisaku import plan-text FILE --org CODE [--year YYYY] [--replace [--allow-remove]] [--dry-run]');
  }
  const code = requireOrg(values.org);
  const text = readPlanFile(file);
  const doc = parsePlanText(text, {
    organization: { code, name: (values.name as string | undefined) ?? '' },
    fiscalYear: values.year ? requireYear(values.year) : undefined,
    filename: basename(file),
  });
  return withDatabase(async (database) => {
    // The edition lands in the organization's plan of its year, whatever period the text suggests, and
    // that plan's rule on departments holds for it as on every other path.
    doc.data.plan = await planForImport(database.db, doc.data);
    refuseMissingDepartments(doc, doc.data.plan.settings);
    // A replace is worked out first: what it adds, removes and changes. Removing anything (a truncated or
    // mis-decoded file removes dozens) needs --allow-remove; --dry-run only prints it.
    const stored = await loadEdition(database.db, code, doc.data.edition.fiscalYear);
    const terms = planTerms(doc.data.plan.settings);
    if (stored && (values.replace || values['dry-run'])) {
      const summary = replaceSummary(stored, doc.data);
      process.stderr.write(`${replaceSummaryLines(summary, terms.pillar, terms.initiative).join('\n')}\n`);
      if (values['dry-run']) {
        process.stderr.write('--dry-run: 何も書き込んでいません / nothing written\n');
        return 0;
      }
      if (removesAnything(summary) && !values['allow-remove']) {
        throw new InvalidInputError(
          `置き換えると${terms.initiative} ${summary.removedInitiatives.length} 件と${terms.pillar} ${summary.removedPillars.length} 件が削除されます。` +
            'ファイルが途中で切れていないか確かめ、削除してよい場合は --allow-remove を付けてください（置き換え前の版は shisaku editions restore-replaced で戻せます）' +
            ` / the replace removes ${summary.removedInitiatives.length} initiatives and ${summary.removedPillars.length} pillars; check the file, and add --allow-remove if that is intended`,
        );
      }
    } else if (values['dry-run']) {
      process.stderr.write(
        `新しい版として取り込まれます: ${terms.initiative} ${doc.data.initiatives.length} 件、${terms.pillar} ${doc.data.pillars.length} 件\n--dry-run: 何も書き込んでいません / nothing written\n`,
      );
      return 0;
    }
    const result = await saveEdition(database.db, doc.data, {
      replace: values.replace as boolean,
      actor: 'cli',
      source: 'import:plan-text',
      sourceDocument: { format: 'plan-text', filename: basename(file), content: text },
    });
    await checkpoint(database);
    const d = doc.data;
    process.stderr.write(
      `${result.replaced ? '置き換えました' : '取り込みました'}: ${d.organization.name}（${d.organization.code}） ${d.edition.title} — ` +
        `施策 ${d.initiatives.length} 件、KPI ${d.kpis.length} 件、施策体系 ${d.pillars.length} 件\n`,
    );
    const findings = lintDocument(doc);
    if (findings.length) {
      process.stderr.write(`データ品質の指摘 ${findings.length} 件（shisaku lint で詳細） / ${findings.length} lint findings\n`);
    }
    return 0;
  });
}

async function lintCommand(argv: string[]): Promise<number> {
  const { positionals, values } = args(argv, {
    org: { type: 'string' },
    year: { type: 'string' },
    lang: { type: 'string', default: 'ja' },
    json: { type: 'boolean', default: false },
  });
  const lang = values.lang === 'en' ? 'en' : 'ja';
  // A plan text is linted as written; a stored edition without one (entered from a workbook or the form) as stored.
  const targets: { name: string; text?: string; data?: EditionData; code: string; year?: number }[] = [];
  if (positionals[0]) {
    targets.push({
      name: basename(positionals[0]),
      text: readPlanFile(positionals[0]),
      code: values.org ? requireOrg(values.org) : '000000',
      year: values.year ? requireYear(values.year) : undefined,
    });
  } else {
    await withDatabase(async (database) => {
      const orgs = values.org ? [{ code: requireOrg(values.org) }] : await listOrganizations(database.db);
      for (const org of orgs) {
        const editions = await listEditions(database.db, org.code);
        for (const e of editions) {
          if (values.year && e.fiscalYear !== requireYear(values.year)) continue;
          const src = await loadEditionSource(database.db, org.code, e.fiscalYear);
          if (src?.format === 'plan-text') {
            targets.push({ name: src.filename ?? `${org.code}-${e.fiscalYear}.txt`, text: src.content, code: org.code, year: e.fiscalYear });
          } else {
            const data = await loadEdition(database.db, org.code, e.fiscalYear);
            if (data) targets.push({ name: `${org.code}-${e.fiscalYear}`, data, code: org.code, year: e.fiscalYear });
          }
        }
      }
    });
    if (targets.length === 0) {
      process.stderr.write('検査する版がありません / nothing to lint\n');
      return 0;
    }
  }
  let errors = 0;
  const all = [];
  for (const target of targets) {
    const doc = target.data
      ? editionDocument(target.data, target.name)
      : parsePlanText(target.text!, {
          organization: { code: target.code, name: '' },
          fiscalYear: target.year,
          filename: target.name,
        });
    const findings = lintDocument(doc);
    errors += findings.filter((f) => f.severity === 'error').length;
    if (values.json) all.push({ file: target.name, findings });
    else if (findings.length) process.stdout.write(`${formatFindings(findings, lang, target.name)}\n`);
    process.stderr.write(`${target.name}: ${findings.length} 件の指摘 / ${findings.length} findings\n`);
  }
  if (values.json) process.stdout.write(`${JSON.stringify(all, null, 2)}\n`);
  return errors > 0 ? 1 : 0;
}

async function exportCommand(argv: string[]): Promise<number> {
  if (argv[0] === 'xlsx' || argv[0] === 'csv') {
    const format = argv[0];
    return withDatabase(async (database) => (await import('./spreadsheet.ts')).exportSpreadsheetCommand(format, argv.slice(1), database));
  }
  const { positionals, values } = args(argv, { org: { type: 'string' }, year: { type: 'string' } });
  const [format] = positionals;
  if (format !== 'json') throw new UsageError(`未対応の形式です: ${format ?? '(なし)'} / unknown export format`);
  const code = requireOrg(values.org);
  const year = requireYear(values.year);
  return withDatabase(async (database) => {
    const data = await loadEdition(database.db, code, year);
    if (!data) {
      process.stderr.write(`${code} の ${year} 年度版はありません / no FY${year} edition for ${code}\n`);
      return 2;
    }
    // A KPI's link to an initiative this edition does not have is no link here, as on the portal.
    process.stdout.write(`${JSON.stringify(editionToJson(withEditionLinks(data)), null, 2)}\n`);
    return 0;
  });
}

async function departmentsCommand(argv: string[]): Promise<number> {
  const { positionals, values } = args(argv, { org: { type: 'string' }, into: { type: 'string' } });
  const [sub, from] = positionals;
  const code = requireOrg(values.org);
  return withDatabase(async (database) => {
    if (sub === 'merge') {
      if (!from || typeof values.into !== 'string') {
        throw new UsageError('使い方: shisaku departments merge 旧名 --into 正式名 --org CODE');
      }
      const r = await mergeDepartments(database.db, code, from, values.into, await systemActor(database.db, code));
      process.stderr.write(`「${from}」を「${values.into}」に統合しました（施策 ${r.moved} 件、別名: ${r.aliases.join('、')}）\n`);
      return 0;
    }
    if (sub === 'list') {
      // The master as a tree (部 → 課 → 係, two spaces a level), with how many initiatives of the newest edition name each.
      const editions = await listEditions(database.db, code);
      const data = editions[0] ? await loadEdition(database.db, code, editions[0].fiscalYear) : null;
      for (const d of await departmentTree(database.db, (await systemActor(database.db, code)).organizationId)) {
        const count = data ? data.initiatives.filter((i) => i.departments.includes(d.name)).length : 0;
        process.stdout.write(`${'  '.repeat(d.depth)}${d.name}\t${count}${d.aliases.length ? `\t別名: ${d.aliases.join('、')}` : ''}\n`);
      }
      return 0;
    }
    throw new UsageError('使い方: shisaku departments list|merge …');
  });
}

async function editionsCommand(argv: string[]): Promise<number> {
  if (argv[0] === 'restore-replaced') {
    const { values } = args(argv.slice(1), { org: { type: 'string' }, year: { type: 'string' } });
    const code = requireOrg(values.org);
    const fy = requireYear(values.year);
    return withDatabase(async (database) => {
      const { restoreReplacedEdition } = await import('../db/edition-archive.ts');
      const back = await restoreReplacedEdition(database.db, code, fy, 'cli');
      await checkpoint(database);
      process.stderr.write(
        `置き換え前の版に戻しました: ${back.title}（${back.initiatives} 件、${back.replacedAt.toISOString()} に置き換えられた版） / restored the replaced version\n`,
      );
      return 0;
    });
  }
  const { values } = args(argv, { org: { type: 'string' } });
  return withDatabase(async (database) => {
    const orgs = values.org ? [{ code: requireOrg(values.org), name: '' }] : await listOrganizations(database.db);
    for (const org of orgs) {
      for (const e of await listEditions(database.db, org.code)) {
        process.stdout.write(`${org.code}\t${org.name}\t${e.fiscalYear}\t${e.state}\t${e.title}\n`);
      }
    }
    return 0;
  });
}

async function serveCommand(argv: string[]): Promise<number> {
  const { values } = args(argv, { port: { type: 'string' }, 'seed-sample': { type: 'boolean', default: false } });
  const port = Number(values.port ?? process.env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`ポート番号が不正です: ${values.port}`);
  const { startServer } = await import('../web/server.ts');
  const database = await openDatabase(defaultOptions());
  let seeded = false;
  try {
    if (values['seed-sample'] && (await listOrganizations(database.db)).length === 0) {
      await loadSamples(database);
      seeded = true;
    }
  } catch (e) {
    await database.close();
    throw e;
  }
  const server = await startServer({ database, port });
  process.stderr.write(`shisaku: http://localhost:${server.port}/ （${database.kind}: ${database.location}）\n`);
  // The example plans of other shapes follow once the portal answers, so the first page does not wait for them.
  if (seeded) {
    loadExamples(database).catch((e) => process.stderr.write(`架空の例を読み込めませんでした / could not load the examples: ${(e as Error).message}\n`));
  }
  // Reminders wait in the outbox; they go out by SMTP when SMTP_URL is set, otherwise to this log.
  const { deliverOutbox } = await import('../db/reminders.ts');
  const mailer = process.env.SMTP_URL ? await (await import('./mailer.ts')).smtpMailer(process.env.SMTP_URL) : null;
  const outbox = setInterval(() => {
    deliverOutbox(database.db, mailer, (line) => process.stderr.write(`${line}\n`)).catch((e) => process.stderr.write(`outbox: ${(e as Error).message}\n`));
  }, 30_000);
  outbox.unref();
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  clearInterval(outbox);
  await server.close();
  await database.close();
  return 0;
}

async function seedCommand(): Promise<number> {
  return withDatabase(async (database) => {
    await loadSamples(database);
    await loadExamples(database);
    return 0;
  });
}

/** The fictional example plans of other shapes (three levels, grades, a schedule), each entered through its blank workbook; those already there are skipped. */
async function loadExamples(database: Database): Promise<void> {
  const { loadExamplePlans } = await import('../db/example-plans.ts');
  for (const p of await loadExamplePlans(database.db)) process.stderr.write(`架空の例を読み込みました: ${p.title}（白紙のワークブックから入力）\n`);
  await checkpoint(database);
}

/** The bundled sample plan (出典: 日立市) and the fictional town entered through the blank workbook. */
async function loadSamples(database: Database): Promise<void> {
  await loadSample(database.db);
  process.stderr.write(`サンプル計画を読み込みました: ${SAMPLE.title}（出典: 日立市）\n`);
  const { loadSampleTown } = await import('../db/sample-town.ts');
  if (!(await listOrganizations(database.db)).some((o) => o.code === '229997')) {
    await loadSampleTown(database.db);
    process.stderr.write('架空の例を読み込みました: みほん町DX推進計画（白紙のワークブックから入力）\n');
  }
  await checkpoint(database);
}

const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  import: importCommand,
  lint: lintCommand,
  export: exportCommand,
  departments: departmentsCommand,
  editions: editionsCommand,
  serve: serveCommand,
  'seed-sample': seedCommand,
  report: (argv) => withDatabase(async (database) => (await import('./report.ts')).reportCommand(argv, database)),
  user: (argv) => withDatabase(async (database) => (await import('./user.ts')).userCommand(argv, database)),
  org: (argv) => withDatabase(async (database) => (await import('./org.ts')).orgCommand(argv, database)),
  plan: (argv) => withDatabase(async (database) => (await import('./plan.ts')).planCommand(argv, database)),
  backup: (argv) => withDatabase(async (database) => (await import('./backup.ts')).backupCommand(argv, database)),
  restore: (argv) => withDatabase(async (database) => (await import('./backup.ts')).restoreCommand(argv, database)),
  'platform-admin': (argv) => withDatabase(async (database) => (await import('./user.ts')).platformAdminCommand(argv, database)),
  publish: async (argv) => (await import('./edition.ts')).editionCommand('publish', argv),
  reopen: async (argv) => (await import('./edition.ts')).editionCommand('reopen', argv),
};

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    const topic = command === 'help' ? rest[0] : undefined;
    if (topic && !USAGE[topic]) return reportError(new UsageError(`不明なコマンドです: ${topic} / unknown command: ${topic}`), undefined);
    process.stdout.write(`${topic ? usageOf(topic) : HELP}\n`);
    return command ? 0 : 2;
  }
  const run = COMMANDS[command];
  if (!run) return reportError(new UsageError(`不明なコマンドです: ${command} / unknown command: ${command}`), undefined);
  // `shisaku COMMAND --help` (before a `--`, after which everything is an argument).
  const options = rest.includes('--') ? rest.slice(0, rest.indexOf('--')) : rest;
  if (options.includes('--help') || options.includes('-h')) {
    process.stdout.write(`${usageOf(command)}\n`);
    return 0;
  }
  try {
    return await run(rest);
  } catch (e) {
    return reportError(e, command);
  }
}

const REFUSALS: Record<WorkspaceError['status'], string> = {
  400: 'invalid input',
  403: 'not permitted',
  404: 'not found',
  409: 'refused in the current state',
};

function reportError(e: unknown, command: string | undefined): number {
  // The subcommands (report, user, import/export xlsx|csv) parse their own options; their refusals are
  // usage errors too.
  const reason = parseArgsReason(e);
  if (reason !== null || e instanceof UsageError) {
    let message = reason ?? (e as UsageError).message;
    // A command that answered with its usage line: the usage below says it, the reason line need not.
    if (message.startsWith('使い方')) message = '引数が足りないか正しくありません / missing or invalid arguments';
    process.stderr.write(`shisaku: ${message}\n\n${command ? usageOf(command) : HELP}\n`);
    return 2;
  }
  // A command's refusal (state, permission, validation): the workspace words it in Japanese; the English
  // says at least what kind of refusal it is.
  if (e instanceof WorkspaceError) {
    const english = e.message.includes(' / ') ? '' : ` / ${REFUSALS[e.status]}`;
    process.stderr.write(`shisaku: ${e.message}${english}\n`);
    return 1;
  }
  if (e instanceof PlanTextError || e instanceof EditionExistsError || e instanceof InvalidInputError) {
    process.stderr.write(`shisaku: ${e.message}\n`);
    return 1;
  }
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'ENOENT') {
    process.stderr.write(`shisaku: ファイルがありません: ${err.path} / no such file\n`);
    return 1;
  }
  if (err?.name === 'DatabaseLockedError') {
    process.stderr.write(`shisaku: ${err.message}\n`);
    return 1;
  }
  // The message only (with what caused it); the stack is for a developer who asks for it.
  const message = describe(e);
  if (process.env.DEBUG) {
    process.stderr.write(`shisaku: 予期しないエラー / unexpected error: ${message}\n${e instanceof Error && e.stack ? e.stack : ''}\n`);
  } else {
    process.stderr.write(`shisaku: 予期しないエラー / unexpected error: ${message}（DEBUG=1 で詳細 / set DEBUG=1 for the stack trace）\n`);
  }
  return 1;
}

/** An error's message on one line, followed by its causes' ("Failed query: … — connect ECONNREFUSED …"). */
function describe(e: unknown, depth = 0): string {
  if (!(e instanceof Error)) return String(e);
  let text = e.message.replace(/\s*\n\s*/g, ' ').trim();
  if (!text && e instanceof AggregateError && e.errors.length) text = e.errors.map((x) => describe(x, depth + 1)).join('; ');
  if (!text) text = e.name;
  if (e.cause !== undefined && depth < 3) text += ` — ${describe(e.cause, depth + 1)}`;
  return text;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
