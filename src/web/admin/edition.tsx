// One edition: the round's to-do list and the departments' progress, and for the admin publishing,
// reopening, reminders, the add-initiative form and the plan's progress settings.
import { Hono } from 'hono';
import { loadEdition } from '../../db/repository.ts';
import { loadWorkspace, publishEdition, reopenEdition, SUBMISSION_LABELS, WorkspaceError, type SubmissionState } from '../../db/workspace.ts';
import { departmentProgress, queueReminders } from '../../db/reminders.ts';
import { updatePlanSettings } from '../../db/kpis.ts';
import { publicationOf, type Publication } from '../../db/publication.ts';
import { can, owns } from '../../domain/roles.ts';
import { statusLabel } from '../../domain/model.ts';
import { fiscalYearLabel } from '../../domain/wareki.ts';
import { planTerms } from '../../domain/plan-rules.ts';
import { adminPost, back, fyParam, mustManage, orgCode, page, refusal } from './respond.tsx';
import { Csrf, SubmissionBadge } from './views.tsx';
import { NewInitiativeForm } from './initiative-forms.tsx';
import { one, parseSettingsForm } from './forms.ts';
import type { AdminEnv } from './auth.ts';
import { SUBMISSION_STATES } from '../../domain/enums.ts';

export const editionRoutes = new Hono<AdminEnv>();

editionRoutes.get('/e/:fy', async (c) => {
  try {
    const actor = c.get('actor');
    const fy = fyParam(c);
    const ws = await loadWorkspace(c.get('database').db, actor, fy);
    const mine = c.req.query('all') !== '1' && actor.role === 'editor';
    const items = mine ? ws.items.filter((i) => owns(actor, i.initiative)) : ws.items;
    const progress = departmentProgress(ws);
    // Pillars, departments, KPIs and settings feed only the admin's forms.
    const edition = can(actor, 'manage') ? await loadEdition(c.get('database').db, await orgCode(c), fy) : null;
    // What the portal shows of this edition: its copy as last published, whatever the draft says now.
    const published = await publicationOf(c.get('database').db, ws.editionId);
    const states: readonly SubmissionState[] = SUBMISSION_STATES;
    return page(
      c,
      `${fiscalYearLabel(fy)}版`,
      <>
        <h1>
          {ws.title}（{fiscalYearLabel(fy)}）
        </h1>
        <p>
          状態:{' '}
          <strong>
            {ws.state === 'published' ? '公開中（編集できません）' : published ? '作成中（再開中。公開サイトには公開済みの版）' : '作成中（非公開）'}
          </strong>
          {ws.round ? ` ／ 更新ラウンド: 提出期限 ${ws.round.dueDate}（${ws.round.state === 'open' ? '受付中' : '終了'}）` : ''}
        </p>
        <h2>{mine ? '担当の施策（やること）' : '施策'}</h2>
        {actor.role === 'editor' ? (
          <p>{mine ? <a href={`/admin/e/${fy}?all=1`}>すべての施策を見る（閲覧のみ）</a> : <a href={`/admin/e/${fy}`}>担当の施策だけを見る</a>}</p>
        ) : null}
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
                  {published ? <PublishedNote publication={published} /> : null}
                  <p>
                    {ws.round ? 'すべての施策が承認されると公開できます。' : ''}
                    {published ? 'もう一度公開すると、公開サイトがこの版の今の内容に替わり、' : '公開すると公開サイトに掲載され、'}
                    編集できなくなります。
                  </p>
                  <button type="submit">{published ? 'この版をもう一度公開する' : 'この版を公開する'}</button>
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
                <p>再開しても、もう一度公開するまで公開サイトには今の公開版が表示されたままです。</p>
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
                <p>
                  題名・計画期間・階層と{planTerms(edition.plan.settings).initiative}の呼び名・担当課所の要否は<a href="/admin/plan">計画の設定</a>
                  で変更します。
                </p>
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

/** A reopened edition: the portal still shows the copy published last, until the edition is published again. */
function PublishedNote({ publication }: { publication: Publication }) {
  return (
    <p>
      <strong>公開サイトには、{publication.publishedAt.toLocaleString('ja-JP', { timeZone: 'Asia/Tokyo' })} に公開した版が表示されています。</strong>
      この版をもう一度公開するまで、ここでの変更は公開サイトに出ません。
    </p>
  );
}

// Publish, reopen and remind: the commands check the permission (before the reason is looked at).
adminPost(editionRoutes, '/e/:fy/publish', { may: null }, async (c) => {
  const fy = fyParam(c);
  await publishEdition(c.get('database').db, c.get('actor'), fy);
  return back(c, `/admin/e/${fy}`, `${fiscalYearLabel(fy)}版を公開しました`);
});

adminPost(editionRoutes, '/e/:fy/reopen', { may: null }, async (c, b) => {
  const fy = fyParam(c);
  await reopenEdition(c.get('database').db, c.get('actor'), fy, one(b, 'reason').slice(0, 1000));
  return back(c, `/admin/e/${fy}`, '編集を再開しました（もう一度公開するまで、公開サイトには公開済みの版が表示されます）');
});

adminPost(editionRoutes, '/e/:fy/remind', { may: null }, async (c) => {
  const fy = fyParam(c);
  const n = await queueReminders(c.get('database').db, c.get('actor'), fy);
  return back(c, `/admin/e/${fy}`, `督促を ${n} 件、送信待ちに入れました`);
});

// The year is checked first (a 404 for a malformed one, whoever asks), then the permission, then the form.
adminPost(editionRoutes, '/e/:fy/settings', { may: null }, async (c, b) => {
  const fy = fyParam(c);
  mustManage(c);
  const parsed = parseSettingsForm(b);
  if (!parsed.ok) throw new WorkspaceError(Object.values(parsed.errors).join('\n'));
  await updatePlanSettings(c.get('database').db, c.get('actor'), fy, parsed.value);
  return back(c, `/admin/e/${fy}`, '進捗率の計算規則を保存しました');
});
