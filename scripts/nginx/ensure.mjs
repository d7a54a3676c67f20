// CI's step before the end-to-end suite: the two-node test runs behind Debian's nginx, with a
// throw-away certificate made by openssl. Finds both; when one is missing and we are root on Debian
// or Ubuntu, installs Debian's package with apt-get (as scripts/chromium/ensure.mjs does for
// Chromium); otherwise stops with the exact command to run. Never starts nginx as a service.
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { hostSystem } from '../chromium/ensure.mjs';

const APT_GET = '/usr/bin/apt-get';

/** NGINX when set (and then only it), else Debian's /usr/sbin/nginx (not on a user's PATH), else `nginx` on PATH. */
export function findNginx(system = hostSystem) {
  const explicit = system.env.NGINX;
  if (explicit) {
    return system.isExecutable(explicit) ? { path: explicit, via: 'NGINX' } : { path: null, problem: `NGINX is set to ${explicit}, which is not an executable file.` };
  }
  return findOnPath(system, 'nginx', '/usr/sbin/nginx');
}

export function findOpenssl(system = hostSystem) {
  return findOnPath(system, 'openssl', '/usr/bin/openssl');
}

function findOnPath(system, name, defaultPath) {
  if (system.isExecutable(defaultPath)) return { path: defaultPath, via: 'default path' };
  for (const dir of (system.env.PATH ?? '').split(delimiter)) {
    if (dir && system.isExecutable(join(dir, name))) return { path: join(dir, name), via: 'PATH' };
  }
  return { path: null, problem: `No ${name} found (${defaultPath} is missing, no \`${name}\` on PATH).` };
}

function advice(problem) {
  return `${problem}\nThe two-node end-to-end test runs behind nginx, with a certificate made by openssl. Install them:\n  sudo apt-get update && sudo apt-get install -y nginx openssl\n(nginx need not run as a service: the test starts its own), or point NGINX at an nginx binary.`;
}

/** `{ ok: true, nginx, openssl }` once both are there, else `{ ok: false, message }` saying what to do. */
export function ensureNginx(system = hostSystem) {
  const found = () => ({ nginx: findNginx(system), openssl: findOpenssl(system) });
  let now = found();
  const missing = () => Object.entries(now).filter(([, f]) => !f.path);
  if (missing().length && !system.env.NGINX && system.isRoot && system.isExecutable(APT_GET) && system.isFile('/etc/debian_version')) {
    const packages = missing().map(([name]) => name);
    system.log(`${missing().map(([, f]) => f.problem).join('\n')}\nInstalling ${packages.join(' and ')} with apt-get (running as root):`);
    for (const args of [['update', '-qq'], ['install', '-y', '-qq', ...packages]]) {
      system.log(`$ DEBIAN_FRONTEND=noninteractive apt-get ${args.join(' ')}`);
      const status = system.run('apt-get', args, { DEBIAN_FRONTEND: 'noninteractive' });
      if (status !== 0) return { ok: false, message: advice(`apt-get ${args[0]} failed (exit status ${status}).`) };
    }
    now = found();
  }
  if (missing().length) return { ok: false, message: advice(missing().map(([, f]) => f.problem).join('\n')) };
  system.log(`nginx: ${now.nginx.path} (${now.nginx.via}); openssl: ${now.openssl.path}`);
  return { ok: true, nginx: now.nginx.path, openssl: now.openssl.path };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = ensureNginx();
  if (!result.ok) {
    process.stderr.write(`\n${result.message}\n\n`);
    process.exit(1);
  }
}
