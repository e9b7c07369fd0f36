// 「版の表示」: the admin types what an edition says about itself where it is shown — its title, catch copy,
// lead and 出典 line — and the portal, the report and the open data show exactly that once it is published.
// The one form posts to saveEditionDisplay (db/edition-display.ts); a form with errors, or one someone else
// saved over in the meantime, comes back with what was typed.
import { Hono, type Context } from 'hono';
import {
  DisplayConflictError,
  displayErrors,
  normalizeDisplay,
  readEditionDisplay,
  saveEditionDisplay,
  type EditionDisplay,
} from '../../db/edition-display.ts';
import { fiscalYearLabel } from '../../domain/wareki.ts';
import { back, FormErrors, fyParam, manageWrite, mustManage, page, refusal, shownAgain } from './respond.tsx';
import { Csrf, Field, type FormState } from './views.tsx';
import { one, typedOf, type Body } from './forms.ts';
import type { AdminEnv } from './auth.ts';

export const editionDisplayRoutes = new Hono<AdminEnv>();

export const displayUrl = (fy: number) => `/admin/editions/${fy}/display`;

const FORM = 'display';

/** A labelled textarea of the form, with its hint, and its error when the form comes back. */
function TextArea({ name, label, hint, value, state, rows }: { name: string; label: string; hint: string; value: string; state?: FormState; rows: number }) {
  const id = `${FORM}-${name}`;
  const error = state?.form === FORM ? state.errors[name] : undefined;
  const shown = state?.form === FORM ? (state.typed[name] ?? value) : value;
  return (
    <p>
      <label for={id}>{label}</label>
      <br />
      <span id={`${id}-hint`}>{hint}</span>
      <br />
      <textarea id={id} name={name} rows={rows} aria-invalid={error ? 'true' : undefined} aria-describedby={error ? `${id}-hint ${id}-error` : `${id}-hint`}>
        {shown}
      </textarea>
      {error ? (
        <span class="field-error" id={`${id}-error`}>
          {' '}
          {error}
        </span>
      ) : null}
    </p>
  );
}

function Stored({ display }: { display: EditionDisplay }) {
  const shown = (v: string | null) => v || '（なし）';
  return (
    <dl>
      <dt>版の題名</dt>
      <dd>{display.title}</dd>
      <dt>キャッチコピー</dt>
      <dd class="pre">{shown(display.tagline)}</dd>
      <dt>リード文</dt>
      <dd class="pre">{shown(display.lead)}</dd>
      <dt>出典</dt>
      <dd>{shown(display.source)}</dd>
    </dl>
  );
}

async function displayPage(
  c: Context<AdminEnv>,
  fy: number,
  opts: { state?: FormState; status?: number; error?: string; conflict?: EditionDisplay; basis?: string } = {},
): Promise<Response> {
  mustManage(c);
  const { display, state, basis } = await readEditionDisplay(c.get('database').db, c.get('actor'), fy);
  const locked = state === 'published';
  return page(
    c,
    `版の表示（${fiscalYearLabel(fy)}）`,
    <>
      <p>
        <a href={`/admin/e/${fy}`}>
          {display.title}（{fiscalYearLabel(fy)}）
        </a>
      </p>
      <h1>版の表示</h1>
      <p>
        公開サイト・報告書・オープンデータに、この版の題名・キャッチコピー・リード文・出典として載る文言です。書いたとおりに表示し、空の欄は表示しません（出典を自治体名などから作ることはしません）。公開中の版の表示は、次に公開したときに変わります。
      </p>
      {locked ? <p class="panel">この版は公開済みのため変更できません。変えるには版の画面で理由を記録して再開します。</p> : null}
      {opts.conflict ? (
        <section class="panel" aria-labelledby="display-conflict-h">
          <h2 id="display-conflict-h">いま保存されている内容</h2>
          <p>あなたの入力は下のフォームに残っています。この内容を踏まえて直し、もう一度保存してください。</p>
          <Stored display={opts.conflict} />
        </section>
      ) : null}
      <form method="post" action={displayUrl(fy)} class="panel">
        <Csrf token={c.get('csrf')} />
        <input type="hidden" name="basis" value={opts.basis ?? (opts.state?.form === FORM ? opts.state.typed.basis : undefined) ?? basis} />
        <fieldset disabled={locked}>
          <legend>{fiscalYearLabel(fy)}版の表示</legend>
          <p>
            <Field form={FORM} name="title" label="版の題名（必須）" value={display.title} state={opts.state} size={50} required />
          </p>
          <TextArea name="tagline" label="キャッチコピー（任意）" hint="表紙の題名の下に載ります。" value={display.tagline ?? ''} state={opts.state} rows={2} />
          <TextArea
            name="lead"
            label="リード文（任意）"
            hint="表紙と計画の概要に載ります。段落は空行で区切ります。"
            value={display.lead ?? ''}
            state={opts.state}
            rows={6}
          />
          <p>
            <Field
              form={FORM}
              name="source"
              label="出典（任意。例: 出典: 日立市「日立市デジタル化推進アクションプラン2023」）"
              value={display.source ?? ''}
              state={opts.state}
              size={60}
            />
          </p>
          <button type="submit">版の表示を保存</button>
        </fieldset>
      </form>
    </>,
    { status: opts.status, error: opts.error },
  );
}

editionDisplayRoutes.get('/editions/:fy/display', async (c) => {
  try {
    return await displayPage(c, fyParam(c));
  } catch (e) {
    return refusal(c, e);
  }
});

function typedDisplay(b: Body): EditionDisplay {
  return { title: one(b, 'title'), tagline: one(b, 'tagline'), lead: one(b, 'lead'), source: one(b, 'source') };
}

manageWrite(
  editionDisplayRoutes,
  '/editions/:fy/display',
  async (c, b) => {
    const fy = fyParam(c);
    const fields = typedDisplay(b);
    const errors = displayErrors(normalizeDisplay(fields));
    if (Object.keys(errors).length) throw new FormErrors(errors);
    const changed = await saveEditionDisplay(c.get('database').db, c.get('actor'), fy, one(b, 'basis') || null, fields);
    return back(c, displayUrl(fy), changed ? '版の表示を保存しました' : '変更はありませんでした');
  },
  // The form again with what was typed; after a conflict it carries the stored texts' basis, so saving again overwrites knowingly.
  (c, b, refused) =>
    displayPage(c, fyParam(c), {
      state: shownAgain(FORM, typedOf(b), refused),
      status: refused.status,
      error: refused.message,
      conflict: refused instanceof DisplayConflictError ? refused.current : undefined,
      basis: refused instanceof DisplayConflictError ? refused.basis : undefined,
    }),
);
