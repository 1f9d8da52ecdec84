// SQLite adapter of the group store (src/chat/groups.ts, protocol §7). Four tables:
// - groups: the name and the epoch, which every change moves on by one;
// - group_members: who is in the group now, with role and since;
// - group_spans: every stretch of epochs someone was a member, [from_epoch, to_epoch), to_epoch
//   NULL while they still are. The message and read-mark adapters read it to decide which group
//   messages someone may see: removal closes the span, re-adding opens a new one, so a former
//   member keeps what they could read and gets nothing sealed while they were out;
// - group_history: each change as JSON text, what `event: group` carried.
// A change is one IMMEDIATE transaction whose UPDATE re-checks the epoch the service read: SQLite
// runs one writer at a time, also across processes on the same file, so of two changes made at
// the same epoch only the first moves the group on and the second changes nothing.
import { type GroupRow, type MemberRow, groupOf, historyText } from '../rows.ts';
import type { GroupStore, StoredGroupChange } from '../../chat/groups.ts';
import type { Group, GroupChange, GroupEvent } from '../../protocol/groups.ts';
import { durable, migrate, prepared, transaction, type Db } from './sqlite.ts';

const SCHEMA = [
  `CREATE TABLE groups (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     epoch INTEGER NOT NULL,
     created_at TEXT NOT NULL,
     created_by TEXT NOT NULL
   );
   CREATE TABLE group_members (
     group_id TEXT NOT NULL REFERENCES groups (id),
     login TEXT NOT NULL,
     role TEXT NOT NULL CHECK (role IN ('admin', 'member')),
     since TEXT NOT NULL,
     PRIMARY KEY (group_id, login)
   ) WITHOUT ROWID;
   CREATE INDEX group_members_login ON group_members (login);
   CREATE TABLE group_spans (
     group_id TEXT NOT NULL REFERENCES groups (id),
     login TEXT NOT NULL,
     from_epoch INTEGER NOT NULL,
     to_epoch INTEGER,
     PRIMARY KEY (group_id, login, from_epoch)
   ) WITHOUT ROWID;
   CREATE INDEX group_spans_login ON group_spans (login);
   CREATE TABLE group_history (
     group_id TEXT NOT NULL REFERENCES groups (id),
     epoch INTEGER NOT NULL,
     change TEXT NOT NULL,
     PRIMARY KEY (group_id, epoch)
   ) WITHOUT ROWID;`,
];

/**
 * Creates the group tables if they are not there yet: the message store's writer and the read
 * marks join group messages to group_spans, so they call this too, whichever store opens first.
 */
export function migrateGroups(db: Db): void {
  migrate(db, 'groups', SCHEMA);
}


export class SqliteGroupStore implements GroupStore {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
    migrateGroups(db);
  }

  async create(g: Group, createdBy: string): Promise<void> {
    const logins = g.members.map((m) => m.login);
    transaction(this.db, () => {
      prepared(this.db, 'INSERT INTO groups (id, name, epoch, created_at, created_by) VALUES (?, ?, 1, ?, ?)').run(g.id, g.name, g.createdAt, createdBy);
      for (const m of g.members) {
        prepared(this.db, 'INSERT INTO group_members (group_id, login, role, since) VALUES (?, ?, ?, ?)').run(g.id, m.login, m.role, m.since);
        prepared(this.db, 'INSERT INTO group_spans (group_id, login, from_epoch, to_epoch) VALUES (?, ?, 1, NULL)').run(g.id, m.login);
      }
      prepared(this.db, 'INSERT INTO group_history (group_id, epoch, change) VALUES (?, 1, ?)').run(
        g.id,
        historyText({ op: 'create', name: g.name, members: logins, by: createdBy, at: g.createdAt }),
      );
    });
    await durable(this.db);
  }

  async get(id: string): Promise<Group | undefined> {
    const g = prepared(this.db, 'SELECT id, name, epoch, created_at FROM groups WHERE id = ?').get(id) as GroupRow | undefined;
    if (!g) return undefined;
    const members = prepared(this.db, 'SELECT group_id, login, role, since FROM group_members WHERE group_id = ? ORDER BY since, login').all(id);
    return groupOf(g, members as unknown as MemberRow[]);
  }

  async forMember(login: string): Promise<Group[]> {
    const groups = prepared(
      this.db,
      `SELECT g.id, g.name, g.epoch, g.created_at FROM group_members me JOIN groups g ON g.id = me.group_id
       WHERE me.login = ? ORDER BY g.created_at, g.id`,
    ).all(login) as unknown as GroupRow[];
    const members = prepared(
      this.db,
      `SELECT m.group_id, m.login, m.role, m.since FROM group_members me JOIN group_members m ON m.group_id = me.group_id
       WHERE me.login = ? ORDER BY m.group_id, m.since, m.login`,
    ).all(login) as unknown as MemberRow[];
    return groups.map((g) => groupOf(g, members.filter((m) => m.group_id === g.id)));
  }

  async apply(id: string, change: StoredGroupChange): Promise<boolean> {
    const e = change.epoch;
    const applied = transaction(this.db, () => {
      const moved = prepared(this.db, 'UPDATE groups SET epoch = ?, name = coalesce(?, name) WHERE id = ? AND epoch = ?').run(
        e,
        change.op === 'rename' ? (change.name ?? null) : null,
        id,
        e - 1,
      );
      if (Number(moved.changes) !== 1) return false;
      const login = change.login;
      if (change.op === 'add' && login !== undefined) {
        const added = prepared(this.db, `INSERT INTO group_members (group_id, login, role, since) VALUES (?, ?, 'member', ?) ON CONFLICT DO NOTHING`).run(id, login, change.at);
        if (Number(added.changes) === 1) prepared(this.db, 'INSERT INTO group_spans (group_id, login, from_epoch, to_epoch) VALUES (?, ?, ?, NULL)').run(id, login, e);
      } else if ((change.op === 'remove' || change.op === 'leave') && login !== undefined) {
        prepared(this.db, 'DELETE FROM group_members WHERE group_id = ? AND login = ?').run(id, login);
        prepared(this.db, 'UPDATE group_spans SET to_epoch = ? WHERE group_id = ? AND login = ? AND to_epoch IS NULL').run(e, id, login);
      } else if (change.op === 'admin' && login !== undefined) {
        prepared(this.db, `UPDATE group_members SET role = 'admin' WHERE group_id = ? AND login = ?`).run(id, login);
      }
      prepared(this.db, 'INSERT INTO group_history (group_id, epoch, change) VALUES (?, ?, ?)').run(id, e, historyText(change));
      return true;
    });
    if (applied) await durable(this.db);
    return applied;
  }

  async history(id: string): Promise<GroupEvent[]> {
    const rows = prepared(this.db, 'SELECT epoch, change FROM group_history WHERE group_id = ? ORDER BY epoch').all(id) as unknown as { epoch: number; change: string }[];
    return rows.map((r) => ({ id, epoch: Number(r.epoch), change: JSON.parse(r.change) as GroupChange }));
  }

  async formerOf(login: string): Promise<string[]> {
    const rows = prepared(
      this.db,
      `SELECT DISTINCT group_id FROM group_spans s
       WHERE login = ?1 AND NOT EXISTS (SELECT 1 FROM group_members m WHERE m.group_id = s.group_id AND m.login = ?1) ORDER BY group_id`,
    ).all(login) as { group_id: string }[];
    return rows.map((r) => r.group_id);
  }

  async everMember(id: string, login: string): Promise<boolean> {
    return prepared(this.db, 'SELECT 1 FROM group_spans WHERE group_id = ? AND login = ? LIMIT 1').get(id, login) !== undefined;
  }
}
