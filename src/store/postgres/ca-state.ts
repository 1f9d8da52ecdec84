// PostgreSQL adapter of the CA's counters (src/pki/ca-state.ts): one row per named counter in
// ca_state (schema.ts migration 2), as src/store/sqlite/ca-state.ts keeps them.
import type { CaState } from '../../pki/ca-state.ts';
import type { Sql } from './connect.ts';

export class PostgresCaState implements CaState {
  private readonly sql: Sql;
  constructor(sql: Sql) {
    this.sql = sql;
  }

  async nextCrlNumber(): Promise<number> {
    // One statement: the row lock makes concurrent callers on any instance queue, and each gets the
    // value its own increment produced, so no two receive the same number. ON CONFLICT also
    // settles two first calls racing to create the row. The answer comes after the commit, which
    // is on disk under PostgreSQL's default synchronous_commit.
    const [row] = await this.sql<{ value: number }[]>`
      INSERT INTO ca_state (name, value) VALUES ('crl_number', 1)
      ON CONFLICT (name) DO UPDATE SET value = ca_state.value + 1
      RETURNING value`;
    return Number(row.value);
  }
}
