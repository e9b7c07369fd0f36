// What every request handler can reach: the open database. Handlers take it from the context rather than
// from a module-level singleton so tests can run several apps side by side on different databases.
import type { Database } from '../db/client.ts';

export interface AppEnv {
  Variables: {
    database: Database;
    lang: 'ja' | 'en';
  };
}
