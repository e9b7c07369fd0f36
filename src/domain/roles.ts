// Who may do what in the staff workspace. Pure rules, checked on the server for every route; the views
// use the same rules only to decide which forms to show.
import { ROLES, type Role } from './enums.ts';

export { ROLES, type Role };

export const ROLE_LABELS: Record<Role, string> = {
  admin: '管理者（デジタル推進課）',
  editor: '担当課所の編集者',
  viewer: '閲覧者',
  evaluator: '外部評価者',
};

export interface Actor {
  id: number;
  login: string;
  displayName: string;
  role: Role;
  organizationId: number;
  /** Departments a department editor edits for; empty for the other roles. */
  departments: string[];
}

export type Action =
  /** Read drafts, rounds and dashboards (everything in the workspace is unpublished data). */
  | 'read'
  /** Edit one initiative's status, plan and results; needs the initiative. */
  | 'edit'
  /** Submit one initiative for review; needs the initiative. */
  | 'submit'
  /** Approve or return a submission. */
  | 'review'
  /** Open rounds, publish and reopen editions, manage master data and settings, import files. */
  | 'manage'
  /** Record an A–D assessment with a comment. */
  | 'assess';

export function owns(actor: Actor, initiative: { departments: string[] }): boolean {
  return initiative.departments.some((d) => actor.departments.includes(d));
}

export function can(actor: Actor, action: Action, initiative?: { departments: string[] }): boolean {
  switch (actor.role) {
    case 'admin':
      return true;
    case 'editor':
      if (action === 'read') return true;
      if (action === 'edit' || action === 'submit') return initiative !== undefined && owns(actor, initiative);
      return false;
    case 'viewer':
      return action === 'read';
    case 'evaluator':
      return action === 'read' || action === 'assess';
  }
}
