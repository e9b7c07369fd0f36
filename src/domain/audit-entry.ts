// The audit log's entries, typed by entity: what each kind of write records before and after, and how a
// stored row (JSON from any version of the product) is read back for the history page. Pure.
import type { AuditAction, Grade, SubmissionState } from './enums.ts';
import { GRADES, isOneOf, SUBMISSION_STATES } from './enums.ts';
import type { Initiative, Kpi } from './model.ts';

/** An initiative as the audit log keeps it: its whole state in one edition. */
export type InitiativeSnapshot = Initiative & { fiscalYear: number };

/** Part of an initiative: the fields a structural command changed (its place, its number), a removal's reason. */
export type InitiativeFacts = Partial<InitiativeSnapshot> & { reason?: string; position?: number; order?: string[] };

/** Part of a KPI: the fields its form changed, or one year's actual. */
export type KpiFacts = Partial<Kpi> & { fiscalYear?: number; value?: string | null; position?: number; order?: string[] };

export type AuditEntry =
  | {
      entity: 'initiative';
      entityKey: string;
      action: AuditAction;
      before: InitiativeSnapshot | InitiativeFacts | null;
      after: InitiativeSnapshot | InitiativeFacts | null;
    }
  | {
      entity: 'submission';
      entityKey: string;
      action: 'update';
      before: { fiscalYear: number; state: SubmissionState };
      after: { fiscalYear: number; state: SubmissionState; comment: string | null };
    }
  | { entity: 'assessment'; entityKey: string; action: 'insert'; before: null; after: { fiscalYear: number; grade: Grade; comment: string } }
  | { entity: 'kpi'; entityKey: string; action: AuditAction; before: Kpi | KpiFacts | null; after: Kpi | KpiFacts | null }
  | {
      entity: 'organization' | 'edition' | 'round' | 'plan' | 'pillar' | 'sub-area' | 'department' | 'user' | 'result';
      entityKey: string;
      action: AuditAction;
      before: unknown;
      after: unknown;
    };

/** One row of an initiative's history, as the page shows it. */
export type HistoryItem =
  | { kind: 'snapshot'; before: Initiative | null; after: Initiative | null }
  | { kind: 'removed'; reason: string | null; before: Initiative | null }
  | { kind: 'field'; what: string; before: string; after: string }
  | { kind: 'submission'; from: SubmissionState; to: SubmissionState; comment: string | null }
  | { kind: 'assessment'; grade: Grade; comment: string }
  | { kind: 'other' };

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** True for a whole initiative as stored in an audit row or a submission, not a partial record. */
export function isInitiativeSnapshot(x: unknown): x is Initiative {
  if (!isObject(x)) return false;
  return typeof x.title === 'string' && typeof x.content === 'string' && typeof x.plan === 'string' && Array.isArray(x.results) && Array.isArray(x.departments);
}

const shown = (v: unknown) => (v === null || v === undefined || v === '' ? '—' : String(v));

/**
 * Reads a stored audit row of an initiative (`key`) for the history page. Rows written by earlier
 * versions (one field of an import as { field, value }, a removal with its reason) are read too; a row
 * of a shape this version does not know is 'other', never an error.
 */
export function readHistoryRow(row: { entity: string; entityKey: string; action: string; before: unknown; after: unknown }, key: string): HistoryItem {
  const { entity, before, after } = row;
  if (entity === 'submission' && isObject(after)) {
    const from = isObject(before) && isOneOf(SUBMISSION_STATES, before.state) ? before.state : 'not_started';
    const to = isOneOf(SUBMISSION_STATES, after.state) ? after.state : 'not_started';
    return { kind: 'submission', from, to, comment: typeof after.comment === 'string' && after.comment ? after.comment : null };
  }
  if (entity === 'assessment' && isObject(after) && isOneOf(GRADES, after.grade)) {
    return { kind: 'assessment', grade: after.grade, comment: typeof after.comment === 'string' ? after.comment : '' };
  }
  if (entity === 'initiative' || entity === 'result') {
    const b = isInitiativeSnapshot(before) ? before : null;
    const a = isInitiativeSnapshot(after) ? after : null;
    // A removal keeps the whole initiative it removed (so it can be restored) and, from the form, its reason.
    if (entity === 'initiative' && row.action === 'delete')
      return { kind: 'removed', reason: isObject(after) && typeof after.reason === 'string' ? after.reason : null, before: b };
    if (entity === 'initiative' && (b || a)) return { kind: 'snapshot', before: b, after: a };
    const field = isObject(after) && typeof after.field === 'string' ? after.field : isObject(before) && typeof before.field === 'string' ? before.field : null;
    if (field !== null) {
      let what = field;
      if (entity === 'result') {
        const m = /^(.*)#(\d+)$/.exec(row.entityKey.slice(key.length + 1));
        what = `実績「${m ? `${m[1]}」（${m[2]}件目）` : `${row.entityKey.slice(key.length + 1)}」`}の${field}`;
      }
      return { kind: 'field', what, before: shown(isObject(before) ? before.value : null), after: shown(isObject(after) ? after.value : null) };
    }
  }
  return { kind: 'other' };
}
