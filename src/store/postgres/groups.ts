// PostgreSQL adapter of the group store (src/chat/groups.ts, protocol §7), over the tables of
// schema.ts migration 10, the same as SQLite's (src/store/sqlite/groups.ts, which says what each
// holds). A change is one transaction that starts with an UPDATE re-checking the epoch the service
// read: of two instances changing a group at once, the second waits on the row lock, then (READ
// COMMITTED) evaluates its WHERE again on the committed row, finds the epoch moved and changes
// nothing. A message admission takes the same row FOR SHARE (messages.ts), so a change waits for
// the messages sealed at the epoch it ends.
import { type GroupRow, type MemberRow, groupOf, historyText } from '../rows.ts';
import type { GroupStore, StoredGroupChange } from '../../chat/groups.ts';
import type { Group, GroupChange, GroupEvent } from '../../protocol/groups.ts';
import type { Sql } from './connect.ts';


export class PostgresGroupStore implements GroupStore {
  private readonly sql: Sql;
  constructor(sql: Sql) {
    this.sql = sql;
  }

  async create(g: Group, createdBy: string): Promise<void> {
    const logins = g.members.map((m) => m.login);
    await this.sql.begin(async (tx) => {
      await tx`INSERT INTO groups (id, name, epoch, created_at, created_by) VALUES (${g.id}, ${g.name}, 1, ${g.createdAt}, ${createdBy})`;
      await tx`
        INSERT INTO group_members (group_id, login, role, since)
        SELECT ${g.id}, * FROM unnest(${logins}::text[], ${g.members.map((m) => m.role)}::text[], ${g.members.map((m) => m.since)}::text[])`;
      await tx`INSERT INTO group_spans (group_id, login, from_epoch) SELECT ${g.id}, * FROM unnest(${logins}::text[], ${logins.map(() => '1')}::bigint[])`;
      await tx`
        INSERT INTO group_history (group_id, epoch, change)
        VALUES (${g.id}, 1, ${historyText({ op: 'create', name: g.name, members: logins, by: createdBy, at: g.createdAt })})`;
    });
  }

  async get(id: string): Promise<Group | undefined> {
    const [g] = await this.sql<GroupRow[]>`SELECT id, name, epoch, created_at FROM groups WHERE id = ${id}`;
    if (!g) return undefined;
    const members = await this.sql<MemberRow[]>`SELECT group_id, login, role, since FROM group_members WHERE group_id = ${id} ORDER BY since, login`;
    return groupOf(g, members);
  }

  async forMember(login: string): Promise<Group[]> {
    const [groups, members] = await Promise.all([
      this.sql<GroupRow[]>`
        SELECT g.id, g.name, g.epoch, g.created_at FROM group_members me JOIN groups g ON g.id = me.group_id
        WHERE me.login = ${login} ORDER BY g.created_at, g.id`,
      this.sql<MemberRow[]>`
        SELECT m.group_id, m.login, m.role, m.since FROM group_members me JOIN group_members m ON m.group_id = me.group_id
        WHERE me.login = ${login} ORDER BY m.group_id, m.since, m.login`,
    ]);
    return groups.map((g) => groupOf(g, members.filter((m) => m.group_id === g.id)));
  }

  async apply(id: string, change: StoredGroupChange): Promise<boolean> {
    const e = change.epoch;
    const login = change.login;
    return this.sql.begin(async (tx) => {
      const moved = await tx`
        UPDATE groups SET epoch = ${e}, name = coalesce(${change.op === 'rename' ? (change.name ?? null) : null}::text, name)
        WHERE id = ${id} AND epoch = ${e - 1} RETURNING id`;
      if (moved.length !== 1) return false;
      if (change.op === 'add' && login !== undefined) {
        const added = await tx`
          INSERT INTO group_members (group_id, login, role, since) VALUES (${id}, ${login}, 'member', ${change.at})
          ON CONFLICT DO NOTHING RETURNING login`;
        if (added.length === 1) await tx`INSERT INTO group_spans (group_id, login, from_epoch) VALUES (${id}, ${login}, ${e})`;
      } else if ((change.op === 'remove' || change.op === 'leave') && login !== undefined) {
        await tx`DELETE FROM group_members WHERE group_id = ${id} AND login = ${login}`;
        await tx`UPDATE group_spans SET to_epoch = ${e} WHERE group_id = ${id} AND login = ${login} AND to_epoch IS NULL`;
      } else if (change.op === 'admin' && login !== undefined) {
        await tx`UPDATE group_members SET role = 'admin' WHERE group_id = ${id} AND login = ${login}`;
      }
      await tx`INSERT INTO group_history (group_id, epoch, change) VALUES (${id}, ${e}, ${historyText(change)})`;
      return true;
    });
  }

  async history(id: string): Promise<GroupEvent[]> {
    const rows = await this.sql<{ epoch: number; change: string }[]>`SELECT epoch, change FROM group_history WHERE group_id = ${id} ORDER BY epoch`;
    return rows.map((r) => ({ id, epoch: Number(r.epoch), change: JSON.parse(r.change) as GroupChange }));
  }

  async formerOf(login: string): Promise<string[]> {
    const rows = await this.sql<{ group_id: string }[]>`
      SELECT DISTINCT group_id FROM group_spans s
      WHERE login = ${login} AND NOT EXISTS (SELECT 1 FROM group_members m WHERE m.group_id = s.group_id AND m.login = ${login}) ORDER BY group_id`;
    return rows.map((r) => r.group_id);
  }

  async everMember(id: string, login: string): Promise<boolean> {
    return (await this.sql`SELECT 1 FROM group_spans WHERE group_id = ${id} AND login = ${login} LIMIT 1`).length > 0;
  }
}
