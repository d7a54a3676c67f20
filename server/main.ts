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
import { loadEnv, publicUrlFor, resolveSecret, type Env } from './env.ts';
import { createApp } from './http/app.ts';
import type { StaticPaths } from './http/static.ts';
import { closeGracefully } from './observability/graceful-close.ts';
import { createInFlight } from './observability/handler-hooks.ts';
import { createMetrics, type Metrics } from './observability/metrics.ts';
import { createReadiness } from './observability/readiness.ts';
import { createGateway } from './realtime/gateway.ts';
import { startSweeper } from './services/sweeper.ts';
import { createServices, type Services } from './services/index.ts';
import { createLatePublisher } from './services/publisher.ts';
import { DEMO, seedDemo } from './services/seed-demo.ts';
import { createVisitorTokens } from './services/visitor-tokens.ts';
import { createWebhookDispatcher, type DispatcherOptions } from './webhooks/dispatcher.ts';

/** Composition root: env → db → migrate → services → Hono app + Socket.IO gateway → listen → seed. */

const ROOT = fileURLToPath(new URL('../', import.meta.url));

export interface StartOptions {
  /** Overrides of the parsed environment (e.g. `{ port: 0, seedDemo: true, logLevel: 'silent' }`). */
  env?: Partial<Env>;
  /** An open, migrated database to use instead of the env's; left open by `close()`. */
  database?: Database;
  clock?: Clock;
  staticPaths?: Partial<StaticPaths>;
  /** Print the URLs/credentials banner (default: true unless LOG_LEVEL is silent). */
  banner?: boolean;
  /** Webhook dispatcher tuning (interval, timeout, backoff…); `false` = do not run one on this node. */
  webhooks?: Omit<DispatcherOptions, 'db' | 'clock' | 'logger'> | false;
}

export interface RunningServer {
  /** Base URL, e.g. http://localhost:41234 (PUBLIC_URL when set). */
  url: string;
  port: number;
  database: Database;
  services: Services;
  /** This node's Prometheus registry (also served at /metrics). */
  metrics: Metrics;
  /** The HTTP app (its `routes` tell tests, e.g. the fuzz suite, every route there is). */
  app: Hono;
  /** Graceful: stop accepting, finish in-flight work, disconnect clients, drain writes, close. */
  close(): Promise<void>;
}

export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const env: Env = { ...loadEnv(), ...options.env };
  const logger = pino({ level: env.logLevel, base: { app: 'parley' } });
  const clock = options.clock ?? systemClock;
  // A borrowed test database gets a throw-away secret unless one is given; otherwise DATA_DIR/secret.
  const secret = env.secret ?? (options.database ? randomBytes(32).toString('base64url') : resolveSecret(env));

  const ownsDatabase = !options.database;
  const database = options.database ?? (await openDatabase(targetFromEnv(env)));
  try {
    if (ownsDatabase) await database.migrate();
    const publisher = createLatePublisher();
    const tokens = createVisitorTokens(secret, clock);
    let publicUrl = env.publicUrl ?? ''; // known for sure once listening (port 0 in tests); the admin's snippet reads it late
    const metrics = createMetrics({ logger });
    metrics.setDatabase(database.db);
    const services = createServices(
      { db: database.db, clock, tokens, publisher, logger },
      { presenceGraceMs: env.presenceGraceMs },
      { publicUrl: () => publicUrl },
      { onBatch: ({ size, durationMs }) => metrics.observeBatch(size, durationMs / 1000) },
    );
    const staticPaths: StaticPaths = {
      widget: `${ROOT}dist/widget`,
      desktop: `${ROOT}dist/desktop`,
      demo: `${ROOT}demo`,
      ...options.staticPaths,
    };
    const secureCookies = (env.publicUrl ?? '').startsWith('https://');
    const attachments = { uploadDir: env.uploadDir ?? join(env.dataDir, 'uploads'), tokens, clock };
    const readiness = createReadiness(database.db);
    const inFlight = createInFlight();
    const ops = { readiness, metrics, metricsToken: env.metricsToken };
    const app = createApp({ db: database.db, services, logger, staticPaths, secureCookies, attachments, ops });

    const httpServer = createAdaptorServer({ fetch: app.fetch }) as HttpServer;
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(env.port, env.host, () => resolve());
    });
    const port = (httpServer.address() as AddressInfo).port;
    const url = publicUrlFor(env, port);
    publicUrl = url;
    const gateway = createGateway(httpServer, services, logger, {
      publicUrl: url,
      redisUrl: env.redisUrl,
      metrics,
      inFlight,
      accepting: () => !readiness.draining,
    });
    const { io, publisher: socketPublisher, closeAdapter } = gateway;
    readiness.setRedisProbe(gateway.redisProbe);
    publisher.attach(socketPublisher);
    const sweeper = startSweeper(services, logger, env.sweepIntervalMs);

    if (env.seedDemo) await seedDemo(database.db, { publicUrl: url, port, assistant: env.seedDemoAssistant });
    if (options.banner ?? env.logLevel !== 'silent') printBanner(url, env, database, env.seedDemo);
    // Every node sends outgoing webhooks; SKIP LOCKED claims keep the nodes from sending one twice.
    const webhookDispatcher = options.webhooks === false ? null : createWebhookDispatcher({ db: database.db, clock, logger, ...options.webhooks });
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
        closeAdapter,
        closeDatabase: async () => {
          if (ownsDatabase) await database.close();
        },
      }));
    return { url, port, database, services, metrics, app, close };
  } catch (err) {
    if (ownsDatabase) await database.close().catch(() => {});
    throw err;
  }
}

function printBanner(url: string, env: Env, database: Database, seeded: boolean): void {
  const where = database.kind === 'pglite' ? `embedded PGlite in ${env.dataDir}/pglite` : 'PostgreSQL (DATABASE_URL)';
  const lines = [
    '',
    `  Parley is running on ${url}`,
    '',
    `  Demo shop:      ${url}/demo/`,
    `  Agent desktop:  ${url}/desktop/`,
    ...(seeded ? [`  Demo agents:    ${DEMO.agentEmail} / ${DEMO.agentPassword} (admin), ${DEMO.agent2Email} / ${DEMO.agentPassword}`] : []),
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
