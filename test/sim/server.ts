/**
 * The loopback control server: the simulator page (written with `controlUrl: server.url`)
 * connects to it at every load, says hello, and serves `window.__sim` calls sent as
 * `{ id, method, args }`. Listens on 127.0.0.1 (or the given address), port 0, behind a random
 * path token.
 *
 * Chromium 156 blocks https://web.whatsapp.com → ws://127.0.0.1 (Local Network Access) unless the
 * profile grants it (index.ts allowLoopbackControl) or the browser runs with
 * `--disable-features=LocalNetworkAccessChecks`. See README.md.
 */
import type { Server, ServerWebSocket } from 'bun';
import { SimControl, type SimTransport } from './control';

/** One loaded simulator page, as it introduced itself. */
export interface SimPageInfo {
  /** Stable per Chromium profile. */
  profileId: string;
  /** New at every page load. */
  instanceId: string;
  version: string;
  state: string;
  me: { id: string; pushName: string } | null;
}

type Select = string | ((page: SimPageInfo) => boolean) | undefined;
type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };
interface Conn {
  info: SimPageInfo;
  ws: ServerWebSocket<{ conn?: Conn }>;
  pending: Map<number, Pending>;
}

const matches = (select: Select, info: SimPageInfo) =>
  select === undefined || (typeof select === 'string' ? info.profileId === select : select(info));

export class SimControlServer implements AsyncDisposable {
  private readonly conns = new Set<Conn>();
  private readonly helloWaiters = new Set<{ select: Select; resolve: (c: Conn) => void }>();
  private readonly listeners = new Set<(page: SimPageInfo, event: string, data: unknown) => void>();
  private nextId = 1;
  private constructor(
    private readonly server: Server<{ conn?: Conn }>,
    /** The URL to give writeSimPage's `controlUrl`. */
    readonly url: string,
  ) {}

  /**
   * `hostname`: where to listen. A page in a container on a bridge network reaches the host at
   * the bridge's gateway address, not at 127.0.0.1 (test/container).
   */
  static start(opts: { hostname?: string } = {}): SimControlServer {
    const token = crypto.randomUUID();
    const hostname = opts.hostname ?? '127.0.0.1';
    let self!: SimControlServer;
    const server = Bun.serve<{ conn?: Conn }>({
      hostname,
      port: 0,
      fetch(req, srv) {
        if (new URL(req.url).pathname !== `/sim/${token}`) return new Response('not found', { status: 404 });
        if (srv.upgrade(req, { data: {} })) return undefined;
        return new Response('WebSocket upgrade required', { status: 426 });
      },
      websocket: {
        message: (ws, raw) => self.onMessage(ws, String(raw)),
        close: (ws) => self.onClose(ws),
      },
    });
    self = new SimControlServer(server, `ws://${hostname}:${server.port}/sim/${token}`);
    return self;
  }

  /** Pages connected now, oldest first. */
  pages(): SimPageInfo[] {
    return [...this.conns].map((c) => c.info);
  }

  /** A connected page matching `select` (profile id or predicate; default: any), waiting for one. */
  async waitForPage(select?: Select, timeoutMs = 30_000): Promise<SimPageInfo> {
    return (await this.connFor(select, timeoutMs)).info;
  }

  /** The next page load that says hello (e.g. the reload after logoutFromPhone). */
  nextPage(select?: Select, timeoutMs = 30_000): Promise<SimPageInfo> {
    return this.waitHello(select, timeoutMs).then((c) => c.info);
  }

  /** Control of the page matching `select`; each call goes to its current connection (reloads included). */
  control(select?: Select): SimControl {
    const transport: SimTransport = { call: (method, args) => this.call(select, method, args) };
    return new SimControl(transport);
  }

  /** Page events as they happen: state, qr, pairing-code, synced, outbox. Returns an unsubscribe. */
  onEvent(listener: (page: SimPageInfo, event: string, data: unknown) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async stop(): Promise<void> {
    for (const c of this.conns) c.ws.close();
    await this.server.stop(true);
  }

  async [Symbol.asyncDispose]() {
    await this.stop();
  }

  private async call(select: Select, method: string, args: unknown[]): Promise<unknown> {
    const conn = await this.connFor(select, 30_000);
    const id = this.nextId++;
    return await new Promise((resolve, reject) => {
      conn.pending.set(id, { resolve, reject });
      conn.ws.send(JSON.stringify({ id, method, args }));
    });
  }

  private connFor(select: Select, timeoutMs: number): Promise<Conn> {
    const live = [...this.conns].filter((c) => matches(select, c.info));
    const newest = live[live.length - 1];
    return newest ? Promise.resolve(newest) : this.waitHello(select, timeoutMs);
  }

  private waitHello(select: Select, timeoutMs: number): Promise<Conn> {
    return new Promise((resolve, reject) => {
      const waiter = { select, resolve };
      this.helloWaiters.add(waiter);
      const timer = setTimeout(() => {
        this.helloWaiters.delete(waiter);
        reject(new Error(`no simulator page connected to ${this.url} within ${timeoutMs} ms`));
      }, timeoutMs);
      waiter.resolve = (c) => {
        clearTimeout(timer);
        resolve(c);
      };
    });
  }

  private onMessage(ws: ServerWebSocket<{ conn?: Conn }>, raw: string) {
    const msg = JSON.parse(raw);
    if (msg.type === 'hello') {
      const { type, ...info } = msg;
      const conn: Conn = { info, ws, pending: new Map() };
      ws.data.conn = conn;
      this.conns.add(conn);
      for (const w of [...this.helloWaiters]) {
        if (matches(w.select, conn.info)) {
          this.helloWaiters.delete(w);
          w.resolve(conn);
        }
      }
      return;
    }
    if (msg.type === 'event') {
      const info = ws.data.conn?.info;
      if (info) for (const l of this.listeners) l(info, msg.event, msg.data);
      return;
    }
    const pending = ws.data.conn?.pending.get(msg.id);
    if (!pending) return;
    ws.data.conn?.pending.delete(msg.id);
    if (msg.error !== undefined) pending.reject(new Error(msg.error));
    else pending.resolve(msg.result);
  }

  private onClose(ws: ServerWebSocket<{ conn?: Conn }>) {
    const conn = ws.data.conn;
    if (!conn) return;
    this.conns.delete(conn);
    for (const p of conn.pending.values()) p.reject(new Error('simulator page went away (reload or browser exit)'));
  }
}
