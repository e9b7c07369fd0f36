// The admin's record of the notices the workspace sent (reminders of a round), with how each one went.
import { Hono } from 'hono';
import { listOutbox } from '../../db/reminders.ts';
import { mustManage, page, refusal } from './respond.tsx';
import type { AdminEnv } from './auth.ts';

export const outboxRoutes = new Hono<AdminEnv>();

outboxRoutes.get('/outbox', async (c) => {
  try {
    mustManage(c);
  } catch (e) {
    return refusal(c, e);
  }
  const rows = await listOutbox(c.get('database').db, c.get('actor').organizationId);
  return page(
    c,
    'お知らせの送信記録',
    <>
      <h1>お知らせの送信記録</h1>
      <p>SMTP_URL が設定されていればメールで送り、なければサーバーのログに記録します。</p>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">作成</th>
              <th scope="col">宛先</th>
              <th scope="col">件名</th>
              <th scope="col">送信</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr>
                <td>{r.createdAt.toLocaleString('ja-JP')}</td>
                <td>{r.recipient}</td>
                <td>{r.subject}</td>
                <td>{r.sentAt ? r.sentAt.toLocaleString('ja-JP') : r.error ? `失敗: ${r.error}` : '送信待ち'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>,
  );
});
