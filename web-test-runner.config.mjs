// Browser component tests (widget, desktop) in the Chromium scripts/chromium/locate.mjs finds
// (CHROME_PATH, /usr/bin/chromium, PATH); never a downloaded browser.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { CHROMIUM_ARGS, chromiumPath } from './scripts/chromium/locate.mjs';
import { socketIoClientTestRunnerPlugin } from './scripts/socket-io-client-bundling.mjs';
import { twitterTextTestRunnerPlugin } from './scripts/twitter-text-bundling.mjs';

const executablePath = chromiumPath();

export default {
  files: ['widget/**/*.browser.test.ts', 'desktop/**/*.browser.test.ts', 'desktop/**/*.browser.test.tsx'],
  nodeResolve: { exportConditions: ['browser', 'production'] },
  plugins: [socketIoClientTestRunnerPlugin(), twitterTextTestRunnerPlugin(), esbuildPlugin({ ts: true, tsx: true, jsx: true, target: 'es2020', tsconfig: 'tsconfig.json' })],
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
