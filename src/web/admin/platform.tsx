// The platform administrator's page (/admin/platform): the installation's organizations with their
// code, name, 都道府県 and how many plans and accounts each has; a form to register an organization; and a
// form to create an organization's first administrator with an initial password, which the platform
// administrator hands over by another channel and the new admin changes at /admin/password. After that
// the organization's accounts are its admins' (/admin/users). Only the platform administrator reaches
// these routes (everyone else: 403), and it reaches no route of an organization (auth.ts).
import { Hono, type Context } from 'hono';
import {
  addOrganization,
  addOrganizationAdmin,
  allowPlatform,
  listOrganizationSummaries,
  OrganizationInputError,
  type OrganizationSummary,
} from '../../db/organizations.ts';
import { InvalidInputError } from '../../db/errors.ts';
import { WorkspaceError } from '../../db/command.ts';
import { ROLE_LABELS, type PlatformAction, type PlatformActor } from '../../domain/roles.ts';
import { MAX_ORG_NAME, validateOrgCode, validateOrgName } from '../../domain/org-code.ts';
import { AdminLayout, Csrf, ERROR_LEAD, Field, Select, type FormState } from './views.tsx';
import { adminPost, back } from './respond.tsx';
import { newAccountSchema, one, parseWith, typedOf, type Body, type FieldErrors } from './forms.ts';
import { PLATFORM_HOME, type AdminEnv } from './auth.ts';

export const platformRoutes = new Hono<AdminEnv>();

/** The platform administrator holding the session; anyone else is refused before anything is read. */
function platformActor(c: Context<AdminEnv>, action: PlatformAction): PlatformActor {
  const who = c.get('signedIn');
  allowPlatform(who, action);
  return who;
}

/** A form of this page refused: the messages per field, and the status to answer with. */
class PlatformFormRefusal extends WorkspaceError {
  constructor(
    readonly form: string,
    readonly errors: FieldErrors,
    status: 400 | 404 | 409 = 400,
  ) {
    super(ERROR_LEAD, status);
    this.name = 'PlatformFormRefusal';
  }
}

/** The page in the workspace's layout, with the platform administrator's own links (its session has no organization). */
function platformPage(c: Context<AdminEnv>, who: PlatformActor, children: unknown, opts: { error?: string; status?: number } = {}) {
  c.status((opts.status ?? 200) as 200);
  return c.html(
    <AdminLayout title="自治体の管理" flash={c.req.query('done')} error={opts.error}>
      <nav class="panel" aria-label="プラットフォーム管理">
        <p>
          {who.displayName}（{ROLE_LABELS.platform}） · <a href="/admin/password">パスワード変更</a> · <a href="/">公開サイト</a>
        </p>
        <form method="post" action="/admin/logout" class="inline">
          <Csrf token={c.get('csrf')} />
          <button type="submit" class="link">
            ログアウト
          </button>
        </form>
      </nav>
      {children as never}
    </AdminLayout>,
  );
}

function OrganizationTable({ orgs }: { orgs: OrganizationSummary[] }) {
  if (!orgs.length) return <p>登録された自治体はまだありません。下のフォームから登録します。</p>;
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">コード</th>
            <th scope="col">自治体名</th>
            <th scope="col">都道府県</th>
            <th scope="col">計画</th>
            <th scope="col">アカウント</th>
            <th scope="col">管理者</th>
          </tr>
        </thead>
        <tbody>
          {orgs.map((o) => (
            <tr>
              <td>{o.code}</td>
              <th scope="row">{o.name}</th>
              <td>{o.prefecture}</td>
              <td>{o.plans}</td>
              <td>{o.users}</td>
              <td>{o.admins ? `${o.admins}人` : '未設定'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

async function listPage(c: Context<AdminEnv>, state?: FormState, status = 200, error?: string) {
  const who = platformActor(c, 'list-organizations');
  const orgs = await listOrganizationSummaries(c.get('database').db, who);
  const csrf = c.get('csrf');
  const waiting = orgs.filter((o) => o.admins === 0);
  return platformPage(
    c,
    who,
    <>
      <h1>自治体の管理</h1>
      <p>
        このインストールに登録された自治体です。自治体の計画・下書き・アカウントは、その自治体の管理者だけが扱います。プラットフォーム管理者は自治体を登録し、最初の管理者を作成します。
      </p>
      <OrganizationTable orgs={orgs} />
      <form method="post" action={`${PLATFORM_HOME}/organizations`} class="panel">
        <h2>自治体を登録</h2>
        <Csrf token={csrf} />
        <p>
          <Field
            form="org-new"
            name="code"
            label="全国地方公共団体コード（6桁、検査数字を含む。例: 221309）"
            value=""
            state={state}
            size={8}
            inputmode="numeric"
            required
          />
        </p>
        <p>
          <Field form="org-new" name="name" label={`自治体名（${MAX_ORG_NAME}文字まで。例: 浜松市）`} value="" state={state} size={30} required />
        </p>
        <p>都道府県はコードの先頭2桁から決まります。</p>
        <button type="submit">登録</button>
      </form>
      <form method="post" action={`${PLATFORM_HOME}/admins`} class="panel">
        <h2>自治体の最初の管理者を作成</h2>
        <Csrf token={csrf} />
        {waiting.length ? (
          <>
            <p>
              管理者のいない自治体に、管理者のアカウントを作成します。初期パスワードは本人に別の手段で伝え、最初のログインの後に「パスワード変更」で変えてもらいます。その後のアカウントは、その自治体の管理者が追加します。
            </p>
            <p>
              <Select
                form="org-admin"
                name="organization"
                label="自治体"
                value={waiting[0]!.code}
                options={waiting.map((o) => [o.code, `${o.name}（${o.code}・${o.prefecture}）`])}
                state={state}
              />
            </p>
            <p>
              <Field form="org-admin" name="login" label="ログイン名（半角英数字）" value="" state={state} size={20} required />{' '}
              <Field form="org-admin" name="displayName" label="表示名" value="" state={state} size={20} required />
            </p>
            <p>
              <Field form="org-admin" name="email" label="メールアドレス（任意）" value="" state={state} size={30} />
            </p>
            <p>
              <Field form="org-admin" name="password" label="初期パスワード（12文字以上）" value="" state={state} required password />
            </p>
            <button type="submit">作成</button>
          </>
        ) : (
          <p>管理者のいない自治体はありません。</p>
        )}
      </form>
    </>,
    { error: error ?? (state ? ERROR_LEAD : undefined), status },
  );
}

platformRoutes.get('/platform', async (c) => {
  try {
    return await listPage(c);
  } catch (e) {
    if (e instanceof WorkspaceError) return refused(c, e);
    throw e;
  }
});

/** A refusal of a platform route: its message on a page of its own, with the status. */
function refused(c: Context<AdminEnv>, e: WorkspaceError) {
  c.status(e.status);
  return c.html(
    <AdminLayout title="できませんでした" error={e.message}>
      <p>
        <a href="/admin">作業画面へ戻る</a>
      </p>
    </AdminLayout>,
  );
}

/** A command's refusal of what was typed, next to the field it names. */
function toForm(form: string, e: unknown): never {
  if (e instanceof OrganizationInputError) throw new PlatformFormRefusal(form, { [e.field]: e.ja }, e.status);
  // The account rules (login name taken, password too short) come from createUser in Japanese / English.
  if (e instanceof InvalidInputError)
    throw new PlatformFormRefusal(form, { [/パスワード/.test(e.message) ? 'password' : 'login']: e.message.split(' / ')[0]! });
  throw e;
}

/** The page again with the form's errors and what was typed, never the password. */
async function again(c: Context<AdminEnv>, b: Body, e: WorkspaceError) {
  if (!(e instanceof PlatformFormRefusal)) throw e;
  const { password: _p, ...typed } = typedOf(b);
  // The organization chosen is no field to point at once it has an admin (the list no longer offers it): said on top.
  return listPage(c, { form: e.form, errors: e.errors, typed }, e.status, e.errors.organization);
}

adminPost(platformRoutes, '/platform/organizations', { may: null, again }, async (c, b) => {
  const who = platformActor(c, 'add-organization');
  const input = { code: one(b, 'code'), name: one(b, 'name') };
  // Both fields' problems at once; the command checks the same rules again, and the code's uniqueness.
  const code = validateOrgCode(input.code);
  const name = validateOrgName(input.name);
  const errors: FieldErrors = { ...(code.ok ? {} : { code: code.reason }), ...(name.ok ? {} : { name: name.reason }) };
  if (Object.keys(errors).length) throw new PlatformFormRefusal('org-new', errors);
  const org = await addOrganization(c.get('database').db, who, input).catch((e: unknown) => toForm('org-new', e));
  return back(c, PLATFORM_HOME, `自治体 ${org.name}（${org.code}・${org.prefecture}）を登録しました。次に最初の管理者を作成します`);
});

adminPost(platformRoutes, '/platform/admins', { may: null, again }, async (c, b) => {
  const who = platformActor(c, 'add-organization-admin');
  // The same rules as an account the organization's admin adds (/admin/users), for the role admin.
  const parsed = parseWith(newAccountSchema, { ...b, role: 'admin', departments: '' });
  const organization = one(b, 'organization');
  if (!parsed.ok) throw new PlatformFormRefusal('org-admin', parsed.errors);
  const { login, displayName, email, password } = parsed.value;
  await addOrganizationAdmin(c.get('database').db, who, organization, { login, displayName, email, password }).catch((e: unknown) => toForm('org-admin', e));
  return back(c, PLATFORM_HOME, `自治体 ${organization} の管理者「${login}」を作成しました。初期パスワードを本人に別の手段で伝えてください`);
});
