// The three example plans of other shapes (data-sample/example-*), each entered as a new municipality
// enters its plan (plan definition → blank workbook filled by heading → import with creation → publish,
// src/db/example-plans.ts), and what the public sees of them: the stored edition holds what the entries
// file says, level by level; the portal shows three-level breadcrumbs, the plan's sections in order,
// indicator targets as the plan words them ("1,000人/年", "75人（累計）", 85%, a qualitative target),
// grade badges A–D with their labels (one set by hand, with its reason), the schedule table and the
// milestones; the JSON API gives the plan's definition and the edition's shape parts; the report prints
// them; and the workbook exported from each edition, imported again, announces nothing. Expected values
// are read from the examples' own files, so an edited example keeps the test honest. One loaded database
// per backend, shared by the subtests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { backends } from '../helpers/db.ts';
import type { Database } from '../../src/db/client.ts';
import { EXAMPLE_PLANS, loadExamplePlans, type ExamplePlan } from '../../src/db/example-plans.ts';
import { entrySheets, type EntryRow, type Entries } from '../../src/db/sample-town.ts';
import { loadEdition } from '../../src/db/repository.ts';
import { loadImportTarget } from '../../src/db/import-target.ts';
import { exportWorkbook } from '../../src/export/xlsx.ts';
import { readXlsx } from '../../src/import/spreadsheet.ts';
import { INITIATIVE_SHEET } from '../../src/domain/sheets.ts';
import { formatErrors, previewSpreadsheet } from '../../src/domain/changes.ts';
import { initiativeGrade } from '../../src/domain/grades.ts';
import { fieldValueOf, formatFieldValue } from '../../src/domain/field-values.ts';
import { planFields, type EditionData, type Indicator, type Initiative } from '../../src/domain/model.ts';
import { createApp } from '../../src/web/app.tsx';
import { clearEditionCache } from '../../src/web/public/edition-cache.ts';

// ---- the examples' own files ------------------------------------------------------------------------

interface Example {
  plan: ExamplePlan;
  /** plan.yaml as written. */
  definition: Record<string, unknown> & { title: string; levels: string[]; initiative: string };
  sheets: Record<string, EntryRow[]>;
  source: string;
}

const byDir = (dir: string): Example => {
  const plan = EXAMPLE_PLANS.find((p) => p.dir === dir)!;
  const entries = parseYaml(readFileSync(plan.entriesFile, 'utf8')) as Entries;
  return {
    plan,
    definition: parseYaml(readFileSync(plan.planFile, 'utf8')) as Example['definition'],
    sheets: entrySheets(entries),
    source: entries.source,
  };
};
const LEVELS = byDir('example-levels');
const GRADES = byDir('example-grades');
const SCHEDULE = byDir('example-schedule');
const EXAMPLES = [LEVELS, GRADES, SCHEDULE];

/** The title column's heading, as the workbook heads it (an item needs no 名: 取組項目). */
const titleHeading = (x: Example) => (x.definition.initiative.endsWith('項目') ? x.definition.initiative : `${x.definition.initiative}名`);
const cell = (row: EntryRow, heading: string): string | null => (row[heading] === undefined || row[heading] === null ? null : String(row[heading]));
const initiativeRows = (x: Example) => x.sheets[INITIATIVE_SHEET] ?? [];
const rowsOf = (x: Example, sheet: string, title: string) => (x.sheets[sheet] ?? []).filter((r) => cell(r, titleHeading(x)) === title);

/** What the grade example's figures earn, by 番号 (its SOURCE.md says the same). */
const EXPECTED_GRADES: Record<string, string> = { '01': 'A', '02': 'B', '03': 'C', '04': 'B', '05': 'B', '06': 'C', '07': 'D', '08': 'B', '09': 'D' };
const GRADE_LABELS: Record<string, string> = { A: '目標より進んでいる', B: '目標どおり', C: '目標より遅れている', D: '評価できない' };

// ---- reading pages ------------------------------------------------------------------------------------

const decode = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&amp;/g, '&');
/** The text of some HTML: tags removed (each replaced by nothing, so a value split over elements reads as one), entities decoded. */
const textOf = (html: string) => decode(html.replace(/<(script|style)\b[\s\S]*?<\/\1>/g, '').replace(/<[^>]+>/g, ''));
const squash = (s: string) => s.replace(/\s+/g, ' ').trim();
const mainOf = (html: string) => /<main\b[\s\S]*?<\/main>/.exec(html)?.[0] ?? html;

/** The links of a page: href and text. */
function links(html: string): { href: string; text: string }[] {
  return [...html.matchAll(/<a\b[^>]*?\bhref="([^"]*)"[^>]*>([\s\S]*?)<\/a>/g)].map((m) => ({ href: decode(m[1]!), text: squash(textOf(m[2]!)) }));
}

/** The breadcrumbs' items, in order. */
function crumbs(html: string): string[] {
  const nav = /<nav\b[^>]*class="breadcrumbs"[^>]*>([\s\S]*?)<\/nav>/.exec(html)?.[1] ?? '';
  return [...nav.matchAll(/<li\b[^>]*>([\s\S]*?)<\/li>/g)].map((m) => squash(textOf(m[1]!)));
}

/** Asserts that each text occurs in `text`, in this order. */
function inOrder(text: string, items: string[], what: string): void {
  let at = -1;
  for (const item of items) {
    const k = text.indexOf(item, at + 1);
    assert.ok(k > at, `${what}: 「${item}」 after 「${items[items.indexOf(item) - 1] ?? '(start)'}」 (${items.join(' → ')})`);
    at = k;
  }
}

const initiativeNamed = (data: EditionData, title: string): Initiative => {
  const i = data.initiatives.find((n) => n.title === title);
  assert.ok(i, `「${title}」 is stored`);
  return i;
};

// ---- the stored edition against the entries ---------------------------------------------------------

const YEAR_COLUMN = /^(\d{4})年度(目標|実績)$/;

/** The stored initiatives against the 施策 rows: groups level by level, departments, sections; the 指標 and マイルストーン rows. */
function checkStored(x: Example, data: EditionData): void {
  const levels = x.definition.levels;
  const rows = initiativeRows(x);
  assert.equal(data.initiatives.length, rows.length, `${x.plan.dir}: one initiative per row`);
  assert.equal(data.edition.state, 'published');
  assert.equal(data.edition.source, x.source);
  const pillar = (key: string) => data.pillars.find((p) => p.key === key)!;
  const subAreas = data.pillars.flatMap((p) => p.subAreas);
  const fields = planFields(data.plan.settings);
  for (const row of rows) {
    const title = cell(row, titleHeading(x))!;
    const i = initiativeNamed(data, title);
    assert.equal(i.number, cell(row, '番号'));
    assert.deepEqual(i.departments, cell(row, '担当課所')!.split('、'), `${title}: its departments`);
    // The group path, deepest first: the initiative sits in the deepest group its row names.
    const path: string[] = [];
    let sub = i.subAreaKey ? subAreas.find((s) => s.key === i.subAreaKey) : undefined;
    while (sub) {
      path.unshift(sub.name);
      sub = sub.parentKey ? subAreas.find((s) => s.key === sub!.parentKey) : undefined;
    }
    path.unshift(pillar(i.pillarKey).name);
    assert.deepEqual(
      path,
      levels.map((l) => cell(row, l)).filter((n): n is string => n !== null),
      `${title}: its groups, level by level`,
    );
    for (const f of fields) {
      const typed = cell(row, f.label);
      assert.equal(fieldValueOf(i, f.key), typed, `${title}: ${f.label}`);
    }
    const indicators = rowsOf(x, '指標', title);
    assert.deepEqual(
      (i.indicators ?? []).map((d) => d.name),
      indicators.map((r) => cell(r, '指標名')),
      `${title}: its indicators`,
    );
    for (const [k, r] of indicators.entries()) {
      const d: Indicator = i.indicators![k]!;
      const kind = cell(r, '目標の種類');
      assert.equal(d.kind, cell(r, '種類'), `${d.name}: 種類`);
      assert.equal(d.unit, cell(r, '単位'), `${d.name}: 単位`);
      assert.equal(d.direction, cell(r, '方向') === '低いほど良い' ? 'lower' : 'higher', `${d.name}: 方向`);
      assert.equal(d.perYear, kind === '年間', `${d.name}: 年間`);
      assert.equal(d.cumulative, kind === '累計', `${d.name}: 累計`);
      assert.equal(d.qualitative, kind === '定性' ? cell(r, '定性目標') : null, `${d.name}: 定性目標`);
      assert.deepEqual(
        d.baseline,
        cell(r, '基準値') === null ? null : { fiscalYear: Number(cell(r, '基準年度')), value: cell(r, '基準値') },
        `${d.name}: 基準値`,
      );
      assert.deepEqual(
        d.target,
        cell(r, '目標値') === null ? null : { fiscalYear: Number(cell(r, '目標年度')), value: cell(r, '目標値') },
        `${d.name}: 目標値`,
      );
      const years = new Map<number, { target: string | null; actual: string | null; achieved: boolean | null }>();
      for (const [heading, value] of Object.entries(r)) {
        const m = YEAR_COLUMN.exec(heading);
        if (!m || value === null) continue;
        const y = years.get(Number(m[1])) ?? { target: null, actual: null, achieved: null };
        if (m[2] === '目標') y.target = String(value);
        else if (kind === '定性') y.achieved = value === '達成';
        else y.actual = String(value);
        years.set(Number(m[1]), y);
      }
      for (const [fy, want] of years) {
        const got = d.values.find((v) => v.fiscalYear === fy);
        assert.deepEqual(got && { target: got.target, actual: got.actual, achieved: got.achieved }, want, `${d.name}: ${fy}年度`);
      }
    }
    const grade = cell(row, '評価');
    assert.deepEqual(
      i.grade ? { grade: i.grade.grade, reason: i.grade.reason } : null,
      grade ? { grade, reason: cell(row, '評価の理由') } : null,
      `${title}: 評価`,
    );
    const schedule = Object.keys(row)
      .map((h) => /^工程 (\d{4})年度$/.exec(h))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ period: m[1]!, phase: cell(row, m[0])! }));
    assert.deepEqual(i.schedule ?? [], schedule, `${title}: 工程`);
    assert.deepEqual(
      (i.milestones ?? []).map((m) => ({ date: m.date, label: m.label, done: m.done })),
      rowsOf(x, 'マイルストーン', title).map((r) => ({ date: cell(r, '日付'), label: cell(r, '内容'), done: cell(r, '完了') === 'はい' })),
      `${title}: マイルストーン`,
    );
  }
}

for (const backend of backends) {
  test(`${backend.name}: the example plans of other shapes, entered through the blank workbook and published`, { timeout: 180_000 }, async (t) => {
    const database: Database = await backend.open();
    clearEditionCache();
    try {
      const started = performance.now();
      const loaded = await loadExamplePlans(database.db);
      t.diagnostic(`loadExamplePlans: ${Math.round(performance.now() - started)} ms on ${backend.name}`);
      const app = createApp({ database });
      const get = async (path: string) => {
        const res = await app.request(path, { headers: { 'accept-language': 'ja' } });
        assert.equal(res.status, 200, `GET ${path}`);
        return res.text();
      };
      const json = async <T = unknown>(path: string): Promise<T> => {
        const res = await app.request(path);
        assert.equal(res.status, 200, `GET ${path}`);
        return (await res.json()) as T;
      };
      const edition: Record<string, EditionData> = {};
      for (const x of EXAMPLES) edition[x.plan.dir] = (await loadEdition(database.db, x.plan.code, x.plan.fiscalYear))!;
      const base = (x: Example) => `/o/${x.plan.code}/${x.plan.fiscalYear}`;
      const initiativePage = (x: Example, title: string) =>
        get(`${base(x)}/initiatives/${encodeURIComponent(initiativeNamed(edition[x.plan.dir]!, title).key)}`);

      await t.test('each example loads through plan create, the blank workbook, import and publish; loading again adds nothing', async () => {
        assert.deepEqual(
          loaded.map((p) => p.dir),
          EXAMPLE_PLANS.map((p) => p.dir),
        );
        assert.deepEqual(await loadExamplePlans(database.db), [], 'a second load finds them there');
        for (const x of EXAMPLES) {
          const data = edition[x.plan.dir];
          assert.ok(data, `${x.plan.dir}: the edition ${x.plan.fiscalYear} is stored`);
          assert.match(data.organization.name, /（架空の例）$/);
          checkStored(x, data);
        }
      });

      await t.test('example-levels: three levels of groups, and 事業 with several departments', () => {
        const data = edition[LEVELS.plan.dir]!;
        const rows = initiativeRows(LEVELS);
        const names = (level: string) => [...new Set(rows.map((r) => cell(r, level)))];
        assert.deepEqual(
          data.pillars.map((p) => p.name),
          names('基本目標'),
        );
        const subAreas = data.pillars.flatMap((p) => p.subAreas);
        assert.deepEqual(
          subAreas
            .filter((s) => !s.parentKey)
            .map((s) => s.name)
            .sort(),
          names('取組分野').sort(),
        );
        assert.deepEqual(
          subAreas
            .filter((s) => s.parentKey)
            .map((s) => s.name)
            .sort(),
          names('取組事項').sort(),
        );
        assert.ok(data.initiatives.filter((i) => i.departments.length >= 2).length >= 5, 'several 事業 have two or three departments');
        const shared = new Map<string, number>();
        for (const i of data.initiatives) for (const d of i.departments) shared.set(d, (shared.get(d) ?? 0) + 1);
        assert.ok([...shared.values()].filter((n) => n >= 3).length >= 2, 'departments are shared between 事業');
      });

      await t.test('example-grades: the figures earn A, B, C and D; one grade is set by hand', () => {
        const data = edition[GRADES.plan.dir]!;
        const got = Object.fromEntries(data.initiatives.map((i) => [i.number, initiativeGrade(i, data.edition.fiscalYear, data.plan.settings)?.grade]));
        assert.deepEqual(got, EXPECTED_GRADES);
        const manual = data.initiatives.filter((i) => i.grade);
        assert.equal(manual.length, 1);
        assert.equal(initiativeGrade(manual[0]!, data.edition.fiscalYear, data.plan.settings)?.source, 'manual');
      });

      await t.test('portal: each overview names the fictional municipality, its plan and the 出典 line', async () => {
        for (const x of EXAMPLES) {
          const html = await get(base(x));
          const text = textOf(html);
          assert.ok(text.includes(x.definition.title), `${x.plan.dir}: the plan's title`);
          assert.ok(text.includes('架空の例'), `${x.plan.dir}: says it is a fictional example`);
          for (const name of new Set(initiativeRows(x).map((r) => cell(r, x.definition.levels[0]!)!)))
            assert.ok(text.includes(name), `${x.plan.dir}: the ${x.definition.levels[0]} 「${name}」`);
        }
      });

      await t.test('portal: a level-3 group page and a 事業 page have breadcrumbs through all three levels', async () => {
        const row = initiativeRows(LEVELS)[0]!;
        const [l1, l2, l3] = LEVELS.definition.levels.map((l) => cell(row, l)!) as [string, string, string];
        // From the overview by links, as a visitor goes: the 基本目標, then the 取組分野 or directly the 取組事項.
        const pages = [await get(base(LEVELS))];
        const under = (href: string) => href.startsWith(`${base(LEVELS)}/`) && !href.includes('/initiatives/');
        for (const name of [l1, l2, l3]) {
          const link = [...pages]
            .reverse()
            .flatMap((p) => links(mainOf(p)))
            .find((a) => (a.text === name || a.text.startsWith(name)) && under(a.href));
          if (link) pages.push(await get(link.href));
          else assert.ok(name === l2, `a link to the group 「${name}」 (${name === l1 ? 'on the overview' : 'on the group pages above it'})`);
        }
        const group = pages.at(-1)!;
        assert.deepEqual(crumbs(group).slice(-3), [l1, l2, l3], 'the level-3 group page: its breadcrumbs');
        assert.ok(textOf(/<h1\b[^>]*>([\s\S]*?)<\/h1>/.exec(group)?.[1] ?? '').includes(l3), 'the level-3 group page: its name as the heading');
        const listed = links(mainOf(group)).map((a) => a.text);
        for (const r of initiativeRows(LEVELS).filter((r) => cell(r, '取組事項') === l3)) {
          const title = cell(r, '事業名')!;
          assert.ok(
            listed.some((l) => l.includes(title)),
            `the level-3 group page links 「${title}」`,
          );
        }
        const page = await initiativePage(LEVELS, cell(row, '事業名')!);
        const c = crumbs(page);
        assert.deepEqual(c.slice(-4, -1), [l1, l2, l3], 'the 事業 page: its breadcrumbs');
        assert.ok(c.at(-1)!.includes(cell(row, '事業名')!));
      });

      await t.test('portal: the plan’s sections in their order, with typed values', async () => {
        for (const [x, title] of [
          [LEVELS, '電子申請サービスの拡充'],
          [SCHEDULE, '行かなくてよい役場'],
        ] as const) {
          const data = edition[x.plan.dir]!;
          const i = initiativeNamed(data, title);
          const text = textOf(mainOf(await initiativePage(x, title)));
          const fields = planFields(data.plan.settings);
          inOrder(
            text,
            fields.map((f) => f.label),
            `${x.plan.dir}: sections`,
          );
          for (const f of fields) {
            const v = fieldValueOf(i, f.key);
            assert.ok(text.includes(formatFieldValue(f, v)), `${x.plan.dir}: ${f.label} 「${formatFieldValue(f, v)}」`);
          }
          assert.ok(!text.includes(`${x.definition.initiative}内容`), `${x.plan.dir}: no default section heading`);
        }
        assert.ok(textOf(await initiativePage(LEVELS, '電子申請サービスの拡充')).includes('12,800'), 'money grouped');
        const schedulePage = await initiativePage(SCHEDULE, '行かなくてよい役場');
        assert.match(schedulePage, /<a\b[^>]*href="https:\/\/www\.example\.com\/mohan\/online-shinsei"/, 'the url section is a link');
      });

      await t.test('portal: indicator targets as the plan words them, qualitative targets and their judgement', async () => {
        const page = async (title: string) => squash(textOf(mainOf(await initiativePage(GRADES, title))));
        assert.ok((await page('オンライン申請の利用促進')).includes('1,000人/年'), 'a per-year target: 1,000人/年');
        assert.ok((await page('デジタル活用支援員の育成')).includes('75人（累計）'), 'a cumulative target: 75人（累計）');
        assert.ok((await page('ペーパーレス会議の推進')).includes('85%'), 'a percentage: 85%');
        const lower = await page('窓口の待ち時間の短縮');
        for (const s of ['30分', '15分', '28分']) assert.ok(lower.includes(s), `lower is better, from its baseline: 「${s}」`);
        const met = await page('庁内コミュニケーションの見直し');
        assert.ok(met.includes('行動規範の制定、ビジネスチャットの導入'), 'a qualitative target in its words');
        assert.ok(met.includes('達成') && !met.includes('未達成'), 'judged 達成');
        assert.ok((await page('テレワーク環境の整備')).includes('未達成'), 'judged 未達成');
        assert.ok(!(await page('地域情報ポータルサイトの開設')).includes('未達成'), 'not judged yet: not 未達成');
        for (const [x, title] of [
          [LEVELS, '電子申請サービスの拡充'],
          [SCHEDULE, '行かなくてよい役場'],
        ] as const) {
          const text = squash(textOf(mainOf(await initiativePage(x, title))));
          for (const r of rowsOf(x, '指標', title)) assert.ok(text.includes(cell(r, '指標名')!), `${x.plan.dir}: the indicator 「${cell(r, '指標名')}」`);
        }
      });

      await t.test('portal: grade badges A–D with their labels; the grade set by hand with its reason', async () => {
        const data = edition[GRADES.plan.dir]!;
        for (const r of initiativeRows(GRADES)) {
          const title = cell(r, '取組項目')!;
          const grade = EXPECTED_GRADES[cell(r, '番号')!]!;
          const text = squash(textOf(mainOf(await initiativePage(GRADES, title))));
          assert.ok(text.includes(GRADE_LABELS[grade]!), `${title}: ${grade} ${GRADE_LABELS[grade]}`);
          assert.match(text, new RegExp(`(^|[^A-Za-z])${grade}([^A-Za-z]|$)`), `${title}: the badge ${grade}`);
          const reason = cell(r, '評価の理由');
          if (reason) assert.ok(text.includes(reason), `${title}: the reason of the grade set by hand`);
        }
        // The lists name the grades too: together the group pages (or the overview) show every label.
        const overview = await get(base(GRADES));
        const pillarPages = await Promise.all(
          data.pillars.map((p) => {
            const link = links(mainOf(overview)).find((a) => a.text === p.name && !a.href.includes('/initiatives/'));
            assert.ok(link, `the overview links 「${p.name}」`);
            return get(link.href);
          }),
        );
        const lists = textOf([overview, ...pillarPages].map(mainOf).join('\n'));
        for (const [grade, label] of Object.entries(GRADE_LABELS)) assert.ok(lists.includes(label), `the lists show ${grade} ${label}`);
      });

      await t.test('portal: the schedule table and the milestones', async () => {
        for (const r of initiativeRows(SCHEDULE)) {
          const title = cell(r, '取組名')!;
          const html = mainOf(await initiativePage(SCHEDULE, title));
          const phases = ['2024', '2025', '2026'].map((y) => cell(r, `工程 ${y}年度`)!);
          const tables = [...html.matchAll(/<table\b[\s\S]*?<\/table>/g)].map((m) => textOf(m[0]));
          assert.ok(
            tables.some((tb) => {
              try {
                inOrder(tb, phases, 'schedule');
                return true;
              } catch {
                return false;
              }
            }),
            `${title}: a table with the phases ${phases.join(' → ')}`,
          );
          assert.match(html, /<svg\b[^>]*role="img"/, `${title}: the schedule chart`);
          const text = textOf(html);
          for (const m of rowsOf(SCHEDULE, 'マイルストーン', title))
            assert.ok(text.includes(cell(m, '内容')!), `${title}: the milestone 「${cell(m, '内容')}」`);
        }
      });

      await t.test('API: the plan’s definition, and the edition’s shape parts', async () => {
        const openapi = await json<{ paths: Record<string, unknown> }>('/api/openapi.json');
        const path = Object.keys(openapi.paths).find((p) => /definition/i.test(p));
        assert.ok(path, `a definition endpoint in ${Object.keys(openapi.paths).join(', ')}`);
        for (const x of EXAMPLES) {
          const url = `/api${path.replace('{org}', x.plan.code).replace('{fy}', String(x.plan.fiscalYear))}`;
          assert.doesNotMatch(url, /\{/, `the definition endpoint takes only org and fy: ${path}`);
          const body = await json<Record<string, unknown>>(url);
          // The definition itself, or a document holding it beside its YAML.
          const def = (body.definition && typeof body.definition === 'object' ? body.definition : body) as Record<string, unknown>;
          const file = x.definition;
          assert.deepEqual(def.levels, file.levels, `${x.plan.dir}: levels`);
          assert.equal(def.initiative, file.initiative, `${x.plan.dir}: initiative`);
          for (const key of ['fields', 'indicators', 'schedule'] as const) assert.deepEqual(def[key], file[key], `${x.plan.dir}: ${key}`);
          if (file.grades) {
            const g = def.grades as { scale: unknown; unrated: unknown };
            const want = file.grades as { scale: unknown; unrated: unknown };
            assert.deepEqual([g.scale, g.unrated], [want.scale, want.unrated], `${x.plan.dir}: grades`);
          }
        }
        // The edition: groups with their parents, initiatives with their shape parts.
        const levels = await json<{ pillars: { subAreas: { name: string; parentKey?: string | null }[] }[]; initiatives: Record<string, unknown>[] }>(
          `/api/v1/organizations/${LEVELS.plan.code}/editions/${LEVELS.plan.fiscalYear}`,
        );
        const subs = levels.pillars.flatMap((p) => p.subAreas);
        for (const name of new Set(initiativeRows(LEVELS).map((r) => cell(r, '取組事項')!)))
          assert.ok(subs.find((s) => s.name === name)?.parentKey, `the API's 取組事項 「${name}」 names its 取組分野`);
        const first = levels.initiatives.find((i) => i.title === '電子申請サービスの拡充')!;
        assert.deepEqual(first.fields, { budget: '12800' }, 'the API: the 事業費 section as an exact decimal');
        assert.equal((first.indicators as unknown[] | undefined)?.length, 2, 'the API: its indicators');
        const grades = await json<{ initiatives: Record<string, unknown>[] }>(`/api/v1/organizations/${GRADES.plan.code}/editions/${GRADES.plan.fiscalYear}`);
        for (const i of grades.initiatives) {
          const grade = EXPECTED_GRADES[i.number as string]!;
          assert.ok(JSON.stringify(i).includes(GRADE_LABELS[grade]!), `the API: ${String(i.title)} is ${grade} ${GRADE_LABELS[grade]}`);
        }
        const schedule = await json<{ initiatives: Record<string, unknown>[] }>(
          `/api/v1/organizations/${SCHEDULE.plan.code}/editions/${SCHEDULE.plan.fiscalYear}`,
        );
        const online = schedule.initiatives.find((i) => i.title === '行かなくてよい役場')!;
        assert.deepEqual(online.schedule, initiativeNamed(edition[SCHEDULE.plan.dir]!, '行かなくてよい役場').schedule, 'the API: its schedule');
        assert.equal((online.milestones as unknown[] | undefined)?.length, 3, 'the API: its milestones');
        const one = await json<Record<string, unknown>>(
          `/api/v1/organizations/${SCHEDULE.plan.code}/editions/${SCHEDULE.plan.fiscalYear}/initiatives/${encodeURIComponent(String(online.key))}`,
        );
        assert.deepEqual(one.schedule, online.schedule, 'one initiative by key has its schedule');
      });

      await t.test('report: levels, sections, indicators, grades and the schedule are printed', async () => {
        const levels = squash(textOf(await get(`${base(LEVELS)}/report.html`)));
        for (const r of initiativeRows(LEVELS))
          for (const l of LEVELS.definition.levels) assert.ok(levels.includes(cell(r, l)!), `report: the ${l} 「${cell(r, l)}」`);
        inOrder(levels, ['事業概要', '事業費（千円）', '今年度の取組'], 'report: sections');
        const grades = squash(textOf(await get(`${base(GRADES)}/report.html`)));
        for (const s of ['1,000人/年', '75人（累計）', '85%', '行動規範の制定、ビジネスチャットの導入', ...Object.values(GRADE_LABELS)])
          assert.ok(grades.includes(s), `report: 「${s}」`);
        const reason = initiativeRows(GRADES).find((r) => cell(r, '評価の理由'));
        assert.ok(grades.includes(cell(reason!, '評価の理由')!), 'report: the reason of the grade set by hand');
        const schedule = await get(`${base(SCHEDULE)}/report.html`);
        const text = squash(textOf(schedule));
        for (const s of ['現状・課題', '今後の展開', '検討', '準備', '実施', '運用', '住民票の写しの電子請求を開始'])
          assert.ok(text.includes(s), `report: 「${s}」`);
        assert.match(schedule, /<svg\b[^>]*role="img"/, 'report: the schedule chart');
      });

      await t.test('the workbook exported from each published edition, imported again, announces nothing', async () => {
        for (const x of EXAMPLES) {
          const target = (await loadImportTarget(database.db, x.plan.code, x.plan.fiscalYear))!;
          const book = await exportWorkbook(target.current);
          const preview = previewSpreadsheet(target.current, await readXlsx(book), { planGroups: target.planGroups });
          assert.deepEqual(formatErrors(preview.errors), [], `${x.plan.dir}: no errors`);
          assert.deepEqual(
            {
              changes: preview.changes.map((c) => `${c.label} ${c.field}: ${c.before} → ${c.after}`),
              added: preview.added,
              removed: preview.removed,
              created: preview.created,
            },
            {
              changes: [],
              added: { initiatives: [], results: [] },
              removed: { initiatives: [], results: [] },
              created: { edition: null, pillars: [], subAreas: [], departments: [] },
            },
            `${x.plan.dir}: nothing to announce`,
          );
        }
      });
    } finally {
      await database.close();
    }
  });
}
