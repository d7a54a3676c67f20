// `npm test`'s first step: make sure the test runners have a Chromium (see locate.mjs for
// where they look). When none is found and we are root on Debian or Ubuntu, install Debian's
// package with apt-get; otherwise stop with the exact command to run.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { findChromium, hostSystem as locateHost, installAdvice } from './locate.mjs';

const APT_GET = '/usr/bin/apt-get';

export const hostSystem = {
  ...locateHost,
  isRoot: process.getuid?.() === 0,
  isFile: existsSync,
  /** Runs a command with the terminal attached; returns its exit status. */
  run(command, args, extraEnv = {}) {
    const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...extraEnv } });
    return result.status ?? 1;
  },
  log: (line) => process.stderr.write(`${line}\n`),
};

/** `{ ok: true, path }` once a Chromium is there, else `{ ok: false, message }` saying what to do. */
export function ensureChromium(system = hostSystem) {
  const found = findChromium(system);
  if (found.path) {
    system.log(`Chromium: ${found.path} (${found.via})`);
    return { ok: true, path: found.path };
  }
  // A CHROME_PATH that points nowhere is a mistake to fix, not a reason to install another browser.
  const canInstall = !system.env.CHROME_PATH && system.isRoot && system.isExecutable(APT_GET) && system.isFile('/etc/debian_version');
  if (!canInstall) return { ok: false, message: installAdvice(found.problem) };

  system.log(`${found.problem}\nInstalling Debian's Chromium with apt-get (running as root):`);
  const steps = [
    ['update', '-qq'],
    ['install', '-y', '-qq', 'chromium'],
  ];
  for (const args of steps) {
    system.log(`$ DEBIAN_FRONTEND=noninteractive apt-get ${args.join(' ')}`);
    const status = system.run('apt-get', args, { DEBIAN_FRONTEND: 'noninteractive' });
    if (status !== 0) return { ok: false, message: installAdvice(`apt-get ${args[0]} failed (exit status ${status}).`) };
  }
  const installed = findChromium(system);
  if (!installed.path) return { ok: false, message: installAdvice(`apt-get installed chromium, but the runners still find none. ${installed.problem}`) };
  system.log(`Chromium: ${installed.path} (installed)`);
  return { ok: true, path: installed.path };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = ensureChromium();
  if (!result.ok) {
    process.stderr.write(`\n${result.message}\n\n`);
    process.exit(1);
  }
}
