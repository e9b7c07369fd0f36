// One initiative: its page (edit, submit, review, assess, the diffs against the last submission and the
// year before), and the admin's writes on it (identity, order, removal) and the add-initiative form's post.
// Every write goes through one command of db/workspace.ts or db/structure.ts, which checks the actor's
// permission again; a refusal changes nothing.
import { Hono, type Context } from 'hono';
import { initiativeHistory, loadEdition } from '../../db/repository.ts';
import {
  allow,
  ConflictError,
  WorkspaceError,
  listAssessments,
  loadItem,
  recordAssessment,
  reviewInitiative,
  saveInitiative,
  submitInitiative,
} from '../../db/workspace.ts';
import { addInitiative, moveInitiative, removeInitiative, updateIdentity } from '../../db/initiatives.ts';
import { planSettingsFor } from '../../db/plans.ts';
import { planHasShape } from '../../db/initiative-shape.ts';
import { shapeUrl } from './initiative-shape.tsx';
import { can } from '../../domain/roles.ts';
import { diffInitiative } from '../../domain/edition-diff.ts';
import { renderInitiativeChange } from '../../report/diff-html.ts';
import { STATUS_ORDER, statusLabel, type Initiative } from '../../domain/model.ts';
import { fiscalYearLabel } from '../../domain/wareki.ts';
import { resultsHeading } from '../../domain/results-year.ts';
import { adminPost, back, fyParam, manageWrite, orgCode, page, parseForm, refusal, shownAgain, type WriteAgain } from './respond.tsx';
import { type FormState, builtinLabels, Csrf, InitiativeForm, SubmissionBadge, TrustedHtml } from './views.tsx';
import { IdentityPanel, NewInitiativeForm } from './initiative-forms.tsx';
import { direction, editionFor, planWrite, structureUrl } from './plan-parts.tsx';
import type { AdminEnv } from './auth.ts';
import {
  identitySchemaFor,
  list,
  newInitiativeSchemaFor,
  one,
  parseInitiativeForm,
  parseWith,
  removeSchema,
  typedOf,
  type Body,
  type FieldErrors,
} from './forms.ts';
import { GRADES } from '../../domain/enums.ts';

export const initiativeRoutes = new Hono<AdminEnv>();

const itemUrl = (fy: number, key: string) => `/admin/e/${fy}/i/${encodeURIComponent(key)}`;

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
      {/* pre-wrap: a change of the printed 実績 text is shown line by line, as it is printed. */}
      {d ? (
        <div class="pre">
          <TrustedHtml html={renderInitiativeChange(d, 'h3')} />
        </div>
      ) : (
        <p>変更はありません。</p>
      )}
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
  const editable =
    workspace.state === 'draft' && can(actor, 'edit', i) && (actor.role === 'admin' || !['submitted', 'approved'].includes(item.submission?.state ?? ''));
  const sub = item.submission;
  const assessments = await listAssessments(db, item.yearId);
  const action = `/admin/e/${fy}/i/${encodeURIComponent(key)}`;
  // The pillars, sub-areas and department master feed only the admin's identity form.
  const structure = workspace.state === 'draft' && can(actor, 'manage') ? await loadEdition(db, await orgCode(c), fy) : null;
  // A plan with its own sections, indicators, grades or a schedule edits them on the shape page.
  const settings = await planSettingsFor(db, actor.organizationId, fy);
  const shaped = planHasShape(settings);
  // The sample's two sections under the plan's labels; a plan that does not hold one keeps it out of the form.
  const labels = builtinLabels(settings);
  return page(
    c,
    `${i.number ?? '新'} ${i.title}`,
    <>
      <p>
        <a href={`/admin/e/${fy}`}>
          {workspace.title}（{fiscalYearLabel(fy)}）
        </a>
      </p>
      <h1>
        {i.number ?? '新'} {i.title}
      </h1>
      <p>
        担当課所: {i.departments.join('、')} ／ 提出: {workspace.round ? <SubmissionBadge state={sub?.state} /> : '—'} ／{' '}
        <a href={`/admin/i/${encodeURIComponent(key)}/history`}>変更履歴</a>
        {shaped ? (
          <>
            {' '}
            ／ <a href={shapeUrl(fy, key)}>記入項目・評価・スケジュール・指標</a>
          </>
        ) : null}
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
            {opts.conflict.by ?? '別の人'}さんが {opts.conflict.at ? opts.conflict.at.toLocaleString('ja-JP') : ''}{' '}
            に保存した内容です。あなたの入力は下のフォームに残っています。相手の変更を踏まえて直し、もう一度保存してください。
          </p>
          <Diff from={opts.typed ?? i} to={opts.conflict.current} heading="あなたの入力 → 保存されている内容" />
          <h3>保存されている内容</h3>
          <dl>
            <dt>状況</dt>
            <dd>{statusLabel(opts.conflict.current.status)}</dd>
            {labels.content !== null ? (
              <>
                <dt>{labels.content}</dt>
                <dd class="pre">{opts.conflict.current.content}</dd>
              </>
            ) : null}
            {labels.plan !== null ? (
              <>
                <dt>{labels.plan}</dt>
                <dd class="pre">{opts.conflict.current.plan}</dd>
              </>
            ) : null}
            <dt>実績（本文）</dt>
            <dd class="pre">{opts.conflict.current.resultsText || '（なし）'}</dd>
          </dl>
        </section>
      ) : null}
      {editable ? (
        <InitiativeForm
          action={action}
          csrf={c.get('csrf')}
          version={opts.version ?? item.version}
          initiative={opts.typed ?? i}
          errors={opts.errors}
          labels={labels}
        />
      ) : (
        <section>
          <p>
            {workspace.state === 'published'
              ? 'この版は公開済みのため編集できません。'
              : can(actor, 'edit', i)
                ? '提出済み・承認済みのため、審査が終わるまで編集できません。'
                : '閲覧のみ（担当課所の施策ではありません）。'}
          </p>
          <h2>状況</h2>
          <p>{statusLabel(i.status)}</p>
          {labels.content !== null ? (
            <>
              <h2>{labels.content}</h2>
              <p class="pre">{i.content}</p>
            </>
          ) : null}
          {labels.plan !== null ? (
            <>
              <h2>{labels.plan}</h2>
              <p class="pre">{i.plan}</p>
            </>
          ) : null}
          <h2>{resultsHeading(i.resultsFiscalYear)}</h2>
          <ul>
            {i.results.map((r) => (
              <li>
                {r.label}: {r.actual ?? '—'}
                {r.unit ?? ''}
                {r.target !== null ? `（目標 ${r.target}${r.unit ?? ''}）` : ''}
              </li>
            ))}
          </ul>
          {i.resultsText ? (
            <>
              <h3>実績（本文）</h3>
              <p class="pre">{i.resultsText}</p>
            </>
          ) : null}
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
                {GRADES.map((g) => (
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

initiativeRoutes.get('/e/:fy/i/:key', async (c) => {
  try {
    return await itemPage(c, fyParam(c), c.req.param('key'));
  } catch (e) {
    return refusal(c, e);
  }
});

// Permission before validation: someone who may not edit learns nothing from the form's errors. The
// permission needs the initiative (its departments), so the handler checks it once the item is loaded.
adminPost(
  initiativeRoutes,
  '/e/:fy/i/:key',
  {
    may: null,
    // The form now carries the current version: saving again overwrites knowingly, after seeing the diff.
    again: async (c, b, refused) => {
      if (!(refused instanceof ConflictError)) throw refused;
      return itemPage(c, fyParam(c), c.req.param('key'), {
        conflict: refused,
        typed: typedBack(refused.current, b),
        version: refused.currentVersion,
        error: refused.message,
        status: 409,
      });
    },
  },
  async (c, b) => {
    const [fy, key] = [fyParam(c), c.req.param('key')];
    const { item } = await loadItem(c.get('database').db, c.get('actor'), fy, key);
    allow(c.get('actor'), 'edit', item.initiative);
    const parsed = parseInitiativeForm(b);
    if (!parsed.ok) {
      return itemPage(c, fy, key, {
        errors: parsed.errors,
        typed: typedBack(item.initiative, b),
        version: Number(one(b, 'version')) || item.version,
        error: '入力に誤りがあります。各欄の説明を確認してください。',
        status: 400,
      });
    }
    await saveInitiative(c.get('database').db, c.get('actor'), fy, key, parsed.value.version, parsed.value.edit);
    return back(c, itemUrl(fy, key), '保存しました');
  },
);

/** What the person typed, shown again with the errors or the conflict (numbers as typed, even when not numbers). */
function typedBack(current: Initiative, b: Body): Initiative {
  const status = one(b, 'status') as Initiative['status'];
  const r = (n: string, k: number) => list(b, n)[k] || null;
  return {
    ...current,
    status: STATUS_ORDER.includes(status) ? status : current.status,
    content: one(b, 'content'),
    plan: one(b, 'plan'),
    resultsText: 'resultsText' in b ? one(b, 'resultsText') : current.resultsText,
    planTargets: list(b, 't_label')
      .map((label, k) => ({ label, value: r('t_value', k), unit: r('t_unit', k), raw: '' }))
      .filter((p) => p.label || p.value || p.unit),
    results: list(b, 'r_label')
      .map((label, k) => ({ label, actual: r('r_actual', k), target: r('r_target', k), unit: r('r_unit', k), note: r('r_note', k), raw: '' }))
      .filter((x) => x.label || x.actual || x.target || x.unit || x.note),
  };
}

adminPost(initiativeRoutes, '/e/:fy/i/:key/submit', { may: null }, async (c) => {
  const [fy, key] = [fyParam(c), c.req.param('key')];
  await submitInitiative(c.get('database').db, c.get('actor'), fy, key);
  return back(c, itemUrl(fy, key), '提出しました');
});

// The permission first: a viewer or an editor is refused (403) whatever the form holds, before the
// decision or the comment is looked at.
adminPost(initiativeRoutes, '/e/:fy/i/:key/review', { may: 'review' }, async (c, b) => {
  const fy = fyParam(c);
  const decision = one(b, 'decision');
  if (decision !== 'approve' && decision !== 'return') throw new WorkspaceError('承認か差戻しを選んでください');
  await reviewInitiative(c.get('database').db, c.get('actor'), fy, c.req.param('key'), decision, one(b, 'comment').slice(0, 4000));
  return back(c, `/admin/e/${fy}`, decision === 'approve' ? '承認しました' : '差し戻しました');
});

adminPost(initiativeRoutes, '/e/:fy/i/:key/assess', { may: null }, async (c, b) => {
  const [fy, key] = [fyParam(c), c.req.param('key')];
  await recordAssessment(c.get('database').db, c.get('actor'), fy, key, one(b, 'grade'), one(b, 'comment'));
  return back(c, itemUrl(fy, key), '評価を記録しました');
});

// ---- the admin's identity form, order and removal of one initiative (commands in db/structure.ts) ------------

/** The initiative page again with the form `form`; after a conflict the form carries the current version. */
function itemAgain(form: string): WriteAgain<'/e/:fy/i/:key/identity' | '/e/:fy/i/:key/delete'> {
  return (c, b, refused) => {
    // What was typed stays in the form; with the current version, saving again overwrites knowingly.
    const typed = refused instanceof ConflictError ? { ...typedOf(b), version: String(refused.currentVersion) } : typedOf(b);
    return itemPage(c, fyParam(c), c.req.param('key'), { form: shownAgain(form, typed, refused), error: refused.message, status: refused.status });
  };
}

manageWrite(
  initiativeRoutes,
  '/e/:fy/i/:key/identity',
  async (c, b) => {
    const [fy, key] = [fyParam(c), c.req.param('key')];
    const v = parseForm(identitySchemaFor(await planSettingsFor(c.get('database').db, c.get('actor').organizationId, fy)), b);
    await updateIdentity(c.get('database').db, c.get('actor'), fy, key, v.version, {
      number: v.number,
      title: v.title,
      pillarKey: v.pillar,
      subAreaKey: v.subArea || null,
      departments: v.departments,
    });
    return back(c, itemUrl(fy, key), '基本情報を保存しました');
  },
  itemAgain('identity'),
);

manageWrite(initiativeRoutes, '/e/:fy/i/:key/move', async (c, b) => {
  const [fy, key] = [fyParam(c), c.req.param('key')];
  await moveInitiative(c.get('database').db, c.get('actor'), fy, key, direction(b));
  // Back where the button was: the order list, or the initiative's own page.
  const from = c.req.header('referer') ?? '';
  return back(c, from.includes('/structure') ? structureUrl(fy) : itemUrl(fy, key), '施策を移動しました');
});

manageWrite(
  initiativeRoutes,
  '/e/:fy/i/:key/delete',
  async (c, b) => {
    const fy = fyParam(c);
    await removeInitiative(c.get('database').db, c.get('actor'), fy, c.req.param('key'), parseForm(removeSchema, b).reason);
    return back(c, `/admin/e/${fy}`, '施策をこの版から削除しました（変更履歴に残っています）');
  },
  itemAgain('remove'),
);

// The add-initiative form of the edition page (NewInitiativeForm).
planWrite(
  initiativeRoutes,
  '/e/:fy/initiatives',
  async (c, fy, b) => {
    const r = parseWith(newInitiativeSchemaFor(await planSettingsFor(c.get('database').db, c.get('actor').organizationId, fy)), b);
    if (!r.ok) throw new WorkspaceError(Object.values(r.errors).join('\n'));
    const v = r.value;
    const key = await addInitiative(c.get('database').db, c.get('actor'), fy, {
      title: v.title,
      pillarKey: v.pillar,
      subAreaKey: v.subArea || null,
      departments: v.departments,
      content: v.content,
      plan: v.plan,
    });
    return back(c, `/admin/e/${fy}/i/${key}`, '新しい施策を追加しました');
  },
  {
    // A refusal (an unknown department, an empty title) shows the form again with what was typed.
    form: () => 'new-initiative',
    page: async (c, fy, state, status, error) => {
      const data = await editionFor(c, fy);
      return page(
        c,
        `新しい${data.plan.settings.initiativeName}を追加`,
        <>
          <p>
            <a href={`/admin/e/${fy}`}>{data.edition.title}</a>
          </p>
          <h1>新しい{data.plan.settings.initiativeName}を追加</h1>
          <NewInitiativeForm fy={fy} data={data} csrf={c.get('csrf')} typed={state?.typed} error={error} />
        </>,
        { status },
      );
    },
  },
);
