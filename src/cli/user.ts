// `shisaku user add LOGIN --org CODE --role ROLE --name 表示名 [--department 課 …] [--email ADDR]`, and
// `shisaku platform-admin LOGIN [--name 表示名] [--email ADDR]`, the installation's one administrator.
// The password is read from standard input (first line), or asked for without echo on a terminal; there
// is no default password and no password option, so it never lands in shell history.
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import type { Database } from '../db/client.ts';
import { createPlatformAdmin, createUser, platformAdminLogin, PlatformAdminExistsError } from '../db/accounts.ts';
import { InvalidInputError } from '../db/repository.ts';
import { ROLES, type Role } from '../domain/roles.ts';
import { UsageError } from './usage-error.ts';

export async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) {
    let text = '';
    for await (const chunk of process.stdin) {
      text += chunk;
      if (text.length > 10_000) break;
    }
    return text.split(/\r?\n/)[0] ?? '';
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  const out = rl as unknown as { _writeToOutput: (s: string) => void };
  process.stderr.write('パスワード（12文字以上）: ');
  out._writeToOutput = () => {}; // no echo
  const answer = await new Promise<string>((resolve) => rl.question('', resolve));
  rl.close();
  process.stderr.write('\n');
  return answer;
}

export async function userCommand(argv: string[], database: Database): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      org: { type: 'string' },
      role: { type: 'string' },
      name: { type: 'string' },
      department: { type: 'string', multiple: true },
      email: { type: 'string' },
    },
  });
  const [sub, login] = positionals;
  if (sub !== 'add' || !login || !values.org || !values.role) {
    process.stderr.write(
      `使い方: shisaku user add LOGIN --org CODE --role ${ROLES.join('|')} [--name 表示名] [--department 課所 …] [--email ADDR]（パスワードは標準入力から）\n`,
    );
    return 2;
  }
  if (!ROLES.includes(values.role as Role)) throw new InvalidInputError(`役割は ${ROLES.join(' / ')} のいずれかです / unknown role`);
  const password = await readPassword();
  await createUser(database.db, {
    orgCode: values.org,
    login,
    displayName: values.name ?? login,
    email: values.email ?? null,
    password,
    role: values.role as Role,
    departments: values.department ?? [],
  });
  process.stderr.write(`ユーザー ${login}（${values.role}）を作成しました / user created\n`);
  return 0;
}

export async function platformAdminCommand(argv: string[], database: Database): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: { name: { type: 'string' }, email: { type: 'string' } },
  });
  const [login, ...extra] = positionals;
  if (!login) throw new UsageError('ログイン名が必要です / LOGIN is required');
  if (extra.length) throw new UsageError(`余分な引数です: ${extra.join(' ')} / unexpected argument: ${extra.join(' ')}`);
  // Refused before the password is asked for; createPlatformAdmin checks again, under its transaction.
  const existing = await platformAdminLogin(database.db);
  if (existing) throw new PlatformAdminExistsError(existing);
  const password = await readPassword();
  await createPlatformAdmin(database.db, { login, displayName: values.name ?? login, email: values.email ?? null, password });
  process.stderr.write(
    `プラットフォーム管理者 ${login} を作成しました。/admin/login からログインし、自治体とその管理者を追加します / platform administrator created\n`,
  );
  return 0;
}
