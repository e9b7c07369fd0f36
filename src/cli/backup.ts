// `shisaku backup --out FILE` and `shisaku restore FILE [--replace]`: everything the installation holds, in
// one checksummed file and back (src/db/backup.ts). Restore refuses a database that holds data unless
// --replace is given, and leaves the database as it was when the file is damaged.
import { parseArgs } from 'node:util';
import { existsSync, renameSync, statSync } from 'node:fs';
import type { Database } from '../db/client.ts';
import { restoreBackup, writeBackup } from '../db/backup.ts';
import { UsageError } from './usage-error.ts';

const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

export async function backupCommand(argv: string[], database: Database): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, strict: true, options: { out: { type: 'string' } } });
  if (positionals.length) throw new UsageError(`余分な引数です: ${positionals.join(' ')} / unexpected argument`);
  if (!values.out) throw new UsageError('--out FILE が必要です / --out FILE is required');
  // Written beside the target and renamed when complete, so a failed backup never leaves a half file under the name.
  const partial = `${values.out}.partial`;
  const counts = await writeBackup(database.db, partial);
  renameSync(partial, values.out);
  process.stderr.write(
    `バックアップを書きました: ${values.out}（${Object.keys(counts).length}表、${total(counts)}行、${statSync(values.out).size}バイト） / backup written\n`,
  );
  return 0;
}

export async function restoreCommand(argv: string[], database: Database): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, strict: true, options: { replace: { type: 'boolean', default: false } } });
  const [file, ...extra] = positionals;
  if (!file) throw new UsageError('復元するバックアップファイルが必要です / the backup file is required');
  if (extra.length) throw new UsageError(`余分な引数です: ${extra.join(' ')} / unexpected argument`);
  if (!existsSync(file)) throw new UsageError(`ファイルがありません: ${file} / no such file`);
  const counts = await restoreBackup(database.db, file, { replace: values.replace });
  process.stderr.write(`復元しました: ${file}（${total(counts)}行） / restored\n`);
  return 0;
}
