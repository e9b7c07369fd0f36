// The command door for a write to one initiative of an edition (the form's save, submit, review,
// assessment): the edition and the initiative-year are locked and read under the lock, permission is
// checked on that initiative (an editor only for its own departments), and the write is one change set.
import type { Db, Tx } from './client.ts';
import { bumpEdition } from './audit.ts';
import { allow, runWrite, type EditionAt, type Outcome } from './command.ts';
import { lockItem, type Workspace, type WorkspaceItem } from './workspace-read.ts';
import type { Action, Actor } from '../domain/roles.ts';

export interface ItemAt {
  ref: EditionAt;
  item: WorkspaceItem;
  workspace: Workspace;
}

export async function initiativeWrite<T>(
  db: Db,
  actor: Actor,
  fiscalYear: number,
  key: string,
  action: Action,
  source: string,
  fn: (tx: Tx, at: ItemAt) => Promise<Outcome<T>>,
): Promise<T> {
  // The initiative's own rule, checked on the locked row before the command looks at what was sent.
  return runWrite(
    db,
    actor,
    source,
    async (tx) => {
      const at = await lockItem(tx, actor, fiscalYear, key);
      allow(actor, action, at.item.initiative);
      return { at, organizationId: at.ref.organizationId, bump: (tx) => bumpEdition(tx, at.ref.editionId) };
    },
    fn,
  );
}
