// The shape form of one initiative, drawn from the plan's definition: its sections in order (text as a
// textarea, money and number as decimal inputs, url, date, select, boolean as a checkbox), a grade set by
// hand with its reason (the computed grade beside it for reference), one phase per schedule period,
// milestone rows and indicator rows, each table with empty rows to add. No script: the form is drawn from
// strings (shape-form.ts shapeValues, or what was typed when it comes back with errors), and each error
// sits beside its control with aria-invalid and aria-describedby.
import type { Child } from 'hono/jsx';
import { planFields, type FieldDef, type PlanInfo } from '../../domain/model.ts';
import { gradeChoices, type GradeResult } from '../../domain/grades.ts';
import { DIRECTIONS } from '../../domain/enums.ts';
import { schedulePeriods } from '../schedule-chart.ts';
import { Csrf, FieldError } from './views.tsx';
import { DIRECTION_LABELS, fieldName, planYears, TARGET_KINDS } from './shape-form.ts';
import type { FieldErrors } from './forms.ts';

export interface ShapeFormProps {
  action: string;
  csrf: string;
  version: number;
  plan: PlanInfo;
  values: Record<string, string>;
  indicatorRows: number;
  milestoneRows: number;
  errors?: FieldErrors;
  disabled?: boolean;
  /** The grade the indicators earn, shown beside the hand-set one; null when the plan has no grades. */
  computed: GradeResult | null;
}

export function ShapeForm(p: ShapeFormProps) {
  const s = p.plan.settings;
  const v = (name: string) => p.values[name] ?? '';
  const described = (name: string): Described =>
    p.errors?.[name] ? { 'aria-invalid': 'true', 'aria-describedby': `${name}-error` } : { 'aria-invalid': undefined, 'aria-describedby': undefined };
  const ctx: Ctx = { v, described, errors: p.errors };
  return (
    <form method="post" action={p.action} class="edit-form shape-form">
      <Csrf token={p.csrf} />
      <input type="hidden" name="version" value={String(p.version)} />
      <FieldError errors={p.errors} name="version" />
      <fieldset disabled={p.disabled}>
        <legend class="visually-hidden">記入項目・評価・スケジュール・指標</legend>
        <h2>記入項目</h2>
        {planFields(s).map((f) => (
          <Section def={f} {...ctx} />
        ))}
        {s.grades ? <GradePart plan={p.plan} computed={p.computed} {...ctx} /> : null}
        {s.schedule ? <SchedulePart plan={p.plan} {...ctx} /> : null}
        {s.schedule?.milestones ? <MilestonePart rows={p.milestoneRows} {...ctx} /> : null}
        {s.indicatorKinds !== undefined ? <IndicatorPart plan={p.plan} rows={p.indicatorRows} {...ctx} /> : null}
        <p>
          <button type="submit" class="button">
            保存
          </button>
        </p>
      </fieldset>
    </form>
  );
}

type Described = { 'aria-invalid': 'true' | undefined; 'aria-describedby': string | undefined };

interface Ctx {
  v: (name: string) => string;
  described: (name: string) => Described;
  errors?: FieldErrors;
}

/** One section of the plan, its control chosen by its type. */
function Section({ def, v, described, errors }: { def: FieldDef } & Ctx) {
  const name = fieldName(def.key);
  const id = `f-${def.key}`;
  let control: Child;
  switch (def.type) {
    case 'text':
      control = (
        <textarea id={id} name={name} rows={4} {...described(name)}>
          {v(name)}
        </textarea>
      );
      break;
    case 'money':
    case 'number':
      control = <input id={id} name={name} value={v(name)} inputmode="decimal" size={16} {...described(name)} />;
      break;
    case 'url':
      control = <input id={id} name={name} type="url" value={v(name)} size={60} {...described(name)} />;
      break;
    case 'date':
      control = <input id={id} name={name} type="date" value={v(name)} {...described(name)} />;
      break;
    case 'select':
      control = (
        <select id={id} name={name} {...described(name)}>
          <option value="">（未選択）</option>
          {(def.options ?? []).map((o) => (
            <option value={o} selected={v(name) === o}>
              {o}
            </option>
          ))}
        </select>
      );
      break;
    case 'boolean':
      return (
        <p>
          {v(`${name}__stored`) === 'on' ? <input type="hidden" name={`${name}__stored`} value="on" /> : null}
          <label>
            <input id={id} type="checkbox" name={name} checked={v(name) === 'on'} {...described(name)} /> {def.label}
          </label>
          <FieldError errors={errors} name={name} />
        </p>
      );
  }
  return (
    <p>
      <label for={id}>
        {def.label}
        {def.type === 'money' ? '（円）' : ''}
      </label>
      <br />
      {control}
      <FieldError errors={errors} name={name} />
    </p>
  );
}

function GradePart({ plan, computed, v, described, errors }: { plan: PlanInfo; computed: GradeResult | null } & Ctx) {
  const choices = gradeChoices(plan.settings);
  return (
    <section aria-labelledby="grade-h">
      <h2 id="grade-h">評価</h2>
      <p>
        指標から計算した評価: <strong>{computed ? `${computed.grade}（${computed.label}）` : '—'}</strong>
        {computed?.rate != null ? `／進捗率 ${computed.rate}%` : computed?.source === 'unrated' ? '／進捗率は計算できません' : ''}
      </p>
      <p>
        <label for="grade">手で付ける評価（空欄なら計算した評価）</label>
        <br />
        <select id="grade" name="grade" {...described('grade')}>
          <option value="">計算した評価を使う</option>
          {choices.map((c) => (
            <option value={c.grade} selected={v('grade') === c.grade}>
              {c.grade}（{c.label}）
            </option>
          ))}
        </select>
        <FieldError errors={errors} name="grade" />
      </p>
      <p>
        <label for="gradeReason">手で付けた理由（手で付けるときは必須。記録されます）</label>
        <br />
        <textarea id="gradeReason" name="gradeReason" rows={3} {...described('gradeReason')}>
          {v('gradeReason')}
        </textarea>
        <FieldError errors={errors} name="gradeReason" />
      </p>
    </section>
  );
}

function SchedulePart({ plan, v, described, errors }: { plan: PlanInfo } & Ctx) {
  const phases = plan.settings.schedule!.phases;
  return (
    <section aria-labelledby="schedule-h">
      <h2 id="schedule-h">スケジュール</h2>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">期間</th>
              <th scope="col">段階</th>
            </tr>
          </thead>
          <tbody>
            {schedulePeriods(plan).map((period) => {
              const name = `sched_${period.id}`;
              return (
                <tr>
                  <th scope="row">
                    <label for={name}>{period.label}</label>
                  </th>
                  <td>
                    <select id={name} name={name} {...described(name)}>
                      <option value="">—</option>
                      {phases.map((ph) => (
                        <option value={ph} selected={v(name) === ph}>
                          {ph}
                        </option>
                      ))}
                    </select>
                    <FieldError errors={errors} name={name} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function MilestonePart({ rows, v, described, errors }: { rows: number } & Ctx) {
  return (
    <section aria-labelledby="milestones-h">
      <h2 id="milestones-h">マイルストーン</h2>
      <p>日付は 2024-10-01 の形（月だけなら 2024-10）。空の行に書くと追加され、「削除」に印を付けると消えます。</p>
      <input type="hidden" name="m_rows" value={String(rows)} />
      <FieldError errors={errors} name="m_rows" />
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">日付</th>
              <th scope="col">内容</th>
              <th scope="col">完了</th>
              <th scope="col">削除</th>
            </tr>
          </thead>
          <tbody>
            {Array.from({ length: rows }, (_, k) => (
              <tr>
                <td>
                  <input name={`m_date_${k}`} value={v(`m_date_${k}`)} size={10} aria-label={`マイルストーン${k + 1} 日付`} {...described(`m_date_${k}`)} />
                  <FieldError errors={errors} name={`m_date_${k}`} />
                </td>
                <td>
                  <input name={`m_label_${k}`} value={v(`m_label_${k}`)} size={40} aria-label={`マイルストーン${k + 1} 内容`} {...described(`m_label_${k}`)} />
                  <FieldError errors={errors} name={`m_label_${k}`} />
                </td>
                <td>
                  <input type="checkbox" name={`m_done_${k}`} checked={v(`m_done_${k}`) === 'on'} aria-label={`マイルストーン${k + 1} 完了`} />
                </td>
                <td>
                  <input type="checkbox" name={`m_remove_${k}`} checked={v(`m_remove_${k}`) === 'on'} aria-label={`マイルストーン${k + 1} 削除`} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function IndicatorPart({ plan, rows, v, described, errors }: { plan: PlanInfo; rows: number } & Ctx) {
  const kinds = plan.settings.indicatorKinds ?? [];
  const years = planYears(plan);
  const cell = (name: string, label: string, size: number, decimal = false) => (
    <td>
      <input name={name} value={v(name)} size={size} inputmode={decimal ? 'decimal' : undefined} aria-label={label} {...described(name)} />
      <FieldError errors={errors} name={name} />
    </td>
  );
  return (
    <section aria-labelledby="indicators-h">
      <h2 id="indicators-h">指標</h2>
      <p>
        空の行に書くと指標が追加されます。目標の種類が「定性」の指標は、定性目標の欄に目標を書き、各年度の実績に「達成」か「未達成」を書きます（空欄はまだ判定していないこと）。
      </p>
      <input type="hidden" name="i_rows" value={String(rows)} />
      <FieldError errors={errors} name="i_rows" />
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">指標名</th>
              <th scope="col">種類</th>
              <th scope="col">単位</th>
              <th scope="col">方向</th>
              <th scope="col">目標の種類</th>
              <th scope="col">定性目標</th>
              <th scope="col">基準年度</th>
              <th scope="col">基準値</th>
              <th scope="col">目標年度</th>
              <th scope="col">目標値</th>
              {years.map((y) => (
                <>
                  <th scope="col">{y}年度目標</th>
                  <th scope="col">{y}年度実績</th>
                </>
              ))}
              <th scope="col">削除</th>
            </tr>
          </thead>
          <tbody>
            {Array.from({ length: rows }, (_, k) => {
              const n = (field: string) => `i_${field}_${k}`;
              const at = `指標${k + 1}`;
              const qualitative = v(n('targetKind')) === 'qualitative';
              return (
                <tr>
                  <td>
                    <input type="hidden" name={n('key')} value={v(n('key'))} />
                    <input name={n('name')} value={v(n('name'))} size={24} aria-label={`${at} 指標名`} {...described(n('name'))} />
                    <FieldError errors={errors} name={n('name')} />
                  </td>
                  <td>
                    <select name={n('kind')} aria-label={`${at} 種類`} {...described(n('kind'))}>
                      <option value="">—</option>
                      {kinds.map((x) => (
                        <option value={x} selected={v(n('kind')) === x}>
                          {x}
                        </option>
                      ))}
                    </select>
                    <FieldError errors={errors} name={n('kind')} />
                  </td>
                  {cell(n('unit'), `${at} 単位`, 6)}
                  <td>
                    <select name={n('direction')} aria-label={`${at} 方向`} {...described(n('direction'))}>
                      {DIRECTIONS.map((d) => (
                        <option value={d} selected={(v(n('direction')) || 'higher') === d}>
                          {DIRECTION_LABELS[d]}
                        </option>
                      ))}
                    </select>
                    <FieldError errors={errors} name={n('direction')} />
                  </td>
                  <td>
                    <select name={n('targetKind')} aria-label={`${at} 目標の種類`} {...described(n('targetKind'))}>
                      {TARGET_KINDS.map(([x, label]) => (
                        <option value={x} selected={(v(n('targetKind')) || 'numeric') === x}>
                          {label}
                        </option>
                      ))}
                    </select>
                    <FieldError errors={errors} name={n('targetKind')} />
                  </td>
                  {cell(n('qualitative'), `${at} 定性目標`, 20)}
                  {cell(n('baseYear'), `${at} 基準年度`, 5)}
                  {cell(n('baseValue'), `${at} 基準値`, 8, true)}
                  {cell(n('targetYear'), `${at} 目標年度`, 5)}
                  {cell(n('targetValue'), `${at} 目標値`, 8, true)}
                  {years.map((y) => (
                    <>
                      {cell(`i_t_${y}_${k}`, `${at} ${y}年度目標`, 8, true)}
                      {qualitative ? (
                        <td>
                          <select name={`i_a_${y}_${k}`} aria-label={`${at} ${y}年度実績`} {...described(`i_a_${y}_${k}`)}>
                            {['', '達成', '未達成'].map((x) => (
                              <option value={x} selected={v(`i_a_${y}_${k}`) === x}>
                                {x || '未判定'}
                              </option>
                            ))}
                          </select>
                          <FieldError errors={errors} name={`i_a_${y}_${k}`} />
                        </td>
                      ) : (
                        cell(`i_a_${y}_${k}`, `${at} ${y}年度実績`, 8, true)
                      )}
                    </>
                  ))}
                  <td>
                    <input type="checkbox" name={n('remove')} checked={v(n('remove')) === 'on'} aria-label={`${at} 削除`} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
