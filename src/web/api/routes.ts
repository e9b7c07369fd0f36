// JSON API v1. Shapes are those of `shisaku export json` (src/export/json.ts), so a developer who has
// read one has read both. Every answer is the edition as last published (a reopened edition keeps
// answering with it). Responses carry an ETag from the published stamp; CORS is open for reads.
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { cors } from 'hono/cors';
import type { Context } from 'hono';
import type { AppEnv } from '../env.ts';
import { listOrganizations } from '../../db/repository.ts';
import { listPublishedEditions } from '../../db/publication.ts';
import { validateOrgCode } from '../../domain/org-code.ts';
import { editionToJson } from '../../export/json.ts';
import { editionView, type EditionView } from '../public/edition-cache.ts';
import { cachedSearch } from '../public/search-cache.ts';
import { DIRECTIONS, FIELD_TYPES, ON_TRACK_CURVES, PROGRESS_METHODS, SCHEDULE_UNITS, STATUSES } from '../../domain/enums.ts';
import { definitionOf, definitionYaml } from '../../domain/definition-yaml.ts';

export const apiRoutes = new OpenAPIHono<AppEnv>({
  defaultHook: (result, c) => {
    if (!result.success) {
      return c.json(
        {
          error: 'bad_request',
          message: 'Invalid parameters',
          issues: result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
        },
        400,
      );
    }
  },
});

apiRoutes.use('/v1/*', cors({ origin: '*', allowMethods: ['GET', 'HEAD', 'OPTIONS'], exposeHeaders: ['ETag'] }));
apiRoutes.use('/openapi.json', cors({ origin: '*', allowMethods: ['GET'] }));

// ---- schemas ---------------------------------------------------------------------------------------

const ErrorSchema = z.object({ error: z.string(), message: z.string() }).openapi('Error');
const OrgParam = z
  .string()
  .regex(/^\d{6}$/)
  .openapi({ param: { name: 'org', in: 'path' }, example: '082023', description: '全国地方公共団体コード (6 digits)' });
const FyParam = z.coerce
  .number()
  .int()
  .min(1989)
  .max(2200)
  .openapi({ param: { name: 'fy', in: 'path' }, example: 2023, description: 'Fiscal year (Western)' });
const Decimal = z
  .string()
  .regex(/^-?\d+(\.\d+)?$/)
  .openapi({ description: 'Exact decimal as a string', example: '11.2' });
const Status = z.enum(STATUSES).openapi('Status');

const Organization = z.object({ code: z.string(), name: z.string() }).openapi('Organization');
const EditionSummary = z
  .object({
    fiscalYear: z.number().int(),
    title: z.string(),
    planTitle: z.string(),
    planStartFiscalYear: z.number().int(),
    planEndFiscalYear: z.number().int(),
  })
  .openapi('EditionSummary');
const Result = z
  .object({
    label: z.string(),
    actual: Decimal.nullable(),
    target: Decimal.nullable(),
    unit: z.string().nullable(),
    note: z.string().nullable(),
    raw: z.string(),
  })
  .openapi('Result');
const PlanTarget = z.object({ label: z.string(), value: Decimal.nullable(), unit: z.string().nullable(), raw: z.string() }).openapi('PlanTarget');

// The parts of an initiative that follow the plan's shape; each present only where the initiative has it.
const IndicatorProgress = z
  .object({
    fiscalYear: z.number().int().nullable().openapi({ description: 'the year measured: the latest year up to the edition with an actual (or a judgement)' }),
    actual: Decimal.nullable(),
    target: Decimal.nullable(),
    expected: Decimal.nullable().openapi({ description: 'on-track: the value expected by fiscalYear' }),
    rate: Decimal.nullable().openapi({ description: 'percent, by the plan’s progress rule' }),
    basis: z.enum(['ratio', 'baseline', 'on-track', 'qualitative']),
    unrated: z.enum(['no-actual', 'no-target', 'not-judged', 'zero-denominator']).nullable(),
  })
  .openapi('IndicatorProgress');
const Indicator = z
  .object({
    key: z.string(),
    name: z.string(),
    kind: z.string().nullable().openapi({ description: 'one of the plan’s indicator kinds (活動指標, 成果指標 …)' }),
    unit: z.string().nullable(),
    direction: z.enum(DIRECTIONS),
    cumulative: z.boolean().openapi({ description: 'values are running totals since the baseline (75人（累計）)' }),
    perYear: z.boolean().openapi({ description: 'the target is a rate per year (1,000人/年)' }),
    baseline: z.object({ fiscalYear: z.number().int(), value: Decimal }).nullable(),
    target: z.object({ fiscalYear: z.number().int(), value: Decimal }).nullable().openapi({ description: 'the final target' }),
    qualitative: z.string().nullable().openapi({ description: 'a target in words, judged by values[].achieved' }),
    values: z.array(z.object({ fiscalYear: z.number().int(), target: Decimal.nullable(), actual: Decimal.nullable(), achieved: z.boolean().nullable() })),
    progress: IndicatorProgress,
  })
  .openapi('Indicator');
const Grade = z
  .object({
    grade: z.string(),
    label: z.string(),
    source: z.enum(['computed', 'manual', 'unrated']),
    rate: Decimal.nullable(),
    reason: z.string().nullable().openapi({ description: 'why a grade was set by hand' }),
    by: z.string().nullable().openapi({ description: 'who set a grade by hand' }),
  })
  .openapi('Grade', { description: 'present only when the plan publishes its grades' });
const ScheduleCell = z
  .object({ period: z.string().openapi({ example: '2024', description: 'a fiscal year, or a quarter (2024Q1)' }), phase: z.string() })
  .openapi('ScheduleCell');
const Milestone = z
  .object({ date: z.string().openapi({ example: '2024-06-30', description: 'YYYY-MM-DD or YYYY-MM' }), label: z.string(), done: z.boolean() })
  .openapi('Milestone');
const Initiative = z
  .object({
    key: z.string(),
    number: z.string().nullable().openapi({ description: 'null for an initiative printed as 新' }),
    title: z.string(),
    pillar: z.string().nullable(),
    pillarKey: z.string(),
    subArea: z.string().nullable(),
    subAreaKey: z.string().nullable(),
    departments: z.array(z.string()),
    status: Status,
    statusLabel: z.string(),
    content: z.string(),
    plan: z.string(),
    planTargets: z.array(PlanTarget),
    resultsFiscalYear: z.number().int().nullable().openapi({ description: 'fiscal year the results are for; null where no source names it' }),
    results: z.array(Result),
    resultsText: z.string().openapi({ description: 'printed 実績 text (value lines and prose); empty when printed from the values' }),
    fields: z
      .record(z.string(), z.union([z.string(), z.boolean()]))
      .optional()
      .openapi({ description: 'values of the plan’s own sections by field key (the definition names them); money and numbers as decimal strings' }),
    indicators: z.array(Indicator).optional(),
    progressRate: Decimal.nullable().optional().openapi({ description: 'the lowest rate among the rated indicators' }),
    grade: Grade.optional(),
    schedule: z.array(ScheduleCell).optional(),
    milestones: z.array(Milestone).optional(),
  })
  .openapi('Initiative');
const Pillar = z
  .object({
    key: z.string(),
    name: z.string(),
    subAreas: z.array(
      z.object({
        key: z.string(),
        name: z.string(),
        parentKey: z
          .string()
          .optional()
          .openapi({ description: 'the sub-area this one is inside (plans of three or four levels); absent: directly under the pillar' }),
      }),
    ),
  })
  .openapi('Pillar');
type GroupCounts = {
  key: string;
  name: string;
  level: number;
  total: number;
  byStatus: Record<string, number>;
  byGrade?: Record<string, number>;
  children: GroupCounts[];
};
const GroupCounts: z.ZodType<GroupCounts> = z
  .lazy(() =>
    z.object({
      key: z.string(),
      name: z.string(),
      level: z.number().int().openapi({ description: '1 = pillar' }),
      total: z.number().int(),
      byStatus: z.record(z.string(), z.number()),
      byGrade: z.record(z.string(), z.number()).optional(),
      children: z.array(GroupCounts),
    }),
  )
  .openapi('GroupCounts', { description: 'counts of initiatives per status (and grade) of a group and every group below it' });
const PlanDefinition = z
  .object({
    organization: Organization,
    title: z.string(),
    period: z.object({ from: z.number().int(), to: z.number().int() }),
    levels: z.array(z.string()).openapi({ description: 'names of the grouping levels, outermost first' }),
    initiative: z.string().openapi({ description: 'what one initiative is called in this plan' }),
    departmentRequired: z.boolean().optional(),
    fields: z.array(z.object({ key: z.string(), label: z.string(), type: z.enum(FIELD_TYPES), options: z.array(z.string()).optional() })).optional(),
    indicators: z.object({ kinds: z.array(z.string()) }).optional(),
    progress: z
      .object({
        method: z.enum(PROGRESS_METHODS).optional(),
        curve: z.enum(ON_TRACK_CURVES).optional(),
        rounding: z.enum(['truncate', 'half-up']).optional(),
        decimals: z.number().int().optional(),
        cap: z.boolean().optional(),
        bands: z.array(z.object({ grade: z.string(), min: z.number() })).optional(),
      })
      .optional(),
    grades: z
      .object({
        scale: z.array(z.object({ grade: z.string(), label: z.string(), min: z.number() })),
        unrated: z.object({ grade: z.string(), label: z.string() }),
        publish: z.boolean().optional(),
      })
      .optional(),
    schedule: z.object({ unit: z.enum(SCHEDULE_UNITS), phases: z.array(z.string()), milestones: z.boolean().optional() }).optional(),
  })
  .openapi('PlanDefinition', {
    description: 'The plan’s definition as plan.yaml / plan.json hold it (docs/plan-definition.schema.json); keys equal to their defaults are left out.',
  });
const Kpi = z
  .object({
    key: z.string(),
    name: z.string(),
    pillar: z.string(),
    pillarKey: z.string(),
    unit: z.string().nullable(),
    target: Decimal,
    targetFiscalYear: z.number().int(),
    direction: z.enum(DIRECTIONS),
    actuals: z.record(z.string(), Decimal),
    progress: z.record(z.string(), z.string()),
    progressRate: z.string().nullable(),
    initiativeKey: z.string().nullable(),
  })
  .openapi('Kpi');
const SummaryTable = z
  .object({
    rows: z.array(
      z.object({
        pillar: z.string(),
        pillarKey: z.string(),
        counts: z.record(z.string(), z.number()),
        total: z.number(),
        byGrade: z.record(z.string(), z.number()).optional().openapi({ description: 'present when the plan publishes grades' }),
      }),
    ),
    totals: z.record(z.string(), z.number()),
    total: z.number(),
    byGrade: z.record(z.string(), z.number()).optional(),
  })
  .openapi('SummaryTable');
const Edition = z
  .object({
    formatVersion: z.number(),
    organization: Organization,
    plan: z.object({ title: z.string(), startFiscalYear: z.number(), endFiscalYear: z.number(), progressRule: z.any() }),
    edition: z.object({
      fiscalYear: z.number(),
      wareki: z.string(),
      title: z.string(),
      tagline: z.string().nullable(),
      state: z.string(),
      source: z.string().nullable(),
    }),
    pillars: z.array(Pillar),
    initiatives: z.array(Initiative),
    summaryTable: SummaryTable,
    groups: z.array(GroupCounts).optional().openapi({ description: 'plans of three or four levels: the counts of every group, one tree per pillar' }),
    kpis: z.array(Kpi),
    departments: z.array(z.object({ name: z.string(), aliases: z.array(z.string()) })),
  })
  .openapi('Edition');
const Page = <T extends z.ZodTypeAny>(item: T, name: string) =>
  z.object({ items: z.array(item), page: z.number().int(), perPage: z.number().int(), total: z.number().int(), totalPages: z.number().int() }).openapi(name);

const editionParams = z.object({ org: OrgParam, fy: FyParam });
const notFound = { description: 'Not found', content: { 'application/json': { schema: ErrorSchema } } };
const badRequest = { description: 'Invalid parameters', content: { 'application/json': { schema: ErrorSchema } } };
const ok = <T extends z.ZodTypeAny>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });

// ---- helpers ---------------------------------------------------------------------------------------

function notFoundJson(c: Context<AppEnv>, what: string) {
  return c.json({ error: 'not_found', message: `${what} not found` }, 404);
}

async function loadView(c: Context<AppEnv>, org: string, fy: number): Promise<EditionView | null> {
  if (!validateOrgCode(org).ok) return null;
  return editionView(c.get('database').db, org, fy);
}

/** Sets caching headers and answers 304 when the client already has this version. */
function conditional(c: Context<AppEnv>, stamp: string): boolean {
  const etag = `W/"${stamp}"`;
  c.header('ETag', etag);
  c.header('Cache-Control', 'public, no-cache');
  return (c.req.header('if-none-match') ?? '').split(/\s*,\s*/).includes(etag);
}

/** JSON of the whole edition, built once per stamp: every endpoint below slices it. */
const jsonCache = new WeakMap<EditionView, ReturnType<typeof editionToJson>>();
function json(view: EditionView) {
  let j = jsonCache.get(view);
  if (!j) jsonCache.set(view, (j = editionToJson(view.data)));
  return j;
}

function paginate<T>(items: T[], page: number, perPage: number) {
  const total = items.length;
  return { items: items.slice((page - 1) * perPage, page * perPage), page, perPage, total, totalPages: Math.max(1, Math.ceil(total / perPage)) };
}

const PageQuery = z.object({
  page: z.coerce
    .number()
    .int()
    .min(1)
    .max(100000)
    .default(1)
    .openapi({ param: { name: 'page', in: 'query' } }),
  perPage: z.coerce
    .number()
    .int()
    .min(1)
    .max(200)
    .default(50)
    .openapi({ param: { name: 'perPage', in: 'query' } }),
});

// ---- routes ----------------------------------------------------------------------------------------

apiRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/v1/organizations',
    summary: 'Organizations',
    responses: { 200: ok(z.object({ items: z.array(Organization) }), 'Organizations') },
  }),
  async (c) => c.json({ items: await listOrganizations(c.get('database').db) }, 200),
);

apiRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/v1/organizations/{org}/editions',
    summary: 'Published editions of an organization, newest first',
    request: { params: z.object({ org: OrgParam }) },
    responses: { 200: ok(z.object({ items: z.array(EditionSummary) }), 'Editions'), 400: badRequest, 404: notFound },
  }),
  async (c) => {
    const { org } = c.req.valid('param');
    const db = c.get('database').db;
    if (!(await listOrganizations(db)).some((o) => o.code === org)) return notFoundJson(c, 'organization');
    const items = (await listPublishedEditions(db, org)).map(({ state: _s, ...e }) => e);
    return c.json({ items }, 200);
  },
);

apiRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/v1/organizations/{org}/editions/{fy}',
    summary: 'One edition as a whole (the same document as `shisaku export json`)',
    request: { params: editionParams },
    responses: { 200: ok(Edition, 'Edition'), 304: { description: 'Not modified' }, 400: badRequest, 404: notFound },
  }),
  async (c) => {
    const { org, fy } = c.req.valid('param');
    const view = await loadView(c, org, fy);
    if (!view) return notFoundJson(c, 'edition');
    if (conditional(c, view.stamp)) return c.body(null, 304);
    return c.json(json(view) as z.infer<typeof Edition>, 200);
  },
);

apiRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/v1/organizations/{org}/editions/{fy}/definition',
    summary: 'The plan’s definition (metadata, apart from the data): levels, sections, indicator kinds, progress rule, grades, schedule',
    request: { params: editionParams },
    responses: { 200: ok(PlanDefinition, 'Plan definition'), 304: { description: 'Not modified' }, 400: badRequest, 404: notFound },
  }),
  async (c) => {
    const { org, fy } = c.req.valid('param');
    const view = await loadView(c, org, fy);
    if (!view) return notFoundJson(c, 'edition');
    if (conditional(c, view.stamp)) return c.body(null, 304);
    // The plan as this edition was published with it: a later change reaches the public with the next publish.
    return c.json(definitionOf(view.data.organization, view.data.plan) as z.infer<typeof PlanDefinition>, 200);
  },
);

apiRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/v1/organizations/{org}/editions/{fy}/definition.yaml',
    summary: 'The plan’s definition as plan.yaml',
    request: { params: editionParams },
    responses: {
      200: { description: 'plan.yaml', content: { 'application/yaml': { schema: z.string() } } },
      304: { description: 'Not modified' },
      400: badRequest,
      404: notFound,
    },
  }),
  async (c) => {
    const { org, fy } = c.req.valid('param');
    const view = await loadView(c, org, fy);
    if (!view) return notFoundJson(c, 'edition');
    if (conditional(c, view.stamp)) return c.body(null, 304);
    c.header('Content-Type', 'application/yaml; charset=utf-8');
    return c.body(definitionYaml(view.data.organization, view.data.plan), 200);
  },
);

apiRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/v1/organizations/{org}/editions/{fy}/pillars',
    summary: 'Pillars and sub-areas',
    request: { params: editionParams },
    responses: { 200: ok(z.object({ items: z.array(Pillar) }), 'Pillars'), 304: { description: 'Not modified' }, 400: badRequest, 404: notFound },
  }),
  async (c) => {
    const { org, fy } = c.req.valid('param');
    const view = await loadView(c, org, fy);
    if (!view) return notFoundJson(c, 'edition');
    if (conditional(c, view.stamp)) return c.body(null, 304);
    return c.json({ items: json(view).pillars }, 200);
  },
);

apiRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/v1/organizations/{org}/editions/{fy}/initiatives',
    summary: 'Initiatives, paginated and filterable',
    request: {
      params: editionParams,
      query: PageQuery.extend({
        pillar: z
          .string()
          .max(50)
          .optional()
          .openapi({ param: { name: 'pillar', in: 'query' } }),
        status: Status.optional().openapi({ param: { name: 'status', in: 'query' } }),
        department: z
          .string()
          .max(100)
          .optional()
          .openapi({ param: { name: 'department', in: 'query' } }),
      }),
    },
    responses: { 200: ok(Page(Initiative, 'InitiativePage'), 'Initiatives'), 304: { description: 'Not modified' }, 400: badRequest, 404: notFound },
  }),
  async (c) => {
    const { org, fy } = c.req.valid('param');
    const q = c.req.valid('query');
    const view = await loadView(c, org, fy);
    if (!view) return notFoundJson(c, 'edition');
    if (conditional(c, `${view.stamp}`)) return c.body(null, 304);
    const items = json(view).initiatives.filter(
      (i) => (!q.pillar || i.pillarKey === q.pillar) && (!q.status || i.status === q.status) && (!q.department || i.departments.includes(q.department)),
    );
    return c.json(paginate(items, q.page, q.perPage) as z.infer<ReturnType<typeof Page<typeof Initiative>>>, 200);
  },
);

apiRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/v1/organizations/{org}/editions/{fy}/initiatives/{key}',
    summary: 'One initiative',
    request: {
      params: editionParams.extend({
        key: z
          .string()
          .max(64)
          .openapi({ param: { name: 'key', in: 'path' } }),
      }),
    },
    responses: { 200: ok(Initiative, 'Initiative'), 304: { description: 'Not modified' }, 400: badRequest, 404: notFound },
  }),
  async (c) => {
    const { org, fy, key } = c.req.valid('param');
    const view = await loadView(c, org, fy);
    if (!view) return notFoundJson(c, 'edition');
    const item = json(view).initiatives.find((i) => i.key === key);
    if (!item) return notFoundJson(c, 'initiative');
    if (conditional(c, view.stamp)) return c.body(null, 304);
    return c.json(item as z.infer<typeof Initiative>, 200);
  },
);

apiRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/v1/organizations/{org}/editions/{fy}/departments',
    summary: 'Departments with the number of initiatives each owns',
    request: { params: editionParams },
    responses: {
      200: ok(z.object({ items: z.array(z.object({ name: z.string(), aliases: z.array(z.string()), initiatives: z.number().int() })) }), 'Departments'),
      304: { description: 'Not modified' },
      400: badRequest,
      404: notFound,
    },
  }),
  async (c) => {
    const { org, fy } = c.req.valid('param');
    const view = await loadView(c, org, fy);
    if (!view) return notFoundJson(c, 'edition');
    if (conditional(c, view.stamp)) return c.body(null, 304);
    const items = view.data.departments
      .map((d) => ({ name: d.name, aliases: d.aliases, initiatives: view.data.initiatives.filter((i) => i.departments.includes(d.name)).length }))
      .filter((d) => d.initiatives > 0);
    return c.json({ items }, 200);
  },
);

apiRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/v1/organizations/{org}/editions/{fy}/kpis',
    summary: 'KPIs with actuals and computed progress rates',
    request: { params: editionParams },
    responses: {
      200: ok(z.object({ items: z.array(Kpi), summaryTable: SummaryTable }), 'KPIs'),
      304: { description: 'Not modified' },
      400: badRequest,
      404: notFound,
    },
  }),
  async (c) => {
    const { org, fy } = c.req.valid('param');
    const view = await loadView(c, org, fy);
    if (!view) return notFoundJson(c, 'edition');
    if (conditional(c, view.stamp)) return c.body(null, 304);
    const j = json(view);
    return c.json({ items: j.kpis as z.infer<typeof Kpi>[], summaryTable: j.summaryTable }, 200);
  },
);

apiRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/v1/organizations/{org}/editions/{fy}/search',
    summary: 'Japanese full-text search over titles, content, plans and results',
    request: {
      params: editionParams,
      query: PageQuery.extend({
        q: z
          .string()
          .max(200)
          .default('')
          .openapi({ param: { name: 'q', in: 'query' }, example: 'マイナンバー' }),
        pillar: z
          .string()
          .max(50)
          .optional()
          .openapi({ param: { name: 'pillar', in: 'query' } }),
        status: Status.optional().openapi({ param: { name: 'status', in: 'query' } }),
        department: z
          .string()
          .max(100)
          .optional()
          .openapi({ param: { name: 'department', in: 'query' } }),
      }),
    },
    responses: {
      200: ok(Page(z.object({ key: z.string(), number: z.string().nullable(), title: z.string(), score: z.number() }), 'SearchPage'), 'Hits'),
      400: badRequest,
      404: notFound,
    },
  }),
  async (c) => {
    const { org, fy } = c.req.valid('param');
    const q = c.req.valid('query');
    const view = await loadView(c, org, fy);
    if (!view) return notFoundJson(c, 'edition');
    const hits = cachedSearch(view.search, q.q, { pillarKey: q.pillar, status: q.status as never, department: q.department }).map((h) => ({
      key: h.initiative.key,
      number: h.initiative.number,
      title: h.initiative.title,
      score: h.score,
    }));
    return c.json(paginate(hits, q.page, q.perPage), 200);
  },
);

apiRoutes.doc31('/openapi.json', {
  openapi: '3.1.0',
  info: {
    title: 'shisaku API',
    version: '1.0.0',
    description: 'Municipal DX action plans: organizations, editions, initiatives, KPIs. Numbers that people compare are exact decimals as strings.',
  },
});

apiRoutes.get('/', (c) => {
  const lang = c.get('lang');
  const rows: [string, string][] = [
    ['GET /api/v1/organizations', lang === 'ja' ? '自治体の一覧' : 'Organizations'],
    ['GET /api/v1/organizations/{org}/editions', lang === 'ja' ? '公開中の年度版' : 'Published editions'],
    [
      'GET /api/v1/organizations/{org}/editions/{fy}',
      lang === 'ja' ? '年度版の全体（shisaku export json と同じ形）' : 'A whole edition (same as shisaku export json)',
    ],
    [
      'GET /api/v1/organizations/{org}/editions/{fy}/definition（.yaml）',
      lang === 'ja'
        ? '計画の定義（階層、記入項目、指標の種類、評価の基準、スケジュール）'
        : 'The plan definition (levels, sections, indicator kinds, grades, schedule)',
    ],
    ['GET /api/v1/organizations/{org}/editions/{fy}/pillars', lang === 'ja' ? '施策体系' : 'Pillars'],
    [
      'GET /api/v1/organizations/{org}/editions/{fy}/initiatives?page=&perPage=&pillar=&status=&department=',
      lang === 'ja' ? '施策（ページ分割）' : 'Initiatives (paginated)',
    ],
    ['GET /api/v1/organizations/{org}/editions/{fy}/initiatives/{key}', lang === 'ja' ? '施策1件' : 'One initiative'],
    ['GET /api/v1/organizations/{org}/editions/{fy}/departments', lang === 'ja' ? '担当課所' : 'Departments'],
    ['GET /api/v1/organizations/{org}/editions/{fy}/kpis', lang === 'ja' ? 'KPI と進捗率' : 'KPIs and progress'],
    ['GET /api/v1/organizations/{org}/editions/{fy}/search?q=', lang === 'ja' ? '検索' : 'Search'],
  ];
  const esc = (s: string) => s.replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch]!);
  return c.html(
    `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>API | shisaku</title></head><body><main>` +
      `<h1>shisaku API</h1><p>${lang === 'ja' ? 'JSON API（読み取り専用）。OpenAPI 3.1 文書' : 'Read-only JSON API. OpenAPI 3.1 document'}: <a href="/api/openapi.json">/api/openapi.json</a></p>` +
      `<p>${lang === 'ja' ? '数値は正確な10進数の文字列です（例: "11.2"）。応答には ETag が付き、If-None-Match で 304 を返します。CORS は GET に開放しています。' : 'Numbers are exact decimals as strings ("11.2"). Responses carry an ETag (304 on If-None-Match); CORS is open for GET.'}</p>` +
      `<table><thead><tr><th scope="col">Endpoint</th><th scope="col">${lang === 'ja' ? '内容' : 'What'}</th></tr></thead><tbody>` +
      rows.map(([e, d]) => `<tr><td><code>${esc(e)}</code></td><td>${esc(d)}</td></tr>`).join('') +
      `</tbody></table><p><a href="/">${lang === 'ja' ? 'ホーム' : 'Home'}</a></p></main></body></html>`,
  );
});
