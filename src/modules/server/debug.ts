/**
 * WAHA's debug routes (`/api/server/debug/…`), behind WAHA_DEBUG_MODE: off, each answers WAHA's
 * 404 "WAHA_DEBUG_MODE is disabled". On, what Bun can give, each bounded (docs/server.md):
 *   - a heap snapshot in V8's format (`Bun.generateHeapSnapshot('v8')`, which Chrome DevTools
 *     opens), refused while the heap is above HEAP_SNAPSHOT_MAX_MB: the snapshot is built in one
 *     piece, blocks the process meanwhile and costs several times the heap;
 *   - a CPU profile (`.cpuprofile`) from the runtime's own inspector (`node:inspector`'s Profiler),
 *     for 1–CPU_PROFILE_MAX_S seconds;
 *   - a Chromium trace of a WORKING session's page, through the engine (DevTools is the engine's),
 *     for 1–TRACE_MAX_S seconds and at most TRACE_MAX_BYTES.
 * One capture of each kind at a time (409 otherwise): two would measure each other.
 */
import { heapStats } from 'bun:jsc';
import { Session } from 'node:inspector';
import type { TraceOptions } from '../../engine/types';
import { HttpError, NotFoundError, UnprocessableError } from '../../errors';
import type { Logger } from '../../log';

export const HEAP_SNAPSHOT_MAX_MB = 64;
export const CPU_PROFILE_MAX_S = 300;
export const TRACE_MAX_S = 120;
export const TRACE_MAX_BYTES = 64 * 1024 * 1024;

/** A file to answer with: its bytes or text, its type and the name a browser saves it under. */
export interface DebugFile {
  body: string | Uint8Array;
  type: string;
  filename: string;
}

export interface DebugDeps {
  /** WAHA_DEBUG_MODE. */
  enabled: boolean;
  log: Logger;
  /** Traces a WORKING session's page (404 unknown, 422 not WORKING). */
  browserTrace?: (session: string, opts: TraceOptions) => Promise<Uint8Array>;
  /** The heap in use, MB (default: JavaScriptCore's own count). */
  heapMb?: () => number;
}

export class DebugService {
  private readonly busy = new Set<string>();

  constructor(private readonly deps: DebugDeps) {}

  heapSnapshot(): DebugFile {
    this.assertEnabled();
    const heapMb = this.deps.heapMb?.() ?? heapStats().heapSize / 1048576;
    if (heapMb > HEAP_SNAPSHOT_MAX_MB)
      throw new UnprocessableError(
        `The heap holds ${Math.round(heapMb)} MB, above the ${HEAP_SNAPSHOT_MAX_MB} MB a snapshot is taken of: building one costs several times the heap and stops the service meanwhile.`,
        { heapMb: Math.round(heapMb), limitMb: HEAP_SNAPSHOT_MAX_MB },
      );
    this.deps.log.info('taking a heap snapshot', { heapMb: Math.round(heapMb) });
    const started = performance.now();
    const body = Bun.generateHeapSnapshot('v8');
    this.deps.log.info('heap snapshot taken', { mb: Math.round(body.length / 1048576), ms: Math.round(performance.now() - started) });
    return { body, type: 'application/octet-stream', filename: `${Date.now()}.heapsnapshot` };
  }

  async cpuProfile(seconds: number): Promise<DebugFile> {
    this.assertEnabled();
    return this.once('cpu', 'A CPU profile', async () => {
      this.deps.log.info('collecting a CPU profile', { seconds });
      const session = new Session();
      session.connect();
      const post = (method: string) =>
        new Promise<unknown>((resolve, reject) => session.post(method, {}, (err, result) => (err ? reject(err) : resolve(result))));
      try {
        await post('Profiler.enable');
        await post('Profiler.start');
        await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
        const { profile } = (await post('Profiler.stop')) as { profile: unknown };
        return { body: JSON.stringify(profile), type: 'application/json', filename: `CPU.${Date.now()}.${process.pid}.cpuprofile` };
      } finally {
        session.disconnect();
      }
    });
  }

  async browserTrace(session: string, seconds: number, categories: readonly string[]): Promise<DebugFile> {
    this.assertEnabled();
    const trace = this.deps.browserTrace;
    if (!trace) throw new NotFoundError('Session not found');
    return this.once(`trace:${session}`, `A browser trace of '${session}'`, async () => {
      this.deps.log.info('tracing the browser', { session, seconds, categories });
      const body = await trace(session, { seconds, categories, maxBytes: TRACE_MAX_BYTES });
      return { body, type: 'application/octet-stream', filename: `trace-${session}-${Date.now()}.json` };
    });
  }

  /** WAHA's refusal while WAHA_DEBUG_MODE is off. */
  private assertEnabled(): void {
    if (!this.deps.enabled) throw new NotFoundError('WAHA_DEBUG_MODE is disabled');
  }

  private async once<T>(key: string, what: string, fn: () => Promise<T>): Promise<T> {
    if (this.busy.has(key)) throw new HttpError(409, `${what} is being collected already; wait for it to finish.`);
    this.busy.add(key);
    try {
      return await fn();
    } finally {
      this.busy.delete(key);
    }
  }
}
