// The admin's page of staff accounts: who may sign in, with which role and for which departments. Each
// form posts to one command of db/users.ts; a form with errors comes back with what was typed (never the
// password) and each message next to its field.
import { Hono, type Context } from 'hono';
import { addAccount, listAccounts, resetAccountPassword, updateAccount, type StaffAccount } from '../../db/users.ts';
import { loadDepartments } from '../../db/repository.ts';
import { WorkspaceError } from '../../db/workspace.ts';
import { ROLE_LABELS, ROLES } from '../../domain/roles.ts';
import { Csrf, ERROR_LEAD, Field, Select, type FormState } from './views.tsx';
import { back, manageWrite, mustManage, page, parseForm, refusal, shownAgain } from './respond.tsx';
import { accountSchema, newAccountSchema, passwordResetSchema, typedOf, type Body } from './forms.ts';
import type { AdminEnv } from './auth.ts';

export const userRoutes = new Hono<AdminEnv>();

const roleOptions: [string, string][] = ROLES.map((r) => [r, ROLE_LABELS[r]]);

/** What was typed, without any password: a page never sends a password back. */
const typedBack = (b: Body) => {
  const { password: _p, ...rest } = typedOf(b);
  return rest;
};

async function DepartmentOptions({ c }: { c: Context<AdminEnv> }) {
  const departments = await loadDepartments(c.get('database').db, c.get('actor').organizationId);
  return (
    <datalist id="department-list">
      {departments.map((d) => (
        <option value={d.name} />
      ))}
    </datalist>
  );
}

async function listPage(c: Context<AdminEnv>, state?: FormState, status = 200, error?: string) {
  mustManage(c);
  const accounts = await listAccounts(c.get('database').db, c.get('actor'));
  const csrf = c.get('csrf');
  const form = 'account-new';
  return page(
    c,
    'アカウント',
    <>
      <h1>アカウント</h1>
      <p>作業画面を使う職員・評価者のアカウントです。編集者は、担当課所に登録した課所の施策だけを編集できます。</p>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">ログイン名</th>
              <th scope="col">表示名</th>
              <th scope="col">役割</th>
              <th scope="col">担当課所</th>
              <th scope="col">メール</th>
              <th scope="col">状態</th>
            </tr>
          </thead>
          <tbody>
            {accounts.map((a) => (
              <tr>
                <th scope="row">
                  <a href={`/admin/users/${encodeURIComponent(a.login)}`}>{a.login}</a>
                </th>
                <td>{a.displayName}</td>
                <td>{ROLE_LABELS[a.role]}</td>
                <td>{a.departments.join('、')}</td>
                <td>{a.email ?? ''}</td>
                <td>{a.disabled ? '無効' : '有効'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <form method="post" action="/admin/users" class="panel">
        <h2>アカウントを追加</h2>
        <Csrf token={csrf} />
        <p>
          <Field form={form} name="login" label="ログイン名（半角英数字）" value="" state={state} size={20} required />{' '}
          <Field form={form} name="displayName" label="表示名" value="" state={state} size={20} required />
        </p>
        <p>
          <Select form={form} name="role" label="役割" value="editor" options={roleOptions} state={state} />{' '}
          <Field form={form} name="departments" label="担当課所（編集者のみ。複数は「、」で区切る）" value="" state={state} size={40} list="department-list" />
        </p>
        <p>
          <Field form={form} name="email" label="メールアドレス（督促の送り先。任意）" value="" state={state} size={30} />
        </p>
        <p>
          <Field
            form={form}
            name="password"
            label="初期パスワード（12文字以上。本人に別の手段で伝え、変更してもらいます）"
            value=""
            state={state}
            required
            password
          />
        </p>
        <DepartmentOptions c={c} />
        <button type="submit">追加</button>
      </form>
    </>,
    { error: error ?? (state ? ERROR_LEAD : undefined), status },
  );
}

async function accountPage(c: Context<AdminEnv>, login: string, state?: FormState, status = 200, error?: string) {
  mustManage(c);
  const a: StaffAccount | undefined = (await listAccounts(c.get('database').db, c.get('actor'))).find((x) => x.login === login);
  if (!a) throw new WorkspaceError(`アカウント「${login}」はありません`, 404);
  const csrf = c.get('csrf');
  const action = `/admin/users/${encodeURIComponent(a.login)}`;
  const form = 'account';
  const disabledNow = state?.form === form ? state.typed.disabled === 'on' : a.disabled;
  return page(
    c,
    `アカウント ${a.login}`,
    <>
      <p>
        <a href="/admin/users">アカウント一覧</a>
      </p>
      <h1>アカウント {a.login}</h1>
      <form method="post" action={action} class="panel">
        <Csrf token={csrf} />
        <input type="hidden" name="version" value={String(state?.form === form ? (state.typed.version ?? a.version) : a.version)} />
        <p>
          <Field form={form} name="displayName" label="表示名" value={a.displayName} state={state} size={20} required />{' '}
          <Field form={form} name="email" label="メールアドレス（任意）" value={a.email ?? ''} state={state} size={30} />
        </p>
        <p>
          <Select form={form} name="role" label="役割" value={a.role} options={roleOptions} state={state} />{' '}
          <Field
            form={form}
            name="departments"
            label="担当課所（編集者のみ。複数は「、」で区切る）"
            value={a.departments.join('、')}
            state={state}
            size={40}
            list="department-list"
          />
        </p>
        <p>
          <label>
            <input type="checkbox" name="disabled" checked={disabledNow} /> 無効にする（ログインできなくなり、使用中の画面からも締め出されます）
          </label>
        </p>
        <DepartmentOptions c={c} />
        <button type="submit">保存</button>
      </form>
      <form method="post" action={`${action}/password`} class="panel">
        <h2>パスワードの再設定</h2>
        <Csrf token={csrf} />
        <p>パスワードを忘れた人に新しいパスワードを設定します。その人のログイン中の画面はすべて締め出されます。</p>
        <p>
          <Field form="password" name="password" label="新しいパスワード（12文字以上）" value="" state={state} required password />
        </p>
        <button type="submit" class="secondary">
          再設定する
        </button>
      </form>
    </>,
    { error: error ?? (state ? ERROR_LEAD : undefined), status },
  );
}

userRoutes.get('/users', async (c) => {
  try {
    return await listPage(c);
  } catch (e) {
    return refusal(c, e);
  }
});

userRoutes.get('/users/:login', async (c) => {
  try {
    return await accountPage(c, c.req.param('login'));
  } catch (e) {
    return refusal(c, e);
  }
});

/** A form of these pages: parsed, run, and on a refusal shown again with what was typed (no password). */
function accountWrite<P extends string>(
  path: P,
  again: (c: Context<AdminEnv, P>, state: FormState, status: number, error?: string) => Promise<Response>,
  formId: string,
  run: (c: Context<AdminEnv, P>, b: Body) => Promise<{ to: string; done: string }>,
) {
  manageWrite(
    userRoutes,
    path,
    async (c, b) => {
      const r = await run(c, b);
      return back(c, r.to, r.done);
    },
    (c, b, refused) => again(c, shownAgain(formId, typedBack(b), refused), refused.status, refused.message),
  );
}

accountWrite(
  '/users',
  (c, s, status, error) => listPage(c, s, status, error),
  'account-new',
  async (c, b) => {
    const v = parseForm(newAccountSchema, b);
    await addAccount(c.get('database').db, c.get('actor'), v);
    return { to: '/admin/users', done: `アカウント「${v.login}」を追加しました` };
  },
);

accountWrite(
  '/users/:login',
  (c, s, status, error) => accountPage(c, c.req.param('login'), s, status, error),
  'account',
  async (c, b) => {
    const v = parseForm(accountSchema, b);
    const login = c.req.param('login');
    await updateAccount(c.get('database').db, c.get('actor'), login, v.version, v);
    return { to: `/admin/users/${encodeURIComponent(login)}`, done: 'アカウントを保存しました' };
  },
);

accountWrite(
  '/users/:login/password',
  (c, s, status, error) => accountPage(c, c.req.param('login'), s, status, error),
  'password',
  async (c, b) => {
    const { password } = parseForm(passwordResetSchema, b);
    const login = c.req.param('login');
    await resetAccountPassword(c.get('database').db, c.get('actor'), login, password);
    return { to: `/admin/users/${encodeURIComponent(login)}`, done: 'パスワードを再設定しました' };
  },
);
