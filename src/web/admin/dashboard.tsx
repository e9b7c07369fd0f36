// The dashboard: the editions of the plan, and for the admin the form that opens the next yearly round
// once the newest edition is published.
import { Hono } from 'hono';
import { listEditions } from '../../db/repository.ts';
import { openRound } from '../../db/workspace.ts';
import { can, ROLE_LABELS } from '../../domain/roles.ts';
import { fiscalYearLabel } from '../../domain/wareki.ts';
import { adminPost, back, orgCode, page } from './respond.tsx';
import { Csrf } from './views.tsx';
import { roundSchema, zodErrors } from './forms.ts';
import type { AdminEnv } from './auth.ts';

export const dashboardRoutes = new Hono<AdminEnv>();

dashboardRoutes.get('/', async (c) => {
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
        <p>{fiscalYearLabel(latest.fiscalYear)}版の更新ラウンド中です。公開すると、次の年度の更新ラウンドを開けます。</p>
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

// The form is read before the permission: openRound checks it, after a form with errors has been answered.
adminPost(dashboardRoutes, '/rounds', { may: 'manage' }, async (c, b) => {
  const parsed = roundSchema.safeParse(b);
  if (!parsed.success)
    return page(
      c,
      '入力エラー',
      <p>
        <a href="/admin">戻る</a>
      </p>,
      { error: Object.values(zodErrors(parsed.error)).join('\n'), status: 400 },
    );
  const { fiscalYear } = await openRound(c.get('database').db, c.get('actor'), { ...parsed.data, dropCompleted: parsed.data.dropCompleted === 'drop' });
  return back(c, `/admin/e/${fiscalYear}`, `${fiscalYearLabel(fiscalYear)}の更新ラウンドを開きました`);
});
