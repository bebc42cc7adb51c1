import type { Database, Statement } from 'bun:sqlite';
import type { SessionConfig } from '../../modules/sessions/model';
import type { SessionRow, SessionStore } from '../types';

interface RawRow {
  name: string;
  config: string;
  running: number;
  created_at: number;
  updated_at: number;
}

const toRow = (r: RawRow): SessionRow => ({
  name: r.name,
  config: JSON.parse(r.config) as SessionConfig | null,
  running: r.running === 1,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** The `sessions` table. Every write is one statement, so each is atomic on its own. */
export class SqliteSessions implements SessionStore {
  private readonly q: {
    list: Statement<RawRow, []>;
    insert: Statement<unknown, [{ name: string; config: string; running: number; now: number }]>;
    config: Statement<unknown, [{ name: string; config: string; now: number }]>;
    running: Statement<unknown, [{ name: string; running: number; now: number }]>;
    delete: Statement<unknown, [{ name: string }]>;
  };

  constructor(db: Database) {
    this.q = {
      list: db.query('SELECT * FROM sessions ORDER BY created_at, name'),
      insert: db.query(
        'INSERT INTO sessions (name, config, running, created_at, updated_at) VALUES ($name, $config, $running, $now, $now)',
      ),
      config: db.query('UPDATE sessions SET config = $config, updated_at = $now WHERE name = $name'),
      running: db.query('UPDATE sessions SET running = $running, updated_at = $now WHERE name = $name'),
      delete: db.query('DELETE FROM sessions WHERE name = $name'),
    };
  }

  async list(): Promise<SessionRow[]> {
    return this.q.list.all().map(toRow);
  }

  async insert(name: string, config: SessionConfig | null, running = false): Promise<void> {
    this.q.insert.run({ name, config: JSON.stringify(config), running: running ? 1 : 0, now: Date.now() });
  }

  async setConfig(name: string, config: SessionConfig | null): Promise<void> {
    this.q.config.run({ name, config: JSON.stringify(config), now: Date.now() });
  }

  async setRunning(name: string, running: boolean): Promise<void> {
    this.q.running.run({ name, running: running ? 1 : 0, now: Date.now() });
  }

  async delete(name: string): Promise<void> {
    this.q.delete.run({ name });
  }
}
