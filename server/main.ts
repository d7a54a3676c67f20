import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createAdaptorServer } from '@hono/node-server';
import type { Hono } from 'hono';
import type { Logger } from 'pino';
import { createBlobStore, type BlobStore } from './attachments/storage/index.ts';
import { hasLeftoverUploads } from './attachments/storage/leftover-uploads.ts';
import { systemClock, type Clock } from './core/clock.ts';
import { openDatabase, targetFromEnv, type Database } from './db/client.ts';
import { demoSeedPassword, loadEnv, metricsAccess, PUBLIC_DEMO_PASSWORD, publicUrlFor, resolveSecret, type Env, type LimitSettings, type XSettings } from './env.ts';
import { createApp } from './http/app.ts';
import { createCredentialCipher } from './keys/credential-cipher.ts';
import { createKeyring } from './keys/keyring.ts';
import { prepareStoredCredentials } from './keys/stored-credentials.ts';
import { createLimits, type Limits } from './limits/limits.ts';
import type { StaticPaths } from './http/static.ts';
import { closeGracefully } from './observability/graceful-close.ts';
import { createInFlight } from './observability/handler-hooks.ts';
import { createNodeLogger } from './observability/logger.ts';
import { startMetricsListener, type MetricsListener } from './observability/metrics-listener.ts';
import { describeError } from './observability/root-cause.ts';
import { createMetrics, type Metrics } from './observability/metrics.ts';
import { createReadiness } from './observability/readiness.ts';
import { createGateway, type Gateway } from './realtime/gateway.ts';
import { assertSocketIoInternalsVersions } from './realtime/socket-io-internals/index.ts';
import { startSweeper } from './services/sweeper.ts';
import { startXMaintenance } from './services/x-maintenance.ts';
import { createAttachmentService } from './attachments/attachment-service.ts';
import { startXRuntime } from './channels/x/x-runtime.ts';
import { createServices, type Services } from './services/index.ts';
import { agentsWithPublicDemoPassword, DEMO, seedDemo } from './services/seed-demo.ts';
import { createVisitorTokens } from './services/visitor-tokens.ts';
import { createWebhookDispatcher, type DispatcherOptions } from './webhooks/dispatcher.ts';

/** Composition root: env → db → migrate → services → Hono app + Socket.IO gateway → listen → seed → ready. */

const ROOT = fileURLToPath(new URL('../', import.meta.url));

export interface StartOptions {
  /** Overrides of the parsed environment (e.g. `{ port: 0, seedDemo: true, logLevel: 'silent' }`); `limits` merges into the parsed ones. */
  env?: Partial<Omit<Env, 'limits' | 'x'>> & { limits?: Partial<LimitSettings>; x?: Partial<XSettings> };
  /** An open, migrated database to use instead of the env's; left open by `close()`. */
  database?: Database;
  clock?: Clock;
  staticPaths?: Partial<StaticPaths>;
  /** Print the URLs/credentials banner for a person (default: when stdout is a terminal and LOG_LEVEL is not silent). */
  banner?: boolean;
  /**
   * /readyz requires the built widget and desktop bundles (default: true). Integration tests, which
   * exercise the API and sockets without a front-end build, turn it off.
   */
  requireAssets?: boolean;
  /** Lines added to the start banner (the demo's fake X API page). */
  bannerLines?: string[];
  /** `runMain` only: run once the server is ready (the demo connects its X account). */
  afterStart?: (server: RunningServer) => Promise<void>;
  /** Webhook dispatcher tuning (interval, timeout, backoff…); `false` = do not run one on this node. */
  webhooks?: Omit<DispatcherOptions, 'db' | 'credentials' | 'clock' | 'logger'> | false;
  /**
   * The X channel's background work on this node: polling intervals (default X_POLL_INTERVAL_SEC and
   * X_MENTIONS_POLL_INTERVAL_SEC), or `false` = no outbound dispatcher, poller nor inbox sweep here.
   * Where X is (the fake in tests) and its secrets are settings: `env.x`.
   */
  x?: { dmPollMs?: number; mentionsPollMs?: number } | false;
}

export interface RunningServer {
  /** Base URL, e.g. http://localhost:41234 (PUBLIC_URL when set). */
  url: string;
  port: number;
  database: Database;
  services: Services;
  /** This node's Prometheus registry (also served at /metrics). */
  metrics: Metrics;
  /** The HTTP app (its `routes` list every REST route: the authorization table and fuzz tests read it). */
  app: Hono;
  /** This node's logger (JSON lines with host, port and pid). */
  logger: Logger;
  /** The private METRICS_LISTEN listener's URL, when there is one. */
  metricsUrl: string | null;
  /** Graceful: stop accepting, finish in-flight work, disconnect clients, drain writes, close. */
  close(): Promise<void>;
}

export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  // Before anything opens: the Socket.IO internals this server reaches into are the versions they were verified with.
  assertSocketIoInternalsVersions();
  const parsed = loadEnv();
  const env: Env = { ...parsed, ...options.env, limits: { ...parsed.limits, ...options.env?.limits }, x: { ...parsed.x, ...options.env?.x } };
  const nodeLogger = createNodeLogger({ level: env.logLevel, port: env.port });
  const { logger } = nodeLogger;
  const clock = options.clock ?? systemClock;
  // A borrowed test database gets a throw-away secret unless one is given; otherwise DATA_DIR/secret.
  const secret = env.secret ?? (options.database ? randomBytes(32).toString('base64url') : resolveSecret(env));
  const keyring = createKeyring(secret, env.secretPrevious);
  const credentials = createCredentialCipher(keyring);
  // Refused before anything opens: never the public demo password in production (env overrides included).
  const demoPassword = env.seedDemo ? demoSeedPassword(env) : null;

  const ownsDatabase = !options.database;
  let limits: Limits | null = null;
  let gateway: Gateway | null = null;
  let metricsListener: MetricsListener | null = null;
  let blobs: BlobStore | null = null;
  const database = options.database ?? (await openDatabase(targetFromEnv(env)));
  try {
    if (ownsDatabase) {
      // Under a lock: any number of nodes may start together on an empty database (server/db/migration-lock.ts).
      await database.migrate();
      logger.info({ database: database.kind }, 'database connected, migrations applied');
    }
    // Refuses to start on a credential this node cannot read; encrypts any still stored in plain text.
    const stored = await prepareStoredCredentials(database.db, credentials, keyring);
    if (stored.encrypted) logger.info({ encrypted: stored.encrypted }, 'stored credentials encrypted at rest');
    const tokens = createVisitorTokens(keyring, clock);
    let publicUrl = env.publicUrl ?? ''; // known for sure once listening (port 0 in tests); the admin's snippet reads it late
    const metrics = createMetrics({ logger });
    metrics.setDatabase(database.db);
    const uploadDir = env.uploadDir ?? join(env.dataDir, 'uploads');
    blobs = createBlobStore(env.attachmentsStorage, { db: database.db, uploadDir });
    if (blobs.kind !== 'disk' && (await hasLeftoverUploads(uploadDir))) {
      logger.warn({ uploadDir, store: blobs.kind }, 'uploads from before are still on disk and not served: move them with `npm run attachments:migrate`');
    }
    const staticPaths: StaticPaths = {
      widget: `${ROOT}dist/widget`,
      desktop: `${ROOT}dist/desktop`,
      demo: `${ROOT}demo`,
      ...options.staticPaths,
    };
    // The entry files of each bundle: a node started without `npm run build` is not ready.
    const assets = [join(staticPaths.widget, 'loader.js'), join(staticPaths.widget, 'app.js'), join(staticPaths.desktop, 'index.html'), join(staticPaths.desktop, 'main.js')];
    const readiness = createReadiness(database.db, { assets: (options.requireAssets ?? true) ? assets : [] });
    const inFlight = createInFlight();
    limits = await createLimits({ settings: env.limits, trustedProxies: env.trustedProxies, redisUrl: env.redisUrl, logger });
    // The gateway first: its publisher is what the services announce committed changes with.
    gateway = createGateway(logger, {
      publicUrl: env.publicUrl,
      redisUrl: env.redisUrl,
      metrics,
      inFlight,
      // Refused until the start has finished, and again once draining: clients retry with backoff
      // (a widget meeting a node still seeding would otherwise be told "unknown website" for good).
      accepting: () => readiness.accepting,
      limits,
    });
    const attachmentService = createAttachmentService(database.db, blobs);
    const services = createServices({
      db: database.db,
      clock,
      tokens,
      credentials,
      publisher: gateway.publisher,
      logger,
      routing: { presenceGraceMs: env.presenceGraceMs },
      site: { publicUrl: () => publicUrl },
      writePath: { onBatch: ({ size, durationMs }) => metrics.observeBatch(size, durationMs / 1000) },
      attachmentFiles: attachmentService,
      x: { settings: env.x, uploads: attachmentService },
    });
    const secureCookies = (env.publicUrl ?? '').startsWith('https://');
    const attachments = { blobs, tokens, clock };
    const ops = { readiness, metrics, metricsAccess: metricsAccess(env) };
    const app = createApp({
      db: database.db,
      services,
      logger,
      staticPaths,
      secureCookies,
      publicUrl: env.publicUrl,
      allowPrivateWebhookTargets: env.webhooksAllowPrivateTargets,
      credentials,
      attachments,
      ops,
      limits,
      x: { consumerSecret: env.x.consumerSecret },
    });

    const httpServer = createAdaptorServer({ fetch: app.fetch }) as HttpServer;
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(env.port, env.host, () => resolve());
    });
    const port = (httpServer.address() as AddressInfo).port;
    nodeLogger.setPort(port);
    const url = publicUrlFor(env, port);
    publicUrl = url;
    if (env.metricsListen) metricsListener = await startMetricsListener(metrics, env.metricsListen);
    const { io, closeAdapter, listen } = gateway;
    listen(httpServer, services);
    readiness.setRedisProbe(gateway.redisProbe);
    const sweeper = startSweeper(services, logger, env.sweepIntervalMs);
    // The X channel's upkeep: webhook validity as X sees it, expired OAuth authorizations.
    const xMaintenance = startXMaintenance(services.xAccounts, logger);

    if (demoPassword) {
      await seedDemo(database.db, { publicUrl: url, port, password: demoPassword, assistant: env.seedDemoAssistant });
      logger.info({ website: DEMO.websiteKey, agents: [DEMO.agentEmail, DEMO.agent2Email] }, 'demo seeded');
    }
    if (env.nodeEnv === 'production') {
      // A database seeded by an earlier `npm start` (it always seeded) may still hold the public demo admin.
      const exposed = await agentsWithPublicDemoPassword(database.db);
      if (exposed.length) logger.error({ agents: exposed }, `demo agents still have the public password "${PUBLIC_DEMO_PASSWORD}": change their password (Admin › Agents) or remove them`);
    }
    if (options.banner ?? (env.logLevel !== 'silent' && process.stdout.isTTY === true)) printBanner(url, env, database, demoPassword, options.bannerLines ?? []);
    // Every node sends outgoing webhooks; SKIP LOCKED claims keep the nodes from sending one twice.
    const webhookDispatcher =
      options.webhooks === false
        ? null
        : createWebhookDispatcher({ db: database.db, credentials, clock, logger, allowPrivateTargets: env.webhooksAllowPrivateTargets, ...options.webhooks });
    webhookDispatcher?.start();
    // The X channel: the outbound queue (DMs, replies, likes), polling and the inbox sweep; claims keep the nodes from doing one thing twice.
    const xRuntime =
      options.x === false
        ? null
        : startXRuntime({
            db: database.db,
            clock,
            logger,
            publisher: gateway.publisher,
            http: services.xAccounts.http,
            tokens: services.xAccounts.tokens,
            blobs,
            sink: services.xSink,
            inbound: services.xInbound,
            onQueued: services.xOutboundSignal.listen,
            noteRateLimited: services.xAccounts.noteRateLimited,
            dmPollMs: options.x?.dmPollMs ?? env.x.pollIntervalSec * 1000,
            mentionsPollMs: options.x?.mentionsPollMs ?? env.x.mentionsPollIntervalSec * 1000,
          });
    if ((options.requireAssets ?? true) && !assets.every((file) => existsSync(file))) {
      logger.error({ widget: staticPaths.widget, desktop: staticPaths.desktop }, 'front-end bundles missing: run `npm run build`; /readyz answers 503 until they exist');
    }
    logger.info({ url, metricsUrl: metricsListener?.url ?? null, redis: env.redisUrl ? 'configured' : 'none' }, 'listening');

    let closing: Promise<void> | null = null;
    const close = () =>
      (closing ??= closeGracefully({
        logger,
        readiness,
        httpServer,
        io,
        inFlight,
        timeoutMs: env.shutdownTimeoutMs,
        drainWrites: () => services.writer.drain(),
        stopBackground: async () => {
          await sweeper.stop();
          await xMaintenance.stop();
          await webhookDispatcher?.stop();
          await xRuntime?.stop();
        },
        closeAdapter: async () => {
          await closeAdapter();
          await limits?.close();
          await metricsListener?.close();
        },
        closeDatabase: async () => {
          await blobs?.close();
          if (ownsDatabase) await database.close();
        },
      }).then(() => logger.info('shutdown complete')));
    // Last, with nothing awaited after it: once /readyz says ready, runMain has its signal handlers.
    readiness.markStarted();
    return { url, port, database, services, metrics, app, logger, metricsUrl: metricsListener?.url ?? null, close };
  } catch (err) {
    // The gateway's Redis connections open before the server listens: a start that fails closes them.
    await gateway?.closeAdapter().catch(() => {});
    await limits?.close().catch(() => {});
    await metricsListener?.close().catch(() => {});
    await blobs?.close().catch(() => {});
    if (ownsDatabase) await database.close().catch(() => {});
    throw err;
  }
}

/** `demoPassword`: the one the demo seed used, shown only when it is the public one (never a chosen one in the logs). */
function printBanner(url: string, env: Env, database: Database, demoPassword: string | null, extra: string[]): void {
  const password = demoPassword === PUBLIC_DEMO_PASSWORD ? demoPassword : '(DEMO_PASSWORD)';
  const where = database.kind === 'pglite' ? `embedded PGlite in ${env.dataDir}/pglite` : 'PostgreSQL (DATABASE_URL)';
  const lines = [
    '',
    `  Parley is running on ${url}`,
    '',
    `  Demo shop:      ${url}/demo/`,
    `  Agent desktop:  ${url}/desktop/`,
    ...(demoPassword ? [`  Demo agents:    ${DEMO.agentEmail} / ${password} (admin), ${DEMO.agent2Email} / ${password}`] : []),
    `  Database:       ${where}`,
    ...extra,
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

/**
 * `node --import tsx server/main.ts` (production: this process receives the signals), `npm start`
 * and `npm run dev`: start, and close gracefully on SIGINT/SIGTERM. Everything it writes is a JSON
 * line, a failed start included (its root cause in words: "connection refused", not only the query).
 */
export async function runMain(options: StartOptions = {}): Promise<void> {
  // Listening from the first moment: a SIGTERM during the start (migrations, seed) closes the node
  // gracefully once it has started, instead of killing it halfway.
  let server: RunningServer | null = null;
  let requested: string | null = null;
  const onSignal = (signal: string) => {
    if (requested) return;
    requested = signal;
    if (server) shutdown(server, signal, options);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    server = await startServer(options);
  } catch (err) {
    failedStart(err, options);
  }
  if (options.afterStart && !requested) {
    await options.afterStart(server).catch((err: unknown) => server!.logger.error({ err }, `after start: ${describeError(err)}`));
  }
  if (requested) shutdown(server, requested, options);
}

function shutdown(server: RunningServer, signal: string, options: StartOptions): void {
  const { logger } = server;
  logger.info({ signal }, 'shutdown started');
  // close() bounds itself by SHUTDOWN_TIMEOUT_MS; this only catches a close that hangs anyway.
  const force = setTimeout(() => {
    logger.fatal('shutdown did not complete in time, exiting');
    process.exit(1);
  }, (options.env?.shutdownTimeoutMs ?? loadEnv().shutdownTimeoutMs) + 10_000);
  force.unref();
  server.close().then(
    () => process.exit(0),
    (err: unknown) => {
      logger.fatal({ err }, `shutdown failed: ${describeError(err)}`);
      process.exit(1);
    },
  );
}

/** Why the start failed, as one JSON line (the environment itself may be what is wrong), then exit 1. */
function failedStart(err: unknown, options: StartOptions): never {
  let level: Env['logLevel'] = 'info';
  let port = 0;
  try {
    const env = loadEnv();
    level = options.env?.logLevel ?? env.logLevel;
    port = options.env?.port ?? env.port;
  } catch {
    // An invalid environment: the defaults, and the error below says what is wrong.
  }
  const { logger } = createNodeLogger({ level: level === 'silent' ? 'fatal' : level, port });
  logger.fatal({ err }, `Parley failed to start: ${describeError(err)}`);
  process.exit(1);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void runMain();
