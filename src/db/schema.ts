// One schema for PGlite and PostgreSQL 15. Numbers people compare are `numeric` (exact), read back as
// strings. Every row a person edits carries created/updated timestamps and a `version` used for
// optimistic locking: an update names the version it read and fails when someone saved in between.
import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigint,
  customType,
  bigserial,
  boolean,
  char,
  check,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import type { FieldValue, Indicator, ManualGrade, Milestone, PlanSettings, ScheduleCell } from '../domain/model.ts';
import { AUDIT_ACTIONS, DIRECTIONS, EDITION_STATES, GRADES, USER_ROLES, ROUND_STATES, STATUSES, SUBMISSION_STATES } from '../domain/enums.ts';

const timestamps = {
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  version: integer('version').notNull().default(1),
};

export const organizations = pgTable('organizations', {
  id: serial('id').primaryKey(),
  code: char('code', { length: 6 }).notNull().unique(),
  name: text('name').notNull(),
  ...timestamps,
});

export const plans = pgTable(
  'plans',
  {
    id: serial('id').primaryKey(),
    organizationId: integer('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    startFiscalYear: integer('start_fiscal_year').notNull(),
    endFiscalYear: integer('end_fiscal_year').notNull(),
    settings: jsonb('settings').$type<PlanSettings>().notNull(),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('plans_org_period').on(t.organizationId, t.startFiscalYear, t.endFiscalYear),
    check('plans_period', sql`${t.endFiscalYear} >= ${t.startFiscalYear}`),
  ],
);

export const editions = pgTable(
  'editions',
  {
    id: serial('id').primaryKey(),
    planId: integer('plan_id')
      .notNull()
      .references(() => plans.id, { onDelete: 'cascade' }),
    fiscalYear: integer('fiscal_year').notNull(),
    title: text('title').notNull(),
    tagline: text('tagline'),
    lead: text('lead'),
    source: text('source'),
    /** draft → published; a published edition is locked against edits until reopened. */
    state: text('state', { enum: EDITION_STATES }).notNull().default('draft'),
    publishedAt: timestamp('published_at', { withTimezone: true }),
    ...timestamps,
  },
  (t) => [uniqueIndex('editions_plan_year').on(t.planId, t.fiscalYear)],
);

/**
 * What the public sees of an edition: the whole edition as it was when last published. The portal, API,
 * downloads and report read this, so reopening the edition or drafting the next year changes nothing
 * public until the next publish. `number` counts the publishes (1 for the first).
 */
export const editionPublications = pgTable('edition_publications', {
  editionId: integer('edition_id')
    .primaryKey()
    .references(() => editions.id, { onDelete: 'cascade' }),
  data: jsonb('data').notNull(),
  number: integer('number').notNull().default(1),
  publishedAt: timestamp('published_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * An edition as it was before a whole-edition replace (`import plan-text --replace`): its data, the
 * document it was imported from and its published copy, so the replace can be undone
 * (`shisaku editions restore-replaced`). Kept per plan and year, newest last.
 */
export const editionArchives = pgTable(
  'edition_archives',
  {
    id: serial('id').primaryKey(),
    planId: integer('plan_id')
      .notNull()
      .references(() => plans.id, { onDelete: 'cascade' }),
    fiscalYear: integer('fiscal_year').notNull(),
    data: jsonb('data').notNull(),
    source: jsonb('source').$type<{ format: string; filename: string | null; content: string }>(),
    publication: jsonb('publication').$type<{ data: unknown; number: number }>(),
    replacedAt: timestamp('replaced_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('edition_archives_plan_year').on(t.planId, t.fiscalYear)],
);

/** The document an edition was imported from, kept so lint can point at its lines later. */
export const editionSources = pgTable('edition_sources', {
  editionId: integer('edition_id')
    .primaryKey()
    .references(() => editions.id, { onDelete: 'cascade' }),
  format: text('format').notNull(),
  filename: text('filename'),
  content: text('content').notNull(),
  importedAt: timestamp('imported_at', { withTimezone: true }).notNull().defaultNow(),
});

export const departments = pgTable(
  'departments',
  {
    id: serial('id').primaryKey(),
    organizationId: integer('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** The department this one is part of (部 → 課 → 係); null at the top. */
    parentId: integer('parent_id').references((): AnyPgColumn => departments.id, { onDelete: 'restrict' }),
    ...timestamps,
  },
  (t) => [uniqueIndex('departments_org_name').on(t.organizationId, t.name), index('departments_parent').on(t.parentId)],
);

/** Other spellings of a department ("商工推進課" for 商工振興課); resolved to the department on import. */
export const departmentAliases = pgTable(
  'department_aliases',
  {
    id: serial('id').primaryKey(),
    organizationId: integer('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    departmentId: integer('department_id')
      .notNull()
      .references(() => departments.id, { onDelete: 'cascade' }),
    alias: text('alias').notNull(),
  },
  (t) => [uniqueIndex('department_aliases_org_alias').on(t.organizationId, t.alias)],
);

export const pillars = pgTable(
  'pillars',
  {
    id: serial('id').primaryKey(),
    editionId: integer('edition_id')
      .notNull()
      .references(() => editions.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    name: text('name').notNull(),
    tagline: text('tagline'),
    position: integer('position').notNull(),
    ...timestamps,
  },
  (t) => [uniqueIndex('pillars_edition_key').on(t.editionId, t.key)],
);

export const subAreas = pgTable(
  'sub_areas',
  {
    id: serial('id').primaryKey(),
    pillarId: integer('pillar_id')
      .notNull()
      .references(() => pillars.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    name: text('name').notNull(),
    /** The sub-area this one is inside, in a plan of three or four levels; null: directly under the pillar. */
    parentId: integer('parent_id').references((): AnyPgColumn => subAreas.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    ...timestamps,
  },
  (t) => [uniqueIndex('sub_areas_pillar_key').on(t.pillarId, t.key), index('sub_areas_parent').on(t.parentId)],
);

/** The identity of an initiative across editions; what it says in a given year is in initiative_years. */
export const initiatives = pgTable(
  'initiatives',
  {
    id: serial('id').primaryKey(),
    planId: integer('plan_id')
      .notNull()
      .references(() => plans.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('initiatives_plan_key').on(t.planId, t.key)],
);

export const initiativeYears = pgTable(
  'initiative_years',
  {
    id: serial('id').primaryKey(),
    initiativeId: integer('initiative_id')
      .notNull()
      .references(() => initiatives.id, { onDelete: 'cascade' }),
    editionId: integer('edition_id')
      .notNull()
      .references(() => editions.id, { onDelete: 'cascade' }),
    pillarId: integer('pillar_id')
      .notNull()
      .references(() => pillars.id, { onDelete: 'cascade' }),
    subAreaId: integer('sub_area_id').references(() => subAreas.id, { onDelete: 'set null' }),
    position: integer('position').notNull(),
    number: text('number'),
    title: text('title').notNull(),
    status: text('status', { enum: STATUSES }).notNull(),
    content: text('content').notNull().default(''),
    plan: text('plan').notNull().default(''),
    resultsFiscalYear: integer('results_fiscal_year'),
    resultsText: text('results_text').notNull().default(''),
    // The parts that follow the plan's shape, validated against the plan definition by the domain before
    // they are written (decision record 0008): the plan's own sections by field key, indicators with
    // their yearly values as decimal strings, a grade set by hand, schedule cells and milestones.
    fields: jsonb('fields').$type<Record<string, FieldValue>>().notNull().default({}),
    indicators: jsonb('indicators').$type<Indicator[]>().notNull().default([]),
    grade: jsonb('grade').$type<ManualGrade>(),
    schedule: jsonb('schedule').$type<ScheduleCell[]>().notNull().default([]),
    milestones: jsonb('milestones').$type<Milestone[]>().notNull().default([]),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('initiative_years_edition_initiative').on(t.editionId, t.initiativeId),
    index('initiative_years_edition_position').on(t.editionId, t.position),
  ],
);

export const initiativeDepartments = pgTable(
  'initiative_departments',
  {
    initiativeYearId: integer('initiative_year_id')
      .notNull()
      .references(() => initiativeYears.id, { onDelete: 'cascade' }),
    departmentId: integer('department_id')
      .notNull()
      .references(() => departments.id, { onDelete: 'restrict' }),
    position: integer('position').notNull(),
  },
  (t) => [primaryKey({ columns: [t.initiativeYearId, t.departmentId] }), index('initiative_departments_department').on(t.departmentId)],
);

export const results = pgTable(
  'results',
  {
    id: serial('id').primaryKey(),
    initiativeYearId: integer('initiative_year_id')
      .notNull()
      .references(() => initiativeYears.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    label: text('label').notNull(),
    actual: numeric('actual'),
    target: numeric('target'),
    unit: text('unit'),
    note: text('note'),
    raw: text('raw').notNull(),
    ...timestamps,
  },
  (t) => [index('results_initiative_year').on(t.initiativeYearId, t.position)],
);

export const planTargets = pgTable(
  'plan_targets',
  {
    id: serial('id').primaryKey(),
    initiativeYearId: integer('initiative_year_id')
      .notNull()
      .references(() => initiativeYears.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    label: text('label').notNull(),
    value: numeric('value'),
    unit: text('unit'),
    raw: text('raw').notNull(),
    ...timestamps,
  },
  (t) => [index('plan_targets_initiative_year').on(t.initiativeYearId, t.position)],
);

export const kpis = pgTable(
  'kpis',
  {
    id: serial('id').primaryKey(),
    planId: integer('plan_id')
      .notNull()
      .references(() => plans.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    name: text('name').notNull(),
    pillarKey: text('pillar_key').notNull(),
    unit: text('unit'),
    target: numeric('target').notNull(),
    targetFiscalYear: integer('target_fiscal_year').notNull(),
    direction: text('direction', { enum: DIRECTIONS }).notNull().default('higher'),
    baseline: numeric('baseline'),
    initiativeKey: text('initiative_key'),
    position: integer('position').notNull(),
    ...timestamps,
  },
  (t) => [uniqueIndex('kpis_plan_key').on(t.planId, t.key)],
);

export const kpiActuals = pgTable(
  'kpi_actuals',
  {
    kpiId: integer('kpi_id')
      .notNull()
      .references(() => kpis.id, { onDelete: 'cascade' }),
    fiscalYear: integer('fiscal_year').notNull(),
    value: numeric('value').notNull(),
    ...timestamps,
  },
  (t) => [primaryKey({ columns: [t.kpiId, t.fiscalYear] })],
);

// ---- Staff workspace -------------------------------------------------------------------------------

export const users = pgTable(
  'users',
  {
    id: serial('id').primaryKey(),
    /** Null only for the platform administrator, who belongs to no organization. */
    organizationId: integer('organization_id').references(() => organizations.id, { onDelete: 'cascade' }),
    login: text('login').notNull().unique(),
    displayName: text('display_name').notNull(),
    email: text('email'),
    passwordHash: text('password_hash').notNull(),
    role: text('role', { enum: USER_ROLES }).notNull(),
    disabled: boolean('disabled').notNull().default(false),
    ...timestamps,
  },
  (t) => [
    check('users_platform_has_no_org', sql`(${t.role} = 'platform') = (${t.organizationId} is null)`),
    /** One platform administrator per installation. */
    uniqueIndex('users_one_platform').on(t.role).where(sql`${t.role} = 'platform'`),
  ],
);

/** The departments a department editor may edit for. */
export const userDepartments = pgTable(
  'user_departments',
  {
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    departmentId: integer('department_id')
      .notNull()
      .references(() => departments.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.userId, t.departmentId] })],
);

export const sessions = pgTable('sessions', {
  /** SHA-256 of the cookie token, so a leaked table does not hand out sessions. */
  id: text('id').primaryKey(),
  userId: integer('user_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  csrfToken: text('csrf_token').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
});

export const updateRounds = pgTable(
  'update_rounds',
  {
    id: serial('id').primaryKey(),
    editionId: integer('edition_id')
      .notNull()
      .references(() => editions.id, { onDelete: 'cascade' }),
    dueDate: text('due_date').notNull(),
    state: text('state', { enum: ROUND_STATES }).notNull().default('open'),
    openedBy: integer('opened_by').references(() => users.id, { onDelete: 'set null' }),
    ...timestamps,
  },
  (t) => [uniqueIndex('update_rounds_edition').on(t.editionId)],
);

export const submissions = pgTable(
  'submissions',
  {
    id: serial('id').primaryKey(),
    roundId: integer('round_id')
      .notNull()
      .references(() => updateRounds.id, { onDelete: 'cascade' }),
    initiativeYearId: integer('initiative_year_id')
      .notNull()
      .references(() => initiativeYears.id, { onDelete: 'cascade' }),
    state: text('state', { enum: SUBMISSION_STATES }).notNull().default('not_started'),
    /** What was submitted, so a reviewer can diff against the previous submission. */
    snapshot: jsonb('snapshot'),
    previousSnapshot: jsonb('previous_snapshot'),
    comment: text('comment'),
    submittedBy: integer('submitted_by').references(() => users.id, { onDelete: 'set null' }),
    submittedAt: timestamp('submitted_at', { withTimezone: true }),
    reviewedBy: integer('reviewed_by').references(() => users.id, { onDelete: 'set null' }),
    reviewedAt: timestamp('reviewed_at', { withTimezone: true }),
    ...timestamps,
  },
  (t) => [uniqueIndex('submissions_round_initiative').on(t.roundId, t.initiativeYearId)],
);

export const assessments = pgTable(
  'assessments',
  {
    id: serial('id').primaryKey(),
    initiativeYearId: integer('initiative_year_id')
      .notNull()
      .references(() => initiativeYears.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    grade: text('grade', { enum: GRADES }).notNull(),
    comment: text('comment').notNull().default(''),
    ...timestamps,
  },
  (t) => [uniqueIndex('assessments_initiative_user').on(t.initiativeYearId, t.userId)],
);

/** Raw bytes (an uploaded file); Buffer in, Buffer out on both drivers. */
const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => 'bytea' });

/**
 * Failed logins by client address and by login name, one row per failure. In the database, so every
 * server process sees the same counters and a restart does not reset them.
 */
export const loginFailures = pgTable(
  'login_failures',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    key: text('key').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('login_failures_key_at').on(t.key, t.at), index('login_failures_at').on(t.at)],
);

/**
 * An uploaded spreadsheet between its preview and the admin's "apply": the file itself and the edition
 * stamp it was previewed against. Apply reads it again, so any server process can finish the upload.
 */
export const pendingUploads = pgTable('pending_uploads', {
  id: text('id').primaryKey(),
  userId: integer('user_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  fiscalYear: integer('fiscal_year').notNull(),
  filename: text('filename').notNull(),
  content: bytea('content').notNull(),
  stamp: text('stamp').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const outbox = pgTable('outbox', {
  id: serial('id').primaryKey(),
  organizationId: integer('organization_id')
    .notNull()
    .references(() => organizations.id, { onDelete: 'cascade' }),
  recipient: text('recipient').notNull(),
  subject: text('subject').notNull(),
  body: text('body').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  sentAt: timestamp('sent_at', { withTimezone: true }),
  error: text('error'),
});

/** One user action that wrote rows: an import, a form save, an Excel apply. */
export const changeSets = pgTable('change_sets', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  organizationId: integer('organization_id').references(() => organizations.id, { onDelete: 'cascade' }),
  actor: text('actor').notNull(),
  userId: integer('user_id').references(() => users.id, { onDelete: 'set null' }),
  source: text('source').notNull(),
  summary: text('summary').notNull().default(''),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Append-only: the application inserts and never updates or deletes (a trigger enforces it). */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    changeSetId: bigint('change_set_id', { mode: 'number' }).references(() => changeSets.id),
    entity: text('entity').notNull(),
    entityKey: text('entity_key').notNull(),
    action: text('action', { enum: AUDIT_ACTIONS }).notNull(),
    before: jsonb('before'),
    after: jsonb('after'),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('audit_log_entity').on(t.entity, t.entityKey, t.at)],
);
