// Admin pages for the plan's master data: pillars, sub-areas and the order of initiatives (per edition),
// an initiative's number, title, placement and departments, KPI definitions and actuals (per plan), and
// the department master with its aliases. Each form posts to one command of db/structure.ts; a form with
// errors is shown again with what was typed and each message next to its field.
import { Hono, type Context } from 'hono';
import type { z } from 'zod';
import { loadEdition, mergeDepartments } from '../../db/repository.ts';
import {
  addDepartment,
  addDepartmentAlias,
  addInitiative,
  deleteDepartment,
  deleteKpi,
  deletePillar,
  deleteSubArea,
  kpiVersions,
  listDepartmentUse,
  moveKpi,
  movePillar,
  moveSubArea,
  removeDepartmentAlias,
  renameDepartment,
  renumberEdition,
  saveKpi,
  savePillar,
  saveSubArea,
  type DepartmentUse,
} from '../../db/structure.ts';
import { updateKpiActual, WorkspaceError } from '../../db/workspace.ts';
import { initiativeLabel, type EditionData, type Initiative } from '../../domain/model.ts';
import { normalizeNumber } from '../../domain/decimal.ts';
import { fiscalYearLabel } from '../../domain/wareki.ts';
import { Csrf, ERROR_LEAD, Field, Select, type FormState } from './views.tsx';
import { back, fyParam, manageWrite, mustManage, orgCode, page, parseForm, refusal, shownAgain } from './respond.tsx';
import type { AdminEnv } from './auth.ts';
import {
  aliasSchema,
  mergeSchema,
  removeAliasSchema,
  departmentNameSchema,
  kpiSchema,
  moveSchema,
  newInitiativeSchema,
  one,
  parseWith,
  typedOf,
  pillarSchema,
  renameDepartmentSchema,
  subAreaSchema,
  type Body,
} from './forms.ts';

export const structureRoutes = new Hono<AdminEnv>();

async function editionFor(c: Context<AdminEnv>, fy: number): Promise<EditionData> {
  const data = await loadEdition(c.get('database').db, await orgCode(c), fy);
  if (!data) throw new WorkspaceError(`${fiscalYearLabel(fy)}の版はありません`, 404);
  return data;
}

// ---- small form pieces -------------------------------------------------------------------------------

/** Up and down as one form with two buttons; the ends are disabled rather than refused. */
function MoveButtons({ action, csrf, what, first, last, disabled }: { action: string; csrf: string; what: string; first: boolean; last: boolean; disabled?: boolean }) {
  return (
    <form method="post" action={action} class="inline">
      <Csrf token={csrf} />
      <button type="submit" name="direction" value="up" class="small secondary" disabled={disabled || first} aria-label={`「${what}」を上へ`}>
        上へ
      </button>{' '}
      <button type="submit" name="direction" value="down" class="small secondary" disabled={disabled || last} aria-label={`「${what}」を下へ`}>
        下へ
      </button>
    </form>
  );
}

function DepartmentList({ data }: { data: Pick<EditionData, 'departments'> }) {
  return (
    <datalist id="department-list">
      {data.departments.map((d) => (
        <option value={d.name} />
      ))}
    </datalist>
  );
}

const subAreaOptions = (data: EditionData): [string, string][] => [['', 'なし'], ...data.pillars.flatMap((p) => p.subAreas.map((s): [string, string] => [s.key, `${p.name} ／ ${s.name}`]))];

// ---- pillars, sub-areas and order ---------------------------------------------------------------------

async function structurePage(c: Context<AdminEnv>, fy: number, state?: FormState, status = 200, error?: string): Promise<Response> {
  mustManage(c);
  const data = await editionFor(c, fy);
  const csrf = c.get('csrf');
  const locked = data.edition.state === 'published';
  const base = `/admin/e/${fy}`;
  const count = (pillarKey: string, subAreaKey?: string | null) =>
    data.initiatives.filter((i) => i.pillarKey === pillarKey && (subAreaKey === undefined || i.subAreaKey === subAreaKey)).length;
  return page(
    c,
    `施策体系と並び順（${fiscalYearLabel(fy)}）`,
    <>
      <p>
        <a href={base}>
          {data.edition.title}（{fiscalYearLabel(fy)}）
        </a>
      </p>
      <h1>施策体系・分野・施策の並び順</h1>
      <p>この版（{fiscalYearLabel(fy)}）の構成です。公開サイトと報告書は、ここでの順に施策を載せます。変更はすべて変更履歴に残ります。</p>
      {locked ? <p class="panel">この版は公開済みのため変更できません。変えるには版の画面で理由を記録して再開します。</p> : null}
      {data.pillars.map((p, pi) => {
        const groups = [{ key: null as string | null, name: '分野なし' }, ...p.subAreas.map((s) => ({ key: s.key as string | null, name: s.name }))];
        return (
          <section class="panel" aria-labelledby={`h-${p.key}`}>
            <h2 id={`h-${p.key}`}>
              {pi + 1}. {p.name}（施策 {count(p.key)} 件）
            </h2>
            <form method="post" action={`${base}/pillars/${encodeURIComponent(p.key)}`}>
              <Csrf token={csrf} />
              <Field form={`pillar-${p.key}`} name="name" label="名前" value={p.name} state={state} size={30} required />{' '}
              <Field form={`pillar-${p.key}`} name="tagline" label="キャッチコピー（任意）" value={p.tagline ?? ''} state={state} size={40} />{' '}
              <button type="submit" class="small" disabled={locked}>
                保存
              </button>
            </form>
            <div class="actions">
              <MoveButtons action={`${base}/pillars/${encodeURIComponent(p.key)}/move`} csrf={csrf} what={p.name} first={pi === 0} last={pi === data.pillars.length - 1} disabled={locked} />{' '}
              <form method="post" action={`${base}/pillars/${encodeURIComponent(p.key)}/delete`} class="inline">
                <Csrf token={csrf} />
                <button type="submit" class="small secondary" disabled={locked || count(p.key) > 0} aria-label={`施策体系「${p.name}」を削除`}>
                  削除
                </button>
              </form>
              {count(p.key) > 0 ? ' 施策がある施策体系は削除できません。' : null}
            </div>
            <h3>分野</h3>
            {p.subAreas.length ? (
              <ul class="plain">
                {p.subAreas.map((s, si) => (
                  <li>
                    <form method="post" action={`${base}/pillars/${encodeURIComponent(p.key)}/subareas/${encodeURIComponent(s.key)}`} class="inline">
                      <Csrf token={csrf} />
                      <Field form={`sub-${s.key}`} name="name" label={`分野${si + 1}`} value={s.name} state={state} size={30} required inline />{' '}
                      <button type="submit" class="small" disabled={locked}>
                        保存
                      </button>
                    </form>{' '}
                    <MoveButtons
                      action={`${base}/pillars/${encodeURIComponent(p.key)}/subareas/${encodeURIComponent(s.key)}/move`}
                      csrf={csrf}
                      what={s.name}
                      first={si === 0}
                      last={si === p.subAreas.length - 1}
                      disabled={locked}
                    />{' '}
                    <form method="post" action={`${base}/pillars/${encodeURIComponent(p.key)}/subareas/${encodeURIComponent(s.key)}/delete`} class="inline">
                      <Csrf token={csrf} />
                      <button type="submit" class="small secondary" disabled={locked} aria-label={`分野「${s.name}」を削除`}>
                        削除
                      </button>
                    </form>{' '}
                    （施策 {count(p.key, s.key)} 件{count(p.key, s.key) ? '。削除すると分野なしになります' : ''}）
                  </li>
                ))}
              </ul>
            ) : (
              <p>分野はありません。</p>
            )}
            <form method="post" action={`${base}/pillars/${encodeURIComponent(p.key)}/subareas`}>
              <Csrf token={csrf} />
              <Field form={`sub-new-${p.key}`} name="name" label="分野を追加" value="" state={state} size={30} required inline />{' '}
              <button type="submit" class="small" disabled={locked}>
                追加
              </button>
            </form>
            <h3>施策の並び順</h3>
            {groups.map((g) => {
              const items = data.initiatives.filter((i) => i.pillarKey === p.key && i.subAreaKey === g.key);
              if (!items.length) return null;
              return (
                <>
                  {p.subAreas.length ? <h4>{g.name}</h4> : null}
                  <ol class="plain order">
                    {items.map((i, n) => (
                      <li>
                        <span class="num">{initiativeLabel(i)}</span> <a href={`${base}/i/${encodeURIComponent(i.key)}`}>{i.title}</a>{' '}
                        <MoveButtons action={`${base}/i/${encodeURIComponent(i.key)}/move`} csrf={csrf} what={i.title} first={n === 0} last={n === items.length - 1} disabled={locked} />
                      </li>
                    ))}
                  </ol>
                </>
              );
            })}
          </section>
        );
      })}
      <form method="post" action={`${base}/pillars`} class="panel">
        <h2>施策体系を追加</h2>
        <Csrf token={csrf} />
        <Field form="pillar-new" name="name" label="名前" value="" state={state} size={30} required />{' '}
        <Field form="pillar-new" name="tagline" label="キャッチコピー（任意）" value="" state={state} size={40} />{' '}
        <button type="submit" disabled={locked}>
          追加
        </button>
      </form>
      <form method="post" action={`${base}/renumber`} class="panel">
        <h2>番号を振り直す</h2>
        <Csrf token={csrf} />
        <p>すべての施策に、上の並び順で 01 から番号を振ります（「新」の施策にも番号が付きます）。</p>
        <button type="submit" disabled={locked}>
          番号を振り直す
        </button>
      </form>
    </>,
    { error: error ?? (state ? ERROR_LEAD : undefined), status },
  );
}

structureRoutes.get('/e/:fy/structure', async (c) => {
  try {
    return await structurePage(c, fyParam(c));
  } catch (e) {
    return refusal(c, e);
  }
});

type Handler = (c: Context<AdminEnv>, fy: number, b: Body) => Promise<Response>;
type PageAgain = (c: Context<AdminEnv>, fy: number, state: FormState | undefined, status: number, error?: string) => Promise<Response>;

/**
 * An admin write under /e/:fy. A refusal the person can act on shows `again.page` with its message; the
 * form `again.form` names comes back with its field errors and what was typed.
 */
function adminWrite(path: string, handler: Handler, again?: { page: PageAgain; form?: (c: Context<AdminEnv>) => string }) {
  manageWrite(
    structureRoutes,
    path,
    (c, b) => handler(c, fyParam(c), b),
    again && ((c, b, refused) => again.page(c, fyParam(c), again.form ? shownAgain(again.form(c), typedOf(b), refused) : undefined, refused.status, refused.message)),
  );
}

const onStructure = (form?: (c: Context<AdminEnv>) => string) => ({ page: structurePage, form });
const onKpis = (form?: (c: Context<AdminEnv>) => string) => ({ page: kpiPage, form });

export function direction(b: Body) {
  const r = parseWith(moveSchema, b);
  if (!r.ok) throw new WorkspaceError(r.errors.direction ?? '移動の向きが正しくありません');
  return r.value.direction;
}

export const structureUrl = (fy: number) => `/admin/e/${fy}/structure`;

adminWrite('/e/:fy/pillars', async (c, fy, b) => {
  const v = parseForm(pillarSchema, b);
  await savePillar(c.get('database').db, c.get('actor'), fy, null, v);
  return back(c, structureUrl(fy), `施策体系「${v.name}」を追加しました`);
}, onStructure(() => 'pillar-new'));

adminWrite('/e/:fy/pillars/:pillar', async (c, fy, b) => {
  const key = c.req.param('pillar')!;
  const v = parseForm(pillarSchema, b);
  await savePillar(c.get('database').db, c.get('actor'), fy, key, v);
  return back(c, structureUrl(fy), `施策体系「${v.name}」を保存しました`);
}, onStructure((c) => `pillar-${c.req.param('pillar')}`));

adminWrite('/e/:fy/pillars/:pillar/move', async (c, fy, b) => {
  await movePillar(c.get('database').db, c.get('actor'), fy, c.req.param('pillar')!, direction(b));
  return back(c, structureUrl(fy), '施策体系を移動しました');
}, onStructure());

adminWrite('/e/:fy/pillars/:pillar/delete', async (c, fy) => {
  await deletePillar(c.get('database').db, c.get('actor'), fy, c.req.param('pillar')!);
  return back(c, structureUrl(fy), '施策体系を削除しました');
}, onStructure());

adminWrite('/e/:fy/pillars/:pillar/subareas', async (c, fy, b) => {
  const pillar = c.req.param('pillar')!;
  const v = parseForm(subAreaSchema, b);
  await saveSubArea(c.get('database').db, c.get('actor'), fy, pillar, null, v.name);
  return back(c, structureUrl(fy), `分野「${v.name}」を追加しました`);
}, onStructure((c) => `sub-new-${c.req.param('pillar')}`));

adminWrite('/e/:fy/pillars/:pillar/subareas/:sub', async (c, fy, b) => {
  const sub = c.req.param('sub')!;
  const v = parseForm(subAreaSchema, b);
  await saveSubArea(c.get('database').db, c.get('actor'), fy, c.req.param('pillar')!, sub, v.name);
  return back(c, structureUrl(fy), `分野「${v.name}」を保存しました`);
}, onStructure((c) => `sub-${c.req.param('sub')}`));

adminWrite('/e/:fy/pillars/:pillar/subareas/:sub/move', async (c, fy, b) => {
  await moveSubArea(c.get('database').db, c.get('actor'), fy, c.req.param('pillar')!, c.req.param('sub')!, direction(b));
  return back(c, structureUrl(fy), '分野を移動しました');
}, onStructure());

adminWrite('/e/:fy/pillars/:pillar/subareas/:sub/delete', async (c, fy) => {
  const r = await deleteSubArea(c.get('database').db, c.get('actor'), fy, c.req.param('pillar')!, c.req.param('sub')!);
  return back(c, structureUrl(fy), `分野を削除しました（施策 ${r.ungrouped} 件は分野なしになりました）`);
}, onStructure());

adminWrite('/e/:fy/renumber', async (c, fy) => {
  const n = await renumberEdition(c.get('database').db, c.get('actor'), fy);
  return back(c, structureUrl(fy), `番号を振り直しました（${n} 件の番号が変わりました）`);
}, onStructure());

// ---- one initiative: identity, order, removal ------------------------------------------------------------

/** The admin's part of an initiative's page; `state` brings back a form that had errors or a conflict. */
export function IdentityPanel({ fy, initiative, version, data, csrf, state }: { fy: number; initiative: Initiative; version: number; data: EditionData; csrf: string; state?: FormState }) {
  const action = `/admin/e/${fy}/i/${encodeURIComponent(initiative.key)}`;
  const form = 'identity';
  const siblings = data.initiatives.filter((i) => i.pillarKey === initiative.pillarKey && i.subAreaKey === initiative.subAreaKey);
  const at = siblings.findIndex((i) => i.key === initiative.key);
  return (
    <section class="panel" aria-labelledby="identity-h">
      <h2 id="identity-h">基本情報（管理者）</h2>
      <form method="post" action={`${action}/identity`}>
        <Csrf token={csrf} />
        <input type="hidden" name="version" value={String(state?.form === form ? (state.typed.version ?? version) : version)} />
        <p>
          <Field form={form} name="number" label="番号（番号がなければ「新」）" value={initiativeLabel(initiative)} state={state} size={6} />
        </p>
        <p>
          <Field form={form} name="title" label="施策名" value={initiative.title} state={state} size={50} required />
        </p>
        <p>
          <Select form={form} name="pillar" label="施策体系" value={initiative.pillarKey} options={data.pillars.map((p) => [p.key, p.name])} state={state} />
        </p>
        <p>
          <Select form={form} name="subArea" label="分野" value={initiative.subAreaKey ?? ''} options={subAreaOptions(data)} state={state} />
        </p>
        <p>
          <Field form={form} name="departments" label="担当課所（複数は「、」で区切る）" value={initiative.departments.join('、')} state={state} size={50} required list="department-list" />
          <DepartmentList data={data} />
        </p>
        <button type="submit">基本情報を保存</button>
      </form>
      <div class="actions">
        並び順: <MoveButtons action={`${action}/move`} csrf={csrf} what={initiative.title} first={at <= 0} last={at === siblings.length - 1} /> <a href={`/admin/e/${fy}/structure`}>並び順の一覧</a>
      </div>
      <form method="post" action={`${action}/delete`}>
        <Csrf token={csrf} />
        <p>
          <Field form="remove" name="reason" label="この版から削除する理由（記録されます。前年度までの版には残ります）" value="" state={state} size={50} required />{' '}
          <button type="submit" class="secondary">
            この版から削除
          </button>
        </p>
      </form>
    </section>
  );
}

adminWrite('/e/:fy/initiatives', async (c, fy, b) => {
  const r = parseWith(newInitiativeSchema, b);
  if (!r.ok) throw new WorkspaceError(Object.values(r.errors).join('\n'));
  const v = r.value;
  const key = await addInitiative(c.get('database').db, c.get('actor'), fy, { title: v.title, pillarKey: v.pillar, subAreaKey: v.subArea || null, departments: v.departments, content: v.content, plan: v.plan });
  return back(c, `/admin/e/${fy}/i/${key}`, '新しい施策を追加しました');
});

/** The add-initiative form of the edition page. */
export function NewInitiativeForm({ fy, data, csrf }: { fy: number; data: EditionData; csrf: string }) {
  return (
    <form method="post" action={`/admin/e/${fy}/initiatives`} class="panel">
      <h3>新しい施策（新）を追加</h3>
      <Csrf token={csrf} />
      <p>
        <label for="title">施策名</label>
        <br />
        <input id="title" name="title" required size={40} />
      </p>
      <p>
        <label for="pillar">施策体系</label>
        <br />
        <select id="pillar" name="pillar">
          {data.pillars.map((p) => (
            <option value={p.key}>{p.name}</option>
          ))}
        </select>
      </p>
      <p>
        <label for="subArea">分野（任意）</label>
        <br />
        <select id="subArea" name="subArea">
          {subAreaOptions(data).map(([v, text]) => (
            <option value={v}>{text}</option>
          ))}
        </select>
      </p>
      <p>
        <label for="departments">担当課所（複数は「、」で区切る。登録済みの課所から）</label>
        <br />
        <input id="departments" name="departments" required list="department-list" />
        <DepartmentList data={data} />
      </p>
      <p>
        <label for="new-content">施策内容</label>
        <br />
        <textarea id="new-content" name="content" rows={3}></textarea>
      </p>
      <p>
        <label for="new-plan">今年度の取組</label>
        <br />
        <textarea id="new-plan" name="plan" rows={3}></textarea>
      </p>
      <button type="submit">追加する</button>
    </form>
  );
}

// ---- KPIs --------------------------------------------------------------------------------------------------

function kpiYears(data: EditionData, actuals: Record<string, string>): number[] {
  const years = new Set<number>();
  for (let y = data.plan.startFiscalYear; y <= data.plan.endFiscalYear; y++) years.add(y);
  for (const y of Object.keys(actuals)) years.add(Number(y));
  return [...years].sort((a, b) => a - b);
}

function KpiFields({ form, data, state, k }: { form: string; data: EditionData; state?: FormState; k?: EditionData['kpis'][number] }) {
  const years: [string, string][] = [];
  for (let y = data.plan.startFiscalYear; y <= data.plan.endFiscalYear; y++) years.push([String(y), fiscalYearLabel(y)]);
  return (
    <>
      <p>
        <Field form={form} name="name" label="指標名" value={k?.name ?? ''} state={state} size={40} required />
      </p>
      <p>
        <Select form={form} name="pillar" label="施策体系" value={k?.pillarKey ?? data.pillars[0]?.key ?? ''} options={data.pillars.map((p) => [p.key, p.name])} state={state} />{' '}
        <Select
          form={form}
          name="initiative"
          label="関連する施策（任意）"
          value={k?.initiativeKey ?? ''}
          options={[
            ['', 'なし'],
            ...data.initiatives.map((i): [string, string] => [i.key, `${initiativeLabel(i)} ${i.title}`]),
            // A link to an initiative this edition does not hold (dropped in a rollover) is kept, not lost on save.
            ...(k?.initiativeKey && !data.initiatives.some((i) => i.key === k.initiativeKey) ? [[k.initiativeKey, `この版にない施策（キー ${k.initiativeKey}）`] as [string, string]] : []),
          ]}
          state={state}
        />
      </p>
      <p>
        <Field form={form} name="target" label="目標値" value={k?.target ?? ''} state={state} size={12} inputmode="decimal" required />{' '}
        <Field form={form} name="unit" label="単位（任意）" value={k?.unit ?? ''} state={state} size={6} />{' '}
        <Select form={form} name="targetFiscalYear" label="目標年度" value={String(k?.targetFiscalYear ?? data.plan.endFiscalYear)} options={years} state={state} />
      </p>
      <p>
        <Select
          form={form}
          name="direction"
          label="よい方向"
          value={k?.direction ?? 'higher'}
          options={[
            ['higher', '高いほどよい'],
            ['lower', '低いほどよい'],
          ]}
          state={state}
        />{' '}
        <Field form={form} name="baseline" label="基準値（任意。進捗率 =（実績−基準）÷（目標−基準））" value={k?.baseline ?? ''} state={state} size={12} inputmode="decimal" />
      </p>
    </>
  );
}

async function kpiPage(c: Context<AdminEnv>, fy: number, state?: FormState, status = 200, error?: string): Promise<Response> {
  mustManage(c);
  const data = await editionFor(c, fy);
  const csrf = c.get('csrf');
  const base = `/admin/e/${fy}/kpis`;
  const pillarName = new Map(data.pillars.map((p) => [p.key, p.name]));
  const versions = await kpiVersions(c.get('database').db, c.get('actor'), fy);
  return page(
    c,
    'KPI',
    <>
      <p>
        <a href={`/admin/e/${fy}`}>
          {data.edition.title}（{fiscalYearLabel(fy)}）
        </a>
      </p>
      <h1>KPI（{data.plan.title}）</h1>
      <p>
        KPI は計画（{fiscalYearLabel(data.plan.startFiscalYear)}〜{fiscalYearLabel(data.plan.endFiscalYear)}）全体の指標です。定義や実績値の変更は、公開済みの版の KPI 表にも反映されます。進捗率は計画の計算規則（版の画面で設定）で計算します。
      </p>
      {data.kpis.map((k, n) => (
        <section class="panel" aria-labelledby={`kpi-h-${k.key}`}>
          <h2 id={`kpi-h-${k.key}`}>
            {n + 1}. {k.name}
            <span class="muted">（{pillarName.get(k.pillarKey) ?? '施策体系なし'}）</span>
          </h2>
          <details open={state?.form === `kpi-${k.key}` ? true : undefined}>
            <summary>定義を変更</summary>
            <form method="post" action={`${base}/${encodeURIComponent(k.key)}/definition`}>
              <Csrf token={csrf} />
              <input type="hidden" name="version" value={String(versions.get(k.key) ?? '')} />
              <KpiFields form={`kpi-${k.key}`} data={data} state={state} k={k} />
              <button type="submit" class="small">
                定義を保存
              </button>
            </form>
          </details>
          <h3>実績値</h3>
          <ul class="plain">
            {kpiYears(data, k.actuals).map((y) => (
              <li>
                <form method="post" action={`${base}/${encodeURIComponent(k.key)}`} class="inline">
                  <Csrf token={csrf} />
                  <input type="hidden" name="year" value={String(y)} />
                  <Field form={`actual-${k.key}-${y}`} name="value" label={`${fiscalYearLabel(y)}${k.unit ? `（${k.unit}）` : ''}`} value={k.actuals[String(y)] ?? ''} state={state} size={12} inputmode="decimal" inline />{' '}
                  <button type="submit" class="small secondary" aria-label={`${fiscalYearLabel(y)}の実績値を保存`}>
                    保存
                  </button>
                </form>
              </li>
            ))}
          </ul>
          <div class="actions">
            <MoveButtons action={`${base}/${encodeURIComponent(k.key)}/move`} csrf={csrf} what={k.name} first={n === 0} last={n === data.kpis.length - 1} />{' '}
            <form method="post" action={`${base}/${encodeURIComponent(k.key)}/delete`} class="inline">
              <Csrf token={csrf} />
              <button type="submit" class="small secondary" aria-label={`KPI「${k.name}」を削除（実績値も消えます）`}>
                削除（実績値も消えます）
              </button>
            </form>
          </div>
        </section>
      ))}
      <form method="post" action={base} class="panel">
        <h2>KPI を追加</h2>
        <Csrf token={csrf} />
        <input type="hidden" name="version" value="" />
        <KpiFields form="kpi-new" data={data} state={state} />
        <button type="submit">追加</button>
      </form>
    </>,
    { error: error ?? (state ? ERROR_LEAD : undefined), status },
  );
}

structureRoutes.get('/e/:fy/kpis', async (c) => {
  try {
    return await kpiPage(c, fyParam(c));
  } catch (e) {
    return refusal(c, e);
  }
});

const kpiUrl = (fy: number) => `/admin/e/${fy}/kpis`;

function kpiFields(v: z.output<typeof kpiSchema>) {
  return { name: v.name, pillarKey: v.pillar, unit: v.unit, target: v.target, targetFiscalYear: v.targetFiscalYear, direction: v.direction, baseline: v.baseline, initiativeKey: v.initiative };
}

adminWrite('/e/:fy/kpis', async (c, fy, b) => {
  const v = parseForm(kpiSchema, b);
  await saveKpi(c.get('database').db, c.get('actor'), fy, null, null, kpiFields(v));
  return back(c, kpiUrl(fy), `KPI「${v.name}」を追加しました`);
}, onKpis(() => 'kpi-new'));

adminWrite('/e/:fy/kpis/:kpi/definition', async (c, fy, b) => {
  const key = c.req.param('kpi')!;
  const v = parseForm(kpiSchema, b);
  await saveKpi(c.get('database').db, c.get('actor'), fy, key, v.version, kpiFields(v));
  return back(c, kpiUrl(fy), `KPI「${v.name}」を保存しました`);
}, onKpis((c) => `kpi-${c.req.param('kpi')}`));

adminWrite('/e/:fy/kpis/:kpi/move', async (c, fy, b) => {
  await moveKpi(c.get('database').db, c.get('actor'), fy, c.req.param('kpi')!, direction(b));
  return back(c, kpiUrl(fy), 'KPI を移動しました');
}, onKpis());

adminWrite('/e/:fy/kpis/:kpi/delete', async (c, fy) => {
  await deleteKpi(c.get('database').db, c.get('actor'), fy, c.req.param('kpi')!);
  return back(c, kpiUrl(fy), 'KPI を削除しました（変更履歴に残っています）');
}, onKpis());

adminWrite('/e/:fy/kpis/:kpi', async (c, fy, b) => {
  const key = c.req.param('kpi')!;
  const year = Number(one(b, 'year'));
  if (!Number.isInteger(year) || year < 2000 || year > 2100) throw new WorkspaceError('年度が正しくありません');
  const text = one(b, 'value').trim();
  const value = text === '' ? null : normalizeNumber(text);
  if (text !== '' && value === null) return kpiPage(c, fy, { form: `actual-${key}-${year}`, errors: { value: `数値ではありません「${text.slice(0, 40)}」（単位は入れません）` }, typed: typedOf(b) }, 400);
  await updateKpiActual(c.get('database').db, c.get('actor'), fy, key, year, value);
  return back(c, kpiUrl(fy), 'KPI の実績値を保存しました');
});

// ---- departments ---------------------------------------------------------------------------------------------

async function departmentsPage(c: Context<AdminEnv>, state?: FormState, status = 200, error?: string) {
  mustManage(c);
  const rows = await listDepartmentUse(c.get('database').db, c.get('actor'));
  const csrf = c.get('csrf');
  const names: [string, string][] = rows.map((d) => [d.name, d.name]);
  return page(
    c,
    '担当課所',
    <>
      <h1>担当課所</h1>
      <p>施策の担当課所は、この一覧から選びます。取り込むファイルに別表記があれば、登録した別表記で正しい課所に読み替えます。</p>
      <ul>
        <li>表記の誤りは「改称」で直します。過去の版も新しい表記になり、古い表記は別表記として残ります。</li>
        <li>同じ課所が二つの名前で登録されていれば「統合」します。</li>
        <li>組織改編で課所が変わるときは、新しい課所を追加して、今年度の版の施策の担当課所を付け替えます（過去の版はそのまま）。</li>
      </ul>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">課所名</th>
              <th scope="col">別表記</th>
              <th scope="col">施策</th>
              <th scope="col">編集者</th>
              <th scope="col">改称・別表記の追加・削除</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((d, n) => (
              <DepartmentRow d={d} n={n} csrf={csrf} state={state} />
            ))}
          </tbody>
        </table>
      </div>
      <form method="post" action="/admin/departments" class="panel">
        <h2>課所を追加</h2>
        <Csrf token={csrf} />
        <Field form="dept-new" name="name" label="課所名" value="" state={state} size={20} required />{' '}
        <button type="submit">追加</button>
      </form>
      <form method="post" action="/admin/departments/merge" class="panel">
        <h2>課所を統合</h2>
        <Csrf token={csrf} />
        <p>旧表記の課所の施策・別表記・編集者をすべて正式名の課所に移し、旧表記は別表記として残します。</p>
        <Select form="merge" name="from" label="旧表記" value="" options={[['', '選んでください'], ...names]} state={state} />{' '}
        <Select form="merge" name="into" label="正式名" value="" options={[['', '選んでください'], ...names]} state={state} />{' '}
        <button type="submit">統合する</button>
      </form>
    </>,
    { error: error ?? (state ? ERROR_LEAD : undefined), status },
  );
}

function DepartmentRow({ d, n, csrf, state }: { d: DepartmentUse; n: number; csrf: string; state?: FormState }) {
  return (
    <tr>
      <th scope="row">{d.name}</th>
      <td>
        {d.aliases.map((a) => (
          <form method="post" action="/admin/departments/alias/delete" class="inline">
            <Csrf token={csrf} />
            <input type="hidden" name="alias" value={a} />
            {a}{' '}
            <button type="submit" class="link" aria-label={`別表記「${a}」を削除`}>
              削除
            </button>
            {' '}
          </form>
        ))}
      </td>
      <td class="num">{d.initiatives}</td>
      <td class="num">{d.editors}</td>
      <td>
        <form method="post" action="/admin/departments/rename" class="inline">
          <Csrf token={csrf} />
          <input type="hidden" name="from" value={d.name} />
          <Field form={`rename-${n}`} name="to" label="新しい表記" value="" state={state} size={12} inline />{' '}
          <button type="submit" class="small secondary" aria-label={`「${d.name}」を改称`}>
            改称
          </button>
        </form>{' '}
        <form method="post" action="/admin/departments/alias" class="inline">
          <Csrf token={csrf} />
          <input type="hidden" name="name" value={d.name} />
          <Field form={`alias-${n}`} name="alias" label="別表記" value="" state={state} size={12} inline />{' '}
          <button type="submit" class="small secondary" aria-label={`「${d.name}」の別表記を追加`}>
            追加
          </button>
        </form>{' '}
        {d.initiatives === 0 && d.editors === 0 ? (
          <form method="post" action="/admin/departments/delete" class="inline">
            <Csrf token={csrf} />
            <input type="hidden" name="name" value={d.name} />
            <button type="submit" class="small secondary" aria-label={`「${d.name}」を削除`}>
              削除
            </button>
          </form>
        ) : null}
      </td>
    </tr>
  );
}

structureRoutes.get('/departments', async (c) => {
  try {
    return await departmentsPage(c);
  } catch (e) {
    return refusal(c, e);
  }
});

/**
 * A department write, parsed with its schema; a form with errors or a refusal comes back with the message
 * and what was typed. `form` names the form on the page (a row's forms carry its index).
 */
function departmentWrite<S extends z.ZodType>(path: string, form: (b: Body, rows: DepartmentUse[]) => string, schema: S, run: (c: Context<AdminEnv>, v: z.output<S>) => Promise<string>) {
  manageWrite(
    structureRoutes,
    path,
    async (c, b) => back(c, '/admin/departments', await run(c, parseForm(schema, b))),
    async (c, b, refused) => departmentsPage(c, shownAgain(form(b, await listDepartmentUse(c.get('database').db, c.get('actor'))), typedOf(b), refused), refused.status, refused.message),
  );
}

const rowOf = (prefix: string, name: string, rows: DepartmentUse[]) => `${prefix}-${rows.findIndex((d) => d.name === name)}`;
const db = (c: Context<AdminEnv>) => c.get('database').db;

departmentWrite('/departments', () => 'dept-new', departmentNameSchema, async (c, v) => {
  await addDepartment(db(c), c.get('actor'), v.name);
  return `「${v.name}」を追加しました`;
});

departmentWrite('/departments/rename', (b, rows) => rowOf('rename', one(b, 'from'), rows), renameDepartmentSchema, async (c, v) => {
  await renameDepartment(db(c), c.get('actor'), v.from, v.to);
  return `「${v.from}」を「${v.to}」に改称しました（古い表記は別表記として残りました）`;
});

departmentWrite('/departments/alias', (b, rows) => rowOf('alias', one(b, 'name'), rows), aliasSchema, async (c, v) => {
  await addDepartmentAlias(db(c), c.get('actor'), v.name, v.alias);
  return `「${v.alias}」を「${v.name}」の別表記にしました`;
});

departmentWrite('/departments/alias/delete', () => 'alias-delete', removeAliasSchema, async (c, v) => {
  await removeDepartmentAlias(db(c), c.get('actor'), v.alias);
  return `別表記「${v.alias}」を削除しました`;
});

departmentWrite('/departments/delete', () => 'dept-delete', departmentNameSchema, async (c, v) => {
  await deleteDepartment(db(c), c.get('actor'), v.name);
  return `「${v.name}」を削除しました`;
});

departmentWrite('/departments/merge', () => 'merge', mergeSchema, async (c, v) => {
  const r = await mergeDepartments(db(c), await orgCode(c), v.from, v.into, { actor: c.get('actor').login, userId: c.get('actor').id });
  return `「${v.from}」を「${v.into}」に統合しました（施策 ${r.moved} 件を付け替え）`;
});
