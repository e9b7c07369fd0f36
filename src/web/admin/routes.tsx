// The staff workspace: login, the dashboard of the yearly round, one page per initiative (edit, submit,
// review, assess, history), publishing, reminders, and the Excel/CSV upload. Every write goes through one
// command of db/workspace.ts, which checks the actor's permission again; a refusal changes nothing.
import { Hono, type Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { authenticate, changePassword, clearLoginFailures, createSession, endSession, loginBlocked, recordLoginFailure } from '../../db/accounts.ts';
import { editionStamp, initiativeHistory, listEditions, loadEdition, placeNames } from '../../db/repository.ts';
import {
  allow,
  ConflictError,
  WorkspaceError,
  departmentProgress,
  initiativeAudit,
  listAssessments,
  listOutbox,
  loadItem,
  loadWorkspace,
  openRound,
  publishEdition,
  queueReminders,
  recordAssessment,
  reopenEdition,
  reviewInitiative,
  saveInitiative,
  submitInitiative,
  SUBMISSION_LABELS,
  updatePlanSettings,
  type SubmissionState,
} from '../../db/workspace.ts';
import { applyPreview, StalePreviewError } from '../../db/apply-changes.ts';
import { dropUpload, findUpload, keepUpload } from '../../db/uploads.ts';
import { can, owns, ROLE_LABELS } from '../../domain/roles.ts';
import { diffInitiative, isInitiativeSnapshot } from '../../domain/edition-diff.ts';
import { renderInitiativeChange } from '../../report/diff-html.ts';
import { STATUS_ORDER, statusLabel, type Initiative } from '../../domain/model.ts';
import { fiscalYearLabel } from '../../domain/wareki.ts';
import { formatErrors, isEmptyPreview, previewSpreadsheet } from '../../domain/changes.ts';
import { readCsv, readXlsx, SpreadsheetError, LIMITS } from '../../import/spreadsheet.ts';
import { body, back, fyParam, manageWrite, mustManage, orgCode, page, parseForm, refusal, shownAgain } from './respond.tsx';
import { type FormState, AdminLayout, Csrf, FieldError, InitiativeForm, SubmissionBadge, TrustedHtml } from './views.tsx';
import { clearSessionCookie, requireCsrf, requireSession, setSessionCookie, SESSION_COOKIE, type AdminEnv } from './auth.ts';
import { identitySchema, list, one, typedOf, parseInitiativeForm, parseSettingsForm, removeSchema, roundSchema, zodErrors, type Body, type FieldErrors } from './forms.ts';
import { moveInitiative, removeInitiative, updateIdentity } from '../../db/structure.ts';
import { userRoutes } from './users.tsx';
import { direction, IdentityPanel, NewInitiativeForm, structureRoutes, structureUrl } from './structure.tsx';
import { bodyLimit } from 'hono/body-limit';
import { except } from 'hono/combine';

export const adminRoutes = new Hono<AdminEnv>();

// An upload larger than any workbook we accept is refused before it is read into memory.
adminRoutes.use(
  '*',
  bodyLimit({
    maxSize: LIMITS.maxBytes + 1024 * 1024,
    onError: (c) => c.text(`送信されたデータが大きすぎます（上限 ${LIMITS.maxBytes / 1024 / 1024} MB） / request body too large`, 413),
  }),
);

// ---- login -----------------------------------------------------------------------------------------

function safeNext(next: string | undefined): string {
  return next && /^\/admin(\/[A-Za-z0-9/_%.-]*)?$/.test(next) ? next : '/admin';
}

function loginPage(c: Context, opts: { error?: string; next?: string; login?: string } = {}, status: 200 | 401 | 429 | 403 = 200) {
  c.status(status);
  c.header('Cache-Control', 'no-store');
  return c.html(
    <AdminLayout title="ログイン" error={opts.error}>
      <h1>ログイン</h1>
      <form method="post" action="/admin/login" class="panel">
        <input type="hidden" name="next" value={safeNext(opts.next)} />
        <p>
          <label for="login">ログイン名</label>
          <br />
          <input id="login" name="login" autocomplete="username" required value={opts.login ?? ''} />
        </p>
        <p>
          <label for="password">パスワード</label>
          <br />
          <input id="password" name="password" type="password" autocomplete="current-password" required />
        </p>
        <p>
          <button type="submit">ログイン</button>
        </p>
      </form>
      <p>アカウントは管理者が作成します（<code>shisaku user add</code>）。</p>
    </AdminLayout>,
  );
}

adminRoutes.get('/login', (c) => loginPage(c, { next: c.req.query('next') }));

adminRoutes.post('/login', async (c) => {
  // A login form posted from another site would sign the person in as someone else.
  const origin = c.req.header('origin');
  if (origin && origin !== new URL(c.req.url).origin) return c.text('不正な送信元です / cross-site login refused', 403);
  const body = (await c.req.parseBody().catch(() => ({}))) as Body;
  const login = one(body, 'login').trim().slice(0, 100);
  const password = one(body, 'password').slice(0, 300);
  const next = one(body, 'next');
  const ip = c.req.header('x-forwarded-for')?.split(',')[0]?.trim() ?? (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket?.remoteAddress ?? 'local';
  const keys = [`ip:${ip}`, `login:${login.toLowerCase()}`];
  const db = c.get('database').db;
  if (await loginBlocked(db, keys)) return loginPage(c, { error: 'ログインの失敗が続いたため、15分間ログインできません。', login, next }, 429);
  const actor = login && password ? await authenticate(c.get('database').db, login, password) : null;
  if (!actor) {
    await recordLoginFailure(db, keys);
    return loginPage(c, { error: 'ログイン名またはパスワードが違います。', login, next }, 401);
  }
  await clearLoginFailures(db, keys);
  const { token } = await createSession(c.get('database').db, actor.id);
  setSessionCookie(c, token);
  return c.redirect(safeNext(next), 303);
});

// ---- everything below needs a session and, for POST, the CSRF token ---------------------------------

adminRoutes.use('*', except('/admin/login', requireSession(), requireCsrf()));

// Pillars, sub-areas, KPIs, departments and accounts: mounted after the guards above, so they apply.
adminRoutes.route('/', structureRoutes);
adminRoutes.route('/', userRoutes);

adminRoutes.post('/logout', async (c) => {
  const token = getCookie(c, SESSION_COOKIE);
  if (token) await endSession(c.get('database').db, token);
  clearSessionCookie(c);
  return c.redirect('/admin/login', 303);
});

adminRoutes.get('/password', (c) => page(c, 'パスワード変更', <PasswordForm csrf={c.get('csrf')} />));

function PasswordForm({ csrf, errors }: { csrf: string; errors?: FieldErrors }) {
  return (
    <>
      <h1>パスワード変更</h1>
      <form method="post" action="/admin/password" class="panel">
        <Csrf token={csrf} />
        <p>
          <label for="current">現在のパスワード</label>
          <br />
          <input id="current" name="current" type="password" autocomplete="current-password" required />
        </p>
        <p>
          <label for="next">新しいパスワード（12文字以上）</label>
          <br />
          <input id="next" name="next" type="password" autocomplete="new-password" required minlength={12} />
          <FieldError errors={errors} name="next" />
        </p>
        <p>
          <button type="submit">変更する</button>
        </p>
      </form>
    </>
  );
}

adminRoutes.post('/password', async (c) => {
  const b = await body(c);
  const problem = await changePassword(c.get('database').db, c.get('actor').id, one(b, 'current'), one(b, 'next'));
  if (problem) return page(c, 'パスワード変更', <PasswordForm csrf={c.get('csrf')} errors={{ next: problem }} />, { error: problem, status: 400 });
  clearSessionCookie(c);
  return c.redirect('/admin/login?next=/admin', 303);
});

// ---- dashboard ------------------------------------------------------------------------------------------

adminRoutes.get('/', async (c) => {
  const actor = c.get('actor');
  const code = await orgCode(c);
  const editions = await listEditions(c.get('database').db, code);
  // Newest first; a round starts from the newest edition once it is published.
  const latest = editions[0];
  return page(
    c,
    'ダッシュボード',
    <>
      <h1>ダッシュボード</h1>
      <p>
        {actor.displayName}（{ROLE_LABELS[actor.role]}
        {actor.departments.length ? `・${actor.departments.join('、')}` : ''}）
      </p>
      <h2>年度版</h2>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">年度</th>
              <th scope="col">題名</th>
              <th scope="col">状態</th>
            </tr>
          </thead>
          <tbody>
            {editions.map((e) => (
              <tr>
                <td>
                  <a href={`/admin/e/${e.fiscalYear}`}>{fiscalYearLabel(e.fiscalYear)}</a>
                </td>
                <td>{e.title}</td>
                <td>{e.state === 'published' ? '公開中' : '作成中（非公開）'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {can(actor, 'manage') && latest?.state === 'draft' ? (
        <p>
          {fiscalYearLabel(latest.fiscalYear)}版の更新ラウンド中です。公開すると、次の年度の更新ラウンドを開けます。
        </p>
      ) : null}
      {can(actor, 'manage') && latest?.state === 'published' ? (
        <form method="post" action="/admin/rounds" class="panel">
          <h2>更新ラウンドを開く</h2>
          <Csrf token={c.get('csrf')} />
          <input type="hidden" name="fromFiscalYear" value={String(latest.fiscalYear)} />
          <p>
            {fiscalYearLabel(latest.fiscalYear)}版をもとに、{fiscalYearLabel(latest.fiscalYear + 1)}版を作成し、各課所に更新を依頼します。
          </p>
          <p>
            <label for="dueDate">提出期限</label>
            <br />
            <input id="dueDate" name="dueDate" type="date" required />
          </p>
          <fieldset>
            <legend>完了した施策</legend>
            <label>
              <input type="radio" name="dropCompleted" value="carry" checked /> 引き継ぐ（完了のまま掲載）
            </label>
            <br />
            <label>
              <input type="radio" name="dropCompleted" value="drop" /> 引き継がない
            </label>
          </fieldset>
          <p>
            <button type="submit">ラウンドを開く</button>
          </p>
        </form>
      ) : null}
      {can(actor, 'manage') ? (
        <ul>
          <li>
            <a href="/admin/users">アカウント</a>
          </li>
          <li>
            <a href="/admin/departments">担当課所</a>
          </li>
          <li>
            <a href="/admin/outbox">送信したお知らせ（督促）</a>
          </li>
        </ul>
      ) : null}
    </>,
  );
});

adminRoutes.post('/rounds', async (c) => {
  const parsed = roundSchema.safeParse(await body(c));
  if (!parsed.success) return page(c, '入力エラー', <p><a href="/admin">戻る</a></p>, { error: Object.values(zodErrors(parsed.error)).join('\n'), status: 400 });
  try {
    const { fiscalYear } = await openRound(c.get('database').db, c.get('actor'), { ...parsed.data, dropCompleted: parsed.data.dropCompleted === 'drop' });
    return back(c, `/admin/e/${fiscalYear}`, `${fiscalYearLabel(fiscalYear)}の更新ラウンドを開きました`);
  } catch (e) {
    return refusal(c, e);
  }
});

// ---- one edition: the round's to-do list and progress ----------------------------------------------------

adminRoutes.get('/e/:fy', async (c) => {
  try {
    const actor = c.get('actor');
    const fy = fyParam(c);
    const ws = await loadWorkspace(c.get('database').db, actor, fy);
    const mine = c.req.query('all') !== '1' && actor.role === 'editor';
    const items = mine ? ws.items.filter((i) => owns(actor, i.initiative)) : ws.items;
    const progress = departmentProgress(ws);
    // Pillars, departments, KPIs and settings feed only the admin's forms.
    const edition = can(actor, 'manage') ? await loadEdition(c.get('database').db, await orgCode(c), fy) : null;
    const states: SubmissionState[] = ['not_started', 'draft', 'submitted', 'returned', 'approved'];
    return page(
      c,
      `${fiscalYearLabel(fy)}版`,
      <>
        <h1>
          {ws.title}（{fiscalYearLabel(fy)}）
        </h1>
        <p>
          状態: <strong>{ws.state === 'published' ? '公開中（編集できません）' : '作成中（非公開）'}</strong>
          {ws.round ? ` ／ 更新ラウンド: 提出期限 ${ws.round.dueDate}（${ws.round.state === 'open' ? '受付中' : '終了'}）` : ''}
        </p>
        <h2>{mine ? '担当の施策（やること）' : '施策'}</h2>
        {actor.role === 'editor' ? <p>{mine ? <a href={`/admin/e/${fy}?all=1`}>すべての施策を見る（閲覧のみ）</a> : <a href={`/admin/e/${fy}`}>担当の施策だけを見る</a>}</p> : null}
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">番号</th>
                <th scope="col">施策名</th>
                <th scope="col">担当課所</th>
                <th scope="col">状況</th>
                <th scope="col">提出</th>
              </tr>
            </thead>
            <tbody>
              {items.map((i) => (
                <tr>
                  <td>{i.initiative.number ?? '新'}</td>
                  <td>
                    <a href={`/admin/e/${fy}/i/${encodeURIComponent(i.initiative.key)}`}>{i.initiative.title}</a>
                  </td>
                  <td>{i.initiative.departments.join('、')}</td>
                  <td>{statusLabel(i.initiative.status)}</td>
                  <td>{ws.round ? <SubmissionBadge state={i.submission?.state} /> : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {ws.round ? (
          <>
            <h2>課所別の進み具合</h2>
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">担当課所</th>
                    {states.map((s) => (
                      <th scope="col">{SUBMISSION_LABELS[s]}</th>
                    ))}
                    <th scope="col">合計</th>
                  </tr>
                </thead>
                <tbody>
                  {progress.map((p) => (
                    <tr class={p.overdue ? 'overdue' : undefined}>
                      <th scope="row">
                        {p.department}
                        {p.overdue ? '（期限超過）' : ''}
                      </th>
                      {states.map((s) => (
                        <td class="num">{p.counts[s]}</td>
                      ))}
                      <td class="num">{p.total}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        ) : null}
        {can(actor, 'manage') ? (
          <>
            <h2>管理</h2>
            {ws.state === 'draft' ? (
              <>
                <form method="post" action={`/admin/e/${fy}/publish`} class="panel">
                  <Csrf token={c.get('csrf')} />
                  <p>すべての施策が承認されると公開できます。公開すると公開サイトに掲載され、編集できなくなります。</p>
                  <button type="submit">この版を公開する</button>
                </form>
                {ws.round?.state === 'open' ? (
                  <form method="post" action={`/admin/e/${fy}/remind`} class="panel">
                    <Csrf token={c.get('csrf')} />
                    <p>未提出・差戻しの施策がある課所の編集者にお知らせを送ります。</p>
                    <button type="submit">督促を送る</button>
                  </form>
                ) : null}
                {edition ? <NewInitiativeForm fy={fy} data={edition} csrf={c.get('csrf')} /> : null}
              </>
            ) : (
              <form method="post" action={`/admin/e/${fy}/reopen`} class="panel">
                <Csrf token={c.get('csrf')} />
                <p>
                  <label for="reason">再開する理由（記録されます）</label>
                  <br />
                  <input id="reason" name="reason" required size={50} />
                </p>
                <button type="submit">編集を再開する</button>
              </form>
            )}
            <ul class="panel">
              <li>
                <a href={`/admin/e/${fy}/structure`}>施策体系・分野・施策の並び順と番号</a>
              </li>
              <li>
                <a href={`/admin/e/${fy}/kpis`}>KPI の定義と実績値</a>
              </li>
              <li>
                <a href="/admin/departments">担当課所（表記の統合・別表記）</a>
              </li>
              <li>
                <a href={`/admin/e/${fy}/import`}>Excel・CSV から取り込む</a>
              </li>
            </ul>
            {edition ? (
              <form method="post" action={`/admin/e/${fy}/settings`} class="panel">
                <h3>進捗率の計算規則（計画全体）</h3>
                <Csrf token={c.get('csrf')} />
                <fieldset>
                  <legend>端数の扱い</legend>
                  <label>
                    <input type="radio" name="rounding" value="truncate" checked={edition.plan.settings.progress.rounding === 'truncate'} /> 切り捨て
                  </label>{' '}
                  <label>
                    <input type="radio" name="rounding" value="half-up" checked={edition.plan.settings.progress.rounding === 'half-up'} /> 四捨五入
                  </label>
                </fieldset>
                <p>
                  <label for="decimals">小数点以下の桁数</label>{' '}
                  <input id="decimals" name="decimals" type="number" min="0" max="4" value={String(edition.plan.settings.progress.decimals)} />
                </p>
                <p>
                  <label>
                    <input type="checkbox" name="cap" checked={edition.plan.settings.progress.cap} /> 100%を上限として表示する
                  </label>
                </p>
                <p>
                  <label for="bands">評価の段階（1行に「評価 下限の進捗率」）</label>
                  <br />
                  <textarea id="bands" name="bands" rows={4}>
                    {edition.plan.settings.progress.bands.map((b) => `${b.grade} ${b.min}`).join('\n')}
                  </textarea>
                </p>
                <button type="submit" class="secondary">
                  保存
                </button>
              </form>
            ) : null}
          </>
        ) : null}
      </>,
    );
  } catch (e) {
    return refusal(c, e);
  }
});

adminRoutes.post('/e/:fy/publish', async (c) => {
  try {
    const fy = fyParam(c);
    await publishEdition(c.get('database').db, c.get('actor'), fy);
    return back(c, `/admin/e/${fy}`, `${fiscalYearLabel(fy)}版を公開しました`);
  } catch (e) {
    return refusal(c, e);
  }
});

adminRoutes.post('/e/:fy/reopen', async (c) => {
  try {
    const fy = fyParam(c);
    await reopenEdition(c.get('database').db, c.get('actor'), fy, one(await body(c), 'reason').slice(0, 1000));
    return back(c, `/admin/e/${fy}`, '編集を再開しました（公開サイトからは外れています）');
  } catch (e) {
    return refusal(c, e);
  }
});

adminRoutes.post('/e/:fy/remind', async (c) => {
  try {
    const fy = fyParam(c);
    const n = await queueReminders(c.get('database').db, c.get('actor'), fy);
    return back(c, `/admin/e/${fy}`, `督促を ${n} 件、送信待ちに入れました`);
  } catch (e) {
    return refusal(c, e);
  }
});

adminRoutes.post('/e/:fy/settings', async (c) => {
  try {
    const fy = fyParam(c);
    mustManage(c);
    const parsed = parseSettingsForm(await body(c));
    if (!parsed.ok) throw new WorkspaceError(Object.values(parsed.errors).join('\n'));
    await updatePlanSettings(c.get('database').db, c.get('actor'), fy, parsed.value);
    return back(c, `/admin/e/${fy}`, '進捗率の計算規則を保存しました');
  } catch (e) {
    return refusal(c, e);
  }
});

adminRoutes.get('/outbox', async (c) => {
  try {
    mustManage(c);
  } catch (e) {
    return refusal(c, e);
  }
  const rows = await listOutbox(c.get('database').db, c.get('actor').organizationId);
  return page(
    c,
    'お知らせの送信記録',
    <>
      <h1>お知らせの送信記録</h1>
      <p>SMTP_URL が設定されていればメールで送り、なければサーバーのログに記録します。</p>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">作成</th>
              <th scope="col">宛先</th>
              <th scope="col">件名</th>
              <th scope="col">送信</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr>
                <td>{r.createdAt.toLocaleString('ja-JP')}</td>
                <td>{r.recipient}</td>
                <td>{r.subject}</td>
                <td>{r.sentAt ? r.sentAt.toLocaleString('ja-JP') : r.error ? `失敗: ${r.error}` : '送信待ち'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>,
  );
});

// ---- one initiative ---------------------------------------------------------------------------------------

async function previousYear(c: Context<AdminEnv>, fy: number, key: string): Promise<Initiative | null> {
  const history = await initiativeHistory(c.get('database').db, await orgCode(c), key);
  return history.find((h) => h.fiscalYear === fy - 1)?.initiative ?? null;
}

function Diff({ from, to, heading }: { from: Initiative | null; to: Initiative; heading: string }) {
  if (!from) return null;
  const d = diffInitiative(from, to);
  return (
    <section class="panel">
      <h2>{heading}</h2>
      {d ? <TrustedHtml html={renderInitiativeChange(d, 'h3')} /> : <p>変更はありません。</p>}
    </section>
  );
}

async function itemPage(
  c: Context<AdminEnv>,
  fy: number,
  key: string,
  opts: { errors?: FieldErrors; typed?: Initiative; version?: number; error?: string; status?: number; conflict?: ConflictError; form?: FormState } = {},
) {
  const actor = c.get('actor');
  const db = c.get('database').db;
  const { workspace, item } = await loadItem(db, actor, fy, key);
  const i = item.initiative;
  const prev = await previousYear(c, fy, key);
  const editable = workspace.state === 'draft' && can(actor, 'edit', i) && (actor.role === 'admin' || !['submitted', 'approved'].includes(item.submission?.state ?? ''));
  const sub = item.submission;
  const assessments = await listAssessments(db, item.yearId);
  const action = `/admin/e/${fy}/i/${encodeURIComponent(key)}`;
  // The pillars, sub-areas and department master feed only the admin's identity form.
  const structure = workspace.state === 'draft' && can(actor, 'manage') ? await loadEdition(db, await orgCode(c), fy) : null;
  return page(
    c,
    `${i.number ?? '新'} ${i.title}`,
    <>
      <p>
        <a href={`/admin/e/${fy}`}>{workspace.title}（{fiscalYearLabel(fy)}）</a>
      </p>
      <h1>
        {i.number ?? '新'} {i.title}
      </h1>
      <p>
        担当課所: {i.departments.join('、')} ／ 提出: {workspace.round ? <SubmissionBadge state={sub?.state} /> : '—'} ／ <a href={`/admin/i/${encodeURIComponent(key)}/history`}>変更履歴</a>
      </p>
      {sub?.comment ? (
        <p class="panel">
          審査コメント: <strong>{sub.comment}</strong>
        </p>
      ) : null}
      {opts.conflict ? (
        <section class="panel" aria-labelledby="conflict-h">
          <h2 id="conflict-h">相手の変更</h2>
          <p>
            {opts.conflict.by ?? '別の人'}さんが {opts.conflict.at ? opts.conflict.at.toLocaleString('ja-JP') : ''} に保存した内容です。あなたの入力は下のフォームに残っています。相手の変更を踏まえて直し、もう一度保存してください。
          </p>
          <Diff from={opts.typed ?? i} to={opts.conflict.current} heading="あなたの入力 → 保存されている内容" />
          <h3>保存されている内容</h3>
          <dl>
            <dt>状況</dt>
            <dd>{statusLabel(opts.conflict.current.status)}</dd>
            <dt>施策内容</dt>
            <dd class="pre">{opts.conflict.current.content}</dd>
            <dt>今年度の取組</dt>
            <dd class="pre">{opts.conflict.current.plan}</dd>
          </dl>
        </section>
      ) : null}
      {editable ? (
        <InitiativeForm action={action} csrf={c.get('csrf')} version={opts.version ?? item.version} initiative={opts.typed ?? i} errors={opts.errors} />
      ) : (
        <section>
          <p>{workspace.state === 'published' ? 'この版は公開済みのため編集できません。' : can(actor, 'edit', i) ? '提出済み・承認済みのため、審査が終わるまで編集できません。' : '閲覧のみ（担当課所の施策ではありません）。'}</p>
          <h2>状況</h2>
          <p>{statusLabel(i.status)}</p>
          <h2>施策内容</h2>
          <p class="pre">{i.content}</p>
          <h2>今年度の取組</h2>
          <p class="pre">{i.plan}</p>
          <h2>実績【{i.resultsFiscalYear}年度】</h2>
          <ul>
            {i.results.map((r) => (
              <li>
                {r.label}: {r.actual ?? '—'}
                {r.unit ?? ''}
                {r.target !== null ? `（目標 ${r.target}${r.unit ?? ''}）` : ''}
              </li>
            ))}
          </ul>
        </section>
      )}
      {workspace.state === 'draft' && workspace.round && sub && can(actor, 'submit', i) && ['not_started', 'draft', 'returned'].includes(sub.state) ? (
        <form method="post" action={`${action}/submit`} class="panel">
          <Csrf token={c.get('csrf')} />
          <p>保存した内容をデジタル推進課に提出します。提出後は審査が終わるまで編集できません。</p>
          <button type="submit">提出する</button>
        </form>
      ) : null}
      {workspace.state === 'draft' && sub?.state === 'submitted' && can(actor, 'review') ? (
        <form method="post" action={`${action}/review`} class="panel">
          <h2>審査</h2>
          <Csrf token={c.get('csrf')} />
          <p>
            <label for="comment">コメント（差し戻す場合は必須）</label>
            <br />
            <textarea id="comment" name="comment" rows={3}></textarea>
          </p>
          <button type="submit" name="decision" value="approve">
            承認する
          </button>{' '}
          <button type="submit" name="decision" value="return" class="secondary">
            差し戻す
          </button>
        </form>
      ) : null}
      {structure ? <IdentityPanel fy={fy} initiative={i} version={item.version} data={structure} csrf={c.get('csrf')} state={opts.form} /> : null}
      {sub?.snapshot ? <Diff from={sub.previousSnapshot} to={sub.snapshot} heading="前回の提出からの変更" /> : null}
      <Diff from={prev} to={i} heading={`前年度（${fiscalYearLabel(fy - 1)}）からの変更`} />
      {can(actor, 'assess') ? (
        <section class="panel">
          <h2>外部評価</h2>
          {assessments.length ? (
            <ul>
              {assessments.map((a) => (
                <li>
                  {a.by}: <strong>{a.grade}</strong> {a.comment}
                </li>
              ))}
            </ul>
          ) : (
            <p>まだ評価はありません。</p>
          )}
          {actor.role === 'evaluator' || actor.role === 'admin' ? (
            <form method="post" action={`${action}/assess`}>
              <Csrf token={c.get('csrf')} />
              <fieldset>
                <legend>評価</legend>
                {['A', 'B', 'C', 'D'].map((g) => (
                  <label>
                    <input type="radio" name="grade" value={g} required /> {g}{' '}
                  </label>
                ))}
              </fieldset>
              <p>
                <label for="assess-comment">コメント</label>
                <br />
                <textarea id="assess-comment" name="comment" rows={3}></textarea>
              </p>
              <button type="submit">評価を記録する</button>
            </form>
          ) : null}
        </section>
      ) : null}
    </>,
    { error: opts.error, status: opts.status },
  );
}

adminRoutes.get('/e/:fy/i/:key', async (c) => {
  try {
    return await itemPage(c, fyParam(c), c.req.param('key'));
  } catch (e) {
    return refusal(c, e);
  }
});

adminRoutes.post('/e/:fy/i/:key', async (c) => {
  const key = c.req.param('key');
  let fy = 0;
  try {
    fy = fyParam(c);
    // Permission before validation: someone who may not edit learns nothing from the form's errors.
    const { item } = await loadItem(c.get('database').db, c.get('actor'), fy, key);
    allow(c.get('actor'), 'edit', item.initiative);
    const parsed = parseInitiativeForm(await body(c));
    if (!parsed.ok) {
      const typed = typedBack(item.initiative, await body(c));
      return await itemPage(c, fy, key, { errors: parsed.errors, typed, version: Number(one(await body(c), 'version')) || item.version, error: '入力に誤りがあります。各欄の説明を確認してください。', status: 400 });
    }
    await saveInitiative(c.get('database').db, c.get('actor'), fy, key, parsed.value.version, parsed.value.edit);
    return back(c, `/admin/e/${fy}/i/${encodeURIComponent(key)}`, '保存しました');
  } catch (e) {
    if (e instanceof ConflictError) {
      // The form now carries the current version: saving again overwrites knowingly, after seeing the diff.
      return itemPage(c, fy, key, { conflict: e, typed: typedBack(e.current, await body(c)), version: e.currentVersion, error: e.message, status: 409 });
    }
    return refusal(c, e);
  }
});

/** What the person typed, shown again with the errors or the conflict (numbers as typed, even when not numbers). */
function typedBack(current: Initiative, b: Body): Initiative {
  const status = one(b, 'status') as Initiative['status'];
  const r = (n: string, k: number) => list(b, n)[k] || null;
  return {
    ...current,
    status: STATUS_ORDER.includes(status) ? status : current.status,
    content: one(b, 'content'),
    plan: one(b, 'plan'),
    planTargets: list(b, 't_label')
      .map((label, k) => ({ label, value: r('t_value', k), unit: r('t_unit', k), raw: '' }))
      .filter((p) => p.label || p.value || p.unit),
    results: list(b, 'r_label')
      .map((label, k) => ({ label, actual: r('r_actual', k), target: r('r_target', k), unit: r('r_unit', k), note: r('r_note', k), raw: '' }))
      .filter((x) => x.label || x.actual || x.target || x.unit || x.note),
  };
}

adminRoutes.post('/e/:fy/i/:key/submit', async (c) => {
  try {
    const fy = fyParam(c);
    await submitInitiative(c.get('database').db, c.get('actor'), fy, c.req.param('key'));
    return back(c, `/admin/e/${fy}/i/${encodeURIComponent(c.req.param('key'))}`, '提出しました');
  } catch (e) {
    return refusal(c, e);
  }
});

adminRoutes.post('/e/:fy/i/:key/review', async (c) => {
  try {
    const fy = fyParam(c);
    const b = await body(c);
    const decision = one(b, 'decision');
    if (decision !== 'approve' && decision !== 'return') throw new WorkspaceError('承認か差戻しを選んでください');
    await reviewInitiative(c.get('database').db, c.get('actor'), fy, c.req.param('key'), decision, one(b, 'comment').slice(0, 4000));
    return back(c, `/admin/e/${fy}`, decision === 'approve' ? '承認しました' : '差し戻しました');
  } catch (e) {
    return refusal(c, e);
  }
});

adminRoutes.post('/e/:fy/i/:key/assess', async (c) => {
  try {
    const fy = fyParam(c);
    const b = await body(c);
    await recordAssessment(c.get('database').db, c.get('actor'), fy, c.req.param('key'), one(b, 'grade'), one(b, 'comment'));
    return back(c, `/admin/e/${fy}/i/${encodeURIComponent(c.req.param('key'))}`, '評価を記録しました');
  } catch (e) {
    return refusal(c, e);
  }
});

// ---- the admin's identity form, order and removal of one initiative (commands in db/structure.ts) ------------

const itemUrl = (fy: number, key: string) => `/admin/e/${fy}/i/${encodeURIComponent(key)}`;

/** The initiative page again with the form `form`; after a conflict the form carries the current version. */
function itemAgain(form: string) {
  return (c: Context<AdminEnv>, b: Body, refused: WorkspaceError) => {
    // What was typed stays in the form; with the current version, saving again overwrites knowingly.
    const typed = refused instanceof ConflictError ? { ...typedOf(b), version: String(refused.currentVersion) } : typedOf(b);
    return itemPage(c, fyParam(c), c.req.param('key')!, { form: shownAgain(form, typed, refused), error: refused.message, status: refused.status });
  };
}

manageWrite(
  adminRoutes,
  '/e/:fy/i/:key/identity',
  async (c, b) => {
    const [fy, key] = [fyParam(c), c.req.param('key')!];
    const v = parseForm(identitySchema, b);
    await updateIdentity(c.get('database').db, c.get('actor'), fy, key, v.version, { number: v.number, title: v.title, pillarKey: v.pillar, subAreaKey: v.subArea || null, departments: v.departments });
    return back(c, itemUrl(fy, key), '基本情報を保存しました');
  },
  itemAgain('identity'),
);

manageWrite(adminRoutes, '/e/:fy/i/:key/move', async (c, b) => {
  const [fy, key] = [fyParam(c), c.req.param('key')!];
  await moveInitiative(c.get('database').db, c.get('actor'), fy, key, direction(b));
  // Back where the button was: the order list, or the initiative's own page.
  const from = c.req.header('referer') ?? '';
  return back(c, from.includes('/structure') ? structureUrl(fy) : itemUrl(fy, key), '施策を移動しました');
});

manageWrite(
  adminRoutes,
  '/e/:fy/i/:key/delete',
  async (c, b) => {
    const fy = fyParam(c);
    await removeInitiative(c.get('database').db, c.get('actor'), fy, c.req.param('key')!, parseForm(removeSchema, b).reason);
    return back(c, `/admin/e/${fy}`, '施策をこの版から削除しました（変更履歴に残っています）');
  },
  itemAgain('remove'),
);

/** One field an import changed ({ field, value } before and after), of the initiative or of one of its results ("key/項目"). */
function fieldChange(entity: string, entityKey: string, key: string, before: unknown, after: unknown) {
  const b = before as { field?: unknown; value?: unknown } | null;
  const a = after as { field?: unknown; value?: unknown } | null;
  const field = typeof a?.field === 'string' ? a.field : typeof b?.field === 'string' ? b.field : null;
  if (field === null || (entity !== 'initiative' && entity !== 'result')) return null;
  const value = (x: { value?: unknown } | null) => (x?.value === null || x?.value === undefined || x.value === '' ? '—' : String(x.value));
  let what = field;
  if (entity === 'result') {
    const m = /^(.*)#(\d+)$/.exec(entityKey.slice(key.length + 1));
    const label = m ? `${m[1]}」（${m[2]}件目）` : `${entityKey.slice(key.length + 1)}」`;
    what = `実績「${label}の${field}`;
  }
  return (
    <p>
      {what}: {value(b)} → {value(a)}
    </p>
  );
}

adminRoutes.get('/i/:key/history', async (c) => {
  try {
    const key = c.req.param('key');
    const rows = await initiativeAudit(c.get('database').db, c.get('actor'), key);
    const names = await placeNames(c.get('database').db, await orgCode(c));
    const place = (k: string) => names.get(k) ?? k;
    return page(
      c,
      '変更履歴',
      <>
        <h1>変更履歴</h1>
        <p>だれが・いつ・何を変えたか。記録は追記のみで、書き換えられません。</p>
        {rows.length === 0 ? <p>記録はまだありません（取り込み時の内容のままです）。</p> : null}
        <ol class="history">
          {rows.map((r) => {
            const before = r.before as Record<string, unknown> | null;
            const after = r.after as { state?: string; comment?: string; grade?: string; reason?: string } | null;
            const d = r.entity === 'initiative' && isInitiativeSnapshot(before) && isInitiativeSnapshot(after) ? diffInitiative(before, after) : null;
            return (
              <li class="panel">
                <p>
                  <strong>{r.at.toLocaleString('ja-JP')}</strong> {r.actor}（{r.summary}）
                </p>
                {d ? <TrustedHtml html={renderInitiativeChange(d, 'h3', place)} /> : null}
                {r.entity === 'initiative' && r.action === 'delete' ? <p>この版から削除しました。理由: {after?.reason ?? '—'}</p> : null}
                {fieldChange(r.entity, r.entityKey, key, before, after)}
                {r.entity === 'submission' && after ? (
                  <p>
                    提出状態: {SUBMISSION_LABELS[(before as { state?: SubmissionState } | null)?.state ?? 'not_started']} → {SUBMISSION_LABELS[(after.state as SubmissionState) ?? 'not_started']}
                    {after.comment ? `（${after.comment}）` : ''}
                  </p>
                ) : null}
                {r.entity === 'assessment' && after ? (
                  <p>
                    評価 {after.grade} {after.comment}
                  </p>
                ) : null}
              </li>
            );
          })}
        </ol>
      </>,
    );
  } catch (e) {
    return refusal(c, e);
  }
});

// ---- Excel / CSV upload: preview, then apply -----------------------------------------------------------

/** Reads an uploaded file and previews it against the edition as it is now, with the stamp of that state. */
async function previewUpload(c: Context<AdminEnv>, fy: number, filename: string, bytes: Uint8Array, aliases: Record<string, string> = {}) {
  const sheets = /\.csv$/i.test(filename) ? [readCsv(bytes).sheet] : await readXlsx(bytes);
  const code = await orgCode(c);
  const db = c.get('database').db;
  // The stamp first: a write between the two reads then shows as a stale preview, never as a silent overwrite.
  const stamp = await editionStamp(db, code, fy);
  const current = await loadEdition(db, code, fy);
  if (!current || !stamp) throw new WorkspaceError('その版はありません', 404);
  if (current.edition.state === 'published') throw new WorkspaceError('公開済みの版には取り込めません（再開してから取り込みます）', 409);
  return { preview: previewSpreadsheet(current, sheets, { aliases }), stamp, current };
}

adminRoutes.get('/e/:fy/import', (c) => {
  try {
    mustManage(c);
  } catch (e) {
    return refusal(c, e);
  }
  const fy = c.req.param('fy');
  return page(
    c,
    'Excel・CSV から取り込む',
    <>
      <h1>Excel・CSV から取り込む</h1>
      <p>書き出したブック（.xlsx）または CSV（UTF-8 / Shift_JIS）を選んでください。まず変更点を確認し、その後で適用します。上限 {LIMITS.maxBytes / 1024 / 1024} MB。</p>
      <form method="post" action={`/admin/e/${fy}/import`} enctype="multipart/form-data" class="panel">
        <Csrf token={c.get('csrf')} />
        <p>
          <label for="file">ファイル</label>
          <br />
          <input id="file" name="file" type="file" accept=".xlsx,.csv" required />
        </p>
        <button type="submit">変更点を確認する</button>
      </form>
    </>,
  );
});

adminRoutes.post('/e/:fy/import', async (c) => {
  try {
    mustManage(c);
    const fy = fyParam(c);
    const file = (await body(c)).file;
    if (!(file instanceof File)) throw new WorkspaceError('ファイルを選んでください');
    if (file.size > LIMITS.maxBytes) throw new WorkspaceError(`ファイルが大きすぎます（上限 ${LIMITS.maxBytes / 1024 / 1024} MB）`);
    const bytes = new Uint8Array(await file.arrayBuffer());
    const { preview, stamp, current } = await previewUpload(c, fy, file.name, bytes);
    // Kept only when there is something to apply; the file lapses after 30 minutes.
    const id = preview.errors.length || isEmptyPreview(preview) ? '' : await keepUpload(c.get('database').db, c.get('actor'), { fiscalYear: fy, filename: file.name, content: bytes, stamp });
    return page(
      c,
      '取り込みの確認',
      <>
        <h1>取り込みの確認: {file.name}</h1>
        {preview.errors.length ? (
          <>
            <p>次の誤りがあるため、このファイルは適用できません（何も書き込んでいません）。</p>
            <ul>
              {formatErrors(preview.errors).map((l) => (
                <li>{l}</li>
              ))}
            </ul>
          </>
        ) : null}
        <p>
          変更 {preview.changes.length} 件、追加 {preview.added.initiatives.length + preview.added.results.length} 件。削除はしません。
        </p>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">対象</th>
                <th scope="col">項目</th>
                <th scope="col">変更前</th>
                <th scope="col">変更後</th>
              </tr>
            </thead>
            <tbody>
              {preview.changes.map((ch) => (
                <tr>
                  <td>{ch.label}</td>
                  <td>{ch.field}</td>
                  <td>{ch.before ?? '—'}</td>
                  <td>{ch.after ?? '—'}</td>
                </tr>
              ))}
              {[...preview.added.initiatives, ...preview.added.results].map((a) => (
                <tr>
                  <td>{a}</td>
                  <td>追加</td>
                  <td>—</td>
                  <td>—</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {preview.notices.length ? (
          <ul>
            {preview.notices.map((n) => (
              <li>{n}</li>
            ))}
          </ul>
        ) : null}
        {id ? (
          <form method="post" action={`/admin/e/${fy}/import/apply`} class="panel">
            <Csrf token={c.get('csrf')} />
            <input type="hidden" name="id" value={id} />
            {preview.unknownDepartments.length ? (
              <fieldset>
                <legend>未登録の担当課所</legend>
                <p>ファイルに、登録されていない課所名があります。既存の課所の別表記なら選んでください。選ばなければ新しい課所として登録します。</p>
                {preview.unknownDepartments.map((u, k) => (
                  <p>
                    <label for={`alias-${k}`}>
                      「{u.name}」（{u.where.slice(0, 3).join('、')}
                      {u.where.length > 3 ? ` ほか${u.where.length - 3}か所` : ''}）
                    </label>
                    <br />
                    <select id={`alias-${k}`} name={`alias_${k}`}>
                      <option value="">新しい課所として登録する</option>
                      {[...(u.similar ? [u.similar] : []), ...current.departments.map((d) => d.name).filter((n) => n !== u.similar)].map((n) => (
                        <option value={n}>「{n}」の別表記{n === u.similar ? '（似た名前）' : ''}</option>
                      ))}
                    </select>
                  </p>
                ))}
              </fieldset>
            ) : null}
            <button type="submit">この内容で適用する</button>
          </form>
        ) : null}
      </>,
      { status: preview.errors.length ? 400 : 200 },
    );
  } catch (e) {
    if (e instanceof SpreadsheetError) return refusal(c, new WorkspaceError(e.ja));
    return refusal(c, e);
  }
});

adminRoutes.post('/e/:fy/import/apply', async (c) => {
  try {
    mustManage(c);
    const fy = fyParam(c);
    const b = await body(c);
    const db = c.get('database').db;
    const kept = await findUpload(db, c.get('actor'), fy, one(b, 'id'));
    if (!kept) throw new WorkspaceError('確認の有効期限が切れました。もう一度ファイルを選んでください', 409);
    const first = await previewUpload(c, fy, kept.filename, kept.content);
    if (first.stamp !== kept.stamp) throw new StalePreviewError();
    const aliases = Object.fromEntries(first.preview.unknownDepartments.map((u, k) => [u.name, one(b, `alias_${k}`)]).filter(([, into]) => into));
    // Previewed again with the chosen spellings, so what is written names the department it is stored as.
    const { preview } = Object.keys(aliases).length ? await previewUpload(c, fy, kept.filename, kept.content, aliases) : first;
    const r = await applyPreview(db, await orgCode(c), fy, preview, { actor: c.get('actor').login, userId: c.get('actor').id, source: 'import:upload', expectedStamp: kept.stamp, aliases });
    // Kept until it applied, so a refused apply (a department removed meanwhile) can be retried from the page.
    await dropUpload(db, kept.id);
    return back(c, `/admin/e/${fy}`, `取り込みました（変更 ${r.changed} 件）${r.reopened.length ? `。提出済み・承認済みだった ${r.reopened.length} 件は作成中に戻しました（再提出が必要です）` : ''}`);
  } catch (e) {
    if (e instanceof StalePreviewError) return refusal(c, new WorkspaceError(e.message, 409));
    if (e instanceof SpreadsheetError) return refusal(c, new WorkspaceError(e.ja));
    return refusal(c, e);
  }
});
