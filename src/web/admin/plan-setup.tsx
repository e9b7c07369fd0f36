// The admin's pages of the organization's plans: a new plan (title, period, the names of its levels and
// of an initiative, the progress rule, whether a department is required, and the first edition as an
// empty draft), the plan's settings, and a year's empty draft edition. Each form posts to one command of
// db/plans.ts and uses the rules of plan.yaml (src/domain/plan-definition.ts); a form with errors or a
// refusal comes back with what was typed and each message next to its field.
import { Hono, type Context } from 'hono';
import {
  actorOrganization,
  createEdition,
  createPlan,
  DefinitionLossRefusal,
  DefinitionRefusal,
  listPlans,
  loadPlan,
  updatePlan,
  type PlanSummary,
} from '../../db/plans.ts';
import type { DefinitionLoss } from '../../domain/definition-change.ts';
import { WorkspaceError } from '../../db/workspace.ts';
import { DEFAULT_PLAN_SETTINGS, type Organization, type PlanInfo, type PlanSettings } from '../../domain/model.ts';
import { periodText, planTerms } from '../../domain/plan-rules.ts';
import { fiscalYearLabel, japanDate } from '../../domain/wareki.ts';
import { Csrf, ERROR_LEAD, Field, type FormState } from './views.tsx';
import { back, FormErrors, manageWrite, mustManage, page, refusal, shownAgain } from './respond.tsx';
import { one, typedOf, type Body } from './forms.ts';
import { fieldOf, parsePlanForm, parseShapeText, shapeYaml } from './plan-form.ts';
import type { AdminEnv } from './auth.ts';

export const planRoutes = new Hono<AdminEnv>();

const db = (c: Context<AdminEnv>) => c.get('database').db;

/** The fiscal year today is in (April to March). */
function currentFiscalYear(): number {
  const [y, m] = japanDate().split('-').map(Number);
  return m! >= 4 ? y! : y! - 1;
}

/** What the plan form shows: the stored plan, or for a new one the defaults. */
interface PlanValues {
  title: string;
  from: string;
  to: string;
  level1: string;
  level2: string;
  level3: string;
  level4: string;
  initiative: string;
  departmentRequired: 'yes' | 'no';
  rounding: string;
  decimals: string;
  cap: boolean;
  bands: string;
  firstEdition?: string;
}

function valuesOf(p: { title: string; period: { from: number; to: number }; settings: PlanSettings }): PlanValues {
  const s = p.settings;
  return {
    title: p.title,
    from: String(p.period.from),
    to: String(p.period.to),
    level1: s.levels[0] ?? '',
    level2: s.levels[1] ?? '',
    level3: s.levels[2] ?? '',
    level4: s.levels[3] ?? '',
    initiative: s.initiativeName,
    departmentRequired: s.departmentRequired ? 'yes' : 'no',
    rounding: s.progress.rounding,
    decimals: String(s.progress.decimals),
    cap: s.progress.cap,
    bands: s.progress.bands.map((b) => `${b.grade} ${b.min}`).join('\n'),
  };
}

/** The choices and text boxes of the plan form that Field does not draw: radios, a checkbox, the bands. */
function Choice({
  form,
  name,
  legend,
  options,
  value,
  state,
}: {
  form: string;
  name: string;
  legend: string;
  options: [string, string][];
  value: string;
  state?: FormState;
}) {
  const chosen = state?.form === form ? (state.typed[name] ?? value) : value;
  const error = state?.form === form ? state.errors[name] : undefined;
  return (
    <fieldset aria-describedby={error ? `${form}-${name}-error` : undefined}>
      <legend>{legend}</legend>
      {options.map(([v, text]) => (
        <>
          <label>
            <input type="radio" name={name} value={v} checked={v === chosen} /> {text}
          </label>{' '}
        </>
      ))}
      {error ? (
        <p class="field-error" id={`${form}-${name}-error`}>
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}

/** A refusal for what a definition change would lose, and the form it was posted from (shown again with the choice to remove it). */
interface Losses {
  form: string;
  losses: DefinitionLoss[];
}

/**
 * What the change would lose, place by place, and the explicit choice to remove it: without the tick the
 * change is refused and nothing is lost; with it the listed values are removed in the same save.
 */
function LossList({ losses }: { losses: DefinitionLoss[] }) {
  return (
    <div class="panel" role="alert">
      <p>
        <strong>この変更で、年度版に入っている次の値が失われます。変更していません。</strong>
      </p>
      <ul>
        {losses.map((l) => (
          <li>
            {l.message}
            {l.where.length ? (
              <>
                （{l.where.join('、')}
                {l.count > l.where.length ? ' ほか' : ''}）
              </>
            ) : null}
          </li>
        ))}
      </ul>
      <p>
        <label>
          <input type="checkbox" name="dropLosses" /> 失われる値を削除して変更する
        </label>
      </p>
      <p>印を付けて保存すると、上の値を削除してから変更します（削除は変更履歴に残ります）。印を付けなければ何も変わりません。</p>
    </div>
  );
}

function PlanFields({ form, values, state, isNew, losses }: { form: string; values: PlanValues; state?: FormState; isNew: boolean; losses?: Losses }) {
  const typed = (name: keyof PlanValues) => (state?.form === form ? (state.typed[name] ?? '') : String(values[name] ?? ''));
  const error = (name: string) => (state?.form === form ? state.errors[name] : undefined);
  const general = error('_');
  return (
    <>
      {losses?.form === form ? (
        <LossList losses={losses.losses} />
      ) : general ? (
        <p class="field-error" role="alert">
          {general}
        </p>
      ) : null}
      <p>
        <Field form={form} name="title" label="計画の題名（例: 浜松市DX推進計画）" value={values.title} state={state} size={50} required />
      </p>
      <fieldset>
        <legend>計画期間（年度。あとから変更できます）</legend>
        <Field form={form} name="from" label="最初の年度（西暦）" value={values.from} state={state} size={6} inputmode="numeric" required inline />
        {' 〜 '}
        <Field form={form} name="to" label="最後の年度（西暦）" value={values.to} state={state} size={6} inputmode="numeric" required inline />
      </fieldset>
      <fieldset>
        <legend>構成の名前</legend>
        <p>施策をまとめる階層の名前です。階層は1つから4つまで（外側から順に）。2つ目からは任意で、空欄の階層はありません。</p>
        <p>
          <Field form={form} name="level1" label="第1階層（例: 施策体系、取組の柱）" value={values.level1} state={state} size={20} required />{' '}
          <Field form={form} name="level2" label="第2階層（任意。例: 分野）" value={values.level2} state={state} size={20} />{' '}
          <Field form={form} name="level3" label="第3階層（任意）" value={values.level3} state={state} size={20} />{' '}
          <Field form={form} name="level4" label="第4階層（任意）" value={values.level4} state={state} size={20} />
        </p>
        <p>
          <Field form={form} name="initiative" label="施策1件の呼び名（例: 施策、取組項目）" value={values.initiative} state={state} size={20} required />
        </p>
      </fieldset>
      <Choice
        form={form}
        name="departmentRequired"
        legend="担当課所"
        options={[
          ['yes', 'すべての施策に担当課所が必要'],
          ['no', '担当課所のない施策も登録できる'],
        ]}
        value={values.departmentRequired}
        state={state}
      />
      <fieldset>
        <legend>進捗率の計算規則</legend>
        <Choice
          form={form}
          name="rounding"
          legend="端数の扱い"
          options={[
            ['truncate', '切り捨て'],
            ['half-up', '四捨五入'],
          ]}
          value={values.rounding}
          state={state}
        />
        <p>
          <Field form={form} name="decimals" label="小数点以下の桁数（0〜4）" value={values.decimals} state={state} size={3} inputmode="numeric" inline />
        </p>
        <p>
          <label>
            <input type="checkbox" name="cap" checked={state?.form === form ? state.typed.cap === 'on' : values.cap} /> 100%を上限として表示する
          </label>
        </p>
        <p>
          <label for={`${form}-bands`}>評価の段階（1行に「評価 下限の進捗率」、高い順）</label>
          <br />
          <textarea
            id={`${form}-bands`}
            name="bands"
            rows={4}
            aria-invalid={error('bands') ? 'true' : undefined}
            aria-describedby={error('bands') ? `${form}-bands-error` : undefined}
          >
            {typed('bands')}
          </textarea>
          {error('bands') ? (
            <span class="field-error" id={`${form}-bands-error`}>
              {error('bands')}
            </span>
          ) : null}
        </p>
      </fieldset>
      {isNew ? (
        <p>
          <Field
            form={form}
            name="firstEdition"
            label="最初に作る年度版（空の下書き。西暦の年度、作らないなら空欄）"
            value={values.firstEdition ?? ''}
            state={state}
            size={6}
            inputmode="numeric"
          />
        </p>
      ) : null}
    </>
  );
}

// ---- a new plan --------------------------------------------------------------------------------------------

async function newPlanPage(c: Context<AdminEnv>, state?: FormState, status = 200, error?: string) {
  mustManage(c);
  const plans = await listPlans(db(c), c.get('actor'));
  const fy = currentFiscalYear();
  const values: PlanValues = {
    ...valuesOf({ title: '', period: { from: fy, to: fy + 4 }, settings: DEFAULT_PLAN_SETTINGS }),
    firstEdition: String(fy),
  };
  const form = 'plan-new';
  return page(
    c,
    '計画を作成',
    <>
      <p>
        <a href="/admin">ダッシュボード</a>
      </p>
      <h1>計画を作成</h1>
      <p>
        複数年度の計画を作り、その最初の年度版（空の下書き）を作ります。そのあと、階層（施策体系など）、施策、担当課所を追加していきます。 ファイルから作るには{' '}
        <code>shisaku plan create --org コード --file plan.yaml</code> を使います。
      </p>
      {plans.length ? (
        <p>この自治体の計画: {plans.map((p) => `${p.title}（${periodText(p.period)}）`).join('、')}。計画期間は既存の計画と重ねられません。</p>
      ) : null}
      <form method="post" action="/admin/plan/new" class="panel">
        <Csrf token={c.get('csrf')} />
        <PlanFields form={form} values={values} state={state} isNew />
        <p>
          <button type="submit">計画を作成する</button>
        </p>
      </form>
    </>,
    { error: error ?? (state ? ERROR_LEAD : undefined), status },
  );
}

planRoutes.get('/plan/new', async (c) => {
  try {
    return await newPlanPage(c);
  } catch (e) {
    return refusal(c, e);
  }
});

/** The form shown again after a refusal: a definition's refusal is put next to the field it is about. */
function againWith(form: string, b: Body, refused: WorkspaceError): FormState {
  if (refused instanceof DefinitionRefusal) return { form, errors: { [fieldOf(refused.path)]: refused.message }, typed: typedOf(b) };
  return shownAgain(form, typedOf(b), refused);
}

/** The page's lead: a form's field errors have their own lead; a command's refusal is said as it is. */
const leadOf = (refused: WorkspaceError) =>
  refused instanceof FormErrors
    ? undefined
    : refused instanceof DefinitionLossRefusal
      ? 'この変更で年度版の値が失われるため、変更していません。失われるものの一覧を確認してください。'
      : refused.message;

manageWrite(
  planRoutes,
  '/plan/new',
  async (c, b) => {
    const parsed = parsePlanForm(b, await actorOrganization(db(c), c.get('actor')));
    if (!parsed.ok) throw new FormErrors(parsed.errors);
    const { planId, firstEdition } = await createPlan(db(c), c.get('actor'), parsed.value);
    return firstEdition !== null
      ? back(
          c,
          `/admin/e/${firstEdition}/structure`,
          `計画「${parsed.value.title}」と${fiscalYearLabel(firstEdition)}版（下書き）を作成しました。まず${planTerms({ levels: parsed.value.levels }).pillar}を追加します`,
        )
      : back(c, `/admin/plan?id=${planId}`, `計画「${parsed.value.title}」を作成しました。次に年度版を作成します`);
  },
  (c, b, refused) => newPlanPage(c, againWith('plan-new', b, refused), refused.status, leadOf(refused)),
);

// ---- the plan's settings -----------------------------------------------------------------------------------

/** An edition's state as the lists of editions say it: a reopened draft is still public, as it was last published. */
export const editionStateText = (e: PlanSummary['editions'][number]) =>
  e.state === 'published' ? '公開中' : e.published ? '作成中（再開中。公開サイトには公開済みの版）' : '作成中（非公開）';

/** The years a plan still lacks an edition of, as a form that creates one year's empty draft. */
export function NewEditionForm({ plan, csrf, heading }: { plan: PlanSummary; csrf: string; heading?: string }) {
  if (!plan.missingYears.length) return null;
  const terms = planTerms(plan.settings);
  const next = plan.missingYears.find((y) => y >= currentFiscalYear()) ?? plan.missingYears[0]!;
  const id = `edition-year-${plan.id}`;
  return (
    <form method="post" action="/admin/plan/editions" class="panel">
      {heading ? <h3>{heading}</h3> : null}
      <Csrf token={csrf} />
      <p>
        {plan.editions.length
          ? `空の下書きを作ります（前の年度の${terms.initiative}を引き継ぐには、ダッシュボードの「更新ラウンドを開く」を使います）。`
          : `計画「${plan.title}」の年度版はまだありません。年度を選んで空の下書きを作り、${terms.pillar}と${terms.initiative}を追加します。`}
      </p>
      <label for={id}>年度</label>{' '}
      <select id={id} name="fiscalYear">
        {plan.missingYears.map((y) => (
          <option value={String(y)} selected={y === next}>
            {fiscalYearLabel(y)}
          </option>
        ))}
      </select>{' '}
      <button type="submit">年度版（空の下書き）を作成</button>
    </form>
  );
}

async function planPage(c: Context<AdminEnv>, planId: number | null, state?: FormState, status = 200, error?: string, losses?: Losses) {
  mustManage(c);
  const plans = await listPlans(db(c), c.get('actor'));
  if (!plans.length) return c.redirect('/admin/plan/new', 303);
  const plan = planId === null ? plans[0]! : await loadPlan(db(c), c.get('actor'), planId);
  const terms = planTerms(plan.settings);
  const form = `plan-${plan.id}`;
  const csrf = c.get('csrf');
  return page(
    c,
    `計画の設定（${plan.title}）`,
    <>
      <p>
        <a href="/admin">ダッシュボード</a>
      </p>
      <h1>計画の設定</h1>
      {plans.length > 1 ? (
        <nav aria-label="この自治体の計画">
          <ul>
            {plans.map((p) => (
              <li>
                {p.id === plan.id ? (
                  <strong>
                    {p.title}（{periodText(p.period)}）
                  </strong>
                ) : (
                  <a href={`/admin/plan?id=${p.id}`}>
                    {p.title}（{periodText(p.period)}）
                  </a>
                )}
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
      <section aria-labelledby="editions-h">
        <h2 id="editions-h">年度版</h2>
        {plan.editions.length ? (
          <ul>
            {plan.editions.map((e) => (
              <li>
                <a href={`/admin/e/${e.fiscalYear}`}>{fiscalYearLabel(e.fiscalYear)}</a> {e.title}（{editionStateText(e)}）{' '}
                <a href={`/admin/e/${e.fiscalYear}/structure`}>{terms.pillar}と並び順</a>
              </li>
            ))}
          </ul>
        ) : (
          <p>まだ年度版はありません。</p>
        )}
        <NewEditionForm plan={plan} csrf={csrf} />
      </section>
      <form method="post" action="/admin/plan" class="panel">
        <h2>題名・期間・構成の名前・規則</h2>
        <Csrf token={csrf} />
        <input type="hidden" name="plan" value={String(plan.id)} />
        <p>
          計画期間を変えるときは、すべての年度版と KPI
          の目標年度が新しい期間の中にある必要があります。名前と規則は、公開済みの版も含めてすべての年度版に反映されます。
        </p>
        <PlanFields form={form} values={valuesOf(plan)} state={state} isNew={false} losses={losses} />
        <p>
          <button type="submit">保存</button>
        </p>
      </form>
      <ShapeForm plan={plan} org={await actorOrganization(db(c), c.get('actor'))} csrf={csrf} state={state} losses={losses} />
      <p>
        <a href="/admin/plan/new">新しい計画を作成（次の計画期間など）</a>
      </p>
    </>,
    { error: error ?? (state ? ERROR_LEAD : undefined), status },
  );
}

/** The plan as the definition's writers and readers take it. */
const infoOf = (p: PlanSummary): PlanInfo => ({ title: p.title, startFiscalYear: p.period.from, endFiscalYear: p.period.to, settings: p.settings });

const shapeForm = (planId: number | null) => `shape-${planId}`;

/**
 * The plan's shape as YAML: its levels, the name of an initiative, its sections, indicator kinds, how
 * progress is measured, its grades and its schedule, as plan.yaml writes them. A part left out is taken
 * away; a change that would lose what an edition holds is refused with the list, unless confirmed.
 */
function ShapeForm({ plan, org, csrf, state, losses }: { plan: PlanSummary; org: Organization; csrf: string; state?: FormState; losses?: Losses }) {
  const form = shapeForm(plan.id);
  const again = state?.form === form;
  const error = again ? state.errors.shape : undefined;
  return (
    <form method="post" action="/admin/plan/shape" class="panel">
      <h2 id="shape-h">計画の形（YAML）</h2>
      <Csrf token={csrf} />
      <input type="hidden" name="plan" value={String(plan.id)} />
      <p id={`${form}-hint`}>
        階層（levels、4つまで）、施策1件の呼び名（initiative）、記入項目（fields）、指標の種類（indicators）、進捗の測り方（progress の method と
        curve）、評価（grades）、スケジュール（schedule）を plan.yaml
        と同じ書き方で書きます（docs/plan-definition.schema.json）。書かなかった項目はなくなります。
        年度版に入っている値が失われる変更は、失われるものを一覧して断ります。
      </p>
      {losses?.form === form ? <LossList losses={losses.losses} /> : null}
      <p>
        <label for={`${form}-shape`}>計画の形</label>
        <br />
        <textarea
          id={`${form}-shape`}
          name="shape"
          rows={18}
          cols={80}
          spellcheck={false}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={error ? `${form}-hint ${form}-shape-error` : `${form}-hint`}
        >
          {again ? (state.typed.shape ?? '') : shapeYaml(org, infoOf(plan))}
        </textarea>
        {error ? (
          <span class="field-error pre" id={`${form}-shape-error`}>
            {error}
          </span>
        ) : null}
      </p>
      <p>
        <button type="submit">計画の形を保存</button>
      </p>
    </form>
  );
}

function planIdOf(text: string | undefined): number | null {
  if (text === undefined || text === '') return null;
  if (!/^\d{1,9}$/.test(text)) throw new WorkspaceError('その計画はありません', 404);
  return Number(text);
}

planRoutes.get('/plan', async (c) => {
  try {
    return await planPage(c, planIdOf(c.req.query('id')));
  } catch (e) {
    return refusal(c, e);
  }
});

manageWrite(
  planRoutes,
  '/plan',
  async (c, b) => {
    const planId = planIdOf(one(b, 'plan')) ?? -1;
    const parsed = parsePlanForm(b, await actorOrganization(db(c), c.get('actor')));
    if (!parsed.ok) throw new FormErrors(parsed.errors);
    const d = parsed.value;
    // How progress is measured (method, curve) is edited with the plan's shape; this form keeps it.
    const stored = (await loadPlan(db(c), c.get('actor'), planId)).settings.progress;
    const progress = { ...(stored.method ? { method: stored.method } : {}), ...(stored.curve ? { curve: stored.curve } : {}), ...d.progress };
    const r = await updatePlan(
      db(c),
      c.get('actor'),
      { planId },
      {
        title: d.title,
        period: d.period,
        settings: { levels: d.levels, initiativeName: d.initiative, departmentRequired: d.departmentRequired, progress },
        dropLosses: one(b, 'dropLosses') === 'on',
      },
    );
    return back(
      c,
      `/admin/plan?id=${planId}`,
      !r.changed ? '変更はありませんでした' : r.removed ? `計画の設定を保存しました（失われる値を ${r.removed} 件削除しました）` : '計画の設定を保存しました',
    );
  },
  (c, b, refused) => {
    const planId = planIdOf(one(b, 'plan'));
    const form = `plan-${planId}`;
    return planPage(c, planId, againWith(form, b, refused), refused.status, leadOf(refused), lossesOf(form, refused));
  },
);

/** The losses of a refused definition change, for the form it came from. */
const lossesOf = (form: string, refused: WorkspaceError): Losses | undefined =>
  refused instanceof DefinitionLossRefusal ? { form, losses: refused.losses } : undefined;

manageWrite(
  planRoutes,
  '/plan/shape',
  async (c, b) => {
    const planId = planIdOf(one(b, 'plan')) ?? -1;
    const plan = await loadPlan(db(c), c.get('actor'), planId);
    const parsed = parseShapeText(one(b, 'shape'), await actorOrganization(db(c), c.get('actor')), infoOf(plan));
    if (!parsed.ok) throw new FormErrors({ shape: parsed.errors.join('\n') });
    const s = parsed.settings;
    // Every shape key given, the absent ones as undefined: a part the text leaves out is taken away.
    const r = await updatePlan(
      db(c),
      c.get('actor'),
      { planId },
      {
        settings: {
          levels: s.levels,
          initiativeName: s.initiativeName,
          progress: s.progress,
          fields: s.fields,
          indicatorKinds: s.indicatorKinds,
          grades: s.grades,
          schedule: s.schedule,
        },
        dropLosses: one(b, 'dropLosses') === 'on',
      },
    );
    return back(
      c,
      `/admin/plan?id=${planId}`,
      !r.changed ? '変更はありませんでした' : r.removed ? `計画の形を保存しました（失われる値を ${r.removed} 件削除しました）` : '計画の形を保存しました',
    );
  },
  (c, b, refused) => {
    const planId = planIdOf(one(b, 'plan'));
    const form = shapeForm(planId);
    const state: FormState =
      refused instanceof DefinitionLossRefusal
        ? { form, errors: {}, typed: typedOf(b) }
        : refused instanceof DefinitionRefusal || !(refused instanceof FormErrors)
          ? { form, errors: { shape: refused.message }, typed: typedOf(b) }
          : shownAgain(form, typedOf(b), refused);
    return planPage(c, planId, state, refused.status, leadOf(refused), lossesOf(form, refused));
  },
);

manageWrite(planRoutes, '/plan/editions', async (c, b) => {
  const typed = one(b, 'fiscalYear');
  if (!/^\d{4}$/.test(typed)) throw new WorkspaceError('年度を選んでください');
  const fy = Number(typed);
  await createEdition(db(c), c.get('actor'), fy);
  const plan = (await listPlans(db(c), c.get('actor'))).find((p) => p.period.from <= fy && fy <= p.period.to);
  const terms = planTerms(plan?.settings);
  return back(c, `/admin/e/${fy}/structure`, `${fiscalYearLabel(fy)}版（下書き）を作成しました。まず${terms.pillar}を追加します`);
});
