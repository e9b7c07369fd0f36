// Publishing without going dark: the portal, the API, the downloads and the report show the edition as
// last published. Reopening it to correct a typo, or drafting next year's edition, changes nothing
// public until the next publish. On both databases, through the app and through the command line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { eq, sql } from 'drizzle-orm';
import { backends, SERVER_URL } from '../helpers/db.ts';
import { openDatabase, type Database, type Db, type OpenOptions } from '../../src/db/client.ts';
import * as schema from '../../src/db/schema.ts';
import { authenticate } from '../../src/db/accounts.ts';
import { systemActor } from '../../src/db/command.ts';
import { loadEdition } from '../../src/db/repository.ts';
import { loadSample, sampleDocument } from '../../src/db/sample.ts';
import { loadWorkspace, publishEdition, WorkspaceError } from '../../src/db/workspace.ts';
import { updateIdentity } from '../../src/db/structure.ts';
import { updateKpiActual, updatePlanSettings } from '../../src/db/kpis.ts';
import { listPublishedEditions, loadPublished, publishedInitiativeHistory } from '../../src/db/publication.ts';
import { createApp } from '../../src/web/app.tsx';
import { clearEditionCache } from '../../src/web/public/edition-cache.ts';
import { formOf, PASSWORD, signIn, workspaceApp, type AppLike } from './helpers.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const { doc } = sampleDocument();
const A = doc.data.initiatives.find((i) => i.number === '01')!;
const K = A.key;
const B = { title: '推進本部の開催（訂正後の施策名）', content: '訂正後の施策内容。誤字を直しました。' };

/** Every public reading of the 2023 edition that shows initiative K: page, API, CSV, report, listings. */
async function publicViews(app: AppLike) {
  const get = async (path: string) => {
    const r = await app.request(path);
    return { status: r.status, body: await r.text(), etag: r.headers.get('etag') };
  };
  const page = await get(`/o/082023/2023/initiatives/${K}`);
  const api = await get(`/api/v1/organizations/082023/editions/2023/initiatives/${K}`);
  const csv = await get('/o/082023/2023/downloads/082023_2023_initiatives.csv');
  const report = await get('/o/082023/2023/report.html');
  const apiList = await get('/api/v1/organizations/082023/editions');
  const orgPage = await get('/o/082023');
  for (const [name, r] of Object.entries({ page, api, csv, report, apiList, orgPage })) assert.equal(r.status, 200, name);
  return {
    page: page.body,
    api: JSON.parse(api.body) as { title: string; content: string },
    apiEtag: api.etag,
    csv: csv.body,
    report: report.body,
    listed: (JSON.parse(apiList.body) as { items: { fiscalYear: number }[] }).items.map((e) => e.fiscalYear),
    orgPage: orgPage.body,
  };
}

function assertShows(v: Awaited<ReturnType<typeof publicViews>>, shown: { title: string; content: string }, hidden: { title: string; content: string }) {
  for (const [name, text] of [
    ['portal page', v.page],
    ['CSV download', v.csv],
    ['report HTML', v.report],
  ] as const) {
    assert.ok(text.includes(shown.title), `${name} shows the title ${shown.title}`);
    assert.ok(text.includes(shown.content), `${name} shows the content`);
    assert.ok(!text.includes(hidden.title), `${name} does not show ${hidden.title}`);
    assert.ok(!text.includes(hidden.content), `${name} does not show the other content`);
  }
  assert.equal(v.api.title, shown.title);
  assert.equal(v.api.content, shown.content);
  assert.deepEqual(v.listed, [2023]);
  assert.match(v.orgPage, /href="\/o\/082023\/2023"/);
}

/** The published copies of 日立市's editions (the sample may hold other organizations too). */
async function publications(db: Db) {
  return db
    .select({
      editionId: schema.editionPublications.editionId,
      number: schema.editionPublications.number,
      publishedAt: schema.editionPublications.publishedAt,
      state: schema.editions.state,
    })
    .from(schema.editionPublications)
    .innerJoin(schema.editions, eq(schema.editions.id, schema.editionPublications.editionId))
    .innerJoin(schema.plans, eq(schema.plans.id, schema.editions.planId))
    .innerJoin(schema.organizations, eq(schema.organizations.id, schema.plans.organizationId))
    .where(eq(schema.organizations.code, '082023'))
    .orderBy(schema.editionPublications.editionId);
}

for (const backend of backends) {
  test(`${backend.name}: the public sees the last published version while the edition is reopened`, async (t) => {
    const { database, app } = await workspaceApp(backend);
    const db = database.db;
    try {
      const admin = await signIn(app, 'admin');
      const actor = (await authenticate(db, 'admin', PASSWORD))!;
      const original = { title: A.title, content: A.content };
      let before: Awaited<ReturnType<typeof publicViews>>;

      await t.test('the imported sample is published as imported: its copy exists and the portal shows it', async () => {
        assert.deepEqual(
          (await publications(db)).map((p) => p.number),
          [1],
        );
        const live = (await loadEdition(db, '082023', 2023))!;
        assert.deepEqual(await loadPublished(db, '082023', 2023), live, 'the copy is the whole edition as loaded');
        assert.equal(JSON.stringify(await loadPublished(db, '082023', 2023)), JSON.stringify(live), 'keys in the same order as the live edition');
        before = await publicViews(app);
        assertShows(before, original, B);
      });

      await t.test('publishing a published edition is refused and changes nothing', async () => {
        const pubs = await publications(db);
        const r = await admin.post('/admin/e/2023/publish', {});
        assert.equal(r.status, 409);
        assert.match(r.html, /この版は公開済みです/);
        assert.deepEqual(await publications(db), pubs);
      });

      await t.test('reopen, then edit title and content through the normal commands: the public still sees A', async () => {
        const reopened = await admin.post('/admin/e/2023/reopen', { reason: '誤字の訂正' });
        assert.equal(reopened.status, 303, reopened.html);
        assertShows(await publicViews(app), original, B);
        const form = formOf((await admin.get(`/admin/e/2023/i/${K}`)).html);
        form.content = B.content;
        const saved = await admin.post(`/admin/e/2023/i/${K}`, form);
        assert.equal(saved.status, 303, saved.html);
        const item = (await loadWorkspace(db, actor, 2023)).items.find((i) => i.initiative.key === K)!;
        await updateIdentity(db, actor, 2023, K, item.version, {
          number: A.number,
          title: B.title,
          pillarKey: A.pillarKey,
          subAreaKey: A.subAreaKey,
          departments: A.departments,
        });
        const live = (await loadEdition(db, '082023', 2023))!.initiatives.find((i) => i.key === K)!;
        assert.deepEqual([live.title, live.content], [B.title, B.content], 'the draft holds B');

        const after = await publicViews(app);
        assertShows(after, original, B);
        assert.equal(after.apiEtag, before.apiEtag, 'the published copy did not change, nor its ETag');
        const history = await publishedInitiativeHistory(db, '082023', K);
        assert.deepEqual(
          history.map((h) => [h.fiscalYear, h.initiative.title]),
          [[2023, A.title]],
        );
      });

      await t.test('the admin is told the portal still shows the version published earlier', async () => {
        const page = await admin.get('/admin/e/2023');
        assert.match(page.html, /公開サイトには、\d{4}\/\d{1,2}\/\d{1,2} [\d:]+ に公開した版が表示されています/);
        assert.match(page.html, /この版をもう一度公開する/);
        assert.equal((await app.request('/o/082023/2023')).status, 200, 'not a 404');
      });

      await t.test('publishing again (no round: directly) shows B everywhere', async () => {
        const r = await admin.post('/admin/e/2023/publish', {});
        assert.equal(r.status, 303, r.html);
        assert.deepEqual(
          (await publications(db)).map((p) => p.number),
          [2],
        );
        const after = await publicViews(app);
        assertShows(after, B, original);
        assert.notEqual(after.apiEtag, before.apiEtag);
        assert.doesNotMatch((await admin.get('/admin/e/2023')).html, /公開した版が表示されています/);
      });

      await t.test('drafting next year (the round, its edits, KPIs and settings) changes nothing public', async () => {
        const json = async (path: string) => (await app.request(path)).json();
        const pages = ['/o/082023/2023', `/o/082023/2023/initiatives/${K}`, '/o/082023/2023/kpis/k1', '/o/082023'];
        const html = async () => Promise.all(pages.map(async (p) => (await app.request(p)).text()));
        const edition = await json('/api/v1/organizations/082023/editions/2023');
        const shown = await html();
        assert.match(shown[0]!, /11\.2%（48\.6%）/);

        const opened = await admin.post('/admin/rounds', { fromFiscalYear: '2023', dueDate: '2024-05-31', dropCompleted: 'carry' });
        assert.equal(opened.status, 303, opened.html);
        const form = formOf((await admin.get(`/admin/e/2024/i/${K}`)).html);
        form.content = '2024年度の下書き。';
        assert.equal((await admin.post(`/admin/e/2024/i/${K}`, form)).status, 303);
        await updateKpiActual(db, actor, 2024, 'k1', 2023, '99');
        await updatePlanSettings(db, actor, 2024, { progress: { rounding: 'half-up', decimals: 1, cap: false, bands: [{ grade: 'A', min: '100' }] } });

        assert.deepEqual(await json('/api/v1/organizations/082023/editions/2023'), edition);
        assert.deepEqual(await html(), shown);
        assert.equal((await app.request('/o/082023/2024')).status, 404);
        assert.equal((await app.request('/api/v1/organizations/082023/editions/2024')).status, 404);
        assert.deepEqual(
          (await listPublishedEditions(db, '082023')).map((e) => e.fiscalYear),
          [2023],
        );
        // The live 2023 edition does follow the plan's new rule: only the published copy is frozen.
        assert.equal((await loadEdition(db, '082023', 2023))!.plan.settings.progress.rounding, 'half-up');
      });
    } finally {
      await database.close();
    }
  });

  test(`${backend.name}: an edition stored as published without its copy gets one when the database is opened`, async () => {
    const store = await reopenableDatabase(backend.name);
    try {
      let database = await store.open();
      try {
        await loadSample(database.db);
        // As a database from before the copies existed: published, no copy.
        await database.db.delete(schema.editionPublications);
        await database.db.update(schema.editions).set({ publishedAt: new Date('2024-03-29T01:00:00Z') });
      } finally {
        await database.close();
      }
      database = await store.open();
      try {
        const [copy, ...more] = await publications(database.db);
        assert.ok(copy, 'the copy was written on open');
        assert.equal(more.length, 0);
        assert.equal(copy.number, 1);
        assert.equal(new Date(copy.publishedAt).toISOString(), '2024-03-29T01:00:00.000Z', 'dated when the edition was published');
        assert.deepEqual(await loadPublished(database.db, '082023', 2023), await loadEdition(database.db, '082023', 2023));
        clearEditionCache();
        const app = createApp({ database });
        assert.equal((await app.request('/o/082023/2023')).status, 200);
      } finally {
        await database.close();
      }
      // A draft has nothing to back-fill.
      database = await store.open();
      try {
        await database.db.delete(schema.editionPublications);
        await database.db.update(schema.editions).set({ state: 'draft' });
      } finally {
        await database.close();
      }
      database = await store.open();
      try {
        assert.equal((await database.db.select().from(schema.editionPublications)).length, 0);
      } finally {
        await database.close();
      }
    } finally {
      await store.drop();
    }
  });

  test(`${backend.name}: shisaku publish and reopen, with their refusals`, async () => {
    const store = await reopenableDatabase(backend.name);
    try {
      const run = (args: string[]) => shisaku(args, store.env);
      const seeded = await run(['seed-sample']);
      assert.equal(seeded.code, 0, seeded.stderr);
      // Each look opens the database in this process and closes it again, so the command line can have it.
      const state = () => store.read(fingerprint);

      let before = await state();
      const again = await run(['publish', '--org', '082023', '--year', '2023']);
      assert.equal(again.code, 1, again.stderr);
      assert.match(again.stderr, /^shisaku: この版は公開済みです \/ the edition is already published\n$/);
      assert.equal(again.stdout, '');

      for (const args of [
        ['reopen', '--org', '082023', '--year', '2023'],
        ['reopen', '--org', '082023', '--year', '2023', '--reason', '  '],
        ['publish', '--org', '082023'],
        ['publish', '--org', '082024', '--year', '2023'],
        ['publish', '--org', '082023', '--year', '2023', '--reason', '理由'],
      ]) {
        const r = await run(args);
        assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
        assert.match(r.stderr.split('\n')[0]!, /^shisaku: .*[^\x00-\x7f].* \/ [\x20-\x7e]+$/, 'Japanese, then English');
        assert.match(r.stderr, new RegExp(`使い方 / usage:\\n  shisaku ${args[0]} --org CODE --year YYYY`));
      }
      assert.match((await run(['reopen', '--org', '082023', '--year', '2023'])).stderr, /--reason 理由 が必要です/);
      const none = await run(['publish', '--org', '082023', '--year', '2030']);
      assert.equal(none.code, 1);
      assert.match(none.stderr, /2030年度）の版はありません \/ no such edition/);
      assert.equal(await state(), before, 'no refusal changed anything');

      const reopened = await run(['reopen', '--org', '082023', '--year', '2023', '--reason', '誤字の訂正']);
      assert.equal(reopened.code, 0, reopened.stderr);
      assert.match(reopened.stderr, /再開しました（理由: 誤字の訂正）/);
      await store.read(async (db) => {
        assert.deepEqual(
          (await publications(db)).map((p) => [p.state, p.number]),
          [['draft', 1]],
          'the edition is a draft again and its copy stays',
        );
        const r = (await db.execute(
          sql`SELECT a.after->>'reason' AS reason, c.actor FROM audit_log a JOIN change_sets c ON c.id = a.change_set_id WHERE a.entity = 'edition' AND c.source = 'edition:reopen'`,
        )) as unknown as { rows: { reason: string; actor: string }[] };
        assert.deepEqual(r.rows, [{ reason: '誤字の訂正', actor: 'cli' }]);
        before = await fingerprint(db);
      });

      const twice = await run(['reopen', '--org', '082023', '--year', '2023', '--reason', 'もう一度']);
      assert.equal(twice.code, 1);
      assert.match(twice.stderr, /この版は公開されていません \/ the edition is not published/);
      assert.equal(await state(), before);

      const published = await run(['publish', '--org', '082023', '--year', '2023']);
      assert.equal(published.code, 0, published.stderr);
      assert.match(published.stderr, /公開しました（2回目の公開） \/ published FY2023 \(publication 2\)/);
      assert.equal(published.stdout, '');
      await store.read(async (db) => {
        assert.deepEqual(
          (await publications(db)).map((p) => p.number),
          [2],
        );
        await assert.rejects(publishEdition(db, await systemActor(db, '082023'), 2023), (e) => e instanceof WorkspaceError && e.status === 409);
      });
    } finally {
      await store.drop();
    }
  });
}

/** What a refusal must not change: change sets, audit rows, editions' state and version, the copies. */
async function fingerprint(db: Db): Promise<string> {
  const r = (await db.execute(sql`
    SELECT (SELECT count(*) FROM change_sets)::int AS sets,
           (SELECT count(*) FROM audit_log)::int AS audit,
           (SELECT string_agg(id || ':' || state || ':' || version, ',' ORDER BY id) FROM editions) AS editions,
           (SELECT string_agg(edition_id || ':' || number || ':' || extract(epoch from published_at), ',' ORDER BY edition_id) FROM edition_publications) AS copies`)) as unknown as {
    rows: unknown[];
  };
  return JSON.stringify(r.rows[0]);
}

interface Store {
  /** Environment for the command line on this database. */
  env: Record<string, string>;
  open(): Promise<Database>;
  /** Opens, reads and closes again, so the command line can take the database next. */
  read<T>(fn: (db: Db) => Promise<T>): Promise<T>;
  drop(): Promise<void>;
}

/** A database that can be closed and opened again (the test helpers' databases live for one open). */
async function reopenableDatabase(kind: 'pglite' | 'postgres'): Promise<Store> {
  let options: OpenOptions;
  let env: Record<string, string>;
  let drop: () => Promise<void>;
  if (kind === 'pglite') {
    const dir = mkdtempSync(join(tmpdir(), 'shisaku-publication-'));
    options = { dataDir: join(dir, 'data') };
    env = { DATABASE_URL: '', SHISAKU_DATA_DIR: options.dataDir! };
    drop = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    const name = `shisaku_t_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: SERVER_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(SERVER_URL);
    url.pathname = `/${name}`;
    options = { url: url.toString() };
    env = { DATABASE_URL: url.toString() };
    drop = async () => {
      const c = new pg.Client({ connectionString: SERVER_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    };
  }
  const open = () => openDatabase(options);
  return {
    env,
    open,
    read: async (fn) => {
      const database = await open();
      try {
        return await fn(database.db);
      } finally {
        await database.close();
      }
    },
    drop,
  };
}

function shisaku(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // main.ts as the entry, as `npx tsx src/cli/main.ts` runs it: its top-level await is then in play.
    const p = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), ...args], { cwd: ROOT, env: { ...process.env, DEBUG: '', ...env } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.stdin.end();
    p.on('error', reject);
    p.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
