// Kept apart from main.ts: a command module that imported it from main.ts would wait on main.ts's
// top-level await when main.ts is the entry point, and the process would exit unsettled.

/** Wrong arguments: the reason (Japanese / English) and the usage of the command are printed, exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
