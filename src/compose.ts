/**
 * The composition root: builds every part of the service from the configuration and returns
 * them, wired together. It neither listens nor exits (src/index.ts does both); `start()` starts
 * the timers and the event delivery once the caller is listening, `stop()` undoes all of it.
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import { CONVERT_TIMEOUT_MS, createApp } from './app';
import { type Clock, systemClock } from './clock';
import { createForwarder } from './cluster/forward';
import { PostgresLeases } from './cluster/leases';
import { ClusterNode } from './cluster/node';
import { PostgresProfiles } from './cluster/profiles';
import { describeLocation, type S3Location, S3Profiles, s3Client } from './cluster/profiles-s3';
import { EventRelay } from './cluster/relay';
import type { Config } from './config';
import type { EngineFactory } from './engine/types';
import { createWebjsEngineFactory } from './engine/webjs';
import { createEvents } from './events';
import { globalWebhook } from './events/targets';
import { createKeyCheck, generateKey, type KeyCheck } from './http/api-key';
import { cors } from './http/cors';
import { createEdge } from './http/edge';
import { Logger } from './log';
import { createMemory } from './memory';
import { ApiKeysService } from './modules/api-keys/service';
import { DashboardService } from './modules/dashboard/service';
import { MediaConverter } from './modules/media/convert';
import { MediaStore } from './modules/media/service';
import { MemoryHistory } from './modules/memory-history/service';
import { MessagingService } from './modules/messages/service';
import { createMetrics } from './modules/metrics/metrics';
import { MetricsService } from './modules/metrics/service';
import { DebugService } from './modules/server/debug';
import { ServerService } from './modules/server/service';
import { type QrPrinter, qrPng, terminalQrPrinter } from './modules/sessions/qr';
import { SessionManager } from './modules/sessions/service';
import { WebhookDeliveryService } from './modules/webhooks/service';
import { wsRoute } from './modules/ws';
import { outboundPolicy } from './net/policy';
import { chromiumKind, chromiumVersion, findChromium } from './os/chromium';
import { openStore } from './store';
import { VERSION } from './version';

const MB = 1024 * 1024;
/** How deep a JSON request body may nest: WAHA's deepest body (a session config) is 5 levels. */
export const MAX_JSON_DEPTH = 64;

/** What tests (and embedders) may swap; production leaves all of it unset but `exit`. */
export interface ComposeOptions {
  /**
   * Asked for when the service must end: the memory governor's last resort, EXIT_ON_ALL_SESSIONS_FAILED,
   * POST /api/server/stop (code 0; `force`: browsers killed instead of closed).
   */
  exit: (code: number, reason: string, how?: { force?: boolean }) => void;
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
 * (unless an engine factory is given) or the PostgreSQL store cannot be reached: start-up fails
 * fast with the hint.
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
  const store = await openStore({ postgresUrl: config.WHATSAPP_SESSIONS_POSTGRESQL_URL, baseDir: config.WAHA_LOCAL_STORE_BASE_DIR });
  log.info('store opened', { store: store.kind, at: store.where });
  const workerId = config.WAHA_WORKER_ID || crypto.randomUUID().slice(0, 8);
  // How the other nodes reach this one: known once listening (the port may be 0 until then).
  let workerUrl = config.WORKER_URL;
  const s3: S3Location | null = config.WAHA_S3_BUCKET
    ? {
        bucket: config.WAHA_S3_BUCKET,
        region: config.WAHA_S3_REGION,
        endpoint: config.WAHA_S3_ENDPOINT,
        accessKeyId: config.WAHA_S3_ACCESS_KEY_ID,
        secretAccessKey: config.WAHA_S3_SECRET_ACCESS_KEY,
        forcePathStyle: config.WAHA_S3_FORCE_PATH_STYLE,
        prefix: config.PROFILE_S3_PREFIX,
      }
    : null;
  const clusterLog = log.child({ module: 'cluster', worker: workerId });
  // Leases only with a shared store and a stable name: one node otherwise, running every session.
  const cluster =
    config.WAHA_WORKER_ID && store.pool
      ? new ClusterNode({
          leases: new PostgresLeases(store.pool, workerId, config.LEASE_TTL_MS),
          profiles: s3 ? new S3Profiles(store.pool, s3Client(s3), s3.prefix, clusterLog) : new PostgresProfiles(store.pool),
          log: clusterLog,
          ttlMs: config.LEASE_TTL_MS,
          renewMs: config.LEASE_RENEW_MS,
          claimMs: config.LEASE_CLAIM_MS,
          profileIntervalMs: config.PROFILE_SAVE_INTERVAL_MS,
          profileMaxBytes: config.PROFILE_MAX_MB * MB,
          url: () => workerUrl,
          settle: () => events.outbox.idle(),
          onClaimed: () => {
            void events.outbox.resync().then(() => events.dispatcher.rescan());
          },
        })
      : null;
  // `/ws` on every node carries every session's events.
  const relay = cluster && store.pool ? new EventRelay(store.pool.sql, store.pool, workerId, log.child({ module: 'cluster' })) : null;
  if (cluster)
    log.info('cluster node', {
      worker: workerId,
      leaseTtlMs: config.LEASE_TTL_MS,
      capacity: config.MAX_RUNNING_SESSIONS,
      profiles: s3 ? { store: 's3', ...describeLocation(s3) } : { store: 'postgres' },
    });
  else if (s3) log.warn('WAHA_S3_BUCKET is set but this node is not in a cluster: login profiles stay in the local profile folder');
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
    environment: () => ({ version: VERSION, engine: 'WEBJS', tier: 'CORE', browser, worker: { id: workerId } }),
    leaseOf: cluster ? (name) => cluster.leaseOf(name) : undefined,
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
    workerId,
    cluster,
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
    // The account is gone (logout, an unlink from the phone, deletion): its history and, in a
    // cluster, its saved login, so that no node brings the old login back.
    onWiped: async (name) => {
      await events.ledger.forget(name);
      await cluster?.forget(name);
    },
  });
  const manager = sessions;
  const hookUrl = config.WHATSAPP_HOOK_URL;
  deliveries = new WebhookDeliveryService({
    store: store.deliveries,
    // In a cluster the global webhook has one queue per session, `*:<session>`.
    configured: (scope, url) =>
      scope === '*' || scope.startsWith('*:') ? url === hookUrl : manager.webhooksOf(scope).some((w) => w.url === url),
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
    workerId,
    browser: () => browser,
    sessionCounts: () => manager.counts(),
    lastMemoryAction: () => memory.governor.lastAction(),
    stop: (force) => options.exit(0, `POST /api/server/stop${force ? ' {"force":true}' : ''}`, { force }),
  });
  const debug = new DebugService({
    enabled: config.WAHA_DEBUG_MODE,
    log,
    browserTrace: (session, opts) => manager.browserTrace(session, opts),
  });
  const mediaLimits = {
    maxBytes: config.MEDIA_MAX_MB * MB,
    timeoutMs: config.MEDIA_FETCH_TIMEOUT_MS,
    policy: outboundPolicy({ blockNonPublic: true, allow: config.MEDIA_FETCH_ALLOW, allowVariable: 'MEDIA_FETCH_ALLOW' }),
  };
  // ffmpeg is looked up on first use: without it only the conversions answer 503.
  const converter = new MediaConverter({ maxBytes: mediaLimits.maxBytes, timeoutMs: CONVERT_TIMEOUT_MS });
  const messaging = new MessagingService(manager, mediaLimits, converter);
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
    debug,
    sessions: manager,
    messaging,
    metrics: metricsService,
    counters: metrics,
    media: media ?? undefined,
    dashboard,
    deliveries,
    memoryHistory,
    mediaLimits,
    converter,
  });
  const corsHooks = cors(config.CORS_ALLOWED_ORIGINS);
  const edge = createEdge({
    app,
    log,
    limits: { maxBytes: config.BODY_LIMIT_MB * MB, maxDepth: MAX_JSON_DEPTH },
    preflight: corsHooks.preflight,
    // The latest periodic sample: no syscall on the request path.
    headers: (request) => ({ ...corsHooks.headers(request), 'x-memory-usage-mb': String(Math.round(memory.sampler.latest().totalMb)) }),
    ws: wsRoute(events.hub, keyCheck, config.WHATSAPP_API_KEY_EXCLUDE_PATH.includes('ws'), apiKeys),
    route: cluster ? createForwarder({ cluster, log, claimMs: config.LEASE_CLAIM_MS }).route : undefined,
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
    cluster,
    memory,
    app,
    edge,

    /** Once listening on `port`: delivery, timers, and the sessions that should run (`restored` settles when they have). */
    start(port: number): { restored: Promise<void> } {
      baseUrl ||= `http://localhost:${port}`;
      const host = config.WHATSAPP_API_HOSTNAME;
      workerUrl ||= `http://${!host || host === '0.0.0.0' || host === '::' ? hostname() : host}:${port}`;
      cluster?.start();
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
      if (relay) {
        events.outbox.onWritten((w) => relay.send(w.envelope, w.json));
        relay
          .start((e, json) => events.hub.publish(e, json))
          .catch((err) =>
            log.warn('cluster events not received: /ws carries only this node’s sessions', {
              error: err instanceof Error ? err.message : String(err),
            }),
          );
      }
      memory.start();
      stopHistory = memoryHistory.follow(memory.sampler);
      media?.start();
      return { restored: manager.restore() };
    },

    /**
     * Closes the browsers (what is stored as running is kept for the next start) and the store, within
     * DESTROY_TIMEOUT_MS; `force`: the browsers are SIGKILLed instead of closed.
     */
    stop(how: { force?: boolean } = {}): Promise<void> {
      stopping ??= (async () => {
        const started = clock.now();
        memory.stop();
        stopHistory();
        dashboard.close();
        media?.stop();
        const left = () => Math.max(100, config.DESTROY_TIMEOUT_MS - (clock.now() - started));
        await Promise.all([manager.close(left(), how.force ?? false), events.stop(left())]);
        // Every write of the sessions has committed: each login is saved and each lease released.
        await relay?.stop();
        await cluster
          ?.stop()
          .catch((err) => log.warn('cluster hand-over failed', { error: err instanceof Error ? err.message : String(err) }));
        await store.close();
        log.info('stopped');
      })();
      return stopping;
    },
  };
}

export type Service = Awaited<ReturnType<typeof compose>>;
