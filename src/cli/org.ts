// `shisaku org add CODE --name 名称` and `shisaku org list`: the installation's organizations, as the
// platform administrator keeps them on /admin/platform. The command line acts as the platform
// administrator (platformSystemActor), through the same commands as the page.
import { parseArgs } from 'node:util';
import type { Database } from '../db/client.ts';
import { addOrganization, listOrganizationSummaries, platformSystemActor } from '../db/organizations.ts';
import { UsageError } from './usage-error.ts';

export async function orgCommand(argv: string[], database: Database): Promise<number> {
  const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, strict: true, options: { name: { type: 'string' } } });
  const [sub, code, ...extra] = positionals;
  if (extra.length) throw new UsageError(`余分な引数です: ${extra.join(' ')} / unexpected argument: ${extra.join(' ')}`);
  if (sub === 'add') {
    if (!code) throw new UsageError('登録する自治体の全国地方公共団体コードが必要です / the organization code is required');
    // A missing --name is a usage error; an empty or overlong one is refused by the command with its reason.
    if (values.name === undefined) throw new UsageError('--name 名称 が必要です / --name is required');
    const org = await addOrganization(database.db, platformSystemActor, { code, name: values.name });
    process.stderr.write(
      `自治体 ${org.code} ${org.name}（${org.prefecture}）を登録しました。次は管理者を作成します: shisaku user add LOGIN --org ${org.code} --role admin` +
        ` / organization ${org.code} registered\n`,
    );
    return 0;
  }
  if (sub === 'list') {
    if (code || values.name !== undefined) throw new UsageError('org list は引数をとりません / org list takes no arguments');
    // One line per organization, tab-separated: code, name, 都道府県, number of plans, number of accounts.
    for (const o of await listOrganizationSummaries(database.db, platformSystemActor)) {
      process.stdout.write(`${o.code}\t${o.name}\t${o.prefecture}\t${o.plans}\t${o.users}\n`);
    }
    return 0;
  }
  throw new UsageError(`不明なサブコマンドです: ${sub ?? '(なし)'} / unknown subcommand: ${sub ?? '(none)'}`);
}
