// A counter bumped by every write in this process, so read caches can trust their copy between writes
// without asking the database. Writes by other processes (several servers on one PostgreSQL) are seen
// when the cache re-checks the edition stamp, at most a second later.
let generation = 0;

export function signalChange(): void {
  generation++;
}

export function changeGeneration(): number {
  return generation;
}
