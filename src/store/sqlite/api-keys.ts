import type { Database, Statement } from 'bun:sqlite';
import type { ApiKeyRow, ApiKeyStore, KeyActions } from '../types';

interface RawRow {
  id: string;
  hash: Uint8Array;
  hint: string;
  kind: ApiKeyRow['kind'];
  session: string | null;
  active: number;
  actions: string | null;
  created_at: number;
  updated_at: number;
}

const toRow = (r: RawRow): ApiKeyRow => ({
  id: r.id,
  hash: new Uint8Array(r.hash),
  hint: r.hint,
  kind: r.kind,
  session: r.session,
  active: r.active === 1,
  actions: r.actions === null ? null : (JSON.parse(r.actions) as KeyActions),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const params = (row: ApiKeyRow) => ({
  id: row.id,
  kind: row.kind,
  session: row.session,
  active: row.active ? 1 : 0,
  actions: row.actions === null ? null : JSON.stringify(row.actions),
  updated_at: row.updatedAt,
});

/** The `api_keys` table. Every write is one statement, so each is atomic on its own. */
export class SqliteApiKeys implements ApiKeyStore {
  private readonly q: Record<'list' | 'get' | 'byHash' | 'insert' | 'update' | 'delete', Statement>;

  constructor(db: Database) {
    this.q = {
      list: db.query('SELECT * FROM api_keys ORDER BY created_at, id'),
      get: db.query('SELECT * FROM api_keys WHERE id = $id'),
      byHash: db.query('SELECT * FROM api_keys WHERE hash = $hash'),
      insert: db.query(`INSERT INTO api_keys (id, hash, hint, kind, session, active, actions, created_at, updated_at)
        VALUES ($id, $hash, $hint, $kind, $session, $active, $actions, $created_at, $updated_at)`),
      update: db.query(
        'UPDATE api_keys SET kind = $kind, session = $session, active = $active, actions = $actions, updated_at = $updated_at WHERE id = $id',
      ),
      delete: db.query('DELETE FROM api_keys WHERE id = $id'),
    };
  }

  async list(): Promise<ApiKeyRow[]> {
    return (this.q.list.all() as RawRow[]).map(toRow);
  }

  async get(id: string): Promise<ApiKeyRow | null> {
    const r = this.q.get.get({ id }) as RawRow | null;
    return r ? toRow(r) : null;
  }

  async byHash(hash: Uint8Array): Promise<ApiKeyRow | null> {
    const r = this.q.byHash.get({ hash }) as RawRow | null;
    return r ? toRow(r) : null;
  }

  async insert(row: ApiKeyRow): Promise<void> {
    this.q.insert.run({ ...params(row), hash: row.hash, hint: row.hint, created_at: row.createdAt });
  }

  async update(row: ApiKeyRow): Promise<boolean> {
    return this.q.update.run(params(row)).changes > 0;
  }

  async delete(id: string): Promise<boolean> {
    return this.q.delete.run({ id }).changes > 0;
  }
}
