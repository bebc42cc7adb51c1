/**
 * The composition root: builds every part of the service from the configuration and returns
 * them, wired together. It neither listens nor exits (src/index.ts does both); `start()` starts
 * the timers and the event delivery once the caller is listening, `stop()` undoes all of it.
 */
import { join } from 'node:path';
import { createApp } from './app';
import { type Clock, systemClock } from './clock';
import type { Config } from './config';
import type { EngineFactory } from './engine/types';
import { createWebjsEngineFactory } from './engine/webjs';
import { createEvents } from './events';
import { globalWebhook } from './events/targets';
import { createKeyCheck, generateKey, type KeyCheck } from './http/api-key';
import { createEdge } from './http/edge';
import { Logger } from './log';
import { createMemory } from './memory';
import { ApiKeysService } from './modules/api-keys/service';
import { DashboardService } from './modules/dashboard/service';
import { MediaStore } from './modules/media/service';
import { MemoryHistory } from './modules/memory-history/service';
import { MessagingService } from './modules/messages/service';
import { createMetrics } from './modules/metrics/metrics';
import { MetricsService } from './modules/metrics/service';
import { ServerService } from './modules/server/service';
import { type QrPrinter, qrPng, terminalQrPrinter } from './modules/sessions/qr';
import { SessionManager } from './modules/sessions/service';
import { WebhookDeliveryService } from './modules/webhooks/service';
import { wsRoute } from './modules/ws';
import { outboundPolicy } from './net/policy';
import { chromiumKind, chromiumVersion, findChromium } from './os/chromium';
import { openSqliteStore } from './store/sqlite';
import { VERSION } from './version';

const MB = 1024 * 1024;
/** How deep a JSON request body may nest: WAHA's deepest body (a session config) is 5 levels. */
export const MAX_JSON_DEPTH = 64;

/** What tests (and embedders) may swap; production leaves all of it unset but `exit`. */
export interface ComposeOptions {
  /** Asked for when the service must end (the memory governor's last resort, EXIT_ON_ALL_SESSIONS_FAILED). */
  exit: (code: number, reason: string) => void;
  /** Default: the whatsapp-web.js engine on the Chromium found on this machine. */
  engineFactory?: EngineFactory;
  /** Default: a JSON logger on stdout at WAHA_LOG_LEVEL. */
  log?: Logger;
  /** Used with WAHA_PRINT_QR=true; default: QR art on stdout. */
  printQr?: QrPrinter;
  clock?: Clock;
}

/** The authentication setting: a check, and the key when one was generated for this run (to be shown once). */
function keyFor(config: Config): { keyCheck: KeyCheck | null; generated: string | null } {
  if (config.WAHA_NO_API_KEY) return { keyCheck: null, generated: null };
  if (config.WAHA_API_KEY) return { keyCheck: createKeyCheck(config.WAHA_API_KEY), generated: null };
  const key = generateKey();
  return { keyCheck: createKeyCheck(key), generated: key };
}

/**
 * Every part of the service, built. Throws MissingDependencyError when no Chromium is found
 * (unless an engine factory is given): start-up fails fast with the install hint.
 */
export async function compose(config: Config, options: ComposeOptions) {
  const log = options.log ?? new Logger({ level: config.WAHA_LOG_LEVEL, format: config.WAHA_LOG_FORMAT });
  const clock = options.clock ?? systemClock;
  const chromiumPath = options.engineFactory ? null : findChromium(config.PUPPETEER_EXECUTABLE_PATH);
  const engineFactory =
    options.engineFactory ??
    createWebjsEngineFactory({
      chromiumPath: chromiumPath!,
      extraFlags: config.CHROMIUM_EXTRA_FLAGS,
      webCache: {
        type: config.WAHA_WEBJS_CACHE_TYPE,
        path: config.WAHA_WEBJS_CACHE_PATH || join(config.WAHA_LOCAL_STORE_BASE_DIR, 'webjs-cache'),
        remotePath: config.WAHA_WEBJS_CACHE_REMOTE_PATH,
        version: config.WAHA_WEBJS_WEB_VERSION,
      },
      initTimeoutMs: config.INIT_TIMEOUT_MS,
      destroyTimeoutMs: config.DESTROY_TIMEOUT_MS,
      defaultProxy: config.WHATSAPP_PROXY_SERVER || undefined,
    });
  const { keyCheck, generated } = keyFor(config);
  const store = openSqliteStore(config.WAHA_LOCAL_STORE_BASE_DIR);
  const metrics = createMetrics();
  // Which browser the sessions run, as WAHA reports it: the executable's path.
  const browser = chromiumPath ?? 'unknown';
  if (chromiumPath) metrics.browser(chromiumPath);
  // The port is known once listening; media links use it unless WAHA_BASE_URL says otherwise.
  let baseUrl = config.WAHA_BASE_URL;
  const media = config.WHATSAPP_DOWNLOAD_MEDIA
    ? new MediaStore({
        dir: join(config.WAHA_LOCAL_STORE_BASE_DIR, 'media'),
        baseUrl: () => baseUrl,
        lifetimeSec: config.WHATSAPP_FILES_LIFETIME,
        log,
        clock,
      })
    : null;

  const memoryHistory = new MemoryHistory({ limitMb: config.MEMORY_THRESHOLD_MB, intervalMs: config.MEMORY_SAMPLE_INTERVAL_MS });
  let deliveries: WebhookDeliveryService | null = null;

  // The session manager and the events need each other (webhooks of a session, the catch-up's
  // client): each is given a function that reads the other once both exist.
  let sessions: SessionManager | null = null;
  const events = await createEvents({
    outboxStore: store.outbox,
    ledgerStore: store.ledger,
    webhooksOf: (name) => sessions?.webhooksOf(name) ?? [],
    globalWebhook: globalWebhook(config),
    environment: () => ({ version: VERSION, engine: 'WEBJS', tier: 'CORE', browser }),
    clientOf: (name) => sessions?.clientOf(name) ?? null,
    webhookTimeoutMs: config.WEBHOOK_TIMEOUT_MS,
    webhookPolicy: outboundPolicy({ blockNonPublic: false, deny: config.WEBHOOK_DENY, denyVariable: 'WEBHOOK_DENY' }),
    log,
    clock,
    onAttempt: (a) => {
      if (a.ok) metrics.webhookDelivered(a.session);
      else metrics.webhookFailed(a.session);
      if (a.dead) metrics.webhookDeadLettered(a.session);
      deliveries?.attempted(a);
    },
  });
  sessions = await SessionManager.open({
    config,
    store: store.sessions,
    bus: events.bus,
    log,
    engineFactory,
    clock,
    printQr: config.WAHA_PRINT_QR ? (options.printQr ?? terminalQrPrinter()) : null,
    onAllFailed: config.EXIT_ON_ALL_SESSIONS_FAILED
      ? () => options.exit(1, 'every session FAILED (EXIT_ON_ALL_SESSIONS_FAILED=true)')
      : null,
    onReconnect: (n) => metrics.reconnect(n),
    mediaSaver: media && ((session) => (m) => media.save(session, m)),
    onWiped: (name) => events.ledger.forget(name),
  });
  const manager = sessions;
  const hookUrl = config.WHATSAPP_HOOK_URL;
  deliveries = new WebhookDeliveryService({
    store: store.deliveries,
    configured: (scope, url) => (scope === '*' ? url === hookUrl : manager.webhooksOf(scope).some((w) => w.url === url)),
    onRequeued: (targets) => {
      void events.outbox.resync().then(() => {
        for (const id of targets) events.dispatcher.requeued(id);
      });
    },
    onPruned: () => void events.outbox.resync(),
  });

  const memory = createMemory({
    config,
    log,
    clock,
    sessions: () => manager.memoryView(),
    recycle: async (name) => {
      await manager.restart(name);
      await manager.waitForStatus(name, ['WORKING', 'SCAN_QR_CODE', 'FAILED'], config.INIT_TIMEOUT_MS);
    },
    exit: (code) => options.exit(code, 'memory is still over 120 % after recycling'),
    onAction: (a) => {
      metrics.governorAction(a);
      memoryHistory.action(a);
    },
  });
  const server = new ServerService({
    memory: memory.sampler,
    startedAt: clock.now(),
    workerId: crypto.randomUUID().slice(0, 8),
    browser: () => browser,
    sessionCounts: () => manager.counts(),
    lastMemoryAction: () => memory.governor.lastAction(),
  });
  const messaging = new MessagingService(manager, {
    maxBytes: config.MEDIA_MAX_MB * MB,
    timeoutMs: config.MEDIA_FETCH_TIMEOUT_MS,
    policy: outboundPolicy({ blockNonPublic: true, allow: config.MEDIA_FETCH_ALLOW, allowVariable: 'MEDIA_FETCH_ALLOW' }),
  });
  const metricsService = new MetricsService({
    metrics,
    memory: memory.sampler,
    sample: () => memory.sampler.sample(),
    governor: memory.governor,
    budgetOf: memory.budgetOf,
  });
  const dashboard = new DashboardService({ sessions: manager, memory: memory.sampler, subscribe: (fn) => events.bus.subscribe(fn), qrPng });
  const apiKeys = new ApiKeysService(store.apiKeys, (name) => manager.list(true).some((s) => s.name === name));
  const app = createApp({
    config,
    log,
    keyCheck,
    apiKeys,
    server,
    sessions: manager,
    messaging,
    metrics: metricsService,
    counters: metrics,
    media: media ?? undefined,
    dashboard,
    deliveries,
    memoryHistory,
  });
  const edge = createEdge({
    app,
    log,
    limits: { maxBytes: config.BODY_LIMIT_MB * MB, maxDepth: MAX_JSON_DEPTH },
    // The latest periodic sample: no syscall on the request path.
    headers: () => ({ 'x-memory-usage-mb': String(Math.round(memory.sampler.latest().totalMb)) }),
    ws: wsRoute(events.hub, keyCheck, config.WHATSAPP_API_KEY_EXCLUDE_PATH.includes('ws'), apiKeys),
  });

  let stopHistory = () => {};
  let stopping: Promise<void> | null = null;
  return {
    config,
    log,
    chromiumPath,
    /** The API key generated for this run (no WAHA_API_KEY set), to be shown once; null otherwise. */
    generatedKey: generated,
    store,
    events,
    sessions: manager,
    memory,
    app,
    edge,

    /** Once listening on `port`: delivery, timers, and the sessions that should run (`restored` settles when they have). */
    start(port: number): { restored: Promise<void> } {
      baseUrl ||= `http://localhost:${port}`;
      // Chromium's version is asked off the start-up path (it costs ~50 ms of a cold start).
      if (chromiumPath)
        clock.setTimeout(() => {
          log.info('browser', {
            path: chromiumPath,
            kind: chromiumKind(chromiumPath),
            version: chromiumVersion(chromiumPath),
            chosenBy: config.PUPPETEER_EXECUTABLE_PATH ? 'PUPPETEER_EXECUTABLE_PATH' : 'discovery',
            extraFlags: config.CHROMIUM_EXTRA_FLAGS.join(' '),
          });
        }, 0);
      events.start();
      memory.start();
      stopHistory = memoryHistory.follow(memory.sampler);
      media?.start();
      return { restored: manager.restore() };
    },

    /** Closes the browsers (what is stored as running is kept for the next start) and the store, within DESTROY_TIMEOUT_MS. */
    stop(): Promise<void> {
      stopping ??= (async () => {
        const started = clock.now();
        memory.stop();
        stopHistory();
        dashboard.close();
        media?.stop();
        const left = () => Math.max(100, config.DESTROY_TIMEOUT_MS - (clock.now() - started));
        await Promise.all([manager.close(left()), events.stop(left())]);
        await store.close();
        log.info('stopped');
      })();
      return stopping;
    },
  };
}

export type Service = Awaited<ReturnType<typeof compose>>;
