/**
 * Which store the service opens: PostgreSQL when WHATSAPP_SESSIONS_POSTGRESQL_URL is set (shared
 * by every node that points at it), else the embedded SQLite file in the data folder.
 */
import { join } from 'node:path';
import { describeUrl, openPostgresStore } from './postgres';
import type { Pool } from './postgres/pool';
import { openSqliteStore, STORE_FILE } from './sqlite';
import type { Store } from './types';

export interface StoreLocation {
  /** WHATSAPP_SESSIONS_POSTGRESQL_URL; empty for the embedded store. */
  postgresUrl: string;
  /** WAHA_LOCAL_STORE_BASE_DIR: where the SQLite file lives. */
  baseDir: string;
}

/** The store as opened, and which one it is (for the start-up log; never the password). */
export type OpenedStore = Store & { kind: 'postgres' | 'sqlite'; where: string; pool?: Pool };

/** Opens the store once; `close()` ends it (the PostgreSQL pool, or the SQLite file). */
export async function openStore(where: StoreLocation): Promise<OpenedStore> {
  if (where.postgresUrl)
    return { ...(await openPostgresStore(where.postgresUrl)), kind: 'postgres', where: describeUrl(where.postgresUrl) };
  return { ...openSqliteStore(where.baseDir), kind: 'sqlite', where: join(where.baseDir, STORE_FILE) };
}
