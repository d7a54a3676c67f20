// Browser component tests (widget, desktop) in the Chromium scripts/chromium/locate.mjs finds
// (CHROME_PATH, /usr/bin/chromium, PATH); never a downloaded browser.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { CHROMIUM_ARGS, chromiumPath } from './scripts/chromium/locate.mjs';

const executablePath = chromiumPath();

/**
 * engine.io-client (under socket.io-client) swaps its `*.node.js` transports for browser
 * files through package.json "browser", which node-resolve ignores for packages with
 * "exports"; without this, importing socket.io-client in a test loads Node-only CJS.
 * (Same fix as in rollup.config.mjs.)
 */
const engineIoBrowser = {
  name: 'engine-io-browser',
  resolveImport({ source, context }) {
    if (context.path.includes('/engine.io-client/') && source.endsWith('.node.js')) return source.replace(/\.node\.js$/, '.js');
    return undefined;
  },
};

export default {
  files: ['widget/**/*.browser.test.ts', 'desktop/**/*.browser.test.ts', 'desktop/**/*.browser.test.tsx'],
  nodeResolve: { exportConditions: ['browser', 'production'] },
  plugins: [engineIoBrowser, esbuildPlugin({ ts: true, tsx: true, jsx: true, target: 'es2020', tsconfig: 'tsconfig.json' })],
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath,
        headless: true,
        args: CHROMIUM_ARGS,
      },
    }),
  ],
  concurrency: 1,
  testFramework: { config: { timeout: 10000 } },
  testsFinishTimeout: 180000,
};
