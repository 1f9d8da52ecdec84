// What every storage contract suite (test/helpers/*-contract.ts) does with the fixtures its
// adapter's factory opens: a fresh one for each test, all of them closed once the suite is done,
// whatever the test's outcome. Kept here once so that the suites cannot come to differ in it; the
// pools a fixture borrows from postgresDatabases() (./postgres-databases.ts) close after the file.
import { after } from 'node:test';

interface Closable {
  close(): Promise<void>;
}

/**
 * Call inside the suite's describe(): `keep(x)` answers `x` and has it closed after the suite, in
 * the order kept, for what a test opens besides its fixture (another instance's store).
 */
export function closedAfterSuite(): <T extends Closable>(x: T) => T {
  const open: Closable[] = [];
  after(async () => {
    for (const x of open) await x.close();
  });
  return (x) => (open.push(x), x);
}

/** Call inside the suite's describe(): `factory`, each fixture it opens closed after the suite. */
export function freshFixtures<F extends Closable>(factory: () => Promise<F>): () => Promise<F> {
  const keep = closedAfterSuite();
  return async () => keep(await factory());
}
