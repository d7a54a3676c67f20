// Three bundles: the widget loader (tiny IIFE facade), the widget app (ESM +
// chunks, loaded on demand by the loader) and the agent desktop (ESM).
import { copyFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import esbuild from 'rollup-plugin-esbuild';
import { widgetDts } from './scripts/widget-dts.mjs';

const production = process.env.NODE_ENV !== 'development';

/**
 * engine.io-client (under socket.io-client) maps its `*.node.js` transports to browser
 * files through package.json "browser", which node-resolve ignores for packages with
 * "exports": without this the bundles would ship the Node `ws`/XHR transports.
 */
const engineIoBrowser = () => ({
  name: 'engine-io-browser',
  resolveId(source, importer) {
    if (!importer?.includes('/engine.io-client/') || !source.endsWith('.node.js')) return null;
    return this.resolve(source.replace(/\.node\.js$/, '.js'), importer, { skipSelf: true });
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
    return source === 'socket.io-parser' ? fileURLToPath(new URL('protocol/socket-io-json-parser.ts', import.meta.url)) : null;
  },
});

/**
 * Lit's css`…` blocks are template literals, which terser keeps verbatim: drop comments and
 * collapse whitespace in them (the widget's styles are ~2.5 KB gzip). Interpolations are kept.
 */
const minifyCss = () => ({
  name: 'minify-css-literals',
  transform(code, id) {
    if (!id.includes('/widget/') || !code.includes('css`')) return null;
    const out = code.replace(/\bcss`([^`]*)`/g, (_, body) =>
      'css`' + body.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\s+/g, ' ').replace(/\s*([{};,>])\s*/g, '$1').replace(/: /g, ':').replace(/ !important/g, '!important').replace(/;}/g, '}').trim() + '`');
    return { code: out, map: null };
  },
});

/** Emits the npm entry's index.d.ts next to it (scripts/widget-dts.mjs). */
const emitTypes = () => ({
  name: 'widget-types',
  generateBundle() {
    this.emitFile({ type: 'asset', fileName: 'index.d.ts', source: widgetDts() });
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

const plugins = (extra = []) => [
  ...extra,
  noSocketIoDebugBuilds(),
  minifyCss(),
  engineIoWebsocketOnly(),
  engineIoBrowser(),
  nodeResolve({ browser: true, extensions: ['.ts', '.tsx', '.js', '.mjs'], exportConditions: ['browser', 'module', 'import', 'default'] }),
  esbuild({ target: 'es2020', jsx: 'automatic', jsxImportSource: 'preact', minify: false, tsconfig: 'tsconfig.json' }),
  production && terser({ ecma: 2020, module: true, compress: { passes: 3 }, format: { comments: false } }),
];

/** Copies static files next to a bundle (the desktop's index.html). */
const copy = (pairs) => ({
  name: 'copy-static',
  writeBundle() {
    for (const [from, to] of pairs) {
      mkdirSync(to.slice(0, to.lastIndexOf('/')), { recursive: true });
      copyFileSync(from, to);
    }
  },
});

export default [
  {
    input: 'widget/loader.ts',
    output: { file: 'dist/widget/loader.js', format: 'iife', sourcemap: false },
    plugins: plugins(),
  },
  {
    // The API's argument checks, imported by the loader on the first Messenger(...) call.
    input: 'widget/api/validate.ts',
    output: { file: 'dist/widget/validate.js', format: 'es', sourcemap: false },
    plugins: plugins(),
  },
  {
    input: { app: 'widget/app/index.ts' },
    output: { dir: 'dist/widget', format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js', sourcemap: true },
    plugins: plugins([jsonOnlySocketIoParser()]),
  },
  {
    // The npm entry (package.json "exports" ./widget): the same facade, the app as a lazy chunk.
    input: { index: 'widget/esm.ts' },
    output: { dir: 'dist/widget/esm', format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js', sourcemap: true },
    plugins: [...plugins([jsonOnlySocketIoParser()]), emitTypes()],
  },
  {
    input: { main: 'desktop/main.tsx' },
    output: { dir: 'dist/desktop', format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js', sourcemap: true },
    plugins: [...plugins(), copy([['desktop/index.html', 'dist/desktop/index.html'], ['desktop/desktop.css', 'dist/desktop/desktop.css']])],
  },
];
