// Open-data downloads of an edition and the page that lists them with their column definitions.
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../env.ts';
import { Layout } from '../layout.tsx';
import { fyText, t } from '../i18n.ts';
import { validateOrgCode } from '../../domain/org-code.ts';
import { editionView, type EditionView } from './edition-cache.ts';
import { downloads, tableDefinitions } from '../../export/opendata.ts';
import { TableWrap, editionPath } from './components.tsx';
import { notFoundPage } from './page.tsx';
import { hasShape } from './shape-parts.tsx';

export const downloadRoutes = new Hono<AppEnv>();

/** The edition as last published: a reopened edition's files stay those of its published copy. */
async function view(c: Context<AppEnv>): Promise<EditionView | null> {
  const org = c.req.param('org') ?? '';
  const fy = c.req.param('fy') ?? '';
  if (!validateOrgCode(org).ok || !/^\d{4}$/.test(fy)) return null;
  return editionView(c.get('database').db, org, Number(fy));
}

/**
 * Where the plan's definition (its levels, sections, indicator kinds, grade scale, schedule) is published as
 * metadata apart from the data: the API's definition endpoints. Shown for plans of a shape of their own.
 */
function DefinitionLinks({ view, lang }: { view: EditionView; lang: 'ja' | 'en' }) {
  const api = `/api/v1/organizations/${view.data.organization.code}/editions/${view.data.edition.fiscalYear}/definition`;
  return (
    <>
      <h2>{t(lang, 'definition')}</h2>
      <p>
        {lang === 'ja'
          ? '階層、記入項目、指標の種類、評価の基準、スケジュールなど、この計画の形を定めた定義です（docs/plan-definition.schema.json の形式）。'
          : "The plan's definition: its levels, sections, indicator kinds, grade scale and schedule (the format of docs/plan-definition.schema.json)."}
      </p>
      <ul>
        <li>
          <a href={api}>{lang === 'ja' ? '計画の定義（JSON）' : 'Plan definition (JSON)'}</a>
        </li>
        <li>
          <a href={`${api}.yaml`}>{lang === 'ja' ? '計画の定義（YAML）' : 'Plan definition (YAML)'}</a>
        </li>
      </ul>
    </>
  );
}

downloadRoutes.get('/o/:org/:fy{[0-9]+}/downloads', async (c) => {
  const v = await view(c);
  if (!v) return notFoundPage(c);
  const lang = c.get('lang');
  const files = downloads(v.data);
  return c.html(
    <Layout
      title={t(lang, 'downloads')}
      lang={lang}
      path={c.req.path}
      breadcrumbs={[{ href: '/', label: t(lang, 'home') }, { href: editionPath(v), label: v.data.edition.title }, { label: t(lang, 'downloads') }]}
      editionBase={editionPath(v)}
      planWords={v.data.plan.settings}
    >
      <h1>{t(lang, 'downloads')}</h1>
      <p>
        {v.data.edition.title}（{fyText(lang, v.data.edition.fiscalYear)}）
        {lang === 'ja'
          ? 'のデータです。CSV は UTF-8（BOM付き）で、Excel でそのまま開けます。1列目は全国地方公共団体コードです。'
          : '. CSV files are UTF-8 with BOM (open directly in Excel); the first column is the local government code.'}
      </p>
      <ul>
        {files.map((f) => (
          <li>
            <a href={`${editionPath(v)}/downloads/${f.file}`} download>
              {f.file}
            </a>
          </li>
        ))}
      </ul>
      <p class="source">
        {t(lang, 'source')}: {v.data.edition.source?.replace(/^出典[:：]\s*/, '')}
      </p>
      {hasShape(v.data) ? <DefinitionLinks view={v} lang={lang} /> : null}
      <h2>{lang === 'ja' ? '項目定義' : 'Column definitions'}</h2>
      {Object.entries(tableDefinitions(v.data)).map(([id, def]) => (
        <section>
          <h3 id={id}>
            {def.title}（{id}）
          </h3>
          <TableWrap label={def.title}>
            <table>
              <thead>
                <tr>
                  <th scope="col">{lang === 'ja' ? '項目名' : 'Column'}</th>
                  <th scope="col">{lang === 'ja' ? '型' : 'Type'}</th>
                  <th scope="col">{lang === 'ja' ? '説明' : 'Description'}</th>
                </tr>
              </thead>
              <tbody>
                {def.columns.map((col) => (
                  <tr>
                    <td>{col.name}</td>
                    <td>{col.type}</td>
                    <td>{col.description}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        </section>
      ))}
    </Layout>,
  );
});

downloadRoutes.get('/o/:org/:fy{[0-9]+}/downloads/:file', async (c) => {
  const v = await view(c);
  if (!v) return notFoundPage(c);
  const d = downloads(v.data).find((x) => x.file === c.req.param('file'));
  if (!d) return notFoundPage(c);
  // Kept with the edition view, so a write (a new stamp) drops them; the zip and workbook are slow to make.
  let body = v.files.get(d.file);
  if (body === undefined) {
    body = await d.body();
    v.files.set(d.file, body);
  }
  const etag = `"${v.stamp}"`;
  c.header('ETag', etag);
  c.header('Cache-Control', 'public, no-cache');
  if (c.req.header('if-none-match') === etag) return c.body(null, 304);
  c.header('Content-Type', d.type);
  c.header('Content-Disposition', `attachment; filename="${d.file}"`);
  return c.body(body as string);
});
