// The command door for a write to one initiative of an edition (the form's save, submit, review,
// assessment): the edition and the initiative-year are locked and read under the lock, permission is
// checked on that initiative (an editor only for its own departments), and the write is one change set.
import type { Db, Tx } from './client.ts';
import { bumpEdition, recordChangeSet } from './audit.ts';
import { signalChange } from './change-signal.ts';
import { allow, userIdOf, type EditionAt, type Outcome } from './command.ts';
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
  const out = await db.transaction(async (tx) => {
    const at = await lockItem(tx, actor, fiscalYear, key);
    allow(actor, action, at.item.initiative);
    const r = await fn(tx, at);
    if (r.unchanged) return r.value;
    await recordChangeSet(tx, { organizationId: at.ref.organizationId, actor: actor.login, userId: userIdOf(actor), source, summary: r.summary }, r.entries);
    await bumpEdition(tx, at.ref.editionId);
    return r.value;
  });
  signalChange();
  return out;
}
