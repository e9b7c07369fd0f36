// `shisaku export xlsx|csv` and `shisaku import xlsx|csv`: staff keep working in Excel; shisaku takes the
// file back safely (preview first, apply only a file with no errors, one transaction, one change set). A
// year of the plan with no edition yet exports as a blank template (--blank) of the plan's shape, and the
// filled-in template creates the edition; whatever a file would create (the edition, groups, departments)
// is created only with --create, and without it the file is refused with the list. The file is read and
// previewed on a worker thread within the same limits as an upload (src/import/upload-reader.ts); when
// the installation is already reading as many files as it allows, the import exits with 75 (EX_TEMPFAIL)
// and says to try again shortly.
import { parseArgs } from 'node:util';
import { readFileSync, statSync } from 'node:fs';
import type { Database } from '../db/client.ts';
import { editionStamp } from '../db/repository.ts';
import { loadImportTarget } from '../db/import-target.ts';
import { validateOrgCode } from '../domain/org-code.ts';
import { exportWorkbook } from '../export/xlsx.ts';
import { exportCsv, shiftJisLosses, type SheetTable } from '../export/csv.ts';
import { writeAtomically } from '../report/pdf.ts';
import { LIMITS, SpreadsheetError } from '../import/spreadsheet.ts';
import { ImportBusyError } from '../import/import-slots.ts';
import { previewUploaded } from '../import/upload-reader.ts';
import { createdLines, createsAnything, formatErrors, isEmptyPreview, type Preview } from '../domain/changes.ts';
import { applyPreview } from '../db/apply-changes.ts';
import { systemActor } from '../db/command.ts';
import { reopenEdition } from '../db/workspace.ts';

/** sysexits.h: a temporary failure, to be retried (the installation is reading other files). */
const EX_TEMPFAIL = 75;

function fail(message: string, code = 2): number {
  process.stderr.write(`shisaku: ${message}\n`);
  return code;
}

function orgYear(values: { org?: string; year?: string }): { org: string; year: number } | string {
  const check = validateOrgCode(values.org ?? '');
  if (!check.ok) return `${check.reason} / ${check.reasonEn}`;
  if (!values.year || !/^\d{4}$/.test(values.year)) return '--year YYYY が必要です / --year is required';
  return { org: check.code, year: Number(values.year) };
}

export async function exportSpreadsheetCommand(format: string, argv: string[], database: Database): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      org: { type: 'string' },
      year: { type: 'string' },
      department: { type: 'string' },
      encoding: { type: 'string', default: 'utf8' },
      table: { type: 'string', default: 'initiatives' },
      out: { type: 'string' },
      blank: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const oy = orgYear(values);
  if (typeof oy === 'string') return fail(oy);
  if (!values.out) return fail('--out FILE が必要です / --out FILE is required');
  const target = await loadImportTarget(database.db, oy.org, oy.year);
  if (!target) return fail(`${oy.org} には ${oy.year} 年度を計画期間に含む計画がありません / no plan of ${oy.org} covers ${oy.year}`);
  if (target.newEdition && !values.blank)
    return fail(
      `${oy.org} の ${oy.year} 年度版はまだありません。--blank で記入用の白紙のブックを書き出せます / no such edition yet; --blank writes the template`,
    );
  const data = target.current;
  if (values.department && !values.blank && !data.initiatives.some((i) => i.departments.includes(values.department!))) {
    return fail(`担当課所「${values.department}」の施策はこの版にありません / no initiatives for that department`);
  }
  if (format === 'xlsx') {
    writeAtomically(values.out, await exportWorkbook(data, { department: values.department, blank: values.blank }));
  } else {
    if (!['initiatives', 'results', 'kpis', 'indicators', 'milestones'].includes(values.table!))
      return fail('--table は initiatives / results / kpis / indicators / milestones です');
    if (values.encoding !== 'utf8' && values.encoding !== 'sjis') return fail('--encoding は utf8 か sjis です');
    const rows = values.blank ? { ...data, initiatives: [], kpis: [] } : data;
    writeAtomically(values.out, exportCsv(rows, values.table as SheetTable, { encoding: values.encoding, department: values.department }));
    const lost = values.encoding === 'sjis' ? shiftJisLosses(data, values.table as SheetTable, values.department) : [];
    if (lost.length) {
      process.stderr.write(
        `注意: Shift_JIS で表せない文字 ${lost.map((c) => `「${c}」`).join('')} は「?」になります。取り込み時は元の文字のまま扱います（UTF-8 なら失われません）` +
          ` / note: characters Shift_JIS cannot hold are written as "?"; import keeps the stored text\n`,
      );
    }
  }
  process.stderr.write(`${values.out} を書き出しました / written\n`);
  return 0;
}

export function describePreview(p: Preview): string {
  // Nothing to write, nothing to say: notices about a file that changes nothing are no news.
  if (isEmptyPreview(p)) return '';
  const lines: string[] = [];
  for (const c of createdLines(p)) lines.push(`作成 ${c}`);
  for (const c of p.changes) lines.push(`変更 ${c.label} ${c.field}: 「${c.before ?? ''}」→「${c.after ?? ''}」`);
  for (const a of p.added.initiatives) lines.push(`追加 ${p.next.plan.settings.initiativeName} ${a}`);
  for (const a of p.added.results) lines.push(`追加 実績 ${a}`);
  for (const r of p.removed.initiatives) lines.push(`削除 ${p.next.plan.settings.initiativeName} ${r}`);
  for (const r of p.removed.results) lines.push(`削除 実績 ${r}`);
  for (const n of p.notices) lines.push(`注意 ${n}`);
  return lines.join('\n');
}

export async function importSpreadsheetCommand(format: string, argv: string[], database: Database): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      org: { type: 'string' },
      year: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      'allow-delete': { type: 'boolean', default: false },
      create: { type: 'boolean', default: false },
      reopen: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  const oy = orgYear(values);
  if (typeof oy === 'string') return fail(oy);
  const file = positionals[0];
  if (!file) return fail('取り込むファイルを指定してください / FILE is required');
  if (statSync(file).size > LIMITS.maxBytes) return fail(`ファイルが大きすぎます（上限 ${LIMITS.maxBytes / 1024 / 1024} MB） / file too large`, 1);
  const target = await loadImportTarget(database.db, oy.org, oy.year);
  if (!target) return fail(`${oy.org} には ${oy.year} 年度を計画期間に含む計画がありません / no plan of ${oy.org} covers ${oy.year}`);
  const current = target.current;
  const reopenReason = values.reopen?.trim() ?? '';
  if (values.reopen !== undefined && !reopenReason) return fail('--reopen には再開する理由を書いてください / --reopen needs a reason');
  if (current.edition.state === 'published' && !values['dry-run'] && !reopenReason) {
    return fail(
      `${oy.year}年度版は公開済みです。理由を記録して再開してから取り込んでください（--reopen "理由" で再開と取り込みを一度に、--dry-run で変更点だけ確認できます） / the edition is published; reopen it first (--reopen "reason")`,
      1,
    );
  }
  let stamp = target.stamp;
  let preview: Preview;
  try {
    // Groups the plan lacks are worked out as to be created, so a refusal can name everything the file would create.
    preview = await previewUploaded(database, format === 'xlsx' ? 'xlsx' : 'csv', new Uint8Array(readFileSync(file)), current, {
      allowDelete: values['allow-delete'],
      create: true,
      newEdition: target.newEdition,
      planGroups: target.planGroups,
    });
  } catch (e) {
    if (e instanceof SpreadsheetError) return fail(e.message, 1);
    if (e instanceof ImportBusyError) return fail(e.message, EX_TEMPFAIL);
    throw e;
  }
  if (preview.errors.length) {
    process.stderr.write(`エラーが ${preview.errors.length} 件あります。何も変更していません / ${preview.errors.length} errors; nothing was changed\n`);
    for (const line of formatErrors(preview.errors).slice(0, 200)) process.stderr.write(`${line}\n`);
    return 1;
  }
  const unconfirmed = createsAnything(preview) && !values.create;
  if (unconfirmed) {
    process.stderr.write(
      `このファイルは次のものを新しく作成します。作成してよければ --create を付けて取り込んでください。何も変更していません / the file would create the following; run again with --create to create them; nothing was changed\n`,
    );
    for (const line of createdLines(preview)) process.stderr.write(`  ${line}\n`);
    if (!values['dry-run']) return 1;
  }
  const summary = describePreview(preview);
  process.stdout.write(summary ? `${summary}\n` : '変更はありません / no changes\n');
  if (unconfirmed) return 1;
  if (values['dry-run'] || isEmptyPreview(preview)) return 0;
  const cli = await systemActor(database.db, oy.org);
  if (current.edition.state === 'published') {
    // Reopened as an admin would on the web, with the reason recorded; it stays a draft until published again.
    await reopenEdition(database.db, cli, oy.year, reopenReason);
    process.stderr.write(`${oy.year}年度版を再開しました（理由: ${reopenReason}）。公開し直すまで下書きです / reopened; publish it again in the workspace\n`);
    stamp = (await editionStamp(database.db, oy.org, oy.year)) ?? stamp;
  }
  const r = await applyPreview(database.db, oy.org, oy.year, preview, {
    actor: cli,
    source: `import:${format}`,
    expectedStamp: stamp,
    create: values.create,
  });
  if (preview.created.edition !== null) process.stderr.write(`${oy.year}年度版（下書き）を作成しました / created the draft edition\n`);
  process.stderr.write(r.changeSetId ? `適用しました（変更セット ${r.changeSetId}） / applied\n` : '変更はありません / nothing to apply\n');
  if (r.reopened.length) process.stderr.write(`提出済み・承認済みから作成中に戻した施策（再提出・再審査が必要）: ${r.reopened.join('、')}\n`);
  return 0;
}
