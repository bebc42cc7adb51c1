import type { Database, Statement } from 'bun:sqlite';
import type { SessionConfig } from '../modules/sessions/model';

/** One stored session. */
export interface SessionRow {
  name: string;
  config: SessionConfig | null;
  /** Whether it should be running: restored at the next start-up when true. */
  running: boolean;
  createdAt: number;
  updatedAt: number;
}

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
export class SessionRows {
  private readonly q: {
    list: Statement<RawRow, []>;
    get: Statement<RawRow, [{ name: string }]>;
    insert: Statement<unknown, [{ name: string; config: string; running: number; now: number }]>;
    config: Statement<unknown, [{ name: string; config: string; now: number }]>;
    running: Statement<unknown, [{ name: string; running: number; now: number }]>;
    delete: Statement<unknown, [{ name: string }]>;
  };

  constructor(db: Database) {
    this.q = {
      list: db.query('SELECT * FROM sessions ORDER BY created_at, name'),
      get: db.query('SELECT * FROM sessions WHERE name = $name'),
      insert: db.query(
        'INSERT INTO sessions (name, config, running, created_at, updated_at) VALUES ($name, $config, $running, $now, $now)',
      ),
      config: db.query('UPDATE sessions SET config = $config, updated_at = $now WHERE name = $name'),
      running: db.query('UPDATE sessions SET running = $running, updated_at = $now WHERE name = $name'),
      delete: db.query('DELETE FROM sessions WHERE name = $name'),
    };
  }

  list(): SessionRow[] {
    return this.q.list.all().map(toRow);
  }

  get(name: string): SessionRow | null {
    const r = this.q.get.get({ name });
    return r ? toRow(r) : null;
  }

  insert(name: string, config: SessionConfig | null, running = false): void {
    this.q.insert.run({ name, config: JSON.stringify(config), running: running ? 1 : 0, now: Date.now() });
  }

  setConfig(name: string, config: SessionConfig | null): void {
    this.q.config.run({ name, config: JSON.stringify(config), now: Date.now() });
  }

  setRunning(name: string, running: boolean): void {
    this.q.running.run({ name, running: running ? 1 : 0, now: Date.now() });
  }

  delete(name: string): void {
    this.q.delete.run({ name });
  }
}
