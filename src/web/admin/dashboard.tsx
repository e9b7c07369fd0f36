// The dashboard: the organization's plans and their editions. For an organization with no plan it leads
// the admin to creating one; for a plan without an edition, to its first (empty) draft; once the newest
// edition is published, the form that opens the next yearly round.
import { Hono } from 'hono';
import { listPlans, type PlanSummary } from '../../db/plans.ts';
import { openRound } from '../../db/workspace.ts';
import { can, ROLE_LABELS, type Actor } from '../../domain/roles.ts';
import { periodText, planTerms } from '../../domain/plan-rules.ts';
import { fiscalYearLabel } from '../../domain/wareki.ts';
import { adminPost, back, page } from './respond.tsx';
import { Csrf } from './views.tsx';
import { editionStateText, NewEditionForm } from './plan-setup.tsx';
import { roundSchema, zodErrors } from './forms.ts';
import type { AdminEnv } from './auth.ts';

export const dashboardRoutes = new Hono<AdminEnv>();

/** No plan yet: what comes first, and who does it. */
function NoPlan({ actor }: { actor: Actor }) {
  return (
    <section class="panel" aria-labelledby="no-plan-h">
      <h2 id="no-plan-h">まだ計画がありません</h2>
      {can(actor, 'manage') ? (
        <>
          <p>はじめに計画（題名、計画期間、階層と施策の呼び名）を作り、最初の年度版を作成します。そのあと階層、施策、担当課所を追加して公開します。</p>
          <p>
            <a href="/admin/plan/new">計画を作成する</a>
          </p>
        </>
      ) : (
        <p>管理者が計画を作成すると、ここに年度版が表示されます。</p>
      )}
    </section>
  );
}

function PlanEditions({ plan }: { plan: PlanSummary }) {
  // Newest first: the current edition leads.
  const editions = [...plan.editions].reverse();
  const terms = planTerms(plan.settings);
  return (
    <section aria-labelledby={`plan-${plan.id}-h`}>
      <h2 id={`plan-${plan.id}-h`}>
        {plan.title}（{periodText(plan.period)}）
      </h2>
      <p class="muted">
        構成: {[terms.pillar, terms.subArea].filter(Boolean).join(' → ')} → {terms.initiative}
      </p>
      {editions.length ? (
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">{plan.title}の年度版</caption>
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
                  <td>{editionStateText(e)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p>この計画の年度版はまだありません。</p>
      )}
    </section>
  );
}

dashboardRoutes.get('/', async (c) => {
  const actor = c.get('actor');
  const plans = await listPlans(c.get('database').db, actor);
  const manage = can(actor, 'manage');
  // A round starts from the newest edition of all once it is published.
  const all = plans.flatMap((p) => p.editions.map((e) => ({ ...e, plan: p }))).sort((a, b) => b.fiscalYear - a.fiscalYear);
  const latest = all[0];
  const terms = planTerms(latest?.plan.settings ?? plans[0]?.settings);
  return page(
    c,
    'ダッシュボード',
    <>
      <h1>ダッシュボード</h1>
      <p>
        {actor.displayName}（{ROLE_LABELS[actor.role]}
        {actor.departments.length ? `・${actor.departments.join('、')}` : ''}）
      </p>
      {plans.length === 0 ? <NoPlan actor={actor} /> : null}
      {plans.map((p) => (
        <>
          <PlanEditions plan={p} />
          {manage && p.editions.length === 0 ? <NewEditionForm plan={p} csrf={c.get('csrf')} heading="最初の年度版を作成" /> : null}
        </>
      ))}
      {manage && latest?.state === 'draft' ? <p>{fiscalYearLabel(latest.fiscalYear)}版は作成中です。公開すると、次の年度の更新ラウンドを開けます。</p> : null}
      {manage && latest?.state === 'published' ? (
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
            <legend>完了した{terms.initiative}</legend>
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
      {manage ? (
        <ul>
          {plans.length ? (
            <li>
              <a href="/admin/plan">計画の設定（題名・計画期間・階層の名前・年度版の作成）</a>
            </li>
          ) : (
            <li>
              <a href="/admin/plan/new">計画を作成</a>
            </li>
          )}
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
