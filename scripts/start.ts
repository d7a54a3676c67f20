/**
 * `npm start`. Outside production (the README's demo): build the front-end bundles when missing or
 * older than their sources, then run the server (migrations, the demo seed). In production it builds
 * nothing (the build needs devDependencies: `npm run build` is its own step) and just runs the server,
 * which reports not ready while the bundles are missing. Production's direct command, where the server
 * itself receives the signals, is `node --import tsx server/main.ts` (docs/operations/production.md).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadEnv } from '../server/env.ts';
import { createNodeLogger } from '../server/observability/logger.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const outputs = ['dist/widget/loader.js', 'dist/widget/app.js', 'dist/desktop/main.js', 'dist/desktop/index.html'];
const sources = ['widget', 'desktop', 'protocol', 'rollup.config.mjs', 'scripts/socket-io-client-bundling.mjs'];

function newestMtime(path: string): number {
  const full = join(root, path);
  if (!existsSync(full)) return 0;
  const stat = statSync(full);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(full).map((name) => newestMtime(join(path, name))));
}

function needsBuild(): boolean {
  const built = outputs.map((o) => (existsSync(join(root, o)) ? statSync(join(root, o)).mtimeMs : 0));
  if (built.some((t) => t === 0)) return true;
  return Math.max(...sources.map(newestMtime)) > Math.min(...built);
}

// An invalid environment is reported by the server's own start below, as a JSON line.
const env = (() => {
  try {
    return loadEnv();
  } catch {
    return null;
  }
})();

if (env && env.nodeEnv !== 'production' && needsBuild()) {
  const { logger } = createNodeLogger({ level: env.logLevel, port: env.port });
  logger.info('building the widget and the desktop (rollup)');
  const result = spawnSync('npx', ['rollup', '-c', '--silent'], { cwd: root, stdio: 'inherit', env: process.env });
  if (result.status !== 0) logger.error('the front-end build failed: the server starts, but /readyz answers 503 until the bundles exist');
}

// The demo is seeded by server/env.ts's rule (outside production, unless SEED_DEMO=false): never
// forced here, or a production `npm start` would create an admin with the public demo password.
const { runMain } = await import('../server/main.ts');
// The X channel of the demo (X_FAKE, never in production; with the demo seed): the fake X API in this process, a
// demo account connected to the demo website.
const demoX = env?.x.fake && env.seedDemo ? await import('./demo-x.ts') : null;
const fakeX = demoX && env ? await demoX.startDemoFakeX(env.x.fakePort) : null;
await runMain(
  demoX && fakeX
    ? {
        env: { x: fakeX.settings },
        bannerLines: [`  Fake X API:     ${fakeX.pageUrl} (post as a customer to @${demoX.DEMO_X_BRAND.username}; X_FAKE=0 turns it off)`],
        afterStart: async (server) => {
          const connected = await demoX.connectDemoXAccount(server);
          if (connected.ok) server.logger.info({ username: demoX.DEMO_X_BRAND.username }, 'demo X account connected to the fake X API');
          else server.logger.warn({ location: connected.location }, 'the demo X account could not be connected');
        },
      }
    : {},
);

// `npm start` runs us under `sh -c`, which does not pass on a SIGTERM sent to npm
// alone: when whoever started us is gone (we were re-parented), shut down too.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.kill(process.pid, 'SIGTERM');
}, 1_000).unref();
