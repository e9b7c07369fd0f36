// One database per backend with the sample plan, an admin, two department aliases and the FY2024 draft
// edition opened from FY2023: the state every generated case starts its walk from.
import { createUser, authenticate } from '../../src/db/accounts.ts';
import type { Database } from '../../src/db/client.ts';
import { loadSample } from '../../src/db/sample.ts';
import { openRound } from '../../src/db/workspace.ts';
import { addDepartmentAlias } from '../../src/db/structure.ts';
import type { Actor } from '../../src/domain/roles.ts';
import type { Backend } from '../helpers/db.ts';
import { ORG } from './dump.ts';

export const PASSWORD = 'correct horse battery';

export interface World {
  database: Database;
  actor: Actor;
}

export async function openWorld(backend: Backend): Promise<World> {
  const database = await backend.open();
  try {
    const db = database.db;
    await loadSample(db);
    await createUser(db, { orgCode: ORG, login: 'admin', displayName: 'admin', email: 'admin@example.jp', password: PASSWORD, role: 'admin', departments: [] });
    const actor = (await authenticate(db, 'admin', PASSWORD))!;
    // Aliases, so the generated 担当課所 cells can name a department by another spelling.
    await addDepartmentAlias(db, actor, 'デジタル推進課', 'DX推進課');
    await addDepartmentAlias(db, actor, '商工振興課', '商工課');
    await openRound(db, actor, { fromFiscalYear: 2023, dueDate: '2099-01-01', dropCompleted: false });
    return { database, actor };
  } catch (e) {
    await database.close();
    throw e;
  }
}
