// The PostgreSQL schema: the same tables as the SQLite adapters (src/store/sqlite/*.ts), as numbered
// migrations that src/store/postgres/migrate.ts applies in order, each once. A migration, once
// released, is never edited: a change is a new one at the end.
//
// Values keep the SQLite adapters' formats, so one storage contract suite runs against both:
// - Times are the ISO 8601 strings the ports exchange (`toISOString()`), stored as text and compared
//   as text (`expires_at > $now`), as SQLite does. They are `COLLATE "C"`, like every text column
//   here: byte order, as SQLite's BINARY, whatever the database's locale, so ORDER BY login and
//   the range comparisons on times answer as they do on SQLite (and their indexes are cheaper).
// - JSON the adapters never look into (envelopes, activity entries) is text: byte for byte what
//   was stored, with no jsonb parse on the message path.
// - DER is bytea; counters and message sequence numbers are bigint (postgres.js reads int8 as a
//   string unless told otherwise: connect.ts parses it as a number, and adapters still convert
//   with Number() so a bare pool works too).
//
// Migration 5's write_counters row for certificates is read by nothing any more: the OCSP refresher
// takes changed records from the ocsp_changes queue (migration 6). It stays, since a migration once
// applied is never edited; a later migration may drop it. Read caches between instances are
// invalidated by migration 7's announcements (NOTIFY), not through a row every write would lock.

export interface Migration {
  /** 1, 2, 3 …: applied in this order, recorded in schema_migrations. */
  version: number;
  /** What it is for, recorded beside the version (a renumbered list is caught by a mismatch). */
  name: string;
  /** One or more statements. Runs inside a transaction: no CREATE INDEX CONCURRENTLY, no VACUUM. */
  sql: string;
}

const TEXT = 'text COLLATE "C"';

/**
 * The constraints whose violation an adapter turns into a domain refusal (a login or email already
 * taken, a key already certified): named here so the adapter matches the error's constraint_name
 * against the same strings the schema creates.
 */
export const CONSTRAINTS = {
  userLogin: 'users_pkey',
  userCardNumber: 'users_card_number_key',
  userEmail: 'users_email_key_key',
  certificateKeyHash: 'certificates_key_hash_key',
  messageId: 'messages_id_key',
} as const;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'directory users',
    // The embedded directory. email_key is the email lowercased: unique whatever its case.
    sql: `
      CREATE TABLE users (
        login ${TEXT} NOT NULL,
        card_number ${TEXT} NOT NULL,
        first_name ${TEXT} NOT NULL,
        last_name ${TEXT} NOT NULL,
        email ${TEXT} NOT NULL,
        email_key ${TEXT} NOT NULL,
        password_hash ${TEXT} NOT NULL,
        certificate bytea NOT NULL,
        created_at ${TEXT} NOT NULL,
        CONSTRAINT ${CONSTRAINTS.userLogin} PRIMARY KEY (login),
        CONSTRAINT ${CONSTRAINTS.userCardNumber} UNIQUE (card_number),
        CONSTRAINT ${CONSTRAINTS.userEmail} UNIQUE (email_key)
      );`,
  },
  {
    version: 2,
    name: 'certificate records and CA state',
    // key_hash is UNIQUE so that two requests racing with one key cannot both be certified; NULLs
    // (records whose certificate could not be read) never collide. The partial index on revoked_at
    // serves the CRL and the revocation mark without touching the unrevoked majority.
    sql: `
      CREATE TABLE certificates (
        serial ${TEXT} NOT NULL PRIMARY KEY,
        login ${TEXT} NOT NULL,
        fingerprint ${TEXT} NOT NULL UNIQUE,
        der bytea NOT NULL,
        not_before ${TEXT} NOT NULL,
        not_after ${TEXT} NOT NULL,
        issued_at ${TEXT} NOT NULL,
        state ${TEXT} NOT NULL CHECK (state IN ('pending', 'issued')),
        revoked_at ${TEXT},
        revocation_reason ${TEXT},
        key_hash ${TEXT},
        CONSTRAINT ${CONSTRAINTS.certificateKeyHash} UNIQUE (key_hash)
      );
      CREATE INDEX certificates_login ON certificates (login);
      CREATE INDEX certificates_revoked ON certificates (revoked_at) WHERE revoked_at IS NOT NULL;

      -- Named counters (the CRL number): incremented by one INSERT … ON CONFLICT … RETURNING, so
      -- two instances never receive the same number.
      CREATE TABLE ca_state (
        name ${TEXT} NOT NULL PRIMARY KEY,
        value bigint NOT NULL
      );`,
  },
  {
    version: 3,
    name: 'sessions, recovery codes and security activity',
    // sessions.n is insertion order: SQLite lists someone's sessions by created_at and then rowid,
    // and PostgreSQL has no rowid. Recovery codes are kept only as their SHA-256. Activity is trimmed
    // to the newest entries per login by id.
    sql: `
      CREATE TABLE sessions (
        token_hash ${TEXT} NOT NULL PRIMARY KEY,
        login ${TEXT} NOT NULL,
        cert_serial ${TEXT} NOT NULL,
        created_at ${TEXT} NOT NULL,
        expires_at ${TEXT} NOT NULL,
        user_agent ${TEXT},
        n bigint GENERATED ALWAYS AS IDENTITY
      );
      CREATE INDEX sessions_cert ON sessions (cert_serial);
      CREATE INDEX sessions_expiry ON sessions (expires_at);
      CREATE INDEX sessions_login ON sessions (login, created_at DESC, n DESC);

      CREATE TABLE recovery_codes (
        login ${TEXT} NOT NULL PRIMARY KEY,
        code_hash ${TEXT} NOT NULL,
        created_at ${TEXT} NOT NULL,
        expires_at ${TEXT} NOT NULL,
        resets_password boolean NOT NULL DEFAULT false
      );

      CREATE TABLE activity (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        login ${TEXT} NOT NULL,
        entry text NOT NULL
      );
      CREATE INDEX activity_login ON activity (login, id);`,
  },
  {
    version: 4,
    name: 'messages, deliveries, read marks, receipts and last seen',
    // seq is the order of messages and what SSE streams resume from (Last-Event-ID), so it is kept
    // when a single-node deployment is copied in (admin migrate): BY DEFAULT lets that copy insert
    // its own values, after which it moves the sequence past them. The indexes are SQLite's:
    // messages_pair and messages_to for conversations and streams, messages_senders for "who wrote
    // to this person" (the read-mark summaries). Beware: an identity value is taken at INSERT, not
    // at COMMIT, so with concurrent writers seq 8 may become visible before seq 7; a reader that
    // resumes "after 8" must not be able to skip 7: the message adapter has to serialise its inserts
    // (one writer, or a lock taken before the insert and held to the commit).
    sql: `
      CREATE TABLE messages (
        seq bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        id ${TEXT} NOT NULL,
        from_login ${TEXT} NOT NULL,
        to_login ${TEXT} NOT NULL,
        received_at ${TEXT} NOT NULL,
        envelope text NOT NULL,
        CONSTRAINT ${CONSTRAINTS.messageId} UNIQUE (id)
      );
      CREATE INDEX messages_pair ON messages (from_login, to_login, seq);
      CREATE INDEX messages_to ON messages (to_login, seq);
      CREATE INDEX messages_senders ON messages (to_login, from_login);

      -- The highest seq pushed to each login's streams, written behind.
      CREATE TABLE deliveries (
        login ${TEXT} NOT NULL PRIMARY KEY,
        seq bigint NOT NULL
      );

      CREATE TABLE read_marks (
        login ${TEXT} NOT NULL,
        peer ${TEXT} NOT NULL,
        seq bigint NOT NULL,
        PRIMARY KEY (login, peer)
      );

      -- Who turned read receipts off (everyone else has them on).
      CREATE TABLE receipts_off (
        login ${TEXT} NOT NULL PRIMARY KEY
      );

      CREATE TABLE last_seen (
        login ${TEXT} NOT NULL PRIMARY KEY,
        at ${TEXT} NOT NULL
      );`,
  },
  {
    version: 5,
    name: 'pre-produced OCSP responses and the certificate write counter',
    // One signed response per certificate and CertID form (src/store/sqlite/ocsp-responses.ts), gone
    // with its record. The counter moves with every row written to certificates, in the writing
    // transaction, whichever instance or admin command writes: a row-level trigger, as SQLite's, so
    // a statement that changes nothing (confirming an already issued record) does not move it.
    sql: `
      CREATE TABLE ocsp_responses (
        serial ${TEXT} NOT NULL REFERENCES certificates (serial) ON DELETE CASCADE,
        cert_id bytea NOT NULL,
        revoked_at ${TEXT},
        revocation_reason ${TEXT},
        this_update ${TEXT} NOT NULL,
        next_update ${TEXT} NOT NULL,
        der bytea NOT NULL,
        PRIMARY KEY (serial, cert_id)
      );
      CREATE INDEX ocsp_responses_this_update ON ocsp_responses (this_update);

      CREATE TABLE write_counters (
        name ${TEXT} NOT NULL PRIMARY KEY,
        n bigint NOT NULL
      );
      INSERT INTO write_counters (name, n) VALUES ('certificates', 0);
      CREATE FUNCTION count_write() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          UPDATE write_counters SET n = n + 1 WHERE name = TG_TABLE_NAME;
          RETURN NULL;
        END
      $$;
      CREATE TRIGGER certificates_count_writes AFTER INSERT OR UPDATE OR DELETE ON certificates
        FOR EACH ROW EXECUTE FUNCTION count_write();`,
  },
  {
    version: 6,
    name: 'the queue of certificate records whose OCSP responses are to be produced',
    // As SQLite's ocsp_changes (src/store/sqlite/ocsp-responses.ts): triggers queue a record when it
    // becomes issued (inserted so, or confirmed) or its revocation changes, in the writing
    // transaction, whichever instance or admin command writes. n is the order of the changes
    // (SQLite's rowid); a serial already queued keeps its place. Records already issued when this
    // runs are queued once, here.
    sql: `
      CREATE TABLE ocsp_changes (
        serial ${TEXT} NOT NULL PRIMARY KEY,
        n bigint GENERATED ALWAYS AS IDENTITY
      );
      CREATE INDEX ocsp_changes_order ON ocsp_changes (n);
      CREATE FUNCTION queue_ocsp_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          INSERT INTO ocsp_changes (serial) VALUES (NEW.serial) ON CONFLICT (serial) DO NOTHING;
          RETURN NULL;
        END
      $$;
      CREATE TRIGGER certificates_ocsp_inserted AFTER INSERT ON certificates
        FOR EACH ROW WHEN (NEW.state = 'issued') EXECUTE FUNCTION queue_ocsp_change();
      CREATE TRIGGER certificates_ocsp_issued AFTER UPDATE OF state ON certificates
        FOR EACH ROW WHEN (NEW.state = 'issued' AND OLD.state IS DISTINCT FROM 'issued') EXECUTE FUNCTION queue_ocsp_change();
      CREATE TRIGGER certificates_ocsp_revoked AFTER UPDATE OF revoked_at, revocation_reason ON certificates
        FOR EACH ROW WHEN (NEW.state = 'issued' AND (NEW.revoked_at IS DISTINCT FROM OLD.revoked_at
                                                    OR NEW.revocation_reason IS DISTINCT FROM OLD.revocation_reason))
        EXECUTE FUNCTION queue_ocsp_change();
      INSERT INTO ocsp_changes (serial) SELECT serial FROM certificates WHERE state = 'issued' ORDER BY issued_at, serial;`,
  },
  {
    version: 7,
    name: 'announce changes to users, certificates and sessions to the read caches',
    // src/store/postgres/row-changes.ts listens: "table op key" goes out when the writing
    // transaction commits, whoever wrote. The key column is the trigger's argument (the one the
    // caches read by); to_jsonb reads it by name from any table's row.
    sql: `
      CREATE FUNCTION announce_row_change() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
          r record;
        BEGIN
          IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
          PERFORM pg_notify('tekup_rows', TG_TABLE_NAME || ' ' || TG_OP || ' ' || (to_jsonb(r) ->> TG_ARGV[0]));
          RETURN NULL;
        END
      $$;
      CREATE TRIGGER users_announce AFTER INSERT OR UPDATE OR DELETE ON users
        FOR EACH ROW EXECUTE FUNCTION announce_row_change('login');
      CREATE TRIGGER certificates_announce AFTER INSERT OR UPDATE OR DELETE ON certificates
        FOR EACH ROW EXECUTE FUNCTION announce_row_change('serial');
      CREATE TRIGGER sessions_announce AFTER INSERT OR UPDATE OR DELETE ON sessions
        FOR EACH ROW EXECUTE FUNCTION announce_row_change('token_hash');`,
  },
  {
    version: 8,
    name: 'the device of each certificate, and what a renewal or recovery supersedes',
    // As SQLite's certificates_devices step (src/store/sqlite/certificates.ts). supersedes holds
    // serials separated by spaces.
    sql: `
      ALTER TABLE certificates ADD COLUMN device_name ${TEXT};
      ALTER TABLE certificates ADD COLUMN supersedes ${TEXT};`,
  },
  {
    version: 9,
    name: 'requests to link a new device',
    // As SQLite's link_requests (src/store/sqlite/link-requests.ts): the code and the new device's
    // secret only as their SHA-256. n is insertion order (SQLite's rowid), which lists a login's
    // pending requests with equal created_at in the order they were made.
    sql: `
      CREATE TABLE link_requests (
        id ${TEXT} NOT NULL PRIMARY KEY,
        login ${TEXT} NOT NULL,
        device_name ${TEXT} NOT NULL,
        csr ${TEXT} NOT NULL,
        key_fingerprint ${TEXT} NOT NULL,
        address ${TEXT} NOT NULL,
        user_agent ${TEXT} NOT NULL,
        code_hash ${TEXT} NOT NULL,
        secret_hash ${TEXT} NOT NULL,
        created_at ${TEXT} NOT NULL,
        expires_at ${TEXT} NOT NULL,
        wrong_codes integer NOT NULL DEFAULT 0,
        state ${TEXT} NOT NULL CHECK (state IN ('pending', 'approving', 'approved', 'refused', 'failed')),
        serial ${TEXT},
        answer text,
        n bigint GENERATED ALWAYS AS IDENTITY
      );
      CREATE INDEX link_requests_login ON link_requests (login, created_at, n);
      CREATE INDEX link_requests_expiry ON link_requests (expires_at);`,
  },
  {
    version: 10,
    name: 'group conversations: groups, members, membership spans, history and the epoch of each group message',
    // As SQLite's (src/store/sqlite/groups.ts, which says what each table holds, and messages.ts):
    // a group message keeps to_login = 'group:' || id, so messages_to (to_login, seq) serves the
    // group's pages; epoch is NULL on 1:1 messages. Spans by login serve a stream's group messages,
    // by (group_id, login) a conversation's; the members by login, someone's list of groups.
    sql: `
      CREATE TABLE groups (
        id ${TEXT} NOT NULL PRIMARY KEY,
        name ${TEXT} NOT NULL,
        epoch bigint NOT NULL,
        created_at ${TEXT} NOT NULL,
        created_by ${TEXT} NOT NULL
      );
      CREATE TABLE group_members (
        group_id ${TEXT} NOT NULL REFERENCES groups (id),
        login ${TEXT} NOT NULL,
        role ${TEXT} NOT NULL CHECK (role IN ('admin', 'member')),
        since ${TEXT} NOT NULL,
        PRIMARY KEY (group_id, login)
      );
      CREATE INDEX group_members_login ON group_members (login);
      CREATE TABLE group_spans (
        group_id ${TEXT} NOT NULL REFERENCES groups (id),
        login ${TEXT} NOT NULL,
        from_epoch bigint NOT NULL,
        to_epoch bigint,
        PRIMARY KEY (group_id, login, from_epoch)
      );
      CREATE INDEX group_spans_login ON group_spans (login);
      CREATE TABLE group_history (
        group_id ${TEXT} NOT NULL REFERENCES groups (id),
        epoch bigint NOT NULL,
        change text NOT NULL,
        PRIMARY KEY (group_id, epoch)
      );
      ALTER TABLE messages ADD COLUMN epoch bigint;
      CREATE INDEX messages_from ON messages (from_login, seq);`,
  },
  {
    version: 11,
    name: 'attachments: uploads by file and uploader, and the files each message lists',
    // As SQLite's (src/store/sqlite/attachments.ts): the bodies are files in --attachments-dir,
    // named by their id; these rows say who uploaded each and which accepted message lists it.
    sql: `
      CREATE TABLE attachment_uploads (
        id ${TEXT} NOT NULL,
        uploader ${TEXT} NOT NULL,
        size bigint NOT NULL,
        uploaded_at ${TEXT} NOT NULL,
        PRIMARY KEY (id, uploader)
      );
      CREATE INDEX attachment_uploads_uploader ON attachment_uploads (uploader);
      CREATE INDEX attachment_uploads_time ON attachment_uploads (uploaded_at);
      CREATE TABLE message_files (
        file_id ${TEXT} NOT NULL,
        seq bigint NOT NULL,
        PRIMARY KEY (file_id, seq)
      );
      CREATE TABLE attachment_deletions (id ${TEXT} NOT NULL PRIMARY KEY);`,
  },
  {
    version: 12,
    name: "each person's own settings: their interface language",
    // As SQLite's (src/store/sqlite/settings.ts): a row only for those who ever chose; the adapter
    // checks the value, so a language a later version drops needs no migration of its own.
    sql: `
      CREATE TABLE user_settings (
        login ${TEXT} NOT NULL PRIMARY KEY,
        locale ${TEXT} NOT NULL
      );`,
  },
];
