// The admin's forms of initiatives on other pages: the identity panel of an initiative's page (number,
// title, placement, departments, order, removal) and the add-initiative form of the edition page. Their
// posts are handled in initiative.tsx.
import type { EditionData, Initiative } from '../../domain/model.ts';
import { initiativeLabel } from '../../domain/model.ts';
import { planTerms } from '../../domain/plan-rules.ts';
import { Csrf, Field, Select, type FormState } from './views.tsx';
import { DepartmentList, MoveButtons, subAreaOptions } from './plan-parts.tsx';

/** The admin's part of an initiative's page; `state` brings back a form that had errors or a conflict. */
export function IdentityPanel({
  fy,
  initiative,
  version,
  data,
  csrf,
  state,
}: {
  fy: number;
  initiative: Initiative;
  version: number;
  data: EditionData;
  csrf: string;
  state?: FormState;
}) {
  const action = `/admin/e/${fy}/i/${encodeURIComponent(initiative.key)}`;
  const form = 'identity';
  const siblings = data.initiatives.filter((i) => i.pillarKey === initiative.pillarKey && i.subAreaKey === initiative.subAreaKey);
  const at = siblings.findIndex((i) => i.key === initiative.key);
  const terms = planTerms(data.plan.settings);
  const required = data.plan.settings.departmentRequired;
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
          <Field form={form} name="title" label={`${terms.initiative}名`} value={initiative.title} state={state} size={50} required />
        </p>
        <p>
          <Select
            form={form}
            name="pillar"
            label={terms.pillar}
            value={initiative.pillarKey}
            options={data.pillars.map((p) => [p.key, p.name])}
            state={state}
          />
        </p>
        <p>
          <Select
            form={form}
            name="subArea"
            label={terms.subArea ?? '下位の階層'}
            value={initiative.subAreaKey ?? ''}
            options={subAreaOptions(data)}
            state={state}
          />
        </p>
        <p>
          <Field
            form={form}
            name="departments"
            label={`担当課所（${required ? '' : '任意。'}複数は「、」で区切る）`}
            value={initiative.departments.join('、')}
            state={state}
            size={50}
            required={required}
            list="department-list"
          />
          <DepartmentList data={data} />
        </p>
        <button type="submit">基本情報を保存</button>
      </form>
      <div class="actions">
        並び順: <MoveButtons action={`${action}/move`} csrf={csrf} what={initiative.title} first={at <= 0} last={at === siblings.length - 1} />{' '}
        <a href={`/admin/e/${fy}/structure`}>並び順の一覧</a>
      </div>
      <form method="post" action={`${action}/delete`}>
        <Csrf token={csrf} />
        <p>
          <Field
            form="remove"
            name="reason"
            label="この版から削除する理由（記録されます。前年度までの版には残ります）"
            value=""
            state={state}
            size={50}
            required
          />{' '}
          <button type="submit" class="secondary">
            この版から削除
          </button>
        </p>
      </form>
    </section>
  );
}

/**
 * The add-initiative form of the edition page, in the plan's words. An edition with no group yet has
 * nowhere to put one: the form says to add a group first.
 */
/** The add form; after a refusal it comes back with what was typed (`typed`) and the message (`error`). */
export function NewInitiativeForm({
  fy,
  data,
  csrf,
  typed,
  error,
}: {
  fy: number;
  data: EditionData;
  csrf: string;
  typed?: Record<string, string>;
  error?: string;
}) {
  const v = (name: string) => typed?.[name] ?? '';
  const terms = planTerms(data.plan.settings);
  const required = data.plan.settings.departmentRequired;
  if (!data.pillars.length)
    return (
      <section class="panel" aria-labelledby="new-initiative-h">
        <h3 id="new-initiative-h">新しい{terms.initiative}（新）を追加</h3>
        <p>
          {terms.initiative}は{terms.pillar}に属します。この版にはまだ{terms.pillar}がないため、先に
          <a href={`/admin/e/${fy}/structure`}>{terms.pillar}を追加</a>してください。
        </p>
      </section>
    );
  const options = subAreaOptions(data);
  return (
    <form method="post" action={`/admin/e/${fy}/initiatives`} class="panel">
      <h3>新しい{terms.initiative}（新）を追加</h3>
      {error ? (
        <p class="field-error" role="alert">
          {error}
        </p>
      ) : null}
      <Csrf token={csrf} />
      <p>
        <label for="title">{terms.initiative}名</label>
        <br />
        <input id="title" name="title" required size={40} value={v('title')} />
      </p>
      <p>
        <label for="pillar">{terms.pillar}</label>
        <br />
        <select id="pillar" name="pillar">
          {data.pillars.map((p) => (
            <option value={p.key} selected={v('pillar') === p.key}>
              {p.name}
            </option>
          ))}
        </select>
      </p>
      {terms.subArea || options.length > 1 ? (
        <p>
          <label for="subArea">{terms.subArea ?? '下位の階層'}（任意）</label>
          <br />
          <select id="subArea" name="subArea">
            {options.map(([key, text]) => (
              <option value={key} selected={v('subArea') === key && key !== ''}>
                {text}
              </option>
            ))}
          </select>
        </p>
      ) : (
        <input type="hidden" name="subArea" value="" />
      )}
      <p>
        <label for="departments">担当課所（{required ? '' : '任意。'}複数は「、」で区切る。登録済みの課所から）</label>
        <br />
        <input id="departments" name="departments" required={required} list="department-list" value={v('departments')} />
        <DepartmentList data={data} />
      </p>
      <p>
        <label for="new-content">内容</label>
        <br />
        <textarea id="new-content" name="content" rows={3}>
          {v('content')}
        </textarea>
      </p>
      <p>
        <label for="new-plan">今年度の取組</label>
        <br />
        <textarea id="new-plan" name="plan" rows={3}>
          {v('plan')}
        </textarea>
      </p>
      <button type="submit">追加する</button>
    </form>
  );
}
