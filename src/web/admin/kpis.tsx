// The admin's page of the plan's KPIs: definitions (with optimistic locking), actuals per year, order and
// removal. KPIs belong to the plan, not to one edition; the page is reached through an edition.
import { Hono, type Context } from 'hono';
import type { z } from 'zod';
import { deleteKpi, kpiVersions, moveKpi, saveKpi, updateKpiActual } from '../../db/kpis.ts';
import { WorkspaceError } from '../../db/workspace.ts';
import { initiativeLabel, type EditionData } from '../../domain/model.ts';
import { normalizeNumber } from '../../domain/decimal.ts';
import { fiscalYearLabel } from '../../domain/wareki.ts';
import { Csrf, ERROR_LEAD, Field, Select, type FormState } from './views.tsx';
import { back, fyParam, mustManage, page, parseForm, refusal } from './respond.tsx';
import { direction, editionFor, MoveButtons, planWrite, type OnRefusal } from './plan-parts.tsx';
import type { AdminEnv } from './auth.ts';
import { kpiSchema, one, typedOf } from './forms.ts';

export const kpiRoutes = new Hono<AdminEnv>();

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
        <Select
          form={form}
          name="pillar"
          label="施策体系"
          value={k?.pillarKey ?? data.pillars[0]?.key ?? ''}
          options={data.pillars.map((p) => [p.key, p.name])}
          state={state}
        />{' '}
        <Select
          form={form}
          name="initiative"
          label="関連する施策（任意）"
          value={k?.initiativeKey ?? ''}
          options={[
            ['', 'なし'],
            ...data.initiatives.map((i): [string, string] => [i.key, `${initiativeLabel(i)} ${i.title}`]),
            // A link to an initiative this edition does not hold (dropped in a rollover) is kept, not lost on save.
            ...(k?.initiativeKey && !data.initiatives.some((i) => i.key === k.initiativeKey)
              ? [[k.initiativeKey, `この版にない施策（キー ${k.initiativeKey}）`] as [string, string]]
              : []),
          ]}
          state={state}
        />
      </p>
      <p>
        <Field form={form} name="target" label="目標値" value={k?.target ?? ''} state={state} size={12} inputmode="decimal" required />{' '}
        <Field form={form} name="unit" label="単位（任意）" value={k?.unit ?? ''} state={state} size={6} />{' '}
        <Select
          form={form}
          name="targetFiscalYear"
          label="目標年度"
          value={String(k?.targetFiscalYear ?? data.plan.endFiscalYear)}
          options={years}
          state={state}
        />
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
        <Field
          form={form}
          name="baseline"
          label="基準値（任意。進捗率 =（実績−基準）÷（目標−基準））"
          value={k?.baseline ?? ''}
          state={state}
          size={12}
          inputmode="decimal"
        />
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
        KPI は計画（{fiscalYearLabel(data.plan.startFiscalYear)}〜{fiscalYearLabel(data.plan.endFiscalYear)}
        ）全体の指標です。定義や実績値の変更は計画のすべての版に及びます。公開サイトには、それぞれの版をもう一度公開したときに反映されます。進捗率は計画の計算規則（版の画面で設定）で計算します。
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
                  <Field
                    form={`actual-${k.key}-${y}`}
                    name="value"
                    label={`${fiscalYearLabel(y)}${k.unit ? `（${k.unit}）` : ''}`}
                    value={k.actuals[String(y)] ?? ''}
                    state={state}
                    size={12}
                    inputmode="decimal"
                    inline
                  />{' '}
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

kpiRoutes.get('/e/:fy/kpis', async (c) => {
  try {
    return await kpiPage(c, fyParam(c));
  } catch (e) {
    return refusal(c, e);
  }
});

const onKpis = <P extends string>(form?: (c: Context<AdminEnv, P>) => string): OnRefusal<P> => ({ page: kpiPage, form });

const kpiUrl = (fy: number) => `/admin/e/${fy}/kpis`;

function kpiFields(v: z.output<typeof kpiSchema>) {
  return {
    name: v.name,
    pillarKey: v.pillar,
    unit: v.unit,
    target: v.target,
    targetFiscalYear: v.targetFiscalYear,
    direction: v.direction,
    baseline: v.baseline,
    initiativeKey: v.initiative,
  };
}

planWrite(
  kpiRoutes,
  '/e/:fy/kpis',
  async (c, fy, b) => {
    const v = parseForm(kpiSchema, b);
    await saveKpi(c.get('database').db, c.get('actor'), fy, null, null, kpiFields(v));
    return back(c, kpiUrl(fy), `KPI「${v.name}」を追加しました`);
  },
  onKpis(() => 'kpi-new'),
);

planWrite(
  kpiRoutes,
  '/e/:fy/kpis/:kpi/definition',
  async (c, fy, b) => {
    const key = c.req.param('kpi');
    const v = parseForm(kpiSchema, b);
    await saveKpi(c.get('database').db, c.get('actor'), fy, key, v.version, kpiFields(v));
    return back(c, kpiUrl(fy), `KPI「${v.name}」を保存しました`);
  },
  onKpis((c) => `kpi-${c.req.param('kpi')}`),
);

planWrite(
  kpiRoutes,
  '/e/:fy/kpis/:kpi/move',
  async (c, fy, b) => {
    await moveKpi(c.get('database').db, c.get('actor'), fy, c.req.param('kpi'), direction(b));
    return back(c, kpiUrl(fy), 'KPI を移動しました');
  },
  onKpis(),
);

planWrite(
  kpiRoutes,
  '/e/:fy/kpis/:kpi/delete',
  async (c, fy) => {
    await deleteKpi(c.get('database').db, c.get('actor'), fy, c.req.param('kpi'));
    return back(c, kpiUrl(fy), 'KPI を削除しました（変更履歴に残っています）');
  },
  onKpis(),
);

planWrite(kpiRoutes, '/e/:fy/kpis/:kpi', async (c, fy, b) => {
  const key = c.req.param('kpi');
  const year = Number(one(b, 'year'));
  if (!Number.isInteger(year) || year < 2000 || year > 2100) throw new WorkspaceError('年度が正しくありません');
  const text = one(b, 'value').trim();
  const value = text === '' ? null : normalizeNumber(text);
  if (text !== '' && value === null)
    return kpiPage(
      c,
      fy,
      { form: `actual-${key}-${year}`, errors: { value: `数値ではありません「${text.slice(0, 40)}」（単位は入れません）` }, typed: typedOf(b) },
      400,
    );
  await updateKpiActual(c.get('database').db, c.get('actor'), fy, key, year, value);
  return back(c, kpiUrl(fy), 'KPI の実績値を保存しました');
});
