import { describe, expect, it } from 'vitest';
import { assertSocketIoInternalsVersions, installedVersion, SocketIoVersionMismatch, WRITTEN_AGAINST, type PinnedPackage } from './versions.ts';

describe('the Socket.IO internals version check', () => {
  it('passes on the installed packages: the ones every reach was verified with', () => {
    expect(() => assertSocketIoInternalsVersions()).not.toThrow();
  });

  it('reads each package where it is loaded from, nested copies included', () => {
    const installed = WRITTEN_AGAINST.map((pkg) => `${pkg.name}@${installedVersion(pkg)}`);
    expect(installed).toEqual(WRITTEN_AGAINST.map((pkg) => `${pkg.name}@${pkg.version}`));
  });

  it('stops the server on an upgrade, naming what differs and what to do', () => {
    const upgraded = (pkg: PinnedPackage) => (pkg.name === 'engine.io' ? '6.7.0' : pkg.name === 'ws' ? '8.22.1' : pkg.version);
    let error: unknown;
    try {
      assertSocketIoInternalsVersions(upgraded);
    } catch (err) {
      error = err;
    }

    expect(error).toBeInstanceOf(SocketIoVersionMismatch);
    const message = (error as Error).message;
    expect(message).toContain('engine.io (as loaded by socket.io): installed 6.7.0, written against 6.6.12');
    expect(message).toContain('ws (as loaded by engine.io): installed 8.22.1, written against 8.21.3');
    expect(message).not.toContain('ioredis');
    expect(message).toContain('CONTRIBUTING.md');
    expect(message).toContain('server/realtime/socket-io-internals/versions.ts');
  });
});
