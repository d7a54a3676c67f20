// Where the test runners' Chromium is: the one answer shared by `npm test`'s first step
// (ensure.mjs), the browser component tests (web-test-runner.config.mjs), the end-to-end
// suite (test/e2e/browser.ts) and the docs' screenshots. Plain .mjs: the wtr config loads it without tsx.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Debian's package puts it here. */
export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/** Headless in a container: no sandbox (root), no GPU, nothing fetched in the background. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** The real machine; tests pass their own. */
export const hostSystem = {
  env: process.env,
  isExecutable(path) {
    try {
      accessSync(path, constants.X_OK);
      return statSync(path).isFile();
    } catch {
      return false;
    }
  },
};

/**
 * CHROME_PATH when set (and then only it: a wrong value is reported, not skipped),
 * else /usr/bin/chromium, else `chromium` on PATH.
 */
export function findChromium(system = hostSystem) {
  const explicit = system.env.CHROME_PATH;
  if (explicit) {
    return system.isExecutable(explicit)
      ? { path: explicit, via: 'CHROME_PATH' }
      : { path: null, problem: `CHROME_PATH is set to ${explicit}, which is not an executable file.` };
  }
  if (system.isExecutable(DEFAULT_CHROMIUM)) return { path: DEFAULT_CHROMIUM, via: 'default path' };
  for (const dir of (system.env.PATH ?? '').split(delimiter)) {
    if (dir && system.isExecutable(join(dir, 'chromium'))) return { path: join(dir, 'chromium'), via: 'PATH' };
  }
  return { path: null, problem: `No Chromium found (CHROME_PATH is unset, ${DEFAULT_CHROMIUM} is missing, no \`chromium\` on PATH).` };
}

/** What to do about a missing browser, for a person reading the terminal. */
export function installAdvice(problem) {
  return [
    problem,
    'The browser component tests and the end-to-end tests run in Chromium. Either install Debian\'s Chromium:',
    '  sudo apt-get update && sudo apt-get install -y chromium',
    '(as root, `npm test` does this by itself), or point CHROME_PATH at a Chromium or Chrome binary:',
    '  CHROME_PATH=/path/to/chromium npm test',
  ].join('\n');
}

/** For the test runners: the browser's path, or an Error saying what to do. */
export function chromiumPath(system = hostSystem) {
  const found = findChromium(system);
  if (!found.path) throw new Error(installAdvice(found.problem));
  return found.path;
}
