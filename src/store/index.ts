/**
 * The embedded store: one SQLite file (`<WAHA_LOCAL_STORE_BASE_DIR>/wabun.sqlite`) on bun:sqlite.
 * WAL lets readers run beside the one writer; `synchronous=FULL` because the rows here are
 * few and small (session configs, later the webhook outbox) and losing one to a power cut
 * costs more than the fsync.
 */
import { Database } from 'bun:sqlite';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { MIGRATIONS, type Migration } from './migrations';
import { SessionRows } from './sessions';

export const STORE_FILE = 'wabun.sqlite';

/** The open database and its tables. */
export class Store {
  readonly sessions: SessionRows;

  private constructor(readonly db: Database) {
    this.sessions = new SessionRows(db);
  }

  /** Opens (creating if needed) the store under `baseDir` and brings its schema up to date. */
  static open(baseDir: string, migrations: readonly Migration[] = MIGRATIONS): Store {
    mkdirSync(baseDir, { recursive: true });
    const db = new Database(join(baseDir, STORE_FILE), { create: true, strict: true });
    db.exec('PRAGMA journal_mode = WAL');
    db.exec('PRAGMA synchronous = FULL');
    db.exec('PRAGMA busy_timeout = 5000');
    db.exec('PRAGMA foreign_keys = ON');
    migrate(db, migrations);
    return new Store(db);
  }

  /** Schema version (number of migrations applied). */
  version(): number {
    return (this.db.query('PRAGMA user_version').get() as { user_version: number }).user_version;
  }

  close(): void {
    this.db.close();
  }
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
