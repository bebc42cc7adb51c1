/**
 * The shared store: PostgreSQL at `WHATSAPP_SESSIONS_POSTGRESQL_URL`, through Bun's built-in
 * client (`SQL` from 'bun') and its connection pool. The same interfaces and the same answers as
 * the embedded SQLite binding (`sqlite/`); one schema in the URL's database (its `search_path`,
 * e.g. `?options=-c%20search_path%3Dwabun`), brought up to date on open. docs/postgres.md has the
 * tables and the facts about Bun's client the code relies on.
 */
import { SQL } from 'bun';
import { MissingDependencyError } from '../../errors';
import type { Store } from '../types';
import { PostgresApiKeys } from './api-keys';
import { PostgresWebhookDeliveries } from './deliveries';
import { PostgresLedger } from './ledger';
import { MIGRATIONS, type Migration, migrate } from './migrations';
import { PostgresOutbox } from './outbox';
import { Pool } from './pool';
import { PostgresSessions } from './sessions';

/** The PostgreSQL store; `sql` is there for tests that look at the tables themselves. */
export interface PostgresStore extends Store {
  readonly sql: SQL;
  /** The pool with its retry on a lost connection: the cluster's leases and profiles use it too. */
  readonly pool: Pool;
}

export interface PostgresOptions {
  migrations?: readonly Migration[];
  /** Connections in the pool (Bun's default is 10). */
  max?: number;
}

/** Where a URL points, without its password: for messages. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname || 'localhost'}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return '(an unreadable URL)';
  }
}

/** The database the URL names (its path), '' when it names none. */
function databaseOf(url: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname.slice(1));
  } catch {
    return '';
  }
}

/**
 * Connects, brings the schema up to date and returns the store. A server that cannot be reached
 * or refuses the login stops start-up with MissingDependencyError, naming where it looked.
 */
export async function openPostgresStore(url: string, options: PostgresOptions = {}): Promise<PostgresStore> {
  // Bun lets PGDATABASE win over the URL's database (docs/postgres.md); the option wins over both.
  const database = databaseOf(url);
  const size = options.max ?? 10;
  const sql = new SQL(url, { max: size, connectionTimeout: 10, ...(database ? { database } : {}) });
  const pool = new Pool(sql, size);
  try {
    await sql`SELECT 1`;
  } catch (e) {
    await sql.close();
    throw new MissingDependencyError(
      `PostgreSQL at ${describeUrl(url)} (WHATSAPP_SESSIONS_POSTGRESQL_URL) cannot be used: ${e instanceof Error ? e.message : String(e)}.`,
      'Start the server, or fix the URL: postgres://user:password@host:5432/database (unset the variable to use the embedded SQLite store).',
    );
  }
  try {
    await migrate(pool, options.migrations ?? MIGRATIONS);
  } catch (e) {
    await sql.close();
    throw e;
  }
  const ledger = new PostgresLedger(pool);
  const outbox = new PostgresOutbox(pool, ledger);
  return {
    sql,
    pool,
    sessions: new PostgresSessions(pool),
    ledger,
    outbox,
    deliveries: new PostgresWebhookDeliveries(pool, outbox),
    apiKeys: new PostgresApiKeys(pool),
    close: () => pool.close(),
  };
}
