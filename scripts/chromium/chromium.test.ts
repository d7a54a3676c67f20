import { describe, expect, it } from 'vitest';
import { ensureChromium, type EnsureSystem } from './ensure.mjs';
import { chromiumPath, findChromium } from './locate.mjs';

/**
 * A pretend machine: which files exist, who we are, and what apt-get would do.
 * Nothing here touches the real system (other people use its Chromium).
 */
function machine(options: { files?: string[]; env?: Record<string, string>; root?: boolean; debian?: boolean; aptInstalls?: string | null; aptFails?: 'update' | 'install' }) {
  const files = new Set(options.files ?? []);
  if (options.debian) files.add('/usr/bin/apt-get').add('/etc/debian_version');
  const commands: string[] = [];
  const output: string[] = [];
  const system: EnsureSystem = {
    env: { PATH: '/usr/local/bin:/usr/bin:/bin', ...options.env },
    isExecutable: (path) => files.has(path),
    isFile: (path) => files.has(path),
    isRoot: options.root ?? false,
    run(command, args, extraEnv = {}) {
      commands.push([...Object.entries(extraEnv).map(([k, v]) => `${k}=${v}`), command, ...args].join(' '));
      if (options.aptFails === args[0]) return 100;
      if (args[0] === 'install' && options.aptInstalls) files.add(options.aptInstalls);
      return 0;
    },
    log: (line) => output.push(line),
  };
  return { system, commands, output };
}

describe('finding Chromium', () => {
  it('takes CHROME_PATH first, even when Debian\'s Chromium is there too', () => {
    const { system } = machine({ files: ['/opt/chrome/chrome', '/usr/bin/chromium'], env: { CHROME_PATH: '/opt/chrome/chrome' } });
    expect(findChromium(system)).toEqual({ path: '/opt/chrome/chrome', via: 'CHROME_PATH' });
  });

  it('then /usr/bin/chromium', () => {
    const { system } = machine({ files: ['/usr/bin/chromium', '/usr/local/bin/chromium'] });
    expect(findChromium(system)).toEqual({ path: '/usr/bin/chromium', via: 'default path' });
  });

  it('then `chromium` on PATH', () => {
    const { system } = machine({ files: ['/home/me/bin/chromium'], env: { PATH: '/usr/bin:/home/me/bin' } });
    expect(findChromium(system)).toEqual({ path: '/home/me/bin/chromium', via: 'PATH' });
  });

  it('reports a CHROME_PATH that points nowhere rather than quietly using another browser', () => {
    const { system } = machine({ files: ['/usr/bin/chromium'], env: { CHROME_PATH: '/nowhere/chrome' } });
    expect(findChromium(system)).toEqual({ path: null, problem: expect.stringContaining('CHROME_PATH is set to /nowhere/chrome') });
  });

  it('gives the test runners an error that says what to run when there is none', () => {
    const { system } = machine({});
    expect(() => chromiumPath(system)).toThrow(/sudo apt-get update && sudo apt-get install -y chromium[\s\S]*CHROME_PATH=\/path\/to\/chromium npm test/);
  });
});

describe('npm test bringing its browser (ensureChromium)', () => {
  it('uses the Chromium it finds and installs nothing', () => {
    const { system, commands, output } = machine({ files: ['/usr/bin/chromium'], root: true, debian: true });
    expect(ensureChromium(system)).toEqual({ ok: true, path: '/usr/bin/chromium' });
    expect(commands).toEqual([]);
    expect(output).toEqual(['Chromium: /usr/bin/chromium (default path)']);
  });

  it('as root on Debian without Chromium: runs apt-get update, then installs chromium non-interactively, and uses it', () => {
    const { system, commands, output } = machine({ root: true, debian: true, aptInstalls: '/usr/bin/chromium' });
    expect(ensureChromium(system)).toEqual({ ok: true, path: '/usr/bin/chromium' });
    expect(commands).toEqual(['DEBIAN_FRONTEND=noninteractive apt-get update -qq', 'DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium']);
    expect(output.join('\n')).toContain('$ DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium');
    expect(output.at(-1)).toBe('Chromium: /usr/bin/chromium (installed)');
  });

  it('as another user: installs nothing and says exactly what to run', () => {
    const { system, commands } = machine({ root: false, debian: true });
    const result = ensureChromium(system);
    expect(commands).toEqual([]);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toContain('sudo apt-get update && sudo apt-get install -y chromium');
    expect(!result.ok && result.message).toContain('CHROME_PATH=/path/to/chromium npm test');
  });

  it('as root without apt-get (not Debian or Ubuntu): installs nothing and says what to do', () => {
    const { system, commands } = machine({ root: true, debian: false });
    expect(ensureChromium(system)).toMatchObject({ ok: false, message: expect.stringContaining('CHROME_PATH=') });
    expect(commands).toEqual([]);
  });

  it('does not install when CHROME_PATH is wrong: that is the setting to fix', () => {
    const { system, commands } = machine({ root: true, debian: true, env: { CHROME_PATH: '/nowhere/chrome' } });
    expect(ensureChromium(system)).toMatchObject({ ok: false, message: expect.stringContaining('CHROME_PATH is set to /nowhere/chrome') });
    expect(commands).toEqual([]);
  });

  it('stops with the failing step when apt-get fails', () => {
    const { system, commands } = machine({ root: true, debian: true, aptFails: 'update' });
    expect(ensureChromium(system)).toMatchObject({ ok: false, message: expect.stringContaining('apt-get update failed (exit status 100)') });
    expect(commands).toHaveLength(1);
  });

  it('says so when apt-get succeeded but no Chromium appeared where the runners look', () => {
    const { system } = machine({ root: true, debian: true, aptInstalls: '/usr/lib/chromium/chromium' });
    expect(ensureChromium(system)).toMatchObject({ ok: false, message: expect.stringContaining('apt-get installed chromium, but the runners still find none. No Chromium found') });
  });
});
