// An initiative's change history across editions: who changed what and when, from the append-only audit
// rows (whole snapshots shown as a diff, single fields of an import, submissions, assessments, removals).
import { Hono } from 'hono';
import { placeNames } from '../../db/repository.ts';
import { SUBMISSION_LABELS, type SubmissionState } from '../../db/workspace.ts';
import { initiativeAudit } from '../../db/history.ts';
import { diffInitiative, isInitiativeSnapshot } from '../../domain/edition-diff.ts';
import { renderInitiativeChange } from '../../report/diff-html.ts';
import { orgCode, page, refusal } from './respond.tsx';
import { TrustedHtml } from './views.tsx';
import type { AdminEnv } from './auth.ts';

export const historyRoutes = new Hono<AdminEnv>();

/** One field an import changed ({ field, value } before and after), of the initiative or of one of its results ("key/項目"). */
function fieldChange(entity: string, entityKey: string, key: string, before: unknown, after: unknown) {
  const b = before as { field?: unknown; value?: unknown } | null;
  const a = after as { field?: unknown; value?: unknown } | null;
  const field = typeof a?.field === 'string' ? a.field : typeof b?.field === 'string' ? b.field : null;
  if (field === null || (entity !== 'initiative' && entity !== 'result')) return null;
  const value = (x: { value?: unknown } | null) => (x?.value === null || x?.value === undefined || x.value === '' ? '—' : String(x.value));
  let what = field;
  if (entity === 'result') {
    const m = /^(.*)#(\d+)$/.exec(entityKey.slice(key.length + 1));
    const label = m ? `${m[1]}」（${m[2]}件目）` : `${entityKey.slice(key.length + 1)}」`;
    what = `実績「${label}の${field}`;
  }
  return (
    <p>
      {what}: {value(b)} → {value(a)}
    </p>
  );
}

historyRoutes.get('/i/:key/history', async (c) => {
  try {
    const key = c.req.param('key');
    const rows = await initiativeAudit(c.get('database').db, c.get('actor'), key);
    const names = await placeNames(c.get('database').db, await orgCode(c));
    const place = (k: string) => names.get(k) ?? k;
    return page(
      c,
      '変更履歴',
      <>
        <h1>変更履歴</h1>
        <p>だれが・いつ・何を変えたか。記録は追記のみで、書き換えられません。</p>
        {rows.length === 0 ? <p>記録はまだありません（取り込み時の内容のままです）。</p> : null}
        <ol class="history">
          {rows.map((r) => {
            const before = r.before as Record<string, unknown> | null;
            const after = r.after as { state?: string; comment?: string; grade?: string; reason?: string } | null;
            const d = r.entity === 'initiative' && isInitiativeSnapshot(before) && isInitiativeSnapshot(after) ? diffInitiative(before, after) : null;
            return (
              <li class="panel">
                <p>
                  <strong>{r.at.toLocaleString('ja-JP')}</strong> {r.actor}（{r.summary}）
                </p>
                {d ? <TrustedHtml html={renderInitiativeChange(d, 'h3', place)} /> : null}
                {r.entity === 'initiative' && r.action === 'delete' ? <p>この版から削除しました。理由: {after?.reason ?? '—'}</p> : null}
                {fieldChange(r.entity, r.entityKey, key, before, after)}
                {r.entity === 'submission' && after ? (
                  <p>
                    提出状態: {SUBMISSION_LABELS[(before as { state?: SubmissionState } | null)?.state ?? 'not_started']} →{' '}
                    {SUBMISSION_LABELS[(after.state as SubmissionState) ?? 'not_started']}
                    {after.comment ? `（${after.comment}）` : ''}
                  </p>
                ) : null}
                {r.entity === 'assessment' && after ? (
                  <p>
                    評価 {after.grade} {after.comment}
                  </p>
                ) : null}
              </li>
            );
          })}
        </ol>
      </>,
    );
  } catch (e) {
    return refusal(c, e);
  }
});
