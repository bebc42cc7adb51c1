/**
 * The embedded store: one SQLite file (`<WAHA_LOCAL_STORE_BASE_DIR>/wabun.sqlite`) on bun:sqlite.
 * WAL lets readers run beside the one writer; `synchronous=FULL` because an event row lost to a
 * power cut costs more than the fsync (the rows are few and small).
 */
import { Database } from 'bun:sqlite';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Store } from '../types';
import { SqliteApiKeys } from './api-keys';
import { SqliteWebhookDeliveries } from './deliveries';
import { SqliteLedger } from './ledger';
import { MIGRATIONS, type Migration } from './migrations';
import { SqliteOutbox } from './outbox';
import { SqliteSessions } from './sessions';

export const STORE_FILE = 'wabun.sqlite';

/** The SQLite store; `db` is there for tests that look at the tables themselves. */
export interface SqliteStore extends Store {
  readonly db: Database;
}

/** Opens (creating if needed) the store under `baseDir` and brings its schema up to date. */
export function openSqliteStore(baseDir: string, migrations: readonly Migration[] = MIGRATIONS): SqliteStore {
  mkdirSync(baseDir, { recursive: true });
  const db = new Database(join(baseDir, STORE_FILE), { create: true, strict: true });
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = FULL');
  db.exec('PRAGMA busy_timeout = 5000');
  db.exec('PRAGMA foreign_keys = ON');
  migrate(db, migrations);
  const ledger = new SqliteLedger(db);
  const outbox = new SqliteOutbox(db, ledger);
  return {
    db,
    sessions: new SqliteSessions(db),
    ledger,
    outbox,
    deliveries: new SqliteWebhookDeliveries(db, outbox),
    apiKeys: new SqliteApiKeys(db),
    close: async () => db.close(),
  };
}

/** Applies the migrations the database has not seen yet, each in its own transaction. */
export function migrate(db: Database, migrations: readonly Migration[]): void {
  const current = (db.query('PRAGMA user_version').get() as { user_version: number }).user_version;
  if (current > migrations.length)
    throw new Error(
      `The store is at schema version ${current}, newer than this build knows (${migrations.length}). Run a newer wabun or use another WAHA_LOCAL_STORE_BASE_DIR.`,
    );
  for (let v = current; v < migrations.length; v++) {
    db.transaction(() => {
      db.exec(migrations[v]!.sql);
      db.exec(`PRAGMA user_version = ${v + 1}`);
    })();
  }
}
