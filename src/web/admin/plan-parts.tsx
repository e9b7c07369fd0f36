// What the admin's pages of the plan's structure share: the edition being edited, the small form pieces
// (up/down buttons, the department list, sub-area choices), the direction of a move, and the write helper
// for the forms under /e/:fy that come back with their errors.
import type { Context, Hono } from 'hono';
import { loadEdition } from '../../db/repository.ts';
import { WorkspaceError } from '../../db/workspace.ts';
import type { EditionData } from '../../domain/model.ts';
import { flattenGroups, groupPath, groupTree } from '../../domain/groups.ts';
import { fiscalYearLabel } from '../../domain/wareki.ts';
import { Csrf, type FormState } from './views.tsx';
import { fyParam, manageWrite, orgCode, shownAgain } from './respond.tsx';
import type { AdminEnv } from './auth.ts';
import { moveSchema, parseWith, typedOf, type Body } from './forms.ts';

export async function editionFor(c: Context<AdminEnv>, fy: number): Promise<EditionData> {
  const data = await loadEdition(c.get('database').db, await orgCode(c), fy);
  if (!data) throw new WorkspaceError(`${fiscalYearLabel(fy)}の版はありません`, 404);
  return data;
}

export const structureUrl = (fy: number) => `/admin/e/${fy}/structure`;

/** Up and down as one form with two buttons; the ends are disabled rather than refused. */
export function MoveButtons({
  action,
  csrf,
  what,
  first,
  last,
  disabled,
}: {
  action: string;
  csrf: string;
  what: string;
  first: boolean;
  last: boolean;
  disabled?: boolean;
}) {
  return (
    <form method="post" action={action} class="inline">
      <Csrf token={csrf} />
      <button type="submit" name="direction" value="up" class="small secondary" disabled={disabled || first} aria-label={`「${what}」を上へ`}>
        上へ
      </button>{' '}
      <button type="submit" name="direction" value="down" class="small secondary" disabled={disabled || last} aria-label={`「${what}」を下へ`}>
        下へ
      </button>
    </form>
  );
}

export function DepartmentList({ data }: { data: Pick<EditionData, 'departments'> }) {
  return (
    <datalist id="department-list">
      {data.departments.map((d) => (
        <option value={d.name} />
      ))}
    </datalist>
  );
}

/**
 * The groups an initiative can be placed in, at every level, parents before their children: a group
 * directly under its pillar reads 「柱 ／ 分野」, a deeper one is indented by its level and names its path.
 */
export const subAreaOptions = (data: EditionData): [string, string][] => [
  ['', 'なし'],
  ...flattenGroups(groupTree(data.pillars))
    .filter((g) => g.level > 1)
    .map((g): [string, string] => [
      g.key,
      `${'\u3000'.repeat(g.level - 2)}${groupPath(data.pillars, g.pillarKey, g.key)
        .map((x) => x.name)
        .join(' ／ ')}`,
    ]),
];

export function direction(b: Body) {
  const r = parseWith(moveSchema, b);
  if (!r.ok) throw new WorkspaceError(r.errors.direction ?? '移動の向きが正しくありません');
  return r.value.direction;
}

/** The page of an edition shown again: with the form that had errors, if any, and the refusal's status and message. */
export type PageAgain = (c: Context<AdminEnv>, fy: number, state: FormState | undefined, status: number, error?: string) => Promise<Response>;

/** Where a refusal goes: `page`, with the form `form` names brought back with its field errors and what was typed. */
export interface OnRefusal<P extends string> {
  page: PageAgain;
  form?: (c: Context<AdminEnv, P>) => string;
}

/**
 * An admin write under /e/:fy (manageWrite, with the year read). A refusal the person can act on shows
 * `again.page` with its message; the form `again.form` names comes back with its field errors and what was typed.
 */
export function planWrite<P extends string>(
  app: Hono<AdminEnv>,
  path: P,
  handler: (c: Context<AdminEnv, P>, fy: number, b: Body) => Promise<Response>,
  again?: OnRefusal<P>,
): void {
  manageWrite(
    app,
    path,
    (c, b) => handler(c, fyParam(c), b),
    again &&
      ((c, b, refused) => again.page(c, fyParam(c), again.form ? shownAgain(again.form(c), typedOf(b), refused) : undefined, refused.status, refused.message)),
  );
}
