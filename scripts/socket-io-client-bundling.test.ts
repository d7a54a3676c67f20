import { describe, expect, it } from 'vitest';
import { assertSocketIoClientVersions, engineIoBrowserTwin, installedVersion, WRITTEN_AGAINST, type PinnedPackage } from './socket-io-client-bundling.mjs';

describe('the socket.io-client bundling plugins', () => {
  it('were written against the installed socket.io-client, engine.io-client and socket.io-parser', () => {
    expect(() => assertSocketIoClientVersions()).not.toThrow();
    expect(WRITTEN_AGAINST.map((pkg) => `${pkg.name}@${installedVersion(pkg)}`)).toEqual(WRITTEN_AGAINST.map((pkg) => `${pkg.name}@${pkg.version}`));
  });

  it('stop the build on an upgrade, naming what differs and what to do', () => {
    const upgraded = (pkg: PinnedPackage) => (pkg.name === 'engine.io-client' ? '6.7.0' : pkg.version);
    expect(() => assertSocketIoClientVersions(upgraded)).toThrow(
      /engine\.io-client \(as loaded by socket\.io-client\): installed 6\.7\.0, written against 6\.6\.8[\s\S]*CONTRIBUTING\.md/,
    );
  });

  it('give engine.io-client its browser files, and leave everyone else’s imports alone', () => {
    expect(engineIoBrowserTwin('./globals.node.js', '/app/node_modules/engine.io-client/build/esm/socket.js')).toBe('./globals.js');
    expect(engineIoBrowserTwin('./globals.node.js', '/app/node_modules/other/index.js')).toBeNull();
    expect(engineIoBrowserTwin('./socket.js', '/app/node_modules/engine.io-client/build/esm/index.js')).toBeNull();
  });
});
