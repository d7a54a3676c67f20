// How socket.io-client is bundled for the browser (rollup.config.mjs) and served to the browser
// tests (web-test-runner.config.mjs). These plugins lean on the layout of socket.io-client,
// engine.io-client and socket.io-parser (file names, what each module imports), which no API
// promises: they were written against the exact versions below, and building or testing with
// others stops with what differs. To upgrade: CONTRIBUTING.md, "Socket.IO and engine.io internals".
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** name, version, and the packages that load it (outermost first). */
export const WRITTEN_AGAINST = [
  { name: 'socket.io-client', version: '4.8.4', loadedBy: [] },
  { name: 'engine.io-client', version: '6.6.8', loadedBy: ['socket.io-client'] },
  { name: 'socket.io-parser', version: '4.2.7', loadedBy: ['socket.io-client'] },
];

/** A package's version, found from its entry point as the packages of `loadedBy` resolve it. */
export function installedVersion({ name, loadedBy }) {
  let from = fileURLToPath(import.meta.url);
  for (const parent of loadedBy) from = createRequire(from).resolve(parent);
  const entry = createRequire(from).resolve(name);
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8'));
    if (pkg.name === name && pkg.version) return pkg.version; // not a nested {"name", "type"} marker
  }
  throw new Error(`no package.json of ${name} above ${entry}`);
}

/** Throws, naming every package that differs, unless the installed versions are the ones above. */
export function assertSocketIoClientVersions(read = installedVersion) {
  const differences = WRITTEN_AGAINST.filter((pkg) => read(pkg) !== pkg.version).map((pkg) => {
    const where = pkg.loadedBy.length ? ` (as loaded by ${pkg.loadedBy.at(-1)})` : '';
    return `  ${pkg.name}${where}: installed ${read(pkg)}, written against ${pkg.version}`;
  });
  if (!differences.length) return;
  throw new Error(
    [
      'socket.io-client bundling: these packages differ from the versions scripts/socket-io-client-bundling.mjs was written against:',
      ...differences,
      'Re-verify each plugin (CONTRIBUTING.md, "Socket.IO and engine.io internals"), then update WRITTEN_AGAINST there.',
    ].join('\n'),
  );
}

let checked = false;
function checkOnce() {
  if (!checked) assertSocketIoClientVersions();
  checked = true;
}

/**
 * engine.io-client maps its `*.node.js` transports to browser files through package.json
 * "browser", which node-resolve (and the test runner's resolver) ignore for packages with
 * "exports": without this the bundles would ship the Node `ws`/XHR transports, and importing
 * socket.io-client in a browser test would load Node-only CommonJS. The browser file, or null.
 */
export function engineIoBrowserTwin(source, importerPath) {
  if (!importerPath?.includes('/engine.io-client/') || !source.endsWith('.node.js')) return null;
  return source.replace(/\.node\.js$/, '.js');
}

const engineIoBrowser = () => ({
  name: 'engine-io-browser',
  resolveId(source, importer) {
    const twin = engineIoBrowserTwin(source, importer);
    return twin && this.resolve(twin, importer, { skipSelf: true });
  },
});

/**
 * The widget connects websocket-only (`transports: ['websocket']`), but engine.io-client's
 * transport table imports polling (XHR) and WebTransport too, and a table lookup cannot be
 * tree-shaken: replace the table with one holding only the websocket transport (~2 KB gzip).
 */
const WEBSOCKET_ONLY = '\0engine-io-websocket-only';
const engineIoWebsocketOnly = () => ({
  name: 'engine-io-websocket-only',
  async resolveId(source, importer) {
    if (!importer?.includes('/engine.io-client/')) return null;
    if (/transports\/(polling|webtransport)/.test(source)) {
      // Only re-exported by engine.io-client's index (unused here), but their top-level
      // code (an unload listener) would keep them in the bundle: declare them pure.
      const resolved = await this.resolve(source, importer, { skipSelf: true });
      return resolved && { ...resolved, moduleSideEffects: false };
    }
    if (!/(^|\/)transports\/index\.js$/.test(source)) return null;
    const websocket = await this.resolve(source.replace(/index\.js$/, 'websocket.js'), importer, { skipSelf: true });
    return websocket && `${WEBSOCKET_ONLY}?${websocket.id}`;
  },
  load(id) {
    if (!id.startsWith(WEBSOCKET_ONLY)) return null;
    const websocket = id.slice(WEBSOCKET_ONLY.length + 1);
    return `import { WS } from ${JSON.stringify(websocket)};\nexport const transports = { websocket: WS };\n`;
  },
});

/** The widget sends JSON only: socket.io-parser's binary support is swapped for a JSON-only twin. */
const jsonOnlySocketIoParser = () => ({
  name: 'socket-io-json-parser',
  resolveId(source) {
    return source === 'socket.io-parser' ? fileURLToPath(new URL('../protocol/socket-io-json-parser.ts', import.meta.url)) : null;
  },
});

/**
 * socket.io's packages export an `esm-debug` build under the "development" condition, which
 * node-resolve applies when NODE_ENV=development (`npm run dev`); it imports the CommonJS
 * `debug` package, which these ESM bundles cannot take. Use the plain ESM build everywhere.
 */
const noSocketIoDebugBuilds = () => ({
  name: 'no-socket-io-debug-builds',
  async resolveId(source, importer, options) {
    const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
    if (!resolved || !resolved.id.includes('/build/esm-debug/')) return null;
    return { ...resolved, id: resolved.id.replace('/build/esm-debug/', '/build/esm/') };
  },
});

/** The Rollup plugins, to put before node-resolve; `jsonOnlyParser` for the widget's bundles. */
export function socketIoClientRollupPlugins({ jsonOnlyParser = false } = {}) {
  checkOnce();
  return [...(jsonOnlyParser ? [jsonOnlySocketIoParser()] : []), noSocketIoDebugBuilds(), engineIoWebsocketOnly(), engineIoBrowser()];
}

/** The same browser-file fix for @web/test-runner's dev server. */
export function socketIoClientTestRunnerPlugin() {
  checkOnce();
  return {
    name: 'engine-io-browser',
    resolveImport({ source, context }) {
      return engineIoBrowserTwin(source, context.path) ?? undefined;
    },
  };
}
