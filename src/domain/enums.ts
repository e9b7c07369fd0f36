// Every closed set of values the product knows, defined once. The drizzle schema, the domain types, the
// forms' zod schemas and the API's OpenAPI schemas all take these tuples, so a value added here is
// accepted, stored and documented everywhere at once.

export const STATUSES = ['completed', 'in_progress', 'new', 'suspended', 'not_started'] as const;
export type Status = (typeof STATUSES)[number];

export const EDITION_STATES = ['draft', 'published'] as const;
export type EditionState = (typeof EDITION_STATES)[number];

export const DIRECTIONS = ['higher', 'lower'] as const;
export type Direction = (typeof DIRECTIONS)[number];

/** Roles inside one organization. */
export const ROLES = ['admin', 'editor', 'viewer', 'evaluator'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Every value users.role holds: the organization roles and `platform`, the installation's administrator,
 * who belongs to no organization, adds organizations and their first admins, and reads no plan data.
 */
export const USER_ROLES = [...ROLES, 'platform'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export const ROUND_STATES = ['open', 'closed'] as const;
export type RoundState = (typeof ROUND_STATES)[number];

export const SUBMISSION_STATES = ['not_started', 'draft', 'submitted', 'returned', 'approved'] as const;
export type SubmissionState = (typeof SUBMISSION_STATES)[number];

/** The evaluator's assessment of an initiative. */
export const GRADES = ['A', 'B', 'C', 'D'] as const;
export type Grade = (typeof GRADES)[number];

/** What a section of an initiative holds, as the plan definition's `fields` name them. */
export const FIELD_TYPES = ['text', 'money', 'number', 'url', 'date', 'select', 'boolean'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** How an indicator's progress is measured (plan setting `progress.method`). */
export const PROGRESS_METHODS = ['ratio', 'baseline', 'on-track'] as const;
export type ProgressMethod = (typeof PROGRESS_METHODS)[number];

/** The expected path of an on-track measure: a straight line, or a constant growth rate. */
export const ON_TRACK_CURVES = ['linear', 'growth'] as const;
export type OnTrackCurve = (typeof ON_TRACK_CURVES)[number];

/** A schedule's columns: fiscal years, or quarters of them. */
export const SCHEDULE_UNITS = ['fiscal-year', 'quarter'] as const;
export type ScheduleUnit = (typeof SCHEDULE_UNITS)[number];

export const AUDIT_ACTIONS = ['insert', 'update', 'delete'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export function isOneOf<T extends string>(values: readonly T[], v: unknown): v is T {
  return typeof v === 'string' && (values as readonly string[]).includes(v);
}
