// The shape page of one initiative (/admin/e/:fy/i/:key/shape): the plan's sections, a grade set by hand,
// the schedule, milestones and indicators, as the plan's definition declares them, and its save. Only a
// plan with any of these parts has the page (the sample's initiatives keep their one form); the save is
// one command (db/initiative-shape.ts), which checks the actor's permission on the initiative again (an
// editor only for its own departments) and the edit against the definition. A form with errors, or one
// based on an older version, comes back with what was typed and each message beside its control.
import { Hono, type Context } from 'hono';
import { ConflictError, loadItem } from '../../db/workspace.ts';
import { allow, WorkspaceError } from '../../db/command.ts';
import { planHasShape, planInfoFor, saveInitiativeShape } from '../../db/initiative-shape.ts';
import { can } from '../../domain/roles.ts';
import { computedGrade } from '../../domain/grades.ts';
import { fiscalYearLabel } from '../../domain/wareki.ts';
import { adminPost, back, fyParam, page, refusal } from './respond.tsx';
import { ERROR_LEAD } from './views.tsx';
import { ShapeForm } from './shape-views.tsx';
import { parseShapeForm, postedRows, shapeValues, SPARE_INDICATORS, SPARE_MILESTONES } from './shape-form.ts';
import { MAX_INDICATORS, MAX_MILESTONES } from '../../db/initiative-shape.ts';
import { one, typedOf, type Body, type FieldErrors } from './forms.ts';
import type { AdminEnv } from './auth.ts';

export const shapeRoutes = new Hono<AdminEnv>();

export const shapeUrl = (fy: number, key: string) => `/admin/e/${fy}/i/${encodeURIComponent(key)}/shape`;

interface Again {
  body: Body;
  errors?: FieldErrors;
  version?: number;
  error: string;
  status: number;
}

async function shapePage(c: Context<AdminEnv>, fy: number, key: string, again?: Again): Promise<Response> {
  const actor = c.get('actor');
  const db = c.get('database').db;
  const { workspace, item } = await loadItem(db, actor, fy, key);
  const plan = await planInfoFor(db, actor.organizationId, fy);
  if (!planHasShape(plan.settings)) throw new WorkspaceError('この計画には記入項目・指標・評価・スケジュールの設定がありません。施策の画面で編集します', 404);
  const i = item.initiative;
  const editable =
    workspace.state === 'draft' && can(actor, 'edit', i) && (actor.role === 'admin' || !['submitted', 'approved'].includes(item.submission?.state ?? ''));
  const stored = shapeValues(i, plan);
  const form = again
    ? {
        values: typedOf(again.body),
        indicatorRows: postedRows(again.body, 'i_rows', MAX_INDICATORS + SPARE_INDICATORS) || stored.indicatorRows,
        milestoneRows: postedRows(again.body, 'm_rows', MAX_MILESTONES + SPARE_MILESTONES) || stored.milestoneRows,
      }
    : stored;
  const title = `${i.number ?? '新'} ${i.title}`;
  return page(
    c,
    `${title}（記入項目・指標）`,
    <>
      <p>
        <a href={`/admin/e/${fy}`}>
          {workspace.title}（{fiscalYearLabel(fy)}）
        </a>{' '}
        ／ <a href={`/admin/e/${fy}/i/${encodeURIComponent(key)}`}>{title}</a>
      </p>
      <h1>{title}: 記入項目・評価・スケジュール・指標</h1>
      {editable ? null : (
        <p class="panel">
          {workspace.state === 'published'
            ? 'この版は公開済みのため編集できません。'
            : can(actor, 'edit', i)
              ? '提出済み・承認済みのため、審査が終わるまで編集できません。'
              : '閲覧のみ（担当課所の施策ではありません）。'}
        </p>
      )}
      <ShapeForm
        action={shapeUrl(fy, key)}
        csrf={c.get('csrf')}
        version={again?.version ?? item.version}
        plan={plan}
        values={form.values}
        indicatorRows={form.indicatorRows}
        milestoneRows={form.milestoneRows}
        errors={again?.errors}
        disabled={!editable}
        computed={computedGrade(i, fy, plan.settings)}
      />
    </>,
    { error: again?.error, status: again?.status },
  );
}

shapeRoutes.get('/e/:fy/i/:key/shape', async (c) => {
  try {
    return await shapePage(c, fyParam(c), c.req.param('key'));
  } catch (e) {
    return refusal(c, e);
  }
});

// Permission before validation: the command checks it on the locked initiative, and the handler checks
// it once the item is loaded, before the form's errors are told.
adminPost(
  shapeRoutes,
  '/e/:fy/i/:key/shape',
  {
    may: null,
    // After a conflict the form carries the current version: saving again overwrites knowingly.
    again: (c, b, refused) =>
      shapePage(c, fyParam(c), c.req.param('key'), {
        body: b,
        version: refused instanceof ConflictError ? refused.currentVersion : undefined,
        error: refused.message,
        status: refused.status,
      }),
  },
  async (c, b) => {
    const [fy, key] = [fyParam(c), c.req.param('key')];
    const db = c.get('database').db;
    const actor = c.get('actor');
    const { item } = await loadItem(db, actor, fy, key);
    allow(actor, 'edit', item.initiative);
    const plan = await planInfoFor(db, actor.organizationId, fy);
    if (!planHasShape(plan.settings)) throw new WorkspaceError('この計画には記入項目・指標・評価・スケジュールの設定がありません', 404);
    const parsed = parseShapeForm(b, plan, item.initiative);
    // The version typed stays: a form based on an older version must still meet the other person's change.
    if (!parsed.ok)
      return shapePage(c, fy, key, { body: b, errors: parsed.errors, version: Number(one(b, 'version')) || undefined, error: ERROR_LEAD, status: 400 });
    const r = await saveInitiativeShape(db, actor, fy, key, parsed.version, parsed.edit);
    return back(c, shapeUrl(fy, key), r.changed ? '保存しました' : '変更はありませんでした');
  },
);
