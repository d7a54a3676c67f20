import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The exact versions this folder's reaches into Socket.IO, engine.io, ws, the adapters and
 * ioredis were written and tested against. Each package is read where it is really loaded
 * from (engine.io as socket.io requires it, ws as engine.io does…), so a copy nested by npm
 * counts, not only the one at the top of node_modules. Any difference stops the server at
 * start: an internal may have moved, and the tests that prove each one must run again
 * (CONTRIBUTING.md, "Socket.IO and engine.io internals"). After re-verifying, bump the
 * version here, in package.json (when it is listed there) and in package-lock.json together.
 */
export interface PinnedPackage {
  name: string;
  version: string;
  /** The packages that load it, outermost first ([] = this server's own import). */
  loadedBy: readonly string[];
}

export const WRITTEN_AGAINST: readonly PinnedPackage[] = [
  { name: 'socket.io', version: '4.8.4', loadedBy: [] },
  { name: 'engine.io', version: '6.6.12', loadedBy: ['socket.io'] },
  { name: 'ws', version: '8.21.3', loadedBy: ['socket.io', 'engine.io'] },
  { name: 'socket.io-adapter', version: '2.5.8', loadedBy: ['socket.io'] },
  { name: '@socket.io/redis-adapter', version: '8.3.0', loadedBy: [] },
  { name: 'socket.io-adapter', version: '2.5.8', loadedBy: ['@socket.io/redis-adapter'] },
  { name: 'ioredis', version: '6.0.0', loadedBy: [] },
];

/** A package's version, found from its entry point (not every package exports its package.json). */
export type ReadVersion = (pkg: PinnedPackage) => string;

export const installedVersion: ReadVersion = ({ name, loadedBy }) => {
  let from = fileURLToPath(import.meta.url);
  for (const parent of loadedBy) from = createRequire(from).resolve(parent);
  return packageJsonOf(name, createRequire(from).resolve(name)).version;
};

function packageJsonOf(name: string, entry: string): { version: string } {
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === name && pkg.version) return { version: pkg.version }; // not a nested {"name", "type"} marker
  }
  throw new Error(`no package.json of ${name} above ${entry}`);
}

export class SocketIoVersionMismatch extends Error {
  override name = 'SocketIoVersionMismatch';
}

/** Throws, naming every package that differs, unless the installed versions are the ones above. */
export function assertSocketIoInternalsVersions(read: ReadVersion = installedVersion, pinned = WRITTEN_AGAINST): void {
  const differences = pinned.flatMap((pkg) => {
    const installed = read(pkg);
    if (installed === pkg.version) return [];
    const where = pkg.loadedBy.length ? ` (as loaded by ${pkg.loadedBy.at(-1)})` : '';
    return [`  ${pkg.name}${where}: installed ${installed}, written against ${pkg.version}`];
  });
  if (!differences.length) return;
  throw new SocketIoVersionMismatch(
    [
      'Socket.IO internals: these packages differ from the versions server/realtime/socket-io-internals/ reaches into:',
      ...differences,
      'Re-verify each reach and run the tests that prove it (CONTRIBUTING.md, "Socket.IO and engine.io internals"),',
      'then update WRITTEN_AGAINST in server/realtime/socket-io-internals/versions.ts.',
    ].join('\n'),
  );
}
