// Who may do what. Pure rules, checked on the server for every route; the views use the same rules only
// to decide which forms to show.
//
// Two kinds of people sign in. A member of an organization (`Actor`) acts on that organization's plan:
// every workspace command takes an `Actor` and reads the organization from it. The installation's
// administrator (`PlatformActor`) belongs to no organization: it adds organizations and their first
// admins, and reads no plan, draft or account of any of them. The two types do not mix: a
// `PlatformActor` has no `organizationId`, so it cannot be passed to a workspace command, and `can()`
// refuses it every organization action should one reach a check at run time anyway.
import { ROLES, type Role, type UserRole } from './enums.ts';

export { ROLES, type Role, type UserRole };

export const ROLE_LABELS: Record<UserRole, string> = {
  admin: '管理者（デジタル推進課）',
  editor: '担当課所の編集者',
  viewer: '閲覧者',
  evaluator: '外部評価者',
  platform: 'プラットフォーム管理者',
};

/** What both kinds of signed-in person have: an account (id 0 for the command line) and a name. */
export interface Person {
  id: number;
  login: string;
  displayName: string;
}

/** A member of one organization; every workspace command acts for `organizationId`. */
export interface Actor extends Person {
  role: Role;
  organizationId: number;
  /** Departments a department editor edits for; empty for the other roles. */
  departments: string[];
}

/** The installation's administrator: organizations and their admins, nothing inside an organization. */
export interface PlatformActor extends Person {
  role: 'platform';
}

/** Whoever holds a session of the staff workspace. */
export type SignedIn = Actor | PlatformActor;

export function isPlatform(person: SignedIn): person is PlatformActor {
  return person.role === 'platform';
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

/** What only the platform administrator does. */
export type PlatformAction =
  /** See the organizations of the installation (code, name, counts of plans and accounts). */
  | 'list-organizations'
  /** Register an organization. */
  | 'add-organization'
  /** Create an administrator account of an organization. */
  | 'add-organization-admin';

export function owns(actor: Actor, initiative: { departments: string[] }): boolean {
  return initiative.departments.some((d) => actor.departments.includes(d));
}

/** An organization action; always false for the platform administrator, who acts on no organization. */
export function can(actor: SignedIn, action: Action, initiative?: { departments: string[] }): boolean {
  switch (actor.role) {
    case 'platform':
      return false;
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

/** A platform action; only the platform administrator, and no organization's admin, may. */
export function canOnPlatform(person: SignedIn, _action: PlatformAction): person is PlatformActor {
  return isPlatform(person);
}
