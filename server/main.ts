import { randomBytes } from 'node:crypto';
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createAdaptorServer } from '@hono/node-server';
import type { Hono } from 'hono';
import { pino } from 'pino';
import { systemClock, type Clock } from './core/clock.ts';
import { openDatabase, targetFromEnv, type Database } from './db/client.ts';
import { demoSeedPassword, loadEnv, PUBLIC_DEMO_PASSWORD, publicUrlFor, resolveSecret, type Env, type LimitSettings } from './env.ts';
import { createApp } from './http/app.ts';
import { createCredentialCipher } from './keys/credential-cipher.ts';
import { createKeyring } from './keys/keyring.ts';
import { prepareStoredCredentials } from './keys/stored-credentials.ts';
import { createLimits, type Limits } from './limits/limits.ts';
import type { StaticPaths } from './http/static.ts';
import { closeGracefully } from './observability/graceful-close.ts';
import { createInFlight } from './observability/handler-hooks.ts';
import { createMetrics, type Metrics } from './observability/metrics.ts';
import { createReadiness } from './observability/readiness.ts';
import { createGateway, type Gateway } from './realtime/gateway.ts';
import { assertSocketIoInternalsVersions } from './realtime/socket-io-internals/index.ts';
import { startSweeper } from './services/sweeper.ts';
import { createServices, type Services } from './services/index.ts';
import { agentsWithPublicDemoPassword, DEMO, seedDemo } from './services/seed-demo.ts';
import { createVisitorTokens } from './services/visitor-tokens.ts';
import { createWebhookDispatcher, type DispatcherOptions } from './webhooks/dispatcher.ts';

/** Composition root: env → db → migrate → services → Hono app + Socket.IO gateway → listen → seed. */

const ROOT = fileURLToPath(new URL('../', import.meta.url));

export interface StartOptions {
  /** Overrides of the parsed environment (e.g. `{ port: 0, seedDemo: true, logLevel: 'silent' }`); `limits` merges into the parsed ones. */
  env?: Partial<Omit<Env, 'limits'>> & { limits?: Partial<LimitSettings> };
  /** An open, migrated database to use instead of the env's; left open by `close()`. */
  database?: Database;
  clock?: Clock;
  staticPaths?: Partial<StaticPaths>;
  /** Print the URLs/credentials banner (default: true unless LOG_LEVEL is silent). */
  banner?: boolean;
  /** Webhook dispatcher tuning (interval, timeout, backoff…); `false` = do not run one on this node. */
  webhooks?: Omit<DispatcherOptions, 'db' | 'credentials' | 'clock' | 'logger'> | false;
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
  /** Graceful: stop accepting, finish in-flight work, disconnect clients, drain writes, close. */
  close(): Promise<void>;
}

export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  // Before anything opens: the Socket.IO internals this server reaches into are the versions they were verified with.
  assertSocketIoInternalsVersions();
  const parsed = loadEnv();
  const env: Env = { ...parsed, ...options.env, limits: { ...parsed.limits, ...options.env?.limits } };
  const logger = pino({ level: env.logLevel, base: { app: 'parley' } });
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
  const database = options.database ?? (await openDatabase(targetFromEnv(env)));
  try {
    if (ownsDatabase) await database.migrate();
    // Refuses to start on a credential this node cannot read; encrypts any still stored in plain text.
    const stored = await prepareStoredCredentials(database.db, credentials, keyring);
    if (stored.encrypted) logger.info({ encrypted: stored.encrypted }, 'stored credentials encrypted at rest');
    const tokens = createVisitorTokens(keyring, clock);
    let publicUrl = env.publicUrl ?? ''; // known for sure once listening (port 0 in tests); the admin's snippet reads it late
    const metrics = createMetrics({ logger });
    metrics.setDatabase(database.db);
    const readiness = createReadiness(database.db);
    const inFlight = createInFlight();
    limits = await createLimits({ settings: env.limits, trustedProxies: env.trustedProxies, redisUrl: env.redisUrl, logger });
    // The gateway first: its publisher is what the services announce committed changes with.
    gateway = createGateway(logger, {
      publicUrl: env.publicUrl,
      redisUrl: env.redisUrl,
      metrics,
      inFlight,
      accepting: () => !readiness.draining,
      limits,
    });
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
    });
    const staticPaths: StaticPaths = {
      widget: `${ROOT}dist/widget`,
      desktop: `${ROOT}dist/desktop`,
      demo: `${ROOT}demo`,
      ...options.staticPaths,
    };
    const secureCookies = (env.publicUrl ?? '').startsWith('https://');
    const attachments = { uploadDir: env.uploadDir ?? join(env.dataDir, 'uploads'), tokens, clock };
    const ops = { readiness, metrics, metricsToken: env.metricsToken };
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
    });

    const httpServer = createAdaptorServer({ fetch: app.fetch }) as HttpServer;
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(env.port, env.host, () => resolve());
    });
    const port = (httpServer.address() as AddressInfo).port;
    const url = publicUrlFor(env, port);
    publicUrl = url;
    const { io, closeAdapter, listen } = gateway;
    listen(httpServer, services);
    readiness.setRedisProbe(gateway.redisProbe);
    const sweeper = startSweeper(services, logger, env.sweepIntervalMs);

    if (demoPassword) await seedDemo(database.db, { publicUrl: url, port, password: demoPassword, assistant: env.seedDemoAssistant });
    if (env.nodeEnv === 'production') {
      // A database seeded by an earlier `npm start` (it always seeded) may still hold the public demo admin.
      const exposed = await agentsWithPublicDemoPassword(database.db);
      if (exposed.length) logger.error({ agents: exposed }, `demo agents still have the public password "${PUBLIC_DEMO_PASSWORD}": change their password (Admin › Agents) or remove them`);
    }
    if (options.banner ?? env.logLevel !== 'silent') printBanner(url, env, database, demoPassword);
    // Every node sends outgoing webhooks; SKIP LOCKED claims keep the nodes from sending one twice.
    const webhookDispatcher =
      options.webhooks === false
        ? null
        : createWebhookDispatcher({ db: database.db, credentials, clock, logger, allowPrivateTargets: env.webhooksAllowPrivateTargets, ...options.webhooks });
    webhookDispatcher?.start();

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
          await webhookDispatcher?.stop();
        },
        closeAdapter: async () => {
          await closeAdapter();
          await limits?.close();
        },
        closeDatabase: async () => {
          if (ownsDatabase) await database.close();
        },
      }));
    return { url, port, database, services, metrics, app, close };
  } catch (err) {
    // The gateway's Redis connections open before the server listens: a start that fails closes them.
    await gateway?.closeAdapter().catch(() => {});
    await limits?.close().catch(() => {});
    if (ownsDatabase) await database.close().catch(() => {});
    throw err;
  }
}

/** `demoPassword`: the one the demo seed used, shown only when it is the public one (never a chosen one in the logs). */
function printBanner(url: string, env: Env, database: Database, demoPassword: string | null): void {
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
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

/** `tsx server/main.ts` (and `npm start`): start, and close gracefully on SIGINT/SIGTERM. */
export async function runMain(options: StartOptions = {}): Promise<void> {
  let server: RunningServer;
  try {
    server = await startServer(options);
  } catch (err) {
    process.stderr.write(`Parley failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
  const shutdown = (signal: string) => {
    process.stdout.write(`\n${signal} received, closing…\n`);
    // close() bounds itself by SHUTDOWN_TIMEOUT_MS; this only catches a close that hangs anyway.
    const force = setTimeout(() => {
      process.stderr.write('Parley did not close in time, exiting.\n');
      process.exit(1);
    }, (options.env?.shutdownTimeoutMs ?? loadEnv().shutdownTimeoutMs) + 10_000);
    force.unref();
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`Parley did not close cleanly: ${err instanceof Error ? err.stack : String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void runMain();
