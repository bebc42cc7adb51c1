/**
 * The store's schema, as an append-only list. Entry i moves a database from version i to i+1
 * (`PRAGMA user_version`); never edit a released entry, add a new one.
 */
export interface Migration {
  /** What it does, for the log line when it runs. */
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    name: 'sessions',
    sql: `
      CREATE TABLE sessions (
        name       TEXT PRIMARY KEY NOT NULL,
        config     TEXT NOT NULL DEFAULT '{}',   -- JSON: WAHA's session config
        running    INTEGER NOT NULL DEFAULT 0,   -- 1: start it again when the service starts
        created_at INTEGER NOT NULL,             -- ms since epoch
        updated_at INTEGER NOT NULL
      ) STRICT;
    `,
  },
  {
    // The durable webhook outbox (src/events/outbox.ts): rows leave `webhook_outbox` when
    // delivered (deleted) or exhausted (moved to `webhook_dead_letter`).
    name: 'webhook outbox',
    sql: `
      CREATE TABLE webhook_targets (
        id       INTEGER PRIMARY KEY,
        key      TEXT NOT NULL UNIQUE,          -- scope ('*' = global, else the session) + LF + url
        settings TEXT NOT NULL                  -- JSON: url, hmac key, retries, headers (latest)
      ) STRICT;
      CREATE TABLE webhook_outbox (
        seq        INTEGER PRIMARY KEY AUTOINCREMENT,
        target_id  INTEGER NOT NULL,
        event_id   TEXT NOT NULL,
        event      TEXT NOT NULL,
        session    TEXT NOT NULL,
        body       BLOB NOT NULL,               -- the envelope JSON, fixed at write time
        created_at INTEGER NOT NULL,            -- ms since epoch
        attempts   INTEGER NOT NULL DEFAULT 0,  -- failed attempts so far
        next_at    INTEGER NOT NULL,            -- not before (ms): the stored retry time
        last_error TEXT
      ) STRICT;
      CREATE INDEX webhook_outbox_by_target ON webhook_outbox (target_id, seq);
      CREATE TABLE webhook_dead_letter (
        seq        INTEGER PRIMARY KEY,
        target_id  INTEGER NOT NULL,
        url        TEXT NOT NULL,
        event_id   TEXT NOT NULL,
        event      TEXT NOT NULL,
        session    TEXT NOT NULL,
        body       BLOB NOT NULL,
        created_at INTEGER NOT NULL,
        attempts   INTEGER NOT NULL,
        last_error TEXT,
        dead_at    INTEGER NOT NULL
      ) STRICT;
    `,
  },
  {
    // Incoming messages whose `message` event was committed (src/events/ledger.ts): after a
    // restart or reconnect the session catches up on what WhatsApp Web holds and this table lacks.
    name: 'published messages',
    sql: `
      CREATE TABLE published_messages (
        session     TEXT NOT NULL,
        id          TEXT NOT NULL,             -- the message id, "false_<chat>_<id>"
        timestamp   INTEGER NOT NULL,          -- the message's own time (s), as WhatsApp stamps it
        recorded_at INTEGER NOT NULL,          -- ms since epoch: pruned after a retention period
        PRIMARY KEY (session, id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX published_messages_by_time ON published_messages (session, timestamp);
      CREATE INDEX published_messages_by_age ON published_messages (recorded_at);
    `,
  },
  {
    // The delivery routes (src/store/sqlite/deliveries.ts) count and page dead letters per target
    // and per session; without these each count reads every dead row, envelopes included.
    name: 'webhook dead letter indexes',
    sql: `
      CREATE INDEX webhook_dead_letter_by_target ON webhook_dead_letter (target_id, seq);
      CREATE INDEX webhook_dead_letter_by_session ON webhook_dead_letter (session, seq);
    `,
  },
  {
    // API keys (src/modules/api-keys): only the SHA-512 of each key is kept, never the key.
    name: 'api keys',
    sql: `
      CREATE TABLE api_keys (
        id         TEXT PRIMARY KEY NOT NULL,   -- key_id_…, shown to clients
        hash       BLOB NOT NULL UNIQUE,        -- SHA-512 of the key: how a presented key is found
        hint       TEXT NOT NULL,               -- the key's first characters, to recognise it in lists
        kind       TEXT NOT NULL CHECK (kind IN ('admin', 'session', 'media')),
        session    TEXT,                        -- the session a 'session' or 'media' key is bound to
        active     INTEGER NOT NULL DEFAULT 1,
        actions    TEXT,                        -- JSON: what a session key may do, null = the defaults
        created_at INTEGER NOT NULL,            -- ms since epoch
        updated_at INTEGER NOT NULL
      ) STRICT;
    `,
  },
];
