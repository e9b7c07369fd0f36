// Pages of the staff workspace. Server-rendered forms with no script; every form carries the CSRF token.
import type { Child } from 'hono/jsx';
import { raw } from 'hono/html';
import { assetUrl } from '../static.ts';
import { planFields, STATUS_ORDER, statusLabel, type Initiative, type PlanSettings } from '../../domain/model.ts';
import { ROLE_LABELS, type Actor } from '../../domain/roles.ts';
import { resultsHeading } from '../../domain/results-year.ts';
import { SUBMISSION_LABELS, type SubmissionState } from '../../db/workspace.ts';
import type { FieldErrors } from './forms.ts';

export function AdminLayout({
  title,
  actor,
  csrf,
  flash,
  error,
  children,
}: {
  title: string;
  actor?: Actor;
  csrf?: string;
  flash?: string;
  error?: string;
  children?: Child;
}) {
  return (
    <html lang="ja">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>{`${title} | shisaku 作業画面`}</title>
        <link rel="stylesheet" href={assetUrl('tokens.css')} />
        <link rel="stylesheet" href={assetUrl('site.css')} />
      </head>
      <body class="admin">
        <a class="skip" href="#main">
          本文へ移動
        </a>
        <header class="site-header">
          <div class="inner">
            <a class="site-name" href="/admin">
              shisaku 作業画面
            </a>
            {actor && csrf ? (
              <nav class="site-nav" aria-label="作業画面">
                <ul>
                  <li>
                    <a href="/admin">ダッシュボード</a>
                  </li>
                  <li>
                    <a href="/admin/password">パスワード変更</a>
                  </li>
                  <li>
                    <a href="/">公開サイト</a>
                  </li>
                  <li>
                    <form method="post" action="/admin/logout" class="inline">
                      <input type="hidden" name="_csrf" value={csrf} />
                      <button type="submit" class="link">
                        ログアウト（{actor.displayName}・{ROLE_LABELS[actor.role]}）
                      </button>
                    </form>
                  </li>
                </ul>
              </nav>
            ) : null}
          </div>
        </header>
        <main id="main" tabindex={-1}>
          {flash ? (
            <p class="flash" role="status">
              {flash}
            </p>
          ) : null}
          {error ? (
            <div class="form-error" role="alert">
              {error}
            </div>
          ) : null}
          {children}
        </main>
      </body>
    </html>
  );
}

export function Csrf({ token }: { token: string }) {
  return <input type="hidden" name="_csrf" value={token} />;
}

export function FieldError({ errors, name }: { errors?: FieldErrors; name: string }) {
  const e = errors?.[name];
  return e ? (
    <p class="field-error" id={`${name}-error`}>
      {e}
    </p>
  ) : null;
}

export function SubmissionBadge({ state }: { state: SubmissionState | undefined }) {
  const s = state ?? 'not_started';
  return <span class={`badge sub-${s}`}>{SUBMISSION_LABELS[s]}</span>;
}

/** An HTML fragment built by renderInitiativeChange, which escapes everything it prints. */
export function TrustedHtml({ html }: { html: string }) {
  return <>{raw(html)}</>;
}

const SPARE_ROWS = 3;

/** How the printed 実績 text is used and how it follows the values (db/workspace.ts saveInitiative), told on the form. */
const RESULTS_TEXT_HINT = [
  '報告書の「実績」にはこの文章がそのまま印刷され、公開サイトでは値の表の下に載ります（空のときは、報告書には上の表の値から「・項目 実績値 (目標値)」の行を作って印刷します）。',
  '上の表で値を変えると、この文章の中のその値の行が書き換わります（追加した値は行が末尾に加わり、削除した値は行が消えます）。ほかの行は書いたとおりです。',
  '文章と値を同じ保存で変えたときは値が優先です。書いた文章に値の元の行が残っていればその行を新しい値に書き換え、残っていなければ新しい値の行を末尾に加えます（同じ行を書いてあれば加えません）。',
].join('');

export interface BuiltinLabels {
  content: string | null;
  plan: string | null;
}

/** The labels a plan gives the sample's two sections (施策内容, 今年度の取組), null for one it does not hold. */
export function builtinLabels(settings: Pick<PlanSettings, 'fields' | 'initiativeName'>): BuiltinLabels {
  const of = (key: string) => planFields(settings).find((f) => f.key === key)?.label ?? null;
  return { content: of('content'), plan: of('plan') };
}

/** The edit form of one initiative; `values` are what the person typed when the page is shown again. */
export function InitiativeForm({
  action,
  csrf,
  version,
  initiative,
  errors,
  disabled,
  labels = { content: '施策内容', plan: '今年度の取組' },
}: {
  action: string;
  csrf: string;
  version: number;
  initiative: Initiative;
  errors?: FieldErrors;
  disabled?: boolean;
  /** The plan's labels of its two built-in sections; null for one the plan does not hold (kept as stored). */
  labels?: BuiltinLabels;
}) {
  const results = [
    ...initiative.results,
    ...Array.from({ length: SPARE_ROWS }, () => ({ label: '', actual: null, target: null, unit: null, note: null, raw: '' })),
  ];
  const targets = [...initiative.planTargets, ...Array.from({ length: SPARE_ROWS }, () => ({ label: '', value: null, unit: null, raw: '' }))];
  const described = (name: string) => (errors?.[name] ? { 'aria-invalid': 'true', 'aria-describedby': `${name}-error` } : {});
  return (
    <form method="post" action={action} class="edit-form">
      <Csrf token={csrf} />
      <input type="hidden" name="version" value={String(version)} />
      <fieldset disabled={disabled}>
        <legend class="visually-hidden">施策の内容</legend>
        <p>
          <label for="status">状況</label>
          <br />
          <select id="status" name="status" {...described('status')}>
            {STATUS_ORDER.map((s) => (
              <option value={s} selected={s === initiative.status}>
                {statusLabel(s)}
              </option>
            ))}
          </select>
          <FieldError errors={errors} name="status" />
        </p>
        {labels.content !== null ? (
          <p>
            <label for="content">{labels.content}</label>
            <br />
            <textarea id="content" name="content" rows={4} {...described('content')}>
              {initiative.content}
            </textarea>
            <FieldError errors={errors} name="content" />
          </p>
        ) : (
          <input type="hidden" name="content" value={initiative.content} />
        )}
        {labels.plan !== null ? (
          <p>
            <label for="plan">{labels.plan}</label>
            <br />
            <textarea id="plan" name="plan" rows={4} {...described('plan')}>
              {initiative.plan}
            </textarea>
            <FieldError errors={errors} name="plan" />
          </p>
        ) : (
          <input type="hidden" name="plan" value={initiative.plan} />
        )}
        <h3>今年度の目標値</h3>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">項目</th>
                <th scope="col">目標値</th>
                <th scope="col">単位</th>
              </tr>
            </thead>
            <tbody>
              {targets.map((p, k) => (
                <tr>
                  <td>
                    <input name="t_label" value={p.label} aria-label={`目標${k + 1} 項目`} {...described(`t_label_${k}`)} />
                    <FieldError errors={errors} name={`t_label_${k}`} />
                  </td>
                  <td>
                    <input name="t_value" value={p.value ?? ''} inputmode="decimal" aria-label={`目標${k + 1} 目標値`} {...described(`t_value_${k}`)} />
                    <FieldError errors={errors} name={`t_value_${k}`} />
                  </td>
                  <td>
                    <input name="t_unit" value={p.unit ?? ''} size={6} aria-label={`目標${k + 1} 単位`} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <h3>{resultsHeading(initiative.resultsFiscalYear)}</h3>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">項目</th>
                <th scope="col">実績値</th>
                <th scope="col">目標値</th>
                <th scope="col">単位</th>
                <th scope="col">備考</th>
              </tr>
            </thead>
            <tbody>
              {results.map((r, k) => (
                <tr>
                  <td>
                    <input name="r_label" value={r.label} aria-label={`実績${k + 1} 項目`} {...described(`r_label_${k}`)} />
                    <FieldError errors={errors} name={`r_label_${k}`} />
                  </td>
                  <td>
                    <input
                      name="r_actual"
                      value={r.actual ?? ''}
                      inputmode="decimal"
                      size={10}
                      aria-label={`実績${k + 1} 実績値`}
                      {...described(`r_actual_${k}`)}
                    />
                    <FieldError errors={errors} name={`r_actual_${k}`} />
                  </td>
                  <td>
                    <input
                      name="r_target"
                      value={r.target ?? ''}
                      inputmode="decimal"
                      size={10}
                      aria-label={`実績${k + 1} 目標値`}
                      {...described(`r_target_${k}`)}
                    />
                    <FieldError errors={errors} name={`r_target_${k}`} />
                  </td>
                  <td>
                    <input name="r_unit" value={r.unit ?? ''} size={6} aria-label={`実績${k + 1} 単位`} />
                  </td>
                  <td>
                    <input name="r_note" value={r.note ?? ''} aria-label={`実績${k + 1} 備考`} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p>
          <label for="resultsText">実績（本文）</label>
          <br />
          <span id="resultsText-hint">{RESULTS_TEXT_HINT}</span>
          <br />
          <textarea
            id="resultsText"
            name="resultsText"
            rows={6}
            aria-describedby={errors?.resultsText ? 'resultsText-hint resultsText-error' : 'resultsText-hint'}
            aria-invalid={errors?.resultsText ? 'true' : undefined}
          >
            {initiative.resultsText}
          </textarea>
          <FieldError errors={errors} name="resultsText" />
        </p>
        <p>
          <button type="submit" class="button">
            下書きを保存
          </button>
        </p>
      </fieldset>
    </form>
  );
}

// ---- form pieces shared by the admin's pages ------------------------------------------------------------

/** A form shown again: which one, its errors by field, and what was typed. */
export interface FormState {
  form: string;
  errors: FieldErrors;
  typed: Record<string, string>;
}

export const ERROR_LEAD = '入力に誤りがあります。各欄の説明を確認してください。';

interface FieldProps {
  form: string;
  name: string;
  label: string;
  value: string;
  state?: FormState;
  size?: number;
  inputmode?: 'decimal' | 'numeric';
  required?: boolean;
  list?: string;
  inline?: boolean;
  /** A password field never carries a value, not even what was typed. */
  password?: boolean;
}

/** A label, the control, and the control's error from its form coming back. */
function Labelled({ id, label, error, inline, children }: { id: string; label: string; error?: string; inline?: boolean; children: Child }) {
  return (
    <span class={inline ? 'field inline-field' : 'field'}>
      <label for={id}>{label}</label>
      {inline ? ' ' : <br />}
      {children}
      {error ? (
        <span class="field-error" id={`${id}-error`}>
          {' '}
          {error}
        </span>
      ) : null}
    </span>
  );
}

/** The id, the error and the ARIA attributes of a control of form `form` named `name`. */
function control(form: string, name: string, state?: FormState) {
  const id = `${form}-${name}`;
  const error = state?.form === form ? state.errors[name] : undefined;
  return { id, error, aria: { 'aria-invalid': error ? ('true' as const) : undefined, 'aria-describedby': error ? `${id}-error` : undefined } };
}

/** A labelled input that shows what was typed and its error when its form comes back with errors. */
export function Field({ form, name, label, value, state, size, inputmode, required, list, inline, password }: FieldProps) {
  const { id, error, aria } = control(form, name, state);
  const shown = password ? undefined : state?.form === form ? (state.typed[name] ?? value) : value;
  return (
    <Labelled id={id} label={label} error={error} inline={inline}>
      <input
        id={id}
        name={name}
        type={password ? 'password' : undefined}
        autocomplete={password ? 'new-password' : undefined}
        minlength={password ? 12 : undefined}
        value={shown}
        size={size}
        inputmode={inputmode}
        required={required}
        list={list}
        {...aria}
      />
    </Labelled>
  );
}

export function Select({
  form,
  name,
  label,
  value,
  options,
  state,
}: {
  form: string;
  name: string;
  label: string;
  value: string;
  options: [string, string][];
  state?: FormState;
}) {
  const { id, error, aria } = control(form, name, state);
  const chosen = state?.form === form ? (state.typed[name] ?? value) : value;
  return (
    <Labelled id={id} label={label} error={error}>
      <select id={id} name={name} {...aria}>
        {options.map(([v, text]) => (
          <option value={v} selected={v === chosen}>
            {text}
          </option>
        ))}
      </select>
    </Labelled>
  );
}
