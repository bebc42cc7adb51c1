/**
 * What the dashboard shows that the WAHA routes do not combine: each session with its browser's
 * memory and its last event, and the pairing state in one answer that is never an error (the
 * page polls it while a QR is up, and WAHA's QR route answers 422 once the session moved on).
 * Also the page's basic auth check. No HTTP here.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { UnprocessableError } from '../../errors';
import type { BusEvent } from '../../events/bus';
import type { MemorySource } from '../../memory/types';
import type { SessionDetails, SessionInfo } from '../sessions/model';
import type { DashboardSession, PairingState } from './model';

/** The session manager as the dashboard reads it. */
export interface DashboardSessions {
  list(all: boolean): SessionInfo[];
  get(name: string): SessionDetails;
  qr(name: string): Promise<string>;
}

export interface DashboardDeps {
  sessions: DashboardSessions;
  /** The latest memory sample (no I/O). */
  memory: MemorySource;
  /** Every published event, to remember each session's last one. */
  subscribe: (fn: (e: BusEvent) => void) => () => void;
  /** QR string → PNG (src/modules/sessions/qr.ts). */
  qrPng: (value: string) => Promise<Uint8Array>;
}

export class DashboardService {
  private readonly last = new Map<string, { event: string; at: number }>();
  private readonly images = new Map<string, { value: string; image: string }>();
  private readonly unsubscribe: () => void;

  constructor(private readonly deps: DashboardDeps) {
    this.unsubscribe = deps.subscribe((e) => {
      this.last.set(e.session, { event: e.event, at: e.timestamp });
    });
  }

  /** Every session (STOPPED ones too) with its browser's memory and last event. */
  sessions(): DashboardSession[] {
    const browsers = new Map(this.deps.memory.latest().browsers.map((b) => [b.session, b]));
    const list = this.deps.sessions.list(true);
    const names = new Set(list.map((s) => s.name));
    for (const name of this.last.keys()) if (!names.has(name)) this.last.delete(name);
    return list.map((s) => {
      const b = browsers.get(s.name);
      const row: DashboardSession = {
        name: s.name,
        status: s.status,
        me: s.me,
        browser: b ? { pid: b.pid, processes: b.processes, private_mb: b.privateMb, pss_mb: b.pssMb } : null,
        last_event: this.last.get(s.name) ?? null,
        webhooks: s.config?.webhooks?.length ?? 0,
      };
      if (s.reason) row.reason = s.reason;
      return row;
    });
  }

  /** Status, the current QR (with its PNG) while SCAN_QR_CODE, and the account once WORKING. 404 for an unknown session. */
  async pairing(name: string): Promise<PairingState> {
    const s = this.deps.sessions.get(name);
    let qr: PairingState['qr'] = null;
    if (s.status === 'SCAN_QR_CODE' || s.status === 'STARTING') {
      try {
        const value = await this.deps.sessions.qr(name);
        let cached = this.images.get(name);
        if (cached?.value !== value) {
          const png = await this.deps.qrPng(value);
          cached = { value, image: `data:image/png;base64,${Buffer.from(png).toString('base64')}` };
          this.images.set(name, cached);
        }
        qr = cached;
      } catch (e) {
        // The session moved on (scanned, failed, stopped) while the QR was asked for.
        if (!(e instanceof UnprocessableError)) throw e;
      }
    }
    // Asked again: the QR or its image may have taken a moment, and the session can have moved on.
    const now = this.deps.sessions.get(name);
    if (now.status !== 'SCAN_QR_CODE') qr = null;
    if (!qr) this.images.delete(name);
    return { status: now.status, qr, me: now.me };
  }

  close(): void {
    this.unsubscribe();
  }
}

const sha512 = (s: string) => createHash('sha512').update(s, 'utf8').digest();

/**
 * Basic auth for the page (WAHA_DASHBOARD_USERNAME / WAHA_DASHBOARD_PASSWORD): a check of the
 * Authorization header, or null when no password is set. Digests compared in constant time.
 */
export function basicAuth(username: string, password: string): ((authorization: string | null) => boolean) | null {
  if (!password) return null;
  const expected = sha512(`${username}:${password}`);
  return (authorization) => {
    const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization ?? '');
    if (!m) return false;
    return timingSafeEqual(sha512(Buffer.from(m[1]!, 'base64').toString('utf8')), expected);
  };
}
