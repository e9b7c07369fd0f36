// Every database test runs twice: on PGlite in memory and on the PostgreSQL server the machine runs
// (TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test). Each server run gets a database
// of its own, dropped afterwards, so parallel test files never see each other's rows.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/db/client.ts';

export const SERVER_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface Backend {
  name: 'pglite' | 'postgres';
  open(): Promise<Database>;
}

async function openServerDatabase(): Promise<Database> {
  const name = `shisaku_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: SERVER_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString() });
  return {
    ...database,
    close: async () => {
      await database.close();
      const c = new pg.Client({ connectionString: SERVER_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export const backends: Backend[] = [
  { name: 'pglite', open: () => openDatabase({ dataDir: 'memory://' }) },
  { name: 'postgres', open: openServerDatabase },
];
