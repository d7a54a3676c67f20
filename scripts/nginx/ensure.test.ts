import { describe, expect, it } from 'vitest';
import type { EnsureSystem } from '../chromium/ensure.mjs';
import { ensureNginx, findNginx } from './ensure.mjs';

/** A pretend machine (nothing here touches the real one): which files exist, who we are, what apt-get would do. */
function machine(options: { files?: string[]; env?: Record<string, string>; root?: boolean; debian?: boolean; aptInstalls?: string[] }) {
  const files = new Set(options.files ?? []);
  if (options.debian) files.add('/usr/bin/apt-get').add('/etc/debian_version');
  const commands: string[] = [];
  const system: EnsureSystem = {
    env: { PATH: '/usr/local/bin:/usr/bin:/bin', ...options.env },
    isExecutable: (path) => files.has(path),
    isFile: (path) => files.has(path),
    isRoot: options.root ?? false,
    run(command, args) {
      commands.push([command, ...args].join(' '));
      if (args[0] === 'install') for (const f of options.aptInstalls ?? []) files.add(f);
      return 0;
    },
    log: () => {},
  };
  return { system, commands };
}

describe('finding nginx', () => {
  it('takes NGINX first, then Debian\'s /usr/sbin/nginx, then the PATH', () => {
    expect(findNginx(machine({ files: ['/opt/nginx', '/usr/sbin/nginx'], env: { NGINX: '/opt/nginx' } }).system)).toEqual({ path: '/opt/nginx', via: 'NGINX' });
    expect(findNginx(machine({ files: ['/usr/sbin/nginx', '/usr/bin/nginx'] }).system)).toEqual({ path: '/usr/sbin/nginx', via: 'default path' });
    expect(findNginx(machine({ files: ['/usr/local/bin/nginx'] }).system)).toEqual({ path: '/usr/local/bin/nginx', via: 'PATH' });
  });

  it('reports an NGINX that points nowhere', () => {
    expect(findNginx(machine({ files: ['/usr/sbin/nginx'], env: { NGINX: '/nowhere' } }).system)).toEqual({ path: null, problem: expect.stringContaining('NGINX is set to /nowhere') });
  });
});

describe('CI bringing nginx (ensureNginx)', () => {
  it('installs nothing when nginx and openssl are there', () => {
    const { system, commands } = machine({ files: ['/usr/sbin/nginx', '/usr/bin/openssl'], root: true, debian: true });
    expect(ensureNginx(system)).toEqual({ ok: true, nginx: '/usr/sbin/nginx', openssl: '/usr/bin/openssl' });
    expect(commands).toEqual([]);
  });

  it('installs Debian\'s nginx with apt-get as root on Debian', () => {
    const { system, commands } = machine({ files: ['/usr/bin/openssl'], root: true, debian: true, aptInstalls: ['/usr/sbin/nginx'] });
    expect(ensureNginx(system)).toEqual({ ok: true, nginx: '/usr/sbin/nginx', openssl: '/usr/bin/openssl' });
    expect(commands).toEqual(['apt-get update -qq', 'apt-get install -y -qq nginx']);
  });

  it('says what to run otherwise', () => {
    const { system, commands } = machine({ files: ['/usr/bin/openssl'], root: false, debian: true });
    expect(ensureNginx(system)).toEqual({ ok: false, message: expect.stringContaining('sudo apt-get update && sudo apt-get install -y nginx openssl') });
    expect(commands).toEqual([]);
  });
});
