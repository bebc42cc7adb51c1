/**
 * The store bindings as a table, so that one store-level test runs on each: SQLite on a real
 * file in a temp folder, and PostgreSQL on the server `WABUN_TEST_POSTGRES_URL` points at (set by
 * `scripts/run.sh test`, which starts a throwaway cluster), each test in a schema of its own that
 * is dropped after it. Without a reachable server the PostgreSQL cases are skipped, and the test
 * file says why on stdout.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SQL } from 'bun';
import type { StoreLocation } from '../../src/store';
import { openPostgresStore, type PostgresStore } from '../../src/store/postgres';
import { PostgresWebhookDeliveries } from '../../src/store/postgres/deliveries';
import { MIGRATIONS as POSTGRES_MIGRATIONS } from '../../src/store/postgres/migrations';
import type { PostgresOutbox } from '../../src/store/postgres/outbox';
import { Pool } from '../../src/store/postgres/pool';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite';
import { SqliteWebhookDeliveries } from '../../src/store/sqlite/deliveries';
import { MIGRATIONS as SQLITE_MIGRATIONS } from '../../src/store/sqlite/migrations';
import type { SqliteOutbox } from '../../src/store/sqlite/outbox';
import type { Store, WebhookDeliveries } from '../../src/store/types';

/** A migration added by a test: the same SQL on both bindings. */
export interface ExtraMigration {
  name: string;
  sql: string;
}

/** One store opened for one test, and what tests may do to it beside the store interfaces. */
export interface TestStore {
  readonly binding: BindingName;
  store: Store;
  /** Where a service or a child process opens the same store. */
  readonly location: StoreLocation;
  /** Close and open again, as a restarted process would (with `extra` migrations after the build's). */
  reopen(extra?: readonly ExtraMigration[]): Promise<Store>;
  /** Closes the store (a child process may own it meanwhile); `reopen` opens it again. */
  close(): Promise<void>;
  dispose(): Promise<void>;
  /** A query that reads the same on both bindings, as plain rows. */
  rows(sql: string): Promise<Record<string, unknown>[]>;
  /** The schema version the store records. */
  schemaVersion(): Promise<number>;
  /** From now on every insert into `table` fails with `message` (a full disk, a failing server). */
  breakInserts(table: string, message: string): Promise<void>;
  /** Records a published message as the outbox would, with a chosen record time. */
  record(session: string, id: string, timestampSec: number, at: number): Promise<void>;
  /** The delivery routes' store over this one, with `now` as its clock. */
  deliveries(now?: () => number): WebhookDeliveries;
}

export type BindingName = 'sqlite' | 'postgres';

export interface Binding {
  name: BindingName;
  /** Why its cases are skipped here; null when they run. */
  skip: string | null;
  /** A new, empty, migrated store (`extra` migrations after the build's). */
  open(extra?: readonly ExtraMigration[]): Promise<TestStore>;
}

const plain = (rows: Record<string, unknown>[]) => rows.map((r) => ({ ...r }));

class SqliteTestStore implements TestStore {
  readonly binding = 'sqlite';
  readonly dir = mkdtempSync(join(tmpdir(), 'wabun-store-'));
  readonly location: StoreLocation = { postgresUrl: '', baseDir: this.dir };
  store: SqliteStore;

  constructor(extra: readonly ExtraMigration[] = []) {
    this.store = this.openStore(extra);
  }

  private openStore(extra: readonly ExtraMigration[]): SqliteStore {
    return extra.length ? openSqliteStore(this.dir, [...SQLITE_MIGRATIONS, ...extra]) : openSqliteStore(this.dir);
  }

  async reopen(extra: readonly ExtraMigration[] = []): Promise<Store> {
    await this.close();
    this.store = this.openStore(extra);
    return this.store;
  }

  async close(): Promise<void> {
    this.store.db.close();
  }

  async dispose(): Promise<void> {
    try {
      this.store.db.close();
    } catch {
      /* already closed */
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  async rows(sql: string) {
    return plain(this.store.db.query(sql).all() as Record<string, unknown>[]);
  }

  async schemaVersion() {
    return (this.store.db.query('PRAGMA user_version').get() as { user_version: number }).user_version;
  }

  async breakInserts(table: string, message: string) {
    this.store.db.exec(`CREATE TRIGGER broken_${table} BEFORE INSERT ON ${table} BEGIN SELECT RAISE(ABORT, '${message}'); END`);
  }

  async record(session: string, id: string, timestampSec: number, at: number) {
    this.store.db
      .query('INSERT OR IGNORE INTO published_messages (session, id, timestamp, recorded_at) VALUES (?, ?, ?, ?)')
      .run(session, id, timestampSec, at);
  }

  deliveries(now?: () => number): WebhookDeliveries {
    return new SqliteWebhookDeliveries(this.store.db, this.store.outbox as SqliteOutbox, now);
  }
}

const SERVER_URL = process.env.WABUN_TEST_POSTGRES_URL ?? '';
let admin: SQL | null = null;
const adminSql = () => (admin ??= new SQL(SERVER_URL, { max: 2 }));

/** The server's URL with `search_path` set to `schema`: what a service on that schema is given. */
export function schemaUrl(schema: string): string {
  const u = new URL(SERVER_URL);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.href;
}

/** A fresh schema on the test server, for a test that opens the store itself (a service, a child). */
export async function freshSchema(): Promise<{ url: string; drop: () => Promise<void> }> {
  const schema = `wabun_test_${crypto.randomUUID().replaceAll('-', '').slice(0, 16)}`;
  await adminSql().unsafe(`CREATE SCHEMA ${schema}`);
  return {
    url: schemaUrl(schema),
    drop: () =>
      adminSql()
        .unsafe(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
        .then(() => {}),
  };
}

/** Runs `sql` on the test server (as its superuser), in the public schema unless it names one. */
export async function onTestServer(sql: string): Promise<Record<string, unknown>[]> {
  return plain(await adminSql().unsafe(sql));
}

class PostgresTestStore implements TestStore {
  readonly binding = 'postgres';
  store!: PostgresStore;
  private closed = false;

  private constructor(
    private readonly schema: Awaited<ReturnType<typeof freshSchema>>,
    readonly location: StoreLocation,
  ) {}

  static async create(extra: readonly ExtraMigration[]): Promise<PostgresTestStore> {
    const schema = await freshSchema();
    const t = new PostgresTestStore(schema, { postgresUrl: schema.url, baseDir: '' });
    t.store = await t.openStore(extra);
    return t;
  }

  private openStore(extra: readonly ExtraMigration[]): Promise<PostgresStore> {
    // A pool of 2: Bun opens a new connection for a transaction while an idle one is still being
    // released, and each costs 60–200 ms here; ten per test made most of a test's time.
    return openPostgresStore(this.schema.url, { max: 2, ...(extra.length ? { migrations: [...POSTGRES_MIGRATIONS, ...extra] } : {}) });
  }

  async reopen(extra: readonly ExtraMigration[] = []): Promise<Store> {
    await this.close();
    this.store = await this.openStore(extra);
    this.closed = false;
    return this.store;
  }

  async close(): Promise<void> {
    if (!this.closed) await this.store.close();
    this.closed = true;
  }

  async dispose(): Promise<void> {
    await this.close();
    await this.schema.drop();
  }

  async rows(sql: string) {
    return plain(await this.store.sql.unsafe(sql));
  }

  async schemaVersion() {
    const [{ v }] = await this.store.sql`SELECT coalesce(max(version), 0)::int AS v FROM schema_version`;
    return v as number;
  }

  async breakInserts(table: string, message: string) {
    await this.store.sql.unsafe(`
      CREATE FUNCTION broken_${table}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '${message}'; END $$;
      CREATE TRIGGER broken_${table} BEFORE INSERT ON ${table} FOR EACH ROW EXECUTE FUNCTION broken_${table}();
    `);
  }

  async record(session: string, id: string, timestampSec: number, at: number) {
    await this.store.sql`INSERT INTO published_messages (session, id, timestamp, recorded_at)
      VALUES (${session}, ${id}, ${timestampSec}, ${at}) ON CONFLICT DO NOTHING`;
  }

  deliveries(now?: () => number): WebhookDeliveries {
    return new PostgresWebhookDeliveries(new Pool(this.store.sql, 10), this.store.outbox as PostgresOutbox, now);
  }
}

/** A migrated SQLite store in a temp folder, for tests about something else than the store. */
export function tempSqliteStore(): TestStore {
  return new SqliteTestStore();
}

/** Why the PostgreSQL cases cannot run here; null when the test server answers. */
async function postgresSkipReason(): Promise<string | null> {
  if (!SERVER_URL) return 'WABUN_TEST_POSTGRES_URL is not set (bash scripts/run.sh test starts a server and sets it)';
  const probe = new SQL(SERVER_URL, { max: 1, connectionTimeout: 5 });
  try {
    await probe`SELECT 1`;
    return null;
  } catch (e) {
    return `the server at WABUN_TEST_POSTGRES_URL does not answer: ${e instanceof Error ? e.message : String(e)}`;
  } finally {
    await probe.close();
  }
}

const postgresSkip = await postgresSkipReason();

/**
 * The bindings a store-level test file runs its cases on. Prints, once for `file`, why the
 * PostgreSQL cases are skipped when they are.
 */
export function storeBindings(file: string): Binding[] {
  if (postgresSkip) console.log(`[stores] ${file}: PostgreSQL cases skipped — ${postgresSkip}`);
  return [
    { name: 'sqlite', skip: null, open: async (extra = []) => new SqliteTestStore(extra) },
    { name: 'postgres', skip: postgresSkip, open: (extra = []) => PostgresTestStore.create(extra) },
  ];
}

/** Whether the PostgreSQL test server answers (for end-to-end tests that need it), and why not. */
export const postgresTestServer = { available: postgresSkip === null, skipReason: postgresSkip };
