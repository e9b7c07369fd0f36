// An initiative's change history across editions: who changed what and when, from the append-only audit
// rows (whole snapshots shown as a diff, single fields of an import, submissions, assessments, removals).
import { Hono } from 'hono';
import { placeNames } from '../../db/repository.ts';
import { SUBMISSION_LABELS } from '../../db/workspace.ts';
import { initiativeAudit } from '../../db/history.ts';
import { diffInitiative } from '../../domain/edition-diff.ts';
import { readHistoryRow, type HistoryItem } from '../../domain/audit-entry.ts';
import { renderInitiativeChange } from '../../report/diff-html.ts';
import { orgCode, page, refusal } from './respond.tsx';
import { TrustedHtml } from './views.tsx';
import type { AdminEnv } from './auth.ts';

export const historyRoutes = new Hono<AdminEnv>();

/** One renderer per kind of history row (src/domain/audit-entry.ts). */
function HistoryBody({ item, place }: { item: HistoryItem; place: (k: string) => string }) {
  switch (item.kind) {
    case 'snapshot': {
      if (item.before && item.after) {
        const d = diffInitiative(item.before, item.after);
        return d ? <TrustedHtml html={renderInitiativeChange(d, 'h3', place)} /> : <p>内容の変更はありません。</p>;
      }
      const i = (item.after ?? item.before)!;
      return <p>この版に追加しました: {`${i.number ?? '新'} ${i.title}`}</p>;
    }
    case 'removed':
      return (
        <p>
          この版から削除しました。理由: {item.reason ?? '—'}
          {item.before ? `（${item.before.number ?? '新'} ${item.before.title}。記録から復元できます）` : ''}
        </p>
      );
    case 'field':
      return (
        <p>
          {item.what}: {item.before} → {item.after}
        </p>
      );
    case 'submission':
      return (
        <p>
          提出状態: {SUBMISSION_LABELS[item.from]} → {SUBMISSION_LABELS[item.to]}
          {item.comment ? `（${item.comment}）` : ''}
        </p>
      );
    case 'assessment':
      return (
        <p>
          評価 {item.grade} {item.comment}
        </p>
      );
    case 'other':
      return null;
  }
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
          {rows.map((r) => (
            <li class="panel">
              <p>
                <strong>{r.at.toLocaleString('ja-JP')}</strong> {r.actor}（{r.summary}）
              </p>
              <HistoryBody item={readHistoryRow(r, key)} place={place} />
            </li>
          ))}
        </ol>
      </>,
    );
  } catch (e) {
    return refusal(c, e);
  }
});
