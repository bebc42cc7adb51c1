import type { ApiKeyRow, ApiKeyStore, KeyActions } from '../types';
import type { Pool } from './pool';

interface RawRow {
  id: string;
  hash: Uint8Array;
  hint: string;
  kind: ApiKeyRow['kind'];
  session: string | null;
  active: boolean;
  actions: string | null;
  /** int8 comes back as text (Bun's default, so no value is rounded). */
  created_at: string;
  updated_at: string;
}

const toRow = (r: RawRow): ApiKeyRow => ({
  id: r.id,
  hash: new Uint8Array(r.hash),
  hint: r.hint,
  kind: r.kind,
  session: r.session,
  active: r.active,
  actions: r.actions === null ? null : (JSON.parse(r.actions) as KeyActions),
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

const actionsText = (row: ApiKeyRow) => (row.actions === null ? null : JSON.stringify(row.actions));

/** The `api_keys` table. Every write is one statement, so each is atomic on its own. */
export class PostgresApiKeys implements ApiKeyStore {
  constructor(private readonly pool: Pool) {}

  async list(): Promise<ApiKeyRow[]> {
    const rows: RawRow[] = await this.pool.query`SELECT * FROM api_keys ORDER BY created_at, id`;
    return rows.map(toRow);
  }

  async get(id: string): Promise<ApiKeyRow | null> {
    const [r]: RawRow[] = await this.pool.query`SELECT * FROM api_keys WHERE id = ${id}`;
    return r ? toRow(r) : null;
  }

  async byHash(hash: Uint8Array): Promise<ApiKeyRow | null> {
    const [r]: RawRow[] = await this.pool.query`SELECT * FROM api_keys WHERE hash = ${hash}`;
    return r ? toRow(r) : null;
  }

  async insert(row: ApiKeyRow): Promise<void> {
    await this.pool.query`INSERT INTO api_keys (id, hash, hint, kind, session, active, actions, created_at, updated_at)
      VALUES (${row.id}, ${row.hash}, ${row.hint}, ${row.kind}, ${row.session}, ${row.active}, ${actionsText(row)}, ${row.createdAt}, ${row.updatedAt})`;
  }

  async update(row: ApiKeyRow): Promise<boolean> {
    const changed: { id: string }[] = await this.pool.query`UPDATE api_keys
      SET kind = ${row.kind}, session = ${row.session}, active = ${row.active}, actions = ${actionsText(row)}, updated_at = ${row.updatedAt}
      WHERE id = ${row.id} RETURNING id`;
    return changed.length > 0;
  }

  async delete(id: string): Promise<boolean> {
    const gone: { id: string }[] = await this.pool.query`DELETE FROM api_keys WHERE id = ${id} RETURNING id`;
    return gone.length > 0;
  }
}
