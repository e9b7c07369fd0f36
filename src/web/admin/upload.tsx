// The Excel / CSV upload: the file is read and previewed against the edition as it is now (nothing written),
// kept for 30 minutes with the stamp of that state, then applied only if the edition has not changed since.
// A year of the plan with no edition yet takes a filled-in blank workbook: the preview lists the edition,
// groups and departments it would create under 「新しく作成されるもの」, and they are created only when the
// person confirms (a checkbox for the edition and groups; for each department, the choice between a new
// department and another spelling of a registered one). The file is read and previewed on a worker thread
// (src/import/upload-reader.ts), so public pages keep answering meanwhile; when the installation is
// already reading as many files as it allows, the upload is refused with 503 and Retry-After.
import { Hono, type Context } from 'hono';
import { WorkspaceError } from '../../db/workspace.ts';
import { applyPreview, StalePreviewError } from '../../db/apply-changes.ts';
import { loadImportTarget } from '../../db/import-target.ts';
import { dropUpload, findUpload, keepUpload } from '../../db/uploads.ts';
import { createdLines, formatErrors, isEmptyPreview, type Preview } from '../../domain/changes.ts';
import { exportWorkbook } from '../../export/xlsx.ts';
import { SpreadsheetError, LIMITS } from '../../import/spreadsheet.ts';
import { ImportBusyError } from '../../import/import-slots.ts';
import { fileKind, previewUploaded, readUploaded } from '../../import/upload-reader.ts';
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

/** The edition of that year, or the empty one its plan would get; a published edition takes no file. */
async function targetOf(c: Context<AdminEnv>, fy: number) {
  const target = await loadImportTarget(c.get('database').db, await orgCode(c), fy);
  if (!target) throw new WorkspaceError(`${fy}年度を計画期間に含む計画がありません`, 404);
  if (target.current.edition.state === 'published') throw new WorkspaceError('公開済みの版には取り込めません（再開してから取り込みます）', 409);
  return target;
}

/** Reads an uploaded file and previews it against the edition as it is now, with the stamp of that state. */
async function previewUpload(c: Context<AdminEnv>, fy: number, filename: string, bytes: Uint8Array, aliases: Record<string, string> = {}) {
  const database = c.get('database');
  const kind = fileKind(filename);
  let target: Awaited<ReturnType<typeof targetOf>>;
  try {
    target = await targetOf(c, fy);
  } catch (e) {
    // A file that cannot be read says so before the edition is refused, as when the file was read first.
    await readUploaded(database, kind, bytes);
    throw e;
  }
  // Groups the plan lacks are listed as to be created; they are created only when the apply form confirms it.
  const preview = await previewUploaded(database, kind, bytes, target.current, {
    aliases,
    create: true,
    newEdition: target.newEdition,
    planGroups: target.planGroups,
  });
  return { preview, stamp: target.stamp, current: target.current };
}

/** Too many files are being read: 503 with Retry-After, and the message to try again shortly. */
function busy(c: Context<AdminEnv>, e: ImportBusyError) {
  c.header('Retry-After', String(e.retryAfterSeconds));
  return page(
    c,
    'しばらくお待ちください',
    <p>
      <a href={c.req.path.replace(/\/apply$/, '')}>取り込みの画面へ戻る</a>
    </p>,
    { error: e.ja, status: 503 },
  );
}

/** The edition or a group is created: the apply form asks for a tick (a department is chosen on its own select). */
function needsTick(p: Preview): boolean {
  return p.created.edition !== null || p.created.pillars.length > 0 || p.created.subAreas.length > 0;
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
      <p>
        <a href={`/admin/e/${fy}/import/workbook.xlsx`}>この年度のブックをダウンロード</a> ／{' '}
        <a href={`/admin/e/${fy}/import/workbook.xlsx?blank=1`}>白紙のブック（記入用のひな形）をダウンロード</a>
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

// The workbook of the year (or its blank template): for a year with no edition, the template of the plan's shape.
uploadRoutes.get('/e/:fy/import/workbook.xlsx', async (c) => {
  try {
    mustManage(c);
    const fy = fyParam(c);
    const target = await loadImportTarget(c.get('database').db, await orgCode(c), fy);
    if (!target) throw new WorkspaceError(`${fy}年度を計画期間に含む計画がありません`, 404);
    const blank = c.req.query('blank') === '1' || target.newEdition;
    const bytes = await exportWorkbook(target.current, { blank });
    return c.body(bytes as unknown as ArrayBuffer, 200, {
      'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'content-disposition': `attachment; filename="${target.current.organization.code}_${fy}${blank ? '_blank' : ''}.xlsx"`,
    });
  } catch (e) {
    return refusal(c, e);
  }
});

function Created({ preview }: { preview: Preview }) {
  const lines = createdLines(preview);
  if (!lines.length) return null;
  return (
    <section>
      <h2>新しく作成されるもの</h2>
      <p>適用すると、次のものが新しく作成されます。作成するかどうかは、下の確認欄と選択欄で決めます。</p>
      <ul>
        {lines.map((l) => (
          <li>{l}</li>
        ))}
      </ul>
    </section>
  );
}

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
        <Created preview={preview} />
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
                  {/* Printed 実績 text and other multi-line texts are shown line by line, so every changed line shows. */}
                  <td class="pre">{ch.before ?? '—'}</td>
                  <td class="pre">{ch.after ?? '—'}</td>
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
            {needsTick(preview) ? (
              <p>
                <input id="create" name="create" type="checkbox" value="on" required />{' '}
                <label for="create">
                  「新しく作成されるもの」の
                  {[
                    preview.created.edition !== null ? '版' : '',
                    preview.created.pillars.length || preview.created.subAreas.length ? current.plan.settings.levels.join('・') : '',
                  ]
                    .filter(Boolean)
                    .join('と')}
                  を作成する
                </label>
              </p>
            ) : null}
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
    if (e instanceof ImportBusyError) return busy(c, e);
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
    // The edition and groups need the tick; a department left as 「新しい課所として登録する」 was chosen on its select.
    if (needsTick(preview) && one(b, 'create') !== 'on') {
      throw new WorkspaceError(`「新しく作成されるもの」（${createdLines(preview).join('、')}）を作成するには、確認欄にチェックしてから適用してください`);
    }
    const r = await applyPreview(db, await orgCode(c), fy, preview, {
      actor: c.get('actor'),
      source: 'import:upload',
      expectedStamp: kept.stamp,
      aliases,
      create: true,
    });
    // Kept until it applied, so a refused apply (a department removed meanwhile) can be retried from the page.
    await dropUpload(db, kept.id);
    return back(
      c,
      `/admin/e/${fy}`,
      `取り込みました（変更 ${r.changed} 件${preview.created.edition !== null ? '、版を作成' : ''}）${r.reopened.length ? `。提出済み・承認済みだった ${r.reopened.length} 件は作成中に戻しました（再提出が必要です）` : ''}`,
    );
  } catch (e) {
    if (e instanceof ImportBusyError) return busy(c, e);
    throw uploadRefusal(e);
  }
});
