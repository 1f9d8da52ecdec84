// SQLite adapter of the CA's counters (src/pki/ca-state.ts): one row per named counter.
import type { CaState } from '../../pki/ca-state.ts';
import { durable, migrate, type Db } from './sqlite.ts';

const SCHEMA = [`CREATE TABLE ca_state (name TEXT PRIMARY KEY, value INTEGER NOT NULL);`];

export class SqliteCaState implements CaState {
  private readonly db: Db;
  constructor(db: Db) {
    this.db = db;
    migrate(db, 'ca_state', SCHEMA);
  }

  async nextCrlNumber(): Promise<number> {
    // One statement, so two processes sharing the database can never receive the same number.
    const row = this.db
      .prepare(
        `INSERT INTO ca_state (name, value) VALUES ('crl_number', 1)
         ON CONFLICT(name) DO UPDATE SET value = value + 1 RETURNING value`,
      )
      .get() as { value: number };
    await durable(this.db);
    return Number(row.value);
  }
}
