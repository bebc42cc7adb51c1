import type { SessionConfig } from '../../modules/sessions/model';
import type { SessionRow, SessionStore } from '../types';
import type { Pool } from './pool';

interface RawRow {
  name: string;
  config: string;
  running: boolean;
  /** int8 comes back as text (Bun's default, so no value is rounded). */
  created_at: string;
  updated_at: string;
}

const toRow = (r: RawRow): SessionRow => ({
  name: r.name,
  config: JSON.parse(r.config) as SessionConfig | null,
  running: r.running,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

/** The `sessions` table. Every write is one statement, so each is atomic on its own. */
export class PostgresSessions implements SessionStore {
  constructor(private readonly pool: Pool) {}

  async list(): Promise<SessionRow[]> {
    const rows: RawRow[] = await this.pool
      .query`SELECT name, config, running, created_at, updated_at FROM sessions ORDER BY created_at, name`;
    return rows.map(toRow);
  }

  async insert(name: string, config: SessionConfig | null, running = false): Promise<void> {
    const now = Date.now();
    await this.pool.query`INSERT INTO sessions (name, config, running, created_at, updated_at)
      VALUES (${name}, ${JSON.stringify(config)}, ${running}, ${now}, ${now})`;
  }

  async setConfig(name: string, config: SessionConfig | null): Promise<void> {
    await this.pool.query`UPDATE sessions SET config = ${JSON.stringify(config)}, updated_at = ${Date.now()} WHERE name = ${name}`;
  }

  async setRunning(name: string, running: boolean): Promise<void> {
    await this.pool.query`UPDATE sessions SET running = ${running}, updated_at = ${Date.now()} WHERE name = ${name}`;
  }

  async delete(name: string): Promise<void> {
    await this.pool.query`DELETE FROM sessions WHERE name = ${name}`;
  }
}
