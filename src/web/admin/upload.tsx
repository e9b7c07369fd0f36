// The Excel / CSV upload: the file is read and previewed against the edition as it is now (nothing written),
// kept for 30 minutes with the stamp of that state, then applied only if the edition has not changed since.
import { Hono, type Context } from 'hono';
import { editionStamp, loadEdition } from '../../db/repository.ts';
import { WorkspaceError } from '../../db/workspace.ts';
import { applyPreview, StalePreviewError } from '../../db/apply-changes.ts';
import { dropUpload, findUpload, keepUpload } from '../../db/uploads.ts';
import { formatErrors, isEmptyPreview, previewSpreadsheet } from '../../domain/changes.ts';
import { readCsv, readXlsx, SpreadsheetError, LIMITS } from '../../import/spreadsheet.ts';
import { back, fyParam, manageWrite, mustManage, orgCode, page, refusal } from './respond.tsx';
import { Csrf } from './views.tsx';
import type { AdminEnv } from './auth.ts';
import { one } from './forms.ts';

export const uploadRoutes = new Hono<AdminEnv>();

/** A file that cannot be read, or a preview the edition has moved on from: a refusal the person can act on. */
function uploadRefusal(e: unknown): unknown {
  if (e instanceof StalePreviewError) return new WorkspaceError(e.message, 409);
  if (e instanceof SpreadsheetError) return new WorkspaceError(e.ja);
  return e;
}

/** Reads an uploaded file and previews it against the edition as it is now, with the stamp of that state. */
async function previewUpload(c: Context<AdminEnv>, fy: number, filename: string, bytes: Uint8Array, aliases: Record<string, string> = {}) {
  const sheets = /\.csv$/i.test(filename) ? [readCsv(bytes).sheet] : await readXlsx(bytes);
  const code = await orgCode(c);
  const db = c.get('database').db;
  // The stamp first: a write between the two reads then shows as a stale preview, never as a silent overwrite.
  const stamp = await editionStamp(db, code, fy);
  const current = await loadEdition(db, code, fy);
  if (!current || !stamp) throw new WorkspaceError('その版はありません', 404);
  if (current.edition.state === 'published') throw new WorkspaceError('公開済みの版には取り込めません（再開してから取り込みます）', 409);
  return { preview: previewSpreadsheet(current, sheets, { aliases }), stamp, current };
}

uploadRoutes.get('/e/:fy/import', (c) => {
  try {
    mustManage(c);
  } catch (e) {
    return refusal(c, e);
  }
  const fy = c.req.param('fy');
  return page(
    c,
    'Excel・CSV から取り込む',
    <>
      <h1>Excel・CSV から取り込む</h1>
      <p>
        書き出したブック（.xlsx）または CSV（UTF-8 / Shift_JIS）を選んでください。まず変更点を確認し、その後で適用します。上限 {LIMITS.maxBytes / 1024 / 1024}{' '}
        MB。
      </p>
      <form method="post" action={`/admin/e/${fy}/import`} enctype="multipart/form-data" class="panel">
        <Csrf token={c.get('csrf')} />
        <p>
          <label for="file">ファイル</label>
          <br />
          <input id="file" name="file" type="file" accept=".xlsx,.csv" required />
        </p>
        <button type="submit">変更点を確認する</button>
      </form>
    </>,
  );
});

manageWrite(uploadRoutes, '/e/:fy/import', async (c, b) => {
  try {
    const fy = fyParam(c);
    const file = b.file;
    if (!(file instanceof File)) throw new WorkspaceError('ファイルを選んでください');
    if (file.size > LIMITS.maxBytes) throw new WorkspaceError(`ファイルが大きすぎます（上限 ${LIMITS.maxBytes / 1024 / 1024} MB）`);
    const bytes = new Uint8Array(await file.arrayBuffer());
    const { preview, stamp, current } = await previewUpload(c, fy, file.name, bytes);
    // Kept only when there is something to apply; the file lapses after 30 minutes.
    const id =
      preview.errors.length || isEmptyPreview(preview)
        ? ''
        : await keepUpload(c.get('database').db, c.get('actor'), { fiscalYear: fy, filename: file.name, content: bytes, stamp });
    return page(
      c,
      '取り込みの確認',
      <>
        <h1>取り込みの確認: {file.name}</h1>
        {preview.errors.length ? (
          <>
            <p>次の誤りがあるため、このファイルは適用できません（何も書き込んでいません）。</p>
            <ul>
              {formatErrors(preview.errors).map((l) => (
                <li>{l}</li>
              ))}
            </ul>
          </>
        ) : null}
        <p>
          変更 {preview.changes.length} 件、追加 {preview.added.initiatives.length + preview.added.results.length} 件。削除はしません。
        </p>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">対象</th>
                <th scope="col">項目</th>
                <th scope="col">変更前</th>
                <th scope="col">変更後</th>
              </tr>
            </thead>
            <tbody>
              {preview.changes.map((ch) => (
                <tr>
                  <td>{ch.label}</td>
                  <td>{ch.field}</td>
                  <td>{ch.before ?? '—'}</td>
                  <td>{ch.after ?? '—'}</td>
                </tr>
              ))}
              {[...preview.added.initiatives, ...preview.added.results].map((a) => (
                <tr>
                  <td>{a}</td>
                  <td>追加</td>
                  <td>—</td>
                  <td>—</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {preview.notices.length ? (
          <ul>
            {preview.notices.map((n) => (
              <li>{n}</li>
            ))}
          </ul>
        ) : null}
        {id ? (
          <form method="post" action={`/admin/e/${fy}/import/apply`} class="panel">
            <Csrf token={c.get('csrf')} />
            <input type="hidden" name="id" value={id} />
            {preview.unknownDepartments.length ? (
              <fieldset>
                <legend>未登録の担当課所</legend>
                <p>ファイルに、登録されていない課所名があります。既存の課所の別表記なら選んでください。選ばなければ新しい課所として登録します。</p>
                {preview.unknownDepartments.map((u, k) => (
                  <p>
                    <label for={`alias-${k}`}>
                      「{u.name}」（{u.where.slice(0, 3).join('、')}
                      {u.where.length > 3 ? ` ほか${u.where.length - 3}か所` : ''}）
                    </label>
                    <br />
                    <select id={`alias-${k}`} name={`alias_${k}`}>
                      <option value="">新しい課所として登録する</option>
                      {[...(u.similar ? [u.similar] : []), ...current.departments.map((d) => d.name).filter((n) => n !== u.similar)].map((n) => (
                        <option value={n}>
                          「{n}」の別表記{n === u.similar ? '（似た名前）' : ''}
                        </option>
                      ))}
                    </select>
                  </p>
                ))}
              </fieldset>
            ) : null}
            <button type="submit">この内容で適用する</button>
          </form>
        ) : null}
      </>,
      { status: preview.errors.length ? 400 : 200 },
    );
  } catch (e) {
    throw uploadRefusal(e);
  }
});

manageWrite(uploadRoutes, '/e/:fy/import/apply', async (c, b) => {
  try {
    const fy = fyParam(c);
    const db = c.get('database').db;
    const kept = await findUpload(db, c.get('actor'), fy, one(b, 'id'));
    if (!kept) throw new WorkspaceError('確認の有効期限が切れました。もう一度ファイルを選んでください', 409);
    const first = await previewUpload(c, fy, kept.filename, kept.content);
    if (first.stamp !== kept.stamp) throw new StalePreviewError();
    const aliases = Object.fromEntries(first.preview.unknownDepartments.map((u, k) => [u.name, one(b, `alias_${k}`)]).filter(([, into]) => into));
    // Previewed again with the chosen spellings, so what is written names the department it is stored as.
    const { preview } = Object.keys(aliases).length ? await previewUpload(c, fy, kept.filename, kept.content, aliases) : first;
    const r = await applyPreview(db, await orgCode(c), fy, preview, { actor: c.get('actor'), source: 'import:upload', expectedStamp: kept.stamp, aliases });
    // Kept until it applied, so a refused apply (a department removed meanwhile) can be retried from the page.
    await dropUpload(db, kept.id);
    return back(
      c,
      `/admin/e/${fy}`,
      `取り込みました（変更 ${r.changed} 件）${r.reopened.length ? `。提出済み・承認済みだった ${r.reopened.length} 件は作成中に戻しました（再提出が必要です）` : ''}`,
    );
  } catch (e) {
    throw uploadRefusal(e);
  }
});
