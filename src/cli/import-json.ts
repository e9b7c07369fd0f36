// `shisaku import json FILE --org CODE [--year YYYY] [--replace [--allow-remove]] [--dry-run]`: takes back
// the edition JSON that `shisaku export json` writes (src/import/edition-json.ts reads it), so an edition
// moves between installations or comes back from a saved export. Around the reading it does what
// `import plan-text` does: the edition lands in the organization's plan of its year (planForImport), a
// second import of the same edition is refused unless --replace, a replace lists what it adds, removes and
// changes (--dry-run only lists it) and is refused when it removes anything unless --allow-remove, and the
// file is kept as the edition's source document (format 'json'). A JSON of another organization or year
// than the one named is refused: moving an edition to another organization is not what a typo should do.
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { checkpoint, type Database } from '../db/client.ts';
import { InvalidInputError, loadEdition, saveEdition } from '../db/repository.ts';
import { planForImport } from '../db/plans.ts';
import { editionDocument, lintDocument } from '../domain/lint.ts';
import type { EditionData } from '../domain/model.ts';
import { definitionOfPlan, definitionValue } from '../domain/plan-definition.ts';
import { planTerms } from '../domain/plan-rules.ts';
import { removesAnything, replaceSummary, replaceSummaryLines } from '../domain/replace-summary.ts';
import {
  decodeEditionJson,
  formatEditionJsonErrors,
  MAX_EDITION_JSON_BYTES,
  parseEditionJson,
  planConflicts,
  type EditionJsonError,
} from '../import/edition-json.ts';
import { requireOrg, requireYear } from './arguments.ts';
import { UsageError } from './usage-error.ts';

const USAGE = '使い方: shisaku import json FILE --org CODE [--year YYYY] [--replace [--allow-remove]] [--dry-run]';

function refuse(file: string, errors: readonly EditionJsonError[]): number {
  const name = basename(file);
  process.stderr.write(
    `shisaku: ${name} を取り込めません（${errors.length} 件） / cannot import ${name}\n${formatEditionJsonErrors(name, errors)
      .map((l) => `  ${l}\n`)
      .join('')}`,
  );
  return 1;
}

/** The plan's shape written out in one fixed key order, to tell whether two plans have the same definition. */
const shapeOf = (data: Pick<EditionData, 'organization' | 'plan'>) => JSON.stringify(definitionValue(definitionOfPlan(data.organization, data.plan)));

/**
 * The command; `argv` is what follows `shisaku import json`. Wrong arguments throw UsageError (main prints
 * the usage); a file that cannot be imported is answered with its errors and exit 1, as are refusals.
 */
export async function importJsonCommand(argv: string[], database: Database): Promise<number> {
  // A parseArgs refusal (unknown option, missing value) is thrown as it is: main words it as a usage error.
  const { positionals, values } = parseOptions(argv);
  if (positionals.length !== 1) throw new UsageError(USAGE);
  const file = positionals[0]!;
  const code = requireOrg(values.org);
  const year = values.year === undefined ? undefined : requireYear(values.year);

  // The size before the bytes: a file far too large is refused without reading it into memory.
  const size = statSync(file).size;
  if (size > MAX_EDITION_JSON_BYTES)
    return refuse(file, [{ path: '', message: `ファイルが大きすぎます（${size} バイト、上限 ${MAX_EDITION_JSON_BYTES} バイト）` }]);
  const decoded = decodeEditionJson(readFileSync(file));
  if (!decoded.ok) return refuse(file, decoded.errors);
  const read = parseEditionJson(decoded.text);
  if (!read.ok) return refuse(file, read.errors);
  const data = read.data;

  const org = data.organization;
  if (org.code !== code)
    throw new InvalidInputError(
      `${basename(file)} は ${org.name}（${org.code}）の版です。--org ${code} には取り込めません / the file is an edition of ${org.code}, not of ${code}`,
    );
  const fy = data.edition.fiscalYear;
  if (year !== undefined && year !== fy)
    throw new InvalidInputError(
      `${basename(file)} は ${fy}年度の版です（--year ${year} と違います）。年度を変えて取り込むことはできません / the file is the FY${fy} edition, not FY${year}`,
    );

  // The edition lands in the organization's plan of its year, with that plan's definition, whatever the file says.
  const ownPlan = data.plan;
  data.plan = await planForImport(database.db, data);
  if (data.plan !== ownPlan && read.definition && shapeOf(data) !== shapeOf({ organization: org, plan: ownPlan })) {
    process.stderr.write(
      '注意: JSON の計画の定義は登録済みの計画の定義と違います。登録済みの定義で取り込みます（定義を変えるには shisaku plan update） / ' +
        'the file’s plan definition differs from the stored plan’s; the stored one applies\n',
    );
  } else if (data.plan === ownPlan && !read.definition) {
    process.stderr.write(
      '注意: JSON に計画の定義（plan.definition）がないため、階層や記入項目などは既定の形で計画を作ります / ' +
        'the file carries no plan definition; the plan is created with the default shape\n',
    );
  }
  const conflicts = planConflicts(data);
  if (conflicts.length) return refuse(file, conflicts);

  // A replace is worked out first, as for a plan text: what it adds, removes and changes; removing anything needs --allow-remove.
  const stored = await loadEdition(database.db, code, fy);
  const terms = planTerms(data.plan.settings);
  if (stored && (values.replace || values['dry-run'])) {
    const summary = replaceSummary(stored, data);
    process.stderr.write(`${replaceSummaryLines(summary, terms.pillar, terms.initiative).join('\n')}\n`);
    if (values['dry-run']) {
      process.stderr.write('--dry-run: 何も書き込んでいません / nothing written\n');
      return 0;
    }
    if (removesAnything(summary) && !values['allow-remove']) {
      throw new InvalidInputError(
        `置き換えると${terms.initiative} ${summary.removedInitiatives.length} 件と${terms.pillar} ${summary.removedPillars.length} 件が削除されます。` +
          'ファイルが正しい版のものか確かめ、削除してよい場合は --allow-remove を付けてください（置き換え前の版は shisaku editions restore-replaced で戻せます）' +
          ` / the replace removes ${summary.removedInitiatives.length} initiatives and ${summary.removedPillars.length} pillars; check the file, and add --allow-remove if that is intended`,
      );
    }
  } else if (values['dry-run']) {
    process.stderr.write(
      `新しい版として取り込まれます: ${terms.initiative} ${data.initiatives.length} 件、${terms.pillar} ${data.pillars.length} 件、KPI ${data.kpis.length} 件\n` +
        '--dry-run: 何も書き込んでいません / nothing written\n',
    );
    return 0;
  }

  const result = await saveEdition(database.db, data, {
    replace: values.replace,
    actor: 'cli',
    source: 'import:json',
    sourceDocument: { format: 'json', filename: basename(file), content: decoded.text },
  });
  await checkpoint(database);
  process.stderr.write(
    `${result.replaced ? '置き換えました' : '取り込みました'}: ${org.name}（${org.code}） ${data.edition.title} — ` +
      `${terms.initiative} ${data.initiatives.length} 件、KPI ${data.kpis.length} 件、${terms.pillar} ${data.pillars.length} 件\n`,
  );
  const findings = lintDocument(editionDocument(data, basename(file)));
  if (findings.length) process.stderr.write(`データ品質の指摘 ${findings.length} 件（shisaku lint で詳細） / ${findings.length} lint findings\n`);
  return 0;
}

function parseOptions(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      org: { type: 'string' },
      year: { type: 'string' },
      replace: { type: 'boolean', default: false },
      'allow-remove': { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
}
