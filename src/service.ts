import { join } from 'node:path';
import { createApp } from './app';
import { createKeyCheck, generateKey, type KeyCheck } from './auth';
import type { Config } from './config';
import { chromiumVersion, findChromium } from './engine/chromium';
import type { EngineFactory } from './engine/types';
import { createWebjsEngine } from './engine/webjs';
import { EventBus } from './events/bus';
import { Logger } from './log';
import { createMemory } from './memory';
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
import { Store } from './store';
import { VERSION } from './version';
import { type EventDelivery, startEventDelivery } from './webhooks';
import { SqliteWebhookDeliveries } from './webhooks/deliveries';
import { PublishedMessages } from './webhooks/published';

const MB = 1024 * 1024;

/** A running service: its logger, its URL, its sessions and events, and how to stop it. */
export interface RunningService {
  log: Logger;
  url: URL;
  sessions: SessionManager;
  bus: EventBus;
  /** Resolves when the sessions restored at start-up have settled (started or failed). */
  restored: Promise<void>;
  stop(): Promise<void>;
}

/** What tests (and embedders) may swap; production leaves all of it unset. */
export interface StartOptions {
  /** Default: the whatsapp-web.js engine. */
  engineFactory?: EngineFactory;
  /** Default: a JSON logger on stdout at WAHA_LOG_LEVEL. */
  log?: Logger;
  /** Used with WAHA_PRINT_QR=true; default: QR art on stdout. */
  printQr?: QrPrinter;
  /** Used with EXIT_ON_ALL_SESSIONS_FAILED=true; default: stop, then exit 1 so a supervisor restarts us. */
  onAllFailed?: () => void;
  /** The governor's last resort (still over 120 % after a recycle); default: stop, then exit 1. */
  onMemoryExit?: (code: number) => void;
}

function keyCheckFor(config: Config, log: Logger): KeyCheck | null {
  if (config.WAHA_NO_API_KEY) {
    log.warn('authentication is OFF (WAHA_NO_API_KEY=true): anyone who reaches this port can use every session');
    return null;
  }
  if (config.WAHA_API_KEY) return createKeyCheck(config.WAHA_API_KEY);
  const key = generateKey();
  // Printed once, to stderr and outside the JSON log, as WAHA does; never logged or stored.
  process.stderr.write(
    `\nwabun: no WAHA_API_KEY set — generated one for this run:\n\n    WAHA_API_KEY=${key}\n\nSet WAHA_API_KEY to keep a key across restarts.\n\n`,
  );
  log.warn('generated an API key for this run (printed once on stderr); set WAHA_API_KEY to choose one');
  return createKeyCheck(key);
}

/**
 * Wires the parts together and listens. Used by src/index.ts and by tests that need a real server.
 * Throws MissingDependencyError when no Chromium is found: start-up fails fast with the install hint.
 */
export async function startService(config: Config, options: StartOptions = {}): Promise<RunningService> {
  const log = options.log ?? new Logger({ level: config.WAHA_LOG_LEVEL, format: config.WAHA_LOG_FORMAT });
  const chromiumPath = findChromium(config.PUPPETEER_EXECUTABLE_PATH);
  const keyCheck = keyCheckFor(config, log);
  const store = Store.open(config.WAHA_LOCAL_STORE_BASE_DIR);
  const bus = new EventBus(log);
  const published = new PublishedMessages(store.db);
  let stop: () => Promise<void> = async () => {};
  const exitOnAllFailed = () => {
    log.error('every session FAILED; exiting with code 1 so the supervisor restarts the service (EXIT_ON_ALL_SESSIONS_FAILED=true)');
    void stop().finally(() => process.exit(1));
  };
  const metrics = createMetrics();
  // The port is known once listening; media links use it unless WAHA_BASE_URL says otherwise.
  let baseUrl = config.WAHA_BASE_URL;
  const media = config.WHATSAPP_DOWNLOAD_MEDIA
    ? new MediaStore({
        dir: join(config.WAHA_LOCAL_STORE_BASE_DIR, 'media'),
        baseUrl: () => baseUrl,
        lifetimeSec: config.WHATSAPP_FILES_LIFETIME,
        log,
      })
    : null;
  const sessions = new SessionManager({
    config,
    store: store.sessions,
    bus,
    log,
    chromiumPath,
    engineFactory: options.engineFactory ?? createWebjsEngine,
    printQr: config.WAHA_PRINT_QR ? (options.printQr ?? terminalQrPrinter()) : null,
    onAllFailed: config.EXIT_ON_ALL_SESSIONS_FAILED ? (options.onAllFailed ?? exitOnAllFailed) : null,
    onReconnect: (n) => metrics.reconnect(n),
    mediaSaver: media && ((session) => (m) => media.save(session, m)),
    published,
  });
  // Chromium's version is asked once, off the start-up path (it costs ~50 ms of a cold start).
  let browser = 'unknown';
  const browserVersion = () => browser;
  setTimeout(() => {
    browser = chromiumVersion(chromiumPath);
  }, 0);

  const globalHookUrl = config.WHATSAPP_HOOK_URL;
  const deliveries = new WebhookDeliveryService({
    store: new SqliteWebhookDeliveries(store.db),
    configured: (scope, url) => (scope === '*' ? url === globalHookUrl : sessions.webhooksOf(scope).some((w) => w.url === url)),
    onRequeued: (targets) => {
      delivery.outbox.resync();
      for (const id of targets) delivery.dispatcher.requeued(id);
    },
    onPruned: () => delivery.outbox.resync(),
  });
  const memoryHistory = new MemoryHistory({ limitMb: config.MEMORY_THRESHOLD_MB, intervalMs: config.MEMORY_SAMPLE_INTERVAL_MS });
  let delivery: EventDelivery;
  try {
    delivery = startEventDelivery({
      config,
      db: store.db,
      bus,
      log,
      published,
      webhooksOf: (name) => sessions.webhooksOf(name),
      environment: () => ({ version: VERSION, engine: 'WEBJS', tier: 'CORE', browser }),
      onAttempt: (a) => {
        if (a.ok) metrics.webhookDelivered(a.session);
        else metrics.webhookFailed(a.session);
        if (a.dead) metrics.webhookDeadLettered(a.session);
        deliveries.attempted(a);
      },
    });
  } catch (e) {
    store.close();
    throw e;
  }

  const memory = createMemory({
    config,
    log,
    sessions: () => sessions.memoryView(),
    recycle: async (name) => {
      await sessions.restart(name);
      await sessions.waitForStatus(name, ['WORKING', 'SCAN_QR_CODE', 'FAILED'], config.INIT_TIMEOUT_MS);
    },
    exit: (code) => {
      log.error('memory is still over 120 % after recycling; exiting so the supervisor restarts the service', { code });
      if (options.onMemoryExit) return options.onMemoryExit(code);
      void stop().finally(() => process.exit(code));
    },
    onAction: (a) => {
      metrics.governorAction(a);
      memoryHistory.action(a);
    },
  });
  memory.start();
  const stopHistory = memoryHistory.follow(memory.sampler);
  const dashboard = new DashboardService({ sessions, memory: memory.sampler, subscribe: (fn) => bus.subscribe(fn), qrPng });

  const server = new ServerService({
    memory: memory.sampler,
    startedAt: Date.now(),
    workerId: crypto.randomUUID().slice(0, 8),
    browserVersion,
    sessionCounts: () => sessions.counts(),
    lastMemoryAction: () => memory.governor.lastAction(),
  });
  const messaging = new MessagingService(sessions, { maxBytes: config.MEDIA_MAX_MB * MB, timeoutMs: config.MEDIA_FETCH_TIMEOUT_MS });
  const metricsService = new MetricsService({
    metrics,
    memory: memory.sampler,
    sample: () => memory.sampler.sample(),
    governor: memory.governor,
    budgetOf: memory.budgetOf,
  });
  const app = createApp({
    config,
    log,
    memory: memory.sampler,
    keyCheck,
    server,
    sessions,
    messaging,
    hub: delivery.hub,
    metrics: metricsService,
    counters: metrics,
    media: media ?? undefined,
    dashboard,
    deliveries,
    memoryHistory,
  });
  app.listen({ port: config.PORT, hostname: config.WHATSAPP_API_HOSTNAME });
  const port = app.server!.port;
  const url = new URL(`http://${config.WHATSAPP_API_HOSTNAME === '0.0.0.0' ? '127.0.0.1' : config.WHATSAPP_API_HOSTNAME}:${port}`);
  baseUrl ||= `http://localhost:${port}`;
  media?.start();
  log.info('listening', { version: VERSION, port, hostname: config.WHATSAPP_API_HOSTNAME, docs: `${url.origin}/docs`, chromiumPath });
  const restored = sessions.restore();

  let stopping: Promise<void> | null = null;
  stop = () =>
    (stopping ??= (async () => {
      const started = Date.now();
      await app.stop(true);
      // Browsers get what is left of DESTROY_TIMEOUT_MS; what they store as "running" is kept for the next start.
      memory.stop();
      stopHistory();
      dashboard.close();
      media?.stop();
      const left = () => Math.max(100, config.DESTROY_TIMEOUT_MS - (Date.now() - started));
      await Promise.all([sessions.close(left()), delivery.stop(left())]);
      store.close();
      log.info('stopped');
    })());
  return { log, url, sessions, bus, restored, stop };
}
